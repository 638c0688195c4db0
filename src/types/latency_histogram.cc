#include "src/types/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace server {

namespace {

// Below 2^kSubBits every value has a bucket; from there each power of two [2^p, 2^(p+1)) has
// kHalf buckets of width 2^(p - kHalfBits).
constexpr int kSubBits = 8;
constexpr int kHalfBits = kSubBits - 1;
constexpr size_t kHalf = size_t{1} << kHalfBits;
constexpr size_t kFirst = size_t{1} << kSubBits;
// The highest power of two a clamped value can reach.
constexpr int kTopPower = 63 - std::countl_zero(static_cast<uint64_t>(LatencyHistogram::kMaxNs));

}  // namespace

size_t LatencyHistogram::BucketCount() {
  return kFirst + static_cast<size_t>(kTopPower - kSubBits + 1) * kHalf;
}

size_t LatencyHistogram::BucketOf(int64_t ns) {
  const auto v = static_cast<uint64_t>(std::clamp(ns, kMinNs, kMaxNs));
  if (v < kFirst) return static_cast<size_t>(v);
  const int power = 63 - std::countl_zero(v);  // >= kSubBits
  const int shift = power - kHalfBits;
  const size_t sub = static_cast<size_t>(v >> shift) - kHalf;  // 0..kHalf-1
  return kFirst + static_cast<size_t>(power - kSubBits) * kHalf + sub;
}

int64_t LatencyHistogram::LowestOf(size_t bucket) {
  if (bucket < kFirst) return static_cast<int64_t>(bucket);
  const size_t rel = bucket - kFirst;
  const int power = kSubBits + static_cast<int>(rel / kHalf);
  const size_t sub = rel % kHalf;
  return static_cast<int64_t>((kHalf + sub) << (power - kHalfBits));
}

int64_t LatencyHistogram::HighestOf(size_t bucket) {
  if (bucket < kFirst) return static_cast<int64_t>(bucket);
  const size_t rel = bucket - kFirst;
  const int power = kSubBits + static_cast<int>(rel / kHalf);
  return LowestOf(bucket) + (int64_t{1} << (power - kHalfBits)) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  if (!counts_) counts_ = std::make_unique<uint64_t[]>(BucketCount());
  counts_[BucketOf(ns)]++;
  count_++;
  max_ = std::max(max_, std::clamp(ns, kMinNs, kMaxNs));
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  auto wanted = static_cast<uint64_t>(percentile / 100.0 * static_cast<double>(count_) + 0.5);
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t running = 0;
  const size_t n = BucketCount();
  for (size_t b = 0; b < n; b++) {
    running += counts_[b];
    if (running >= wanted) return percentile == 0.0 ? LowestOf(b) : HighestOf(b);
  }
  return HighestOf(n - 1);
}

uint64_t LatencyHistogram::CountAtMost(int64_t ns) const {
  if (count_ == 0 || ns < 0) return 0;
  uint64_t total = 0;
  const size_t n = BucketCount();
  for (size_t b = 0; b < n && HighestOf(b) <= ns; b++) total += counts_[b];
  return total;
}

void LatencyHistogram::Reset() {
  counts_.reset();
  count_ = 0;
  max_ = 0;
}

}  // namespace server
