// Blocking sorted-set pops in-process: parked clients served first come first served by later
// writes (ZADD, a STORE), each served pop recorded as ZPOPMIN/ZPOPMAX key count, sub-second
// timeouts, keys deleted or retyped while waited on, and no blocking inside MULTI.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "src/blocking.h"
#include "tests/support/blocking_clients.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

using testing_support::ArgvsOf;
using testing_support::Bulk;
using testing_support::Int;

namespace {

using ZPopArgvs = std::vector<std::vector<std::string>>;

using ZSetWaiters = testing_support::BlockingClients;

std::string KeyMemberScore(const std::string& key, const std::string& member,
                           const std::string& score) {
  return "*3\r\n" + Bulk(key) + Bulk(member) + Bulk(score);
}

}  // namespace

TEST_CASE("Clients blocked on a sorted set are served first come first served",
          "[zset][blocking]") {
  ZSetWaiters w;
  w.Run(10, {"BZPOPMIN", "z", "0"});
  w.Run(11, {"BZPOPMAX", "other", "z", "0"});
  w.Run(12, {"BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"});
  CHECK(w.h.state.blocking.blocked_count() == 3);
  CHECK(w.Take(10).empty());
  w.h.state.propagation.Take();
  w.Run(13, {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(w.Serve() == std::vector<uint64_t>{10, 11, 12});
  CHECK(w.Take(10) == KeyMemberScore("z", "a", "1"));
  CHECK(w.Take(11) == KeyMemberScore("z", "d", "4"));
  CHECK(w.Take(12) == "*2\r\n" + Bulk("z") + "*2\r\n*2\r\n" + Bulk("b") + Bulk("2") + "*2\r\n" +
                          Bulk("c") + Bulk("3"));
  CHECK(w.h.state.blocking.blocked_count() == 0);
  CHECK(ArgvsOf(w.h.state.propagation.Take()) ==
        ZPopArgvs{{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"},
                  {"ZPOPMIN", "z", "1"},
                  {"ZPOPMAX", "z", "1"},
                  {"ZPOPMIN", "z", "2"}});
  w.Take(13);
  w.Run(13, {"EXISTS", "z"});
  CHECK(w.Take(13) == Int(0));
}

TEST_CASE("A blocking zset pop with data answers at once and records the plain form",
          "[zset][blocking]") {
  ZSetWaiters w;
  w.Run(13, {"ZADD", "z", "1", "a", "2", "b"});
  w.h.state.propagation.Take();
  w.Run(10, {"BZPOPMAX", "nokey", "z", "0"});
  CHECK(w.Take(10) == KeyMemberScore("z", "b", "2"));
  w.Run(10, {"BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "9"});
  CHECK(w.Take(10) == "*2\r\n" + Bulk("z") + "*1\r\n*2\r\n" + Bulk("a") + Bulk("1"));
  CHECK(ArgvsOf(w.h.state.propagation.Take()) ==
        ZPopArgvs{{"ZPOPMAX", "z", "1"}, {"ZPOPMIN", "z", "1"}});
  CHECK(w.h.state.blocking.blocked_count() == 0);
}

TEST_CASE("A blocking zset pop waits out a sub-second timeout and replies a null array",
          "[zset][blocking]") {
  ZSetWaiters w;
  const int64_t before = server::SteadyMs();
  w.Run(10, {"BZMPOP", "0.25", "1", "nokey", "MAX"});
  const int64_t deadline = w.h.state.blocking.NextDeadline();
  CHECK(deadline >= before + 250);
  CHECK(deadline <= server::SteadyMs() + 250);
  CHECK(w.h.state.blocking.ExpireDue({server::WallClockMs(), deadline - 1}, w.Writers()).empty());
  CHECK(w.h.state.blocking.ExpireDue({server::WallClockMs(), deadline}, w.Writers()) ==
        std::vector<uint64_t>{10});
  CHECK(w.Take(10) == "*-1\r\n");
}

TEST_CASE("A waited-on sorted set retyped keeps its client waiting until a zset is stored",
          "[zset][blocking]") {
  ZSetWaiters w;
  w.Run(10, {"BZPOPMIN", "k", "0"});
  w.Run(13, {"SET", "k", "string"});
  CHECK(w.Serve().empty());
  w.Run(13, {"DEL", "k"});
  w.Run(13, {"ZADD", "src", "7", "m"});
  w.Run(13, {"ZUNIONSTORE", "k", "1", "src"});
  CHECK(w.Serve() == std::vector<uint64_t>{10});
  CHECK(w.Take(10) == KeyMemberScore("k", "m", "7"));
}

TEST_CASE("Inside MULTI a blocking zset pop with no data replies null at once",
          "[zset][blocking]") {
  ZSetWaiters w;
  w.Run(10, {"MULTI"});
  w.Run(10, {"BZPOPMIN", "nokey", "0"});
  w.Run(10, {"BZMPOP", "0", "1", "nokey", "MIN"});
  w.Take(10);
  w.Run(10, {"EXEC"});
  CHECK(w.Take(10) == "*2\r\n*-1\r\n*-1\r\n");
  CHECK(w.h.state.blocking.blocked_count() == 0);
}
