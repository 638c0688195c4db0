// XPENDING, XCLAIM and XAUTOCLAIM run in-process against group state built with the streams
// API. Delivery times are decades ago or far in the future, so idle tests never race the clock.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/group_fixture.h"

using testing_support::GroupFixture;
using testing_support::kFuture;
using testing_support::kLongAgo;

TEST_CASE("XPENDING summary lists owners by name with string counts, NACKed entries in none",
          "[xpending]") {
  GroupFixture f(4);
  auto& g = f.Group("g", 4);
  f.Deliver(g, "bob", 1);
  f.Deliver(g, "alice", 2);
  f.Deliver(g, "alice", 3);
  g.Nack(f.Deliver(g, "carol", 4));
  CHECK(f.h.Run({"XPENDING", "s", "g"}) ==
        "*4\r\n:4\r\n$3\r\n1-0\r\n$3\r\n4-0\r\n"
        "*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n");
  auto& empty = f.Group("e", 4);
  (void)empty;
  CHECK(f.h.Run({"XPENDING", "s", "e"}) == "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n");
}

TEST_CASE("XPENDING extended form filters by range, count, consumer and IDLE", "[xpending]") {
  GroupFixture f(4);
  auto& g = f.Group("g", 4);
  f.Deliver(g, "alice", 1, kLongAgo);
  f.Deliver(g, "bob", 2, kFuture);
  f.Deliver(g, "alice", 3, kFuture);
  f.Deliver(g, "alice", 4, kLongAgo);
  // IDLE keeps only the old deliveries; COUNT stops after two; (1-0 excludes the start.
  std::string out = f.h.Run({"XPENDING", "s", "g", "IDLE", "1000", "-", "+", "10"});
  CHECK(out.rfind("*2\r\n*4\r\n$3\r\n1-0\r\n$5\r\nalice\r\n:", 0) == 0);
  CHECK(out.find("$3\r\n4-0\r\n") != std::string::npos);
  CHECK(f.h.Run({"XPENDING", "s", "g", "(1-0", "+", "1", "bob"}).rfind(
            "*1\r\n*4\r\n$3\r\n2-0\r\n$3\r\nbob\r\n", 0) == 0);
  CHECK(f.h.Run({"XPENDING", "s", "g", "-", "+", "10", "nobody"}) == "*0\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g", "3", "2", "10"}) == "*0\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g", "-", "+", "-1"}) == "*0\r\n");
}

TEST_CASE("XPENDING parses everything before looking up the key, count before the IDs",
          "[xpending]") {
  GroupFixture f(1);
  CHECK(f.h.Run({"XPENDING", "nokey", "g", "bad", "+", "10"}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g", "bad", "+", "abc"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g", "-", "+"}) == "-ERR syntax error\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g", "IDLE", "10", "-", "+"}) == "-ERR syntax error\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g", "-", "(0-0", "10"}) ==
        "-ERR invalid end ID for the interval\r\n");
  CHECK(f.h.Run({"XPENDING", "s", "g"}) == "-NOGROUP No such key 's' or consumer group 'g'\r\n");
}

