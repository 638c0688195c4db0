#include "src/types/intset.h"

#include <cstring>
#include <limits>

namespace types {

bool ParseCanonicalInt64(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative) i = 1;
  if (i == s.size()) return false;
  // "0" alone; otherwise no leading zero (so "-0" and "007" are strings).
  if (s[i] == '0') {
    if (s.size() != 1) return false;
    out = 0;
    return true;
  }
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (v > limit) return false;
  // Two's complement negation in unsigned arithmetic, so INT64_MIN needs no signed overflow.
  out = negative ? static_cast<int64_t>(~v + 1) : static_cast<int64_t>(v);
  return true;
}

size_t DecimalLength(int64_t v) {
  size_t n = v < 0 ? 2 : 1;
  uint64_t u = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  while (u >= 10) {
    u /= 10;
    n++;
  }
  return n;
}

size_t IntSet::WidthFor(int64_t v) {
  if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) {
    return 2;
  }
  if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
    return 4;
  }
  return 8;
}

int64_t IntSet::At(size_t i) const {
  const unsigned char* p = buf_.data() + i * width_;
  switch (width_) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

void IntSet::Store(size_t i, int64_t v) {
  unsigned char* p = buf_.data() + i * width_;
  switch (width_) {
    case 2: {
      const auto n = static_cast<int16_t>(v);
      std::memcpy(p, &n, 2);
      break;
    }
    case 4: {
      const auto n = static_cast<int32_t>(v);
      std::memcpy(p, &n, 4);
      break;
    }
    default:
      std::memcpy(p, &v, 8);
  }
}

bool IntSet::Search(int64_t v, size_t& pos) const {
  size_t lo = 0;
  size_t hi = count_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t m = At(mid);
    if (m == v) {
      pos = mid;
      return true;
    }
    if (m < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  pos = lo;
  return false;
}

bool IntSet::Contains(int64_t v) const {
  if (WidthFor(v) > width_) return false;  // wider than every element: cannot be present
  size_t pos;
  return Search(v, pos);
}

void IntSet::Widen(size_t width, int64_t v) {
  IntSet wide;
  wide.width_ = static_cast<uint8_t>(width);
  wide.count_ = count_ + 1;
  wide.buf_.resize(wide.count_ * width);
  // `v` needs more width than any element, so it is below them all or above them all.
  const size_t offset = v < 0 ? 1 : 0;
  for (size_t i = 0; i < count_; i++) wide.Store(i + offset, At(i));
  wide.Store(v < 0 ? 0 : count_, v);
  *this = std::move(wide);
}

bool IntSet::Insert(int64_t v) {
  const size_t width = WidthFor(v);
  if (width > width_) {
    Widen(width, v);
    return true;
  }
  size_t pos;
  if (Search(v, pos)) return false;
  buf_.resize((count_ + 1) * width_);
  std::memmove(buf_.data() + (pos + 1) * width_, buf_.data() + pos * width_,
               (count_ - pos) * width_);
  count_++;
  Store(pos, v);
  return true;
}

bool IntSet::Erase(int64_t v) {
  if (WidthFor(v) > width_) return false;
  size_t pos;
  if (!Search(v, pos)) return false;
  std::memmove(buf_.data() + pos * width_, buf_.data() + (pos + 1) * width_,
               (count_ - pos - 1) * width_);
  count_--;
  buf_.resize(count_ * width_);
  return true;
}

}  // namespace types
