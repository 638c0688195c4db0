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

TEST_CASE("Recent client buffer peaks last eight seconds, the newest second overwriting its slot",
          "[server_state]") {
  server::ClientPeaks peaks;
  CHECK(peaks.MaxIn(100) == 0);
  peaks.Note(100, 5000, 10);
  peaks.Note(100, 300, 70);
  peaks.Note(103, 800, 0);
  CHECK(peaks.MaxIn(103) == 5000);
  CHECK(peaks.MaxOut(103) == 70);
  CHECK(peaks.MaxIn(107) == 5000);  // second 100 is still within the last eight
  CHECK(peaks.MaxIn(108) == 800);
  CHECK(peaks.MaxOut(108) == 0);
  // Second 108 takes second 100's slot: the old value does not come back.
  peaks.Note(108, 1, 1);
  CHECK(peaks.MaxIn(108) == 800);
  CHECK(peaks.MaxIn(112) == 1);
  CHECK(peaks.MaxIn(200) == 0);
}

TEST_CASE("maxmemory-clients reads bytes or a percentage of maxmemory", "[server_state][config]") {
  server::Config c;
  CHECK(server::MaxmemoryClientsBytes(c) == 0);
  const server::ConfigOption* opt = server::FindConfigOption("maxmemory-clients");
  REQUIRE(opt != nullptr);
  CHECK(opt->set(c, "2mb").empty());
  CHECK(server::MaxmemoryClientsBytes(c) == 2 * 1024 * 1024);
  CHECK(opt->set(c, "25%").empty());
  CHECK(opt->get(c) == "25%");
  CHECK(server::MaxmemoryClientsBytes(c) == 0);  // no maxmemory: no bound
  c.maxmemory = 4000;
  CHECK(server::MaxmemoryClientsBytes(c) == 1000);
  CHECK(opt->set(c, "0%").empty());
  CHECK(opt->get(c) == "0");
  CHECK(opt->set(c, "x%") == "argument must be a memory or percent value");
  CHECK(opt->set(c, "-1") == "argument must be a memory or percent value");
  CHECK(opt->set(c, "101%") == "percentage argument must be less or equal to 100");
}
