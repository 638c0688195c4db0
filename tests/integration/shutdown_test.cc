// Stopping the server: SHUTDOWN and SIGTERM/SIGINT end the process with exit code 0, with
// clients still connected.
#include "server_fixture.h"

TEST_CASE("SHUTDOWN makes the server exit with code 0", "[integration][shutdown]") {
  itest::Server server;
  itest::Redis idle(server.port());
  CHECK(idle.Text({"SET", "k", "v"}) == "OK");
  itest::RawSocket s(server.port());
  s.SendAll("*1\r\n$8\r\nSHUTDOWN\r\n");
  // Redis sends no reply to a successful SHUTDOWN: the connection just closes.
  CHECK(s.ReadUntilClosed(3000).empty());
  CHECK(s.eof());
  CHECK(server.WaitExit(3000) == 0);
}

TEST_CASE("SIGTERM makes the server exit with code 0", "[integration][shutdown]") {
  itest::Server server;
  itest::Redis client(server.port());
  CHECK(client.Text({"PING"}) == "PONG");
  itest::RawSocket partial(server.port());
  partial.SendAll("*2\r\n$3\r\nGET\r\n");  // a client in the middle of a request
  REQUIRE(kill(server.pid(), SIGTERM) == 0);
  CHECK(server.WaitExit(3000) == 0);
  CHECK(partial.ReadUntilClosed(1000).empty());
  CHECK(partial.eof());
}

TEST_CASE("SIGINT makes the server exit with code 0", "[integration][shutdown]") {
  itest::Server server;
  REQUIRE(kill(server.pid(), SIGINT) == 0);
  CHECK(server.WaitExit(3000) == 0);
}

// Redis 7.0 exits inside SHUTDOWN without writing the earlier replies; we flush them first.
TEST_CASE("SHUTDOWN during a pipeline still answers the requests before it",
          "[integration][shutdown]") {
  itest::Server server;
  itest::RawSocket s(server.port());
  s.SendAll("PING\r\nSET k v\r\nSHUTDOWN\r\nPING\r\n");
  CHECK(s.ReadUntilClosed(3000) == "+PONG\r\n+OK\r\n");
  CHECK(server.WaitExit(3000) == 0);
}

TEST_CASE("The pidfile holds the server's pid while it runs and is removed at exit",
          "[integration][shutdown]") {
  std::string pidfile = (std::filesystem::temp_directory_path() /
                         ("runnel-test-" + std::to_string(getpid()) + ".pid")).string();
  itest::Server server({"--pidfile", pidfile});
  std::ifstream in(pidfile);
  pid_t written = 0;
  REQUIRE(in >> written);
  CHECK(written == server.pid());
  REQUIRE(kill(server.pid(), SIGTERM) == 0);
  CHECK(server.WaitExit(3000) == 0);
  CHECK_FALSE(std::filesystem::exists(pidfile));
}
