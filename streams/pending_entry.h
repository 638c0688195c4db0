// A delivered, not yet acknowledged entry of a consumer group's PEL: one 40-byte record, kept
// inline in the group's PendingArena. What most entries never have stays out of the record:
// a due time and a delivery count past 2^32 - 2 live in their arena chunk's side data, flagged
// in the record. Owned or NACKed, never both: one word holds either the owner pointer or the
// NACK sequence number (tagged by its low bit), and bit 1 of that word flags a due time.
#pragma once

#include <cstdint>

#include "streams/stream_id.h"

namespace streams {

struct Consumer;

class PendingEntry {
 public:
  StreamID id;
  int64_t delivery_time_ms = 0;  // last delivery; 0 while NACKed

  // Null while NACKed.
  Consumer* owner() const {
    return (word_ & kNacked) != 0 ? nullptr : reinterpret_cast<Consumer*>(word_ & ~kFlagMask);
  }
  // > 0 while in the NACKed zone: its place in NACK order.
  uint64_t nack_seq() const { return (word_ & kNacked) != 0 ? word_ >> kFlagBits : 0; }
  uint64_t delivery_count() const;
  // When the delivery policy makes it due again; -1 = never.
  int64_t due_ms() const;

 private:
  friend class ConsumerGroup;
  friend class PendingArena;

  static constexpr uintptr_t kNacked = 1;
  static constexpr uintptr_t kHasDue = 2;
  static constexpr int kFlagBits = 2;
  static constexpr uintptr_t kFlagMask = (uintptr_t{1} << kFlagBits) - 1;
  // count_ holds this when the real count lives in the chunk's side data.
  static constexpr uint32_t kCountEscaped = UINT32_MAX;

  // Consumers are heap objects, aligned to at least 8, so a pointer's two low bits are free.
  void set_owner(Consumer* c) { word_ = reinterpret_cast<uintptr_t>(c) | (word_ & kHasDue); }
  void set_nack_seq(uint64_t seq) { word_ = (seq << kFlagBits) | (word_ & kHasDue) | kNacked; }
  bool has_due() const { return (word_ & kHasDue) != 0; }

  uintptr_t word_ = 0;  // a Consumer* or (nack_seq << 2) | 1, plus kHasDue
  uint32_t slot_ = 0;   // where the arena keeps it; what the group's indexes hold
  uint32_t count_ = 0;  // the delivery count, or kCountEscaped
};

// The PEL's memory per entry is this record plus ~4.5 bytes per index it is in.
static_assert(sizeof(PendingEntry) == 40);

}  // namespace streams
