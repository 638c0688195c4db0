// A sorted set: unique members, each with a double score, ordered by (score, member bytes), in
// Redis's two encodings. Small: one listpack of member, score pairs kept in order (scores as
// their shortest round-trip text). Large, past zset-max-listpack-entries or -value (one way, as
// Redis): a hash table member -> score plus a ranked B+tree (order_index.h) of (score, member)
// whose members point at the hash table's nodes (which hold the key bytes), so rank, score and count lookups stay O(log n).
// Scores are never NaN (callers refuse it). Pure data: no RESP, no config (limits are passed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/types/hash_table.h"
#include "src/types/listpack.h"
#include "src/types/order_index.h"

namespace types {

class ZSet {
 public:
  struct Limits {
    size_t max_listpack_entries = 128;
    size_t max_listpack_value = 64;
  };
  struct Item {
    std::string_view member;
    double score;
  };

  ZSet() = default;
  ZSet(const ZSet& other);
  ZSet& operator=(const ZSet&) = delete;
  ZSet(ZSet&&) noexcept = default;
  ZSet& operator=(ZSet&&) noexcept = default;

  size_t size() const { return packed() ? listpack_.size() / 2 : dict_.size(); }
  bool empty() const { return size() == 0; }
  bool packed() const { return !big_; }
  std::string_view EncodingName() const { return big_ ? "skiplist" : "listpack"; }

  std::optional<double> Score(std::string_view member) const;
  // Adds `member` or moves it to `score`. Returns whether it was new. Converts to the large
  // encoding when the result would break `limits`.
  bool Set(std::string_view member, double score, const Limits& limits);
  bool Remove(std::string_view member);

  // Ascending 0-based rank of `member`, if present.
  std::optional<size_t> Rank(std::string_view member) const;
  // Members with a score below `score` (inclusive: at most `score`).
  size_t CountBelow(double score, bool inclusive) const;
  // Members ordered before `member` by bytes (inclusive: up to and including it); meaningful
  // when every score is equal (ZRANGEBYLEX), as in Redis.
  size_t CountBelowLex(std::string_view member, bool inclusive) const;

  // The item at ascending rank `rank` (< size()).
  Item At(size_t rank) const;
  // Calls fn(Item) for `count` items from ascending rank `first`, ascending, or from `first`
  // downwards when `reverse`; stops early when fn returns false.
  template <typename F>
  void Walk(size_t first, size_t count, bool reverse, F&& fn) const;

  // ZSCAN's step over the large encoding: calls fn(Item) for the members of the hash-table
  // bucket(s) at `cursor` and returns the next cursor (0: done), stable across resizes. Not for
  // the listpack encoding (ZSCAN returns that whole with Walk).
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& fn) const {
    return dict_.Scan(cursor, [&](std::string_view member, double score) {
      fn(Item{member, score});
    });
  }

  // MEMORY USAGE's figure: bytes held beyond the object itself, a skiplist's members measured
  // on the first `samples` (0 = all) and extrapolated.
  size_t MemoryUsage(size_t samples) const;

 private:
  using Dict = HashTable<double>;
  // 16 bytes: the score (compared first, kept here so most comparisons stay in the index) and
  // the dict node, whose key is the member; nodes never move while in the dict.
  struct Entry {
    double score = 0;
    const Dict::Node* node = nullptr;
    std::string_view member() const { return node->key(); }
  };
  struct EntryLess {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.score != b.score) return a.score < b.score;
      return a.member() < b.member();
    }
  };
  using Index = OrderIndex<Entry, EntryLess>;

  // Listpack helpers: the position of the pair holding `member` / the first pair ordered at
  // or after (score, member).
  Listpack::Pos FindPacked(std::string_view member) const;
  Listpack::Pos PackedInsertPos(double score, std::string_view member) const;
  static double PackedScore(std::string_view text);
  void ConvertToBig();

  bool big_ = false;
  Listpack listpack_;
  Dict dict_;
  Index index_;
};

// The shortest text that reads back as exactly `score` ("inf", "-inf" for the infinities).
std::string ScoreText(double score);

template <typename F>
void ZSet::Walk(size_t first, size_t count, bool reverse, F&& fn) const {
  if (first >= size() || count == 0) return;
  if (!big_) {
    Listpack::Pos p = listpack_.Seek(static_cast<int64_t>(first * 2));
    for (size_t done = 0; done < count && p != Listpack::kNone; done++) {
      const std::string_view member = listpack_.At(p);
      const Listpack::Pos s = listpack_.Next(p);
      if (!fn(Item{member, PackedScore(listpack_.At(s))})) return;
      if (reverse) {
        p = p == listpack_.begin() ? Listpack::kNone : listpack_.Prev(listpack_.Prev(p));
      } else {
        p = listpack_.Next(s);
        if (p == listpack_.end()) p = Listpack::kNone;
      }
    }
    return;
  }
  auto c = index_.At(first);
  for (size_t done = 0; done < count && c.Valid(); done++) {
    if (!fn(Item{c->member(), c->score})) return;
    if (reverse) {
      c.Prev();
    } else {
      c.Next();
    }
  }
}

}  // namespace types
