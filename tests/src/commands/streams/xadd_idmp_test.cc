// XADD IDMP / IDMPAUTO, XCFGSET and XIDMPRECORD in-process with a pinned clock: duplicates answer
// the original ID and add nothing, the errors, XCFGSET's ranges and clearing, MAXSIZE eviction,
// expiry at exactly IDMP-DURATION, an iid reused after XDEL of its entry, MULTI and EVAL, what
// the AOF records, and an AOF rewrite that rebuilds the same IDMP state.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/aof_loader.h"
#include "src/aof_snapshot.h"
#include "tests/support/command_harness.h"

using testing_support::PinnedClockHarness;

namespace {

using IdmpArgvs = std::vector<std::vector<std::string>>;

std::string IdmpBulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// XINFO STREAM's six IDMP fields as RESP2 bytes, in Redis's order.
std::string IdmpFields(int duration, int maxsize, int pids, int iids, int added, int dups) {
  auto field = [](const std::string& name, int n) {
    return IdmpBulk(name) + ":" + std::to_string(n) + "\r\n";
  };
  return field("idmp-duration", duration) + field("idmp-maxsize", maxsize) +
         field("pids-tracked", pids) + field("iids-tracked", iids) + field("iids-added", added) +
         field("iids-duplicates", dups);
}

bool IdmpInfoHas(PinnedClockHarness& h, const std::string& key, const std::string& fields) {
  return h.Run({"XINFO", "STREAM", key}).find(fields) != std::string::npos;
}

}  // namespace

TEST_CASE("XADD IDMP adds once and answers a retry with the original entry's ID",
          "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  CHECK(h.Run({"XADD", "s", "IDMP", "p1", "m1", "*", "f", "v"}) == IdmpBulk("1000-0"));
  h.At(1500);
  // The fields may differ: the pair decides.
  CHECK(h.Run({"XADD", "s", "IDMP", "p1", "m1", "*", "f", "other"}) == IdmpBulk("1000-0"));
  CHECK(h.Run({"XLEN", "s"}) == ":1\r\n");
  // Another producer's m1 is its own.
  CHECK(h.Run({"XADD", "s", "IDMP", "p2", "m1", "*", "f", "v"}) == IdmpBulk("1500-0"));
  CHECK(h.Run({"XADD", "s", "IDMP", "p1", "m2", "*", "f", "v"}) == IdmpBulk("1500-1"));
  CHECK(h.Run({"XLEN", "s"}) == ":3\r\n");
  CHECK(IdmpInfoHas(h, "s", IdmpFields(100, 100, 2, 3, 3, 1)));
}

TEST_CASE("XADD IDMPAUTO takes the iid from the field/value pairs, in any order",
          "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  CHECK(h.Run({"XADD", "s", "IDMPAUTO", "p", "*", "a", "1", "b", "2"}) == IdmpBulk("1000-0"));
  CHECK(h.Run({"XADD", "s", "IDMPAUTO", "p", "*", "b", "2", "a", "1"}) == IdmpBulk("1000-0"));
  CHECK(h.Run({"XADD", "s", "IDMPAUTO", "p", "*", "a", "1", "b", "3"}) == IdmpBulk("1000-1"));
  // Pairs are hashed with their boundaries: ("ab","c") is not ("a","bc").
  CHECK(h.Run({"XADD", "s", "IDMPAUTO", "p", "*", "ab", "c"}) == IdmpBulk("1000-2"));
  CHECK(h.Run({"XADD", "s", "IDMPAUTO", "p", "*", "a", "bc"}) == IdmpBulk("1000-3"));
  CHECK(h.Run({"XLEN", "s"}) == ":4\r\n");
}

