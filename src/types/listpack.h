// A packed sequence of byte strings in one contiguous buffer: the compact encoding of small
// hashes, sets and sorted sets, and each node of a list (Redis's "listpack"). Pure data, no
// RESP or I/O. An entry is [length varint][bytes][back-length]; the back-length holds the size
// of the first two parts, readable from its last byte, so the sequence walks both ways.
// A listpack that is only walked forward (a hash's) may drop the back-lengths: kForwardOnly
// saves a byte or more per entry, and Prev() is then not available.
// Positions are byte offsets into the buffer; end() is one past the last entry. Any insert or
// erase invalidates positions after the point of change (the returned position is valid).
// The buffer is held at its exact size (rounded up to the allocator's 16-byte step) while it is
// small, as Redis reallocs its listpacks: most listpacks are small and a doubling buffer would
// waste up to half of each. Past kExactLimit it grows geometrically, so pushes stay amortised O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace types {

class Listpack {
 public:
  using Pos = size_t;
  static constexpr Pos kNone = static_cast<Pos>(-1);
  // Buffers up to this many bytes are kept at their exact (16-byte rounded) size.
  static constexpr size_t kExactLimit = 4096;

  enum Links : uint8_t { kBothWays, kForwardOnly };

  Listpack() = default;
  explicit Listpack(Links links) : back_links_(links == kBothWays) {}
  Listpack(const Listpack& other);
  Listpack& operator=(const Listpack& other);
  Listpack(Listpack&& other) noexcept;
  Listpack& operator=(Listpack&& other) noexcept;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes of the buffer (the encoding's own size, for the conversion thresholds and MEMORY).
  size_t bytes() const { return size_; }
  // Bytes allocated for the buffer (MEMORY USAGE).
  size_t capacity() const { return cap_; }

  Pos begin() const { return 0; }
  Pos end() const { return size_; }
  // The last entry's position, or kNone when empty.
  Pos last() const { return empty() ? kNone : Prev(end()); }
  Pos Next(Pos p) const;
  // The entry before `p` (which may be end()), or kNone at the first entry. Both-ways only.
  Pos Prev(Pos p) const;
  std::string_view At(Pos p) const;
  // The position of the entry at index `i` (negative counts from the end: both-ways only), or
  // kNone.
  Pos Seek(int64_t i) const;

  // Inserts `value` before the entry at `p` (end(): appends). Returns the new entry's position.
  Pos Insert(Pos p, std::string_view value);
  Pos PushBack(std::string_view value) { return Insert(end(), value); }
  Pos PushFront(std::string_view value) { return Insert(begin(), value); }
  // Removes the entry at `p`; returns the position of the entry that followed it.
  Pos Erase(Pos p);
  // Removes `n` entries from `p` on (fewer if the sequence ends first); returns what followed.
  Pos EraseRange(Pos p, size_t n);
  // Replaces the entry at `p`; returns its (unchanged) position.
  Pos Replace(Pos p, std::string_view value);

  // The first entry from `p` on, stepping `stride` entries at a time, equal to `value`; kNone
  // if there is none. Hashes and sorted sets keep pairs, so they search every other entry.
  Pos Find(std::string_view value, Pos p = 0, size_t stride = 1) const;

  // Empties the buffer (it stays forward-only if it was).
  void Clear() {
    buf_.reset();
    size_ = cap_ = count_ = 0;
  }
  // Drops spare capacity beyond the 16-byte rounding (a closed quicklist node, a rebuilt hash).
  void ShrinkToFit() { Reallocate(RoundUp(size_)); }

  // The used bytes, as a whole (a compressed quicklist node is these bytes, packed).
  std::string_view raw() const { return {buf_.get(), size_}; }
  // A listpack holding `bytes` (what raw() returned) of `count` entries, at its exact size.
  static Listpack FromRaw(std::string_view bytes, uint32_t count);

 private:
  static size_t RoundUp(size_t n) { return (n + 15) & ~size_t{15}; }
  // The capacity to allocate for `need` bytes when the buffer must grow.
  size_t GrowCapacity(size_t need) const;
  // Moves the bytes to a buffer of `cap` (>= size_) bytes; 0 frees it.
  void Reallocate(size_t cap);
  // Bytes an entry of `n` data bytes takes, and writing one at `p`.
  size_t EntrySize(size_t n) const;
  void WriteEntry(char* p, std::string_view value) const;
  // Makes [p, p + removed) into `inserted` uninitialised bytes, moving the tail; reallocates
  // when growing past capacity or when a small buffer would keep spare room.
  void Splice(Pos p, size_t removed, size_t inserted);

  std::unique_ptr<char[]> buf_;
  uint32_t size_ = 0;   // bytes in use
  uint32_t cap_ = 0;    // bytes allocated
  uint32_t count_ = 0;  // entries
  bool back_links_ = true;
};

}  // namespace types
