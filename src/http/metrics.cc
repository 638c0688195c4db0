#include "src/http/metrics.h"

#include <algorithm>
#include <chrono>

#include "src/http/routes.h"
#include "src/memory.h"
#include "streams/consumer_group.h"
#include "streams/stream.h"

namespace server::http {

// The per-stream and per-group families, filled by one walk of the keyspace.
struct QueueFamilies {
  explicit QueueFamilies(Exposition& e)
      : length(e.Family("runnel_stream_length", MetricType::kGauge, "Entries in the stream.")),
        added(e.Family("runnel_stream_entries_added_total", MetricType::kCounter,
                       "Entries ever added to the stream (XINFO STREAM entries-added).")),
        groups(e.Family("runnel_stream_groups", MetricType::kGauge,
                        "Consumer groups of the stream.")),
        scheduled(e.Family("runnel_stream_scheduled_entries", MetricType::kGauge,
                           "Entries waiting in the stream's delayed-delivery queue (XSCHEDULE).")),
        lag(e.Family("runnel_group_lag", MetricType::kGauge,
                     "Entries not yet delivered to the group (XINFO GROUPS lag); absent when "
                     "unknown.")),
        pending(e.Family("runnel_group_pending", MetricType::kGauge,
                         "Entries delivered to the group and not yet acknowledged.")),
        oldest(e.Family("runnel_group_oldest_pending_age_seconds", MetricType::kGauge,
                        "Time since the least recently delivered pending entry was delivered "
                        "(0 when none is pending).")),
        redelivered(e.Family("runnel_group_redelivered_total", MetricType::kCounter,
                             "Entries the group's delivery policy redelivered.")),
        dead_lettered(e.Family("runnel_group_dead_lettered_total", MetricType::kCounter,
                               "Entries the group's delivery policy moved to its dead-letter "
                               "stream.")),
        consumers(e.Family("runnel_group_consumers", MetricType::kGauge,
                           "Consumers of the group.")) {}

  void AddStream(Exposition& e, const std::string& labels, const streams::Stream& s,
                 int64_t now_ms) {
    e.Add(length, labels, static_cast<uint64_t>(s.length()));
    e.Add(added, labels, s.entries_added());
    e.Add(groups, labels, static_cast<uint64_t>(s.groups().size()));
    e.Add(scheduled, labels, static_cast<uint64_t>(s.schedule().size()));
    for (const auto& [name, group] : s.groups()) {
      group_labels = labels;
      AppendLabel(group_labels, "group", name);
      AddGroup(e, s, *group, now_ms);
    }
  }

  void AddGroup(Exposition& e, const streams::Stream& s, const streams::ConsumerGroup& g,
                int64_t now_ms) {
    if (std::optional<int64_t> l = streams::GroupLag(s, g)) e.Add(lag, group_labels, *l);
    e.Add(pending, group_labels, static_cast<uint64_t>(g.pending_count()));
    const int64_t oldest_ms = streams::OldestPendingAgeMs(g, now_ms).value_or(0);
    e.Add(oldest, group_labels, static_cast<double>(oldest_ms) / 1000.0);
    e.Add(redelivered, group_labels, g.counters().redelivered);
    e.Add(dead_lettered, group_labels, g.counters().dead_lettered);
    e.Add(consumers, group_labels, static_cast<uint64_t>(g.consumers().size()));
  }

