// XREADGROUP's per-stream reads: redelivering due entries, claiming idle pending entries (8.4
// CLAIM), delivering new entries, and re-reading a consumer's own history. Each read is planned
// on the data (streams/delivery_plan.h), written from the plan, then applied
// (src/delivery/apply.h): the walks never see the PEL change under them.
#include <vector>

#include "src/commands/streams/util.h"
#include "src/commands/streams/xreadgroup.h"
#include "src/delivery/apply.h"
#include "src/delivery/policy.h"
#include "src/server_state.h"
#include "streams/delivery_plan.h"

namespace server {

namespace {

void WriteFields(resp::Writer& w, const streams::EntryView& entry) {
  w.Array(entry.field_values.size());
  for (std::string_view item : entry.field_values) w.Bulk(item);
}

// Under CLAIM every entry carries two more integers: how long ago it was last delivered and how
// many times it had been delivered before this read (0 and 0 for a new entry).
void WriteEntryWithDelivery(resp::Writer& w, streams::StreamID id,
                            const streams::EntryView& entry, int64_t idle_ms, uint64_t count) {
  w.Array(4);
  ReplyId(w, id);
  WriteFields(w, entry);
  w.Integer(idle_ms);
  w.Integer(static_cast<int64_t>(count));
}

// The entry's idle time as CLAIM replies it: a NACKed entry has no delivery time (-1).
int64_t ClaimIdle(const streams::PendingEntry& e, int64_t now_ms) {
  return e.owner() == nullptr ? -1 : now_ms - e.delivery_time_ms;
}

// A pending entry the plan takes, as it is before this read (the plan saw it in the stream).
void WritePending(resp::Writer& w, const streams::Stream& s, const streams::PendingEntry& e,
                  bool claim_format, int64_t now_ms) {
  auto it = s.Range(e.id, e.id);
  if (claim_format) {
    WriteEntryWithDelivery(w, e.id, it.entry(), ClaimIdle(e, now_ms), e.delivery_count());
  } else {
    ReplyEntry(w, e.id, it.entry());
  }
}

streams::AdmitFn Admit(ReadBudget& budget) {
  return [&budget](const streams::EntryView& entry) { return budget.Admit(entry); };
}

}  // namespace

size_t ReadNew(resp::Writer& w, const GroupReadTarget& t, const GroupReadOptions& opts,
               ReadBudget& budget, DeliveryContext& dc) {
  budget.StartStream();
  const bool claim = opts.claim_min_idle >= 0;
  const streams::GroupReadRequest req{dc.now_ms, dc.state.loading, opts.claim_min_idle};
  const streams::GroupReadPlan plan = streams::PlanGroupRead(
      t.stream, t.group, EffectivePolicy(dc.state.config, t.group), req, Admit(budget));
  for (const streams::PendingEntry* e : plan.due) WritePending(w, t.stream, *e, claim, dc.now_ms);
  for (const streams::PendingEntry* e : plan.claimed) {
    WritePending(w, t.stream, *e, /*claim_format=*/true, dc.now_ms);
  }
  // The plan's new entries are the first ones after the group's position.
  auto it = t.stream.After(t.group.last_id());
  for (size_t i = 0; i < plan.fresh.size(); i++, it.Next()) {
    if (claim) {
      WriteEntryWithDelivery(w, it.id(), it.entry(), 0, 0);
    } else {
      ReplyEntry(w, it.id(), it.entry());
    }
  }
  ApplyGroupRead(dc, {t.key, t.group_name, t.stream, t.group}, t.consumer, plan, opts.noack);
  return plan.written();
}

size_t ReadHistory(resp::Writer& w, const GroupReadTarget& t, streams::StreamID after,
                   ReadBudget& budget, DeliveryContext& dc) {
  budget.StartStream();
  const std::vector<streams::HistoryStep> steps =
      streams::PlanHistoryRead(t.stream, t.consumer, after, Admit(budget));
  for (const streams::HistoryStep& step : steps) {
    const streams::StreamID id = step.entry->id;
    if (step.deleted) {
      // Deleted while pending: the ID with a null in place of the fields, as Redis replies.
      w.Array(2);
      ReplyId(w, id);
      w.NullArray();
    } else {
      ReplyEntry(w, id, t.stream.Range(id, id).entry());
    }
  }
  ApplyHistoryRead(dc, {t.key, t.group_name, t.stream, t.group}, t.consumer, steps);
  return steps.size();
}

void WriteReadGroupHeader(resp::Writer& w, size_t parts) {
  if (w.protocol() == 2) {
    w.Array(parts);
  } else {
    w.Map(parts);
  }
}

void WriteReadGroupPart(resp::Writer& w, std::string_view key, size_t n,
                        std::string_view entries) {
  if (w.protocol() == 2) w.Array(2);
  w.Bulk(key);
  w.Array(n);
  w.Raw(entries);
}

}  // namespace server
