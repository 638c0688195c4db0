// LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP over the server's latency monitor
// (src/latency_monitor.h, texts from src/latency_report.h) and, for HISTOGRAM, the per-command
// latency histograms ObserveCommand keeps (src/command_stats.h).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "src/command_stats.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/latency_report.h"

namespace server {

namespace {

int64_t NowSec(const CommandContext& ctx) { return ctx.now_ms / 1000; }

// LATENCY LATEST: per event, [name, time of the latest sample, its latency, all-time max].
void LatencyLatest(CommandContext& ctx) {
  const auto& events = ctx.server.latency.events();
  ctx.reply.Array(events.size());
  for (const auto& [name, ev] : events) {
    const LatencySample latest = ev.Latest();
    ctx.reply.Array(4);
    ctx.reply.Bulk(name);
    ctx.reply.Integer(latest.time_sec);
    ctx.reply.Integer(latest.latency_ms);
    ctx.reply.Integer(ev.max_ms());
  }
}

// LATENCY HISTORY event: [time, latency] per sample, oldest first; empty for an unknown event.
void LatencyHistory(CommandContext& ctx) {
  const LatencyMonitor::Event* ev = ctx.server.latency.Find(ctx.arg(2));
  if (ev == nullptr) return ctx.reply.Array(0);
  const std::vector<LatencySample> history = ev->History();
  ctx.reply.Array(history.size());
  for (const LatencySample& s : history) {
    ctx.reply.Array(2);
    ctx.reply.Integer(s.time_sec);
    ctx.reply.Integer(s.latency_ms);
  }
}

void LatencyGraphCmd(CommandContext& ctx) {
  const LatencyMonitor::Event* ev = ctx.server.latency.Find(ctx.arg(2));
  if (ev == nullptr) return ctx.reply.Error(err::LatencyNoSamples(ctx.arg(2)));
  ctx.reply.Verbatim(LatencyGraph(ctx.arg(2), *ev, NowSec(ctx)));
}

void LatencyDoctorCmd(CommandContext& ctx) {
  const Config& c = ctx.server.config;
  const DoctorSettings settings{c.latency_monitor_threshold, c.slowlog_log_slower_than,
                                c.appendonly && c.appendfsync == "always"};
  ctx.reply.Verbatim(LatencyDoctor(ctx.server.latency, settings, NowSec(ctx)));
}

// LATENCY RESET [event ...]: how many of the events existed (all of them without names).
void LatencyReset(CommandContext& ctx) {
  LatencyMonitor& m = ctx.server.latency;
  const size_t n = ctx.argc() == 2 ? m.ResetAll() : m.Reset(ctx.argv.subspan(2));
  ctx.reply.Integer(static_cast<int64_t>(n));
}

void LatencyHistogramCmd(CommandContext& ctx);

void LatencyHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the "
      "specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kLatencyFlags = kAdmin | kNoScript | kLoading | kStale;
constexpr std::string_view kLatencyTips =
    "nondeterministic_output request_policy:all_nodes response_policy:special";

constexpr CommandSpec kLatencySubcommands[] = {
    {"doctor", 2, kLatencyFlags, 0, 0, 0, LatencyDoctorCmd,
     "Return a human readable latency analysis report.", "2.8.13", "server",
     {"O(1)", "", kLatencyTips}},
    {"graph", 3, kLatencyFlags, 0, 0, 0, LatencyGraphCmd, "Return a latency graph for the event.",
     "2.8.13", "server", {"O(1)", "event", kLatencyTips}},
    {"help", 2, kLoading | kStale, 0, 0, 0, LatencyHelp,
     "Show helpful text about the different subcommands.", "2.8.13", "server", {"O(1)"}},
    {"histogram", -2, kLatencyFlags, 0, 0, 0, LatencyHistogramCmd,
     "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0",
     "server",
     {"O(N) where N is the number of commands with latency information being retrieved.",
      "[command...]", kLatencyTips}},
    {"history", 3, kLatencyFlags, 0, 0, 0, LatencyHistory,
     "Return timestamp-latency samples for the event.", "2.8.13", "server",
     {"O(1)", "event", kLatencyTips}},
    {"latest", 2, kLatencyFlags, 0, 0, 0, LatencyLatest,
     "Return the latest latency samples for all events.", "2.8.13", "server",
     {"O(1)", "", kLatencyTips}},
    {"reset", -2, kLatencyFlags, 0, 0, 0, LatencyReset, "Reset latency data for one or more events.",
     "2.8.13", "server",
     {"O(1)", "[event...]", "request_policy:all_nodes response_policy:all_succeeded"}},
};

constexpr CommandSpec kLatencyCommands[] = {
    {"latency", -2, 0, 0, 0, 0, nullptr, "A container for latency diagnostics commands",
     "2.8.13", "server", {"Depends on subcommand."}, kLatencySubcommands},
};

// The full names ("get", "config|get") of the commands HISTOGRAM reports: those named (a
// container stands for its subcommands; unknown names are skipped), else every command.
std::vector<std::string> HistogramTargets(const CommandContext& ctx) {
  std::vector<std::string> names;
  auto add = [&](const CommandSpec& spec, std::string_view container) {
    const std::string prefix = container.empty() ? "" : std::string(container) + "|";
    if (spec.subcommands.empty()) {
      names.push_back(prefix + std::string(spec.name));
      return;
    }
    for (const CommandSpec& sub : spec.subcommands) {
      names.push_back(std::string(spec.name) + "|" + std::string(sub.name));
    }
  };
  const CommandTable& table = *ctx.server.commands;
  if (ctx.argc() == 2) {
    for (const CommandSpec* spec : table.all()) add(*spec, {});
    return names;
  }
  for (size_t i = 2; i < ctx.argc(); i++) {
    const std::string_view arg = ctx.arg(i);
    const size_t bar = arg.find('|');
    const CommandSpec* spec = table.Find(arg.substr(0, bar));
    if (spec == nullptr) continue;
    if (bar == std::string_view::npos) {
      add(*spec, {});
    } else if (const CommandSpec* sub = CommandTable::FindSubcommand(*spec, arg.substr(bar + 1))) {
      add(*sub, spec->name);
    }
  }
  return names;
}

// A command's latency histogram as LATENCY HISTOGRAM shows it: for each power-of-two bound in
// microseconds where the count grows, the calls that took at most that.
std::vector<std::pair<int64_t, uint64_t>> PowerOfTwoRows(const LatencyHistogram& h) {
  std::vector<std::pair<int64_t, uint64_t>> rows;
  uint64_t seen = 0;
  for (int64_t us = 1; seen < h.count() && us / 2 <= LatencyHistogram::kMaxNs / 1000; us *= 2) {
    const uint64_t n = h.CountAtMost(us * 1000);
    if (n > seen) rows.emplace_back(us, n);
    seen = std::max(seen, n);
  }
  return rows;
}

// LATENCY HISTOGRAM [command ...]: a map of command -> {calls, histogram_usec: {bound: calls
// up to it}}, for the commands with a histogram (those run while latency-tracking was on).
void LatencyHistogramCmd(CommandContext& ctx) {
  std::vector<const CommandStat*> found;
  for (const std::string& name : HistogramTargets(ctx)) {
    const CommandStat* stat = ctx.server.command_stats.Find(name);
    if (stat != nullptr && stat->latency.count() > 0) found.push_back(stat);
  }
  resp::Writer& r = ctx.reply;
  r.Map(found.size());
  for (const CommandStat* stat : found) {
    r.Bulk(stat->name);
    r.Map(2);
    r.Bulk("calls");
    r.Integer(static_cast<int64_t>(stat->latency.count()));
    r.Bulk("histogram_usec");
    const auto rows = PowerOfTwoRows(stat->latency);
    r.Map(rows.size());
    for (const auto& [bound_us, calls] : rows) {
      r.Integer(bound_us);
      r.Integer(static_cast<int64_t>(calls));
    }
  }
}

}  // namespace

std::span<const CommandSpec> LatencyRows() { return kLatencyCommands; }

}  // namespace server