  Exposition::FamilyId length, added, groups, scheduled;
  Exposition::FamilyId lag, pending, oldest, redelivered, dead_lettered, consumers;
  std::string group_labels;  // reused: one allocation for every group
};

namespace {

using Counter = uint64_t;

void AddServerMetrics(Exposition& e, ServerState& st, int64_t now_ms) {
  auto gauge = [&](std::string_view name, std::string_view help, auto value) {
    e.Add(e.Family(name, MetricType::kGauge, help), "", value);
  };
  auto counter = [&](std::string_view name, std::string_view help, Counter value) {
    e.Add(e.Family(name, MetricType::kCounter, help), "", value);
  };
  gauge("runnel_uptime_seconds", "Seconds since the server started.",
        static_cast<double>(now_ms - st.start_ms) / 1000.0);
  gauge("runnel_connected_clients", "RESP client connections (INFO connected_clients).",
        static_cast<uint64_t>(st.clients.size()));
  gauge("runnel_blocked_clients", "Clients waiting in a blocking command.",
        static_cast<uint64_t>(st.blocking.blocked_count()));
  const size_t used = UsedMemory();
  st.peak_memory = std::max(st.peak_memory, used);
  gauge("runnel_memory_used_bytes", "Bytes allocated by the server (INFO used_memory).",
        static_cast<uint64_t>(used));
  gauge("runnel_memory_peak_bytes", "Highest used memory seen (INFO used_memory_peak).",
        static_cast<uint64_t>(st.peak_memory));
  counter("runnel_commands_processed_total", "Commands run (INFO total_commands_processed).",
          st.stats.total_commands_processed);
  counter("runnel_error_replies_total", "Error replies sent (INFO total_error_replies).",
          st.error_stats.total());
  AddCommandMetrics(e, st);
  counter("runnel_connections_received_total", "Connections accepted on the RESP ports.",
          st.stats.total_connections_received);
  counter("runnel_rejected_connections_total", "Connections refused for maxclients.",
          st.stats.rejected_connections);
  counter("runnel_net_input_bytes_total", "Bytes read from RESP clients.",
          st.stats.net_input_bytes);
  counter("runnel_net_output_bytes_total", "Bytes written to clients.", st.stats.net_output_bytes);
  counter("runnel_keyspace_hits_total", "Lookups that found their key.", st.stats.keyspace_hits);
  counter("runnel_keyspace_misses_total", "Lookups that did not find their key.",
          st.stats.keyspace_misses);
  counter("runnel_expired_keys_total", "Keys deleted because their TTL passed.",
          st.TotalExpiredKeys());
  counter("runnel_evicted_keys_total", "Keys evicted for maxmemory.", st.stats.evicted_keys);
  counter("runnel_delivery_redelivered_total",
          "Entries the delivery policies redelivered, all groups (since start).",
          st.policy_stats.redelivered);
  counter("runnel_delivery_dead_lettered_total",
          "Entries the delivery policies dead-lettered, all groups (since start).",
          st.policy_stats.dead_lettered);
  counter("runnel_delivery_dead_letter_failures_total",
          "Dead letters refused because the dead-letter key is not a stream.",
          st.policy_stats.dead_letter_failures);
  counter("runnel_delivery_redriven_total", "Dead letters moved back by XREDRIVE.",
          st.policy_stats.redriven);
  gauge("runnel_aof_enabled", "1 when the append-only file is on.",
        static_cast<uint64_t>(st.aof != nullptr));
  if (st.aof != nullptr) {
    gauge("runnel_aof_size_bytes", "Current size of the append-only file.",
          st.aof->current_size());
  }
  gauge("runnel_aof_last_write_ok", "0 after a failed AOF write or fsync, else 1.",
        static_cast<uint64_t>(st.aof == nullptr || st.aof->last_write_ok()));
  gauge("runnel_aof_rewrite_in_progress", "1 while an AOF rewrite runs.",
        static_cast<uint64_t>(st.aof_rewrite.in_progress));
  const Replication& repl = st.repl;
  gauge("runnel_replication_is_primary", "1 on a primary, 0 on a replica.",
        static_cast<uint64_t>(!repl.is_replica()));
  uint64_t online = 0;
  for (const auto& [id, peer] : repl.replicas) online += peer.state == ReplicaPeer::State::kOnline;
  gauge("runnel_replication_connected_replicas", "Replicas attached and streaming.", online);
  gauge("runnel_replication_offset_bytes", "The replication stream's offset (master_repl_offset).",
        repl.offset);
  if (repl.is_replica()) {
    gauge("runnel_replication_link_up", "On a replica: 1 while the link to the primary is up.",
          static_cast<uint64_t>(repl.link == LinkState::kConnected));
  }
}

}  // namespace

void AddCommandMetrics(Exposition& e, const ServerState& state) {
  // INFO commandstats' calls and errorstats' counts (src/command_stats.h), by name and code.
  const auto calls = e.Family("runnel_commands_total", MetricType::kCounter,
                              "Calls per command (INFO commandstats; subcommands as "
                              "\"config|get\").");
  const auto failed = e.Family("runnel_commands_failed_total", MetricType::kCounter,
                               "Calls per command that ran and answered an error "
                               "(commandstats failed_calls).");
  const auto rejected = e.Family("runnel_commands_rejected_total", MetricType::kCounter,
                                 "Calls per command refused before running (arity, ACL, OOM, "
                                 "READONLY...; commandstats rejected_calls).");
  const auto seconds = e.Family("runnel_commands_duration_seconds_total", MetricType::kCounter,
                                "Time spent running each command (commandstats usec).");
  std::string labels;
  for (const CommandStat* c : state.command_stats.Sorted()) {
    labels.clear();
    AppendLabel(labels, "command", c->name);
    e.Add(calls, labels, c->calls);
    e.Add(failed, labels, c->failed_calls);
    e.Add(rejected, labels, c->rejected_calls);
    e.Add(seconds, labels, static_cast<double>(c->duration_ns) / 1e9);
  }
  const auto errors = e.Family("runnel_errors_total", MetricType::kCounter,
                               "Error replies per error code, the reply's first word (INFO "
                               "errorstats).");
  for (const auto& [code, count] : state.error_stats.by_code()) {
    labels.clear();
    AppendLabel(labels, "error", code);
    e.Add(errors, labels, count);
  }
}

MetricsScrape::MetricsScrape(ServerState& state, int64_t now_ms)
    : families_(std::make_unique<QueueFamilies>(exposition_)),
      keys_(exposition_.Family("runnel_keys", MetricType::kGauge, "Keys in the database.")),
      now_ms_(now_ms) {
  AddServerMetrics(exposition_, state, now_ms);
}

MetricsScrape::~MetricsScrape() = default;

bool MetricsScrape::Step(ServerState& st, int64_t budget_us) {
  using Clock = std::chrono::steady_clock;
  const bool limited = budget_us >= 0;
  const auto deadline = Clock::now() + std::chrono::microseconds(limited ? budget_us : 0);
  uint32_t steps = 0;
  while (db_ < st.dbs.size()) {
    const Db& db = *st.dbs[db_];
    if (cursor_ == 0 && seen_.empty()) {  // a db's first step
      if (db.size() == 0) {
        db_++;
        continue;
      }
      db_label_.clear();
      AppendLabel(db_label_, "db", std::to_string(db_));
      exposition_.Add(keys_, db_label_, static_cast<uint64_t>(db.size()));
    }
    cursor_ = db.Scan(cursor_, now_ms_, [&](std::string_view key, const Value& v) {
      if (!v.is_stream() || !seen_.emplace(key).second) return;
      labels_ = db_label_;
      AppendLabel(labels_, "stream", key);
      families_->AddStream(exposition_, labels_, v.stream(), now_ms_);
    });
    if (cursor_ == 0) {
      seen_.clear();
      db_++;
    }
    // The clock is read every few steps: a step is one bucket, usually a key or two.
    if (limited && ++steps % 16 == 0 && Clock::now() >= deadline) break;
  }
  return db_ >= st.dbs.size();
}

std::string RenderMetrics(ServerState& state, int64_t now_ms) {
  MetricsScrape scrape(state, now_ms);
  while (!scrape.Step(state, -1)) {
  }
  return scrape.Render();
}

Response MetricsRoute(ServerState& state, const Request&) {
  Response r = Response::Text(200, RenderMetrics(state, state.PreciseTimeUs() / 1000));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

}  // namespace server::http
