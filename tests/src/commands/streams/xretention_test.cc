// XRETENTION and the retention pass in-process, on a pinned clock: what a pass trims and
// records for the AOF (XTRIM MINID with a concrete ID), pending entries moved to dead letters,
// the bound on one pass, the server default and a stream's own 0 under it, XINFO's fields, and
// the setting in an AOF rewrite.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/aof_snapshot.h"
#include "src/delivery/retention_pass.h"
#include "tests/support/command_harness.h"

using testing_support::PinnedClockHarness;

namespace {

using RetentionArgvs = std::vector<std::vector<std::string>>;

// What one retention pass at the harness's time recorded, and how much it trimmed.
RetentionArgvs RetentionPassRecords(PinnedClockHarness& h, uint64_t* trimmed = nullptr) {
  h.state.propagation.Take();
  const uint64_t n = server::RunRetentionPass(h.state, h.state.pinned_time_ms);
  if (trimmed != nullptr) *trimmed = n;
  return testing_support::ArgvsOf(h.state.propagation.Take());
}

}  // namespace

TEST_CASE("XRETENTION trims entries older than the maximum age, recorded as an exact XTRIM",
          "[streams][retention]") {
  PinnedClockHarness h(100000);
  h.Run({"XADD", "s", "1000-0", "f", "a"});
  h.Run({"XADD", "s", "95000-0", "f", "b"});
  h.Run({"XADD", "s", "99000-0", "f", "c"});
  CHECK(h.Run({"XRETENTION", "s", "5000"}) == "+OK\r\n");
  // Nothing happens until a pass runs; then the two entries older than 5 s go.
  CHECK(h.Run({"XLEN", "s"}) == ":3\r\n");
  CHECK(RetentionPassRecords(h) == RetentionArgvs{{"XTRIM", "s", "MINID", "95000-0"}});
  CHECK(h.Run({"XLEN", "s"}) == ":2\r\n");
  h.At(103500);
  uint64_t trimmed = 0;
  CHECK(RetentionPassRecords(h, &trimmed) == RetentionArgvs{{"XTRIM", "s", "MINID", "98500-0"}});
  CHECK(trimmed == 1);
  CHECK(h.Run({"XRANGE", "s", "-", "+"}) == "*1\r\n*2\r\n$7\r\n99000-0\r\n*2\r\n$1\r\nf\r\n$1\r\nc\r\n");
  // Nothing older left: the next pass records nothing.
  CHECK(RetentionPassRecords(h).empty());
}

TEST_CASE("XRETENTION's errors, and DEFAULT going back to the server default",
          "[streams][retention]") {
  PinnedClockHarness h(100000);
  CHECK(h.Run({"XRETENTION", "nosuch", "10"}) == "-ERR no such key\r\n");
  h.Run({"SET", "str", "x"});
  CHECK(h.Run({"XRETENTION", "str", "10"}).starts_with("-WRONGTYPE"));
  h.Run({"XADD", "s", "1-0", "f", "v"});
  CHECK(h.Run({"XRETENTION", "s", "-1"}) ==
        "-ERR max-age-ms must be a non-negative integer or DEFAULT\r\n");
  CHECK(h.Run({"XRETENTION", "s", "10", "BOGUS"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XRETENTION", "s", "DEFAULT", "DEADLETTER-PENDING"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XRETENTION"}).starts_with("-ERR wrong number of arguments"));
  // A stream's own 0 keeps everything even under a server default.
  h.state.config.stream_retention_ms = 1000;
  CHECK(h.Run({"XRETENTION", "s", "0"}) == "+OK\r\n");
  CHECK(RetentionPassRecords(h).empty());
  CHECK(h.Run({"XRETENTION", "s", "DEFAULT"}) == "+OK\r\n");
  CHECK(RetentionPassRecords(h) == RetentionArgvs{{"XTRIM", "s", "MINID", "99000-0"}});
  CHECK(h.Run({"EXISTS", "s"}) == ":1\r\n");  // an emptied stream stays, as after XTRIM
}