TEST_CASE("XADD IDMP options are refused with an explicit ID, twice, together or empty",
          "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  const std::string syntax = "-ERR syntax error\r\n";
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "i", "5-1", "f", "v"}) == syntax);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "i", "5-*", "f", "v"}) == syntax);
  CHECK(h.Run({"XADD", "s", "IDMPAUTO", "p", "5", "f", "v"}) == syntax);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "i", "IDMP", "p", "j", "*", "f", "v"}) == syntax);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "i", "IDMPAUTO", "p", "*", "f", "v"}) == syntax);
  CHECK(h.Run({"XADD", "s", "IDMP", "", "i", "*", "f", "v"}) == syntax);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "", "*", "f", "v"}) == syntax);
  CHECK(h.Run({"EXISTS", "s"}) == ":0\r\n");
  // With the other options, in the documented place or another.
  CHECK(h.Run({"XADD", "s", "NOMKSTREAM", "IDMP", "p", "i", "*", "f", "v"}) == "$-1\r\n");
  CHECK(h.Run({"XADD", "s", "KEEPREF", "IDMP", "p", "i", "MAXLEN", "~", "10", "*", "f", "v"}) ==
        IdmpBulk("1000-0"));
  CHECK(h.Run({"XADD", "s", "MAXLEN", "10", "IDMP", "p", "i", "*", "f", "v"}) ==
        IdmpBulk("1000-0"));
  h.Run({"SET", "str", "x"});
  CHECK(h.Run({"XADD", "str", "IDMP", "p", "i", "*", "f", "v"}).rfind("-WRONGTYPE", 0) == 0);
}

TEST_CASE("XCFGSET checks its ranges, needs the stream and an option", "[xcfgset][idmp]") {
  PinnedClockHarness h(1000);
  CHECK(h.Run({"XCFGSET", "s", "IDMP-DURATION", "10"}) == "-ERR no such key\r\n");
  h.Run({"XADD", "s", "*", "f", "v"});
  CHECK(h.Run({"XCFGSET", "s"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XCFGSET", "s", "IDMP-DURATION"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XCFGSET", "s", "DURATION", "10"}) == "-ERR syntax error\r\n");
  for (const char* bad : {"0", "86401", "-1", "x", "1.5"}) {
    CHECK(h.Run({"XCFGSET", "s", "IDMP-DURATION", bad}) == "-ERR invalid duration\r\n");
  }
  for (const char* bad : {"0", "10001", "y"}) {
    CHECK(h.Run({"XCFGSET", "s", "IDMP-MAXSIZE", bad}) == "-ERR invalid maxsize\r\n");
  }
  // A stream that never used IDMP replies to XINFO as before.
  CHECK(h.Run({"XINFO", "STREAM", "s"}).find("idmp-duration") == std::string::npos);
  CHECK(h.Run({"XCFGSET", "s", "IDMP-DURATION", "86400", "IDMP-MAXSIZE", "10000"}) ==
        "+OK\r\n");
  CHECK(h.Run({"XCFGSET", "s", "idmp-maxsize", "1"}) == "+OK\r\n");
  CHECK(IdmpInfoHas(h, "s", IdmpFields(86400, 1, 0, 0, 0, 0)));
  h.Run({"SET", "str", "x"});
  CHECK(h.Run({"XCFGSET", "str", "IDMP-MAXSIZE", "5"}).rfind("-WRONGTYPE", 0) == 0);
}

TEST_CASE("XCFGSET with new values clears the iids; the same values keep them",
          "[xcfgset][idmp]") {
  PinnedClockHarness h(1000);
  h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"});
  CHECK(h.Run({"XCFGSET", "s", "IDMP-DURATION", "100", "IDMP-MAXSIZE", "100"}) == "+OK\r\n");
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("1000-0"));
  CHECK(h.Run({"XCFGSET", "s", "IDMP-DURATION", "50"}) == "+OK\r\n");
  CHECK(IdmpInfoHas(h, "s", IdmpFields(50, 100, 0, 0, 1, 1)));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("1000-1"));
}

