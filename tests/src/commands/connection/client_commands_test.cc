// CLIENT REPLY, PAUSE, UNPAUSE and UNBLOCK as handlers (the state they set and their errors),
// and CLIENT LIST's line: its fields in Redis 8's order and the flags of paused, monitoring
// and killed clients. What the connection does with that state is tested in
// tests/integration/client_commands_test.cc.
#include <catch2/catch.hpp>

#include <memory>
#include <utility>
#include <string>

#include "src/client_info.h"
#include "tests/support/command_harness.h"

namespace {

using testing_support::CommandHarness;

// The value of `field=` in a CLIENT LIST line.
std::string FieldOf(const std::string& line, const std::string& field) {
  const size_t at = line.find(" " + field + "=");
  REQUIRE(at != std::string::npos);
  const size_t start = at + field.size() + 2;
  return line.substr(start, line.find_first_of(" \n", start) - start);
}

// Writes every client's output into one string, as the server's connections would.
struct CapturingOutputs : server::ClientOutputs {
  std::string out;
  resp::Writer writer{out};
  resp::Writer* OutputFor(uint64_t) override { return &writer; }
};

struct NeverServed : server::BlockedCommand {
  bool TryServe(server::ServerState&, server::Client&, std::string_view, resp::Writer&,
                const server::WakeTime&) override {
    return false;
  }
  void ReplyTimeout(resp::Writer& reply) override { reply.NullArray(); }
};

}  // namespace

TEST_CASE("CLIENT REPLY OFF and SKIP set the client's mode silently; ON clears it with +OK",
          "[client]") {
  CommandHarness h;
  CHECK(h.Run({"CLIENT", "REPLY", "OFF"}).empty());
  CHECK(h.client.reply_off);
  CHECK(h.Run({"CLIENT", "REPLY", "SKIP"}).empty());
  CHECK_FALSE(h.client.reply_skip_next);  // SKIP while OFF changes nothing
  CHECK(h.Run({"CLIENT", "REPLY", "ON"}) == "+OK\r\n");
  CHECK_FALSE(h.client.reply_off);
  CHECK(h.Run({"CLIENT", "REPLY", "skip"}).empty());
  CHECK(h.client.reply_skip_next);
  CHECK(h.Run({"CLIENT", "REPLY", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "REPLY"}) ==
        "-ERR wrong number of arguments for 'client|reply' command\r\n");
}

TEST_CASE("CLIENT REPLY OFF inside EXEC answers +OK, so the transaction's array stays whole",
          "[client]") {
  // Found by fuzz_commands: Redis 7.0 writes nothing there, leaving EXEC's array short.
  CommandHarness h;
  h.Run({"MULTI"});
  h.Run({"CLIENT", "REPLY", "OFF"});
  h.Run({"PING"});
  CHECK(h.Run({"EXEC"}) == "*2\r\n+OK\r\n+PONG\r\n");
  CHECK(h.client.reply_off);
  h.Run({"CLIENT", "REPLY", "ON"});
  h.Run({"MULTI"});
  h.Run({"CLIENT", "REPLY", "SKIP"});
  CHECK(h.Run({"EXEC"}) == "*1\r\n+OK\r\n");
  CHECK(h.client.reply_skip_next);
}

TEST_CASE("RESET ends CLIENT REPLY OFF and a pending SKIP", "[client]") {
  CommandHarness h;
  h.Run({"CLIENT", "REPLY", "OFF"});
  CHECK(h.Run({"RESET"}) == "+RESET\r\n");
  CHECK_FALSE(h.client.reply_off);
  h.Run({"CLIENT", "REPLY", "SKIP"});
  h.Run({"RESET"});
  CHECK_FALSE(h.client.reply_skip_next);
}

TEST_CASE("CLIENT PAUSE sets the pause from the command's time; UNPAUSE ends it", "[client]") {
  testing_support::PinnedClockHarness h(1'000'000);
  CHECK(h.Run({"CLIENT", "PAUSE", "500", "WRITE"}) == "+OK\r\n");
  CHECK(h.state.pause.ModeAt(1'000'499) == server::PauseMode::kWrite);
  CHECK(h.state.pause.end_ms() == 1'000'500);
  CHECK(h.Run({"CLIENT", "PAUSE", "100"}) == "+OK\r\n");  // ALL by default, the end stays
  CHECK(h.state.pause.ModeAt(1'000'000) == server::PauseMode::kAll);
  CHECK(h.state.pause.end_ms() == 1'000'500);
  CHECK(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(h.state.pause.end_ms() == -1);
  // A timeout past the clock's range pauses "forever" instead of wrapping around.
  CHECK(h.Run({"CLIENT", "PAUSE", "9223372036854775807"}) == "+OK\r\n");
  CHECK(h.state.pause.ActiveAt(1'000'000'000'000));
}

TEST_CASE("CLIENT PAUSE refuses a bad timeout or mode with Redis's errors", "[client]") {
  CommandHarness h;
  CHECK(h.Run({"CLIENT", "PAUSE", "abc"}) ==
        "-ERR timeout is not an integer or out of range\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "1.5"}) ==
        "-ERR timeout is not an integer or out of range\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "-1"}) == "-ERR timeout is negative\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "10", "READ"}) ==
        "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "10", "WRITE", "x"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n");
  CHECK(h.state.pause.end_ms() == -1);
  CHECK(h.Run({"CLIENT", "UNPAUSE", "x"}) ==
        "-ERR wrong number of arguments for 'client|unpause' command\r\n");
}

