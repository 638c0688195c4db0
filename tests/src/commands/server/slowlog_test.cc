// SLOWLOG GET/LEN/RESET/HELP: the entry shape Redis replies with, GET's count, and the errors.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

namespace {

using testing_support::Bulk;
using testing_support::CommandHarness;
using testing_support::Int;

// A harness whose own commands stay out of the slow log, so a test sees only what it logs.
struct QuietHarness : CommandHarness {
  QuietHarness() { state.config.slowlog_log_slower_than = -1; }
};

// Logs a call as if it had just run for `duration_us`.
void LogCall(QuietHarness& h, std::vector<std::string_view> argv, int64_t duration_us) {
  h.state.slowlog.Consider(0, 128, 1700000000, duration_us, argv, "127.0.0.1:40000", "");
}

}  // namespace

TEST_CASE("SLOWLOG GET replies with id, time, duration, arguments, address and name",
          "[slowlog]") {
  QuietHarness h;
  h.state.slowlog.Consider(0, 128, 1700000000, 1234, std::vector<std::string_view>{"SET", "k", "v"},
                           "127.0.0.1:40000", "worker");
  CHECK(h.Run({"SLOWLOG", "GET"}) ==
        "*1\r\n*6\r\n" + Int(0) + Int(1700000000) + Int(1234) + "*3\r\n" + Bulk("SET") +
            Bulk("k") + Bulk("v") + Bulk("127.0.0.1:40000") + Bulk("worker"));
}

TEST_CASE("SLOWLOG GET returns 10 entries by default, all with -1, newest first",
          "[slowlog]") {
  QuietHarness h;
  for (int i = 0; i < 12; i++) LogCall(h, {"ping"}, i);
  CHECK(h.Run({"SLOWLOG", "GET"}).rfind("*10\r\n*6\r\n:11\r\n", 0) == 0);
  CHECK(h.Run({"SLOWLOG", "GET", "-1"}).rfind("*12\r\n", 0) == 0);
  CHECK(h.Run({"SLOWLOG", "GET", "0"}) == "*0\r\n");
  CHECK(h.Run({"SLOWLOG", "GET", "2"}).rfind("*2\r\n*6\r\n:11\r\n", 0) == 0);
}

TEST_CASE("SLOWLOG GET refuses a count below -1 or not a number", "[slowlog]") {
  QuietHarness h;
  const std::string error = "-ERR count should be greater than or equal to -1\r\n";
  CHECK(h.Run({"SLOWLOG", "GET", "-2"}) == error);
  CHECK(h.Run({"SLOWLOG", "GET", "abc"}) == error);
  CHECK(h.Run({"SLOWLOG", "GET", "1.5"}) == error);
  CHECK(h.Run({"SLOWLOG", "GET", "1", "2"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
}

TEST_CASE("SLOWLOG LEN counts the entries and RESET empties them", "[slowlog]") {
  QuietHarness h;
  LogCall(h, {"ping"}, 5);
  LogCall(h, {"ping"}, 5);
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":2\r\n");
  CHECK(h.Run({"SLOWLOG", "RESET"}) == "+OK\r\n");
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
}

TEST_CASE("SLOWLOG's unknown subcommands and arities get Redis's errors", "[slowlog]") {
  QuietHarness h;
  CHECK(h.Run({"SLOWLOG", "foo"}) == "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
  CHECK(h.Run({"SLOWLOG"}) == "-ERR wrong number of arguments for 'slowlog' command\r\n");
  CHECK(h.Run({"SLOWLOG", "LEN", "x"}) ==
        "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  CHECK(h.Run({"SLOWLOG", "RESET", "x"}) ==
        "-ERR wrong number of arguments for 'slowlog|reset' command\r\n");
  CHECK(h.Run({"SLOWLOG", "HELP"}).rfind("*12\r\n+SLOWLOG <subcommand>", 0) == 0);
}

TEST_CASE("The slow log's knobs are read and set through CONFIG with Redis's ranges",
          "[slowlog]") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "GET", "slowlog-log-slower-than"}) ==
        "*2\r\n" + Bulk("slowlog-log-slower-than") + Bulk("10000"));
  CHECK(h.Run({"CONFIG", "GET", "slowlog-max-len"}) ==
        "*2\r\n" + Bulk("slowlog-max-len") + Bulk("128"));
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-5"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
        "argument must be between -1 and 9223372036854775807 inclusive\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-max-len", "-1"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument "
        "must be between 0 and 9223372036854775807 inclusive\r\n");
  CHECK(h.state.config.slowlog_log_slower_than == -1);
}

TEST_CASE("Commands are logged after they run, with their arguments, when over the threshold",
          "[slowlog]") {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.Run({"SET", "k", std::string(200, 'v')});
  const std::string get = h.Run({"SLOWLOG", "GET", "1"});
  CHECK(get.find(Bulk("SET") + Bulk("k") + Bulk(std::string(128, 'v') + "... (72 more bytes)")) !=
        std::string::npos);
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":3\r\n");  // CONFIG SET, SET, SLOWLOG GET
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});
  h.Run({"SLOWLOG", "RESET"});
  h.Run({"PING"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
}

TEST_CASE("EXEC is not logged, the commands it ran are", "[slowlog]") {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.Run({"SLOWLOG", "RESET"});
  h.Run({"MULTI"});
  h.Run({"INCR", "n"});
  h.Run({"EXEC"});
  const std::string get = h.Run({"SLOWLOG", "GET"});
  CHECK(get.find(Bulk("INCR")) != std::string::npos);
  CHECK(get.find(Bulk("MULTI")) != std::string::npos);
  CHECK(get.find(Bulk("EXEC")) == std::string::npos);
}
