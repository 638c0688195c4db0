// Storage for one consumer group's pending entries: records in chunks, addressed by a 32-bit
// slot (chunk number << 10 | index). Why: the PEL's indexes then hold 4-byte slots, there is no
// allocation per entry, and a record does not move while callers may hold it, so a
// PendingEntry* or & stays good across other entries' changes. Only Compact(), called by the
// group at its own safe points, moves records, and it reports each move so the indexes follow.
// A chunk whose records are all freed is released (unless it is the last one), so a drained PEL
// gives its memory back, and Compact() empties sparse chunks after scattered frees.
// Each chunk starts with a header pointing at its side data (PendingChunkSide), allocated only
// when one of its records gets a due time or a delivery count too big for the record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "streams/pending_entry.h"

namespace streams {

// What a chunk's records rarely have, kept beside them.
struct PendingChunkSide {
  std::unique_ptr<int64_t[]> due;                  // by record index; meaningful under kHasDue
  std::unordered_map<uint32_t, uint64_t> counts;   // escaped delivery counts, by record index
};

class PendingArena {
 public:
  friend class PendingEntry;  // its getters read the side data of its chunk

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

  // The fields kept partly or wholly in the chunk's side data.
  void SetDeliveryCount(PendingEntry& e, uint64_t count);
  void SetDue(PendingEntry& e, int64_t due_ms);  // -1 clears it

  size_t live() const { return live_; }
  // Bytes held: chunks (live and free records), their side data and the chunk table.
  size_t capacity_bytes() const;
  size_t chunk_count() const { return chunks_.size() - released_.size(); }

  // Whether Compact() would find work: under half the records are live, in two chunks or more.
  bool Sparse() const { return live_ * 2 < capacity_ && chunk_count() > 1; }
  // Moves the live records of the sparsest chunks into the free records of the others, and
  // releases the emptied chunks, until nine records in ten are live or the rest has no room
  // (going past the trigger of Sparse() keeps the next compaction a half-drain away). Calls
  // moved(old_slot, new_slot) for each record after copying it and before freeing the old one
  // (both readable then). Every PendingEntry* and & held outside becomes invalid.
  void Compact(const std::function<void(uint32_t old_slot, uint32_t new_slot)>& moved);

  // Where a record's side data is (null when its chunk has none); for PendingEntry's getters.
  static const PendingChunkSide* SideOf(const PendingEntry& e);

 private:
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kMaxChunk = uint32_t{1} << kChunkBits;
  static constexpr uint32_t kIndexMask = kMaxChunk - 1;
  static constexpr uint32_t kNone = UINT32_MAX;
  // A freed record's word: NACKed with sequence 0, which no live record has.
  static constexpr uintptr_t kFreeWord = PendingEntry::kNacked;

  // At the start of every chunk's memory, just before its records.
  struct ChunkHeader {
    PendingChunkSide* side = nullptr;
  };
  static_assert(sizeof(ChunkHeader) % alignof(PendingEntry) == 0);

  struct Chunk {
    PendingEntry* records = nullptr;  // null: the chunk number is free for reuse
    uint32_t capacity = 0;
    uint32_t used = 0;         // records ever handed out (the rest were never touched)
    uint32_t live = 0;
    uint32_t free_head = kNone;  // freed records, linked through their slot_ field
    uint32_t open_pos = kNone;   // index in open_ while the chunk takes allocations
  };

  static ChunkHeader& HeaderOf(const Chunk& c) {
    return *reinterpret_cast<ChunkHeader*>(reinterpret_cast<char*>(c.records) -
                                           sizeof(ChunkHeader));
  }
  PendingChunkSide& SideFor(const PendingEntry& e);
  void Open(uint32_t chunk);
  void Close(uint32_t chunk);
  uint32_t NewChunk();
  void ReleaseChunk(uint32_t chunk);

  std::vector<Chunk> chunks_;
  std::vector<uint32_t> open_;      // chunks with room; allocation takes the last
  std::vector<uint32_t> released_;  // chunk numbers free for reuse
  size_t live_ = 0;
  size_t capacity_ = 0;             // records, across chunks
  uint32_t evacuating_ = kNone;     // the chunk Compact() is emptying: never reopened
};

}  // namespace streams
