// streams::SlotIndex: the append and split paths, erase and merge, every SeekOp, then a model
// test against std::set with random inserts, erases and seeks (keys drawn so blocks split, drain
// and merge), checking Validate() as it goes.
#include <catch2/catch.hpp>

#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <vector>

#include "streams/slot_index.h"

using streams::SeekOp;

namespace {

// Slots are indexes into a table of keys; the key of slot s is keys[s].
struct TableOrder {
  const std::vector<int64_t>* keys;
  using Key = int64_t;
  Key KeyOf(uint32_t slot) const { return (*keys)[slot]; }
  uint32_t Value(uint32_t slot) const { return slot; }
};
using Index = streams::SlotIndex<TableOrder>;

std::vector<int64_t> Walk(const std::vector<int64_t>& keys, const Index& index, bool forward) {
  std::vector<int64_t> out;
  Index::Iterator it(index);
  for (bool ok = it.Seek(forward ? SeekOp::kFirst : SeekOp::kLast); ok;
       ok = forward ? it.Next() : it.Prev()) {
    out.push_back(keys[it.Slot()]);
  }
  return out;
}

}  // namespace

TEST_CASE("SlotIndex keeps appended members in full blocks and in order", "[slot_index]") {
  std::vector<int64_t> keys;
  Index index(TableOrder{&keys});
  for (int i = 0; i < 1000; i++) {
    keys.push_back(i * 10);
    REQUIRE(index.Insert(static_cast<uint32_t>(i)));
  }
  CHECK(index.Validate().empty());
  CHECK(index.size() == 1000);
  // 1000 appends fill blocks of 128 completely: 8 blocks, the last partly.
  CHECK(index.block_count() == 8);
  std::vector<int64_t> expected;
  for (int i = 0; i < 1000; i++) expected.push_back(i * 10);
  CHECK(Walk(keys, index, true) == expected);
  CHECK(Walk(keys, index, false) == std::vector<int64_t>(expected.rbegin(), expected.rend()));
}

TEST_CASE("SlotIndex refuses a second member with the same key", "[slot_index]") {
  std::vector<int64_t> keys{5, 5};
  Index index(TableOrder{&keys});
  CHECK(index.Insert(0));
  CHECK_FALSE(index.Insert(1));
  CHECK(index.size() == 1);
  CHECK_FALSE(index.Erase(1));  // same key, but not the member
  CHECK(index.Erase(0));
  CHECK(index.empty());
  CHECK_FALSE(index.Erase(0));
}

TEST_CASE("SlotIndex splits a full block when a key lands inside it", "[slot_index]") {
  std::vector<int64_t> keys;
  Index index(TableOrder{&keys});
  for (int i = 0; i < 128; i++) {
    keys.push_back(i * 2);
    REQUIRE(index.Insert(static_cast<uint32_t>(i)));
  }
  CHECK(index.block_count() == 1);
  keys.push_back(101);  // between 100 and 102
  REQUIRE(index.Insert(128));
  CHECK(index.block_count() == 2);
  CHECK(index.Validate().empty());
  keys.push_back(-7);  // below everything: the first block's lower bound moves down
  REQUIRE(index.Insert(static_cast<uint32_t>(keys.size() - 1)));
  CHECK(index.Validate() == "");
  CHECK(Walk(keys, index, true).front() == -7);
  CHECK(index.Find(101) == 128u);
  CHECK(index.Find(-7) == keys.size() - 1);
  CHECK_FALSE(index.Find(103).has_value());
}

TEST_CASE("SlotIndex puts a key landing at a full block's midpoint at the end of its first half",
          "[slot_index]") {
  std::vector<int64_t> keys;
  Index index(TableOrder{&keys});
  for (int i = 0; i < 128; i++) {
    keys.push_back(i * 2);
    REQUIRE(index.Insert(static_cast<uint32_t>(i)));
  }
  keys.push_back(127);  // 64 keys below it: position 64, where the block splits
  REQUIRE(index.Insert(128));
  CHECK(index.Validate() == "");
  Index::Iterator it(index);
  REQUIRE(it.Seek(SeekOp::kEqual, 127));
  REQUIRE(it.Next());
  CHECK(it.CurrentKey() == 128);
}

TEST_CASE("SlotIndex drops drained blocks and merges thinned ones", "[slot_index]") {
  std::vector<int64_t> keys;
  Index index(TableOrder{&keys});
  for (int i = 0; i < 128 * 4; i++) {
    keys.push_back(i);
    REQUIRE(index.Insert(static_cast<uint32_t>(i)));
  }
  REQUIRE(index.block_count() == 4);
  // Draining the first block from the front (acks in ID order) removes it whole.
  for (uint32_t s = 0; s < 128; s++) REQUIRE(index.Erase(s));
  CHECK(index.block_count() == 3);
  CHECK(index.Validate().empty());
  // Thinning the next two blocks to 20 members each merges them.
  for (uint32_t s = 128; s < 384; s++) {
    if (s % 128 >= 20) REQUIRE(index.Erase(s));
  }
  CHECK(index.block_count() == 2);
  CHECK(index.size() == 40 + 128);
  CHECK(index.Validate().empty());
}

