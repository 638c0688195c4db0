// MONITOR: the line format, redaction, and what a monitoring client is shown (observed against
// redis-server 7.0: admin and refused commands are not shown, a script's EVAL comes before the
// commands it calls, which show as "lua", and a monitor may not touch the keyspace).
#include "src/monitor.h"

#include <catch2/catch.hpp>

#include "tests/support/multi_client_harness.h"

namespace {

using testing_support::MultiClientHarness;

std::vector<std::string_view> Args(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

// Lines a monitor got, without the timestamps.
std::vector<std::string> ShownLines(std::string stream) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < stream.size()) {
    const size_t end = stream.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    std::string line = stream.substr(pos, end - pos);
    pos = end + 2;
    REQUIRE(line[0] == '+');
    out.push_back(line.substr(line.find(' ') + 1));
  }
  return out;
}

}  // namespace

TEST_CASE("A monitor line quotes every argument as Redis does", "[monitor]") {
  std::vector<std::string> argv = {"SET", "a \"b\"", std::string("x\r\n\t\\\x01\xff", 7)};
  CHECK(server::MonitorLine(1'700'000'000'000'042, 3, "127.0.0.1:5000", Args(argv)) ==
        "1700000000.000042 [3 127.0.0.1:5000] \"SET\" \"a \\\"b\\\"\" "
        "\"x\\r\\n\\t\\\\\\x01\\xff\"");
}

TEST_CASE("Passwords never show in a monitor line", "[monitor]") {
  std::vector<std::string> auth = {"AUTH", "user", "secret"};
  CHECK(server::MonitorLine(0, 0, "a", Args(auth)) ==
        "0.000000 [0 a] \"AUTH\" \"(redacted)\" \"(redacted)\"");
  std::vector<std::string> hello = {"HELLO", "3", "SETNAME", "auth", "AUTH", "u", "p"};
  CHECK(server::MonitorLine(0, 0, "a", Args(hello)) ==
        "0.000000 [0 a] \"HELLO\" \"3\" \"SETNAME\" \"auth\" \"AUTH\" \"(redacted)\" "
        "\"(redacted)\"");
}

TEST_CASE("A monitor is shown each command another client runs, with its db and address",
          "[monitor]") {
  MultiClientHarness h;
  server::Client& mon = h.NewClient();
  h.client.addr = "10.0.0.1:4000";
  REQUIRE(h.RunAs(mon, {"MONITOR"}) == "+OK\r\n");
  CHECK(mon.monitor);
  h.Run({"SET", "k", "v"});
  h.Run({"SELECT", "2"});
  h.Run({"GET", "k"});
  h.Run({"GET"});                          // refused: not shown
  h.Run({"CONFIG", "GET", "port"});        // admin: not shown
  CHECK(ShownLines(h.outputs.Take(mon.id)) ==
        std::vector<std::string>{"[0 10.0.0.1:4000] \"SET\" \"k\" \"v\"",
                                 "[2 10.0.0.1:4000] \"SELECT\" \"2\"",
                                 "[2 10.0.0.1:4000] \"GET\" \"k\""});
}

TEST_CASE("A script's EVAL is shown before the commands it calls, which show as lua",
          "[monitor]") {
  MultiClientHarness h;
  server::Client& mon = h.NewClient();
  h.client.addr = "c:1";
  h.RunAs(mon, {"MONITOR"});
  h.Run({"EVAL", "return redis.call('set', 'x', '1')", "0"});
  CHECK(ShownLines(h.outputs.Take(mon.id)) ==
        std::vector<std::string>{"[0 c:1] \"EVAL\" \"return redis.call('set', 'x', '1')\" \"0\"",
                                 "[0 lua] \"set\" \"x\" \"1\""});
}

TEST_CASE("A transaction's commands are shown as they run, then EXEC", "[monitor]") {
  MultiClientHarness h;
  server::Client& mon = h.NewClient();
  h.client.addr = "c:1";
  h.RunAs(mon, {"MONITOR"});
  h.Run({"MULTI"});
  h.Run({"SET", "a", "1"});
  h.Run({"INCR", "a"});
  h.Run({"EXEC"});
  CHECK(ShownLines(h.outputs.Take(mon.id)) ==
        std::vector<std::string>{"[0 c:1] \"MULTI\"", "[0 c:1] \"SET\" \"a\" \"1\"",
                                 "[0 c:1] \"INCR\" \"a\"", "[0 c:1] \"EXEC\""});
}

TEST_CASE("A monitor may not read or write keys, and RESET ends monitoring", "[monitor]") {
  MultiClientHarness h;
  server::Client& mon = h.NewClient();
  h.RunAs(mon, {"MONITOR"});
  CHECK(h.RunAs(mon, {"GET", "k"}) == "-ERR Replica can't interact with the keyspace\r\n");
  CHECK(h.RunAs(mon, {"MONITOR"}).empty());  // a second MONITOR: no reply at all
  CHECK(h.RunAs(mon, {"RESET"}) == "+RESET\r\n");
  CHECK_FALSE(mon.monitor);
  CHECK(h.state.monitors.empty());
  CHECK(h.RunAs(mon, {"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("MONITOR inside a transaction is refused", "[monitor]") {
  MultiClientHarness h;
  h.Run({"MULTI"});
  h.Run({"MONITOR"});
  CHECK(h.Run({"EXEC"}) == "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  CHECK_FALSE(h.client.monitor);
}
