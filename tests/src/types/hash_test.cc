// types::Hash against a std::map model (field -> value, expiry) under random sets, erases,
// expiries, persists and expiry sweeps, with small and default thresholds, so both encodings
// and the one-way conversion between them are exercised.
#include "src/types/hash.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>

using types::Hash;

namespace {

struct HashModelEntry {
  std::string value;
  int64_t expiry = Hash::kNoExpiry;
};
using HashModel = std::map<std::string, HashModelEntry>;

void CheckHashMatchesModel(const Hash& h, const HashModel& model) {
  REQUIRE(h.size() == model.size());
  HashModel seen;
  h.ForEach([&](std::string_view f, std::string_view v, int64_t at) {
    REQUIRE(seen.emplace(std::string(f), HashModelEntry{std::string(v), at}).second);
  });
  REQUIRE(seen.size() == model.size());
  size_t volatile_fields = 0;
  int64_t earliest = INT64_MAX;
  for (const auto& [f, e] : model) {
    REQUIRE(seen.at(f).value == e.value);
    REQUIRE(seen.at(f).expiry == e.expiry);
    REQUIRE(h.Get(f) == std::optional<std::string_view>(e.value));
    REQUIRE(h.ExpiryOf(f) == std::optional<int64_t>(e.expiry));
    if (e.expiry != Hash::kNoExpiry) {
      volatile_fields++;
      earliest = std::min(earliest, e.expiry);
    }
  }
  REQUIRE(h.HasFieldExpiry() == (volatile_fields > 0));
  REQUIRE(h.EarliestExpiryBound() <= earliest);
  // A full HSCAN walk returns every field.
  std::set<std::string> scanned;
  uint64_t cursor = 0;
  do {
    cursor = h.Scan(cursor, [&](std::string_view f, std::string_view) { scanned.emplace(f); });
  } while (cursor != 0);
  REQUIRE(scanned.size() == model.size());
}

std::string HashTestString(std::mt19937_64& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), 'a');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

}  // namespace

TEST_CASE("A hash stays equal to a map model in both encodings and across the conversion",
          "[hash][types]") {
  const auto [seed, entries, value_len] = GENERATE(
      std::make_tuple(1u, size_t{8}, size_t{16}), std::make_tuple(2u, size_t{128}, size_t{64}),
      std::make_tuple(3u, size_t{16}, size_t{8}), std::make_tuple(4u, size_t{4}, size_t{200}));
  std::mt19937_64 rng(seed);
  const types::HashLimits limits{entries, value_len};
  Hash h;
  HashModel model;
  bool exceeded = false;
  int64_t now = 1000;
  for (int step = 0; step < 1500; step++) {
    const std::string field =
        "f" + std::to_string(rng() % 60) + (rng() % 20 == 0 ? HashTestString(rng, 40) : "");
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const std::string value = HashTestString(rng, rng() % 8 == 0 ? 100 : 10);
        const bool keep = rng() % 4 == 0;
        auto it = model.find(field);
        REQUIRE(h.Set(field, value, limits, keep) == (it == model.end()));
        auto& e = model[field];
        e.value = value;
        if (!keep) e.expiry = Hash::kNoExpiry;
        if (field.size() > value_len || value.size() > value_len || model.size() > entries) {
          exceeded = true;
        }
        break;
      }
      case 4:
        REQUIRE(h.Erase(field) == (model.erase(field) == 1));
        break;
      case 5:
      case 6: {
        const int64_t at = now + 1 + static_cast<int64_t>(rng() % 50);
        auto it = model.find(field);
        REQUIRE(h.SetExpiry(field, at) == (it != model.end()));
        if (it != model.end()) it->second.expiry = at;
        break;
      }
      case 7: {
        auto it = model.find(field);
        const bool had = it != model.end() && it->second.expiry != Hash::kNoExpiry;
        REQUIRE(h.Persist(field) == had);
        if (had) it->second.expiry = Hash::kNoExpiry;
        break;
      }
      case 8: {
        now += static_cast<int64_t>(rng() % 10);
        const size_t max = rng() % 2 ? 3 : SIZE_MAX;
        std::set<std::string> removed;
        const size_t n = h.RemoveExpired(now, max, [&](std::string_view f) { removed.emplace(f); });
        REQUIRE(n == removed.size());
        REQUIRE(n <= max);
        size_t due = 0;
        for (auto it = model.begin(); it != model.end();) {
          const bool expired = it->second.expiry != Hash::kNoExpiry && it->second.expiry <= now;
          if (expired) due++;
          if (removed.count(it->first)) {
            REQUIRE(expired);
            it = model.erase(it);
          } else {
            ++it;
          }
        }
        if (max == SIZE_MAX) REQUIRE(n == due);
        break;
      }
      case 9: {
        Hash copy = h.Clone();
        CheckHashMatchesModel(copy, model);
        REQUIRE(copy.encoding() == h.encoding());
        break;
      }
    }
    REQUIRE(h.encoding() == (exceeded ? Hash::Encoding::kHashTable : Hash::Encoding::kListpack));
    if (step % 10 == 0) CheckHashMatchesModel(h, model);
  }
  CheckHashMatchesModel(h, model);
}

TEST_CASE("A hash converts to a table at the entry limit and never back", "[hash][types]") {
  const types::HashLimits limits{4, 64};
  Hash h;
  for (int i = 0; i < 4; i++) h.Set("f" + std::to_string(i), "v", limits);
  CHECK(h.encoding() == Hash::Encoding::kListpack);
  h.Set("f4", "v", limits);
  CHECK(h.encoding() == Hash::Encoding::kHashTable);
  for (int i = 0; i < 5; i++) h.Erase("f" + std::to_string(i));
  CHECK(h.empty());
  CHECK(h.encoding() == Hash::Encoding::kHashTable);
}

TEST_CASE("A value one byte over the limit converts a hash; one at the limit does not",
          "[hash][types]") {
  const types::HashLimits limits{128, 8};
  Hash h;
  h.Set("f", std::string(8, 'x'), limits);
  CHECK(h.encoding() == Hash::Encoding::kListpack);
  h.Set(std::string(9, 'k'), "v", limits);
  CHECK(h.encoding() == Hash::Encoding::kHashTable);
  CHECK(h.Get("f") == std::optional<std::string_view>("xxxxxxxx"));
}

TEST_CASE("Random picks of a hash cover every field", "[hash][types]") {
  std::mt19937_64 rng(7);
  for (size_t entries : {size_t{128}, size_t{2}}) {
    Hash h;
    for (int i = 0; i < 10; i++)
      h.Set("f" + std::to_string(i), "v" + std::to_string(i), {entries, 64});
    std::set<std::string> seen;
    for (int i = 0; i < 500; i++) {
      auto [f, v] = h.Random(rng);
      CHECK(h.Get(f) == std::optional<std::string_view>(v));
      seen.emplace(f);
    }
    CHECK(seen.size() == 10);
  }
}
