// XACK, XACKDEL, XNACK and XDELEX's reference modes, run in-process against group state built
// with the streams API: replies byte for byte (Redis 7.0.15 for XACK, the Redis 8.2 / 8.8
// documentation and test suite for the rest) and the PEL left behind.
#include <catch2/catch.hpp>

#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "src/blocking.h"

#include "tests/support/group_fixture.h"

using testing_support::GroupFixture;

TEST_CASE("XACK counts only IDs that were pending and removes them from the PEL",
          "[xack]") {
  GroupFixture f(3);
  auto& g = f.Group("g", 3);
  f.Deliver(g, "alice", 1);
  f.Deliver(g, "alice", 2);
  CHECK(f.h.Run({"XACK", "s", "g", "1-0", "3-0", "1-0"}) == ":1\r\n");
  CHECK(g.pending_count() == 1);
  CHECK(g.FindConsumer("alice")->pel.size() == 1);
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XACK replies 0 for a missing key or group before looking at the IDs", "[xack]") {
  GroupFixture f(1);
  CHECK(f.h.Run({"XACK", "nokey", "g", "bad"}) == ":0\r\n");
  CHECK(f.h.Run({"XACK", "s", "nogroup", "bad"}) == ":0\r\n");
  f.Group("g", 1);
  CHECK(f.h.Run({"XACK", "s", "g", "1-0", "bad"}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  f.h.Run({"SET", "str", "x"});
  CHECK(f.h.Run({"XACK", "str", "g", "1-0"}).rfind("-WRONGTYPE", 0) == 0);
}

TEST_CASE("XACK of a NACKed entry removes it from the NACKed zone too", "[xack]") {
  GroupFixture f(2);
  auto& g = f.Group("g", 2);
  g.Nack(f.Deliver(g, "alice", 1));
  CHECK(f.h.Run({"XACK", "s", "g", "1-0"}) == ":1\r\n");
  CHECK(g.nacked_count() == 0);
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XACKDEL KEEPREF acks in its group and deletes, keeping other groups' references",
          "[xack][xackdel]") {
  GroupFixture f(2);
  auto& g1 = f.Group("g1", 2);
  auto& g2 = f.Group("g2", 2);
  for (uint64_t ms : {1, 2}) {
    f.Deliver(g1, "c1", ms);
    f.Deliver(g2, "c2", ms);
  }
  CHECK(f.h.Run({"XACKDEL", "s", "g1", "KEEPREF", "IDS", "2", "1-0", "2-0"}) ==
        "*2\r\n:1\r\n:1\r\n");
  CHECK(f.stream().length() == 0);
  CHECK(g1.pending_count() == 0);
  CHECK(g2.pending_count() == 2);
  // The entries are gone, but acking the dangling references still works: -1 each.
  CHECK(f.h.Run({"XACKDEL", "s", "g2", "IDS", "2", "1-0", "2-0"}) == "*2\r\n:-1\r\n:-1\r\n");
  CHECK(g2.pending_count() == 0);
}

TEST_CASE("XACKDEL DELREF removes the entry from every group's PEL", "[xack][xackdel]") {
  GroupFixture f(2);
  auto& g1 = f.Group("g1", 2);
  auto& g2 = f.Group("g2", 2);
  f.Deliver(g1, "c1", 1);
  f.Deliver(g2, "c2", 1);
  f.Deliver(g2, "c2", 2);
  CHECK(f.h.Run({"XACKDEL", "s", "g1", "DELREF", "IDS", "2", "1-0", "2-0"}) ==
        "*2\r\n:1\r\n:1\r\n");
  CHECK(g2.pending_count() == 0);
  CHECK(f.h.Run({"XACKDEL", "s", "g2", "DELREF", "IDS", "2", "1-0", "2-0"}) ==
        "*2\r\n:-1\r\n:-1\r\n");
}

TEST_CASE("XACKDEL ACKED deletes only what every group has read and acknowledged",
          "[xack][xackdel]") {
  GroupFixture f(2);
  auto& g1 = f.Group("g1", 2);
  auto& g2 = f.Group("g2", 2);
  for (uint64_t ms : {1, 2}) {
    f.Deliver(g1, "c1", ms);
    f.Deliver(g2, "c2", ms);
  }
  CHECK(f.h.Run({"XACKDEL", "s", "g1", "ACKED", "IDS", "2", "1-0", "2-0"}) ==
        "*2\r\n:2\r\n:2\r\n");
  CHECK(f.stream().length() == 2);
  CHECK(g1.pending_count() == 0);
  CHECK(f.h.Run({"XACKDEL", "s", "g2", "ACKED", "IDS", "2", "1-0", "2-0"}) ==
        "*2\r\n:1\r\n:1\r\n");
  CHECK(f.stream().length() == 0);
  CHECK(g2.pending_count() == 0);
}

TEST_CASE("XACKDEL replies -1 per ID for a missing key or group and checks its syntax first",
          "[xack][xackdel]") {
  GroupFixture f(1);
  CHECK(f.h.Run({"XACKDEL", "nokey", "g", "IDS", "2", "1-0", "2-0"}) == "*2\r\n:-1\r\n:-1\r\n");
  CHECK(f.h.Run({"XACKDEL", "s", "g", "IDS", "2", "1-0", "2-0"}) == "*2\r\n:-1\r\n:-1\r\n");
  CHECK(f.stream().length() == 1);
  CHECK(f.h.Run({"XACKDEL", "s", "g", "IDS", "0", "1-0"}) ==
        "-ERR Number of IDs must be a positive integer\r\n");
  CHECK(f.h.Run({"XACKDEL", "s", "g", "IDS", "3", "1-0", "2-0"}) ==
        "-ERR The `numids` parameter must match the number of arguments\r\n");
  CHECK(f.h.Run({"XACKDEL", "s", "g", "IDS", "1", "1-0", "2-0"}) == "-ERR syntax error\r\n");
  CHECK(f.h.Run({"XACKDEL", "s", "g", "KEEPREF", "ACKED", "IDS", "1", "1-0"}) ==
        "-ERR syntax error\r\n");
  CHECK(f.h.Run({"XACKDEL", "s", "g"}) ==
        "-ERR wrong number of arguments for 'xackdel' command\r\n");
}

TEST_CASE("XDELEX ACKED keeps entries a group has not read or holds pending (reply 2)",
          "[xack][xdelex]") {
  GroupFixture f(3);
  auto& g = f.Group("g", 2);
  f.Deliver(g, "c", 1);
  CHECK(f.h.Run({"XDELEX", "s", "ACKED", "IDS", "4", "1-0", "2-0", "3-0", "9-0"}) ==
        "*4\r\n:2\r\n:1\r\n:2\r\n:-1\r\n");
  CHECK(f.h.Run({"XDELEX", "s", "DELREF", "IDS", "1", "1-0"}) == "*1\r\n:1\r\n");
  CHECK(g.pending_count() == 0);
}

TEST_CASE("XDEL and XDELEX KEEPREF keep the PEL reference of the deleted entry",
          "[xack][xdelex]") {
  GroupFixture f(2);
  auto& g = f.Group("g", 2);
  f.Deliver(g, "c", 1);
  f.Deliver(g, "c", 2);
  CHECK(f.h.Run({"XDEL", "s", "1-0"}) == ":1\r\n");
  CHECK(f.h.Run({"XDELEX", "s", "IDS", "1", "2-0"}) == "*1\r\n:1\r\n");
  CHECK(g.pending_count() == 2);
}

TEST_CASE("XTRIM and XADD pass their reference mode to the trim", "[xack][refmodes]") {
  GroupFixture f(4);
  auto& g = f.Group("g", 4);
  f.Deliver(g, "c", 1);
  f.Deliver(g, "c", 2);
  CHECK(f.h.Run({"XTRIM", "s", "MAXLEN", "2", "ACKED"}) == ":2\r\n");  // 3 and 4 go
  CHECK(f.h.Run({"XADD", "s", "MAXLEN", "1", "DELREF", "5-0", "f", "v"}) == "$3\r\n5-0\r\n");
  CHECK(f.stream().length() == 1);
  CHECK(g.pending_count() == 0);
}

TEST_CASE("XNACK modes set the delivery count and release entries to the NACKed zone",
          "[xack][xnack]") {
  GroupFixture f(3);
  auto& g = f.Group("g", 3);
  for (uint64_t ms : {1, 2, 3}) g.SetDeliveryCount(f.Deliver(g, "c", ms), 3);
  CHECK(f.h.Run({"XNACK", "s", "g", "SILENT", "IDS", "1", "1-0"}) == ":1\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "2-0"}) == ":1\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FATAL", "IDS", "2", "3-0", "9-0"}) == ":1\r\n");
  CHECK(g.FindPending({1, 0})->delivery_count() == 2);
  CHECK(g.FindPending({2, 0})->delivery_count() == 3);
  CHECK(g.FindPending({3, 0})->delivery_count() == static_cast<uint64_t>(LLONG_MAX));
  CHECK(g.nacked_count() == 3);
  CHECK(g.FindConsumer("c")->pel.size() == 0);
  CHECK(f.h.Run({"XPENDING", "s", "g", "-", "+", "10"}) ==
        "*3\r\n*4\r\n$3\r\n1-0\r\n$0\r\n\r\n:-1\r\n:2\r\n"
        "*4\r\n$3\r\n2-0\r\n$0\r\n\r\n:-1\r\n:3\r\n"
        "*4\r\n$3\r\n3-0\r\n$0\r\n\r\n:-1\r\n:9223372036854775807\r\n");
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XNACK SILENT stops at 0 and a re-NACK moves the entry to the zone's tail",
          "[xack][xnack]") {
  GroupFixture f(2);
  auto& g = f.Group("g", 2);
  g.SetDeliveryCount(f.Deliver(g, "c", 1), 0);
  f.Deliver(g, "c", 2);
  CHECK(f.h.Run({"XNACK", "s", "g", "SILENT", "IDS", "2", "1-0", "2-0"}) == ":2\r\n");
  CHECK(g.FindPending({1, 0})->delivery_count() == 0);
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "2", "1-0", "1-0"}) == ":2\r\n");
  std::string order;
  g.ForEachNacked([&](streams::PendingEntry& e) {
    order += e.id.ToString() + " ";
    return true;
  });
  CHECK(order == "2-0 1-0 ");
}

