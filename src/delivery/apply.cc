#include "src/delivery/apply.h"

#include <string>
#include <utility>

#include "src/delivery/dead_letter.h"
#include "src/delivery/group_due.h"
#include "src/delivery/records.h"
#include "src/notify.h"
#include "src/server_state.h"

namespace server {

namespace {

// Builds the record only when something keeps it (no AOF and no replicas: nothing does), as a
// record is a dozen strings per delivered entry; otherwise the change is only counted.
template <typename Build>
void AddRecord(DeliveryContext& dc, Build build) {
  KeepRecord(dc.state.propagation, dc.records, build);
}

// Gives pending `e` to `c` as a counted delivery: its next due time, and its record (an XCLAIM
// with the delivery's time and count).
void RedeliverTo(DeliveryContext& dc, const GroupRef& ref, GroupDue& due, streams::PendingEntry& e,
                 streams::Consumer& c) {
  ref.g.Redeliver(e, c, dc.now_ms, true);
  due.AfterDelivery(e);
  AddRecord(dc, [&] { return ClaimRecord(ref.key, ref.group, e, ref.g); });
}

// Deleted from the stream while pending: nothing can be delivered, so the reference is dropped.
void Drop(DeliveryContext& dc, const GroupRef& ref, streams::StreamID id) {
  ref.g.Ack(id);
  AddRecord(dc, [&] { return DropPendingRecord(ref.key, ref.group, id); });
}

bool DeadLetterEntry(DeliveryContext& dc, const GroupRef& ref, GroupDue& due,
                     streams::PendingEntry& e, std::string_view reason) {
  return DeadLetter(dc, ref.key, ref.stream, ref.group, ref.g, due.policy(), e, reason);
}

}  // namespace

void ApplyGroupRead(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                    const streams::GroupReadPlan& plan, bool noack) {
  streams::ConsumerGroup& g = ref.g;
  GroupDue due(dc.state.config, g);
  // NOACK does not apply to due or claimed entries: they stay pending, now with `c`.
  for (streams::PendingEntry* e : plan.due) {
    RedeliverTo(dc, ref, due, *e, c);
    g.counters().redelivered++;
    dc.state.policy_stats.redelivered++;
    NotifyKeyspaceEvent(dc.state, kNotifyStream, kEventRedeliver, ref.key, dc.db);
  }
  for (streams::PendingEntry* e : plan.claimed) RedeliverTo(dc, ref, due, *e, c);
  for (streams::PendingEntry* e : plan.undeliverable) Drop(dc, ref, e->id);
  for (streams::PendingEntry* e : plan.dead_letter) {
    DeadLetterEntry(dc, ref, due, *e, kDlqReasonMaxDeliveries);
  }
  bool into_pel = !plan.due.empty() || !plan.claimed.empty();
  for (streams::StreamID id : plan.fresh) {
    g.AdvanceTo(ref.stream, id);
    if (noack) continue;
    streams::PendingEntry* e = g.RecordDelivery(id, c, dc.now_ms);
    due.AfterDelivery(*e);
    AddRecord(dc, [&] { return ClaimRecord(ref.key, ref.group, *e, g); });
    into_pel = true;
  }
  // XCLAIM's LASTID moves the group on replay but not its entries-read: this sets both.
  if (!plan.fresh.empty()) AddRecord(dc, [&] { return PositionRecord(ref.key, ref.group, g); });
  due.Commit(dc.state, dc.db, ref.key, ref.group, dc.records);
  // XINFO CONSUMERS "inactive" (7.2): time since the consumer last got entries into the PEL.
  if (into_pel) c.active_time_ms = dc.now_ms;
}

void ApplyHistoryRead(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                      const std::vector<streams::HistoryStep>& steps) {
  GroupDue due(dc.state.config, ref.g);
  for (const streams::HistoryStep& step : steps) {
    if (!step.deleted) RedeliverTo(dc, ref, due, *step.entry, c);
  }
  due.Commit(dc.state, dc.db, ref.key, ref.group);
}

void ApplyAutoClaim(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                    const streams::AutoClaimPlan& plan, bool just_id) {
  streams::ConsumerGroup& g = ref.g;
  GroupDue due(dc.state.config, g);
  for (const streams::ClaimStep& step : plan.steps) {
    if (step.action == streams::ClaimAction::kDrop) {
      Drop(dc, ref, step.id);
      continue;
    }
    streams::PendingEntry& e = *g.FindPending(step.id);
    if (step.action == streams::ClaimAction::kDeadLetter) {
      DeadLetterEntry(dc, ref, due, e, kDlqReasonMaxDeliveries);
      continue;
    }
    g.Redeliver(e, c, dc.now_ms, /*count_delivery=*/!just_id);
    c.active_time_ms = dc.now_ms;
    due.AfterDelivery(e);
    AddRecord(dc, [&] { return ClaimRecord(ref.key, ref.group, e, g); });
  }
  due.Commit(dc.state, dc.db, ref.key, ref.group, dc.records);
}

void ApplyClaim(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                const std::vector<streams::XClaimStep>& steps, const ClaimOptions& opts) {
  streams::ConsumerGroup& g = ref.g;
  GroupDue due(dc.state.config, g);
  for (const streams::XClaimStep& step : steps) {
    streams::PendingEntry* e = nullptr;
    switch (step.action) {
      case streams::XClaimAction::kDrop:
        Drop(dc, ref, step.id);
        continue;
      case streams::XClaimAction::kCreate:
        // Like a delivery it starts at count 1, and the claim below counts once more: Redis
        // 7.0 replies 2 in XPENDING.
        e = g.CreatePending(step.id, c, opts.delivery_time, 1);
        break;
      case streams::XClaimAction::kClaim:
        e = g.FindPending(step.id);
        g.Redeliver(*e, c, opts.delivery_time, /*count_delivery=*/false);
        break;
    }
    if (opts.retry_count && *opts.retry_count >= 0) {
      g.SetDeliveryCount(*e, static_cast<uint64_t>(*opts.retry_count));
    } else if (!opts.just_id) {
      g.SetDeliveryCount(*e, e->delivery_count() + 1);
    }
    c.active_time_ms = dc.now_ms;
    due.AfterDelivery(*e);
    AddRecord(dc, [&] { return ClaimRecord(ref.key, ref.group, *e, g); });
  }
  due.Commit(dc.state, dc.db, ref.key, ref.group);
}

void ApplyNack(DeliveryContext& dc, const GroupRef& ref,
               const std::vector<streams::NackStep>& steps, std::optional<int64_t> due_at) {
  streams::ConsumerGroup& g = ref.g;
  GroupDue due(dc.state.config, g);
  for (const streams::NackStep& step : steps) {
    streams::PendingEntry* e = step.create ? g.CreateNacked(step.id, 0) : g.FindPending(step.id);
    if (step.action == streams::NackAction::kDeadLetter) {
      // A dead letter records the deliveries it had, not FATAL's marker count.
      if (!step.fatal) g.SetDeliveryCount(*e, step.count);
      if (DeadLetterEntry(dc, ref, due, *e,
                          step.fatal ? kDlqReasonFatal : kDlqReasonMaxDeliveries)) {
        continue;
      }
      // Refused by the dead-letter key: released as without a policy.
    }
    g.SetDeliveryCount(*e, step.count);
    g.Nack(*e);
    due.AfterNack(*e, dc.now_ms, due_at);
    AddRecord(dc, [&] {
      Record r{"XNACK", ref.key, ref.group, "FAIL", "IDS", "1"};
      r.Id(step.id).Arg("RETRYCOUNT").Uint(e->delivery_count()).Arg("FORCE");
      if (e->due_ms() >= 0) r.Arg("DUE-AT").Int(e->due_ms());
      return r;
    });
  }
  due.Commit(dc.state, dc.db, ref.key, ref.group, dc.records);
}

}  // namespace server
