// PendingArena: chunk bookkeeping (which chunks have room, growth, release).
#include "streams/pending_arena.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <new>

namespace streams {

PendingArena::~PendingArena() {
  for (Chunk& c : chunks_) ::operator delete(c.records);
}

uint32_t PendingArena::NewChunk() {
  // Chunks grow with the arena (16 records first, then about as many as are live, up to
  // kMaxChunk), so a small group holds a small chunk and a big one few chunks.
  const size_t want = std::bit_ceil(std::max<size_t>(live_, 16));
  const auto capacity = static_cast<uint32_t>(std::min<size_t>(want, kMaxChunk));
  uint32_t n;
  if (!released_.empty()) {
    n = released_.back();
    released_.pop_back();
  } else {
    n = static_cast<uint32_t>(chunks_.size());
    chunks_.emplace_back();
  }
  Chunk& c = chunks_[n];
  c = Chunk{};
  c.records = static_cast<PendingEntry*>(::operator new(sizeof(PendingEntry) * capacity));
  c.capacity = capacity;
  capacity_ += capacity;
  Open(n);
  return n;
}

void PendingArena::Open(uint32_t chunk) {
  chunks_[chunk].open_pos = static_cast<uint32_t>(open_.size());
  open_.push_back(chunk);
}

void PendingArena::Close(uint32_t chunk) {
  const uint32_t pos = chunks_[chunk].open_pos;
  const uint32_t moved = open_.back();
  open_[pos] = moved;
  chunks_[moved].open_pos = pos;
  open_.pop_back();
  chunks_[chunk].open_pos = kNone;
}

PendingEntry& PendingArena::Allocate() {
  const uint32_t n = open_.empty() ? NewChunk() : open_.back();
  Chunk& c = chunks_[n];
  uint32_t index;
  if (c.free_head != kNone) {
    index = c.free_head;
    c.free_head = c.records[index].slot_;
  } else {
    index = c.used++;
  }
  c.live++;
  live_++;
  if (c.live == c.capacity) Close(n);
  auto* e = new (&c.records[index]) PendingEntry();
  e->slot_ = (n << kChunkBits) | index;
  return *e;
}

void PendingArena::Free(PendingEntry& e) {
  const uint32_t n = e.slot_ >> kChunkBits;
  const uint32_t index = e.slot_ & kIndexMask;
  Chunk& c = chunks_[n];
  assert(c.records != nullptr && &c.records[index] == &e);
  const bool was_full = c.live == c.capacity;
  c.live--;
  live_--;
  if (c.live == 0 && live_ > 0) {
    // Empty, and other chunks hold the live records: give it back.
    if (!was_full) Close(n);
    ::operator delete(c.records);
    capacity_ -= c.capacity;
    c = Chunk{};
    released_.push_back(n);
    return;
  }
  e.slot_ = c.free_head;
  c.free_head = index;
  if (was_full) Open(n);
}

}  // namespace streams
