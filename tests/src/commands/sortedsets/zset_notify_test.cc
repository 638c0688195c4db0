// Keyspace notifications of the sorted-set writes, in-process: each write's event, "del" after
// it when the set emptied, nothing for a write that changed nothing, and a blocked pop served
// by a later write publishing its pop after the write's own event.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/blocking_clients.h"
#include "tests/support/command_harness.h"
#include "tests/support/keyspace_event_log.h"

using testing_support::KeyspaceEventLog;
using ZSetEvents = std::vector<std::string>;

TEST_CASE("ZADD publishes zadd only when it changed the set, ZADD INCR publishes zincr",
          "[zset][notify]") {
  testing_support::CommandHarness h;
  KeyspaceEventLog log(h.state);
  h.Run({"ZADD", "z", "1", "a", "2", "b"});
  CHECK(log.Take() == ZSetEvents{"zadd z"});
  h.Run({"ZADD", "z", "1", "a"});
  h.Run({"ZADD", "z", "NX", "5", "a"});
  h.Run({"ZADD", "z", "GT", "0", "a"});
  h.Run({"ZADD", "z", "INCR", "0", "a"});
  h.Run({"ZINCRBY", "z", "0", "a"});
  h.Run({"ZADD", "missing", "XX", "1", "a"});
  CHECK(log.Take().empty());
  h.Run({"ZADD", "z", "INCR", "1", "a"});
  h.Run({"ZINCRBY", "z", "1", "a"});
  CHECK(log.Take() == ZSetEvents{"zincr z", "zincr z"});
}

TEST_CASE("ZREM that empties a sorted set publishes zrem then del", "[zset][notify]") {
  testing_support::CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b"});
  KeyspaceEventLog log(h.state);
  h.Run({"ZREM", "z", "nope"});
  CHECK(log.Take().empty());
  h.Run({"ZREM", "z", "a"});
  CHECK(log.Take() == ZSetEvents{"zrem z"});
  h.Run({"ZREM", "z", "b"});
  CHECK(log.Take() == ZSetEvents{"zrem z", "del z"});
}

TEST_CASE("Pops, range removals and stores publish Redis's event names", "[zset][notify]") {
  testing_support::CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  h.Run({"ZADD", "other", "9", "x"});
  KeyspaceEventLog log(h.state);
  h.Run({"ZPOPMIN", "z"});
  h.Run({"ZPOPMAX", "z", "0"});
  h.Run({"ZMPOP", "1", "z", "MAX"});
  h.Run({"ZREMRANGEBYSCORE", "z", "100", "200"});
  h.Run({"ZREMRANGEBYSCORE", "z", "2", "2"});
  h.Run({"ZREMRANGEBYRANK", "z", "0", "0"});
  h.Run({"ZUNIONSTORE", "dst", "2", "z", "other"});
  h.Run({"ZRANGESTORE", "dst2", "dst", "0", "0"});
  h.Run({"ZINTERSTORE", "dst", "2", "z", "other"});
  h.Run({"ZDIFFSTORE", "never", "1", "missing"});
  h.Run({"ZREMRANGEBYLEX", "z", "-", "+"});
  CHECK(log.Take() == ZSetEvents{"zpopmin z", "zpopmax z", "zremrangebyscore z",
                                 "zremrangebyrank z", "zunionstore dst", "zrangestore dst2",
                                 "del dst", "zremrangebylex z", "del z"});
}

TEST_CASE("A blocked BZPOPMIN served by ZADD publishes zadd, zpopmin, then del",
          "[zset][notify][blocking]") {
  testing_support::BlockingClients w;
  KeyspaceEventLog log(w.h.state);
  w.Run(10, {"BZPOPMIN", "z", "0"});
  w.Run(11, {"ZADD", "z", "1", "a"});
  w.Serve();
  CHECK(log.Take() == ZSetEvents{"zadd z", "zpopmin z", "del z"});
}

TEST_CASE("Every missing source of the algebra commands, STORE forms too, counts a miss and "
          "announces keymiss, up to the first WRONGTYPE source",
          "[zset][notify]") {
  testing_support::CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  h.Run({"SET", "str", "v"});
  KeyspaceEventLog log(h.state, "Em");
  const uint64_t hits = h.state.stats.keyspace_hits;
  const uint64_t misses = h.state.stats.keyspace_misses;
  h.Run({"ZUNIONSTORE", "d", "3", "m1", "z", "m2"});
  h.Run({"ZDIFFSTORE", "d", "2", "m3", "m4", "WEIGHTS", "1", "1"});  // options come later
  h.Run({"ZINTER", "3", "m5", "str", "m6"});                         // m6 never looked up
  h.Run({"ZINTERCARD", "2", "z", "m7"});
  CHECK(log.Take() == ZSetEvents{"keymiss m1", "keymiss m2", "keymiss m3", "keymiss m4",
                                 "keymiss m5", "keymiss m7"});
  CHECK(h.state.stats.keyspace_hits - hits == 3);  // z twice, str
  CHECK(h.state.stats.keyspace_misses - misses == 6);
}
