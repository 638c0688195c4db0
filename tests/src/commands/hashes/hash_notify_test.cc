// Keyspace events of the hash commands: Redis 7.0's (hset even when nothing changed, hdel then
// del for an emptied hash, the counters) and, as Redis 7.4/8.0 document them, the field-expiry
// ones: hexpire, hpersist, hdel for a time already past, HSETEX's hset before its expiry event.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/keyspace_event_log.h"

using HashEvents = std::vector<std::string>;

TEST_CASE("HDEL of the last field raises hdel then del, and nothing for a missing field",
          "[hashes][notify]") {
  testing_support::KeyEventHarness h;
  CHECK(h.Events({"HSET", "h", "a", "1"}) == HashEvents{"hset h"});
  CHECK(h.Events({"HSET", "h", "a", "1"}) == HashEvents{"hset h"});
  CHECK(h.Events({"HSETNX", "h", "a", "2"}).empty());
  CHECK(h.Events({"HINCRBY", "h", "n", "1"}) == HashEvents{"hincrby h"});
  CHECK(h.Events({"HINCRBYFLOAT", "h", "n", "1.5"}) == HashEvents{"hincrbyfloat h"});
  CHECK(h.Events({"HDEL", "h", "zz"}).empty());
  CHECK(h.Events({"HDEL", "h", "a", "n"}) == HashEvents{"hdel h", "del h"});
}

TEST_CASE("HEXPIRE raises hexpire, or hdel when the time is already past", "[hashes][notify]") {
  testing_support::KeyEventHarness h;
  h.state.pinned_time_ms = 1'000'000;
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  CHECK(h.Events({"HEXPIRE", "h", "100", "FIELDS", "1", "a"}) == HashEvents{"hexpire h"});
  CHECK(h.Events({"HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a"}).empty());
  CHECK(h.Events({"HPERSIST", "h", "FIELDS", "1", "a"}) == HashEvents{"hpersist h"});
  CHECK(h.Events({"HPERSIST", "h", "FIELDS", "1", "a"}).empty());
  CHECK(h.Events({"HPEXPIREAT", "h", "1", "FIELDS", "1", "a"}) == HashEvents{"hdel h"});
  CHECK(h.Events({"HPEXPIREAT", "h", "1", "FIELDS", "1", "b"}) ==
        HashEvents{"hdel h", "del h"});
}

TEST_CASE("HGETEX, HGETDEL and HSETEX raise the events of what they did", "[hashes][notify]") {
  testing_support::KeyEventHarness h;
  h.state.pinned_time_ms = 1'000'000;
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  CHECK(h.Events({"HGETEX", "h", "EX", "10", "FIELDS", "1", "a"}) == HashEvents{"hexpire h"});
  CHECK(h.Events({"HGETEX", "h", "PERSIST", "FIELDS", "1", "a"}) == HashEvents{"hpersist h"});
  CHECK(h.Events({"HGETEX", "h", "FIELDS", "1", "a"}).empty());
  CHECK(h.Events({"HGETDEL", "h", "FIELDS", "1", "zz"}).empty());
  CHECK(h.Events({"HGETDEL", "h", "FIELDS", "1", "a"}) == HashEvents{"hdel h"});
  CHECK(h.Events({"HSETEX", "h", "EX", "10", "FIELDS", "1", "c", "3"}) ==
        HashEvents{"hset h", "hexpire h"});
  CHECK(h.Events({"HSETEX", "h", "KEEPTTL", "FIELDS", "1", "c", "4"}) == HashEvents{"hset h"});
  CHECK(h.Events({"HSETEX", "h", "FNX", "FIELDS", "1", "c", "5"}).empty());
  CHECK(h.Events({"HGETEX", "h", "PXAT", "1", "FIELDS", "2", "b", "c"}) ==
        HashEvents{"hdel h", "del h"});
  CHECK(h.Events({"HSETEX", "h", "PXAT", "1", "FIELDS", "1", "x", "1"}) ==
        HashEvents{"hset h", "hdel h", "del h"});
}

TEST_CASE("A field found expired raises hexpired before the command's own events",
          "[hashes][notify]") {
  testing_support::KeyEventHarness h;
  h.state.pinned_time_ms = 1'000'000;
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  h.Run({"HPEXPIRE", "h", "10", "FIELDS", "1", "a"});
  h.state.pinned_time_ms = 1'000'100;
  CHECK(h.Events({"HGETDEL", "h", "FIELDS", "2", "a", "b"}) ==
        HashEvents{"hexpired h", "hdel h", "del h"});
}
