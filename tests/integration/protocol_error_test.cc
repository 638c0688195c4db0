// Protocol errors: the client gets "-ERR Protocol error: ..." (Redis's exact text) after the
// replies to the requests before it, then the server closes the connection.
#include "server_fixture.h"

namespace {

struct Case {
  std::string wire;
  std::string reply;
};

}  // namespace

TEST_CASE("A protocol error is answered with Redis's text and the connection is closed",
          "[integration]") {
  itest::Server server;
  std::vector<Case> cases = {
      {"*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*2\r\nx3\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"},
      {"*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      // 4 GB and 2^31 arguments, past 32 bits: refused as Redis 7.0 refuses them.
      {"*1\r\n$4294967296\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"SET \"a b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {std::string(70 * 1024, 'a'), "-ERR Protocol error: too big inline request\r\n"},
      {"*" + std::string(70 * 1024, '1'), "-ERR Protocol error: too big mbulk count string\r\n"},
      {"*1\r\n$" + std::string(70 * 1024, '1'),
       "-ERR Protocol error: too big bulk count string\r\n"},
      {"PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\nPING\r\n",
       "+PONG\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"},
  };
  for (const auto& c : cases) {
    INFO(c.wire.substr(0, 30));
    itest::RawSocket s(server.port());
    s.SendAll(c.wire);
    CHECK(s.ReadUntilClosed(3000) == c.reply);
    CHECK(s.eof());
  }
  itest::Redis r(server.port());
  CHECK(r.Text({"PING"}) == "PONG");
}

TEST_CASE("A protocol error on one client does not affect another", "[integration]") {
  itest::Server server;
  itest::Redis good(server.port());
  CHECK(good.Text({"SET", "k", "v"}) == "OK");
  itest::RawSocket bad(server.port());
  bad.SendAll("*1\r\n$x\r\n");
  CHECK(bad.ReadUntilClosed() == "-ERR Protocol error: invalid bulk length\r\n");
  CHECK(good.Text({"GET", "k"}) == "v");
}
