// types::HashTable: behaves like std::unordered_map under random operations, keeps the SCAN
// guarantee across resizes, and samples every key with Random.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "src/types/hash_table.h"

using types::HashTable;

namespace {

std::string Key(uint64_t i) { return "key:" + std::to_string(i); }

// Runs a full SCAN, calling `between(step)` after every step (where the table may change),
// and returns every key the scan reported.
template <typename V, typename F>
std::unordered_set<std::string> FullScan(HashTable<V>& table, F&& between) {
  std::unordered_set<std::string> seen;
  uint64_t cursor = 0;
  size_t step = 0;
  do {
    cursor = table.Scan(cursor, [&](std::string_view k, const V&) { seen.emplace(k); });
    between(step++);
    REQUIRE(step < 200'000);  // a scan that never ends is a bug too
  } while (cursor != 0);
  return seen;
}

}  // namespace

TEST_CASE("HashTable agrees with std::unordered_map over many random operations",
          "[hash_table]") {
  HashTable<int> table;
  std::unordered_map<std::string, int> model;
  std::mt19937_64 rng(12345);
  for (int op = 0; op < 200'000; op++) {
    // The key range drifts so the table grows, then mostly shrinks, then grows again.
    uint64_t range = op < 80'000 ? 5000 : (op < 140'000 ? 300 : 8000);
    std::string k = Key(rng() % range);
    int kind = static_cast<int>(rng() % 10);
    if (op >= 80'000 && op < 140'000) kind = kind < 7 ? 5 : kind;  // mostly erases
    if (kind < 4) {
      int v = static_cast<int>(rng() % 1000);
      auto [stored, inserted] = table.Upsert(k, v);
      REQUIRE(inserted == (model.count(k) == 0));
      REQUIRE(*stored == v);
      model[k] = v;
    } else if (kind < 7) {
      REQUIRE(table.Erase(k) == (model.erase(k) == 1));
    } else if (kind < 8) {
      auto node = table.Extract(k);
      auto it = model.find(k);
      REQUIRE((node != nullptr) == (it != model.end()));
      if (node) {
        REQUIRE(node->key() == k);
        REQUIRE(node->value == it->second);
        model.erase(it);
      }
    } else {
      int* found = table.Find(k);
      auto it = model.find(k);
      REQUIRE((found != nullptr) == (it != model.end()));
      if (found) REQUIRE(*found == it->second);
    }
    REQUIRE(table.size() == model.size());
  }
  size_t visited = 0;
  table.ForEach([&](std::string_view k, int v) {
    visited++;
    REQUIRE(model.at(std::string(k)) == v);
  });
  CHECK(visited == model.size());
}

