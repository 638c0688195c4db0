// A delivered, not yet acknowledged entry of a consumer group's PEL: one 56-byte record, kept
// inline in the group's PendingArena. Owned or NACKed, never both: one word holds either the
// owner pointer or the NACK sequence number (tagged by its low bit), so neither costs a field.
#pragma once

#include <cstdint>

#include "streams/stream_id.h"

namespace streams {

struct Consumer;

class PendingEntry {
 public:
  StreamID id;
  int64_t delivery_time_ms = 0;  // last delivery; 0 while NACKed
  uint64_t delivery_count = 0;
  int64_t due_ms = -1;  // when the delivery policy makes it due again; -1 = never

  // Null while NACKed.
  Consumer* owner() const {
    return (owner_or_nack_ & 1) != 0 ? nullptr : reinterpret_cast<Consumer*>(owner_or_nack_);
  }
  // > 0 while in the NACKed zone: its place in NACK order.
  uint64_t nack_seq() const { return (owner_or_nack_ & 1) != 0 ? owner_or_nack_ >> 1 : 0; }

 private:
  friend class ConsumerGroup;
  friend class PendingArena;

  void set_owner(Consumer* c) { owner_or_nack_ = reinterpret_cast<uintptr_t>(c); }
  void set_nack_seq(uint64_t seq) { owner_or_nack_ = (seq << 1) | 1; }

  uintptr_t owner_or_nack_ = 0;  // a Consumer* (aligned, low bit 0) or (nack_seq << 1) | 1
  uint32_t slot_ = 0;            // where the arena keeps it; what the group's indexes hold
};

// The PEL's memory per entry is this record plus ~4.5 bytes per index it is in.
static_assert(sizeof(PendingEntry) == 56);

}  // namespace streams
