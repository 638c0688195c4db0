// LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP replies and errors, over samples a
// test puts in the monitor itself.
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

}  // namespace

TEST_CASE("LATENCY LATEST lists each event's latest sample and all-time maximum",
          "[latency]") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  h.state.latency.Add("command", 250, 1700000000);
  h.state.latency.Add("command", 40, 1700000005);
  CHECK(h.Run({"LATENCY", "LATEST"}) ==
        "*1\r\n*4\r\n" + Bulk("command") + Int(1700000005) + Int(40) + Int(250));
}

TEST_CASE("LATENCY HISTORY gives an event's samples oldest first, none for an unknown one",
          "[latency]") {
  CommandHarness h;
  h.state.latency.Add("fork", 12, 1700000000);
  h.state.latency.Add("fork", 7, 1700000003);
  CHECK(h.Run({"LATENCY", "HISTORY", "fork"}) == "*2\r\n*2\r\n" + Int(1700000000) + Int(12) +
                                                     "*2\r\n" + Int(1700000003) + Int(7));
  CHECK(h.Run({"LATENCY", "HISTORY", "command"}) == "*0\r\n");
}

TEST_CASE("LATENCY RESET counts the events it cleared", "[latency]") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "RESET"}) == ":0\r\n");
  h.state.latency.Add("fork", 12, 1700000000);
  h.state.latency.Add("command", 12, 1700000000);
  CHECK(h.Run({"LATENCY", "RESET", "fork", "nosuch"}) == ":1\r\n");
  CHECK(h.Run({"LATENCY", "RESET"}) == ":1\r\n");
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
}

TEST_CASE("LATENCY GRAPH of an event without samples is an error", "[latency]") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "GRAPH", "command"}) ==
        "-ERR No samples available for event 'command'\r\n");
  h.state.latency.Add("command", 5, 1700000000);
  CHECK(h.Run({"LATENCY", "GRAPH", "command"}).rfind("$", 0) == 0);
}

TEST_CASE("LATENCY DOCTOR is a verbatim text in RESP3 and says when monitoring is off",
          "[latency]") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "DOCTOR"}).find("I'm sorry, Dave, I can't do that.") !=
        std::string::npos);
  h.Run({"CONFIG", "SET", "latency-monitor-threshold", "100"});
  h.Run({"HELLO", "3"});
  CHECK(h.Run({"LATENCY", "DOCTOR"}).rfind("=", 0) == 0);
  CHECK(h.Run({"LATENCY", "DOCTOR"}).find("txt:Dave, no latency spike was observed") !=
        std::string::npos);
}

TEST_CASE("LATENCY's unknown subcommands and arities get Redis's errors", "[latency]") {
  CommandHarness h;
  CHECK(h.Run({"LATENCY", "foo"}) == "-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n");
  CHECK(h.Run({"LATENCY"}) == "-ERR wrong number of arguments for 'latency' command\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY"}) ==
        "-ERR wrong number of arguments for 'latency|history' command\r\n");
  CHECK(h.Run({"LATENCY", "GRAPH"}) ==
        "-ERR wrong number of arguments for 'latency|graph' command\r\n");
  CHECK(h.Run({"LATENCY", "LATEST", "x"}) ==
        "-ERR wrong number of arguments for 'latency|latest' command\r\n");
  CHECK(h.Run({"LATENCY", "DOCTOR", "x"}) ==
        "-ERR wrong number of arguments for 'latency|doctor' command\r\n");
  CHECK(h.Run({"LATENCY", "HELP"}).rfind("*17\r\n+LATENCY <subcommand>", 0) == 0);
}

TEST_CASE("latency-monitor-threshold is read and set through CONFIG", "[latency]") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "GET", "latency-monitor-threshold"}) ==
        "*2\r\n" + Bulk("latency-monitor-threshold") + Bulk("0"));
  CHECK(h.Run({"CONFIG", "SET", "latency-monitor-threshold", "-1"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'latency-monitor-threshold') - "
        "argument must be between 0 and 9223372036854775807 inclusive\r\n");
  CHECK(h.Run({"CONFIG", "SET", "latency-monitor-threshold", "5"}) == "+OK\r\n");
  CHECK(h.state.config.latency_monitor_threshold == 5);
}

TEST_CASE("LATENCY HISTOGRAM gives each command's calls and cumulative power-of-two buckets",
          "[latency]") {
  CommandHarness h;
  for (int i = 0; i < 3; i++) h.Run({"SET", "k", "v"});
  h.Run({"CONFIG", "GET", "maxmemory"});
  const std::string set = h.Run({"LATENCY", "HISTOGRAM", "set", "nosuch"});
  CHECK(set.rfind("*2\r\n" + Bulk("set") + "*4\r\n" + Bulk("calls") + Int(3) +
                      Bulk("histogram_usec") + "*",
                  0) == 0);
  // The last bucket holds every call.
  CHECK(set.substr(set.size() - 4) == ":3\r\n");
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "config"}).find(Bulk("config|get")) != std::string::npos);
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "config|get"}).find(Bulk("config|get")) !=
        std::string::npos);
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "config|set"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "HISTOGRAM", "nosuch"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "HISTOGRAM"}).find(Bulk("set")) != std::string::npos);
}

TEST_CASE("Slow commands are sampled as the command or fast-command event", "[latency]") {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "latency-monitor-threshold", "1"});
  h.state.ObserveSlowCommand(h.client, server::kFast, std::vector<std::string_view>{"get", "k"},
                             2500);
  h.state.ObserveSlowCommand(h.client, 0, std::vector<std::string_view>{"keys", "*"}, 999);
  const std::string latest = h.Run({"LATENCY", "LATEST"});
  CHECK(latest.rfind("*1\r\n*4\r\n" + Bulk("fast-command"), 0) == 0);
  CHECK(latest.substr(latest.size() - 8) == ":2\r\n:2\r\n");
}
