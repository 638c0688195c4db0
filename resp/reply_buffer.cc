#include "resp/reply_buffer.h"

#include <algorithm>
#include <utility>

namespace resp {

namespace {

// A drained tail keeps its allocation for the next replies unless it grew past this (a big
// bulk was appended to it), which is given back.
constexpr size_t kKeepTailCapacity = 4 * ReplyBuffer::kBlockSize;

}  // namespace

void ReplyBuffer::Seal(size_t next) {
  if (!tail_.empty()) {
    sealed_bytes_ += tail_.size();
    retired_ += tail_.size();
    sealed_.push_back(std::move(tail_));
    tail_ = std::string();
  }
  tail_.reserve(std::max(kBlockSize, next));
}

std::string* ReplyBuffer::ReserveSlot(size_t capacity) {
  Seal();
  // Room past the short-string buffer, so filling it never moves what the slot points to.
  std::string& slot = sealed_.emplace_back();
  slot.reserve(std::max<size_t>(capacity, 32));
  return &slot;  // deque: later push_backs leave it where it is
}

void ReplyBuffer::FillSlot(std::string* slot, std::string_view bytes) {
  slot->append(bytes);
  sealed_bytes_ += bytes.size();
  retired_ += bytes.size();
}

size_t ReplyBuffer::Peek(std::string_view* views, size_t max, size_t max_bytes) const {
  size_t n = 0;
  size_t offset = front_offset_;
  auto add = [&](const std::string& block) {
    if (n == max || max_bytes == 0 || offset >= block.size()) return;
    const size_t len = std::min(block.size() - offset, max_bytes);
    views[n++] = std::string_view(block.data() + offset, len);
    max_bytes -= len;
  };
  for (const std::string& block : sealed_) {
    if (n == max || max_bytes == 0) return n;
    add(block);
    offset = 0;
  }
  add(tail_);
  return n;
}

void ReplyBuffer::Consume(size_t n) {
  while (n > 0 && !sealed_.empty()) {
    std::string& front = sealed_.front();
    const size_t left = front.size() - front_offset_;
    if (n < left) {
      front_offset_ += n;
      return;
    }
    n -= left;
    sealed_bytes_ -= front.size();
    sealed_.pop_front();
    front_offset_ = 0;
  }
  if (n == 0) return;
  front_offset_ += n;
  if (front_offset_ >= tail_.size()) RetireTail();
}

void ReplyBuffer::Clear() {
  sealed_.clear();
  sealed_bytes_ = 0;
  RetireTail();
}

void ReplyBuffer::RetireTail() {
  retired_ += tail_.size();
  front_offset_ = 0;
  if (tail_.capacity() > kKeepTailCapacity) {
    std::string().swap(tail_);
  } else {
    tail_.clear();
  }
}

}  // namespace resp