TEST_CASE("Past IDMP-MAXSIZE a producer's oldest iid is forgotten first", "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  h.Run({"XADD", "s", "*", "f", "v"});
  h.Run({"XCFGSET", "s", "IDMP-MAXSIZE", "2"});
  for (const char* iid : {"a", "b", "c"}) h.Run({"XADD", "s", "IDMP", "p", iid, "*", "f", "v"});
  CHECK(IdmpInfoHas(h, "s", IdmpFields(100, 2, 1, 2, 3, 0)));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "c", "*", "f", "v"}) == IdmpBulk("1000-3"));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("1000-4"));
  // Another producer has its own MAXSIZE.
  CHECK(h.Run({"XADD", "s", "IDMP", "q", "a", "*", "f", "v"}) == IdmpBulk("1000-5"));
  CHECK(h.Run({"XLEN", "s"}) == ":6\r\n");
}

TEST_CASE("An iid is a duplicate until exactly IDMP-DURATION after its entry", "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  h.Run({"XADD", "s", "*", "f", "v"});
  h.Run({"XCFGSET", "s", "IDMP-DURATION", "2"});
  h.At(5000);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("5000-0"));
  h.At(6999);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("5000-0"));
  CHECK(IdmpInfoHas(h, "s", IdmpFields(2, 100, 1, 1, 1, 1)));
  h.At(7000);
  CHECK(IdmpInfoHas(h, "s", IdmpFields(2, 100, 0, 0, 1, 1)));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("7000-0"));
  // The server default applies to streams without XCFGSET, and CONFIG SET changes it.
  CHECK(h.Run({"CONFIG", "SET", "stream-idmp-duration", "1"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "stream-idmp-maxsize"}) ==
        "*2\r\n$19\r\nstream-idmp-maxsize\r\n$3\r\n100\r\n");
  h.Run({"XADD", "t", "IDMP", "p", "a", "*", "f", "v"});
  h.At(7999);
  CHECK(h.Run({"XADD", "t", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("7000-0"));
  h.At(8000);
  CHECK(h.Run({"XADD", "t", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("8000-0"));
  CHECK(h.Run({"CONFIG", "SET", "stream-idmp-duration", "0"}).rfind("-ERR", 0) == 0);
  CHECK(h.Run({"CONFIG", "SET", "stream-idmp-maxsize", "10001"}).rfind("-ERR", 0) == 0);
}

TEST_CASE("An iid whose entry was deleted adds a fresh entry and is recorded anew",
          "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v1"}) == IdmpBulk("1000-0"));
  CHECK(h.Run({"XDEL", "s", "1000-0"}) == ":1\r\n");
  // Redis 8.6 answers 1000-0 and adds nothing (#14908); the new entry is kept here.
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v2"}) == IdmpBulk("1000-1"));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v3"}) == IdmpBulk("1000-1"));
  CHECK(h.Run({"XLEN", "s"}) == ":1\r\n");
  CHECK(IdmpInfoHas(h, "s", IdmpFields(100, 100, 1, 1, 2, 1)));
  // The same after a trim took the entry.
  CHECK(h.Run({"XTRIM", "s", "MAXLEN", "0"}) == ":1\r\n");
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v4"}) == IdmpBulk("1000-2"));
}

TEST_CASE("An IDMP XADD is recorded as one XADD with its concrete ID and IDMP; a duplicate as "
          "nothing",
          "[xadd][idmp][aof]") {
  PinnedClockHarness h(1000);
  CHECK(h.Recorded({"XADD", "s", "IDMP", "p", "a", "MAXLEN", "~", "5", "*", "f", "v"}) ==
        IdmpArgvs{{"XADD", "s", "IDMP", "p", "a", "MAXLEN", "=", "1", "1000-0", "f", "v"}});
  CHECK(h.Recorded({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}).empty());
  const auto autos = h.Recorded({"XADD", "s", "IDMPAUTO", "q", "*", "f", "v"});
  REQUIRE(autos.size() == 1);
  REQUIRE(autos[0].size() == 8);
  CHECK(autos[0][2] == "IDMP");
  CHECK(autos[0][3] == "q");
  CHECK(autos[0][4].size() == 16);  // the binary iid
  CHECK(autos[0][5] == "1000-1");
  CHECK(h.Recorded({"XADD", "s", "IDMP", "p", "z", "MAXLEN", "0", "*", "f", "v"}) ==
        IdmpArgvs{{"XADD", "s", "IDMP", "p", "z", "MAXLEN", "0", "1000-2", "f", "v"}});
  CHECK(h.Recorded({"XCFGSET", "s", "IDMP-MAXSIZE", "3"}) ==
        IdmpArgvs{{"XCFGSET", "s", "IDMP-MAXSIZE", "3"}});
}