TEST_CASE("XNACK FORCE creates NACKed entries for stream entries not yet pending",
          "[xack][xnack]") {
  GroupFixture f(3);
  auto& g = f.Group("g", 0);
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "FORCE", "IDS", "2", "1-0", "9-0"}) == ":1\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FATAL", "IDS", "1", "2-0", "FORCE"}) == ":1\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "SILENT", "RETRYCOUNT", "7", "IDS", "1", "3-0", "FORCE"}) ==
        ":1\r\n");
  CHECK(g.FindPending({1, 0})->delivery_count() == 0);
  CHECK(g.FindPending({2, 0})->delivery_count() == static_cast<uint64_t>(LLONG_MAX));
  CHECK(g.FindPending({3, 0})->delivery_count() == 7);
  CHECK(g.FindPending({9, 0}) == nullptr);
  CHECK(g.nacked_count() == 3);
  CHECK(g.consumers().empty());
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XNACK refuses bad arguments with the texts of Redis 8.8's test suite",
          "[xack][xnack]") {
  GroupFixture f(1);
  f.Group("g", 1);
  CHECK(f.h.Run({"XNACK", "s", "g", "SILENT", "IDS", "1"}) ==
        "-ERR wrong number of arguments for 'xnack' command\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "BAD", "IDS", "1", "1-0"}) ==
        "-ERR mode must be SILENT, FAIL, or FATAL\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "FATAL", "IDS", "1", "1-0"}) ==
        "-ERR Unrecognized XNACK option 'FATAL'\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "2-0"}) ==
        "-ERR Unrecognized XNACK option '2-0'\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "RETRYCOUNT"}) ==
        "-ERR Unrecognized XNACK option 'RETRYCOUNT'\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "FORCE", "RETRYCOUNT", "5"}) ==
        "-ERR syntax error, expected IDS keyword\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "0", "1-0"}) ==
        "-ERR numids must be a positive integer\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "2", "1-0"}) ==
        "-ERR number of IDs doesn't match numids\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "x"}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "RETRYCOUNT", "-1"}) ==
        "-ERR Invalid RETRYCOUNT value, must be >= 0\r\n");
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "RETRYCOUNT", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(f.h.Run({"XNACK", "s", "nog", "FAIL", "IDS", "1", "1-0"}) ==
        "-NOGROUP No such key 's' or consumer group 'nog'\r\n");
  CHECK(f.h.Run({"XNACK", "nokey", "g", "FAIL", "IDS", "1", "1-0"}) ==
        "-NOGROUP No such key 'nokey' or consumer group 'g'\r\n");
}

