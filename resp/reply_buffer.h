// Replies waiting for the socket, as a chain of blocks: the writer appends to the tail block,
// and a full tail is sealed (moved behind the others) instead of grown, so bytes already
// written never move and a reply of N bytes costs N bytes plus at most one block, not the 2-3N
// of a doubling string. Written bytes are consumed from the front, freeing whole blocks as the
// client reads. Invariant: a sealed block never changes until it is consumed, so views of it
// stay valid while the writer keeps appending (what an in-progress socket write needs).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace resp {

class ReplyBuffer {
 public:
  // Redis's reply blocks are 16 KB too: big enough that one write takes many replies, small
  // enough that the unused end of the last block is noise. One less than 16 KB because a
  // string allocates its capacity plus a terminator, and 16 KB is an allocator size class
  // where 16 KB + 1 would take the next one (20 KB, a quarter wasted).
  static constexpr size_t kBlockSize = 16 * 1024 - 1;

  ReplyBuffer() = default;
  ReplyBuffer(const ReplyBuffer&) = delete;
  ReplyBuffer& operator=(const ReplyBuffer&) = delete;

  // The block appended to. Its address never changes; after Seal it is empty again.
  std::string& tail() { return tail_; }
  // Moves the tail (if it holds anything) behind the sealed blocks and gives the new tail room
  // for max(kBlockSize, next) bytes, so the next `next`-byte append does not reallocate.
  void Seal(size_t next = 0);

  // A place for bytes known only later (an aggregate's length, written after its elements):
  // seals the tail and reserves an empty sealed block of room for `capacity` bytes. Fill it
  // with FillSlot before the buffer is next read; it is the one sealed block that changes.
  std::string* ReserveSlot(size_t capacity);
  void FillSlot(std::string* slot, std::string_view bytes);

  // Bytes not yet consumed.
  size_t size() const { return sealed_bytes_ + tail_.size() - front_offset_; }
  bool empty() const { return size() == 0; }
  // Unconsumed bytes in sealed blocks: views of the first sealed_size() bytes stay valid
  // until they are consumed, whatever is appended.
  size_t sealed_size() const { return sealed_.empty() ? 0 : sealed_bytes_ - front_offset_; }
  // Bytes ever appended: only grows, so a writer can tell where a reply started by it even
  // when blocks were sealed or consumed in between.
  size_t appended() const { return retired_ + tail_.size(); }
  // Blocks holding unconsumed bytes (the tail counts when it has any): for tests and stats.
  size_t blocks() const { return sealed_.size() + (tail_.size() > TailStart() ? 1 : 0); }

  // Views of the unconsumed bytes in order, at most `max` views and `max_bytes` bytes in all
  // (the last view may be cut short). Returns how many views were filled.
  size_t Peek(std::string_view* views, size_t max, size_t max_bytes) const;
  // The first `n` unconsumed bytes were written: frees the blocks they used up.
  void Consume(size_t n);
  // Drops everything unconsumed.
  void Clear();

 private:
  // Where the tail's unconsumed bytes start: front_offset_ applies to it only when nothing is
  // sealed.
  size_t TailStart() const { return sealed_.empty() ? front_offset_ : 0; }
  void RetireTail();

  std::deque<std::string> sealed_;  // full blocks, oldest first; never modified once here
  std::string tail_;                // the block being appended to
  size_t sealed_bytes_ = 0;         // total size of sealed_, consumed part of the front included
  size_t front_offset_ = 0;  // consumed bytes of the first block (sealed_.front(), else tail_)
  size_t retired_ = 0;       // bytes that left tail_ (sealed, or consumed and cleared)
};

}  // namespace resp
