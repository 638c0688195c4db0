// ServerState's command clock: pinned in tests, shared by the commands of one socket read.
#include <catch2/catch.hpp>

#include "src/server_state.h"

TEST_CASE("Commands of one read share its clock reading for a bounded number of commands",
          "[server]") {
  server::ServerState state{server::Config{}};
  state.batch_time_ms = 1000;  // a reading long ago, so a fresh one is told apart
  state.batch_time_uses = 0;
  for (uint32_t i = 0; i < server::ServerState::kBatchTimeUses; i++) {
    CHECK(state.NextCommandTime() == 1000);
  }
  const int64_t fresh = state.NextCommandTime();
  CHECK(fresh > 1000);
  CHECK(state.batch_time_ms == fresh);
  state.batch_time_ms = -1;  // outside a read: the wall clock each time
  CHECK(state.NextCommandTime() >= fresh);
  state.pinned_time_ms = 5;  // tests pin it over everything
  state.batch_time_ms = 1000;
  CHECK(state.NextCommandTime() == 5);
}
