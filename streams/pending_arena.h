// Storage for one consumer group's pending entries: records in chunks, addressed by a 32-bit
// slot (chunk number << 10 | index). Why: the PEL's indexes then hold 4-byte slots, there is no
// allocation per entry, and a record never moves while it lives, so callers may keep a
// PendingEntry* or & across other entries' changes. A chunk whose records are all freed is
// released (unless it is the last one), so a drained PEL gives its memory back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "streams/pending_entry.h"

namespace streams {

class PendingArena {
 public:
  PendingArena() = default;
  ~PendingArena();
  PendingArena(const PendingArena&) = delete;
  PendingArena& operator=(const PendingArena&) = delete;

  // A default-initialized record; its slot is SlotOf(the record).
  PendingEntry& Allocate();
  // Frees a record from Allocate; references to it become invalid.
  void Free(PendingEntry& e);
  PendingEntry& operator[](uint32_t slot) const {
    return chunks_[slot >> kChunkBits].records[slot & kIndexMask];
  }
  static uint32_t SlotOf(const PendingEntry& e) { return e.slot_; }

  size_t live() const { return live_; }
  // Bytes of record storage held (live and free records of every chunk).
  size_t capacity_bytes() const { return capacity_ * sizeof(PendingEntry); }

 private:
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kMaxChunk = uint32_t{1} << kChunkBits;
  static constexpr uint32_t kIndexMask = kMaxChunk - 1;
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Chunk {
    PendingEntry* records = nullptr;  // null: the chunk number is free for reuse
    uint32_t capacity = 0;
    uint32_t used = 0;         // records ever handed out (the rest were never touched)
    uint32_t live = 0;
    uint32_t free_head = kNone;  // freed records, linked through their slot_ field
    uint32_t open_pos = kNone;   // index in open_ while the chunk has room
  };

  void Open(uint32_t chunk);
  void Close(uint32_t chunk);
  uint32_t NewChunk();

  std::vector<Chunk> chunks_;
  std::vector<uint32_t> open_;      // chunks with room; allocation takes the last
  std::vector<uint32_t> released_;  // chunk numbers free for reuse
  size_t live_ = 0;
  size_t capacity_ = 0;
};

}  // namespace streams
