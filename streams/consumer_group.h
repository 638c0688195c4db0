// Consumer groups: a group's read position (last-delivered ID, entries-read), its consumers and
// its pending-entries list (PEL), kept as Redis 7 keeps them; plus 8.8's NACKed zone. No RESP,
// no clock: every call that records a time takes now_ms.
//
// Invariants (checked by Validate()):
//  - Every PendingEntry lives in the group's arena and its by-ID index, and appears exactly once
//    more: in its owner's index when owned, or in the NACKed zone (owner null, nack_seq > 0).
//  - Owned entries are also in the delivery-time index, keyed by (delivery_time_ms, ID), so
//    "longest idle first" (XREADGROUP CLAIM) is a seek, not a scan; NACKed entries are not.
//  - The NACKed zone is ordered by nack_seq: first NACKed, first claimed.
//  - Entries with a due time (due_ms >= 0) are in the due index, keyed by (due_ms, ID). Any
//    change of owner, delivery time or NACK state clears it: the caller, which knows the
//    effective policy, sets the next one (SetDue).
// Each index holds 4-byte arena slots (slot_index.h): an entry costs its 40-byte record and
// about 4.5 bytes per index, where a tree leaf per index per entry cost ~40.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "streams/delivery_policy.h"
#include "streams/pending_arena.h"
#include "streams/pending_entry.h"
#include "streams/pending_index.h"
#include "streams/stream_id.h"

namespace streams {

class Stream;
struct Consumer;

// SCG_INVALID_ENTRIES_READ: the group's entries-read counter is unknown.
inline constexpr int64_t kEntriesReadUnknown = -1;

struct Consumer {
  Consumer(std::string_view consumer_name, const PendingArena& arena)
      : name(consumer_name), pel(PendingById{{&arena}}) {}

  std::string name;
  int64_t seen_time_ms = 0;     // last interaction of any kind (XINFO "idle")
  int64_t active_time_ms = -1;  // last successful read or claim; -1 = never (XINFO "inactive")
  PendingIndex pel;             // this consumer's entries, by ID (the group's arena holds them)
};

class ConsumerGroup {
 public:
  ConsumerGroup(StreamID last_id, int64_t entries_read);
  ~ConsumerGroup();
  ConsumerGroup(const ConsumerGroup&) = delete;
  ConsumerGroup& operator=(const ConsumerGroup&) = delete;

  // A deep copy: consumers, PEL and NACKed zone with the same times and counts (COPY).
  [[nodiscard]] std::unique_ptr<ConsumerGroup> Clone() const;

  StreamID last_id() const { return last_id_; }
  int64_t entries_read() const { return entries_read_; }
  // XGROUP SETID / CREATE ... ENTRIESREAD: set both as given.
  void SetPosition(StreamID last_id, int64_t entries_read) {
    last_id_ = last_id;
    entries_read_ = entries_read;
  }
  // XREADGROUP ">": moves the group past `id`, keeping entries-read exact when it can
  // (Redis's rule: +1 while the counter is known and no tombstone lies at or after `id`,
  // otherwise re-estimated from the stream's metadata). Call once per delivered new entry.
  void AdvanceTo(const Stream& s, StreamID id);

  // Runnel's delivery policy (XGROUP SETPOLICY); empty = none, the group behaves as Redis's.
  const DeliveryPolicy& policy() const { return policy_; }
  void set_policy(DeliveryPolicy policy) { policy_ = std::move(policy); }
  // What the policy did, for XINFO and INFO: entries redelivered because they became due, and
  // entries moved to the dead-letter stream.
  struct PolicyCounters {
    uint64_t redelivered = 0;
    uint64_t dead_lettered = 0;
  };
  PolicyCounters& counters() { return counters_; }
  const PolicyCounters& counters() const { return counters_; }

  // --- consumers (ordered by name, bytewise, as Redis lists them)
  using ConsumerMap = std::map<std::string, std::unique_ptr<Consumer>, std::less<>>;
  const ConsumerMap& consumers() const { return consumers_; }
  Consumer* FindConsumer(std::string_view name) const;
  // Returns the consumer and whether it was created (seen-time = now, never active).
  std::pair<Consumer*, bool> GetOrCreateConsumer(std::string_view name, int64_t now_ms);
  // XGROUP DELCONSUMER: removes the consumer and its pending entries from the group's PEL.
  // Returns how many it had pending, or nullopt when there is no such consumer.
  std::optional<size_t> DeleteConsumer(std::string_view name);

