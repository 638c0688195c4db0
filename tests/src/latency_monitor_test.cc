// LatencyMonitor (threshold, one sample per second, the 160-second ring, RESET), and the GRAPH and DOCTOR texts against output observed on redis-server 7.0.15.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/latency_monitor.h"
#include "src/latency_report.h"

namespace {

using server::LatencyMonitor;

constexpr int64_t kT0 = 1796423353;

// One sample per second from kT0 on.
LatencyMonitor WithSamples(std::string_view event, const std::vector<int64_t>& latencies) {
  LatencyMonitor m;
  for (size_t i = 0; i < latencies.size(); i++) {
    m.Add(event, latencies[i], kT0 + static_cast<int64_t>(i));
  }
  return m;
}

}  // namespace

TEST_CASE("Latency samples are taken only while monitoring is on and at the threshold",
          "[latency]") {
  LatencyMonitor m;
  CHECK_FALSE(m.Record("command", 500, 0, kT0));  // threshold 0: off
  CHECK_FALSE(m.Record("command", 4, 5, kT0));
  CHECK(m.Record("command", 5, 5, kT0));
  REQUIRE(m.Find("command") != nullptr);
  CHECK(m.Find("fork") == nullptr);
}

TEST_CASE("A second sample in the same second keeps the larger latency", "[latency]") {
  LatencyMonitor m;
  m.Add("command", 30, kT0);
  m.Add("command", 10, kT0);
  m.Add("command", 20, kT0 + 1);
  m.Add("command", 50, kT0 + 1);
  const auto* ev = m.Find("command");
  REQUIRE(ev->History().size() == 2);
  CHECK(ev->History()[0].latency_ms == 30);
  CHECK(ev->History()[1].latency_ms == 50);
  CHECK(ev->Latest().time_sec == kT0 + 1);
  CHECK(ev->Latest().latency_ms == 50);
  CHECK(ev->max_ms() == 50);
}

TEST_CASE("An event's history keeps its last 160 seconds and its all-time maximum",
          "[latency]") {
  LatencyMonitor m;
  m.Add("fork", 1000, kT0);
  for (int64_t i = 1; i <= 200; i++) m.Add("fork", i, kT0 + i);
  const auto history = m.Find("fork")->History();
  REQUIRE(history.size() == LatencyMonitor::kHistoryLen);
  CHECK(history.front().time_sec == kT0 + 41);
  CHECK(history.back().latency_ms == 200);
  CHECK(m.Find("fork")->max_ms() == 1000);
}

TEST_CASE("LATENCY RESET counts the events it dropped", "[latency]") {
  LatencyMonitor m;
  m.Add("command", 5, kT0);
  m.Add("fork", 5, kT0);
  m.Add("expire-cycle", 5, kT0);
  const std::vector<std::string_view> names = {"fork", "nosuch", "fork"};
  CHECK(m.Reset(names) == 1);
  CHECK(m.events().size() == 2);
  CHECK(m.ResetAll() == 2);
  CHECK(m.events().empty());
}

TEST_CASE("LATENCY GRAPH draws Redis's bars and ages", "[latency]") {
  const LatencyMonitor m =
      WithSamples("command", {10, 26, 110, 60, 35, 90, 15, 47, 70, 101, 12, 55});
  const std::string expected =
      "command - high 110 ms, low 10 ms (all time high 110 ms)\n"
      "--------------------------------------------------------------------------------\n"
      "  #  _   o  \n"
      "  |_ |  o|  \n"
      "  ||_| o|| #\n"
      "_o||||_|||_|\n"
      "            \n"
      "111198765432\n"
      "3210ssssssss\n"
      "ssss        \n";
  CHECK(server::LatencyGraph("command", *m.Find("command"), kT0 + 13) == expected);
  // A minute later the ages are in minutes.
  const std::string later = server::LatencyGraph("command", *m.Find("command"), kT0 + 75);
  CHECK(later.substr(later.size() - 26) == "111111111111\nmmmmmmmmmmmm\n");
}

TEST_CASE("LATENCY GRAPH of equal samples draws them all at the bottom", "[latency]") {
  const LatencyMonitor m = WithSamples("command", {5, 5, 5});
  CHECK(server::LatencyGraph("command", *m.Find("command"), kT0 + 3) ==
        "command - high 5 ms, low 5 ms (all time high 5 ms)\n" + std::string(80, '-') +
            "\n   \n   \n   \n___\n   \n321\nsss\n");
}

