// WAIT and WAITAOF in-process: what they park, and the deadlines they compute.
#include <catch2/catch.hpp>

#include <cstdint>

#include "tests/support/command_harness.h"

TEST_CASE("WAIT with the largest timeout parks the client with no deadline", "[replication]") {
  // Found by tests/fuzz/commands_fuzz.cc: the deadline was now + timeout, a signed overflow.
  testing_support::CommandHarness h;
  CHECK(h.Run({"WAIT", "1", "9223372036854775807"}).empty());
  CHECK(h.client.blocked);
  REQUIRE(h.state.repl.waiters.size() == 1);
  CHECK(h.state.repl.waiters[0].deadline_ms == -1);
  h.state.repl.waiters.clear();
  h.client.blocked = false;
  // A plain timeout is a deadline that far from now; 0 is none.
  CHECK(h.Run({"WAIT", "1", "250"}).empty());
  REQUIRE(h.state.repl.waiters.size() == 1);
  CHECK(h.state.repl.waiters[0].deadline_ms == h.state.command_time_ms + 250);
  h.state.repl.waiters.clear();
  h.client.blocked = false;
  CHECK(h.Run({"WAIT", "1", "0"}).empty());
  CHECK(h.state.repl.waiters[0].deadline_ms == -1);
  h.state.repl.waiters.clear();
  h.client.blocked = false;
  // With no replica to wait for, WAIT 0 answers at once.
  CHECK(h.Run({"WAIT", "0", "100"}) == ":0\r\n");
  CHECK_FALSE(h.client.blocked);
}

TEST_CASE("WAITAOF with the largest timeout parks the client with no deadline", "[replication]") {
  testing_support::CommandHarness h;
  CHECK(h.Run({"WAITAOF", "0", "1", "9223372036854775807"}).empty());
  REQUIRE(h.state.repl.waiters.size() == 1);
  CHECK(h.state.repl.waiters[0].deadline_ms == -1);
  CHECK(h.state.repl.waiters[0].numlocal == 0);
}
