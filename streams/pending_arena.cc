// PendingArena: chunk bookkeeping (which chunks have room, growth, release), the side data of
// rare fields, and compaction.
#include "streams/pending_arena.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <new>

namespace streams {

namespace {
// What one escaped delivery count costs in an unordered_map: its node and bucket slot.
constexpr size_t kEscapedCountBytes = 48;
}  // namespace

uint64_t PendingEntry::delivery_count() const {
  if (count_ != kCountEscaped) return count_;
  return PendingArena::SideOf(*this)->counts.at(slot_ & PendingArena::kIndexMask);
}

int64_t PendingEntry::due_ms() const {
  if (!has_due()) return -1;
  return PendingArena::SideOf(*this)->due[slot_ & PendingArena::kIndexMask];
}

PendingArena::~PendingArena() {
  for (uint32_t n = 0; n < chunks_.size(); n++) {
    if (chunks_[n].records != nullptr) ReleaseChunk(n);
  }
}

const PendingChunkSide* PendingArena::SideOf(const PendingEntry& e) {
  // The record's index in its chunk leads back to the chunk's first record, and the header
  // sits just before that.
  const PendingEntry* first = &e - (e.slot_ & kIndexMask);
  return reinterpret_cast<const ChunkHeader*>(reinterpret_cast<const char*>(first) -
                                              sizeof(ChunkHeader))
      ->side;
}

PendingChunkSide& PendingArena::SideFor(const PendingEntry& e) {
  ChunkHeader& h = HeaderOf(chunks_[e.slot_ >> kChunkBits]);
  if (h.side == nullptr) h.side = new PendingChunkSide();
  return *h.side;
}

void PendingArena::SetDeliveryCount(PendingEntry& e, uint64_t count) {
  const uint32_t index = e.slot_ & kIndexMask;
  if (count < PendingEntry::kCountEscaped) {
    if (e.count_ == PendingEntry::kCountEscaped) SideFor(e).counts.erase(index);
    e.count_ = static_cast<uint32_t>(count);
    return;
  }
  SideFor(e).counts[index] = count;
  e.count_ = PendingEntry::kCountEscaped;
}

void PendingArena::SetDue(PendingEntry& e, int64_t due_ms) {
  if (due_ms < 0) {
    e.word_ &= ~PendingEntry::kHasDue;
    return;
  }
  const Chunk& c = chunks_[e.slot_ >> kChunkBits];
  PendingChunkSide& side = SideFor(e);
  // One array for the whole chunk: entries with due times come in crowds (every delivery of a
  // group with a backoff policy has one), and an array costs no more per entry than the record
  // field it replaces.
  if (!side.due) side.due = std::make_unique<int64_t[]>(c.capacity);
  side.due[e.slot_ & kIndexMask] = due_ms;
  e.word_ |= PendingEntry::kHasDue;
}

size_t PendingArena::capacity_bytes() const {
  size_t n = capacity_ * sizeof(PendingEntry) + chunks_.capacity() * sizeof(Chunk) +
             (open_.capacity() + released_.capacity()) * sizeof(uint32_t);
  for (const Chunk& c : chunks_) {
    if (c.records == nullptr) continue;
    n += sizeof(ChunkHeader);
    if (const PendingChunkSide* side = HeaderOf(c).side) {
      n += sizeof(PendingChunkSide) + (side->due ? c.capacity * sizeof(int64_t) : 0) +
           side->counts.size() * kEscapedCountBytes;
    }
  }
  return n;
}

uint32_t PendingArena::NewChunk() {
  // Chunks grow with the arena (15 records first, then about as many as are live, up to
  // kMaxChunk - 1), so a small group holds a small chunk and a big one few chunks. One record
  // short of a power of two leaves room for the header within the allocator's size class
  // (1023 * 40 + 8 bytes fit 40 KiB; 1024 records would take a 48 KiB block).
  const size_t want = std::bit_ceil(std::max<size_t>(live_ + 1, 16));
  const auto capacity = static_cast<uint32_t>(std::min<size_t>(want, kMaxChunk) - 1);
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
  char* memory =
      static_cast<char*>(::operator new(sizeof(ChunkHeader) + sizeof(PendingEntry) * capacity));
  new (memory) ChunkHeader();
  c.records = reinterpret_cast<PendingEntry*>(memory + sizeof(ChunkHeader));
  c.capacity = capacity;
  capacity_ += capacity;
  Open(n);
  return n;
}

void PendingArena::ReleaseChunk(uint32_t n) {
  Chunk& c = chunks_[n];
  delete HeaderOf(c).side;
  ::operator delete(reinterpret_cast<char*>(c.records) - sizeof(ChunkHeader));
  capacity_ -= c.capacity;
  c = Chunk{};
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
  c.live--;
  live_--;
  if (c.live == 0 && live_ > 0) {
    // Empty, and other chunks hold the live records: give it back.
    if (c.open_pos != kNone) Close(n);
    ReleaseChunk(n);
    released_.push_back(n);
    return;
  }
  if (e.count_ == PendingEntry::kCountEscaped) SideFor(e).counts.erase(index);
  e.word_ = kFreeWord;
  e.slot_ = c.free_head;
  c.free_head = index;
  if (c.open_pos == kNone && n != evacuating_) Open(n);
}

void PendingArena::Compact(const std::function<void(uint32_t, uint32_t)>& moved) {
  if (!Sparse()) return;
  while (live_ * 10 < capacity_ * 9 && chunk_count() > 1) {
    uint32_t sparsest = kNone;
    for (uint32_t n = 0; n < chunks_.size(); n++) {
      if (chunks_[n].records == nullptr) continue;
      if (sparsest == kNone || chunks_[n].live < chunks_[sparsest].live) sparsest = n;
    }
    const Chunk& s = chunks_[sparsest];
    const size_t room_elsewhere = (capacity_ - live_) - (s.capacity - s.live);
    if (room_elsewhere < s.live) return;
    if (s.open_pos != kNone) Close(sparsest);
    evacuating_ = sparsest;
    const uint32_t used = s.used;
    for (uint32_t i = 0; i < used && chunks_[sparsest].records != nullptr; i++) {
      PendingEntry& from = chunks_[sparsest].records[i];
      if (from.word_ == kFreeWord) continue;
      PendingEntry& to = Allocate();  // never a new chunk: the others have room
      to.id = from.id;
      to.delivery_time_ms = from.delivery_time_ms;
      to.word_ = from.word_ & ~PendingEntry::kHasDue;
      SetDeliveryCount(to, from.delivery_count());
      SetDue(to, from.due_ms());
      moved(from.slot_, to.slot_);
      Free(from);
    }
    evacuating_ = kNone;
  }
}

}  // namespace streams
