// A sorted array of distinct 64-bit integers stored at the narrowest width (2, 4 or 8 bytes)
// that holds every one of them: the compact encoding of integer-only sets (Redis's "intset").
// Invariants: elements strictly ascending; width is the smallest of 2/4/8 that fits the
// smallest and largest element. Inserting a value that needs more width widens the whole array
// (it never narrows again, as in Redis). Lookups are a binary search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace types {

// Redis's rule for a set member that is "an integer": the canonical decimal form of an int64
// (no sign but a leading '-', no leading zeros, no "-0", no spaces, in range).
bool ParseCanonicalInt64(std::string_view s, int64_t& out);

// The decimal digits of `v`, '-' included (for the intset → listpack size check).
size_t DecimalLength(int64_t v);

class IntSet {
 public:
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes per element now: 2, 4 or 8.
  size_t width() const { return width_; }
  size_t bytes() const { return buf_.size(); }

  int64_t At(size_t i) const;
  int64_t Min() const { return At(0); }
  int64_t Max() const { return At(count_ - 1); }
  bool Contains(int64_t v) const;
  // Adds `v`; false if it was already there.
  bool Insert(int64_t v);
  // Removes `v`; false if it was not there.
  bool Erase(int64_t v);
  void Clear() {
    buf_.clear();
    count_ = 0;
    width_ = 2;
  }

 private:
  static size_t WidthFor(int64_t v);
  // Binary search: true and the index of `v`, or false and where it would be inserted.
  bool Search(int64_t v, size_t& pos) const;
  void Store(size_t i, int64_t v);
  // Rewrites every element at `width` bytes and adds `v`, which is below or above them all.
  void Widen(size_t width, int64_t v);

  std::vector<unsigned char> buf_;
  size_t count_ = 0;
  uint8_t width_ = 2;
};

}  // namespace types
