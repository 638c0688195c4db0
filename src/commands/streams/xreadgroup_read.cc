// XREADGROUP's per-stream reads: claiming idle pending entries (8.4 CLAIM), delivering new
// entries, and re-reading a consumer's own history. Each read first walks and writes, then
// changes the PEL, because a change to the PEL invalidates the walk over it.
#include <limits>
#include <vector>

#include "src/commands/streams/util.h"
#include "src/commands/streams/xreadgroup.h"
#include "src/delivery/dead_letter.h"
#include "streams/saturating.h"

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

// What one ">" read takes from the PEL before new entries: due entries (the delivery policy),
// then with CLAIM the claimable ones. Both walks only write and collect; the PEL changes after
// them, because a change invalidates the walks.
struct PelTake {
  std::vector<streams::PendingEntry*> due;        // written: redelivered as due
  std::vector<streams::PendingEntry*> claimed;    // written: claimed (CLAIM)
  std::vector<streams::PendingEntry*> exhausted;  // not written: to dead-letter
  std::vector<streams::PendingEntry*> undeliverable;  // due but deleted from the stream
};

// The entry's idle time as CLAIM replies it: a NACKed entry has no delivery time (-1).
int64_t ClaimIdle(const streams::PendingEntry& e, int64_t now_ms) {
  return e.owner() == nullptr ? -1 : now_ms - e.delivery_time_ms;
}

// Due entries of `g`, earliest due first, each admitted to `budget` and written (in CLAIM's
// format under CLAIM). Exhausted ones are set aside for the dead-letter stream instead.
void WriteDue(resp::Writer& w, const streams::Stream& s, const streams::ConsumerGroup& g,
              const GroupDue& due, bool claim_format, ReadBudget& budget, int64_t now_ms,
              PelTake& take) {
  const streams::DeliveryPolicy& policy = due.policy();
  g.ForEachDue(0, now_ms, due.owned_wait(), [&](streams::PendingEntry& e) {
    if (policy.ExhaustedAfter(e.delivery_count)) {
      take.exhausted.push_back(&e);
      return true;
    }
    auto it = s.Range(e.id, e.id);
    if (!it.Valid()) {
      take.undeliverable.push_back(&e);
      return true;
    }
    if (!budget.Admit(it.entry())) return false;
    if (claim_format) {
      WriteEntryWithDelivery(w, e.id, it.entry(), ClaimIdle(e, now_ms), e.delivery_count);
    } else {
      ReplyEntry(w, e.id, it.entry());
    }
    take.due.push_back(&e);
    return true;
  });
}

// Walks the claimable entries of `g` in claiming order, admitting each one still in the stream
// to `budget` and writing it. Entries deleted from the stream can't be returned and stay in the
// PEL as they are. Due entries are WriteDue's; a NACKed entry whose due time (XNACK DELAY, a
// backoff) has not come waits for it; an exhausted entry is set aside for the dead-letter stream.
void WriteClaimable(resp::Writer& w, const streams::Stream& s, const streams::ConsumerGroup& g,
                    const GroupDue& due, int64_t min_idle, ReadBudget& budget, int64_t now_ms,
                    PelTake& take) {
  const streams::DeliveryPolicy& policy = due.policy();
  bool full = false;
  auto visit = [&](streams::PendingEntry& e) {
    const int64_t due_at = streams::ConsumerGroup::DueOf(e, due.owned_wait());
    if (due_at >= 0 && (due_at <= now_ms || e.owner() == nullptr)) return true;
    if (policy.ExhaustedAfter(e.delivery_count)) {
      take.exhausted.push_back(&e);
      return true;
    }
    auto it = s.Range(e.id, e.id);
    if (!it.Valid()) return true;
    if (!budget.Admit(it.entry())) {
      full = true;
      return false;
    }
    WriteEntryWithDelivery(w, e.id, it.entry(), ClaimIdle(e, now_ms), e.delivery_count);
    take.claimed.push_back(&e);
    return true;
  };
  // NACKed entries may be claimed at once, whatever min-idle-time says (XNACK, 8.8).
  g.ForEachNacked(visit);
  if (!full) g.ForEachIdle(now_ms - min_idle, visit);
}

// Gives pending `e` to `c` as a counted delivery: its next due time, and its record (an XCLAIM
// with the delivery's time and count).
void RedeliverTo(streams::PendingEntry& e, streams::Consumer& c, streams::ConsumerGroup& g,
                 GroupDue& due, std::string_view key, std::string_view group,
                 DeliveryContext& dc) {
  g.Redeliver(e, c, dc.now_ms, true);
  due.AfterDelivery(e);
  if (dc.records != nullptr) dc.records->push_back(ClaimRecord(key, group, e, g));
}

}  // namespace

