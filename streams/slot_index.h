// An ordered set of 32-bit slots, ordered by a key that each slot's record gives
// (Order::KeyOf). It exists so that each of the PEL's orders (by ID, per consumer, by delivery
// time) costs about 4.5 bytes per entry instead of a tree leaf and a pointer per entry.
// Members sit in sorted blocks of at most kBlock slots; the blocks are kept in a std::map under
// a lower bound of their keys, so erasing a block's first member never re-keys the block.
// Invariants (Validate): blocks are non-empty and sorted; a block's map key <= its first
// member's key; every member of a block is < every member of the next; keys are unique; a
// member's key never changes while it is in the set (erase it, change the record, insert it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "streams/seek_op.h"

namespace streams {

// Order: a small copyable object with
//   using Key = ...;                 // totally ordered with operator<
//   Key KeyOf(uint32_t slot) const;  // the key of a member
//   auto Value(uint32_t slot) const; // what iterators hand out for a member
template <typename Order>
class SlotIndex {
 public:
  using Key = typename Order::Key;
  // 512 bytes of slots per block: inserts and erases move at most that, and the map node
  // (~80 bytes) is spread over up to 128 members.
  static constexpr size_t kBlock = 128;

  explicit SlotIndex(Order order) : order_(order), finger_(blocks_.end()) {}
  SlotIndex(const SlotIndex&) = delete;
  SlotIndex& operator=(const SlotIndex&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t block_count() const { return blocks_.size(); }

  // Adds `slot` under its current key; false (and nothing changes) if that key is present.
  bool Insert(uint32_t slot);
  // Removes `slot`, found by its current key; false if it is not a member.
  bool Erase(uint32_t slot);
  // Removes the member with key `k` and returns it (one search where Find + Erase take two).
  std::optional<uint32_t> EraseKey(const Key& k);
  // Puts `new_slot` where `old_slot` is; both must have the same key (a record that moved).
  // False if `old_slot` is not a member.
  bool Replace(uint32_t old_slot, uint32_t new_slot);
  // The member with key `k`.
  std::optional<uint32_t> Find(const Key& k) const {
    Iterator it(*this);
    if (!it.Seek(SeekOp::kEqual, k)) return std::nullopt;
    return it.Slot();
  }
  void Clear() {
    blocks_.clear();
    finger_ = blocks_.end();
    size_ = 0;
  }

  // "" when every invariant above holds, else the first violation. O(n), for tests.
  [[nodiscard]] std::string Validate() const;

  // A position in key order, like RadixTree::Iterator: starts invalid, Seek places it, Next and
  // Prev move it, and it stays invalid once it falls off an end. Any Insert or Erase
  // invalidates it: to change the set while walking, remember the key and Seek again.
  class Iterator {
   public:
    explicit Iterator(const SlotIndex& index) : index_(&index), block_(index.blocks_.end()) {}

    bool Seek(SeekOp op, const Key& k = Key{});
    bool Next();
    bool Prev();
    [[nodiscard]] bool Valid() const { return block_ != index_->blocks_.end(); }
    [[nodiscard]] uint32_t Slot() const { return block_->second[pos_]; }
    [[nodiscard]] Key CurrentKey() const { return index_->order_.KeyOf(Slot()); }
    [[nodiscard]] auto Value() const { return index_->order_.Value(Slot()); }

   private:
    bool Invalidate() {
      block_ = index_->blocks_.end();
      return false;
    }
    // Places the iterator on the first member >= k (or > k when `strict`).
    bool Bound(const Key& k, bool strict);

    const SlotIndex* index_;
    typename std::map<Key, std::vector<uint32_t>>::const_iterator block_;
    size_t pos_ = 0;
  };

 private:
  using Blocks = std::map<Key, std::vector<uint32_t>>;

  // The block that holds, or would hold, `k`: the last whose map key <= k, else the first.
  template <typename It, typename Map>
  static It BlockFor(Map& blocks, const Key& k) {
    auto b = blocks.upper_bound(k);
    return b == blocks.begin() ? b : std::prev(b);
  }
  // Where member `slot` is (its block and position), found by its current key.
  std::optional<std::pair<typename Blocks::iterator, size_t>> Locate(uint32_t slot);
  // Removes the member at `pos` of block `b`, dropping or merging thinned blocks.
  void EraseAt(typename Blocks::iterator b, size_t pos);
  // BlockFor, trying the block used last first: PEL traffic comes in runs (appends at the end,
  // acks from the front), which then skip the map's search.
  typename Blocks::iterator BlockOf(const Key& k) const {
    // The finger is a cache that seeks (const) move too; it hands out mutable iterators for
    // Insert and Erase, so it is kept as one over the (non-const) map.
    auto& blocks = const_cast<Blocks&>(blocks_);
    if (finger_ != blocks.end() && !(k < finger_->first)) {
      auto next = std::next(finger_);
      if (next == blocks.end() || k < next->first) return finger_;
    }
    finger_ = BlockFor<typename Blocks::iterator>(blocks, k);
    return finger_;
  }
  void EraseBlock(typename Blocks::iterator b) {
    if (b == finger_) finger_ = blocks_.end();
    blocks_.erase(b);
  }
  // First position in `v` whose key is not less than `k` (or greater than `k` when `strict`).
  size_t PositionIn(const std::vector<uint32_t>& v, const Key& k, bool strict) const {
    // The ends first, for the same reason as BlockOf.
    if (!strict && !v.empty()) {
      if (order_.KeyOf(v.back()) < k) return v.size();
      if (!(order_.KeyOf(v.front()) < k)) return 0;
    }
    auto it = strict ? std::upper_bound(v.begin(), v.end(), k,
                                        [this](const Key& key, uint32_t s) {
                                          return key < order_.KeyOf(s);
                                        })
                     : std::lower_bound(v.begin(), v.end(), k, [this](uint32_t s, const Key& key) {
                         return order_.KeyOf(s) < key;
                       });
    return static_cast<size_t>(it - v.begin());
  }

  Order order_;
  Blocks blocks_;
  size_t size_ = 0;
  mutable typename Blocks::iterator finger_;  // the block BlockOf found last, or end()
};

template <typename Order>
bool SlotIndex<Order>::Insert(uint32_t slot) {
  const Key k = order_.KeyOf(slot);
  if (blocks_.empty()) {
    blocks_[k].push_back(slot);
    size_++;
    return true;
  }
  auto b = BlockOf(k);
  std::vector<uint32_t>* v = &b->second;
  size_t pos = PositionIn(*v, k, false);
  if (pos < v->size() && !(k < order_.KeyOf((*v)[pos]))) return false;
  if (k < b->first) {
    // A new smallest key: the first block's lower bound moves down to it (its vector is kept).
    finger_ = blocks_.end();
    auto node = blocks_.extract(b);
    node.key() = k;
    b = blocks_.insert(std::move(node)).position;
    v = &b->second;
  }
  if (v->size() == kBlock) {
    if (pos == v->size() && std::next(b) == blocks_.end()) {
      // Appending past the last member, the common case (new IDs, new delivery times): start a
      // new block rather than split a full one in half, so appended blocks stay full.
      blocks_.emplace_hint(blocks_.end(), k, std::vector<uint32_t>{slot});
      size_++;
      return true;
    }
    const size_t half = kBlock / 2;
    const Key split_key = order_.KeyOf((*v)[half]);
    std::vector<uint32_t> tail(v->begin() + static_cast<std::ptrdiff_t>(half), v->end());
    v->resize(half);
    auto nb = blocks_.emplace_hint(std::next(b), split_key, std::move(tail));
    if (pos > half) {  // at `half` exactly, k sorts below split_key: it ends the first half
      v = &nb->second;
      pos -= half;
    }
  }
  v->insert(v->begin() + static_cast<std::ptrdiff_t>(pos), slot);
  size_++;
  return true;
}

template <typename Order>
std::optional<std::pair<typename SlotIndex<Order>::Blocks::iterator, size_t>>
SlotIndex<Order>::Locate(uint32_t slot) {
  if (blocks_.empty()) return std::nullopt;
  const Key k = order_.KeyOf(slot);
  auto b = BlockOf(k);
  const size_t pos = PositionIn(b->second, k, false);
  if (pos == b->second.size() || b->second[pos] != slot) return std::nullopt;
  return std::pair(b, pos);
}

template <typename Order>
bool SlotIndex<Order>::Erase(uint32_t slot) {
  auto at = Locate(slot);
  if (!at) return false;
  EraseAt(at->first, at->second);
  return true;
}

template <typename Order>
std::optional<uint32_t> SlotIndex<Order>::EraseKey(const Key& k) {
  if (blocks_.empty()) return std::nullopt;
  auto b = BlockOf(k);
  const size_t pos = PositionIn(b->second, k, false);
  if (pos == b->second.size() || k < order_.KeyOf(b->second[pos])) return std::nullopt;
  const uint32_t slot = b->second[pos];
  EraseAt(b, pos);
  return slot;
}

template <typename Order>
void SlotIndex<Order>::EraseAt(typename Blocks::iterator b, size_t pos) {
  std::vector<uint32_t>& v = b->second;
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(pos));
  size_--;
  if (v.empty()) {
    EraseBlock(b);
    return;
  }
  // A thinned block joins a neighbour when both fit in three quarters of a block, so
  // scattered erases do not leave many near-empty blocks. A block draining from the front (acks in ID order) meets a full
  // successor and is simply emptied, with no copying back and forth.
  // A block thinned to a quarter of its storage gives the rest back (scattered acks would
  // otherwise leave every block holding 512 bytes for a few slots).
  if (v.size() * 4 <= v.capacity() && v.capacity() > 16) v.shrink_to_fit();
  if (v.size() >= kBlock / 4) return;
  constexpr size_t kMerged = kBlock * 3 / 4;
  if (auto next = std::next(b); next != blocks_.end() && v.size() + next->second.size() <= kMerged) {
    v.insert(v.end(), next->second.begin(), next->second.end());
    EraseBlock(next);
  } else if (b != blocks_.begin()) {
    auto& prev = std::prev(b)->second;
    if (prev.size() + v.size() <= kMerged) {
      prev.insert(prev.end(), v.begin(), v.end());
      EraseBlock(b);
    }
  }
}

template <typename Order>
bool SlotIndex<Order>::Replace(uint32_t old_slot, uint32_t new_slot) {
  auto at = Locate(old_slot);
  if (!at) return false;
  at->first->second[at->second] = new_slot;
  return true;
}

template <typename Order>
std::string SlotIndex<Order>::Validate() const {
  size_t n = 0;
  const Key* prev_last = nullptr;
  Key last{};
  for (const auto& [lower, v] : blocks_) {
    if (v.empty()) return "empty block";
    if (v.size() > kBlock) return "block over capacity";
    if (order_.KeyOf(v.front()) < lower) return "block key above its first member";
    if (prev_last != nullptr && !(*prev_last < lower)) return "blocks overlap";
    for (size_t i = 1; i < v.size(); i++) {
      if (!(order_.KeyOf(v[i - 1]) < order_.KeyOf(v[i]))) return "block not strictly sorted";
    }
    last = order_.KeyOf(v.back());
    prev_last = &last;
    n += v.size();
  }
  if (n != size_) return "size";
  return "";
}

template <typename Order>
bool SlotIndex<Order>::Iterator::Bound(const Key& k, bool strict) {
  const Blocks& blocks = index_->blocks_;
  if (blocks.empty()) return Invalidate();
  block_ = index_->BlockOf(k);
  pos_ = index_->PositionIn(block_->second, k, strict);
  if (pos_ == block_->second.size()) {
    ++block_;
    pos_ = 0;
  }
  return Valid();
}

template <typename Order>
bool SlotIndex<Order>::Iterator::Seek(SeekOp op, const Key& k) {
  const Blocks& blocks = index_->blocks_;
  switch (op) {
    case SeekOp::kFirst:
      block_ = blocks.begin();
      pos_ = 0;
      return Valid();
    case SeekOp::kLast:
      if (blocks.empty()) return Invalidate();
      block_ = std::prev(blocks.end());
      pos_ = block_->second.size() - 1;
      return true;
    case SeekOp::kGreaterOrEqual:
      return Bound(k, false);
    case SeekOp::kGreater:
      return Bound(k, true);
    case SeekOp::kEqual:
      if (!Bound(k, false) || k < CurrentKey()) return Invalidate();
      return true;
    case SeekOp::kLessOrEqual:
    case SeekOp::kLess:
      // One step back from the first member above (kLessOrEqual) or at-or-above (kLess) k.
      if (!Bound(k, op == SeekOp::kLessOrEqual)) return Seek(SeekOp::kLast);
      return Prev();
  }
  return Invalidate();
}

template <typename Order>
bool SlotIndex<Order>::Iterator::Next() {
  if (!Valid()) return false;
  if (++pos_ == block_->second.size()) {
    ++block_;
    pos_ = 0;
  }
  return Valid();
}

template <typename Order>
bool SlotIndex<Order>::Iterator::Prev() {
  if (!Valid()) return false;
  if (pos_ > 0) {
    pos_--;
    return true;
  }
  if (block_ == index_->blocks_.begin()) return Invalidate();
  --block_;
  pos_ = block_->second.size() - 1;
  return true;
}

}  // namespace streams
