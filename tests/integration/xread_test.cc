// XREAD BLOCK across connections: wake-ups by XADD, timeouts, ordering of several waiters,
// pipelined requests held behind a blocked one, and disconnects while blocked.
#include "blocking_helpers.h"
#include "server_fixture.h"

namespace {

using itest::ElapsedMs;
using itest::Multibulk;
using itest::OneEntryReply;
using itest::WaitBlockedClients;

std::string BlockingRead(const std::string& timeout, const std::string& id) {
  return Multibulk({"XREAD", "BLOCK", timeout, "STREAMS", "s", id});
}

}  // namespace

TEST_CASE("XREAD BLOCK 0 with $ is woken by an XADD from another connection with the new entry",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  REQUIRE(writer.Text({"XADD", "s", "1-0", "f", "old"}) == "1-0");
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingRead("0", "$"));
  REQUIRE(WaitBlockedClients(writer, 1));
  CHECK(reader.ReadAtLeast(1, 100).empty());
  REQUIRE(writer.Text({"XADD", "s", "2-0", "f", "new"}) == "2-0");
  const std::string expected = OneEntryReply("2-0", "new");
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
  CHECK(WaitBlockedClients(writer, 0));
}

TEST_CASE("XREAD BLOCK on a key nobody writes replies a nil array once its milliseconds pass",
          "[integration][xread]") {
  itest::Server server;
  itest::RawSocket reader(server.port());
  auto start = itest::Clock::now();
  reader.SendAll(BlockingRead("150", "0"));
  CHECK(reader.ReadAtLeast(5, 2000) == "*-1\r\n");
  const int64_t elapsed = ElapsedMs(start);
  CHECK(elapsed >= 145);
  CHECK(elapsed < 500);
  // The connection is usable again afterwards.
  reader.SendAll(Multibulk({"PING"}));
  CHECK(reader.ReadAtLeast(7) == "+PONG\r\n");
}

TEST_CASE("Clients blocked with different timeouts time out in deadline order",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket slow(server.port());
  itest::RawSocket fast(server.port());
  auto start = itest::Clock::now();
  slow.SendAll(BlockingRead("400", "$"));
  fast.SendAll(BlockingRead("100", "$"));
  CHECK(fast.ReadAtLeast(5, 2000) == "*-1\r\n");
  CHECK(ElapsedMs(start) < 350);
  CHECK(WaitBlockedClients(admin, 1));
  CHECK(slow.ReadAtLeast(5, 2000) == "*-1\r\n");
  CHECK(ElapsedMs(start) >= 395);
  CHECK(WaitBlockedClients(admin, 0));
}

TEST_CASE("A request pipelined after a blocking XREAD runs only once the XREAD is answered",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingRead("0", "$") + Multibulk({"INCR", "after"}));
  REQUIRE(WaitBlockedClients(writer, 1));
  CHECK(reader.ReadAtLeast(1, 150).empty());
  CHECK(writer.Text({"GET", "after"}) == "(nil)");
  REQUIRE(writer.Text({"XADD", "s", "5-0", "f", "v"}) == "5-0");
  const std::string expected = OneEntryReply("5-0", "v") + ":1\r\n";
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
  CHECK(writer.Text({"GET", "after"}) == "1");
}

TEST_CASE("Several clients blocked on one key are all served, in the order they blocked",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  // Blocking in the order c, a, b (not connection order): each one's pipelined APPEND runs
  // right after it is served, so the string spells the serving order.
  itest::RawSocket a(server.port());
  itest::RawSocket b(server.port());
  itest::RawSocket c(server.port());
  c.SendAll(BlockingRead("0", "$") + Multibulk({"APPEND", "order", "c"}));
  REQUIRE(WaitBlockedClients(writer, 1));
  a.SendAll(BlockingRead("0", "$") + Multibulk({"APPEND", "order", "a"}));
  REQUIRE(WaitBlockedClients(writer, 2));
  b.SendAll(BlockingRead("0", "$") + Multibulk({"APPEND", "order", "b"}));
  REQUIRE(WaitBlockedClients(writer, 3));
  REQUIRE(writer.Text({"XADD", "s", "1-0", "f", "v"}) == "1-0");
  const std::string entry = OneEntryReply("1-0", "v");
  CHECK(c.ReadAtLeast(entry.size() + 4) == entry + ":1\r\n");
  CHECK(a.ReadAtLeast(entry.size() + 4) == entry + ":2\r\n");
  CHECK(b.ReadAtLeast(entry.size() + 4) == entry + ":3\r\n");
  CHECK(writer.Text({"GET", "order"}) == "cab");
  CHECK(WaitBlockedClients(writer, 0));
}

