// EVAL and friends in-process: what a script's writes leave for the AOF, the caller's db and
// time as the script sees them, client-side caching of the keys a script reads, and the cache
// (SCRIPT LOAD/EXISTS/FLUSH). Replies and errors are compared with Redis in the compat suite.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/multi_client_harness.h"

using testing_support::CommandHarness;
using testing_support::MultiClientHarness;
using testing_support::PinnedClockHarness;

using Argvs = std::vector<std::vector<std::string>>;

TEST_CASE("A script's writes reach the AOF as one MULTI/EXEC, never the script itself",
          "[scripting][commands]") {
  PinnedClockHarness h(1000);
  CHECK(h.Recorded({"EVAL", "redis.call('set', KEYS[1], 'a'); redis.call('incr', 'n'); return 1",
                    "1", "k"}) ==
        Argvs{{"MULTI"}, {"set", "k", "a"}, {"incr", "n"}, {"EXEC"}});
  // One write needs no wrapping; a read-only script records nothing.
  CHECK(h.Recorded({"EVAL", "return redis.call('set', 'k', 'b')", "0"}) ==
        Argvs{{"set", "k", "b"}});
  CHECK(h.Recorded({"EVAL", "return redis.call('get', 'k')", "0"}).empty());
  // Writes are recorded in their deterministic form, as anywhere else.
  CHECK(h.Recorded({"EVAL", "return redis.call('set', 'e', 'v', 'EX', '10')", "0"}) ==
        Argvs{{"SET", "e", "v", "PXAT", "11000"}});
}

TEST_CASE("A script in a transaction is wrapped once, with the transaction", "[scripting][commands]") {
  PinnedClockHarness h(1000);
  h.Run({"MULTI"});
  h.Run({"SET", "a", "1"});
  h.Run({"EVAL", "redis.call('set', 'b', '2'); redis.call('set', 'c', '3')", "0"});
  CHECK(h.Recorded({"EXEC"}) ==
        Argvs{{"MULTI"}, {"SET", "a", "1"}, {"set", "b", "2"}, {"set", "c", "3"}, {"EXEC"}});
}

