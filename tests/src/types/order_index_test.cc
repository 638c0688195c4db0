// The ranked B+tree against a std::multiset model: random inserts and erases (with many equal
// keys, so equal entries straddle leaves), then every rank, every position and walks both ways.
#include <catch2/catch.hpp>

#include <iterator>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "src/types/order_index.h"

namespace {

using Pair = std::pair<int, int>;
struct PairLess {
  bool operator()(const Pair& a, const Pair& b) const { return a < b; }
};
using PairIndex = types::OrderIndex<Pair, PairLess>;

void CheckAgainst(const PairIndex& index, const std::multiset<Pair>& model) {
  REQUIRE(index.Valid());
  REQUIRE(index.size() == model.size());
  std::vector<Pair> forward;
  for (auto c = index.First(); c.Valid(); c.Next()) forward.push_back(*c);
  REQUIRE(forward == std::vector<Pair>(model.begin(), model.end()));
  std::vector<Pair> backward;
  for (auto c = index.Last(); c.Valid(); c.Prev()) backward.push_back(*c);
  REQUIRE(backward == std::vector<Pair>(model.rbegin(), model.rend()));
  size_t rank = 0;
  for (auto it = model.begin(); it != model.end(); ++it, ++rank) {
    if (rank % 13 != 0) continue;
    REQUIRE(*index.At(rank) == *it);
    REQUIRE(index.Rank(*it) ==
            static_cast<size_t>(std::distance(model.begin(), model.lower_bound(*it))));
  }
  REQUIRE_FALSE(index.At(model.size()).Valid());
}

}  // namespace

TEST_CASE("The order index agrees with a multiset under random inserts and erases",
          "[order_index]") {
  std::mt19937_64 rng(GENERATE(7u, 8u));
  // Few distinct scores and ids: lots of equal entries and repeated erases of absent ones.
  const int key_space = GENERATE(20, 5000);
  PairIndex index;
  std::multiset<Pair> model;
  for (int step = 0; step < 20000; step++) {
    const Pair p{static_cast<int>(rng() % key_space), static_cast<int>(rng() % 3)};
    // Grow for the first half, then shrink, so merges and root collapses happen too.
    const bool insert = step < 10000 ? rng() % 4 != 0 : rng() % 4 == 0;
    if (insert) {
      index.Insert(p);
      model.insert(p);
    } else {
      auto it = model.find(p);
      REQUIRE(index.Erase(p) == (it != model.end()));
      if (it != model.end()) model.erase(it);
    }
    if (step % 2000 == 1999) CheckAgainst(index, model);
  }
  CheckAgainst(index, model);
  // Counting below a key that is not an entry: by the first component only.
  for (int k = -1; k <= key_space; k += key_space / 10 + 1) {
    const size_t expected = static_cast<size_t>(
        std::distance(model.begin(), model.lower_bound(Pair{k, -1})));
    CHECK(index.CountLess(k, [](const Pair& e, int key) { return e.first < key; }) == expected);
  }
  while (!model.empty()) {
    REQUIRE(index.Erase(*model.begin()));
    model.erase(model.begin());
  }
  CHECK(index.empty());
  CHECK(index.Valid());
  CHECK_FALSE(index.First().Valid());
}

TEST_CASE("An order index moved from is empty, and the moved-to one keeps the entries",
          "[order_index]") {
  PairIndex a;
  for (int i = 0; i < 1000; i++) a.Insert({i, 0});
  PairIndex b = std::move(a);
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(b.size() == 1000);
  CHECK(b.At(999)->first == 999);
  a.Insert({1, 1});
  CHECK(a.size() == 1);
}
