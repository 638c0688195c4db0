// AUTH with --requirepass and --maxclients, as seen by clients.
#include "server_fixture.h"

using itest::Redis;

TEST_CASE("With requirepass, commands get NOAUTH until AUTH succeeds", "[integration]") {
  itest::Server server({"--requirepass", "s3cret"});
  Redis r(server.port());
  CHECK(r.Text({"GET", "k"}) == "NOAUTH Authentication required.");
  CHECK(r.Text({"SET", "k", "v"}) == "NOAUTH Authentication required.");
  CHECK(r.Text({"AUTH", "wrong"}) ==
        "WRONGPASS invalid username-password pair or user is disabled.");
  CHECK(r.Text({"GET", "k"}) == "NOAUTH Authentication required.");
  CHECK(r.Text({"AUTH", "s3cret"}) == "OK");
  CHECK(r.Text({"SET", "k", "v"}) == "OK");
  CHECK(r.Text({"GET", "k"}) == "v");
  // Authentication is per connection.
  Redis other(server.port());
  CHECK(other.Text({"GET", "k"}) == "NOAUTH Authentication required.");
  CHECK(other.Text({"AUTH", "default", "s3cret"}) == "OK");
  CHECK(other.Text({"GET", "k"}) == "v");
}

TEST_CASE("With maxclients 2, a third connection gets the max clients error and is closed",
          "[integration]") {
  itest::Server server({"--maxclients", "2"});
  Redis a(server.port());
  Redis b(server.port());
  CHECK(a.Text({"PING"}) == "PONG");
  CHECK(b.Text({"PING"}) == "PONG");
  {
    itest::RawSocket third(server.port());
    CHECK(third.ReadUntilClosed() == "-ERR max number of clients reached\r\n");
    CHECK(third.eof());
  }
  CHECK(a.Text({"PING"}) == "PONG");
  // A slot frees up when a client leaves.
  b.Command({"QUIT"});
  auto deadline = itest::Clock::now() + std::chrono::seconds(2);
  bool admitted = false;
  while (!admitted && itest::Clock::now() < deadline) {
    itest::RawSocket s(server.port());
    s.SendAll("PING\r\n");
    std::string got = s.ReadAtLeast(7, 500);
    admitted = got == "+PONG\r\n";
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(admitted);
}

TEST_CASE("Before AUTH, large requests are protocol errors as in Redis 7", "[integration]") {
  itest::Server server({"--requirepass", "pw"});
  {
    itest::RawSocket s(server.port());
    s.SendAll("*11\r\n");
    CHECK(s.ReadUntilClosed() == "-ERR Protocol error: unauthenticated multibulk length\r\n");
  }
  {
    itest::RawSocket s(server.port());
    s.SendAll("*1\r\n$16385\r\n");
    CHECK(s.ReadUntilClosed() == "-ERR Protocol error: unauthenticated bulk length\r\n");
  }
  itest::Redis r(server.port());
  REQUIRE(r.Text({"AUTH", "pw"}) == "OK");
  std::vector<std::string> many = {"DEL"};
  for (int i = 0; i < 20; i++) many.push_back("k" + std::to_string(i));
  CHECK(r.Text(many) == "0");
  CHECK(r.Text({"SET", "big", std::string(100'000, 'x')}) == "OK");
}

TEST_CASE("proto-max-bulk-len bounds the size of one argument", "[integration]") {
  itest::Server server({"--proto-max-bulk-len", "1mb"});
  itest::RawSocket s(server.port());
  s.SendAll("*2\r\n$4\r\nECHO\r\n$1048577\r\n");
  CHECK(s.ReadUntilClosed() == "-ERR Protocol error: invalid bulk length\r\n");
  itest::Redis r(server.port());
  CHECK(r.Text({"ECHO", std::string(1024 * 1024, 'x')}).size() == 1024 * 1024);
}
