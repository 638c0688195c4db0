// The delivery policy at work, in-process with a pinned clock (ServerState::pinned_time_ms, so
// no test sleeps): due times set by every delivery, redelivery to ">" reads, dead-lettering,
// XNACK in every mode with and without a policy, XNACK DELAY, the due timer's pass
// (RunDueGroups) and the AOF records that rebuild all of it on replay.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "src/delivery/due_pass.h"
#include "src/delivery/policy.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "tests/support/dataset_dump.h"
#include "src/due_scheduler.h"
#include "src/errors.h"
#include "src/server_state.h"
#include "streams/consumer_group.h"
#include "streams/delivery_plan.h"
#include "streams/stream.h"

namespace {

using testing_support::Int;
using testing_support::Err;

using Argv = std::vector<std::string>;
using server::PropagatedCommand;

constexpr int64_t kT0 = 1'700'000'000'000;

struct DeliveryHarness : testing_support::CommandHarness {
  std::vector<PropagatedCommand> log;

  // Stream s with entries 1-0 .. n-0 (fields f vN) and group g at 0.
  explicit DeliveryHarness(int entries = 3) {
    state.pinned_time_ms = kT0;
    for (int i = 1; i <= entries; i++) {
      Run({"XADD", "s", std::to_string(i) + "-0", "f", "v" + std::to_string(i)});
    }
    REQUIRE(Run({"XGROUP", "CREATE", "s", "g", "0"}) == "+OK\r\n");
  }
  void At(int64_t ms_after_t0) { state.pinned_time_ms = kT0 + ms_after_t0; }
  int64_t Now() const { return state.pinned_time_ms; }
  std::string Policy(Argv options) {
    Argv argv{"XGROUP", "SETPOLICY", "s", "g"};
    argv.insert(argv.end(), options.begin(), options.end());
    return Run(argv);
  }
  std::string Read(const std::string& consumer, int count = 10) {
    return Run({"XREADGROUP", "GROUP", "g", consumer, "COUNT", std::to_string(count), "STREAMS",
                "s", ">"});
  }
  streams::Stream* Stream(const std::string& key) {
    server::Value* v = state.dbs[0]->Find(key, Now());
    return v != nullptr && v->is_stream() ? &v->stream() : nullptr;
  }
  streams::ConsumerGroup& Group() { return *Stream("s")->FindGroup("g"); }
  streams::PendingEntry* Pending(uint64_t ms) { return Group().FindPending({ms, 0}); }
  // When entry ms-0 is due under the group's effective policy (-1: never).
  int64_t Due(uint64_t ms) {
    return streams::ConsumerGroup::DueOf(
        *Pending(ms), server::EffectivePolicy(state.config, Group()).UniformWait());
  }
  // The dead-letter stream's entries as "f v f v ..." lines (IDs left out: they are generated).
  std::vector<std::string> DeadLetters(const std::string& key = "s:dlq") {
    std::vector<std::string> out;
    streams::Stream* d = Stream(key);
    if (d == nullptr) return out;
    for (auto it = d->Range(streams::StreamID::Min(), streams::StreamID::Max()); it.Valid();
         it.Next()) {
      std::string line;
      for (std::string_view f : it.entry().field_values) {
        if (!line.empty()) line += ' ';
        line += f;
      }
      out.push_back(line);
    }
    return out;
  }
  std::vector<Argv> TakeRecords() {
    auto records = state.propagation.Take();
    log.insert(log.end(), records.begin(), records.end());
    return testing_support::ArgvsOf(records);
  }
};

std::string Entry(uint64_t ms) {
  const std::string id = std::to_string(ms) + "-0";
  const std::string v = "v" + std::to_string(ms);
  return "*2\r\n$" + std::to_string(id.size()) + "\r\n" + id + "\r\n*2\r\n$1\r\nf\r\n$" +
         std::to_string(v.size()) + "\r\n" + v + "\r\n";
}
// An XREADGROUP reply of stream s with these entries (RESP2).
std::string Reply(std::vector<uint64_t> ids) {
  std::string out = "*1\r\n*2\r\n$1\r\ns\r\n*" + std::to_string(ids.size()) + "\r\n";
  for (uint64_t id : ids) out += Entry(id);
  return out;
}
const std::string kNil = "*-1\r\n";

std::string Metadata(const std::string& id, const std::string& consumer, int deliveries,
                     const std::string& reason) {
  return "dlq-source-stream s dlq-source-id " + id + " dlq-group g dlq-consumer " + consumer +
         " dlq-deliveries " + std::to_string(deliveries) + " dlq-reason " + reason;
}

// Replays everything `h` recorded into a fresh server loading it as the AOF loader does.
std::string ReplayDump(DeliveryHarness& h) {
  h.TakeRecords();
  testing_support::CommandHarness replica;
  replica.state.loading = true;
  int db = -1;
  for (const PropagatedCommand& r : h.log) {
    if (r.db != db) {
      db = r.db;
      replica.Run({"SELECT", std::to_string(db)});
    }
    std::string line;
    for (const auto& a : r.argv) line += a + " ";
    INFO("replaying " << line);
    REQUIRE(replica.Run(r.argv).rfind("-", 0) != 0);
  }
  return testing_support::DumpDataset(replica);
}

}  // namespace

