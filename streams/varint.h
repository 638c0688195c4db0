// Variable-length integers for the packed stream formats: LEB128-style forward varints, the
// same groups laid out so they can be read backwards from their last byte, and zigzag for
// signed values. Decoders trust their input: they only ever read bytes this module wrote, or
// bytes EntryBlock::Import checked first (with its own bounded reader).
#pragma once

#include <cstddef>
#include <cstdint>

namespace streams::varint {

inline constexpr size_t kMaxBytes = 10;  // ceil(64 / 7)

constexpr size_t Size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

// Low 7-bit group first; a set high bit means "another byte follows". Returns the end.
inline uint8_t* Put(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

// Reads one varint at p and advances p past it.
inline uint64_t Get(const uint8_t*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
}

// Reverse varint: the same groups, low group at the HIGHEST address, and the high bit clear
// only on the byte at the lowest address. Reading back from the end therefore stops at the
// right byte without knowing where the value began. Same size as the forward form.
inline uint8_t* PutReverse(uint8_t* p, uint64_t v) {
  size_t n = Size(v);
  for (size_t i = 0; i < n; i++) {
    uint8_t group = static_cast<uint8_t>(v & 0x7f);
    v >>= 7;
    p[n - 1 - i] = (i == n - 1) ? group : static_cast<uint8_t>(group | 0x80);
  }
  return p + n;
}

// Reads the reverse varint that ends just before `end`; sets `size` to its byte count.
inline uint64_t GetReverse(const uint8_t* end, size_t& size) {
  uint64_t v = 0;
  for (size_t i = 0;; i++) {
    uint8_t b = *(end - 1 - i);
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      size = i + 1;
      return v;
    }
  }
}

// Small magnitudes of either sign become small unsigned numbers: 0,-1,1,-2 -> 0,1,2,3.
constexpr uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (0 - (u & 1))); }

}  // namespace streams::varint
