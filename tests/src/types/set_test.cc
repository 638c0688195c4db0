// types::Set against a std::set<std::string> model across its encodings: random adds and
// removes of integers, short strings and long strings under small limits, so a run crosses
// every conversion; plus the exact thresholds of each conversion, as Redis 7.2+ makes them.
#include "src/types/set.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using types::Set;
using types::SetEncoding;
using types::SetLimits;

namespace {

std::set<std::string> SetContents(const Set& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { REQUIRE(out.emplace(m).second); });
  return out;
}

std::string RandomSetMember(std::mt19937_64& rng, int mix) {
  switch (rng() % static_cast<unsigned>(mix)) {
    case 0:
    case 1:
      return std::to_string(static_cast<int64_t>(rng() % 60) - 20);
    case 2:
      return "m" + std::to_string(rng() % 60);
    default: {
      // Two draws, sequenced: a constructor's arguments are evaluated in an unspecified order
      // (GCC and clang differ), which would make the sequence depend on the compiler.
      const size_t length = 10 + rng() % 10;
      return std::string(length, static_cast<char>('a' + rng() % 3));
    }
  }
}

// Encodings only grow: intset < listpack < hash table.
int EncodingRank(SetEncoding e) { return static_cast<int>(e); }

}  // namespace

TEST_CASE("A set stays equal to a std::set model across its conversions", "[set]") {
  const unsigned seed = GENERATE(1u, 2u, 3u, 4u, 5u, 6u);
  std::mt19937_64 rng(seed);
  const SetLimits limits{
      .max_intset_entries = 40, .max_listpack_entries = 20, .max_listpack_value = 15};
  // Seeds 1-2 add integers only for a while (intset → hash table by count); the others mix in
  // short strings early (intset → listpack → hash table), and long ones after step 500 (a first
  // string over the listpack's value limit would skip the listpack).
  const int mix = seed <= 2 ? 2 : 3;
  Set s;
  std::set<std::string> model;
  std::map<SetEncoding, int> seen;
  SetEncoding last = s.encoding();
  for (int step = 0; step < 1500; step++) {
    const std::string m = RandomSetMember(rng, step < 500 ? mix : 4);
    if (rng() % 4 == 0) {
      REQUIRE(s.Remove(m) == (model.erase(m) == 1));
    } else {
      REQUIRE(s.Add(m, limits) == model.insert(m).second);
    }
    REQUIRE(s.Contains(m) == (model.count(m) == 1));
    REQUIRE(s.size() == model.size());
    REQUIRE(EncodingRank(s.encoding()) >= EncodingRank(last));
    last = s.encoding();
    seen[last]++;
    if (step % 25 == 0) REQUIRE(SetContents(s) == model);
  }
  REQUIRE(SetContents(s) == model);
  REQUIRE(s.encoding() == SetEncoding::kHashTable);
  // Integers alone go intset → hash table; strings early go through a listpack.
  REQUIRE(seen.count(seed <= 2 ? SetEncoding::kIntSet : SetEncoding::kListpack) == 1);
  // A copy is deep and keeps the encoding.
  Set copy = s.Clone();
  REQUIRE(copy.encoding() == s.encoding());
  REQUIRE(SetContents(copy) == model);
  REQUIRE(copy.Add("only-in-copy", limits));
  REQUIRE_FALSE(s.Contains("only-in-copy"));
}

TEST_CASE("An integer set is an intset up to set-max-intset-entries, then a hash table", "[set]") {
  const SetLimits limits;  // Redis's defaults: 512, 128, 64
  Set s = Set::Create("1", 1, limits);
  for (int i = 0; i < 512; i++) REQUIRE(s.Add(std::to_string(i), limits));
  REQUIRE(s.EncodingName() == "intset");
  REQUIRE(s.Add("512", limits));
  // Redis 7.2+ (as 7.0): past the intset limit the set goes to a hash table, even though a
  // listpack limit would also have been exceeded.
  REQUIRE(s.EncodingName() == "hashtable");
  REQUIRE(s.Remove("512"));
  REQUIRE(s.EncodingName() == "hashtable");  // never converts back
}