size_t ReadUndelivered(std::string& out, int protocol, std::string_view key, streams::Stream& s,
                       streams::ConsumerGroup& g, streams::Consumer& c,
                       const GroupReadOptions& opts, ReadBudget& budget, DeliveryContext& dc) {
  resp::Writer w(out, protocol);
  budget.StartStream();
  const int64_t now_ms = dc.now_ms;
  const bool claim = opts.claim_min_idle >= 0;
  GroupDue due(dc.state.config, g);
  const streams::DeliveryPolicy& policy = due.policy();
  PelTake take;
  // The policy acts on its own only live, never while the AOF replays.
  // (XNACK DELAY gives due times without a policy too.)
  if (!dc.state.loading) {
    const std::optional<int64_t> first_due = g.NextDue(due.owned_wait());
    if (first_due && *first_due <= now_ms) WriteDue(w, s, g, due, claim, budget, now_ms, take);
  }
  if (claim) WriteClaimable(w, s, g, due, opts.claim_min_idle, budget, now_ms, take);
  size_t n = take.due.size() + take.claimed.size();
  bool into_pel = n > 0;
  // NOACK does not apply to due or claimed entries: they stay pending, now with `c`.
  for (streams::PendingEntry* e : take.due) {
    RedeliverTo(*e, c, g, due, key, opts.group, dc);
    g.counters().redelivered++;
    dc.state.policy_stats.redelivered++;
  }
  for (streams::PendingEntry* e : take.claimed) RedeliverTo(*e, c, g, due, key, opts.group, dc);
  // Deleted from the stream while pending: nothing can be delivered, so the reference is
  // dropped, as XCLAIM and XAUTOCLAIM drop such references.
  for (streams::PendingEntry* e : take.undeliverable) {
    const streams::StreamID id = e->id;
    g.Ack(id);
    if (dc.records != nullptr) dc.records->push_back(DropPendingRecord(key, opts.group, id));
  }
  if (!dc.state.loading) {
    for (streams::PendingEntry* e : take.exhausted) {
      DeadLetter(dc, key, s, opts.group, g, policy, *e, kDlqReasonMaxDeliveries);
    }
  }
  // Delivering moves the group, not the stream, so this walk stays valid.
  bool moved = false;
  for (auto it = s.After(g.last_id()); it.Valid() && budget.Admit(it.entry()); it.Next()) {
    if (claim) {
      WriteEntryWithDelivery(w, it.id(), it.entry(), 0, 0);
    } else {
      ReplyEntry(w, it.id(), it.entry());
    }
    g.AdvanceTo(s, it.id());
    moved = true;
    if (!opts.noack) {
      streams::PendingEntry* e = g.RecordDelivery(it.id(), c, now_ms);
      due.AfterDelivery(*e);
      if (dc.records != nullptr) dc.records->push_back(ClaimRecord(key, opts.group, *e, g));
      into_pel = true;
    }
    n++;
  }
  // XCLAIM's LASTID moves the group on replay but not its entries-read: this sets both.
  if (moved && dc.records != nullptr) dc.records->push_back(PositionRecord(key, opts.group, g));
  due.Commit(dc.state, dc.db, key, opts.group, dc.records);
  // XINFO CONSUMERS "inactive" (7.2): time since the consumer last got entries into the PEL.
  if (into_pel) c.active_time_ms = now_ms;
  return n;
}

size_t ReadHistory(std::string& out, int protocol, std::string_view key, streams::Stream& s,
                   streams::ConsumerGroup& g, streams::Consumer& c, streams::StreamID after,
                   const GroupReadOptions& opts, ReadBudget& budget, DeliveryContext& dc) {
  resp::Writer w(out, protocol);
  budget.StartStream();
  if (after == streams::StreamID::Max()) return 0;  // nothing can follow it
  std::vector<streams::PendingEntry*> redeliver;
  size_t n = 0;
  streams::PendingIndex::Iterator pel(c.pel);
  for (pel.Seek(streams::SeekOp::kGreater, after); pel.Valid(); pel.Next()) {
    streams::PendingEntry* e = pel.Value();
    auto it = s.Range(e->id, e->id);
    if (it.Valid()) {
      if (!budget.Admit(it.entry())) break;
      ReplyEntry(w, e->id, it.entry());
      redeliver.push_back(e);
    } else {
      // Deleted while pending: the ID with a null in place of the fields, as Redis replies.
      if (!budget.Admit(streams::EntryView{e->id, {}})) break;
      w.Array(2);
      ReplyId(w, e->id);
      w.NullArray();
    }
    n++;
  }
  GroupDue due(dc.state.config, g);
  for (streams::PendingEntry* e : redeliver) RedeliverTo(*e, c, g, due, key, opts.group, dc);
  due.Commit(dc.state, dc.db, key, opts.group);
  return n;
}

int64_t NextClaimableAt(const streams::Stream& s, const streams::ConsumerGroup& g,
                        int64_t min_idle) {
  int64_t at = -1;
  auto live = [&s](const streams::PendingEntry& e) { return s.Range(e.id, e.id).Valid(); };
  auto earlier = [&at](int64_t t) {
    if (at < 0 || t < at) at = t;
  };
  // A NACKed entry is claimable at once, or at its due time (XNACK DELAY, a backoff).
  g.ForEachNacked([&](streams::PendingEntry& e) {
    if (!live(e)) return true;
    earlier(e.due_ms >= 0 ? e.due_ms : 0);
    return at != 0;
  });
  if (at == 0) return at;
  g.ForEachIdle(std::numeric_limits<int64_t>::max(), [&](streams::PendingEntry& e) {
    if (!live(e)) return true;
    earlier(streams::SaturatingAdd(e.delivery_time_ms, min_idle));
    return false;
  });
  return at;
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
