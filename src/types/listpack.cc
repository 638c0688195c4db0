#include "src/types/listpack.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <utility>

namespace types {

namespace {

// The forward length: LEB128, seven bits a byte, low group first, high bit = more follows.
size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

void PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p = static_cast<char>(v);
}

// Reads a varint at `p`; sets `len` to its size in bytes.
uint64_t GetVarint(const char* p, size_t& len) {
  uint64_t v = 0;
  int shift = 0;
  len = 0;
  for (;;) {
    const auto b = static_cast<uint8_t>(p[len++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
    shift += 7;
  }
}

// The back-length: the same seven-bit groups, but laid out so that it reads from its last byte
// backwards: the low group is the last byte, flagged 0x80 when more groups precede it.
void PutBackLength(char* p, uint64_t v) {
  const size_t n = VarintSize(v);
  for (size_t i = 0; i < n; i++) {
    const auto group = static_cast<uint8_t>(v & 0x7f);
    v >>= 7;
    p[n - 1 - i] = static_cast<char>(group | (i + 1 < n ? 0x80 : 0));
  }
}

// Reads the back-length ending just before `end`; sets `len` to its size in bytes.
uint64_t GetBackLength(const char* end, size_t& len) {
  uint64_t v = 0;
  int shift = 0;
  len = 0;
  for (;;) {
    const auto b = static_cast<uint8_t>(*(end - 1 - len));
    len++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
    shift += 7;
  }
}

}  // namespace

size_t Listpack::EntrySize(size_t n) const {
  const size_t head = VarintSize(n) + n;
  return back_links_ ? head + VarintSize(head) : head;
}

void Listpack::WriteEntry(char* p, std::string_view value) const {
  const size_t len_size = VarintSize(value.size());
  PutVarint(p, value.size());
  value.copy(p + len_size, value.size());
  if (back_links_) PutBackLength(p + len_size + value.size(), len_size + value.size());
}

Listpack::Listpack(const Listpack& other)
    : buf_(other.size_ ? new char[RoundUp(other.size_)] : nullptr),
      size_(other.size_),
      cap_(other.size_ ? static_cast<uint32_t>(RoundUp(other.size_)) : 0),
      count_(other.count_),
      back_links_(other.back_links_) {
  if (size_) std::memcpy(buf_.get(), other.buf_.get(), size_);
}

Listpack& Listpack::operator=(const Listpack& other) {
  if (this != &other) *this = Listpack(other);
  return *this;
}

Listpack::Listpack(Listpack&& other) noexcept
    : buf_(std::move(other.buf_)),
      size_(std::exchange(other.size_, 0)),
      cap_(std::exchange(other.cap_, 0)),
      count_(std::exchange(other.count_, 0)),
      back_links_(other.back_links_) {}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
  if (this != &other) {
    buf_ = std::move(other.buf_);
    size_ = std::exchange(other.size_, 0);
    cap_ = std::exchange(other.cap_, 0);
    count_ = std::exchange(other.count_, 0);
    back_links_ = other.back_links_;
  }
  return *this;
}

size_t Listpack::GrowCapacity(size_t need) const {
  if (need <= kExactLimit) return RoundUp(need);
  return RoundUp(std::max(need, static_cast<size_t>(cap_) * 2));
}

void Listpack::Reallocate(size_t cap) {
  assert(cap >= size_);
  if (cap == cap_) return;
  std::unique_ptr<char[]> fresh(cap ? new char[cap] : nullptr);
  // cap >= size_, so a copy always has room (the test of fresh tells GCC so too).
  if (size_ != 0 && fresh) std::memcpy(fresh.get(), buf_.get(), size_);
  buf_ = std::move(fresh);
  cap_ = static_cast<uint32_t>(cap);
}

void Listpack::Splice(Pos p, size_t removed, size_t inserted) {
  const size_t new_size = size_ - removed + inserted;
  assert(new_size <= std::numeric_limits<uint32_t>::max());
  const size_t tail = size_ - p - removed;
  size_t cap = cap_;
  if (new_size > cap_) {
    cap = GrowCapacity(new_size);
  } else if (new_size == 0) {
    cap = 0;
  } else if (RoundUp(new_size) <= kExactLimit) {
    cap = RoundUp(new_size);  // a small buffer gives back what it no longer needs
  } else if (new_size < cap_ / 4) {
    cap = RoundUp(new_size * 2);
  }
  if (cap != cap_) {
    // One copy into the new block: the head, then the tail at its new place.
    std::unique_ptr<char[]> fresh(cap ? new char[cap] : nullptr);
    if (p) std::memcpy(fresh.get(), buf_.get(), p);
    if (tail) std::memcpy(fresh.get() + p + inserted, buf_.get() + p + removed, tail);
    buf_ = std::move(fresh);
    cap_ = static_cast<uint32_t>(cap);
  } else if (tail && removed != inserted) {
    std::memmove(buf_.get() + p + inserted, buf_.get() + p + removed, tail);
  }
  size_ = static_cast<uint32_t>(new_size);
}

Listpack::Pos Listpack::Next(Pos p) const {
  size_t len_size;
  const uint64_t n = GetVarint(buf_.get() + p, len_size);
  const size_t head = len_size + n;
  return back_links_ ? p + head + VarintSize(head) : p + head;
}

Listpack::Pos Listpack::Prev(Pos p) const {
  assert(back_links_);
  if (p == 0) return kNone;
  size_t back_size;
  const uint64_t head = GetBackLength(buf_.get() + p, back_size);
  return p - back_size - head;
}

std::string_view Listpack::At(Pos p) const {
  size_t len_size;
  const uint64_t n = GetVarint(buf_.get() + p, len_size);
  return {buf_.get() + p + len_size, n};
}

Listpack::Pos Listpack::Seek(int64_t i) const {
  if (i >= 0) {
    if (static_cast<uint64_t>(i) >= count_) return kNone;
    Pos p = begin();
    for (int64_t k = 0; k < i; k++) p = Next(p);
    return p;
  }
  if (static_cast<uint64_t>(-(i + 1)) >= count_) return kNone;
  Pos p = end();
  for (int64_t k = 0; k < -i; k++) p = Prev(p);
  return p;
}

Listpack::Pos Listpack::Insert(Pos p, std::string_view value) {
  const size_t size = EntrySize(value.size());
  Splice(p, 0, size);
  WriteEntry(buf_.get() + p, value);
  count_++;
  return p;
}

Listpack::Pos Listpack::Erase(Pos p) {
  Splice(p, Next(p) - p, 0);
  count_--;
  return p;
}

Listpack::Pos Listpack::EraseRange(Pos p, size_t n) {
  Pos q = p;
  size_t removed = 0;
  while (removed < n && q < end()) {
    q = Next(q);
    removed++;
  }
  Splice(p, q - p, 0);
  count_ -= static_cast<uint32_t>(removed);
  return p;
}

Listpack::Pos Listpack::Replace(Pos p, std::string_view value) {
  const size_t old_size = Next(p) - p;
  const size_t new_size = EntrySize(value.size());
  if (new_size != old_size) Splice(p, old_size, new_size);
  WriteEntry(buf_.get() + p, value);
  return p;
}

Listpack::Pos Listpack::Find(std::string_view value, Pos p, size_t stride) const {
  assert(stride >= 1);
  while (p < end()) {
    size_t len_size;
    const uint64_t n = GetVarint(buf_.get() + p, len_size);
    if (n == value.size() && std::string_view(buf_.get() + p + len_size, n) == value) return p;
    for (size_t s = 0; s < stride && p < end(); s++) p = Next(p);
  }
  return kNone;
}

Listpack Listpack::FromRaw(std::string_view bytes, uint32_t count) {
  assert(bytes.size() <= std::numeric_limits<uint32_t>::max());
  Listpack lp;
  lp.Reallocate(RoundUp(bytes.size()));
  if (!bytes.empty()) std::memcpy(lp.buf_.get(), bytes.data(), bytes.size());
  lp.size_ = static_cast<uint32_t>(bytes.size());
  lp.count_ = count;
  return lp;
}

}  // namespace types
