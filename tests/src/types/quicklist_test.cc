// The quicklist (types::List) against a std::deque<std::string> model: random pushes, pops,
// index reads and writes, inserts, range erases and LREM-style removals under several node
// bounds (byte bounds, entry-count bounds, 1 entry a node), with values small and large enough
// to need a node of their own. After each step both are walked forwards and backwards.
#include "src/types/quicklist.h"

#include <catch2/catch.hpp>
#include <deque>
#include <random>
#include <string>
#include <vector>

using types::List;

namespace {

void CheckListEqualsModel(const List& list, const std::deque<std::string>& model) {
  REQUIRE(list.Valid());
  REQUIRE(list.size() == model.size());
  std::vector<std::string> forward;
  for (auto c = list.At(0); c.Valid(); c.Next()) forward.emplace_back(c.Value());
  REQUIRE(forward == std::vector<std::string>(model.begin(), model.end()));
  if (model.empty()) return;
  std::vector<std::string> backward;
  for (auto c = list.At(model.size() - 1); c.Valid(); c.Prev()) backward.emplace_back(c.Value());
  REQUIRE(std::vector<std::string>(backward.rbegin(), backward.rend()) == forward);
}

std::string QuicklistRandomValue(std::mt19937_64& rng) {
  // Mostly a few distinct short values (so LREM finds matches), some long ones.
  switch (rng() % 10) {
    case 0:
      return std::string(300 + rng() % 3000, static_cast<char>('a' + rng() % 3));
    case 1:
      return std::string(9000, 'z');  // larger than the 8 KB bound of a count fill
    default:
      return "v" + std::to_string(rng() % 8);
  }
}

}  // namespace

TEST_CASE("A quicklist stays equal to a deque model under random operations", "[quicklist]") {
  const int fill = GENERATE(-2, -1, -5, 1, 3, 16, 0);
  std::mt19937_64 rng(static_cast<uint64_t>(fill + 100));
  List list(fill);
  std::deque<std::string> model;
  for (int step = 0; step < 1500; step++) {
    const size_t n = model.size();
    const int op = static_cast<int>(rng() % 12);
    if (op <= 2 || n == 0) {
      std::string v = QuicklistRandomValue(rng);
      if (op % 2 == 0) {
        list.PushBack(v);
        model.push_back(v);
      } else {
        list.PushFront(v);
        model.push_front(v);
      }
    } else if (op == 3) {
      REQUIRE(list.PopFront() == model.front());
      model.pop_front();
    } else if (op == 4) {
      REQUIRE(list.PopBack() == model.back());
      model.pop_back();
    } else if (op == 5) {
      const auto i = static_cast<int64_t>(rng() % (n + 2)) - static_cast<int64_t>(n / 2) * 3;
      std::string got;
      const int64_t at = i < 0 ? i + static_cast<int64_t>(n) : i;
      const bool in_range = at >= 0 && at < static_cast<int64_t>(n);
      REQUIRE(list.Get(i, got) == in_range);
      if (in_range) REQUIRE(got == model[static_cast<size_t>(at)]);
    } else if (op == 6) {
      const size_t i = rng() % n;
      std::string v = QuicklistRandomValue(rng);
      REQUIRE(list.Set(static_cast<int64_t>(i), v));
      model[i] = v;
    } else if (op == 7) {
      const size_t i = rng() % (n + 1);
      std::string v = QuicklistRandomValue(rng);
      list.Insert(i, v);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(i), v);
    } else if (op == 8) {
      const size_t i = rng() % n;
      const size_t k = rng() % 40;
      list.Erase(i, k);
      const size_t end = std::min(n, i + k);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(i),
                  model.begin() + static_cast<std::ptrdiff_t>(end));
    } else if (op == 9) {
      const std::string v = "v" + std::to_string(rng() % 8);
      const int64_t count = static_cast<int64_t>(rng() % 7) - 3;
      size_t expected = 0;
      if (count >= 0) {
        for (auto it = model.begin(); it != model.end();) {
          if (*it == v && (count == 0 || expected < static_cast<size_t>(count))) {
            it = model.erase(it);
            expected++;
          } else {
            ++it;
          }
        }
      } else {
        for (size_t j = model.size(); j-- > 0;) {
          if (model[j] == v && expected < static_cast<size_t>(-count)) {
            model.erase(model.begin() + static_cast<std::ptrdiff_t>(j));
            expected++;
          }
        }
      }
      REQUIRE(list.Remove(v, count) == expected);
    } else {
      // Cursor from a random index, a few steps either way.
      const size_t i = rng() % n;
      auto c = list.At(i);
      size_t j = i;
      for (int s = 0; s < 5 && c.Valid(); s++) {
        REQUIRE(c.Value() == model[j]);
        if (op == 10) {
          c.Next();
          j++;
        } else {
          c.Prev();
          if (j == 0) break;
          j--;
        }
      }
    }
    CheckListEqualsModel(list, model);
  }
}

TEST_CASE("A small list is a listpack, a big one a quicklist, and shrinking converts back",
          "[quicklist]") {
  List list(-1);  // 4 KB nodes
  for (int i = 0; i < 10; i++) list.PushBack("x");
  REQUIRE(list.is_listpack());
  REQUIRE(list.node_count() == 1);
  for (int i = 0; i < 100; i++) list.PushBack(std::string(100, 'y'));
  REQUIRE_FALSE(list.is_listpack());
  REQUIRE(list.node_count() > 1);
  // Still over half a node after dropping to one node's worth: stays a quicklist.
  while (list.size() > 30) list.PopBack();
  REQUIRE(list.node_count() == 1);
  REQUIRE_FALSE(list.is_listpack());
  while (list.size() > 12) list.PopBack();
  REQUIRE(list.is_listpack());
}

TEST_CASE("A positive fill bounds the entries of each node", "[quicklist]") {
  List list(4);
  for (int i = 0; i < 20; i++) list.PushBack(std::to_string(i));
  REQUIRE(list.node_count() == 5);
  list.Insert(2, "mid");  // splits the first node
  REQUIRE(list.Valid());
  std::string v;
  REQUIRE(list.Get(2, v));
  REQUIRE(v == "mid");
  REQUIRE(list.Get(-1, v));
  REQUIRE(v == "19");
}
