// MONITOR over real connections: a RESP3 monitor gets the same status lines, a blocked command
// is shown once, and a monitor that goes away leaves the others working.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/integration/server_fixture.h"

namespace {

// Reads until `count` CRLF-terminated lines have arrived.
std::string ReadLines(itest::RawSocket& s, size_t count) {
  std::string got;
  for (int i = 0; i < 50; i++) {
    size_t lines = 0;
    for (size_t p = got.find("\r\n"); p != std::string::npos; p = got.find("\r\n", p + 2)) lines++;
    if (lines >= count) break;
    got += s.ReadAtLeast(1, 200);
  }
  return got;
}

std::string WithoutTimes(const std::string& s) {
  return std::regex_replace(s, std::regex(R"(\+\d+\.\d{6} \[(\d+) [^\]]+\])"), "+T [$1]");
}

}  // namespace

TEST_CASE("A RESP3 monitor is shown commands as status lines", "[integration][monitor]") {
  itest::Server server;
  itest::RawSocket mon(server.port());
  mon.SendAll(itest::Multibulk({"HELLO", "3"}));
  REQUIRE(mon.ReadAtLeast(10).find("proto") != std::string::npos);
  mon.SendAll(itest::Multibulk({"MONITOR"}));
  REQUIRE(mon.ReadAtLeast(5) == "+OK\r\n");
  itest::Redis c(server.port());
  c.Text({"SET", "k", "v"});
  c.Text({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"});
  CHECK(WithoutTimes(ReadLines(mon, 3)) ==
        "+T [0] \"SET\" \"k\" \"v\"\r\n"
        "+T [0] \"EVAL\" \"return redis.call('get', KEYS[1])\" \"1\" \"k\"\r\n"
        "+T [0] \"get\" \"k\"\r\n");
}

TEST_CASE("A blocked command is shown once, when it is first run", "[integration][monitor]") {
  itest::Server server;
  itest::RawSocket mon(server.port());
  mon.SendAll(itest::Multibulk({"MONITOR"}));
  REQUIRE(mon.ReadAtLeast(5) == "+OK\r\n");
  itest::RawSocket blocked(server.port());
  blocked.SendAll(itest::Multibulk({"BLPOP", "q", "0"}));
  REQUIRE(WithoutTimes(ReadLines(mon, 1)) == "+T [0] \"BLPOP\" \"q\" \"0\"\r\n");
  itest::Redis c(server.port());
  c.Text({"RPUSH", "q", "x"});
  REQUIRE(blocked.ReadAtLeast(10).find("x") != std::string::npos);
  c.Text({"PING"});
  CHECK(WithoutTimes(ReadLines(mon, 2)) == "+T [0] \"RPUSH\" \"q\" \"x\"\r\n+T [0] \"PING\"\r\n");
}

TEST_CASE("A monitor that disconnects leaves the server and other monitors working",
          "[integration][monitor]") {
  itest::Server server;
  itest::RawSocket gone(server.port());
  gone.SendAll(itest::Multibulk({"MONITOR"}));
  REQUIRE(gone.ReadAtLeast(5) == "+OK\r\n");
  itest::RawSocket stays(server.port());
  stays.SendAll(itest::Multibulk({"MONITOR"}));
  REQUIRE(stays.ReadAtLeast(5) == "+OK\r\n");
  gone.Close();
  itest::Redis c(server.port());
  for (int i = 0; i < 100; i++) c.Text({"SET", "k", std::to_string(i)});
  CHECK(c.Text({"GET", "k"}) == "99");
  const std::string lines = ReadLines(stays, 101);
  CHECK(lines.find("\"SET\" \"k\" \"99\"") != std::string::npos);
  CHECK(lines.find("\"GET\" \"k\"") != std::string::npos);
}
