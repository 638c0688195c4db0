// Keyspace events of the generic key commands (DEL, EXPIRE, RENAME, MOVE, COPY, SORT STORE)
// and keymiss, as a subscriber to __keyevent@*__:* receives them.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/keyspace_event_log.h"

using testing_support::KeyEventHarness;
using Events = testing_support::KeyEvents;

TEST_CASE("DEL and UNLINK announce del for each key they removed, and nothing for a missing one",
          "[keys][notify]") {
  KeyEventHarness h;
  h.Run({"MSET", "a", "1", "b", "2"});
  h.Events();
  h.Run({"DEL", "a", "missing"});
  h.Run({"UNLINK", "missing", "b"});
  h.Run({"DEL", "missing"});
  CHECK(h.Events() == Events{"del a", "del b"});
}

TEST_CASE("EXPIRE announces expire, or del when the time is already past; PERSIST persist",
          "[keys][notify]") {
  KeyEventHarness h;
  h.Run({"SET", "k", "v"});
  h.Events();
  h.Run({"EXPIRE", "k", "100"});
  h.Run({"EXPIRE", "k", "100", "NX"});  // refused: nothing
  h.Run({"PERSIST", "k"});
  h.Run({"PERSIST", "k"});  // no TTL left: nothing
  h.Run({"PEXPIRE", "k", "-1"});
  h.Run({"EXPIRE", "k", "10"});  // gone: nothing
  CHECK(h.Events() == Events{"expire k", "persist k", "del k"});
}

TEST_CASE("RENAME announces rename_from then rename_to; MOVE and COPY announce in the target db",
          "[keys][notify]") {
  KeyEventHarness h;
  h.Run({"SET", "a", "1"});
  h.Events();
  h.Run({"RENAME", "a", "b"});
  h.Run({"RENAME", "b", "b"});  // same key: nothing
  h.Run({"MOVE", "b", "1"});
  h.Run({"SET", "c", "1"});
  h.Run({"COPY", "c", "d", "DB", "2"});
  h.Run({"COPY", "c", "d", "DB", "2"});  // exists, no REPLACE: nothing
  CHECK(h.Events() == Events{"rename_from a", "rename_to b", "move_from b", "move_to b @1",
                             "set c", "copy_to d @2"});
}

TEST_CASE("RENAME onto an existing key announces new for the destination with the n class",
          "[keys][notify]") {
  KeyEventHarness h("En");
  h.Run({"MSET", "a", "1", "b", "2"});
  h.Events();
  h.Run({"RENAME", "a", "b"});
  CHECK(h.Events() == Events{"new b"});
}

TEST_CASE("SORT STORE announces sortstore, or del when nothing is stored over an existing key",
          "[keys][notify]") {
  KeyEventHarness h;
  h.Run({"RPUSH", "l", "2", "1"});
  h.Run({"SET", "dst", "x"});
  h.Events();
  h.Run({"SORT", "l", "STORE", "dst"});
  h.Run({"SORT", "missing", "STORE", "dst"});
  h.Run({"SORT", "missing", "STORE", "dst"});  // nothing to delete: nothing
  CHECK(h.Events() == Events{"sortstore dst", "del dst"});
}

TEST_CASE("A read that finds no key announces keymiss; a write to a missing key does not",
          "[keys][notify]") {
  KeyEventHarness h("Em");
  h.Run({"GET", "a"});
  h.Run({"MGET", "b", "c"});
  h.Run({"EXISTS", "d"});
  h.Run({"INCR", "e"});
  h.Run({"OBJECT", "ENCODING", "f"});
  h.Run({"GET", "e"});  // found
  CHECK(h.Events() == Events{"keymiss a", "keymiss b", "keymiss c", "keymiss d"});
}