TEST_CASE("Under DEADLETTER-PENDING, old entries still pending go to the group's dead letters",
          "[streams][retention]") {
  PinnedClockHarness h(100000);
  h.Run({"XADD", "s", "1000-0", "f", "pending"});
  h.Run({"XADD", "s", "2000-0", "f", "acked"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  h.Run({"XACK", "s", "g", "2000-0"});
  h.Run({"XRETENTION", "s", "10000", "DEADLETTER-PENDING"});
  const RetentionArgvs records = RetentionPassRecords(h);
  REQUIRE(records.size() >= 3);
  CHECK(records.front() == std::vector<std::string>{"MULTI"});
  CHECK(records.back() == std::vector<std::string>{"EXEC"});
  CHECK(records[records.size() - 2] == std::vector<std::string>{"XTRIM", "s", "MINID", "90000-0"});
  CHECK(h.Run({"XLEN", "s"}) == ":0\r\n");
  CHECK(h.Run({"XPENDING", "s", "g"}).starts_with("*4\r\n:0\r\n"));
  const std::string dlq = h.Run({"XRANGE", "s:dlq", "-", "+"});
  CHECK(dlq.find("pending") != std::string::npos);
  CHECK(dlq.find("retention") != std::string::npos);
  CHECK(dlq.find("acked") == std::string::npos);
}

TEST_CASE("One retention pass trims a bounded number of entries; the next goes on",
          "[streams][retention]") {
  PinnedClockHarness h(1000000);
  const uint64_t total = server::kRetentionEntriesPerPass + 500;
  for (uint64_t i = 1; i <= total; i++) {
    h.Run({"XADD", "s", std::to_string(i) + "-0", "f", "v"});
  }
  h.Run({"XRETENTION", "s", "1"});
  uint64_t trimmed = 0;
  RetentionPassRecords(h, &trimmed);
  CHECK(trimmed == server::kRetentionEntriesPerPass);
  CHECK(h.Run({"XLEN", "s"}) == ":500\r\n");
  RetentionPassRecords(h, &trimmed);
  CHECK(trimmed == 500);
  CHECK(h.Run({"XLEN", "s"}) == ":0\r\n");
}

TEST_CASE("XINFO STREAM shows retention only for a stream under it; a rewrite keeps the setting",
          "[streams][retention]") {
  PinnedClockHarness h(100000);
  h.Run({"XADD", "plain", "1-0", "f", "v"});
  h.Run({"XADD", "kept", "1-0", "f", "v"});
  h.Run({"XADD", "kept", "99999-0", "f", "v"});
  h.Run({"XRETENTION", "kept", "5000", "DEADLETTER-PENDING"});
  RetentionPassRecords(h);
  CHECK(h.Run({"XINFO", "STREAM", "plain"}).starts_with("*20\r\n"));
  const std::string info = h.Run({"XINFO", "STREAM", "kept"});
  CHECK(info.starts_with("*26\r\n"));
  CHECK(info.find("$20\r\nretention-max-age-ms\r\n:5000\r\n$28\r\nretention-deadletter-pending\r\n"
                  ":1\r\n$17\r\nretention-trimmed\r\n:1\r\n") != std::string::npos);
  const std::string aof = server::SnapshotText(h.state.dbs, 100000);
  CHECK(aof.find("$10\r\nXRETENTION\r\n$4\r\nkept\r\n$4\r\n5000\r\n$18\r\nDEADLETTER-PENDING\r\n") !=
        std::string::npos);
  CHECK(aof.find("XRETENTION\r\n$5\r\nplain") == std::string::npos);
}

TEST_CASE("XRETENTION works from a script and inside MULTI, recorded as sent",
          "[streams][retention]") {
  PinnedClockHarness h(100000);
  h.Run({"XADD", "s", "1-0", "f", "v"});
  CHECK(h.Recorded({"EVAL", "return redis.call('XRETENTION', KEYS[1], 2000)", "1", "s"}) ==
        RetentionArgvs{{"XRETENTION", "s", "2000"}});
  h.Run({"MULTI"});
  h.Run({"XRETENTION", "s", "3000", "DEADLETTER-PENDING"});
  // One write: no MULTI/EXEC around it.
  CHECK(h.Recorded({"EXEC"}) ==
        RetentionArgvs{{"XRETENTION", "s", "3000", "DEADLETTER-PENDING"}});
  CHECK(h.Run({"XINFO", "STREAM", "s"}).find(":3000\r\n") != std::string::npos);
}
