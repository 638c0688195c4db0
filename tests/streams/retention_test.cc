// Retention by age, the pure part: the cutoff a maximum age gives at a time, and the bounded
// step a pass takes (checked against a model: the IDs below the cutoff, at most `budget`).
#include "streams/retention.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "streams/stream.h"

using streams::PlanRetentionStep;
using streams::RetentionCutoff;
using streams::StreamID;

namespace {

void AddAt(streams::Stream& s, StreamID id) {
  const std::vector<std::string_view> fv = {"f", "v"};
  // Small blocks, so steps cut through blocks as well as between them.
  REQUIRE(s.AddWithId(id, fv, {4, 4096}) == streams::IdStatus::kOk);
}

}  // namespace

TEST_CASE("The retention cutoff is the first ID young enough to stay", "[streams][retention]") {
  CHECK(RetentionCutoff(10000, 3000) == StreamID{7000, 0});
  // Nothing can be older than the maximum age yet, or retention is off.
  CHECK(RetentionCutoff(2000, 3000) == StreamID{});
  CHECK(RetentionCutoff(10000, 0) == StreamID{});
}

TEST_CASE("A retention step trims what is below the cutoff, at most a budget at a time",
          "[streams][retention]") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; round++) {
    streams::Stream s;
    std::vector<StreamID> ids;
    uint64_t ms = 1 + rng() % 50;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; i++) {
      ms += rng() % 3;
      const StreamID id{ms, static_cast<uint64_t>(i)};
      AddAt(s, id);
      ids.push_back(id);
    }
    const StreamID cutoff{rng() % 150, rng() % 2};
    const uint64_t budget = 1 + rng() % 20;
    const auto below = static_cast<uint64_t>(
        std::count_if(ids.begin(), ids.end(), [&](StreamID id) { return id < cutoff; }));
    const auto step = PlanRetentionStep(s, cutoff, budget);
    if (below == 0) {
      CHECK_FALSE(step.has_value());
      continue;
    }
    REQUIRE(step.has_value());
    // An exact MINID trim at the step removes min(below, budget) entries, the oldest ones.
    const size_t removed = s.TrimMinId(*step, false, 0);
    CHECK(removed == std::min(below, budget));
    CHECK(s.length() == ids.size() - removed);
    if (s.length() > 0) CHECK(*s.FirstEntryId() == ids[removed]);
    CHECK(s.Validate().empty());
  }
}