TEST_CASE("XCLAIM moves idle entries, counts the delivery and honours the idle threshold",
          "[xclaim]") {
  GroupFixture f(3);
  auto& g = f.Group("g", 3);
  f.Deliver(g, "alice", 1, kLongAgo);
  f.Deliver(g, "alice", 2, kFuture);
  CHECK(f.h.Run({"XCLAIM", "s", "g", "bob", "60000", "1-0", "2-0"}) ==
        "*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv1\r\n");
  CHECK(g.FindPending({1, 0})->owner()->name == "bob");
  CHECK(g.FindPending({1, 0})->delivery_count() == 2);
  CHECK(g.FindPending({2, 0})->owner()->name == "alice");
  // JUSTID does not count; RETRYCOUNT sets; an unknown ID without FORCE is skipped.
  CHECK(f.h.Run({"XCLAIM", "s", "g", "carol", "0", "1-0", "3-0", "JUSTID"}) ==
        "*1\r\n$3\r\n1-0\r\n");
  CHECK(g.FindPending({1, 0})->delivery_count() == 2);
  CHECK(f.h.Run({"XCLAIM", "s", "g", "carol", "0", "2-0", "RETRYCOUNT", "9", "JUSTID"}) ==
        "*1\r\n$3\r\n2-0\r\n");
  CHECK(g.FindPending({2, 0})->delivery_count() == 9);
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XCLAIM FORCE creates PEL entries only for IDs still in the stream", "[xclaim]") {
  GroupFixture f(2);
  auto& g = f.Group("g", 2);
  CHECK(f.h.Run({"XCLAIM", "s", "g", "bob", "3600000", "2-0", "7-0", "FORCE", "JUSTID"}) ==
        "*1\r\n$3\r\n2-0\r\n");
  CHECK(g.FindPending({2, 0})->delivery_count() == 1);  // created at 1, JUSTID: not counted
  CHECK(g.FindPending({7, 0}) == nullptr);
  CHECK(f.h.Run({"XCLAIM", "s", "g", "bob", "0", "1-0", "FORCE", "JUSTID"}) ==
        "*1\r\n$3\r\n1-0\r\n");
  CHECK(f.h.Run({"XCLAIM", "s", "g", "bob", "0", "1-0", "FORCE", "JUSTID"}) ==
        "*1\r\n$3\r\n1-0\r\n");
  g.Ack({1, 0});
  f.h.Run({"XCLAIM", "s", "g", "bob", "0", "1-0", "FORCE"});
  CHECK(g.FindPending({1, 0})->delivery_count() == 2);
}

TEST_CASE("XCLAIM drops pending entries deleted from the stream and claims NACKed ones",
          "[xclaim]") {
  GroupFixture f(3);
  auto& g = f.Group("g", 3);
  f.Deliver(g, "alice", 1, kFuture);
  g.Nack(f.Deliver(g, "alice", 2, kFuture));
  f.Deliver(g, "alice", 3, kFuture);
  f.h.Run({"XDEL", "s", "3-0"});
  CHECK(f.h.Run({"XCLAIM", "s", "g", "bob", "99999", "2-0", "3-0", "JUSTID"}) ==
        "*1\r\n$3\r\n2-0\r\n");
  CHECK(g.FindPending({3, 0}) == nullptr);
  CHECK(g.nacked_count() == 0);
  CHECK(g.FindPending({2, 0})->owner()->name == "bob");
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XCLAIM IDLE and TIME set the delivery time, LASTID only moves the group forward",
          "[xclaim]") {
  GroupFixture f(2);
  auto& g = f.Group("g", 1);
  f.Deliver(g, "alice", 1);
  f.h.Run({"XCLAIM", "s", "g", "bob", "0", "1-0", "TIME", "12345", "LASTID", "5-0"});
  CHECK(g.FindPending({1, 0})->delivery_time_ms == 12345);
  CHECK(g.last_id() == streams::StreamID{5, 0});
  f.h.Run({"XCLAIM", "s", "g", "bob", "0", "1-0", "LASTID", "3-0", "TIME", "-7"});
  CHECK(g.last_id() == streams::StreamID{5, 0});
  // A bogus time (negative, or in the future) becomes now.
  CHECK(g.FindPending({1, 0})->delivery_time_ms > kLongAgo);
  CHECK(g.FindPending({1, 0})->delivery_time_ms < kFuture);
}