TEST_CASE("A group without a policy gives no due times and > never redelivers", "[policy]") {
  DeliveryHarness h;
  CHECK(h.Read("c1", 1) == Reply({1}));
  h.At(86'400'000);
  CHECK(h.Read("c2", 1) == Reply({2}));
  CHECK(h.Group().due_count() == 0);
  CHECK(h.Pending(1)->owner()->name == "c1");
  CHECK(h.state.due.size() == 0);
}

TEST_CASE("An entry whose ack timeout passed goes first to the next > read, of any consumer",
          "[policy]") {
  DeliveryHarness h;
  REQUIRE(h.Policy({"ACK-TIMEOUT", "1000"}) == "+OK\r\n");
  CHECK(h.Read("c1", 1) == Reply({1}));
  CHECK(h.Due(1) == kT0 + 1000);
  CHECK(h.state.due.NextAt() == kT0 + 1000);
  h.At(999);
  CHECK(h.Read("c2", 1) == Reply({2}));  // not due yet: a new entry
  h.At(1000);
  CHECK(h.Read("c2", 2) == Reply({1, 3}));  // due first, then new, within COUNT
  streams::PendingEntry* e = h.Pending(1);
  CHECK(e->owner()->name == "c2");
  CHECK(e->delivery_count() == 2);
  CHECK(e->delivery_time_ms == kT0 + 1000);
  CHECK(h.Due(1) == kT0 + 2000);
  CHECK(h.Group().counters().redelivered == 1);
  CHECK(h.state.policy_stats.redelivered == 1);
}

TEST_CASE("Due entries come back earliest due first, then by ID, whatever their IDs",
          "[policy]") {
  DeliveryHarness h(4);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "1000"}) == "+OK\r\n");
  REQUIRE(h.Read("c1", 3) == Reply({1, 2, 3}));
  // 3-0 delivered 500 ms earlier than the others, so due first.
  h.Run({"XCLAIM", "s", "g", "c1", "0", "3-0", "TIME", std::to_string(kT0 - 500), "JUSTID"});
  CHECK(h.Due(3) == kT0 + 500);
  h.At(5000);
  CHECK(h.Read("c2", 2) == Reply({3, 1}));
  CHECK(h.Read("c3", 2) == Reply({2, 4}));
}

TEST_CASE("BACKOFF steps replace the ack timeout per delivery and the last one repeats",
          "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "60000", "BACKOFF", "100", "400"}) == "+OK\r\n");
  h.Read("c1");
  CHECK(h.Due(1) == kT0 + 100);
  h.At(100);
  CHECK(h.Read("c1") == Reply({1}));
  CHECK(h.Due(1) == kT0 + 500);
  h.At(499);
  CHECK(h.Read("c2") == kNil);
  h.At(500);
  CHECK(h.Read("c2") == Reply({1}));
  CHECK(h.Pending(1)->delivery_count() == 3);
  CHECK(h.Due(1) == kT0 + 900);
}

