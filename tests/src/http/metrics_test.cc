// /metrics' content (src/http/metrics.h) from data made through commands.
#include "src/http/metrics.h"

#include <catch2/catch.hpp>

#include "tests/support/command_harness.h"

namespace {

using testing_support::PinnedClockHarness;

// Whether `text` holds `line` as a whole line.
bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST_CASE("Metrics show each stream's length, entries added and groups, by db and key") {
  PinnedClockHarness h(1'000'000);
  h.Run({"XADD", "jobs", "1-1", "f", "v"});
  h.Run({"XADD", "jobs", "1-2", "f", "v"});
  h.Run({"XADD", "jobs", "1-3", "f", "v"});
  h.Run({"XDEL", "jobs", "1-1"});
  h.Run({"XGROUP", "CREATE", "jobs", "workers", "0"});
  h.Run({"SELECT", "3"});
  h.Run({"XADD", "we\"ird\nkey", "1-1", "f", "v"});
  h.Run({"SET", "plain", "x"});
  const std::string m = server::http::RenderMetrics(h.state, 1'000'000);
  CHECK(HasLine(m, "runnel_stream_length{db=\"0\",stream=\"jobs\"} 2"));
  CHECK(HasLine(m, "runnel_stream_entries_added_total{db=\"0\",stream=\"jobs\"} 3"));
  CHECK(HasLine(m, "runnel_stream_groups{db=\"0\",stream=\"jobs\"} 1"));
  CHECK(HasLine(m, "runnel_stream_scheduled_entries{db=\"0\",stream=\"jobs\"} 0"));
  CHECK(HasLine(m, "runnel_stream_length{db=\"3\",stream=\"we\\\"ird\\nkey\"} 1"));
  CHECK(HasLine(m, "runnel_keys{db=\"3\"} 2"));
  CHECK(HasLine(m, "runnel_keys{db=\"0\"} 1"));
  CHECK(m.find("stream=\"plain\"") == std::string::npos);
  CHECK(HasLine(m, "# TYPE runnel_stream_entries_added_total counter"));
}

TEST_CASE("Metrics show a group's lag, pending count, oldest pending age and consumers") {
  PinnedClockHarness h(1'000'000);
  for (int i = 1; i <= 5; i++) h.Run({"XADD", "q", "1-" + std::to_string(i), "f", "v"});
  h.Run({"XGROUP", "CREATE", "q", "g", "0"});
  h.At(1'000'000);
  h.Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "q", ">"});
  h.At(1'004'000);
  h.Run({"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "q", ">"});
  h.Run({"XACK", "q", "g", "1-2"});
  const std::string m = server::http::RenderMetrics(h.state, 1'010'500);
  CHECK(HasLine(m, "runnel_group_lag{db=\"0\",stream=\"q\",group=\"g\"} 2"));
  CHECK(HasLine(m, "runnel_group_pending{db=\"0\",stream=\"q\",group=\"g\"} 2"));
  // 1-1, delivered at 1,000,000, is the least recently delivered of the two still pending.
  CHECK(HasLine(m, "runnel_group_oldest_pending_age_seconds{db=\"0\",stream=\"q\",group=\"g\"} 10.5"));
  CHECK(HasLine(m, "runnel_group_consumers{db=\"0\",stream=\"q\",group=\"g\"} 2"));
  CHECK(HasLine(m, "runnel_group_redelivered_total{db=\"0\",stream=\"q\",group=\"g\"} 0"));
  CHECK(HasLine(m, "runnel_group_dead_lettered_total{db=\"0\",stream=\"q\",group=\"g\"} 0"));
  h.Run({"XACK", "q", "g", "1-1", "1-3"});
  const std::string after = server::http::RenderMetrics(h.state, 1'010'500);
  CHECK(HasLine(after, "runnel_group_pending{db=\"0\",stream=\"q\",group=\"g\"} 0"));
  CHECK(HasLine(after, "runnel_group_oldest_pending_age_seconds{db=\"0\",stream=\"q\",group=\"g\"} 0"));
}

TEST_CASE("Metrics count the dead letters of a group's delivery policy") {
  PinnedClockHarness h(1'000'000);
  h.Run({"XADD", "q", "1-1", "f", "v"});
  h.Run({"XGROUP", "CREATE", "q", "g", "0"});
  const std::string set = h.Run({"XGROUP", "SETPOLICY", "q", "g", "ACK-TIMEOUT", "1000",
                                 "MAX-DELIVERIES", "1"});
  INFO(set);
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "q", ">"});
  h.At(1'002'000);
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "q", ">"});
  const std::string m = server::http::RenderMetrics(h.state, 1'002'000);
  INFO(m);
  CHECK(HasLine(m, "runnel_group_dead_lettered_total{db=\"0\",stream=\"q\",group=\"g\"} 1"));
  CHECK(HasLine(m, "runnel_delivery_dead_lettered_total 1"));
  CHECK(HasLine(m, "runnel_stream_length{db=\"0\",stream=\"q:dlq\"} 1"));
}

