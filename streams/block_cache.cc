// BlockCache: a tiny LRU of inflated entry blocks (see block_cache.h).
#include "streams/block_cache.h"

#include <algorithm>

namespace streams {

std::shared_ptr<const EntryBlock> BlockCache::Get(const EntryBlock& block,
                                                   std::string_view dict) {
  auto hit = std::find_if(slots_.begin(), slots_.end(),
                          [&](const Slot& s) { return s.block == &block; });
  if (hit != slots_.end()) {
    std::rotate(hit, hit + 1, slots_.end());  // now the most recent
    return slots_.back().plain;
  }
  misses_++;
  if (slots_.size() >= capacity_) slots_.erase(slots_.begin());
  slots_.push_back({&block, std::make_shared<const EntryBlock>(block.Inflated(dict))});
  return slots_.back().plain;
}

void BlockCache::Forget(const EntryBlock* block) {
  std::erase_if(slots_, [&](const Slot& s) { return s.block == block; });
}

size_t BlockCache::BytesUsed() const {
  size_t n = sizeof(*this) + slots_.capacity() * sizeof(Slot);
  // make_shared puts the control block next to the object: about two words more.
  for (const Slot& s : slots_) n += s.plain->BytesUsed() + 2 * sizeof(void*);
  return n;
}

}  // namespace streams