TEST_CASE("HashTable grows with its size and shrinks back when emptied", "[hash_table]") {
  HashTable<int> table;
  for (int i = 0; i < 10'000; i++) table.Upsert(Key(static_cast<uint64_t>(i)), i);
  CHECK(table.bucket_count() >= 8192);
  CHECK((table.bucket_count() & (table.bucket_count() - 1)) == 0);
  for (int i = 0; i < 10'000; i++) REQUIRE(table.Erase(Key(static_cast<uint64_t>(i))));
  CHECK(table.empty());
  CHECK(table.bucket_count() <= 8);
}

TEST_CASE("A full SCAN of an unchanging table returns every key exactly once",
          "[hash_table][scan]") {
  HashTable<int> table;
  for (int i = 0; i < 3000; i++) table.Upsert(Key(static_cast<uint64_t>(i)), i);
  size_t calls = 0;
  uint64_t cursor = 0;
  std::multiset<std::string> seen;
  do {
    cursor = table.Scan(cursor, [&](std::string_view k, const int&) { seen.emplace(k); });
    calls++;
  } while (cursor != 0);
  CHECK(calls == table.bucket_count());
  CHECK(seen.size() == 3000);
  for (int i = 0; i < 3000; i++) CHECK(seen.count(Key(static_cast<uint64_t>(i))) == 1);
}

TEST_CASE("SCAN returns every key present for the whole scan while the table grows and shrinks",
          "[hash_table][scan]") {
  std::mt19937_64 rng(GENERATE(1u, 2u));
  HashTable<int> table;
  constexpr uint64_t kStable = 2000;
  for (uint64_t i = 0; i < kStable; i++) table.Upsert(Key(i), 0);
  // Transient keys come and go between every step, in waves big enough to move the bucket
  // count between 2^11 and 2^14 several times during one scan.
  std::vector<std::string> transient;
  uint64_t next_id = 1'000'000;
  size_t max_buckets = table.bucket_count(), min_buckets = table.bucket_count();
  size_t resizes = 0;
  auto seen = FullScan(table, [&](size_t step) {
    size_t before = table.bucket_count();
    bool growing = (step / 60) % 2 == 0 && transient.size() < 12'000;
    if (growing) {
      size_t n = 50 + rng() % 200;
      for (size_t i = 0; i < n; i++) {
        transient.push_back(Key(next_id++));
        table.Upsert(transient.back(), 1);
      }
    } else {
      size_t n = std::min(transient.size(), static_cast<size_t>(100 + rng() % 300));
      for (size_t i = 0; i < n; i++) {
        size_t at = rng() % transient.size();
        std::swap(transient[at], transient.back());
        REQUIRE(table.Erase(transient.back()));
        transient.pop_back();
      }
    }
    if (table.bucket_count() != before) resizes++;
    max_buckets = std::max(max_buckets, table.bucket_count());
    min_buckets = std::min(min_buckets, table.bucket_count());
  });
  INFO("resizes " << resizes << ", buckets " << min_buckets << ".." << max_buckets);
  CHECK(resizes >= 4);
  CHECK(max_buckets >= 8 * min_buckets);
  for (uint64_t i = 0; i < kStable; i++) REQUIRE(seen.count(Key(i)) == 1);
}

TEST_CASE("SCAN still finds every stable key when the table is resized at every step",
          "[hash_table][scan]") {
  // Alternates a big burst of inserts with removing all of them, so every step of the scan
  // sees a different bucket count than the previous one.
  HashTable<int> table;
  constexpr uint64_t kStable = 100;
  for (uint64_t i = 0; i < kStable; i++) table.Upsert(Key(i), 0);
  size_t last_buckets = table.bucket_count();
  size_t changed = 0, steps = 0;
  auto seen = FullScan(table, [&](size_t step) {
    steps++;
    if (step % 2 == 0) {
      for (uint64_t i = 0; i < 1000; i++) table.Upsert(Key(5'000'000 + i), 1);
    } else {
      for (uint64_t i = 0; i < 1000; i++) table.Erase(Key(5'000'000 + i));
    }
    if (table.bucket_count() != last_buckets) changed++;
    last_buckets = table.bucket_count();
  });
  CHECK(changed == steps);
  for (uint64_t i = 0; i < kStable; i++) REQUIRE(seen.count(Key(i)) == 1);
}

TEST_CASE("Random returns null on an empty table and reaches every key", "[hash_table]") {
  HashTable<int> table;
  std::mt19937_64 rng(7);
  CHECK(table.Random(rng) == nullptr);
  for (int i = 0; i < 50; i++) table.Upsert(Key(static_cast<uint64_t>(i)), i);
  std::set<std::string> hit;
  for (int i = 0; i < 20'000; i++) {
    const auto* node = table.Random(rng);
    REQUIRE(node != nullptr);
    REQUIRE(table.Find(node->key()) != nullptr);
    hit.emplace(node->key());
  }
  CHECK(hit.size() == 50);
  // After a big shrink the table is sparse; Random must still find the survivors.
  for (int i = 0; i < 20'000; i++) table.Upsert(Key(100 + static_cast<uint64_t>(i)), i);
  for (int i = 0; i < 20'000; i++) table.Erase(Key(100 + static_cast<uint64_t>(i)));
  hit.clear();
  for (int i = 0; i < 20'000; i++) hit.emplace(table.Random(rng)->key());
  CHECK(hit.size() == 50);
}

TEST_CASE("A moved-from HashTable is empty and usable", "[hash_table]") {
  HashTable<std::string> a;
  a.Upsert("x", "1");
  a.Upsert("y", "2");
  HashTable<std::string> b(std::move(a));
  CHECK(b.size() == 2);
  CHECK(*b.Find("x") == "1");
  CHECK(a.size() == 0);
  CHECK(a.Find("x") == nullptr);
  a.Upsert("z", "3");
  CHECK(a.size() == 1);
  b = std::move(a);
  CHECK(b.size() == 1);
  CHECK(b.Find("x") == nullptr);
  CHECK(*b.Find("z") == "3");
  b.Clear();
  CHECK(b.empty());
  CHECK(b.Find("z") == nullptr);
}

TEST_CASE("Keys are binary safe byte strings", "[hash_table]") {
  HashTable<int> table;
  table.Upsert(std::string("a\0b", 3), 1);
  table.Upsert(std::string("a\0c", 3), 2);
  table.Upsert("", 3);
  CHECK(*table.Find(std::string("a\0b", 3)) == 1);
  CHECK(*table.Find(std::string("a\0c", 3)) == 2);
  CHECK(*table.Find("") == 3);
  CHECK(table.Find("a") == nullptr);
}
