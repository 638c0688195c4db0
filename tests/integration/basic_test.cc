// Plain request/response over hiredis and a raw socket: PING, SET/GET, inline commands, SELECT.
#include "server_fixture.h"

using itest::Redis;

TEST_CASE("PING, SET and GET work over hiredis", "[integration]") {
  itest::Server server;
  Redis r(server.port());
  CHECK(r.Text({"PING"}) == "PONG");
  CHECK(r.Command({"PING"})->type == REDIS_REPLY_STATUS);
  CHECK(r.Text({"SET", "greeting", "hello"}) == "OK");
  CHECK(r.Text({"GET", "greeting"}) == "hello");
  CHECK(r.Command({"GET", "missing"})->type == REDIS_REPLY_NIL);
  CHECK(r.Text({"PING", "hi"}) == "hi");
}

TEST_CASE("Binary values with CRLF and NUL bytes and a 4MB value round-trip", "[integration]") {
  itest::Server server;
  Redis r(server.port());
  std::string binary("a\r\nb\0c\r\n", 8);
  CHECK(r.Text({"SET", binary, binary}) == "OK");
  CHECK(r.Text({"GET", binary}) == binary);
  std::string big(4 * 1024 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  CHECK(r.Text({"SET", "big", big}) == "OK");
  CHECK(r.Text({"GET", "big"}) == big);
}

TEST_CASE("An inline command over a raw socket gets a RESP reply", "[integration]") {
  itest::Server server;
  itest::RawSocket s(server.port());
  s.SendAll("PING\r\n");
  CHECK(s.ReadAtLeast(7) == "+PONG\r\n");
  s.SendAll("SET k \"hello world\"\r\nGET k\n");
  CHECK(s.ReadAtLeast(5 + 17) == "+OK\r\n$11\r\nhello world\r\n");
  s.SendAll("\r\n\r\nECHO 'it\\'s'\r\n");
  CHECK(s.ReadAtLeast(10) == "$4\r\nit's\r\n");
}

TEST_CASE("SELECT keeps keys of different databases apart", "[integration]") {
  itest::Server server;
  Redis a(server.port());
  Redis b(server.port());
  CHECK(a.Text({"SET", "k", "zero"}) == "OK");
  CHECK(b.Text({"SELECT", "1"}) == "OK");
  CHECK(b.Command({"GET", "k"})->type == REDIS_REPLY_NIL);
  CHECK(b.Text({"SET", "k", "one"}) == "OK");
  CHECK(a.Text({"GET", "k"}) == "zero");
  CHECK(b.Text({"GET", "k"}) == "one");
  CHECK(a.Text({"SELECT", "1"}) == "OK");
  CHECK(a.Text({"GET", "k"}) == "one");
  CHECK(a.Text({"SELECT", "16"}) == "ERR DB index is out of range");
  CHECK(a.Text({"GET", "k"}) == "one");
}

TEST_CASE("A client that disconnects in the middle of a command does not disturb others",
          "[integration]") {
  itest::Server server;
  Redis other(server.port());
  {
    itest::RawSocket s(server.port());
    // Half a multibulk: the header says 3 args, only 2 and a half arrive.
    s.SendAll("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc");
    CHECK(other.Text({"PING"}) == "PONG");
  }
  {
    itest::RawSocket s(server.port());
    s.SendAll("*2\r\n$3\r\nGET\r\n$100\r\n");
    s.Close();
  }
  for (int i = 0; i < 20; i++) {
    itest::RawSocket s(server.port());
    s.SendAll("*1\r\n$4\r\nPI");
  }
  CHECK(other.Text({"SET", "k", "v"}) == "OK");
  CHECK(other.Command({"GET", "half"})->type == REDIS_REPLY_NIL);
  Redis fresh(server.port());
  CHECK(fresh.Text({"GET", "k"}) == "v");
  CHECK(server.Running());
}

TEST_CASE("CLIENT LIST shows another client's last command by its full name", "[integration]") {
  itest::Server server;
  Redis a(server.port());
  Redis b(server.port());
  std::string b_id = b.Text({"CLIENT", "ID"});
  std::string list = a.Text({"CLIENT", "LIST"});
  std::string b_line = list.substr(list.find("id=" + b_id + " "));
  b_line = b_line.substr(0, b_line.find('\n'));
  CHECK(b_line.find(" cmd=client|id ") != std::string::npos);
  b.Text({"SET", "k", "v"});
  list = a.Text({"CLIENT", "LIST", "ID", b_id});
  CHECK(list.find(" cmd=set ") != std::string::npos);
}