  // --- the PEL
  const PendingIndex& pel() const { return pel_; }
  size_t pending_count() const { return pel_.size(); }
  PendingEntry* FindPending(StreamID id) const;
  // Delivery of `id` to `c` (XREADGROUP): a new PEL entry with delivery count 1, or an existing
  // one (after XGROUP SETID moved the group back) reassigned to `c` with its count reset to 1.
  PendingEntry* RecordDelivery(StreamID id, Consumer& c, int64_t now_ms);
  // Re-delivery of an entry already pending (history read, claim): new delivery time, count
  // incremented when `count_delivery`, owner `c` (taken out of the NACKed zone if there).
  void Redeliver(PendingEntry& e, Consumer& c, int64_t now_ms, bool count_delivery);
  // XCLAIM's IDLE/TIME/RETRYCOUNT: sets fields directly, keeping the indexes right.
  void SetDeliveryTime(PendingEntry& e, int64_t delivery_time_ms);
  void SetDeliveryCount(PendingEntry& e, uint64_t count) { arena_.SetDeliveryCount(e, count); }
  // XCLAIM FORCE: creates a PEL entry owned by `c` (delivery count 0 before the claim counts).
  PendingEntry* CreatePending(StreamID id, Consumer& c, int64_t delivery_time_ms,
                              uint64_t delivery_count);
  // XNACK FORCE: a PEL entry for `id` that starts in the NACKed zone, owned by nobody.
  PendingEntry* CreateNacked(StreamID id, uint64_t delivery_count);
  // XACK: removes `id` from the PEL; true when it was pending.
  bool Ack(StreamID id);
  // Returns the memory of scattered acks: when under half of the arena's records are live, moves
  // records out of its sparsest chunks and frees them (PendingArena::Compact). Every
  // PendingEntry* and & held outside becomes invalid, so callers call it when they hold none:
  // at the end of a command (XACK, XACKDEL), and DeleteConsumer does.
  void CompactPending();
  // XNACK: releases `e` to the NACKed zone (owner null, delivery time 0) after its FIFO tail.
  void Nack(PendingEntry& e);
  // The delivery policy's deadline for `e` (-1 = none), kept in the due index.
  void SetDue(PendingEntry& e, int64_t due_ms);
  // When `e` is due: its explicit due time, else, for an owned entry when the policy gives every
  // delivery the same wait (`owned_wait`, an ack timeout without backoff), its delivery time
  // plus that wait. Such deadlines need no index of their own: the delivery-time index orders
  // them already, so the policy costs nothing per delivery. -1 = never.
  static int64_t DueOf(const PendingEntry& e, std::optional<int64_t> owned_wait);
  // Walks entries whose DueOf lies in [from_ms, to_ms], earliest due first (then by ID),
  // merging the due index with the delivery-time index shifted by `owned_wait`. The callback
  // may redeliver, ack or re-time what it is given, and returns false to stop.
  void ForEachDue(int64_t from_ms, int64_t to_ms, std::optional<int64_t> owned_wait,
                  const std::function<bool(PendingEntry&)>& fn) const;
  void ForEachDue(int64_t now_ms, const std::function<bool(PendingEntry&)>& fn) const {
    ForEachDue(0, now_ms, std::nullopt, fn);
  }
  // The earliest DueOf after `after_ms` (-1: any), or nullopt when nothing is ever due.
  std::optional<int64_t> NextDue(std::optional<int64_t> owned_wait = std::nullopt,
                                 int64_t after_ms = -1) const;
  // Entries in the due index (explicit due times only).
  size_t due_count() const { return due_.size(); }
  // How many entries are NACKed (XINFO STREAM FULL "nacked-count").
  size_t nacked_count() const { return nacked_.size(); }

  // Walks the NACKed zone in NACK order (callback returns false to stop).
  void ForEachNacked(const std::function<bool(PendingEntry&)>& fn) const;
  // Walks owned entries with delivery_time_ms <= max_time_ms, longest idle first (then by ID).
  void ForEachIdle(int64_t max_time_ms, const std::function<bool(PendingEntry&)>& fn) const;

  // Memory figure (MEMORY USAGE): this object, the arena's records, the index blocks (each
  // holds up to SlotIndex::kBlock four-byte slots) and every consumer with its own PEL blocks.
  size_t BytesUsed() const;

  // Checks every invariant above; "" when all hold, else the first violation. O(n), for tests.
  [[nodiscard]] std::string Validate() const;

 private:
  void ClearDue(PendingEntry& e);
  // Takes `e` out of its owner's PEL and the time index, or out of the NACKed zone.
  void Detach(PendingEntry& e);
  // Gives `e` to `c` at `time`: owner's PEL and time index.
  void Attach(PendingEntry& e, Consumer& c, int64_t time_ms);
  PendingEntry& NewEntry(StreamID id, uint64_t delivery_count);

  StreamID last_id_;
  int64_t entries_read_;
  DeliveryPolicy policy_;
  PolicyCounters counters_;
  // Declared before everything that points into it, so it is destroyed last.
  PendingArena arena_;
  ConsumerMap consumers_;
  PendingIndex pel_;                               // by ID: every entry
  SlotIndex<PendingByDeliveryTime> by_time_;       // owned entries only
  SlotIndex<PendingByNack> nacked_;                // NACKed entries only
  SlotIndex<PendingByDue> due_;                    // entries with a due time only
  uint64_t next_nack_seq_ = 1;
};

// --- Redis 7's entries-read / lag arithmetic, over a stream's metadata.

// Whether an entry in [start, end] may have been deleted by XDEL (a "tombstone"): the stream
// is not empty, has a max-deleted-entry-id at or after its first entry, and inside the range.
bool RangeHasTombstones(const Stream& s, StreamID start, StreamID end = StreamID::Max());
// The entries-read value of a group positioned at `id`, when the stream's metadata tells it
// (kEntriesReadUnknown otherwise).
int64_t EstimateEntriesRead(const Stream& s, StreamID id);
// Whether the group's entries-read counter still counts exactly: nothing after its position was
// deleted (a tombstone from last_id on) or trimmed away (last_id before the first entry).
// Otherwise a read estimates it afresh and XINFO estimates the lag, as Redis does since 7.4 and
// 8.0 (7.0 looked for tombstones only from the entry being read and kept counting past a trim,
// so the lag stayed wrong after the next read: Redis issues 13337 and 13957).
bool CounterIsExact(const Stream& s, const ConsumerGroup& g);
// XINFO's lag: entries not yet read by the group, or nullopt when it cannot be known.
std::optional<int64_t> GroupLag(const Stream& s, const ConsumerGroup& g);
// How long the least recently delivered pending entry has waited since its last delivery at
// `now_ms` (the dashboard and /metrics' oldest pending age); nullopt when nothing is pending.
std::optional<int64_t> OldestPendingAgeMs(const ConsumerGroup& g, int64_t now_ms);

}  // namespace streams