TEST_CASE("CLIENT UNBLOCK answers a blocked client as by a timeout or with UNBLOCKED",
          "[client]") {
  CommandHarness h;
  CapturingOutputs outputs;
  h.state.outputs = &outputs;
  server::Client blocked;
  blocked.id = 9;
  h.state.clients[blocked.id] = &blocked;
  h.state.blocking.Block(blocked, {"l"}, 0, std::make_unique<NeverServed>());

  CHECK(h.Run({"CLIENT", "UNBLOCK", "9"}) == ":1\r\n");
  CHECK(outputs.out == "*-1\r\n");
  CHECK_FALSE(blocked.blocked);
  CHECK(h.state.blocking.TakeReleased() == std::vector<uint64_t>{9});
  CHECK(h.Run({"CLIENT", "UNBLOCK", "9"}) == ":0\r\n");  // no longer blocked

  outputs.out.clear();
  h.state.blocking.Block(blocked, {"l"}, 0, std::make_unique<NeverServed>());
  CHECK(h.Run({"CLIENT", "UNBLOCK", "9", "ERROR"}) == ":1\r\n");
  CHECK(outputs.out == "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
}

TEST_CASE("CLIENT UNBLOCK returns 0 for unknown and paused clients and refuses bad arguments",
          "[client]") {
  CommandHarness h;
  server::Client paused;
  paused.id = 4;
  h.state.clients[paused.id] = &paused;
  h.state.pause.Pause(server::PauseMode::kAll, 1LL << 60);
  h.state.pause.Hold(paused);
  CHECK(h.Run({"CLIENT", "UNBLOCK", "4"}) == ":0\r\n");
  CHECK(h.Run({"CLIENT", "UNBLOCK", "12345"}) == ":0\r\n");
  CHECK(h.Run({"CLIENT", "UNBLOCK", "-3"}) == ":0\r\n");
  CHECK(h.Run({"CLIENT", "UNBLOCK", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"CLIENT", "UNBLOCK", "1", "foo"}) ==
        "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
  CHECK(h.Run({"CLIENT", "UNBLOCK", "1", "error", "x"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n");
}

TEST_CASE("A CLIENT LIST line has Redis 8's fields in order, filled from the client's figures",
          "[client]") {
  CommandHarness h;
  server::Client& c = h.client;
  c.watched = {{0, "a"}, {0, "b"}};
  c.query_buffer_size = 26;
  c.query_buffer_free = 100;
  c.read_buffer_size = 16384;
  c.read_buffer_peak = 32768;
  c.output_first_block = 12;
  c.output_more_blocks = 3;
  c.output_buffer_size = 50000;
  c.reading = true;
  c.writing = true;
  const std::string line = server::ClientListLine(h.state, c, 0, {});
  const char* order[] = {"id",   "addr",     "laddr",    "fd",        "name",      "age",
                         "idle", "flags",    "db",       "sub",       "psub",      "ssub",
                         "multi", "watch",   "qbuf",     "qbuf-free", "argv-mem",  "multi-mem",
                         "rbs",  "rbp",      "obl",      "oll",       "omem",      "tot-mem",
                         "events", "cmd",    "user",     "redir",     "resp",      "lib-name",
                         "lib-ver", "io-thread"};
  size_t at = 0;
  for (const char* field : order) {
    const size_t next = line.find(std::string(field) + "=", at);
    INFO(field);
    REQUIRE(next != std::string::npos);
    at = next;
  }
  const std::pair<const char*, const char*> expected[] = {
      {"watch", "2"},       {"qbuf", "26"},         {"qbuf-free", "100"},  {"rbs", "16384"},
      {"rbp", "32768"},     {"obl", "12"},          {"oll", "3"},          {"omem", "50000"},
      {"events", "rw"},     {"io-thread", "0"}};
  for (const auto& [field, value] : expected) {
    INFO(field);
    CHECK(FieldOf(line, field) == value);
  }
}

TEST_CASE("CLIENT LIST flags show monitors, paused clients and clients about to be killed",
          "[client]") {
  CommandHarness h;
  server::Client& c = h.client;
  auto flags = [&] { return FieldOf(server::ClientListLine(h.state, c, 0, {}), "flags"); };
  CHECK(flags() == "N");
  c.monitor = true;
  CHECK(flags() == "O");
  c.monitor = false;
  c.postponed = true;
  CHECK(flags() == "b");
  c.postponed = false;
  h.state.clients_to_close.push_back(c.id);
  CHECK(flags() == "A");
}