TEST_CASE("SlotIndex seeks land where each SeekOp says", "[slot_index]") {
  std::vector<int64_t> keys;
  Index index(TableOrder{&keys});
  for (int i = 0; i < 300; i++) {
    keys.push_back(i * 3);  // 0, 3, ..., 897
    REQUIRE(index.Insert(static_cast<uint32_t>(i)));
  }
  Index::Iterator it(index);
  auto at = [&](SeekOp op, int64_t k) -> int64_t { return it.Seek(op, k) ? it.CurrentKey() : -1; };
  CHECK(at(SeekOp::kFirst, 0) == 0);
  CHECK(at(SeekOp::kLast, 0) == 897);
  CHECK(at(SeekOp::kEqual, 384) == 384);  // the first key of the fourth block
  CHECK(at(SeekOp::kEqual, 385) == -1);
  CHECK(at(SeekOp::kGreaterOrEqual, 383) == 384);
  CHECK(at(SeekOp::kGreaterOrEqual, 384) == 384);
  CHECK(at(SeekOp::kGreater, 381) == 384);
  CHECK(at(SeekOp::kGreater, 897) == -1);
  CHECK(at(SeekOp::kLessOrEqual, 384) == 384);
  CHECK(at(SeekOp::kLessOrEqual, 383) == 381);
  CHECK(at(SeekOp::kLess, 384) == 381);
  CHECK(at(SeekOp::kLess, 0) == -1);
  CHECK(at(SeekOp::kLessOrEqual, 5000) == 897);
  CHECK(at(SeekOp::kGreaterOrEqual, -5) == 0);
  // Walking across block boundaries in both directions.
  REQUIRE(it.Seek(SeekOp::kEqual, 381));
  REQUIRE(it.Next());
  CHECK(it.CurrentKey() == 384);
  REQUIRE(it.Prev());
  CHECK(it.CurrentKey() == 381);
  REQUIRE(it.Seek(SeekOp::kFirst));
  CHECK_FALSE(it.Prev());
  CHECK_FALSE(it.Valid());
}

TEST_CASE("SlotIndex agrees with std::set over random inserts, erases by slot and by key, and seeks",
          "[slot_index]") {
  std::mt19937_64 rng(7);
  // Each slot has a fixed key; keys repeat (two slots may share a key) so duplicates are tried.
  std::vector<int64_t> keys(20000);
  for (auto& k : keys) k = static_cast<int64_t>(rng() % 30000);
  Index index(TableOrder{&keys});
  std::set<int64_t> model;                  // keys present
  std::vector<int64_t> owner(30000, -1);    // key -> slot holding it
  for (int step = 0; step < 200000; step++) {
    const auto slot = static_cast<uint32_t>(rng() % keys.size());
    const int64_t k = keys[slot];
    const auto op = rng() % 10;
    if (op < 5) {
      const bool fresh = model.count(k) == 0;
      REQUIRE(index.Insert(slot) == fresh);
      if (fresh) {
        model.insert(k);
        owner[static_cast<size_t>(k)] = slot;
      }
    } else if (op == 7) {
      const auto erased = index.EraseKey(k);
      REQUIRE(erased.has_value() == (model.count(k) != 0));
      if (erased) {
        REQUIRE(*erased == static_cast<uint32_t>(owner[static_cast<size_t>(k)]));
        model.erase(k);
      }
    } else if (op < 7) {
      const bool member = model.count(k) != 0 && owner[static_cast<size_t>(k)] == slot;
      REQUIRE(index.Erase(slot) == member);
      if (member) model.erase(k);
    } else {
      const int64_t probe = static_cast<int64_t>(rng() % 30002) - 1;
      Index::Iterator it(index);
      auto lower = model.lower_bound(probe);
      auto upper = model.upper_bound(probe);
      const bool ge = it.Seek(SeekOp::kGreaterOrEqual, probe);
      REQUIRE(ge == (lower != model.end()));
      if (ge) REQUIRE(it.CurrentKey() == *lower);
      const bool le = it.Seek(SeekOp::kLessOrEqual, probe);
      REQUIRE(le == (upper != model.begin()));
      if (le) REQUIRE(it.CurrentKey() == *std::prev(upper));
    }
    if (step % 5000 == 0) REQUIRE(index.Validate() == "");
    REQUIRE(index.size() == model.size());
  }
  REQUIRE(index.Validate().empty());
  std::vector<int64_t> walked = Walk(keys, index, true);
  CHECK(walked == std::vector<int64_t>(model.begin(), model.end()));
}
