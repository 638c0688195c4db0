#include "src/types/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace server {

namespace {

// The highest power of two a clamped value can reach.
constexpr int kTopPower = 63 - std::countl_zero(static_cast<uint64_t>(LatencyHistogram::kMaxNs));

}  // namespace

size_t LatencyHistogram::BucketCount() {
  return kFirst + static_cast<size_t>(kTopPower - kSubBits + 1) * kHalf;
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

void LatencyHistogram::Allocate() { counts_ = std::make_unique<uint64_t[]>(BucketCount()); }

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
}

}  // namespace server