TEST_CASE("XCLAIM looks up the key first and creates the consumer even when nothing moves",
          "[xclaim]") {
  GroupFixture f(1);
  CHECK(f.h.Run({"XCLAIM", "s", "g", "c", "abc", "1-0"}) ==
        "-NOGROUP No such key 's' or consumer group 'g'\r\n");
  auto& g = f.Group("g", 1);
  CHECK(f.h.Run({"XCLAIM", "s", "g", "c", "abc", "1-0"}) ==
        "-ERR Invalid min-idle-time argument for XCLAIM\r\n");
  CHECK(f.h.Run({"XCLAIM", "s", "g", "c", "0", "bad"}) ==
        "-ERR Unrecognized XCLAIM option 'bad'\r\n");
  CHECK(f.h.Run({"XCLAIM", "s", "g", "c", "0", "1-0", "IDLE"}) ==
        "-ERR Unrecognized XCLAIM option 'IDLE'\r\n");
  CHECK(f.h.Run({"XCLAIM", "s", "g", "c", "0", "1-0", "RETRYCOUNT", "x"}) ==
        "-ERR Invalid RETRYCOUNT option argument for XCLAIM\r\n");
  CHECK(g.consumers().empty());
  CHECK(f.h.Run({"XCLAIM", "s", "g", "c", "0", "1-0"}) == "*0\r\n");
  CHECK(g.FindConsumer("c") != nullptr);
}

TEST_CASE("XAUTOCLAIM walks the PEL in ID order, counting deleted entries toward COUNT",
          "[xautoclaim]") {
  GroupFixture f(5);
  auto& g = f.Group("g", 5);
  for (uint64_t ms : {1, 2, 3, 4, 5}) f.Deliver(g, "alice", ms, kLongAgo);
  f.h.Run({"XDEL", "s", "2-0", "4-0"});
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "bob", "0", "0-0", "COUNT", "2", "JUSTID"}) ==
        "*3\r\n$3\r\n3-0\r\n*1\r\n$3\r\n1-0\r\n*1\r\n$3\r\n2-0\r\n");
  CHECK(g.FindPending({1, 0})->delivery_count() == 1);  // JUSTID: not counted
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "bob", "0", "3-0"}) ==
        "*3\r\n$3\r\n0-0\r\n*2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n"
        "*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv5\r\n*1\r\n$3\r\n4-0\r\n");
  CHECK(g.FindPending({3, 0})->delivery_count() == 2);
  CHECK(g.pending_count() == 3);
  CHECK(f.stream().Validate().empty());
}

TEST_CASE("XAUTOCLAIM stops after COUNT*10 attempts and returns where to go on",
          "[xautoclaim]") {
  GroupFixture f(15);
  auto& g = f.Group("g", 15);
  for (uint64_t ms = 1; ms <= 15; ms++) f.Deliver(g, "alice", ms, ms == 13 ? kLongAgo : kFuture);
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "bob", "60000", "-", "COUNT", "1", "JUSTID"}) ==
        "*3\r\n$4\r\n11-0\r\n*0\r\n*0\r\n");
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "bob", "60000", "11-0", "COUNT", "1", "JUSTID"}) ==
        "*3\r\n$4\r\n14-0\r\n*1\r\n$4\r\n13-0\r\n*0\r\n");
}

TEST_CASE("XAUTOCLAIM claims NACKed entries whatever the idle threshold", "[xautoclaim]") {
  GroupFixture f(2);
  auto& g = f.Group("g", 2);
  g.Nack(f.Deliver(g, "alice", 2, kFuture));
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "bob", "99999", "0-0", "JUSTID"}) ==
        "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-0\r\n*0\r\n");
  CHECK(g.nacked_count() == 0);
}

TEST_CASE("XAUTOCLAIM parses all its arguments before looking up the key", "[xautoclaim]") {
  GroupFixture f(1);
  f.h.Run({"SET", "str", "x"});
  CHECK(f.h.Run({"XAUTOCLAIM", "str", "g", "c", "abc", "0-0"}) ==
        "-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n");
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "c", "0", "0-0", "COUNT", "0"}) ==
        "-ERR COUNT must be > 0\r\n");
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "c", "0", "0-0", "COUNT"}) == "-ERR syntax error\r\n");
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "c", "0", "(18446744073709551615-18446744073709551615"}) ==
        "-ERR invalid start ID for the interval\r\n");
  CHECK(f.h.Run({"XAUTOCLAIM", "str", "g", "c", "0", "0-0"}).rfind("-WRONGTYPE", 0) == 0);
  CHECK(f.h.Run({"XAUTOCLAIM", "s", "g", "c", "0", "0-0"}) ==
        "-NOGROUP No such key 's' or consumer group 'g'\r\n");
}
