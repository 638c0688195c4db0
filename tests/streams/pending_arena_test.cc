// streams::PendingArena: slots address their records, records stay put while others come and
// go, freed records are reused, and chunks emptied by frees are given back.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "streams/pending_arena.h"

using streams::PendingArena;
using streams::PendingEntry;
using streams::StreamID;

TEST_CASE("A pending record keeps its address and slot while others are allocated and freed",
          "[pending_arena]") {
  PendingArena arena;
  std::vector<PendingEntry*> entries;
  for (uint64_t i = 0; i < 5000; i++) {
    PendingEntry& e = arena.Allocate();
    e.id = StreamID{i, 0};
    entries.push_back(&e);
  }
  std::set<uint32_t> slots;
  for (PendingEntry* e : entries) {
    REQUIRE(&arena[PendingArena::SlotOf(*e)] == e);
    slots.insert(PendingArena::SlotOf(*e));
  }
  CHECK(slots.size() == 5000);
  for (size_t i = 0; i < entries.size(); i += 2) arena.Free(*entries[i]);
  for (uint64_t i = 0; i < 1000; i++) arena.Allocate().id = StreamID{100000 + i, 0};
  for (size_t i = 1; i < entries.size(); i += 2) {
    REQUIRE(entries[i]->id == StreamID{i, 0});
    REQUIRE(&arena[PendingArena::SlotOf(*entries[i])] == entries[i]);
  }
  CHECK(arena.live() == 3500);
}

TEST_CASE("Freed pending records are reused before the arena grows", "[pending_arena]") {
  PendingArena arena;
  std::vector<PendingEntry*> entries;
  for (int i = 0; i < 15; i++) entries.push_back(&arena.Allocate());
  const size_t capacity = arena.capacity_bytes();
  arena.Free(*entries[3]);
  arena.Free(*entries[9]);
  PendingEntry& a = arena.Allocate();
  PendingEntry& b = arena.Allocate();
  CHECK(std::set<PendingEntry*>{&a, &b} == std::set<PendingEntry*>{entries[3], entries[9]});
  CHECK(arena.capacity_bytes() == capacity);
}

TEST_CASE("A drained pending arena gives its chunks back but the last", "[pending_arena]") {
  PendingArena arena;
  std::vector<PendingEntry*> entries;
  for (int i = 0; i < 100000; i++) entries.push_back(&arena.Allocate());
  CHECK(arena.capacity_bytes() >= 100000 * sizeof(PendingEntry));
  for (PendingEntry* e : entries) arena.Free(*e);
  CHECK(arena.live() == 0);
  // At most the last chunk's records, and the table of (released) chunk numbers.
  CHECK(arena.capacity_bytes() <= 1024 * sizeof(PendingEntry) + 8192);
  // And it still works afterwards.
  PendingEntry& e = arena.Allocate();
  CHECK(&arena[PendingArena::SlotOf(e)] == &e);
}

TEST_CASE("A delivery count past 32 bits and a due time live beside the record and follow it",
          "[pending_arena]") {
  PendingArena arena;
  PendingEntry& a = arena.Allocate();
  PendingEntry& b = arena.Allocate();
  arena.SetDeliveryCount(a, UINT64_MAX);
  arena.SetDeliveryCount(b, 7);
  arena.SetDue(a, 1234);
  CHECK(a.delivery_count() == UINT64_MAX);
  CHECK(b.delivery_count() == 7);
  CHECK(a.due_ms() == 1234);
  CHECK(b.due_ms() == -1);
  arena.SetDeliveryCount(a, 3);
  arena.SetDue(a, -1);
  CHECK(a.delivery_count() == 3);
  CHECK(a.due_ms() == -1);
  // A record reused after a free starts with neither.
  arena.SetDeliveryCount(b, uint64_t{1} << 40);
  arena.SetDue(b, 5);
  arena.Free(b);
  PendingEntry& c = arena.Allocate();
  CHECK(c.delivery_count() == 0);
  CHECK(c.due_ms() == -1);
}

TEST_CASE("Compacting a sparse pending arena moves the live records into fewer chunks",
          "[pending_arena]") {
  PendingArena arena;
  std::vector<uint32_t> slots;
  for (uint64_t i = 0; i < 20000; i++) {
    PendingEntry& e = arena.Allocate();
    e.id = StreamID{i, 0};
    e.delivery_time_ms = static_cast<int64_t>(i);
    arena.SetDeliveryCount(e, i % 3 == 0 ? (uint64_t{1} << 33) + i : i);
    if (i % 4 == 0) arena.SetDue(e, static_cast<int64_t>(i) * 10);
    slots.push_back(PendingArena::SlotOf(e));
  }
  // Scattered frees: every chunk keeps one record in eight.
  std::vector<uint32_t> kept;
  for (size_t i = 0; i < slots.size(); i++) {
    if (i % 8 == 0) {
      kept.push_back(slots[i]);
    } else {
      arena.Free(arena[slots[i]]);
    }
  }
  REQUIRE(arena.Sparse());
  const size_t before = arena.capacity_bytes();
  std::map<uint32_t, uint32_t> moves;
  arena.Compact([&](uint32_t from, uint32_t to) {
    CHECK(arena[from].id == arena[to].id);
    moves[from] = to;
  });
  CHECK(!arena.Sparse());
  CHECK(arena.capacity_bytes() < before / 2);
  CHECK(arena.live() == kept.size());
  std::set<uint32_t> now;
  for (uint32_t slot : kept) {
    uint32_t at = slot;  // a record may move more than once
    while (moves.count(at) != 0) at = moves[at];
    now.insert(at);
    const PendingEntry& e = arena[at];
    const uint64_t i = e.id.ms;
    REQUIRE(i % 8 == 0);
    CHECK(PendingArena::SlotOf(e) == at);
    CHECK(e.delivery_time_ms == static_cast<int64_t>(i));
    CHECK(e.delivery_count() == (i % 3 == 0 ? (uint64_t{1} << 33) + i : i));
    CHECK(e.due_ms() == (i % 4 == 0 ? static_cast<int64_t>(i) * 10 : -1));
  }
  CHECK(now.size() == kept.size());
}
