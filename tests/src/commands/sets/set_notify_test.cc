// Keyspace events of the set commands, in Redis's order: the command's event, then del when
// the set emptied; SMOVE's srem (and del) before the destination's sadd; STORE forms raising
// their own event, or del for an empty result; nothing when nothing changed.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/keyspace_event_log.h"

using SetEvents = std::vector<std::string>;

TEST_CASE("SREM raises srem only when a member went, then del for the last one",
          "[sets][notify]") {
  testing_support::KeyEventHarness h;
  CHECK(h.Events({"SADD", "s", "a", "b"}) == SetEvents{"sadd s"});
  CHECK(h.Events({"SADD", "s", "a"}).empty());
  CHECK(h.Events({"SREM", "s", "zz"}).empty());
  CHECK(h.Events({"SREM", "s", "a"}) == SetEvents{"srem s"});
  CHECK(h.Events({"SREM", "s", "b", "zz"}) == SetEvents{"srem s", "del s"});
}

TEST_CASE("SPOP raises spop, and del once the set is gone, whatever the count",
          "[sets][notify]") {
  testing_support::KeyEventHarness h;
  h.Run({"SADD", "s", "a", "b", "c", "d"});
  CHECK(h.Events({"SPOP", "s", "0"}).empty());
  CHECK(h.Events({"SPOP", "s"}) == SetEvents{"spop s"});
  CHECK(h.Events({"SPOP", "s", "1"}) == SetEvents{"spop s"});
  CHECK(h.Events({"SPOP", "s", "10"}) == SetEvents{"spop s", "del s"});
  CHECK(h.Events({"SPOP", "s"}).empty());
}

TEST_CASE("SMOVE raises srem (and del) on the source before sadd on the destination",
          "[sets][notify]") {
  testing_support::KeyEventHarness h;
  h.Run({"SADD", "src", "a", "b"});
  h.Run({"SADD", "dst", "b"});
  CHECK(h.Events({"SMOVE", "src", "dst", "b"}) == SetEvents{"srem src"});
  CHECK(h.Events({"SMOVE", "src", "src", "a"}).empty());
  CHECK(h.Events({"SMOVE", "src", "dst", "a"}) == SetEvents{"srem src", "del src", "sadd dst"});
}

TEST_CASE("A STORE form raises its event, or del when its empty result removed the destination",
          "[sets][notify]") {
  testing_support::KeyEventHarness h;
  h.Run({"SADD", "a", "1", "2"});
  h.Run({"SADD", "b", "2"});
  CHECK(h.Events({"SINTERSTORE", "d", "a", "b"}) == SetEvents{"sinterstore d"});
  CHECK(h.Events({"SUNIONSTORE", "d", "a", "b"}) == SetEvents{"sunionstore d"});
  CHECK(h.Events({"SDIFFSTORE", "d", "a", "b"}) == SetEvents{"sdiffstore d"});
  CHECK(h.Events({"SDIFFSTORE", "d", "b", "a"}) == SetEvents{"del d"});
  CHECK(h.Events({"SDIFFSTORE", "d", "b", "a"}).empty());
}
