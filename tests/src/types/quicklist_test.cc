// The quicklist (types::List) against a std::deque<std::string> model: random pushes, pops,
// index reads and writes, inserts, range erases and LREM-style removals under several node
// bounds (byte bounds, entry-count bounds, 1 entry a node), with values small and large enough
// to need a node of their own. After each step both are walked forwards and backwards. The
// same runs repeat with compress depths 1 and 2 (and values of random bytes, which do not
// compress), where List::Valid() also checks which nodes are compressed.
#include "src/types/quicklist.h"

#include <algorithm>
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

std::string QuicklistRandomBytes(std::mt19937_64& rng, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

std::string QuicklistRandomValue(std::mt19937_64& rng, bool with_noise = false) {
  // Mostly a few distinct short values (so LREM finds matches), some long ones.
  switch (rng() % (with_noise ? 12 : 10)) {
    case 0:
      return std::string(300 + rng() % 3000, static_cast<char>('a' + rng() % 3));
    case 1:
      return std::string(9000, 'z');  // larger than the 8 KB bound of a count fill
    case 10:
    case 11:
      return QuicklistRandomBytes(rng, 50 + rng() % 2000);  // does not compress
    default:
      return "v" + std::to_string(rng() % 8);
  }
}

// Random operations on a quicklist of `fill` and `depth` and on a deque, compared after each
// step. Returns the most nodes held compressed at once.
size_t RunQuicklistModel(int fill, int depth) {
  std::mt19937_64 rng(static_cast<uint64_t>(fill + 100 + depth * 1000));
  List list(fill, depth);
  REQUIRE(list.compress_depth() == depth);
  std::deque<std::string> model;
  size_t most_compressed = 0;
  const bool noise = depth > 0;
  for (int step = 0; step < 1500; step++) {
    const size_t n = model.size();
    const int op = static_cast<int>(rng() % 12);
    if (op <= 2 || n == 0) {
      std::string v = QuicklistRandomValue(rng, noise);
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
      std::string v = QuicklistRandomValue(rng, noise);
      REQUIRE(list.Set(static_cast<int64_t>(i), v));
      model[i] = v;
    } else if (op == 7) {
      const size_t i = rng() % (n + 1);
      std::string v = QuicklistRandomValue(rng, noise);
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
    most_compressed = std::max(most_compressed, list.compressed_nodes());
  }
  return most_compressed;
}

}  // namespace

TEST_CASE("A quicklist stays equal to a deque model under random operations", "[quicklist]") {
  const int fill = GENERATE(-2, -1, -5, 1, 3, 16, 0);
  REQUIRE(RunQuicklistModel(fill, 0) == 0);
}

TEST_CASE("A compressed quicklist stays equal to a deque model under random operations",
          "[quicklist]") {
  const int depth = GENERATE(1, 2);
  const int fill = GENERATE(-2, -1, -5, 1, 3, 16, 0);
  // Valid() checked after every step that each inner node is compressed unless too small or
  // incompressible; and there were some (but 64 KB nodes stay too few for inner ones).
  INFO("fill " << fill << ", depth " << depth);
  const size_t most_compressed = RunQuicklistModel(fill, depth);
  if (fill != -5) REQUIRE(most_compressed > 0);
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

namespace {

List QuicklistOfElements(int depth, size_t n) {
  List list(List::kDefaultFill, depth);
  for (size_t i = 0; i < n; i++) list.PushBack("element:" + std::to_string(i));
  return list;
}

}  // namespace

TEST_CASE("Compress depth 1 compresses every node but the head and the tail", "[quicklist]") {
  const List raw = QuicklistOfElements(0, 100000);
  const List packed = QuicklistOfElements(1, 100000);
  REQUIRE(packed.Valid());
  REQUIRE(raw.compressed_nodes() == 0);
  REQUIRE(packed.node_count() > 10);
  REQUIRE(packed.compressed_nodes() == packed.node_count() - 2);
  REQUIRE(packed.raw_bytes() == raw.bytes());
  // "element:N" compresses well: under half the bytes, and MEMORY USAGE follows.
  REQUIRE(packed.bytes() * 2 < raw.bytes());
  REQUIRE(packed.MemoryUsage() * 2 < raw.MemoryUsage());
  std::string v;
  REQUIRE(packed.Get(54321, v));
  REQUIRE(v == "element:54321");
  REQUIRE(packed.compressed_nodes() == packed.node_count() - 2);  // reads leave nodes packed
}

TEST_CASE("Compress depth 2 keeps two nodes raw at each end", "[quicklist]") {
  List list = QuicklistOfElements(2, 20000);
  REQUIRE(list.compressed_nodes() == list.node_count() - 4);
  // Pops that empty the end nodes bring inner nodes into the window, decompressed.
  while (list.node_count() > 6) list.PopFront();
  REQUIRE(list.Valid());
  REQUIRE(list.compressed_nodes() == 2);
  while (list.node_count() > 4) list.PopBack();
  REQUIRE(list.Valid());
  REQUIRE(list.compressed_nodes() == 0);
}

TEST_CASE("Inner nodes of incompressible data stay raw", "[quicklist]") {
  std::mt19937_64 rng(7);
  List list(List::kDefaultFill, 1);
  for (int i = 0; i < 200; i++) list.PushBack(QuicklistRandomBytes(rng, 500));
  REQUIRE(list.Valid());
  REQUIRE(list.node_count() > 5);
  REQUIRE(list.compressed_nodes() == 0);
  REQUIRE(list.bytes() == list.raw_bytes());
}

TEST_CASE("Nodes under 48 bytes are not compressed", "[quicklist]") {
  List list(1, 1);  // one entry a node
  for (int i = 0; i < 50; i++) list.PushBack(std::string(30, 'a'));
  for (int i = 0; i < 50; i++) list.PushBack(std::string(60, 'b'));
  REQUIRE(list.Valid());
  REQUIRE(list.compressed_nodes() == 49);  // the 60-byte ones, but the tail
}

TEST_CASE("A quicklist keeps its compress depth; a listpack takes a new one", "[quicklist]") {
  List list(List::kDefaultFill, 0);
  list.PushBack("a");
  REQUIRE(list.is_listpack());
  list.set_compress_depth(1);
  REQUIRE(list.compress_depth() == 1);
  for (int i = 0; i < 5000; i++) list.PushBack("element:" + std::to_string(i));
  REQUIRE_FALSE(list.is_listpack());
  REQUIRE(list.compressed_nodes() > 0);
  list.set_compress_depth(0);  // as CONFIG SET on an existing quicklist: no effect
  REQUIRE(list.compress_depth() == 1);
  REQUIRE(list.Valid());
}

TEST_CASE("A copy of a compressed quicklist holds the same entries", "[quicklist]") {
  const List list = QuicklistOfElements(1, 10000);
  const List copy(list);
  REQUIRE(copy.Valid());
  REQUIRE(copy.compressed_nodes() == list.compressed_nodes());
  std::vector<std::string> a, b;
  for (auto c = list.At(0); c.Valid(); c.Next()) a.emplace_back(c.Value());
  for (auto c = copy.At(0); c.Valid(); c.Next()) b.emplace_back(c.Value());
  REQUIRE(a == b);
  REQUIRE(a.size() == 10000);
}

TEST_CASE("Changes in the middle of a compressed quicklist leave its inner nodes compressed",
          "[quicklist]") {
  List list = QuicklistOfElements(1, 20000);
  REQUIRE(list.Set(10000, "changed"));
  list.Insert(12000, "inserted");
  list.Erase(5000, 3000);  // across node boundaries
  REQUIRE(list.Remove("element:15000", 0) == 1);
  REQUIRE(list.Valid());
  REQUIRE(list.compressed_nodes() == list.node_count() - 2);
  std::string v;
  REQUIRE(list.Get(7000, v));
  REQUIRE(v == "changed");
  REQUIRE(list.Get(9000, v));
  REQUIRE(v == "inserted");
}