TEST_CASE("XADD IDMP with an explicit ID is a syntax error from a client, the AOF's form on "
          "replay",
          "[xadd][idmp][aof]") {
  PinnedClockHarness h(1000);
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "5-0", "f", "v"}) ==
        "-ERR syntax error\r\n");
  const std::string aof =
      server::SnapshotText(h.state.dbs, 1000) +
      "*8\r\n$4\r\nXADD\r\n$1\r\ns\r\n$4\r\nIDMP\r\n$1\r\np\r\n$1\r\na\r\n"
      "$5\r\n900-0\r\n$1\r\nf\r\n$1\r\nv\r\n"
      "*8\r\n$4\r\nXADD\r\n$1\r\ns\r\n$4\r\nIDMP\r\n$1\r\np\r\n$3\r\nold\r\n"
      "$5\r\n901-0\r\n$1\r\nf\r\n$1\r\nv\r\n";
  PinnedClockHarness replica(1000);
  const server::AofReplayResult r = server::ReplayAof(replica.state, aof);
  REQUIRE(r.ending == server::AofReplayResult::Ending::kClean);
  REQUIRE(r.failed == 0);
  CHECK(replica.Run({"XLEN", "s"}) == ":2\r\n");
  CHECK(replica.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("900-0"));
  // Replayed long after: an iid past its duration is not kept.
  PinnedClockHarness later(900 + 100000);
  REQUIRE(server::ReplayAof(later.state, aof).failed == 0);
  CHECK(later.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("100900-0"));
}

TEST_CASE("XIDMPRECORD rebuilds an iid, refuses a conflict and drops an expired one",
          "[xidmprecord][idmp]") {
  PinnedClockHarness h(200000);
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "a", "1-0"}) == "-ERR no such key\r\n");
  h.Run({"XADD", "s", "1000-0", "f", "v"});
  h.Run({"XADD", "s", "199000-0", "f", "v"});
  h.Run({"XADD", "s", "199500-0", "f", "v"});
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "a", "5-0"}) ==
        "-ERR XIDMPRECORD stream ID does not refer to an existing entry\r\n");
  CHECK(h.Run({"XIDMPRECORD", "s", "", "a", "199000-0"}) ==
        "-ERR XIDMPRECORD producer id and idempotent id must not be empty\r\n");
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "a", "bad"}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "a", "199000-0"}) == "+OK\r\n");
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "a", "199000-0"}) == "+OK\r\n");
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "a", "199500-0"}) ==
        "-ERR XIDMPRECORD producer id and idempotent id already map to another stream ID\r\n");
  // 199 s old with a 100 s duration: accepted, not kept.
  CHECK(h.Run({"XIDMPRECORD", "s", "p", "old", "1000-0"}) == "+OK\r\n");
  CHECK(IdmpInfoHas(h, "s", IdmpFields(100, 100, 1, 1, 1, 0)));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"}) == IdmpBulk("199000-0"));
  CHECK(h.Run({"XADD", "s", "IDMP", "p", "old", "*", "f", "v"}) == IdmpBulk("200000-0"));
}

TEST_CASE("XADD IDMP inside MULTI sees the transaction's own earlier adds", "[xadd][idmp]") {
  PinnedClockHarness h(1000);
  h.Run({"MULTI"});
  h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"});
  h.Run({"XADD", "s", "IDMP", "p", "a", "*", "f", "v"});
  h.Run({"XADD", "s", "IDMPAUTO", "p", "*", "f", "v"});
  const auto recorded = h.Recorded({"EXEC"});
  CHECK(h.Run({"XLEN", "s"}) == ":2\r\n");
  REQUIRE(recorded.size() == 4);
  CHECK(recorded[0] == std::vector<std::string>{"MULTI"});
  CHECK(recorded[1] == std::vector<std::string>{"XADD", "s", "IDMP", "p", "a", "1000-0", "f", "v"});
  CHECK(recorded[2][5] == "1000-1");
  CHECK(recorded[3] == std::vector<std::string>{"EXEC"});
}