TEST_CASE("An entry is dead-lettered when it comes due after exactly MAX-DELIVERIES deliveries",
          "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100", "MAX-DELIVERIES", "2"}) == "+OK\r\n");
  CHECK(h.Read("c1") == Reply({1}));
  h.At(100);
  CHECK(h.Read("c2") == Reply({1}));  // the second delivery is allowed
  CHECK(h.DeadLetters().empty());
  h.At(200);
  CHECK(h.Read("c3") == kNil);  // a third would exceed the limit
  CHECK(h.DeadLetters() == std::vector<std::string>{"f v1 " + Metadata("1-0", "c2", 2,
                                                                        "max-deliveries")});
  CHECK(h.Group().pending_count() == 0);
  CHECK(h.Group().counters().dead_lettered == 1);
  CHECK(h.state.policy_stats.dead_lettered == 1);
}

TEST_CASE("The due timer dead-letters what came due exhausted and re-arms for the rest",
          "[policy]") {
  DeliveryHarness h(2);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100", "MAX-DELIVERIES", "1"}) == "+OK\r\n");
  h.Read("c1", 1);
  h.At(50);
  h.Read("c1", 1);
  h.TakeRecords();
  CHECK(h.state.due.NextAt() == kT0 + 100);
  CHECK(server::RunDueGroups(h.state, kT0 + 120));
  CHECK(h.DeadLetters().size() == 1);
  CHECK(h.Pending(1) == nullptr);
  CHECK(h.Pending(2) != nullptr);
  CHECK(h.state.due.NextAt() == kT0 + 150);
  auto records = h.TakeRecords();
  REQUIRE(records.size() == 5);
  CHECK(records[0] == Argv{"MULTI"});
  CHECK(records[1][0] == "XADD");
  CHECK(records[1][1] == "s:dlq");
  CHECK(records[2] == Argv{"XACK", "s", "g", "1-0"});
  CHECK(records[3] == Argv{"XGROUP", "SETCOUNTERS", "s", "g", "REDELIVERED", "0",
                           "DEAD-LETTERED", "1"});
  CHECK(records[4] == Argv{"EXEC"});
  // Nothing came due meanwhile: the pass does nothing and keeps the deadline.
  CHECK_FALSE(server::RunDueGroups(h.state, kT0 + 149));
  CHECK(h.state.due.NextAt() == kT0 + 150);
}

TEST_CASE("A due entry that is not exhausted stays for a reader; the timer only wakes readers",
          "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100", "MAX-DELIVERIES", "5"}) == "+OK\r\n");
  h.Read("c1");
  CHECK(server::RunDueGroups(h.state, kT0 + 100));
  CHECK(h.Pending(1)->owner()->name == "c1");
  CHECK(h.state.due.size() == 0);  // nothing later is due; the reader takes the due one
  h.At(100);
  CHECK(h.Read("c2") == Reply({1}));
}

TEST_CASE("XNACK without a policy behaves as Redis: no due time in any mode", "[policy]") {
  DeliveryHarness h;
  h.Read("c1");
  CHECK(h.Run({"XNACK", "s", "g", "SILENT", "IDS", "1", "1-0"}) == Int(1));
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "2-0"}) == Int(1));
  CHECK(h.Run({"XNACK", "s", "g", "FATAL", "IDS", "1", "3-0"}) == Int(1));
  CHECK(h.Group().due_count() == 0);
  CHECK(h.Group().nacked_count() == 3);
  CHECK(h.Pending(1)->delivery_count() == 0);
  CHECK(h.Pending(2)->delivery_count() == 1);
  CHECK(h.Pending(3)->delivery_count() == static_cast<uint64_t>(INT64_MAX));
  h.At(86'400'000);
  CHECK(h.Read("c2") == kNil);
  CHECK(h.DeadLetters().empty());
}

