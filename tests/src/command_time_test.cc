// Handlers take the time from their context (CommandContext::now_ms, or the time the blocking
// registry hands a parked command), never from the clock: a test fixes the time and the
// handler sees exactly that.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "tests/support/command_harness.h"

namespace {

using testing_support::CommandHarness;

// Runs one command's handler directly, with a context whose time is `now_ms`.
std::string RunAt(CommandHarness& h, int64_t now_ms, std::vector<std::string_view> argv) {
  const server::CommandSpec* spec = h.table.Find(argv[0]);
  REQUIRE(spec != nullptr);
  std::string out;
  resp::Writer w(out, 2);
  server::CommandContext ctx{argv, h.client, h.state, w, now_ms, spec};
  spec->handler(ctx);
  return out;
}

}  // namespace

TEST_CASE("A relative expire counts from the context's time", "[command_time]") {
  CommandHarness h;
  CHECK(RunAt(h, 1000, {"SET", "k", "v", "PX", "100"}) == "+OK\r\n");
  CHECK(h.state.dbs[0]->GetExpire("k") == 1100);
  CHECK(RunAt(h, 1050, {"PEXPIRE", "k", "250"}) == ":1\r\n");
  CHECK(h.state.dbs[0]->GetExpire("k") == 1300);
}

TEST_CASE("An expire that overflows past the context's time is refused", "[command_time]") {
  CommandHarness h;
  const std::string max_ms = std::to_string(INT64_MAX - 1000);
  CHECK(RunAt(h, 1000, {"SET", "k", "v", "PX", max_ms}) == "+OK\r\n");
  CHECK(RunAt(h, 1001, {"SET", "k", "v", "PX", max_ms}) ==
        "-ERR invalid expire time in 'set' command\r\n");
}

TEST_CASE("A blocked XREAD is served at the time the registry hands it, not the clock's",
          "[command_time][xread]") {
  CommandHarness h;
  h.state.pinned_time_ms = 1000;
  REQUIRE(h.Run({"XADD", "s", "1-0", "f", "v"}) == "$3\r\n1-0\r\n");
  // Expires at 5000 ms after the epoch: long past by the wall clock, not yet by the test's.
  REQUIRE(h.Run({"PEXPIREAT", "s", "5000"}) == ":1\r\n");

  server::Client waiter;
  waiter.id = 10;
  h.state.clients[waiter.id] = &waiter;
  std::string out;
  resp::Writer w(out, 2);
  std::vector<std::string_view> argv{"XREAD", "BLOCK", "0", "STREAMS", "s", "$"};
  server::Dispatch(h.state, waiter, argv, w);
  REQUIRE(h.state.blocking.blocked_count() == 1);
  REQUIRE(out.empty());

  REQUIRE(h.Run({"XADD", "s", "2-0", "f", "w"}) == "$3\r\n2-0\r\n");
  auto writer_for = [&](uint64_t id) { return id == waiter.id ? &w : nullptr; };
  SECTION("before the key's expiry it is served") {
    CHECK(h.state.blocking.ServeReadyKeys(h.state, server::WakeTime{2000, 2000}, writer_for) ==
          std::vector<uint64_t>{10});
    CHECK(out == "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$1\r\nw\r\n");
  }
  SECTION("after the key's expiry the key is gone and the reader keeps waiting") {
    CHECK(h.state.blocking.ServeReadyKeys(h.state, server::WakeTime{6000, 6000}, writer_for).empty());
    CHECK(out.empty());
    CHECK(h.state.blocking.blocked_count() == 1);
  }
  h.state.blocking.Unblock(waiter);
  h.state.clients.erase(waiter.id);
}

TEST_CASE("TIME and INFO report the server's time source, which a test can pin",
          "[command_time]") {
  CommandHarness h;
  h.state.pinned_time_ms = 1234567;
  CHECK(h.Run({"TIME"}) == "*2\r\n$4\r\n1234\r\n$6\r\n567000\r\n");
  CHECK(h.Run({"INFO", "server"}).find("server_time_usec:1234567000\r\n") != std::string::npos);
}