TEST_CASE("XNACK wakes a consumer blocked on XREADGROUP CLAIM with the released entry",
          "[xack][xnack]") {
  GroupFixture f(1);
  auto& g = f.Group("g", 1);
  f.Deliver(g, "a", 1, testing_support::kFuture);  // never idle enough by itself
  server::Client waiter;
  waiter.id = 10;
  f.h.state.clients[waiter.id] = &waiter;
  std::string out;
  resp::Writer w(out, 2);
  std::vector<std::string> args = {"XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "CLAIM",
                                   "60000", "STREAMS", "s", ">"};
  std::vector<std::string_view> argv(args.begin(), args.end());
  server::Dispatch(f.h.state, waiter, argv, w);
  REQUIRE(f.h.state.blocking.blocked_count() == 1);
  CHECK(f.h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0"}) == ":1\r\n");
  auto served = f.h.state.blocking.ServeReadyKeys(
      f.h.state, server::WakeTime::Now(),
      [&](uint64_t id) { return id == waiter.id ? &w : nullptr; });
  CHECK(served == std::vector<uint64_t>{10});
  CHECK(out.rfind("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*4\r\n$3\r\n1-0\r\n", 0) == 0);
  CHECK(g.FindPending({1, 0})->owner()->name == "b");
  f.h.state.clients.erase(waiter.id);
}
