// Plain copies of recently read compressed entry blocks, so that a walk over a compressed
// stream inflates each block once, not once per step or per XRANGE page. Owned by one Stream
// (no globals): a handful of slots, least recently used first out.
//
// Invariants: at most capacity() copies; a slot's key is a live block of the owning stream,
// unchanged since it was inflated (the stream calls Forget() before it changes or frees a
// block); a copy handed out stays valid for its holder after eviction (shared ownership).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "streams/entry_block.h"

namespace streams {

class BlockCache {
 public:
  static constexpr size_t kDefaultSlots = 2;

  explicit BlockCache(size_t slots = kDefaultSlots) : capacity_(slots == 0 ? 1 : slots) {}

  // The plain copy of `block` (a compressed block), inflating it with `dict` on a miss.
  std::shared_ptr<const EntryBlock> Get(const EntryBlock& block, std::string_view dict);
  // Drops the copy of `block`, if any: it is about to change or be freed.
  void Forget(const EntryBlock* block);
  void Clear() { slots_.clear(); }

  size_t capacity() const { return capacity_; }
  size_t size() const { return slots_.size(); }
  uint64_t misses() const { return misses_; }
  // The copies' memory: the cache's share of the stream's.
  size_t BytesUsed() const;

 private:
  struct Slot {
    const EntryBlock* block;
    std::shared_ptr<const EntryBlock> plain;
  };
  std::vector<Slot> slots_;  // most recently used last
  size_t capacity_;
  uint64_t misses_ = 0;
};

}  // namespace streams
