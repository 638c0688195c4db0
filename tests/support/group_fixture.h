// Consumer-group state for in-process command tests, built with the streams API directly (no
// XGROUP or XREADGROUP needed): a stream s with entries 1-0 .. n-0 and groups whose entries were
// delivered at chosen times.
#pragma once

#include <string>
#include <string_view>

#include "src/db.h"
#include "tests/support/command_harness.h"

namespace testing_support {

// Delivery times for fixtures: long ago (idle for decades) and far in the future (never idle).
inline constexpr int64_t kLongAgo = 1000;
inline constexpr int64_t kFuture = int64_t{1} << 50;

struct GroupFixture {
  CommandHarness h;

  explicit GroupFixture(uint64_t entries) {
    for (uint64_t i = 1; i <= entries; i++) {
      h.Run({"XADD", "s", std::to_string(i) + "-0", "f", "v" + std::to_string(i)});
    }
  }
  streams::Stream& stream() {
    return h.state.dbs[0]->Find("s", h.state.command_time_ms)->stream();
  }
  // A group positioned at last_ms-0 (as if it had read everything up to there).
  streams::ConsumerGroup& Group(std::string_view name, uint64_t last_ms) {
    streams::ConsumerGroup* g = stream().FindGroup(name);
    if (g == nullptr) {
      g = stream().CreateGroup(name, {last_ms, 0}, static_cast<int64_t>(last_ms));
    }
    return *g;
  }
  // Delivers ms-0 to `consumer` of `group` at `time_ms`.
  streams::PendingEntry& Deliver(streams::ConsumerGroup& g, std::string_view consumer,
                                 uint64_t ms, int64_t time_ms = kLongAgo) {
    auto [c, created] = g.GetOrCreateConsumer(consumer, time_ms);
    return *g.RecordDelivery({ms, 0}, *c, time_ms);
  }
};

}  // namespace testing_support