TEST_CASE("A client that disconnects while blocked leaves every wait list; the server goes on",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  {
    itest::RawSocket gone(server.port());
    gone.SendAll(Multibulk({"XREAD", "BLOCK", "0", "STREAMS", "s", "t", "$", "$"}));
    REQUIRE(WaitBlockedClients(writer, 1));
  }
  CHECK(WaitBlockedClients(writer, 0));
  CHECK(writer.Text({"XADD", "s", "1-0", "f", "v"}) == "1-0");
  CHECK(writer.Text({"XADD", "t", "1-0", "f", "v"}) == "1-0");
  CHECK(writer.Text({"PING"}) == "PONG");
  // A new waiter on the same key is served normally.
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingRead("0", "$"));
  REQUIRE(WaitBlockedClients(writer, 1));
  CHECK(writer.Text({"XADD", "s", "2-0", "f", "w"}) == "2-0");
  const std::string expected = OneEntryReply("2-0", "w");
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
}

TEST_CASE("XADD in another database does not wake a client blocked on the same key name",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingRead("300", "$"));
  REQUIRE(WaitBlockedClients(writer, 1));
  REQUIRE(writer.Text({"SELECT", "1"}) == "OK");
  REQUIRE(writer.Text({"XADD", "s", "1-0", "f", "v"}) == "1-0");
  CHECK(reader.ReadAtLeast(5, 2000) == "*-1\r\n");
}

TEST_CASE("A reader blocked in another database is woken by MOVE and by COPY ... DB into it",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  for (const char* how : {"MOVE", "COPY"}) {
    itest::RawSocket reader(server.port());
    reader.SendAll(Multibulk({"SELECT", "1"}) + BlockingRead("0", "0"));
    CHECK(reader.ReadAtLeast(5) == "+OK\r\n");
    REQUIRE(WaitBlockedClients(writer, 1));
    REQUIRE(writer.Text({"XADD", "s", "1-0", "f", how}) == "1-0");
    if (std::string(how) == "MOVE") {
      CHECK(writer.Text({"MOVE", "s", "1"}) == "1");
    } else {
      CHECK(writer.Text({"COPY", "s", "s", "DB", "1"}) == "1");
    }
    const std::string expected = OneEntryReply("1-0", how);
    CHECK(reader.ReadAtLeast(expected.size()) == expected);
    CHECK(WaitBlockedClients(writer, 0));
    writer.Text({"FLUSHALL"});
  }
}

TEST_CASE("CLIENT LIST marks a blocked client with the b flag", "[integration][xread]") {
  itest::Server server;
  itest::Redis observer(server.port());
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingRead("0", "$"));
  REQUIRE(WaitBlockedClients(observer, 1));
  std::string list = observer.Text({"CLIENT", "LIST"});
  CHECK(list.find(" flags=b ") != std::string::npos);
  CHECK(list.find(" cmd=xread ") != std::string::npos);
}

TEST_CASE("XREAD BLOCK with + on a missing key waits and is served the first entry added",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingRead("0", "+"));
  REQUIRE(WaitBlockedClients(writer, 1));
  REQUIRE(writer.Text({"XADD", "s", "5-0", "f", "first"}) == "5-0");
  const std::string expected = OneEntryReply("5-0", "first");
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
}

TEST_CASE("A blocked XREAD with MAXCOUNT is served no more entries than MAXCOUNT",
          "[integration][xread]") {
  itest::Server server;
  itest::Redis writer(server.port());
  itest::RawSocket reader(server.port());
  reader.SendAll(Multibulk({"XREAD", "MAXCOUNT", "1", "BLOCK", "0", "STREAMS", "s", "0"}));
  REQUIRE(WaitBlockedClients(writer, 1));
  // Two entries arrive in one MULTI, so both are there when the reader is served.
  REQUIRE(writer.Text({"MULTI"}) == "OK");
  writer.Text({"XADD", "s", "1-0", "f", "a"});
  writer.Text({"XADD", "s", "2-0", "f", "b"});
  writer.Text({"EXEC"});
  const std::string expected = OneEntryReply("1-0", "a");
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
  CHECK(reader.ReadAtLeast(1, 100).empty());
}
