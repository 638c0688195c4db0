// Keyspace events of the string and bitmap commands, as a subscriber to __keyevent@*__:*
// receives them.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/keyspace_event_log.h"

using testing_support::KeyEventHarness;
using Events = testing_support::KeyEvents;

TEST_CASE("SET with a TTL announces set then expire; a refused SET NX announces nothing",
          "[strings][notify]") {
  KeyEventHarness h;
  h.Run({"SET", "k", "v", "EX", "100"});
  h.Run({"SET", "k", "v", "NX"});
  h.Run({"SETEX", "e", "100", "v"});
  h.Run({"MSET", "a", "1", "b", "2"});
  h.Run({"MSETNX", "a", "1", "c", "2"});  // a exists: nothing
  CHECK(h.Events() == Events{"set k", "expire k", "set e", "expire e", "set a", "set b"});
}

TEST_CASE("GETDEL announces del and GETEX expire, persist or del", "[strings][notify]") {
  KeyEventHarness h;
  h.Run({"MSET", "a", "1", "b", "2"});
  h.Events();
  h.Run({"GETDEL", "a"});
  h.Run({"GETDEL", "a"});
  h.Run({"GETEX", "b"});
  h.Run({"GETEX", "b", "EX", "100"});
  h.Run({"GETEX", "b", "PERSIST"});
  h.Run({"GETEX", "b", "PERSIST"});
  h.Run({"GETEX", "b", "EXAT", "1"});
  CHECK(h.Events() == Events{"del a", "expire b", "persist b", "del b"});
}

TEST_CASE("Counters announce incrby or incrbyfloat; APPEND always, SETRANGE only when it wrote",
          "[strings][notify]") {
  KeyEventHarness h;
  h.Run({"INCR", "n"});
  h.Run({"DECRBY", "n", "3"});
  h.Run({"INCRBYFLOAT", "n", "0.5"});
  h.Run({"INCR", "n"});  // not an integer now: nothing
  h.Run({"APPEND", "s", ""});
  h.Run({"SETRANGE", "s", "0", ""});
  h.Run({"SETRANGE", "s", "1", "x"});
  CHECK(h.Events() == Events{"incrby n", "incrby n", "incrbyfloat n", "append s", "setrange s"});
}

TEST_CASE("SETBIT and BITFIELD announce setbit only when a bit changed or the string grew",
          "[strings][notify]") {
  KeyEventHarness h;
  h.Run({"SETBIT", "b", "3", "1"});
  h.Run({"SETBIT", "b", "3", "1"});  // unchanged
  h.Run({"SETBIT", "b", "2", "0"});  // unchanged, no growth
  h.Run({"BITFIELD", "f", "SET", "u8", "0", "0"});  // created
  h.Run({"BITFIELD", "f", "SET", "u8", "0", "0"});  // unchanged
  h.Run({"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"});  // failed
  h.Run({"BITOP", "AND", "d", "b", "b"});
  h.Run({"BITOP", "AND", "d", "x", "y"});
  CHECK(h.Events() == Events{"setbit b", "setbit f", "set d", "del d"});
}


TEST_CASE("A plain SET over a key past its time announces expired before set, as a lookup would",
          "[strings][notify]") {
  KeyEventHarness h;
  h.state.pinned_time_ms = 1'000'000;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.Run({"SET", "other", "v"});
  h.Events();
  h.state.pinned_time_ms = 1'000'200;
  CHECK(h.Events({"SET", "k", "w"}) == Events{"expired k", "set k"});
  CHECK(h.Events({"SET", "other", "w"}) == Events{"set other"});
  CHECK(h.Run({"TTL", "k"}) == ":-1\r\n");
  CHECK(h.state.dbs[0]->expired_keys() == 1);
}