TEST_CASE("XNACK under a policy: FAIL and SILENT wait for the backoff step, FATAL dead-letters",
          "[policy]") {
  DeliveryHarness h;
  REQUIRE(h.Policy({"BACKOFF", "300", "1000"}) == "+OK\r\n");
  h.Read("c1");
  h.At(10);
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0"}) == Int(1));
  CHECK(h.Due(1) == kT0 + 10 + 300);  // step after delivery 1
  CHECK(h.Run({"XNACK", "s", "g", "SILENT", "IDS", "1", "2-0"}) == Int(1));
  CHECK(h.Pending(2)->delivery_count() == 0);
  CHECK(h.Due(2) == kT0 + 10 + 300);
  CHECK(h.Run({"XNACK", "s", "g", "FATAL", "IDS", "1", "3-0"}) == Int(1));
  CHECK(h.Pending(3) == nullptr);
  CHECK(h.DeadLetters() == std::vector<std::string>{"f v3 " + Metadata("3-0", "c1", 1, "fatal")});
  // A claim does not take a NACKed entry before its due time.
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c2", "CLAIM", "0", "STREAMS", "s", ">"}) == kNil);
  h.At(310);
  CHECK(h.Read("c2") == Reply({1, 2}));
  CHECK(h.Group().counters().redelivered == 2);
}

TEST_CASE("XNACK FAIL that leaves an entry with all its deliveries dead-letters it", "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"MAX-DELIVERIES", "1"}) == "+OK\r\n");
  h.Read("c1");
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0"}) == Int(1));
  CHECK(h.DeadLetters() ==
        std::vector<std::string>{"f v1 " + Metadata("1-0", "c1", 1, "max-deliveries")});
}

TEST_CASE("XNACK DELAY makes an entry due after the delay, policy or not; claims wait for it",
          "[policy]") {
  DeliveryHarness h(1);
  h.Read("c1");
  h.TakeRecords();
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "500", "IDS", "1", "1-0"}) == Int(1));
  CHECK(h.Due(1) == kT0 + 500);
  CHECK(h.TakeRecords() == std::vector<Argv>{{"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0",
                                              "RETRYCOUNT", "1", "FORCE", "DUE-AT",
                                              std::to_string(kT0 + 500)}});
  h.At(499);
  CHECK(h.Run({"XAUTOCLAIM", "s", "g", "c2", "0", "0", "JUSTID"}) ==
        "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n");
  CHECK(h.Read("c2") == kNil);
  h.At(500);
  CHECK(h.Read("c2") == Reply({1}));
  CHECK(h.Pending(1)->delivery_count() == 2);
  CHECK(h.Due(1) == -1);  // no policy: no deadline after the redelivery
}

TEST_CASE("A blocked CLAIM read waits for a delayed NACKed entry's due time, not 0", "[policy]") {
  DeliveryHarness h(2);
  h.Read("c1");
  h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "800", "IDS", "1", "1-0"});
  // 2-0 is owned and idle since kT0; with min-idle 10000 it is claimable at kT0 + 10000.
  CHECK(streams::NextClaimableAt(*h.Stream("s"), h.Group(), 10000) == kT0 + 800);
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "2-0"});
  CHECK(streams::NextClaimableAt(*h.Stream("s"), h.Group(), 10000) == 0);
}

TEST_CASE("XNACK DELAY and DUE-AT are checked like RETRYCOUNT", "[policy]") {
  DeliveryHarness h(1);
  h.Read("c1");
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "-1", "IDS", "1", "1-0"}) ==
        Err(server::err::kXNackDelayNegative));
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "x", "IDS", "1", "1-0"}) ==
        Err(server::err::kNotInteger));
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "DUE-AT", "-5", "IDS", "1", "1-0"}) ==
        Err(server::err::kXNackDueAtNegative));
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "DELAY", "1", "DUE-AT", "5"}) ==
        Err(server::err::kXNackDelayExclusive));
  CHECK(h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "DUE-AT", "12345"}) == Int(1));
  CHECK(h.Due(1) == 12345);
}

TEST_CASE("An entry deleted from the stream is dead-lettered with its metadata only",
          "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"MAX-DELIVERIES", "3"}) == "+OK\r\n");
  h.Read("c1");
  h.Run({"XDEL", "s", "1-0"});
  CHECK(h.Run({"XNACK", "s", "g", "FATAL", "IDS", "1", "1-0"}) == Int(1));
  CHECK(h.DeadLetters() == std::vector<std::string>{Metadata("1-0", "c1", 1, "fatal")});
}

