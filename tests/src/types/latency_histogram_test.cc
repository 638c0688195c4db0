// The per-command latency histogram: bucket arithmetic, clamping, and percentiles checked
// against a sorted model of the same values.
#include "src/types/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using server::LatencyHistogram;

TEST_CASE("Every latency falls in a bucket whose bounds hold it", "[latency_histogram]") {
  std::mt19937_64 rng(7);
  std::vector<int64_t> values = {1, 2, 255, 256, 257, 511, 512, 1000, 2000, 2007, 2008,
                                 LatencyHistogram::kMaxNs};
  for (int i = 0; i < 20000; i++) {
    const auto top = static_cast<uint64_t>(LatencyHistogram::kMaxNs);
    values.push_back(static_cast<int64_t>(rng() % top) + 1);
  }
  for (int64_t v : values) {
    const size_t b = LatencyHistogram::BucketOf(v);
    INFO("value " << v << " bucket " << b);
    REQUIRE(b < LatencyHistogram::BucketCount());
    CHECK(LatencyHistogram::LowestOf(b) <= v);
    CHECK(v <= LatencyHistogram::HighestOf(b));
  }
}

TEST_CASE("Buckets tile the range without gaps and stay under one percent wide",
          "[latency_histogram]") {
  for (size_t b = 1; b < LatencyHistogram::BucketCount(); b++) {
    INFO("bucket " << b);
    REQUIRE(LatencyHistogram::LowestOf(b) == LatencyHistogram::HighestOf(b - 1) + 1);
    const int64_t width = LatencyHistogram::HighestOf(b) - LatencyHistogram::LowestOf(b) + 1;
    if (LatencyHistogram::LowestOf(b) < 256) {
      CHECK(width == 1);  // below 256 ns every value has its own bucket
    } else {
      CHECK(static_cast<double>(width) / static_cast<double>(LatencyHistogram::LowestOf(b)) <=
            1.0 / 128);
    }
  }
  CHECK(LatencyHistogram::HighestOf(LatencyHistogram::BucketCount() - 1) >=
        LatencyHistogram::kMaxNs);
}

TEST_CASE("A latency of 2000 ns reads back as Redis reports it: 2.000 at p0, 2.007 above",
          "[latency_histogram]") {
  LatencyHistogram h;
  h.Record(2000);
  CHECK(h.ValueAtPercentile(0) == 2000);
  CHECK(h.ValueAtPercentile(50) == 2007);
  CHECK(h.ValueAtPercentile(100) == 2007);
}

TEST_CASE("Latencies outside one nanosecond to one second are clamped", "[latency_histogram]") {
  LatencyHistogram h;
  h.Record(0);
  h.Record(-5);
  h.Record(5'000'000'000);
  CHECK(h.count() == 3);
  CHECK(h.ValueAtPercentile(0) == 1);
  CHECK(h.ValueAtPercentile(100) >= LatencyHistogram::kMaxNs);
}

TEST_CASE("Percentiles match a sorted model to within the model value's bucket",
          "[latency_histogram]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; round++) {
    LatencyHistogram h;
    std::vector<int64_t> model;
    const int n = 1 + static_cast<int>(rng() % 5000);
    for (int i = 0; i < n; i++) {
      // Log-uniform, as latencies are.
      const double exp = std::uniform_real_distribution<double>(0, 9)(rng);
      const auto v = static_cast<int64_t>(std::pow(10.0, exp));
      h.Record(v);
      model.push_back(std::clamp<int64_t>(v, 1, LatencyHistogram::kMaxNs));
    }
    std::sort(model.begin(), model.end());
    for (double p : {0.0, 1.0, 12.5, 50.0, 90.0, 99.0, 99.9, 100.0}) {
      auto rank = static_cast<size_t>(p / 100.0 * static_cast<double>(n) + 0.5);
      rank = std::max<size_t>(rank, 1);
      const int64_t expected = model[rank - 1];
      const size_t bucket = LatencyHistogram::BucketOf(expected);
      const int64_t want = p == 0.0 ? LatencyHistogram::LowestOf(bucket)
                                    : LatencyHistogram::HighestOf(bucket);
      INFO("round " << round << " n " << n << " p" << p);
      CHECK(h.ValueAtPercentile(p) == want);
    }
    CHECK(h.CountAtMost(LatencyHistogram::kMaxNs * 2) == static_cast<uint64_t>(n));
    const int64_t median_bucket_top =
        LatencyHistogram::HighestOf(LatencyHistogram::BucketOf(model[static_cast<size_t>(n) / 2]));
    const auto at_most = static_cast<uint64_t>(
        std::upper_bound(model.begin(), model.end(), median_bucket_top) - model.begin());
    CHECK(h.CountAtMost(median_bucket_top) == at_most);
  }
}

TEST_CASE("An empty histogram reports zero and Reset empties a histogram", "[latency_histogram]") {
  LatencyHistogram h;
  CHECK(h.ValueAtPercentile(50) == 0);
  CHECK(h.CountAtMost(1000) == 0);
  h.Record(100);
  h.Reset();
  CHECK(h.count() == 0);
  CHECK(h.ValueAtPercentile(99) == 0);
}
