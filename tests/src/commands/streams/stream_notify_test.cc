// Keyspace notifications of the stream writes, in-process: XADD's xadd then xtrim, the group
// commands' xgroup-* events, XREADGROUP creating its consumer, calls that change nothing
// publishing nothing, and Runnel's own xpolicy-redeliver / xpolicy-deadletter events from the
// delivery policy (on a read and from the due timer), with the dead-letter stream's xadd.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/delivery/due_pass.h"
#include "tests/support/command_harness.h"
#include "tests/support/keyspace_event_log.h"

using testing_support::KeyspaceEventLog;
using StreamEvents = std::vector<std::string>;

TEST_CASE("XADD that trims publishes xadd then xtrim; a trim of nothing publishes nothing",
          "[stream][notify]") {
  testing_support::CommandHarness h;
  KeyspaceEventLog log(h.state);
  h.Run({"XADD", "s", "1-1", "f", "v"});
  h.Run({"XADD", "s", "MAXLEN", "1", "2-1", "f", "v"});
  CHECK(log.Take() == StreamEvents{"xadd s", "xadd s", "xtrim s"});
  h.Run({"XADD", "s", "1-1", "f", "v"});  // ID too small
  h.Run({"XADD", "nokey", "NOMKSTREAM", "*", "f", "v"});
  h.Run({"XTRIM", "s", "MAXLEN", "5"});
  h.Run({"XDEL", "s", "9-9"});
  CHECK(log.Take().empty());
  h.Run({"XDEL", "s", "2-1"});
  h.Run({"XSETID", "s", "5-5"});
  CHECK(log.Take() == StreamEvents{"xdel s", "xsetid s"});
}

TEST_CASE("Group commands publish xgroup-* events only when they changed something",
          "[stream][notify]") {
  testing_support::CommandHarness h;
  h.Run({"XADD", "s", "1-1", "f", "v"});
  KeyspaceEventLog log(h.state);
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});  // BUSYGROUP
  h.Run({"XGROUP", "CREATECONSUMER", "s", "g", "c1"});
  h.Run({"XGROUP", "CREATECONSUMER", "s", "g", "c1"});
  h.Run({"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"});
  h.Run({"XACK", "s", "g", "1-1"});
  h.Run({"XGROUP", "DELCONSUMER", "s", "g", "nope"});
  h.Run({"XGROUP", "DELCONSUMER", "s", "g", "c1"});
  h.Run({"XGROUP", "SETID", "s", "g", "0"});
  h.Run({"XGROUP", "DESTROY", "s", "g"});
  h.Run({"XGROUP", "DESTROY", "s", "g"});
  CHECK(log.Take() == StreamEvents{"xgroup-create s", "xgroup-createconsumer s",
                                   "xgroup-createconsumer s", "xgroup-delconsumer s",
                                   "xgroup-setid s", "xgroup-destroy s"});
}

TEST_CASE("A policy redelivery publishes xpolicy-redeliver on the stream", "[stream][notify]") {
  testing_support::CommandHarness h;
  h.state.pinned_time_ms = 1'000'000;
  h.Run({"XADD", "s", "1-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XGROUP", "SETPOLICY", "s", "g", "ACK-TIMEOUT", "100"});
  h.Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  KeyspaceEventLog log(h.state);
  h.state.pinned_time_ms += 100;
  h.Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  CHECK(log.Take() == StreamEvents{"xpolicy-redeliver s"});
}

TEST_CASE("A dead letter publishes xadd on the dead-letter stream, then xpolicy-deadletter",
          "[stream][notify]") {
  testing_support::CommandHarness h;
  h.state.pinned_time_ms = 1'000'000;
  h.Run({"XADD", "s", "1-0", "f", "v"});
  h.Run({"XADD", "s", "2-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XGROUP", "SETPOLICY", "s", "g", "ACK-TIMEOUT", "100", "MAX-DELIVERIES", "1",
         "DEAD-LETTER", "dead"});
  h.Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"});
  KeyspaceEventLog log(h.state);
  h.state.pinned_time_ms += 100;
  // On a read: the exhausted entry goes, then the read takes the next one.
  h.Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"});
  CHECK(log.Take() == StreamEvents{"xadd dead", "xpolicy-deadletter s"});
  // From the due timer, with no command running.
  CHECK(server::RunDueGroups(h.state, h.state.pinned_time_ms + 100));
  CHECK(log.Take() == StreamEvents{"xadd dead", "xpolicy-deadletter s"});
  // Moved back by XREDRIVE: an xadd on the source, an xdel on the dead-letter stream.
  h.Run({"XREDRIVE", "dead", "COUNT", "1"});
  CHECK(log.Take() == StreamEvents{"xadd s", "xdel dead"});
}

TEST_CASE("Stream reads of a missing key announce keymiss, XREAD twice per key; writes do not",
          "[stream][notify]") {
  testing_support::CommandHarness h;
  h.Run({"XADD", "s", "1-1", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  KeyspaceEventLog log(h.state, "Em");
  const uint64_t misses = h.state.stats.keyspace_misses;
  h.Run({"XLEN", "a"});
  h.Run({"XRANGE", "b", "-", "+"});
  h.Run({"XREAD", "STREAMS", "c", "s", "d", "$", "0", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "e", ">", ">"});
  h.Run({"XINFO", "STREAM", "f"});
  h.Run({"XPENDING", "g", "g"});
  h.Run({"XACK", "h", "g", "1-1"});
  h.Run({"XCLAIM", "i", "g", "c", "0", "1-1"});
  h.Run({"XAUTOCLAIM", "j", "g", "c", "0", "bad"});  // looked up before the bad ID is seen
  CHECK(log.Take() == StreamEvents{"keymiss a", "keymiss b", "keymiss c", "keymiss d",
                                   "keymiss c", "keymiss d", "keymiss e", "keymiss f",
                                   "keymiss g", "keymiss h", "keymiss i", "keymiss j"});
  CHECK(h.state.stats.keyspace_misses - misses == 12);
  h.Run({"XRANGE", "k", "bad", "+"});  // the IDs are checked first
  h.Run({"XDEL", "l", "1-1"});
  h.Run({"XTRIM", "m", "MAXLEN", "0"});
  h.Run({"XSETID", "n", "1-1"});
  h.Run({"XGROUP", "CREATE", "o", "g", "$"});
  h.Run({"XREAD", "STREAMS", "s", "0"});
  CHECK(log.Take().empty());
}
