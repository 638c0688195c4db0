// XCLAIM and XNACK given the same ID more than once: each occurrence is judged on what the
// ones before it did (plans decide on the data before anything is applied, so they must
// account for their own earlier steps). In-process with a pinned clock.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "src/server_state.h"

namespace {

using testing_support::Bulk;

constexpr int64_t kRepeatStartMs = 1'700'000'000'000;

struct RepeatedIdsHarness : testing_support::CommandHarness {
  RepeatedIdsHarness() {
    state.pinned_time_ms = kRepeatStartMs;
    Run({"XADD", "s", "1-0", "f", "v"});
    Run({"XADD", "s", "2-0", "f", "w"});
    Run({"XGROUP", "CREATE", "s", "g", "0"});
  }
  void At(int64_t ms_after_t0) { state.pinned_time_ms = kRepeatStartMs + ms_after_t0; }
  // XPENDING's extended row for `id`: [id, consumer, idle, count].
  std::string Pending(const std::string& id) { return Run({"XPENDING", "s", "g", id, id, "1"}); }
};


}  // namespace

TEST_CASE("XCLAIM claims a repeated ID again when min-idle-time allows, and not when it does not",
          "[delivery_repeated_ids]") {
  RepeatedIdsHarness h;
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"});
  h.At(10);
  CHECK(h.Run({"XCLAIM", "s", "g", "b", "0", "1-0", "1-0", "JUSTID"}) ==
        "*2\r\n" + Bulk("1-0") + Bulk("1-0"));
  CHECK(h.Pending("1-0") == "*1\r\n*4\r\n" + Bulk("1-0") + Bulk("b") + ":0\r\n:1\r\n");
  CHECK(h.Run({"XCLAIM", "s", "g", "c", "0", "1-0", "1-0"}).starts_with("*2\r\n"));
  CHECK(h.Pending("1-0") == "*1\r\n*4\r\n" + Bulk("1-0") + Bulk("c") + ":0\r\n:3\r\n");
  h.At(2010);
  // The first occurrence claims it (idle 2000 ms); the second sees it idle 0 ms.
  CHECK(h.Run({"XCLAIM", "s", "g", "d", "1000", "1-0", "1-0", "JUSTID"}) == "*1\r\n" + Bulk("1-0"));
  CHECK(h.Pending("1-0") == "*1\r\n*4\r\n" + Bulk("1-0") + Bulk("d") + ":0\r\n:3\r\n");
}

TEST_CASE("XCLAIM FORCE of a repeated ID creates the pending entry, then claims it",
          "[delivery_repeated_ids]") {
  RepeatedIdsHarness h;
  CHECK(h.Run({"XCLAIM", "s", "g", "b", "0", "2-0", "2-0", "FORCE"}).starts_with("*2\r\n"));
  // Created at count 1 and counted by both claims.
  CHECK(h.Pending("2-0") == "*1\r\n*4\r\n" + Bulk("2-0") + Bulk("b") + ":0\r\n:3\r\n");
}

TEST_CASE("XCLAIM drops a repeated deleted ID once and skips it after", "[delivery_repeated_ids]") {
  RepeatedIdsHarness h;
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  h.Run({"XDEL", "s", "1-0"});
  CHECK(h.Run({"XCLAIM", "s", "g", "b", "0", "1-0", "2-0", "1-0", "FORCE", "JUSTID"}) ==
        "*1\r\n" + Bulk("2-0"));
  CHECK(h.Pending("1-0") == "*0\r\n");
}

TEST_CASE("XNACK SILENT undoes one delivery per occurrence of a repeated ID",
          "[delivery_repeated_ids]") {
  RepeatedIdsHarness h;
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"});
  h.Run({"XCLAIM", "s", "g", "a", "0", "1-0", "RETRYCOUNT", "3"});
  CHECK(h.Run({"XNACK", "s", "g", "SILENT", "IDS", "2", "1-0", "1-0"}) == ":2\r\n");
  CHECK(h.Pending("1-0") == "*1\r\n*4\r\n" + Bulk("1-0") + Bulk("") + ":-1\r\n:1\r\n");
}

TEST_CASE("XNACK FORCE of a repeated ID the first occurrence dead-lettered releases it afresh",
          "[delivery_repeated_ids]") {
  RepeatedIdsHarness h;
  h.Run({"XGROUP", "SETPOLICY", "s", "g", "MAX-DELIVERIES", "1"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"});
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "2", "1-0", "1-0", "FORCE"}) == ":2\r\n");
  CHECK(h.Run({"XLEN", "s:dlq"}) == ":1\r\n");
  CHECK(h.Pending("1-0") == "*1\r\n*4\r\n" + Bulk("1-0") + Bulk("") + ":-1\r\n:0\r\n");
  CHECK(h.state.policy_stats.dead_lettered == 1);
}

TEST_CASE("XNACK of a repeated ID whose dead-letter key refuses releases it at every occurrence",
          "[delivery_repeated_ids]") {
  RepeatedIdsHarness h;
  h.Run({"XGROUP", "SETPOLICY", "s", "g", "MAX-DELIVERIES", "1"});
  h.Run({"SET", "s:dlq", "not a stream"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"});
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "2", "1-0", "1-0"}) == ":2\r\n");
  CHECK(h.Pending("1-0") == "*1\r\n*4\r\n" + Bulk("1-0") + Bulk("") + ":-1\r\n:1\r\n");
  CHECK(h.state.policy_stats.dead_letter_failures == 2);
  CHECK(h.state.policy_stats.dead_lettered == 0);
}
