// Delayed delivery in-process, on a pinned clock: XSCHEDULE / XSCHEDULED / XUNSCHEDULE, the
// pass that moves due entries into their streams (with `*` IDs at the time they join, recorded
// as the concrete XADD plus XUNSCHEDULE), the records of XSCHEDULE itself (absolute time and
// handle), and the waiting entries in an AOF rewrite.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/aof_snapshot.h"
#include "src/delivery/schedule_pass.h"
#include "tests/support/command_harness.h"

using testing_support::PinnedClockHarness;

namespace {

using ScheduleArgvs = std::vector<std::vector<std::string>>;

ScheduleArgvs SchedulePassRecords(PinnedClockHarness& h, uint64_t* joined = nullptr) {
  h.state.propagation.Take();
  const uint64_t n = server::RunScheduledEntries(h.state, h.state.pinned_time_ms);
  if (joined != nullptr) *joined = n;
  return testing_support::ArgvsOf(h.state.propagation.Take());
}

}  // namespace

TEST_CASE("A scheduled entry joins its stream at its due time with an ID of that time",
          "[streams][schedule]") {
  PinnedClockHarness h(10000);
  CHECK(h.Recorded({"XSCHEDULE", "q", "DELAY", "500", "job", "a"}) ==
        ScheduleArgvs{{"XSCHEDULE", "q", "AT", "10500", "HANDLE", "1", "job", "a"}});
  CHECK(h.Run({"XSCHEDULE", "q", "AT", "10200", "job", "b"}) == ":2\r\n");
  // The stream exists (empty) while entries wait; they are listed in due order.
  CHECK(h.Run({"XLEN", "q"}) == ":0\r\n");
  CHECK(h.Run({"XSCHEDULED", "q"}) ==
        "*2\r\n*3\r\n:2\r\n:10200\r\n*2\r\n$3\r\njob\r\n$1\r\nb\r\n"
        "*3\r\n:1\r\n:10500\r\n*2\r\n$3\r\njob\r\n$1\r\na\r\n");
  CHECK(h.Run({"XSCHEDULED", "q", "COUNT", "1"}).starts_with("*1\r\n*3\r\n:2\r\n"));
  // Nothing is due yet.
  uint64_t joined = 9;
  CHECK(SchedulePassRecords(h, &joined).empty());
  CHECK(joined == 0);
  h.At(10300);
  CHECK(SchedulePassRecords(h, &joined) ==
        ScheduleArgvs{{"MULTI"}, {"XADD", "q", "10300-0", "job", "b"}, {"XUNSCHEDULE", "q", "2"},
                      {"EXEC"}});
  CHECK(joined == 1);
  h.At(20000);
  CHECK(SchedulePassRecords(h, &joined).size() == 4);
  CHECK(h.Run({"XRANGE", "q", "-", "+"}) ==
        "*2\r\n*2\r\n$7\r\n10300-0\r\n*2\r\n$3\r\njob\r\n$1\r\nb\r\n"
        "*2\r\n$7\r\n20000-0\r\n*2\r\n$3\r\njob\r\n$1\r\na\r\n");
  CHECK(h.Run({"XSCHEDULED", "q"}) == "*0\r\n");
}