TEST_CASE("LATENCY DOCTOR says whether monitoring is off or nothing was seen", "[latency]") {
  LatencyMonitor m;
  server::DoctorSettings off{0, 10000, false};
  CHECK(server::LatencyDoctor(m, off, kT0).rfind("I'm sorry, Dave, I can't do that.", 0) == 0);
  server::DoctorSettings on{1, 10000, false};
  CHECK(server::LatencyDoctor(m, on, kT0) ==
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, "
        "and think things over.\n");
  // Samples taken before monitoring was turned off are still reported.
  m.Add("aof-write", 1, kT0);
  CHECK(server::LatencyDoctor(m, off, kT0).rfind("Dave, I have observed", 0) == 0);
}

TEST_CASE("LATENCY DOCTOR reports each event and the advice it calls for", "[latency]") {
  const LatencyMonitor m = WithSamples("command", {50, 20, 30, 100, 10, 43});
  const std::string expected =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
      "about it, do you Dave?\n\n"
      "1. command: 6 latency spikes (average 42ms, mean deviation 22ms, period 1.17 sec). "
      "Worst all time event 100ms.\n\n"
      "I have a few advices for you:\n\n"
      "- Your current Slow Log configuration only logs events that are slower than your "
      "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
      "1000'.\n"
      "- Check your Slow Log to understand what are the commands you are running which are too "
      "slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
      "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
      "blocking operation. If you have very large objects that are often deleted, expired, or "
      "evicted, try to fragment those objects into multiple smaller objects.\n";
  CHECK(server::LatencyDoctor(m, {1, 10000, false}, kT0 + 7) == expected);
  // A disabled slow log gets the advice to enable it instead; a fine one gets neither.
  const std::string disabled = server::LatencyDoctor(m, {5, -1, false}, kT0 + 7);
  CHECK(disabled.find("Try to enable the Slow Log Redis feature using the command 'CONFIG SET "
                      "slowlog-log-slower-than 5000'.") != std::string::npos);
  // A threshold too large to say in microseconds is no overflow.
  const std::string huge = server::LatencyDoctor(m, {INT64_MAX, -1, false}, kT0 + 7);
  CHECK(huge.find("slowlog-log-slower-than 9223372036854775000'") != std::string::npos);
  const std::string tuned = server::LatencyDoctor(m, {20, 20000, false}, kT0 + 7);
  CHECK(tuned.find("Your current Slow Log") == std::string::npos);
  CHECK(tuned.find("Check your Slow Log") != std::string::npos);
}

TEST_CASE("LATENCY DOCTOR without advice for its events says so", "[latency]") {
  LatencyMonitor m;
  m.Add("aof-write", 1, kT0);
  m.Add("aof-write", 1, kT0 + 1);
  CHECK(server::LatencyDoctor(m, {1, 0, false}, kT0 + 1) ==
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
        "about it, do you Dave?\n\n"
        "1. aof-write: 2 latency spikes (average 1ms, mean deviation 0ms, period 0.50 sec). "
        "Worst all time event 1ms.\n\n"
        "While there are latency events logged, I'm not able to suggest any easy fix. Please "
        "use the Redis community to get some help, providing this report in your help "
        "request.\n");
}

TEST_CASE("LATENCY DOCTOR gives advice in Redis's order and rates the fork", "[latency]") {
  LatencyMonitor m;
  m.fork_rate_gb_per_sec = 5.44;
  for (std::string_view ev : {"fork", "eviction-cycle", "aof-fsync-always", "expire-cycle",
                              "fast-command", "aof-write-active-child"}) {
    m.Add(ev, 2, kT0);
  }
  const std::string report = server::LatencyDoctor(m, {1, 0, true}, kT0);
  CHECK(report.find("Worst all time event 2ms. Fork rate is 5.44 GB/sec (terrible).\n") !=
        std::string::npos);
  const std::vector<std::string_view> order = {
      "- If you are using a virtual machine", "- The system is slow to execute Redis code",
      "- SSD disks", "- Mounting ext3/4", "- Assuming from the point of view of data safety",
      "- Your fsync policy is set to 'always'", "- In order to make the Redis keys expiring",
      "- Deleting, expiring or evicting", "- Sudden changes to the 'maxmemory' setting"};
  size_t at = 0;
  for (std::string_view line : order) {
    const size_t found = report.find(line);
    REQUIRE(found != std::string::npos);
    CHECK(found > at);
    at = found;
  }
  CHECK(report.find("- It is strongly advised to use local disks") == std::string::npos);
}
