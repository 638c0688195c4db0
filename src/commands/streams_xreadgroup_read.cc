// XREADGROUP's per-stream reads: claiming idle pending entries (8.4 CLAIM), delivering new
// entries, and re-reading a consumer's own history. Each read first walks and writes, then
// changes the PEL, because a change to the PEL invalidates the walk over it.
#include <limits>
#include <vector>

#include "src/commands/streams_util.h"
#include "src/commands/streams_xreadgroup.h"

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

// Walks the claimable entries of `g` in claiming order, admitting each one still in the stream
// to `budget` and writing it; returns them, to be redelivered once the walk is over. Entries
// deleted from the stream can't be returned and stay in the PEL as they are.
std::vector<streams::PendingEntry*> WriteClaimable(resp::Writer& w, const streams::Stream& s,
                                                   const streams::ConsumerGroup& g,
                                                   int64_t min_idle, ReadBudget& budget,
                                                   int64_t now_ms) {
  std::vector<streams::PendingEntry*> claimed;
  bool full = false;
  auto visit = [&](streams::PendingEntry& e) {
    auto it = s.Range(e.id, e.id);
    if (!it.Valid()) return true;
    if (!budget.Admit(it.entry())) {
      full = true;
      return false;
    }
    // A NACKed entry has no delivery time (XPENDING shows its idle time as -1).
    const int64_t idle = e.owner == nullptr ? -1 : now_ms - e.delivery_time_ms;
    WriteEntryWithDelivery(w, e.id, it.entry(), idle, e.delivery_count);
    claimed.push_back(&e);
    return true;
  };
  // NACKed entries may be claimed at once, whatever min-idle-time says (XNACK, 8.8).
  g.ForEachNacked(visit);
  if (!full) g.ForEachIdle(now_ms - min_idle, visit);
  return claimed;
}

}  // namespace

size_t ReadUndelivered(std::string& out, int protocol, std::string_view key, streams::Stream& s,
                       streams::ConsumerGroup& g, streams::Consumer& c,
                       const GroupReadOptions& opts, ReadBudget& budget, int64_t now_ms,
                       std::vector<Record>& records) {
  resp::Writer w(out, protocol);
  budget.StartStream();
  const bool claim = opts.claim_min_idle >= 0;
  size_t n = 0;
  bool into_pel = false;
  if (claim) {
    auto claimed = WriteClaimable(w, s, g, opts.claim_min_idle, budget, now_ms);
    // NOACK does not apply to claimed entries: they stay pending, now with `c`.
    for (streams::PendingEntry* e : claimed) {
      g.Redeliver(*e, c, now_ms, true);
      if (opts.record) records.push_back(ClaimRecord(key, opts.group, *e, g));
    }
    n += claimed.size();
    into_pel = !claimed.empty();
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
      const streams::PendingEntry* e = g.RecordDelivery(it.id(), c, now_ms);
      if (opts.record) records.push_back(ClaimRecord(key, opts.group, *e, g));
      into_pel = true;
    }
    n++;
  }
  // XCLAIM's LASTID moves the group on replay but not its entries-read: this sets both.
  if (moved && opts.record) records.push_back(PositionRecord(key, opts.group, g));
  // XINFO CONSUMERS "inactive" (7.2): time since the consumer last got entries into the PEL.
  if (into_pel) c.active_time_ms = now_ms;
  return n;
}

size_t ReadHistory(std::string& out, int protocol, std::string_view key, streams::Stream& s,
                   streams::ConsumerGroup& g, streams::Consumer& c, streams::StreamID after,
                   const GroupReadOptions& opts, ReadBudget& budget, int64_t now_ms,
                   std::vector<Record>& records) {
  resp::Writer w(out, protocol);
  budget.StartStream();
  if (after == streams::StreamID::Max()) return 0;  // nothing can follow it
  std::vector<streams::PendingEntry*> redeliver;
  size_t n = 0;
  streams::PendingTree::Iterator pel(c.pel);
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
  for (streams::PendingEntry* e : redeliver) {
    g.Redeliver(*e, c, now_ms, true);
    if (opts.record) records.push_back(ClaimRecord(key, opts.group, *e, g));
  }
  return n;
}

int64_t NextClaimableAt(const streams::Stream& s, const streams::ConsumerGroup& g,
                        int64_t min_idle) {
  int64_t at = -1;
  auto live = [&s](const streams::PendingEntry& e) { return s.Range(e.id, e.id).Valid(); };
  g.ForEachNacked([&](streams::PendingEntry& e) {
    if (!live(e)) return true;
    at = 0;
    return false;
  });
  if (at >= 0) return at;
  g.ForEachIdle(std::numeric_limits<int64_t>::max(), [&](streams::PendingEntry& e) {
    if (!live(e)) return true;
    at = e.delivery_time_ms > std::numeric_limits<int64_t>::max() - min_idle
             ? std::numeric_limits<int64_t>::max()
             : e.delivery_time_ms + min_idle;
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
