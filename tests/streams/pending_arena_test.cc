// streams::PendingArena: slots address their records, records stay put while others come and
// go, freed records are reused, and chunks emptied by frees are given back.
#include <catch2/catch.hpp>

#include <cstdint>
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
  for (int i = 0; i < 16; i++) entries.push_back(&arena.Allocate());
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
  CHECK(arena.capacity_bytes() <= 1024 * sizeof(PendingEntry));
  // And it still works afterwards.
  PendingEntry& e = arena.Allocate();
  CHECK(&arena[PendingArena::SlotOf(e)] == &e);
}
