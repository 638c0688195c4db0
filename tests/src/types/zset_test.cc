// types::ZSet against a model (std::map member -> score, sorted afresh for every check), in
// the listpack encoding, the large one, and across the conversion; scores include ties,
// negatives, infinities and values whose text must round-trip exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "src/types/zset.h"

using types::ZSet;

namespace {

using Sorted = std::vector<std::pair<double, std::string>>;

Sorted SortedOf(const std::map<std::string, double>& model) {
  Sorted out;
  for (const auto& [m, s] : model) out.emplace_back(s, m);
  std::sort(out.begin(), out.end());
  return out;
}

void CheckSame(const ZSet& z, const std::map<std::string, double>& model) {
  const Sorted sorted = SortedOf(model);
  REQUIRE(z.size() == sorted.size());
  Sorted walked;
  z.Walk(0, z.size(), false, [&](const ZSet::Item& it) {
    walked.emplace_back(it.score, std::string(it.member));
    return true;
  });
  REQUIRE(walked == sorted);
  Sorted reversed;
  if (!sorted.empty()) {
    z.Walk(z.size() - 1, z.size(), true, [&](const ZSet::Item& it) {
      reversed.emplace_back(it.score, std::string(it.member));
      return true;
    });
  }
  REQUIRE(Sorted(reversed.rbegin(), reversed.rend()) == sorted);
  for (size_t i = 0; i < sorted.size(); i += 5) {
    const auto& [score, member] = sorted[i];
    REQUIRE(z.Score(member) == score);
    REQUIRE(z.Rank(member) == i);
    const ZSet::Item at = z.At(i);
    REQUIRE(at.member == member);
    REQUIRE(at.score == score);
    const auto lower = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(score, std::string()));
    REQUIRE(z.CountBelow(score, false) == static_cast<size_t>(lower - sorted.begin()));
    const auto upper = std::find_if(sorted.begin(), sorted.end(),
                                    [s = score](const auto& e) { return e.first > s; });
    REQUIRE(z.CountBelow(score, true) == static_cast<size_t>(upper - sorted.begin()));
  }
  REQUIRE_FALSE(z.Score("absent").has_value());
  REQUIRE_FALSE(z.Rank("absent").has_value());
}

double RandomScore(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return static_cast<double>(rng() % 5);  // ties
    case 1: return -static_cast<double>(rng() % 1000) / 7.0;
    case 2: return std::numeric_limits<double>::infinity();
    case 3: return -std::numeric_limits<double>::infinity();
    case 4: return 0.1 + static_cast<double>(rng() % 100);  // needs 17 digits to round-trip
    default: return static_cast<double>(rng() % 100000) * 1e-3;
  }
}

}  // namespace

TEST_CASE("A sorted set agrees with a model under random adds, moves and removes",
          "[zset]") {
  std::mt19937_64 rng(GENERATE(11u, 12u, 13u));
  // Small limits: the set converts partway; large: it stays a listpack throughout.
  const size_t max_entries = GENERATE(16u, 100000u);
  const ZSet::Limits limits{max_entries, 64};
  ZSet z;
  std::map<std::string, double> model;
  for (int step = 0; step < 3000; step++) {
    const std::string member = "m" + std::to_string(rng() % 300);
    if (rng() % 4 != 0) {
      const double score = RandomScore(rng);
      REQUIRE(z.Set(member, score, limits) == (model.count(member) == 0));
      model[member] = score;
    } else {
      REQUIRE(z.Remove(member) == (model.erase(member) == 1));
    }
    if (step % 250 == 0) CheckSame(z, model);
  }
  CheckSame(z, model);
  CHECK(z.packed() == (model.size() <= max_entries && max_entries > 300));
  const ZSet copy = z;
  CheckSame(copy, model);
}

TEST_CASE("A sorted set converts past its entry or member-length limit, and never back",
          "[zset]") {
  const ZSet::Limits limits{3, 8};
  ZSet z;
  z.Set("a", 1, limits);
  z.Set("b", 2, limits);
  z.Set("c", 3, limits);
  CHECK(z.EncodingName() == "listpack");
  z.Set("d", 4, limits);
  CHECK(z.EncodingName() == "skiplist");
  z.Remove("d");
  z.Remove("c");
  CHECK(z.EncodingName() == "skiplist");

  ZSet w;
  w.Set("short", 1, limits);
  CHECK(w.EncodingName() == "listpack");
  w.Set("longer than 8", 1, limits);
  CHECK(w.EncodingName() == "skiplist");
  CHECK(w.Rank("longer than 8") == 0u);  // equal scores order by member bytes
}

TEST_CASE("Members with equal scores are counted by bytes for lexicographic ranges", "[zset]") {
  for (size_t max_entries : {128u, 2u}) {
    ZSet z;
    for (const char* m : {"b", "a", "d", "c", "e"}) z.Set(m, 0, {max_entries, 64});
    CHECK(z.CountBelowLex("c", false) == 2);
    CHECK(z.CountBelowLex("c", true) == 3);
    CHECK(z.CountBelowLex("bb", false) == 2);
    CHECK(z.CountBelowLex("", false) == 0);
    CHECK(z.CountBelowLex("z", true) == 5);
  }
}

TEST_CASE("A score's text reads back as exactly the same double", "[zset]") {
  for (double d : {0.1, 1.0 / 3, -2.5e-300, 1e300, 3.0, -0.0}) {
    const std::string text = types::ScoreText(d);
    CHECK(std::stod(text) == d);
  }
  CHECK(types::ScoreText(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(types::ScoreText(-std::numeric_limits<double>::infinity()) == "-inf");
}