TEST_CASE("A dead-letter key holding another type refuses: the entry is released instead",
          "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"MAX-DELIVERIES", "3", "DEAD-LETTER", "dead"}) == "+OK\r\n");
  h.Run({"SET", "dead", "x"});
  h.Read("c1");
  CHECK(h.Run({"XNACK", "s", "g", "FATAL", "IDS", "1", "1-0"}) == Int(1));
  CHECK(h.Pending(1) != nullptr);
  CHECK(h.Pending(1)->owner() == nullptr);
  CHECK(h.state.policy_stats.dead_letter_failures >= 1);
  CHECK(h.Run({"GET", "dead"}) == "$1\r\nx\r\n");
}

TEST_CASE("SETPOLICY gives pending entries due times from the new policy; clearing removes them",
          "[policy]") {
  DeliveryHarness h(2);
  h.Read("c1");
  CHECK(h.Group().due_count() == 0);
  h.At(20);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "1000"}) == "+OK\r\n");
  CHECK(h.Due(1) == kT0 + 1000);  // from the delivery, not from SETPOLICY
  CHECK(h.state.due.NextAt() == kT0 + 1000);
  CHECK(h.Group().due_count() == 0);  // a uniform wait: implied by delivery times
  REQUIRE(h.Policy({"BACKOFF", "300"}) == "+OK\r\n");
  CHECK(h.Group().due_count() == 2);
  CHECK(h.Due(1) == kT0 + 300);
  REQUIRE(h.Policy({}) == "+OK\r\n");
  CHECK(h.Group().due_count() == 0);
  CHECK(h.Due(1) == -1);
}

TEST_CASE("A policy change leaves NACKed entries' due times as their XNACK gave them", "[policy]") {
  DeliveryHarness h(2);
  h.Read("c1");
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0"});  // no policy: claimable at once
  h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "500", "IDS", "1", "2-0"});
  h.At(100);
  REQUIRE(h.Policy({"BACKOFF", "300"}) == "+OK\r\n");
  CHECK(h.Due(1) == -1);
  CHECK(h.Due(2) == kT0 + 500);
  REQUIRE(h.Policy({}) == "+OK\r\n");
  CHECK(h.Due(1) == -1);
  CHECK(h.Due(2) == kT0 + 500);  // DELAY holds, policy or not
  CHECK(h.state.due.NextAt() == kT0 + 500);
}

TEST_CASE("Deadlines implied by an ack timeout and explicit ones are merged by due time",
          "[policy]") {
  DeliveryHarness h(3);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "1000"}) == "+OK\r\n");
  h.Read("c1");
  h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "500", "IDS", "1", "2-0"});
  h.Run({"XNACK", "s", "g", "FAIL", "DUE-AT", std::to_string(kT0 + 1500), "IDS", "1", "3-0"});
  CHECK(h.Group().due_count() == 2);
  CHECK(h.Group().NextDue(1000) == kT0 + 500);
  CHECK(h.Group().NextDue(1000, kT0 + 500) == kT0 + 1000);
  CHECK(h.Group().NextDue(1000, kT0 + 1000) == kT0 + 1500);
  CHECK_FALSE(h.Group().NextDue(1000, kT0 + 1500).has_value());
  h.At(2000);
  CHECK(h.Read("c2") == Reply({2, 1, 3}));
}

TEST_CASE("CONFIG SET of a default policy knob reschedules groups without their own policy",
          "[policy]") {
  DeliveryHarness h(1);
  h.Read("c1");
  CHECK(h.Run({"CONFIG", "SET", "stream-default-ack-timeout", "700"}) == "+OK\r\n");
  CHECK(h.Due(1) == kT0 + 700);
  CHECK(h.Run({"CONFIG", "SET", "stream-default-ack-timeout", "0"}) == "+OK\r\n");
  CHECK(h.Due(1) == -1);
}

TEST_CASE("XCLAIM and XAUTOCLAIM give claimed entries due times; XAUTOCLAIM dead-letters "
          "exhausted ones instead of claiming them",
          "[policy]") {
  DeliveryHarness h(2);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "1000", "MAX-DELIVERIES", "2"}) == "+OK\r\n");
  h.Read("c1");
  h.At(100);
  h.Run({"XCLAIM", "s", "g", "c2", "0", "1-0"});
  CHECK(h.Pending(1)->delivery_count() == 2);
  CHECK(h.Due(1) == kT0 + 1100);
  h.At(200);
  CHECK(h.Run({"XAUTOCLAIM", "s", "g", "c3", "0", "0", "JUSTID"}).find("2-0") !=
        std::string::npos);
  h.At(300);
  // 1-0 has had its two deliveries; 2-0 (claimed with JUSTID, no count) one.
  const std::string r = h.Run({"XAUTOCLAIM", "s", "g", "c3", "0", "0"});
  CHECK(r.find("1-0") == std::string::npos);
  CHECK(h.Pending(1) == nullptr);
  CHECK(h.DeadLetters().size() == 1);
  CHECK(h.Pending(2)->owner()->name == "c3");
}

