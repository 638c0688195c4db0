// The orders a consumer group keeps its pending entries in, as SlotIndexes over the group's
// PendingArena: by ID (the group's PEL and each consumer's), by delivery time (owned entries:
// "longest idle first" and implied deadlines), by due time, and by NACK sequence.
// Every key ends in the ID or is unique by itself, so no two entries share a key.
#pragma once

#include <cstdint>
#include <utility>

#include "streams/pending_arena.h"
#include "streams/slot_index.h"
#include "streams/stream_id.h"

namespace streams {

struct PendingOrderBase {
  const PendingArena* arena;
  const PendingEntry& At(uint32_t slot) const { return (*arena)[slot]; }
  PendingEntry* Value(uint32_t slot) const { return &(*arena)[slot]; }
};

struct PendingById : PendingOrderBase {
  using Key = StreamID;
  Key KeyOf(uint32_t slot) const { return At(slot).id; }
};

// (time, ID): by delivery time or by due time.
using TimeId = std::pair<int64_t, StreamID>;

struct PendingByDeliveryTime : PendingOrderBase {
  using Key = TimeId;
  Key KeyOf(uint32_t slot) const { return {At(slot).delivery_time_ms, At(slot).id}; }
};

struct PendingByDue : PendingOrderBase {
  using Key = TimeId;
  Key KeyOf(uint32_t slot) const { return {At(slot).due_ms(), At(slot).id}; }
};

struct PendingByNack : PendingOrderBase {
  using Key = uint64_t;
  Key KeyOf(uint32_t slot) const { return At(slot).nack_seq(); }
};

// A PEL by ID: the group's, and each consumer's.
using PendingIndex = SlotIndex<PendingById>;

}  // namespace streams
