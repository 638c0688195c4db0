// INFO's total_error_replies counts every error reply a client gets, as Redis does: errors
// from the command itself and from the commands inside EXEC, not only commands refused before
// they run. (Checked against redis-server 7.0: WRONGTYPE from a handler counts 1, an EXEC
// whose two commands fail counts 2.)
#include <catch2/catch.hpp>

#include "tests/support/command_harness.h"

namespace {

using testing_support::CommandHarness;

uint64_t ErrorReplies(const CommandHarness& h) { return h.state.error_stats.total(); }

}  // namespace

TEST_CASE("An error a command answers counts as an error reply", "[errors][stats]") {
  CommandHarness h;
  REQUIRE(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(ErrorReplies(h) == 0);
  REQUIRE(h.Run({"XLEN", "k"})[0] == '-');
  CHECK(ErrorReplies(h) == 1);
  REQUIRE(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(ErrorReplies(h) == 1);
}

TEST_CASE("A refused command counts once as an error reply", "[errors][stats]") {
  CommandHarness h;
  REQUIRE(h.Run({"NOSUCHCOMMAND"})[0] == '-');
  REQUIRE(h.Run({"GET"})[0] == '-');
  CHECK(ErrorReplies(h) == 2);
}

TEST_CASE("Each failed command inside EXEC counts as an error reply", "[errors][stats]") {
  CommandHarness h;
  REQUIRE(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  REQUIRE(h.Run({"MULTI"}) == "+OK\r\n");
  REQUIRE(h.Run({"INCR", "k"}) == "+QUEUED\r\n");
  REQUIRE(h.Run({"XLEN", "k"}) == "+QUEUED\r\n");
  REQUIRE(h.Run({"GET", "k"}) == "+QUEUED\r\n");
  const std::string reply = h.Run({"EXEC"});
  REQUIRE(reply.rfind("*3\r\n-ERR", 0) == 0);
  CHECK(ErrorReplies(h) == 2);
}