TEST_CASE("redis.set_repl(REPL_NONE) keeps the following writes out of the AOF",
          "[scripting][commands]") {
  PinnedClockHarness h(1000);
  CHECK(h.Recorded({"EVAL",
                    "redis.call('set','a','1'); redis.set_repl(redis.REPL_NONE); "
                    "redis.call('set','b','2'); redis.set_repl(redis.REPL_ALL); "
                    "redis.call('set','c','3')",
                    "0"}) == Argvs{{"MULTI"}, {"set", "a", "1"}, {"set", "c", "3"}, {"EXEC"}});
  CHECK(h.Run({"MGET", "a", "b", "c"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
}

TEST_CASE("A script's SELECT does not change the caller's db", "[scripting][commands]") {
  CommandHarness h;
  h.Run({"SELECT", "2"});
  CHECK(h.Run({"EVAL", "redis.call('select', '5'); return redis.call('set', 'k', 'v')", "0"}) ==
        "+OK\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('get', 'k')", "0"}) == "$-1\r\n");
  CHECK(h.client.db_index == 2);
  h.Run({"SELECT", "5"});
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("Time stands still for the whole script: a key cannot expire half-way",
          "[scripting][commands]") {
  CommandHarness h;  // the wall clock
  // The key has 5 ms to live; the script then spins for 30 ms of real time (TIME reads the
  // clock itself) and looks again: the commands still see the script's start time.
  CHECK(h.Run({"EVAL",
               "redis.call('set', 'k', 'v', 'PX', '5') "
               "local function now() local t = redis.call('time') return t[1] * 1e6 + t[2] end "
               "local start = now() while now() - start < 30000 do end "
               "return redis.call('exists', 'k')",
               "0"}) == ":1\r\n");
  CHECK(h.state.frozen_time_ms == -1);
  // Outside the script time moves on again, and the key is gone.
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("The keys a script reads are tracked for its caller", "[scripting][commands]") {
  MultiClientHarness h;
  server::Client& a = h.NewClient();
  server::Client& b = h.NewClient();
  h.Session(a, {"HELLO", "3"});
  h.Session(a, {"CLIENT", "TRACKING", "on"});
  h.Session(a, {"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k"});
  h.RunAs(b, {"SET", "k", "1"});
  CHECK(h.outputs.Take(a.id) == ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
  // The script's own invalidation of a key the caller tracks follows the script's reply.
  h.Session(a, {"GET", "k"});
  CHECK(h.Session(a, {"EVAL", "return redis.call('set', 'k', '2')", "0"}) ==
        "+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
}

TEST_CASE("The script cache: LOAD, EXISTS and FLUSH", "[scripting][commands]") {
  CommandHarness h;
  const std::string sha =
      h.Run({"EVAL", "return redis.sha1hex(\"return 'hi'\")", "0"}).substr(5, 40);
  CHECK(h.Run({"SCRIPT", "LOAD", "return 'hi'"}) == "$40\r\n" + sha + "\r\n");
  CHECK(h.Run({"EVALSHA", sha, "0"}) == "$2\r\nhi\r\n");
  CHECK(h.Run({"SCRIPT", "EXISTS", sha, "nope"}) == "*2\r\n:1\r\n:0\r\n");
  CHECK(h.Run({"SCRIPT", "FLUSH"}) == "+OK\r\n");
  CHECK(h.Run({"EVALSHA", sha, "0"}) == "-NOSCRIPT No matching script. Please use EVAL.\r\n");
  // After a flush the sandbox is whole again.
  CHECK(h.Run({"EVAL", "return type(print)", "0"}).starts_with(
      "-ERR user_script:1: Script attempted to access nonexistent global variable 'print'"));
}

TEST_CASE("A write from a read-only script is refused and changes nothing", "[scripting][commands]") {
  CommandHarness h;
  CHECK(h.Run({"EVAL_RO", "return redis.call('set', 'k', 'v')", "0"}).starts_with(
      "-ERR Write commands are not allowed from read-only scripts."));
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("Runnel's stream extensions work from a script and reach the AOF deterministically",
          "[scripting][commands]") {
  PinnedClockHarness h(1000);
  h.Run({"XADD", "jobs", "1-1", "f", "v"});
  h.Run({"XGROUP", "CREATE", "jobs", "g", "0"});
  // A delivery policy set, an entry read and NACKed with a delay, all in one script.
  const std::string script =
      "redis.call('XGROUP', 'SETPOLICY', KEYS[1], 'g', 'ACK-TIMEOUT', 1000, 'MAX-DELIVERIES', 2) "
      "redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', KEYS[1], '>') "
      "return redis.call('XNACK', KEYS[1], 'g', 'FAIL', 'IDS', 1, '1-1', 'DELAY', 500)";
  const auto recorded = h.Recorded({"EVAL", script, "1", "jobs"});
  REQUIRE(recorded.size() >= 4);
  CHECK(recorded.front() == std::vector<std::string>{"MULTI"});
  CHECK(recorded.back() == std::vector<std::string>{"EXEC"});
  // The delay became an absolute due time: replaying the record gives the same state.
  bool absolute = false;
  for (const auto& argv : recorded) {
    for (const auto& a : argv) absolute = absolute || a == "1500";
  }
  CHECK(absolute);
  CHECK(h.Run({"XPENDING", "jobs", "g"}).starts_with("*4\r\n:1\r\n"));
  // XREDRIVE from a script too: nothing dead-lettered yet.
  CHECK(h.Run({"EVAL", "return redis.call('XREDRIVE', KEYS[1])", "1", "jobs:dlq"}) == ":0\r\n");
}

TEST_CASE("Blocking commands answer at once from a script, as in Redis 7.2 and later",
          "[scripting][commands]") {
  CommandHarness h;
  CHECK(h.Run({"EVAL", "return redis.call('BLPOP', 'l', 0)", "0"}) == "$-1\r\n");
  CHECK(h.Run({"EVAL", "redis.call('RPUSH', 'l', 'a') return redis.call('BLPOP', 'l', 0)", "0"}) ==
        "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('BZPOPMIN', 'z', 0)", "0"}) == "$-1\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('BRPOPLPUSH', 'l', 'm', 0)", "0"}) == "$-1\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('XREAD', 'BLOCK', 0, 'STREAMS', 's', '$')", "0"}) ==
        "$-1\r\n");
  h.Run({"XADD", "s", "1-1", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "$"});
  CHECK(h.Run({"EVAL",
               "return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>')",
               "0"}) == "$-1\r\n");
}