TEST_CASE("Metrics show the server's counters and state") {
  PinnedClockHarness h(1'000'000);
  h.Run({"SET", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"GET", "missing"});
  h.Run({"NOSUCHCOMMAND"});
  const std::string m = server::http::RenderMetrics(h.state, 1'000'000);
  CHECK(HasLine(m, "runnel_keyspace_hits_total 1"));
  CHECK(HasLine(m, "runnel_keyspace_misses_total 1"));
  CHECK(HasLine(m, "runnel_error_replies_total 1"));
  CHECK(HasLine(m, "runnel_errors_total{error=\"ERR\"} 1"));
  CHECK(HasLine(m, "runnel_commands_total{command=\"get\"} 2"));
  CHECK(HasLine(m, "runnel_commands_total{command=\"set\"} 1"));
  CHECK(HasLine(m, "# TYPE runnel_commands_total counter"));
  CHECK(HasLine(m, "runnel_connected_clients 1"));
  CHECK(HasLine(m, "runnel_aof_enabled 0"));
  CHECK(HasLine(m, "runnel_replication_is_primary 1"));
  CHECK(HasLine(m, "# TYPE runnel_commands_processed_total counter"));
  CHECK(m.find("runnel_replication_link_up") == std::string::npos);
}

TEST_CASE("A scrape done in the smallest slices gives what one done at once gives") {
  PinnedClockHarness h(1'000'000);
  for (int i = 0; i < 300; i++) {
    const std::string key = "s:" + std::to_string(i);
    h.Run({"XADD", key, "1-1", "f", "v"});
    if (i % 3 == 0) h.Run({"XGROUP", "CREATE", key, "g", "0"});
    h.Run({"SET", "k:" + std::to_string(i), "v"});
  }
  h.Run({"SELECT", "5"});
  h.Run({"XADD", "five", "1-1", "f", "v"});
  const std::string whole = server::http::RenderMetrics(h.state, 1'000'000);
  server::http::MetricsScrape scrape(h.state, 1'000'000);
  int steps = 1;
  while (!scrape.Step(h.state, 0)) {
    steps++;
    // Keys come and go between slices: those present throughout are each written once.
    if (steps == 20) h.Run({"SET", "new:" + std::to_string(steps), "v"});
  }
  CHECK(steps > 10);
  const std::string sliced = scrape.Render();
  CHECK(scrape.exposition().RenderedSize() == sliced.size());
  for (int i = 0; i < 300; i++) {
    const std::string line = "runnel_stream_length{db=\"0\",stream=\"s:" + std::to_string(i) + "\"} 1";
    INFO(line);
    CHECK(HasLine(sliced, line));
    CHECK(sliced.find(line, sliced.find(line) + 1) == std::string::npos);
  }
  CHECK(HasLine(sliced, "runnel_stream_length{db=\"5\",stream=\"five\"} 1"));
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
    return n;
  };
  CHECK(count(sliced, "\nrunnel_stream_length{") == 301);
  CHECK(count(whole, "\nrunnel_stream_length{") == 301);
  CHECK(count(sliced, "\nrunnel_group_pending{") == 100);
}

}  // namespace
