// A script that runs past busy-reply-threshold, against the real server: other clients (new
// connections too) get -BUSY while it runs, SCRIPT KILL ends it unless it has written
// (UNKILLABLE then), and SHUTDOWN NOSAVE stops the script and the server, with nothing of the
// script's in the AOF.
#include <chrono>
#include <string>
#include <thread>

#include "server_fixture.h"

namespace {

constexpr std::string_view kBusyError =
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

// Sends `command` and returns its whole reply (one line: these are all simple replies).
std::string AskRaw(itest::RawSocket& s, const std::vector<std::string>& command) {
  s.SendAll(itest::Multibulk(command));
  std::string got = s.ReadAtLeast(1, 5000);
  while (!got.empty() && got.find("\r\n") == std::string::npos) got += s.ReadAtLeast(1, 5000);
  return got;
}

// Starts an endless script on `runner` and waits until the server answers others -BUSY.
void StartEndlessScript(itest::RawSocket& runner, int port, const std::string& body) {
  runner.SendAll(itest::Multibulk({"EVAL", body + " while true do end", "0"}));
  for (int i = 0; i < 100; i++) {
    itest::RawSocket probe(port);
    if (AskRaw(probe, {"PING"}) == kBusyError) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the server never reported the script busy");
}

}  // namespace

TEST_CASE("A script past busy-reply-threshold makes others wait with BUSY until SCRIPT KILL",
          "[integration][scripting]") {
  itest::Server server;
  itest::RawSocket other(server.port());
  REQUIRE(AskRaw(other, {"CONFIG", "SET", "busy-reply-threshold", "50"}) == "+OK\r\n");
  REQUIRE(AskRaw(other, {"SET", "k", "before"}) == "+OK\r\n");
  itest::RawSocket runner(server.port());
  StartEndlessScript(runner, server.port(), "local x = redis.call('GET', 'k')");

  // An existing client and a brand-new one are answered, not left hanging.
  CHECK(AskRaw(other, {"GET", "k"}) == kBusyError);
  itest::RawSocket fresh(server.port());
  CHECK(AskRaw(fresh, {"SET", "k", "during"}) == kBusyError);
  // Only SHUTDOWN NOSAVE may stop the server now.
  CHECK(AskRaw(other, {"SHUTDOWN"}) == kBusyError);

  CHECK(AskRaw(other, {"SCRIPT", "KILL"}) == "+OK\r\n");
  const std::string killed = runner.ReadAtLeast(1, 5000);
  CHECK(killed.rfind("-ERR Script killed by user with SCRIPT KILL...", 0) == 0);
  CHECK(AskRaw(other, {"GET", "k"}) == "$6\r\nbefore\r\n");
  CHECK(AskRaw(fresh, {"SCRIPT", "KILL"}) ==
        "-NOTBUSY No scripts in execution right now.\r\n");
  // The runner's connection serves it again.
  CHECK(AskRaw(runner, {"PING"}) == "+PONG\r\n");
}

TEST_CASE("A busy script that has written cannot be killed; SHUTDOWN NOSAVE stops the server",
          "[integration][scripting]") {
  itest::Server server({"--appendonly", "yes"});
  itest::RawSocket other(server.port());
  REQUIRE(AskRaw(other, {"CONFIG", "SET", "busy-reply-threshold", "50"}) == "+OK\r\n");
  REQUIRE(AskRaw(other, {"SET", "kept", "1"}) == "+OK\r\n");
  itest::RawSocket runner(server.port());
  StartEndlessScript(runner, server.port(), "redis.call('SET', 'lost', '1')");

  CHECK(AskRaw(other, {"SCRIPT", "KILL"}).rfind(
            "-UNKILLABLE Sorry the script already executed write commands against the dataset.",
            0) == 0);
  other.SendAll(itest::Multibulk({"SHUTDOWN", "NOSAVE"}));
  CHECK(server.WaitExit(5000) == 0);
  // The acknowledged write is in the AOF; the killed script's is not.
  const std::string aof = itest::ReadFile(server.dir() + "/appendonly.aof");
  CHECK(aof.find("kept") != std::string::npos);
  CHECK(aof.find("lost") == std::string::npos);
}

TEST_CASE("A busy function is FUNCTION KILL's to stop, and FUNCTION STATS names it",
          "[integration][scripting]") {
  itest::Server server;
  itest::RawSocket other(server.port());
  REQUIRE(AskRaw(other, {"CONFIG", "SET", "busy-reply-threshold", "50"}) == "+OK\r\n");
  REQUIRE(AskRaw(other, {"FUNCTION", "LOAD",
                         "#!lua name=spin\nredis.register_function('spin', function() "
                         "while true do end end)"}) == "$4\r\nspin\r\n");
  itest::RawSocket runner(server.port());
  runner.SendAll(itest::Multibulk({"FCALL", "spin", "0"}));
  constexpr std::string_view kBusyFunction =
      "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN "
      "NOSAVE.\r\n";
  std::string busy;
  for (int i = 0; i < 100 && busy != kBusyFunction; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    busy = AskRaw(other, {"PING"});
  }
  REQUIRE(busy == kBusyFunction);
  CHECK(AskRaw(other, {"SCRIPT", "KILL"}) == kBusyFunction);
  other.SendAll(itest::Multibulk({"FUNCTION", "STATS"}));
  const std::string stats = other.ReadAtLeast(60, 5000);
  CHECK(stats.find("$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n") !=
        std::string::npos);
  CHECK(AskRaw(other, {"FUNCTION", "KILL"}) == "+OK\r\n");
  CHECK(runner.ReadAtLeast(1, 5000).rfind("-ERR Script killed by user with SCRIPT KILL...", 0) ==
        0);
  CHECK(AskRaw(other, {"FUNCTION", "KILL"}) == "-NOTBUSY No scripts in execution right now.\r\n");
}