TEST_CASE("XADD IDMP from a script answers duplicates and records concrete IDs",
          "[xadd][idmp][scripting]") {
  PinnedClockHarness h(1000);
  const char* script =
      "local a = redis.call('XADD', KEYS[1], 'IDMP', 'p', ARGV[1], '*', 'f', 'v') "
      "local b = redis.call('XADD', KEYS[1], 'IDMP', 'p', ARGV[1], '*', 'f', 'v') "
      "return {a, b}";
  CHECK(h.Recorded({"EVAL", script, "1", "s", "job-1"}) ==
        IdmpArgvs{{"XADD", "s", "IDMP", "p", "job-1", "1000-0", "f", "v"}});
  CHECK(h.Run({"EVAL", script, "1", "s", "job-1"}) ==
        "*2\r\n" + IdmpBulk("1000-0") + IdmpBulk("1000-0"));
  CHECK(h.Run({"EVAL", "return redis.call('XCFGSET', KEYS[1], 'IDMP-MAXSIZE', 5)", "1", "s"}) ==
        "+OK\r\n");
}

TEST_CASE("An AOF rewrite writes the IDMP settings and iids back, and replays to the same state",
          "[idmp][aof_rewrite]") {
  PinnedClockHarness h(100000);
  h.Run({"XADD", "s", "IDMP", "p1", "a", "*", "f", "v"});
  h.Run({"XADD", "s", "IDMP", "p1", "b", "*", "f", "v"});
  h.Run({"XADD", "s", "IDMPAUTO", "p2", "*", "f", "v"});
  h.Run({"XADD", "s", "IDMP", "p1", "c", "*", "f", "v"});
  h.Run({"XDEL", "s", "100000-1"});  // b's entry: not written back
  h.Run({"XADD", "t", "*", "f", "v"});
  h.Run({"XCFGSET", "t", "IDMP-DURATION", "30", "IDMP-MAXSIZE", "2"});
  h.Run({"XADD", "t", "IDMP", "p", "x", "*", "f", "v"});
  const std::string aof = server::SnapshotText(h.state.dbs, 100000);
  CHECK(aof.find("XCFGSET") != std::string::npos);
  CHECK(aof.find("$11\r\nXIDMPRECORD\r\n$1\r\ns\r\n$2\r\np1\r\n$1\r\nb") == std::string::npos);

  PinnedClockHarness replica(100000);
  const server::AofReplayResult r = server::ReplayAof(replica.state, aof);
  REQUIRE(r.ending == server::AofReplayResult::Ending::kClean);
  REQUIRE(r.failed == 0);
  // What the stream remembers: a, the auto iid and c for s; x for t under its own settings.
  CHECK(IdmpInfoHas(replica, "s", IdmpFields(100, 100, 2, 3, 3, 0)));
  CHECK(IdmpInfoHas(replica, "t", IdmpFields(30, 2, 1, 1, 1, 0)));
  CHECK(replica.Run({"XADD", "s", "IDMP", "p1", "a", "*", "f", "v"}) == IdmpBulk("100000-0"));
  CHECK(replica.Run({"XADD", "s", "IDMPAUTO", "p2", "*", "f", "v"}) == IdmpBulk("100000-2"));
  CHECK(replica.Run({"XADD", "s", "IDMP", "p1", "b", "*", "f", "v"}) == IdmpBulk("100000-4"));
  CHECK(replica.Run({"XADD", "t", "IDMP", "p", "x", "*", "f", "v"}) == IdmpBulk("100000-1"));
  // Time still counts from the entries: x goes 30 s after its entry.
  replica.At(130000);
  CHECK(replica.Run({"XADD", "t", "IDMP", "p", "x", "*", "f", "v"}) == IdmpBulk("130000-0"));
}
