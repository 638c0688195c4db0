// streams::RadixTree: each operation and its edges, then a model test against std::map with
// millions of random operations on keys built to share long prefixes, checking the tree's
// structure (Validate) as it goes. A hidden "[.radix-bench]" test prints memory per key.
#include <catch2/catch.hpp>

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "streams/radix_tree.h"

using streams::RadixTree;
using streams::SeekOp;
using streams::StreamID;

namespace {

std::string KeyOf(StreamID id) {
  auto k = id.Key();
  return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

// All keys in order, walking forward (or backward) with an iterator.
std::vector<std::pair<std::string, int>> Walk(const RadixTree<int>& t, bool forward) {
  std::vector<std::pair<std::string, int>> out;
  RadixTree<int>::Iterator it(t);
  for (bool ok = it.Seek(forward ? SeekOp::kFirst : SeekOp::kLast); ok;
       ok = forward ? it.Next() : it.Prev()) {
    out.emplace_back(std::string(it.KeyView()), it.Value());
  }
  return out;
}

}  // namespace

TEST_CASE("An empty radix tree finds nothing and every seek is invalid", "[radix]") {
  RadixTree<int> t;
  CHECK(t.size() == 0);
  CHECK(t.empty());
  CHECK(t.node_count() == 0);
  CHECK(t.AllocatedBytes() == 0);
  CHECK_FALSE(t.Find("a"));
  CHECK_FALSE(t.Find(""));
  CHECK_FALSE(t.Erase("a"));
  CHECK(t.Validate() == "");
  RadixTree<int>::Iterator it(t);
  for (SeekOp op : {SeekOp::kFirst, SeekOp::kLast, SeekOp::kGreaterOrEqual, SeekOp::kGreater,
                    SeekOp::kLessOrEqual, SeekOp::kLess, SeekOp::kEqual}) {
    CHECK_FALSE(it.Seek(op, "x"));
    CHECK_FALSE(it.Valid());
    CHECK_FALSE(it.Next());
    CHECK_FALSE(it.Prev());
  }
}

TEST_CASE("TryInsert adds a new key and leaves an existing value unchanged", "[radix]") {
  RadixTree<int> t;
  CHECK(t.TryInsert("hello", 1));
  CHECK_FALSE(t.TryInsert("hello", 2));
  CHECK(*t.Find("hello") == 1);
  CHECK(t.size() == 1);
  CHECK(t.node_count() == 1);
  CHECK(t.Validate() == "");
}

TEST_CASE("InsertOrAssign overwrites and reports whether the key was new", "[radix]") {
  RadixTree<int> t;
  CHECK(t.InsertOrAssign("k", 1));
  CHECK_FALSE(t.InsertOrAssign("k", 2));
  CHECK(*t.Find("k") == 2);
  CHECK(t.size() == 1);
}

TEST_CASE("Find does not match a key's prefix or extension", "[radix]") {
  RadixTree<int> t;
  REQUIRE(t.TryInsert("abcdef", 1));
  CHECK_FALSE(t.Find("abc"));
  CHECK_FALSE(t.Find("abcdefg"));
  CHECK_FALSE(t.Find("abcdeg"));
  CHECK_FALSE(t.Find(""));
  CHECK(*t.Find("abcdef") == 1);
}

TEST_CASE("Keys that are prefixes of other keys all coexist, including the empty key",
          "[radix]") {
  RadixTree<int> t;
  // Inserted longest first so each insert splits a compressed run.
  REQUIRE(t.TryInsert("abcd", 4));
  REQUIRE(t.TryInsert("abc", 3));
  REQUIRE(t.TryInsert("ab", 2));
  REQUIRE(t.TryInsert("", 0));
  REQUIRE(t.TryInsert("abce", 5));
  CHECK(t.Validate() == "");
  CHECK(t.size() == 5);
  CHECK(*t.Find("") == 0);
  CHECK(*t.Find("ab") == 2);
  CHECK(*t.Find("abc") == 3);
  CHECK(*t.Find("abcd") == 4);
  CHECK_FALSE(t.Find("a"));
  std::vector<std::pair<std::string, int>> want = {
      {"", 0}, {"ab", 2}, {"abc", 3}, {"abcd", 4}, {"abce", 5}};
  CHECK(Walk(t, true) == want);
  std::reverse(want.begin(), want.end());
  CHECK(Walk(t, false) == want);
}

TEST_CASE("A chain of single-child nodes is stored as one node", "[radix]") {
  RadixTree<int> t;
  REQUIRE(t.TryInsert(StreamID{1700000000000, 0}, 1));
  CHECK(t.node_count() == 1);
  // 16-byte key in a leaf: 4-byte header + value + 16 key bytes.
  CHECK(t.AllocatedBytes() == 4 + sizeof(int) + 16);
  REQUIRE(t.TryInsert(StreamID{1700000000001, 0}, 2));
  // The IDs part at byte 7: a root holding the shared 7 bytes and branching on byte 7, and two
  // leaves holding the 8 seq bytes each.
  CHECK(t.node_count() == 3);
  CHECK(t.AllocatedBytes() == (4 + 7 + 2 * 9) + 2 * (4 + sizeof(int) + 8));
  CHECK(t.Validate() == "");
}

TEST_CASE("Erase re-merges nodes so the tree stays compressed", "[radix]") {
  RadixTree<int> t;
  REQUIRE(t.TryInsert("abcdef", 1));
  REQUIRE(t.TryInsert("abcxyz", 2));
  REQUIRE(t.TryInsert("abc", 3));
  CHECK(t.node_count() == 3);
  CHECK(t.Erase("abc") == 3);
  CHECK(t.node_count() == 3);  // "abc" still branches two ways
  CHECK(t.Erase("abcxyz") == 2);
  CHECK(t.node_count() == 1);  // the branch merged back into one "abcdef" leaf
  CHECK(t.Validate() == "");
  CHECK(*t.Find("abcdef") == 1);
  CHECK(t.Erase("abcdef") == 1);
  CHECK(t.node_count() == 0);
  CHECK(t.AllocatedBytes() == 0);
  CHECK(t.empty());
}

TEST_CASE("Erasing a key in the middle of a run merges it with its only child", "[radix]") {
  RadixTree<int> t;
  REQUIRE(t.TryInsert("ab", 1));
  REQUIRE(t.TryInsert("abcd", 2));
  CHECK(t.node_count() == 2);
  CHECK(t.Erase("ab") == 1);
  CHECK(t.node_count() == 1);
  CHECK(t.Validate() == "");
  CHECK(*t.Find("abcd") == 2);
  CHECK_FALSE(t.Erase("ab"));
  CHECK_FALSE(t.Erase("abc"));
  CHECK_FALSE(t.Erase("abcde"));
  CHECK(t.size() == 1);
}

TEST_CASE("All-0x00 and all-0xff IDs sort first and last", "[radix]") {
  RadixTree<int> t;
  REQUIRE(t.TryInsert(StreamID::Max(), 2));
  REQUIRE(t.TryInsert(StreamID{5, 5}, 1));
  REQUIRE(t.TryInsert(StreamID::Min(), 0));
  RadixTree<int>::Iterator it(t);
  REQUIRE(it.Seek(SeekOp::kFirst));
  CHECK(it.Id() == StreamID::Min());
  CHECK(it.Value() == 0);
  REQUIRE(it.Seek(SeekOp::kLast));
  CHECK(it.Id() == StreamID::Max());
  CHECK(it.Value() == 2);
  CHECK_FALSE(it.Seek(SeekOp::kGreater, StreamID::Max()));
  CHECK_FALSE(it.Seek(SeekOp::kLess, StreamID::Min()));
  REQUIRE(it.Seek(SeekOp::kLessOrEqual, StreamID::Max()));
  CHECK(it.Id() == StreamID::Max());
  REQUIRE(it.Seek(SeekOp::kGreaterOrEqual, StreamID::Min()));
  CHECK(it.Id() == StreamID::Min());
  CHECK(t.Erase(StreamID::Min()) == 0);
  CHECK(t.Erase(StreamID::Max()) == 2);
  CHECK(t.Validate() == "");
  CHECK(t.node_count() == 1);
}

TEST_CASE("Seek in every mode lands on the right ID, before the first and after the last",
          "[radix]") {
  RadixTree<int> t;
  for (int i = 1; i <= 5; i++) REQUIRE(t.TryInsert(StreamID{uint64_t(i) * 10, 0}, i));
  RadixTree<int>::Iterator it(t);
  auto at = [&](SeekOp op, StreamID id) -> int { return it.Seek(op, id) ? it.Value() : -1; };
  // Before the first key.
  CHECK(at(SeekOp::kGreaterOrEqual, {5, 0}) == 1);
  CHECK(at(SeekOp::kGreater, {5, 0}) == 1);
  CHECK(at(SeekOp::kLessOrEqual, {5, 0}) == -1);
  CHECK(at(SeekOp::kLess, {5, 0}) == -1);
  CHECK(at(SeekOp::kEqual, {5, 0}) == -1);
  // On a key.
  CHECK(at(SeekOp::kGreaterOrEqual, {30, 0}) == 3);
  CHECK(at(SeekOp::kGreater, {30, 0}) == 4);
  CHECK(at(SeekOp::kLessOrEqual, {30, 0}) == 3);
  CHECK(at(SeekOp::kLess, {30, 0}) == 2);
  CHECK(at(SeekOp::kEqual, {30, 0}) == 3);
  // Between keys.
  CHECK(at(SeekOp::kGreaterOrEqual, {30, 1}) == 4);
  CHECK(at(SeekOp::kGreater, {30, 1}) == 4);
  CHECK(at(SeekOp::kLessOrEqual, {30, 1}) == 3);
  CHECK(at(SeekOp::kLess, {30, 1}) == 3);
  CHECK(at(SeekOp::kEqual, {30, 1}) == -1);
  // After the last key.
  CHECK(at(SeekOp::kGreaterOrEqual, {51, 0}) == -1);
  CHECK(at(SeekOp::kGreater, {50, 0}) == -1);
  CHECK(at(SeekOp::kLessOrEqual, {51, 0}) == 5);
  CHECK(at(SeekOp::kLess, {51, 0}) == 5);
  CHECK(at(SeekOp::kLess, StreamID::Max()) == 5);
}

TEST_CASE("Seek with a key shorter or longer than the stored ones orders by bytes", "[radix]") {
  RadixTree<int> t;
  REQUIRE(t.TryInsert("b", 1));
  REQUIRE(t.TryInsert("bcd", 2));
  REQUIRE(t.TryInsert("bd", 3));
  RadixTree<int>::Iterator it(t);
  REQUIRE(it.Seek(SeekOp::kGreaterOrEqual, "bc"));
  CHECK(it.KeyView() == "bcd");
  REQUIRE(it.Seek(SeekOp::kLess, "bc"));
  CHECK(it.KeyView() == "b");
  REQUIRE(it.Seek(SeekOp::kGreater, "bcde"));
  CHECK(it.KeyView() == "bd");
  REQUIRE(it.Seek(SeekOp::kLessOrEqual, "bcde"));
  CHECK(it.KeyView() == "bcd");
  REQUIRE(it.Seek(SeekOp::kGreaterOrEqual, ""));
  CHECK(it.KeyView() == "b");
  CHECK_FALSE(it.Seek(SeekOp::kLess, "b"));
  REQUIRE(it.Seek(SeekOp::kLess, "c"));
  CHECK(it.KeyView() == "bd");
}

TEST_CASE("Next and Prev walk the whole tree both ways and stop at the ends", "[radix]") {
  RadixTree<int> t;
  std::map<std::string, int> model;
  for (int i = 0; i < 3000; i++) {
    StreamID id{1700000000000 + uint64_t(i / 7), uint64_t(i % 7)};
    REQUIRE(t.TryInsert(id, i));
    model[KeyOf(id)] = i;
  }
  std::vector<std::pair<std::string, int>> want(model.begin(), model.end());
  CHECK(Walk(t, true) == want);
  std::reverse(want.begin(), want.end());
  CHECK(Walk(t, false) == want);

  RadixTree<int>::Iterator it(t);
  REQUIRE(it.Seek(SeekOp::kLast));
  CHECK_FALSE(it.Next());
  CHECK_FALSE(it.Valid());
  CHECK_FALSE(it.Prev());  // stays invalid until the next Seek
  REQUIRE(it.Seek(SeekOp::kEqual, StreamID{1700000000000 + 100, 3}));
  CHECK(it.Value() == 703);
  REQUIRE(it.Prev());
  CHECK(it.Value() == 702);
  REQUIRE(it.Next());
  REQUIRE(it.Next());
  CHECK(it.Value() == 704);
}

TEST_CASE("Erase, then Seek past the erased key, continues a walk", "[radix]") {
  RadixTree<int> t;
  for (int i = 0; i < 1000; i++) REQUIRE(t.TryInsert(StreamID{uint64_t(i), 0}, i));
  RadixTree<int>::Iterator it(t);
  int seen = 0;
  for (bool ok = it.Seek(SeekOp::kFirst); ok;) {
    StreamID id = it.Id();
    if (id.ms % 2 == 0) {
      REQUIRE(t.Erase(id));
      ok = it.Seek(SeekOp::kGreater, id);
    } else {
      ok = it.Next();
    }
    seen++;
  }
  CHECK(seen == 1000);
  CHECK(t.size() == 500);
  CHECK(t.Validate() == "");
}

TEST_CASE("InsertOrAssign of an existing key keeps iterators valid and shows the new value",
          "[radix]") {
  RadixTree<int> t;
  for (int i = 0; i < 10; i++) REQUIRE(t.TryInsert(StreamID{uint64_t(i), 0}, i));
  RadixTree<int>::Iterator it(t);
  REQUIRE(it.Seek(SeekOp::kEqual, StreamID{4, 0}));
  CHECK_FALSE(t.InsertOrAssign(StreamID{4, 0}, 40));
  CHECK_FALSE(t.InsertOrAssign(StreamID{5, 0}, 50));
  CHECK(it.Value() == 40);
  REQUIRE(it.Next());
  CHECK(it.Value() == 50);
  REQUIRE(it.Prev());
  REQUIRE(it.Prev());
  CHECK(it.Id() == StreamID{3, 0});
}

TEST_CASE("Clear frees every node and the tree is usable again", "[radix]") {
  RadixTree<int> t;
  for (int i = 0; i < 100; i++) REQUIRE(t.TryInsert(std::to_string(i), i));
  t.Clear();
  CHECK(t.size() == 0);
  CHECK(t.node_count() == 0);
  CHECK(t.AllocatedBytes() == 0);
  CHECK_FALSE(t.Find("1"));
  REQUIRE(t.TryInsert("1", 1));
  CHECK(*t.Find("1") == 1);
  RadixTree<int> moved = std::move(t);
  CHECK(moved.size() == 1);
  CHECK(t.size() == 0);  // NOLINT(bugprone-use-after-move): a moved-from tree is empty
  CHECK(moved.Validate() == "");
}

TEST_CASE("Values wider than a pointer are stored packed and read back intact", "[radix]") {
  struct Pending {
    uint64_t delivery_ms;
    uint32_t count;
    uint16_t tag;
  };
  RadixTree<Pending> t;
  for (uint64_t i = 0; i < 500; i++) {
    REQUIRE(t.TryInsert(StreamID{i % 50, i}, Pending{i * 1000 + 7, uint32_t(i), uint16_t(i * 3)}));
  }
  CHECK(t.Validate() == "");
  for (uint64_t i = 0; i < 500; i++) {
    std::optional<Pending> p = t.Find(StreamID{i % 50, i});
    REQUIRE(p);
    CHECK(p->delivery_ms == i * 1000 + 7);
    CHECK(p->count == i);
    CHECK(p->tag == uint16_t(i * 3));
  }
  RadixTree<Pending>::Iterator it(t);
  REQUIRE(it.Seek(SeekOp::kGreater, StreamID{3, 0}));
  CHECK(it.Id() == StreamID{3, 3});
  CHECK(it.Value().delivery_ms == 3007);
}

TEST_CASE("Keys longer than kMaxKeyLen are refused", "[radix]") {
  RadixTree<int> t;
  std::string huge(RadixTree<int>::kMaxKeyLen + 1, 'x');
  CHECK_THROWS_AS(t.InsertOrAssign(huge, 1), std::length_error);
  CHECK(t.empty());
}

TEST_CASE("A million sequential IDs take under 32 bytes per key of nodes", "[radix]") {
#ifdef __OPTIMIZE__
  constexpr uint64_t kCount = 1'000'000;
#else
  constexpr uint64_t kCount = 100'000;
#endif
  RadixTree<void*> t;
  for (uint64_t i = 0; i < kCount; i++) {
    REQUIRE(t.TryInsert(StreamID{1700000000000 + i, 0}, nullptr));
  }
  // Leaf: 4 header + 8 value + 8 seq bytes; plus the parent's byte and pointer: 29.
  double per_key = double(t.AllocatedBytes()) / double(t.size());
  CHECK(per_key < 30.0);
  CHECK(t.Validate() == "");
}

// --- Model test -------------------------------------------------------------------------------

namespace {

// Keys built to share long prefixes: IDs near a handful of ms values (including the extremes),
// and short strings over a 4-letter alphabet where prefixes of other keys are common.
std::string RandomKey(std::mt19937_64& rng, int kind) {
  static const uint64_t kMs[] = {0, 1, 255, 256, 65535, 1700000000000, UINT64_MAX - 3};
  if (kind == 0 || (kind == 2 && rng() % 2 == 0)) {
    uint64_t ms = kMs[rng() % std::size(kMs)] + rng() % 4;
    uint64_t seq = rng() % 8 == 0 ? UINT64_MAX - rng() % 3 : rng() % 300;
    return KeyOf({ms, seq});
  }
  static const char kAlphabet[] = {'\0', '\x01', 'a', '\xff'};
  std::string s(rng() % 7, '\0');
  for (char& c : s) c = kAlphabet[rng() % 4];
  return s;
}

void CheckWholeTree(const RadixTree<int>& t, const std::map<std::string, int>& model) {
  REQUIRE(t.Validate() == "");
  REQUIRE(t.size() == model.size());
  std::vector<std::pair<std::string, int>> want(model.begin(), model.end());
  REQUIRE(Walk(t, true) == want);
  std::reverse(want.begin(), want.end());
  REQUIRE(Walk(t, false) == want);
}

// What an iterator seeking with `op` to `key` should land on, per the model.
std::map<std::string, int>::const_iterator ModelSeek(const std::map<std::string, int>& m,
                                                     SeekOp op, const std::string& key) {
  auto prev = [&](std::map<std::string, int>::const_iterator i) {
    return i == m.begin() ? m.end() : std::prev(i);
  };
  switch (op) {
    case SeekOp::kFirst: return m.begin();
    case SeekOp::kLast: return m.empty() ? m.end() : std::prev(m.end());
    case SeekOp::kGreaterOrEqual: return m.lower_bound(key);
    case SeekOp::kGreater: return m.upper_bound(key);
    case SeekOp::kLessOrEqual: return prev(m.upper_bound(key));
    case SeekOp::kLess: return prev(m.lower_bound(key));
    case SeekOp::kEqual: return m.find(key);
  }
  return m.end();
}

size_t ModelOps() {
  if (const char* env = std::getenv("RADIX_MODEL_OPS")) return std::strtoull(env, nullptr, 10);
#ifdef __OPTIMIZE__
  return 2'000'000;
#else
  return 400'000;  // sanitizer/debug builds: same coverage per op, fewer ops
#endif
}

void RunModel(int kind, uint64_t seed, size_t ops) {
  RadixTree<int> t;
  std::map<std::string, int> model;
  std::mt19937_64 rng(seed);
  RadixTree<int>::Iterator it(t);
  for (size_t op = 0; op < ops; op++) {
    // Insert-heavy and erase-heavy phases so the size sweeps from empty to a few thousand.
    bool growing = (op / 20000) % 2 == 0;
    std::string key = RandomKey(rng, kind);
    int value = static_cast<int>(op);
    unsigned r = rng() % 100;
    if (r < (growing ? 35u : 15u)) {
      bool added = t.TryInsert(key, value);
      REQUIRE(added == model.emplace(key, value).second);
    } else if (r < 45) {
      bool added = t.InsertOrAssign(key, value);
      REQUIRE(added == !model.count(key));
      model[key] = value;
    } else if (r < (growing ? 60u : 75u)) {
      std::optional<int> got = t.Erase(key);
      auto m = model.find(key);
      REQUIRE(got.has_value() == (m != model.end()));
      if (m != model.end()) {
        REQUIRE(*got == m->second);
        model.erase(m);
      }
    } else if (r < 80) {
      std::optional<int> got = t.Find(key);
      auto m = model.find(key);
      REQUIRE(got.has_value() == (m != model.end()));
      if (got) REQUIRE(*got == m->second);
    } else {
      SeekOp seek_op = static_cast<SeekOp>(rng() % 7);
      auto m = ModelSeek(model, seek_op, key);
      bool ok = it.Seek(seek_op, key);
      REQUIRE(ok == (m != model.end()));
      if (!ok) continue;
      REQUIRE(it.KeyView() == m->first);
      REQUIRE(it.Value() == m->second);
      // A few steps one way, then the other.
      bool forward = rng() % 2;
      int steps = static_cast<int>(rng() % 5);
      for (int s = 0; s < steps; s++) {
        bool moved = forward ? it.Next() : it.Prev();
        if (forward) {
          ++m;
        } else {
          m = m == model.begin() ? model.end() : std::prev(m);
        }
        REQUIRE(moved == (m != model.end()));
        if (!moved) break;
        REQUIRE(it.KeyView() == m->first);
        REQUIRE(it.Value() == m->second);
      }
      if (it.Valid()) {
        bool moved = forward ? it.Prev() : it.Next();
        if (forward) {
          m = m == model.begin() ? model.end() : std::prev(m);
        } else {
          ++m;
        }
        REQUIRE(moved == (m != model.end()));
        if (moved) REQUIRE(it.KeyView() == m->first);
      }
    }
    if (op % 25000 == 24999) CheckWholeTree(t, model);
  }
  CheckWholeTree(t, model);
  // Erase everything: the tree must end with no nodes at all.
  for (const auto& [k, v] : model) REQUIRE(t.Erase(k) == v);
  REQUIRE(t.node_count() == 0);
  REQUIRE(t.AllocatedBytes() == 0);
}

}  // namespace

TEST_CASE("RadixTree agrees with std::map over millions of random operations", "[radix]") {
  size_t ops = ModelOps();
  SECTION("on stream IDs around a few ms values") { RunModel(0, 1, ops / 2); }
  SECTION("on short keys that are often prefixes of each other") { RunModel(1, 2, ops / 4); }
  SECTION("on IDs and short keys in one tree") { RunModel(2, 3, ops / 4); }
}

// --- Memory figures (run with: unit_tests "[.radix-bench]") -----------------------------------

TEST_CASE("Radix tree memory per key for sequential and random IDs", "[.radix-bench]") {
  constexpr uint64_t kCount = 1'000'000;
  // Heap in use per glibc, so the figure includes its chunk headers and rounding.
  auto heap = [] { return static_cast<double>(mallinfo2().uordblks); };
  double heap_before = 0;
  auto report = [&](const char* what, const RadixTree<void*>& t, double secs) {
    double n = double(t.size());
    std::printf(
        "%-32s keys=%zu nodes/key=%.3f node bytes/key=%.2f glibc heap/key=%.2f insert=%.0f "
        "ns/key\n",
        what, t.size(), double(t.node_count()) / n, double(t.AllocatedBytes()) / n,
        (heap() - heap_before) / n, secs * 1e9 / n);
  };
  auto timed = [](auto&& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  {
    heap_before = heap();
    RadixTree<void*> t;
    double s = timed([&] {
      for (uint64_t i = 0; i < kCount; i++) (void)t.TryInsert(StreamID{1700000000000 + i, 0}, &t);
    });
    report("sequential ms, seq 0", t, s);
    RadixTree<void*>::Iterator it(t);
    size_t n = 0;
    double w = timed([&] {
      for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) n++;
    });
    std::printf("  full forward walk: %.1f ns/key (%zu keys)\n", w * 1e9 / double(n), n);
  }
  {
    heap_before = heap();
    RadixTree<void*> t;
    std::mt19937_64 rng(7);
    double s = timed([&] {
      for (uint64_t i = 0; i < kCount; i++) {
        (void)t.TryInsert(StreamID{1700000000000 + rng() % 86'400'000, rng() % 4}, &t);
      }
    });
    report("random ms in one day, seq 0..3", t, s);
  }
  {
    heap_before = heap();
    RadixTree<void*> t;
    std::mt19937_64 rng(8);
    double s = timed([&] {
      for (uint64_t i = 0; i < kCount; i++) (void)t.TryInsert(StreamID{rng(), rng()}, &t);
    });
    report("uniform random 128-bit IDs", t, s);
  }
}