TEST_CASE("XUNSCHEDULE cancels waiting entries; XSCHEDULE's errors", "[streams][schedule]") {
  PinnedClockHarness h(10000);
  h.Run({"XSCHEDULE", "q", "DELAY", "100", "f", "1"});
  h.Run({"XSCHEDULE", "q", "DELAY", "100", "f", "2"});
  CHECK(h.Recorded({"XUNSCHEDULE", "q", "1", "7"}) ==
        ScheduleArgvs{{"XUNSCHEDULE", "q", "1", "7"}});
  CHECK(h.Recorded({"XUNSCHEDULE", "q", "1"}).empty());  // nothing cancelled, nothing logged
  CHECK(h.Run({"XUNSCHEDULE", "nosuch", "1"}) == ":0\r\n");
  h.At(10100);
  uint64_t joined = 0;
  SchedulePassRecords(h, &joined);
  CHECK(joined == 1);
  CHECK(h.Run({"XRANGE", "q", "-", "+"}).find("$1\r\n2\r\n") != std::string::npos);
  CHECK(h.Run({"XSCHEDULE", "q", "f", "v"}).starts_with("-ERR wrong number of arguments"));
  CHECK(h.Run({"XSCHEDULE", "q", "DELAY", "5", "f"}).starts_with("-ERR wrong number of arguments"));
  CHECK(h.Run({"XSCHEDULE", "q", "DELAY", "-1", "f", "v"}) ==
        "-ERR the delay or due time must be a non-negative integer of milliseconds\r\n");
  CHECK(h.Run({"XSCHEDULE", "q", "DELAY", "1", "AT", "5", "f", "v"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XSCHEDULE", "q", "DELAY", "1", "HANDLE", "0", "f", "v"}) ==
        "-ERR a schedule handle must be a positive integer\r\n");
  h.Run({"XSCHEDULE", "q", "DELAY", "100", "HANDLE", "40", "f", "v"});
  CHECK(h.Run({"XSCHEDULE", "q", "DELAY", "100", "HANDLE", "40", "f", "v"}) ==
        "-ERR the schedule handle is taken\r\n");
  // Handles go on above every handle seen.
  CHECK(h.Run({"XSCHEDULE", "q", "DELAY", "100", "f", "v"}) == ":41\r\n");
  h.Run({"SET", "str", "v"});
  CHECK(h.Run({"XSCHEDULE", "str", "DELAY", "1", "f", "v"}).starts_with("-WRONGTYPE"));
  CHECK(h.Run({"XUNSCHEDULE", "q", "x"}) == "-ERR a schedule handle must be a positive integer\r\n");
}

TEST_CASE("Waiting entries are in XINFO STREAM, survive a rewrite, and work from MULTI and Lua",
          "[streams][schedule]") {
  PinnedClockHarness h(10000);
  h.Run({"XADD", "q", "1-0", "f", "v"});
  h.Run({"EVAL", "return redis.call('XSCHEDULE', KEYS[1], 'AT', 50000, 'f', 'lua')", "1", "q"});
  h.Run({"MULTI"});
  h.Run({"XSCHEDULE", "q", "DELAY", "1000", "f", "multi"});
  h.Run({"EXEC"});
  const std::string info = h.Run({"XINFO", "STREAM", "q"});
  CHECK(info.find("$17\r\nscheduled-entries\r\n:2\r\n") != std::string::npos);
  const std::string aof = server::SnapshotText(h.state.dbs, 10000);
  CHECK(aof.find("$9\r\nXSCHEDULE\r\n$1\r\nq\r\n$2\r\nAT\r\n$5\r\n11000\r\n$6\r\n"
                 "HANDLE\r\n$1\r\n2\r\n") != std::string::npos);
  CHECK(aof.find("$5\r\n50000\r\n$6\r\nHANDLE\r\n$1\r\n1\r\n$1\r\nf\r\n$3\r\nlua\r\n") !=
        std::string::npos);
  // A plain stream's XINFO is unchanged.
  h.Run({"XADD", "plain", "1-0", "f", "v"});
  CHECK(h.Run({"XINFO", "STREAM", "plain"}).starts_with("*20\r\n"));
}

TEST_CASE("RENAME and COPY carry waiting entries and their deadline to the new key",
          "[streams][schedule]") {
  PinnedClockHarness h(10000);
  h.Run({"XSCHEDULE", "old", "DELAY", "100", "f", "v"});
  CHECK(h.Run({"RENAME", "old", "new"}) == "+OK\r\n");
  CHECK(h.Run({"COPY", "new", "twin"}) == ":1\r\n");
  h.At(10100);
  uint64_t joined = 0;
  SchedulePassRecords(h, &joined);
  CHECK(joined == 2);
  CHECK(h.Run({"XLEN", "new"}) == ":1\r\n");
  CHECK(h.Run({"XLEN", "twin"}) == ":1\r\n");
  CHECK(h.Run({"EXISTS", "old"}) == ":0\r\n");
}