TEST_CASE("With CLAIM, due entries come first in CLAIM's reply format", "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100"}) == "+OK\r\n");
  h.Read("c1");
  h.At(150);
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c2", "CLAIM", "0", "STREAMS", "s", ">"}) ==
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*4\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$2\r\nv1\r\n:150\r\n:1\r\n");
  CHECK(h.Pending(1)->delivery_count() == 2);
  CHECK(h.Group().counters().redelivered == 1);
}

TEST_CASE("RENAME moves a stream's deadlines with it", "[policy]") {
  DeliveryHarness h(1);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100", "MAX-DELIVERIES", "1"}) == "+OK\r\n");
  h.Read("c1");
  h.Run({"RENAME", "s", "t"});
  CHECK(server::RunDueGroups(h.state, kT0 + 100));
  CHECK(h.DeadLetters("t:dlq").size() == 1);
}

TEST_CASE("What the policy did is recorded so that a replay rebuilds PEL, due times, counters "
          "and dead letters without running the policy again",
          "[policy][propagation]") {
  DeliveryHarness h(6);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100", "BACKOFF", "100", "200", "MAX-DELIVERIES", "3"}) ==
          "+OK\r\n");
  h.Read("c1", 4);
  h.At(100);
  h.Read("c2", 2);  // two redeliveries
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "3-0"});
  h.Run({"XNACK", "s", "g", "FAIL", "DELAY", "5000", "IDS", "1", "4-0"});
  h.Run({"XNACK", "s", "g", "FATAL", "IDS", "1", "1-0"});
  h.At(400);
  h.Read("c3", 1);
  server::RunDueGroups(h.state, kT0 + 10'000);
  h.Read("c1", 10);
  const std::string dump = testing_support::DumpDataset(h);
  CHECK(dump.find("INVALID") == std::string::npos);
  CHECK(dump.find("dead-lettered=0") == std::string::npos);
  CHECK(ReplayDump(h) == dump);
}

TEST_CASE("A timer deadline is one per group, the earliest kept, taken in deadline order",
          "[policy]") {
  server::DueScheduler d;
  d.Arm(0, "a", "g", 500);
  d.Arm(0, "a", "g", 700);  // later: changes nothing
  d.Arm(0, "a", "g", 300);
  d.Arm(1, "a", "g", 400);  // another db: another group
  d.Arm(0, "b", "g", -1);   // nothing to arm
  CHECK(d.size() == 2);
  CHECK(d.NextAt() == 300);
  auto taken = d.TakeDue(350, 10);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].ref.db == 0);
  CHECK(taken[0].ref.key == "a");
  CHECK(taken[0].ref.group == "g");
  CHECK(taken[0].armed_ms == 300);
  CHECK(d.NextAt() == 400);
  CHECK(d.TakeDue(1000, 10).size() == 1);
  CHECK(d.NextAt() == -1);
}

TEST_CASE("A due entry deleted from the stream is dropped from the PEL by the next > read",
          "[policy]") {
  DeliveryHarness h(2);
  REQUIRE(h.Policy({"ACK-TIMEOUT", "100", "MAX-DELIVERIES", "5"}) == "+OK\r\n");
  h.Read("c1");
  h.Run({"XDEL", "s", "1-0"});
  h.At(100);
  h.TakeRecords();
  CHECK(h.Read("c2") == Reply({2}));
  CHECK(h.Pending(1) == nullptr);
  CHECK(h.DeadLetters().empty());  // not exhausted: dropped, not dead-lettered
  auto records = h.TakeRecords();
  CHECK(std::find(records.begin(), records.end(), Argv{"XACK", "s", "g", "1-0"}) !=
        records.end());
}
