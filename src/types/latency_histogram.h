// A latency histogram over nanoseconds with two significant decimal digits, as Redis keeps per
// command for INFO latencystats and LATENCY HISTOGRAM: values below 256 ns have their own
// bucket, and each power of two above is split into 128 equal buckets (under 1% wide). Values
// are clamped to [1 ns, 1 s]. Pure: the caller measures, this only counts.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace server {

class LatencyHistogram {
 public:
  static constexpr int64_t kMinNs = 1;
  static constexpr int64_t kMaxNs = 1'000'000'000;

  void Record(int64_t ns) {
    if (!counts_) Allocate();
    counts_[BucketOf(ns)]++;
    count_++;
  }
  uint64_t count() const { return count_; }
  // The value at `percentile` (0..100) as Redis reports it: the highest value of the bucket
  // where the running count reaches percentile% of the total (at least one), or, for 0, the
  // lowest value of the first bucket holding any. 0 when nothing is recorded.
  int64_t ValueAtPercentile(double percentile) const;
  // How many recorded values are at most `ns` (bucket-exact: a bucket counts when its highest
  // value is at most `ns`). LATENCY HISTOGRAM's power-of-two rows read it.
  uint64_t CountAtMost(int64_t ns) const;
  void Reset();

  // Bucket arithmetic (public for the model test).
  static size_t BucketOf(int64_t ns) {
    const auto v = static_cast<uint64_t>(ns < kMinNs ? kMinNs : ns > kMaxNs ? kMaxNs : ns);
    if (v < kFirst) return static_cast<size_t>(v);
    const int power = 63 - std::countl_zero(v);  // >= kSubBits
    const size_t sub = static_cast<size_t>(v >> (power - kHalfBits)) - kHalf;
    return kFirst + static_cast<size_t>(power - kSubBits) * kHalf + sub;
  }
  static int64_t LowestOf(size_t bucket);
  static int64_t HighestOf(size_t bucket);
  static size_t BucketCount();

 private:
  // Below 2^kSubBits ns every value has a bucket; from there each power of two
  // [2^p, 2^(p+1)) has kHalf buckets of width 2^(p - kHalfBits).
  static constexpr int kSubBits = 8;
  static constexpr int kHalfBits = kSubBits - 1;
  static constexpr size_t kHalf = size_t{1} << kHalfBits;
  static constexpr size_t kFirst = size_t{1} << kSubBits;

  void Allocate();
  std::unique_ptr<uint64_t[]> counts_;  // BucketCount() entries, made at the first Record
  uint64_t count_ = 0;
};

}  // namespace server
