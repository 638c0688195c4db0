// Dispatch's bookkeeping around a call that the commands' own tests do not see: the name
// CLIENT LIST reports as cmd=, kept from one call to the next.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/command_harness.h"

TEST_CASE("cmd= names the last command, a subcommand as container|sub, across repeats",
          "[dispatch]") {
  testing_support::CommandHarness h;
  CHECK(h.client.last_command == "NULL");
  h.Run({"GET", "k"});
  CHECK(h.client.last_command == "get");
  h.Run({"get", "k"});
  CHECK(h.client.last_command == "get");
  h.Run({"CONFIG", "GET", "maxmemory"});
  CHECK(h.client.last_command == "config|get");
  h.Run({"OBJECT", "ENCODING", "k"});
  CHECK(h.client.last_command == "object|encoding");
  h.Run({"CONFIG", "get", "maxmemory"});
  CHECK(h.client.last_command == "config|get");
  h.Run({"GET", "k"});
  CHECK(h.client.last_command == "get");
}