TEST_CASE("A non-integer member turns a small intset into a listpack, a large one into a table",
          "[set]") {
  const SetLimits limits;
  Set small = Set::Create("1", 1, limits);
  for (int i = 0; i < 127; i++) small.Add(std::to_string(i), limits);
  REQUIRE(small.Add("a", limits));
  REQUIRE(small.EncodingName() == "listpack");
  REQUIRE(small.size() == 128);
  REQUIRE(small.Add("b", limits));  // the 129th member
  REQUIRE(small.EncodingName() == "hashtable");

  Set big = Set::Create("1", 1, limits);
  for (int i = 0; i < 128; i++) big.Add(std::to_string(i), limits);
  REQUIRE(big.Add("a", limits));
  REQUIRE(big.EncodingName() == "hashtable");
}

TEST_CASE("A listpack set converts on a member longer than set-max-listpack-value", "[set]") {
  const SetLimits limits;
  Set s = Set::Create("a", 1, limits);
  REQUIRE(s.EncodingName() == "listpack");
  REQUIRE(s.Add(std::string(64, 'x'), limits));
  REQUIRE(s.EncodingName() == "listpack");
  REQUIRE(s.Add(std::string(65, 'x'), limits));
  REQUIRE(s.EncodingName() == "hashtable");
  REQUIRE(s.size() == 2);
}

TEST_CASE("A set is created in the encoding its first member and member count call for", "[set]") {
  const SetLimits limits;
  REQUIRE(Set::Create("7", 512, limits).EncodingName() == "intset");
  REQUIRE(Set::Create("7", 513, limits).EncodingName() == "hashtable");
  REQUIRE(Set::Create("x", 128, limits).EncodingName() == "listpack");
  REQUIRE(Set::Create("x", 129, limits).EncodingName() == "hashtable");
  Set s = Set::Create("x", 1, limits);
  s.ReserveFor(129, limits);
  REQUIRE(s.EncodingName() == "hashtable");
}

TEST_CASE("Random members are members, distinct when asked, and roughly uniform", "[set]") {
  const SetLimits limits;
  std::mt19937_64 rng(7);
  for (const char* prefix : {"", "m"}) {  // an intset, then a listpack
    for (int big = 0; big < 2; big++) {
      Set s;
      const size_t n = big ? 1000 : 10;  // 1000 members: a hash table
      for (size_t i = 0; i < n; i++) s.Add(prefix + std::to_string(i), limits);
      std::map<std::string, int> hits;
      for (size_t i = 0; i < n * 200; i++) hits[s.RandomMember(rng)]++;
      REQUIRE(hits.size() == n);
      for (const auto& [m, c] : hits) {
        REQUIRE(s.Contains(m));
        REQUIRE(c > 200 / 2);  // every member within a factor of two of its share
        REQUIRE(c < 200 * 2);
      }
      for (size_t count : {size_t{0}, size_t{3}, n / 2, n, n + 5}) {
        auto picked = s.RandomDistinct(count, rng);
        REQUIRE(picked.size() == std::min(count, n));
        std::set<std::string> unique(picked.begin(), picked.end());
        REQUIRE(unique.size() == picked.size());
        for (const auto& m : picked) REQUIRE(s.Contains(m));
      }
    }
  }
}

TEST_CASE("SSCAN steps over a hash-table set return every member at least once", "[set]") {
  const SetLimits limits;
  Set s;
  for (int i = 0; i < 300; i++) s.Add("k" + std::to_string(i), limits);
  std::set<std::string> got;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = s.Scan(cursor, [&](std::string_view m) { got.emplace(m); });
    steps++;
  } while (cursor != 0);
  REQUIRE(steps > 1);
  REQUIRE(got == SetContents(s));
}
