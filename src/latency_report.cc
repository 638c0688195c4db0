#include "src/latency_report.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace server {

namespace {

constexpr int kGraphRows = 4;
constexpr std::string_view kGraphSteps = "_o#";  // the steps within one row, lowest first
constexpr int kGraphLevels = kGraphRows * static_cast<int>(kGraphSteps.size());

// A sample's age as the graph labels it: seconds, then minutes, then hours.
std::string GraphAgeLabel(int64_t age_sec) {
  if (age_sec < 60) return std::to_string(age_sec) + "s";
  if (age_sec < 3600) return std::to_string(age_sec / 60) + "m";
  return std::to_string(age_sec / 3600) + "h";
}

}  // namespace

std::string LatencyGraph(std::string_view event, const LatencyMonitor::Event& samples,
                         int64_t now_sec) {
  const std::vector<LatencySample> history = samples.History();
  int64_t low = history.empty() ? 0 : history.front().latency_ms;
  int64_t high = low;
  for (const LatencySample& s : history) {
    low = std::min(low, s.latency_ms);
    high = std::max(high, s.latency_ms);
  }
  std::string out(event);
  out += " - high " + std::to_string(high) + " ms, low " + std::to_string(low) +
         " ms (all time high " + std::to_string(samples.max_ms()) + " ms)\n";
  out += std::string(80, '-') + "\n";

  // Each sample's level, 0 .. kGraphLevels - 1, in proportion to where it lies in [low, high].
  std::vector<int> levels;
  std::vector<std::string> labels;
  size_t label_rows = 0;
  for (const LatencySample& s : history) {
    const int64_t level = high == low ? 0 : (s.latency_ms - low) * kGraphLevels / (high - low);
    levels.push_back(static_cast<int>(std::min<int64_t>(level, kGraphLevels - 1)));
    labels.push_back(GraphAgeLabel(now_sec - s.time_sec));
    label_rows = std::max(label_rows, labels.back().size());
  }
  const int steps = static_cast<int>(kGraphSteps.size());
  for (int row = kGraphRows - 1; row >= 0; row--) {  // top row first
    for (int level : levels) {
      if (level / steps > row) {
        out += '|';
      } else if (level / steps == row) {
        out += kGraphSteps[static_cast<size_t>(level % steps)];
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  out += std::string(levels.size(), ' ') + "\n";
  for (size_t row = 0; row < label_rows; row++) {
    for (const std::string& label : labels) out += row < label.size() ? label[row] : ' ';
    out += '\n';
  }
  return out;
}

namespace {

// DOCTOR's advice, in the order it is given.
enum Advice : size_t {
  kAdviceBetterVm,
  kAdviceSlowlogEnable,
  kAdviceSlowlogTuning,
  kAdviceSlowlogInspect,
  kAdviceScheduler,
  kAdviceLocalDisk,
  kAdviceSsd,
  kAdviceDataWriteback,
  kAdviceNoAppendfsync,
  kAdviceRelaxFsync,
  kAdviceHz,
  kAdviceLargeObjects,
  kAdviceMassEviction,
  kAdviceCount,
};

// One event's figures over its history.
struct EventSummary {
  size_t samples = 0;
  int64_t average_ms = 0;
  int64_t mean_deviation_ms = 0;
  double period_sec = 0;  // mean time between spikes, from the oldest sample to now
};

EventSummary Summarize(const LatencyMonitor::Event& ev, int64_t now_sec) {
  const std::vector<LatencySample> history = ev.History();
  EventSummary s;
  s.samples = history.size();
  if (history.empty()) return s;
  const int64_t n = static_cast<int64_t>(history.size());
  int64_t sum = 0;
  int64_t oldest = history.front().time_sec;
  for (const LatencySample& x : history) {
    sum += x.latency_ms;
    oldest = std::min(oldest, x.time_sec);
  }
  s.average_ms = sum / n;
  int64_t deviation = 0;
  for (const LatencySample& x : history) {
    deviation += x.latency_ms > s.average_ms ? x.latency_ms - s.average_ms
                                             : s.average_ms - x.latency_ms;
  }
  s.mean_deviation_ms = deviation / n;
  const int64_t span = std::max<int64_t>(now_sec - oldest, 1);
  s.period_sec = static_cast<double>(span) / static_cast<double>(n);
  return s;
}

std::string_view ForkQuality(double gb_per_sec) {
  if (gb_per_sec < 10) return "terrible";
  if (gb_per_sec < 25) return "poor";
  if (gb_per_sec < 100) return "good";
  return "excellent";
}

std::string Printf2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// What each event calls for.
void AdviseFor(std::string_view event, const LatencyMonitor& monitor,
               const DoctorSettings& settings, std::array<bool, kAdviceCount>& advise) {
  if (event == "command") {
    if (settings.slowlog_log_slower_than_us < 0) {
      advise[kAdviceSlowlogEnable] = true;
    } else if (settings.slowlog_log_slower_than_us / 1000 >
               settings.latency_monitor_threshold_ms) {
      advise[kAdviceSlowlogTuning] = true;
    }
    advise[kAdviceSlowlogInspect] = true;
    advise[kAdviceLargeObjects] = true;
  } else if (event == "fast-command") {
    advise[kAdviceScheduler] = true;
  } else if (event == "fork") {
    if (monitor.fork_rate_gb_per_sec < 25) advise[kAdviceBetterVm] = true;
  } else if (event == "aof-fsync-always") {
    if (settings.appendfsync_always) advise[kAdviceRelaxFsync] = true;
  } else if (event == "aof-write-alone" || event == "aof-write-pending-fsync") {
    advise[kAdviceLocalDisk] = advise[kAdviceSsd] = advise[kAdviceDataWriteback] = true;
  } else if (event == "aof-write-active-child") {
    advise[kAdviceSsd] = advise[kAdviceDataWriteback] = advise[kAdviceNoAppendfsync] = true;
  } else if (event == "expire-cycle") {
    advise[kAdviceHz] = advise[kAdviceLargeObjects] = true;
  } else if (event == "eviction-del") {
    advise[kAdviceLargeObjects] = true;
  } else if (event == "eviction-cycle") {
    advise[kAdviceMassEviction] = true;
  }
}

std::string AdviceText(Advice a, const DoctorSettings& settings) {
  // The threshold in microseconds (saturated: CONFIG SET allows any positive ms).
  const int64_t ms = std::min<int64_t>(settings.latency_monitor_threshold_ms, INT64_MAX / 1000);
  const std::string suggested = std::to_string(ms * 1000);
  switch (a) {
    case kAdviceBetterVm:
      return "If you are using a virtual machine, consider upgrading it with a faster one using "
             "a hypervisior that provides less latency during fork() calls. Xen is known to have "
             "poor fork() performance. Even in the context of the same VM provider, certain "
             "kinds of instances can execute fork faster than others.";
    case kAdviceSlowlogEnable:
      return "There are latency issues with potentially slow commands you are using. Try to "
             "enable the Slow Log Redis feature using the command 'CONFIG SET "
             "slowlog-log-slower-than " + suggested + "'. If the Slow log is disabled Redis is "
             "not able to log slow commands execution for you.";
    case kAdviceSlowlogTuning:
      return "Your current Slow Log configuration only logs events that are slower than your "
             "configured latency monitor threshold. Please use 'CONFIG SET "
             "slowlog-log-slower-than " + suggested + "'.";
    case kAdviceSlowlogInspect:
      return "Check your Slow Log to understand what are the commands you are running which are "
             "too slow to execute. Please check https://redis.io/commands/slowlog for more "
             "information.";
    case kAdviceScheduler:
      return "The system is slow to execute Redis code paths not containing system calls. This "
             "usually means the system does not provide Redis CPU time to run for long periods. "
             "You should try to:\n"
             "  1) Lower the system load.\n"
             "  2) Use a computer / VM just for Redis if you are running other software in the "
             "same system.\n"
             "  3) Check if you have a \"noisy neighbour\" problem.\n"
             "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency "
             "in your system.\n"
             "  5) Check if the problem is allocator-related by recompiling Redis with "
             "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation "
             "problems.";
    case kAdviceLocalDisk:
      return "It is strongly advised to use local disks for persistence, especially if you are "
             "using AOF. Remote disks provided by platform-as-a-service providers are known to "
             "be slow.";
    case kAdviceSsd:
      return "SSD disks are able to reduce fsync latency, and total time needed for snapshotting "
             "and AOF log rewriting (resulting in smaller memory usage). With extremely high "
             "write load SSD disks can be a good option. However Redis should perform reasonably "
             "with high load using normal disks. Use this advice as a last resort.";
    case kAdviceDataWriteback:
      return "Mounting ext3/4 filesystems with data=writeback can provide a performance boost "
             "compared to data=ordered, however this mode of operation provides less "
             "guarantees, and sometimes it can happen that after a hard crash the AOF file will "
             "have a half-written command at the end and will require to be repaired before "
             "Redis restarts.";
    case kAdviceNoAppendfsync:
      return "Assuming from the point of view of data safety this is viable in your "
             "environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so "
             "that fsync will not be performed while there is a child rewriting the AOF file or "
             "producing an RDB file (the moment where there is high disk contention).";
    case kAdviceRelaxFsync:
      return "Your fsync policy is set to 'always'. It is very hard to get good performances "
             "with such a setup, if possible try to relax the fsync policy to 'onesec'.";
    case kAdviceHz:
      return "In order to make the Redis keys expiring process more incremental, try to set the "
             "'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.";
    case kAdviceLargeObjects:
      return "Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
             "blocking operation. If you have very large objects that are often deleted, "
             "expired, or evicted, try to fragment those objects into multiple smaller objects.";
    case kAdviceMassEviction:
      // (Redis's text ends with a space.)
      return "Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
             "objects via sets or sorted sets intersections, STORE option of SORT, Redis "
             "Cluster large keys migrations (RESTORE command), may create sudden memory "
             "pressure forcing the server to block trying to evict keys. ";
    case kAdviceCount:
      break;
  }
  return {};
}

}  // namespace

std::string LatencyDoctor(const LatencyMonitor& monitor, const DoctorSettings& settings,
                          int64_t now_sec) {
  // With samples left from before monitoring was turned off, the report is still given.
  if (monitor.events().empty() && settings.latency_monitor_threshold_ms <= 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  if (monitor.events().empty()) {
    return "Dave, no latency spike was observed during the lifetime of this Redis instance, not "
           "in the slightest bit. I honestly think you ought to sit down calmly, take a stress "
           "pill, and think things over.\n";
  }
  std::string out =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
      "about it, do you Dave?\n\n";
  std::array<bool, kAdviceCount> advise{};
  size_t n = 0;
  for (const auto& [name, ev] : monitor.events()) {
    const EventSummary s = Summarize(ev, now_sec);
    out += std::to_string(++n) + ". " + name + ": " + std::to_string(s.samples) +
           " latency spikes (average " + std::to_string(s.average_ms) + "ms, mean deviation " +
           std::to_string(s.mean_deviation_ms) + "ms, period " + Printf2(s.period_sec) +
           " sec). Worst all time event " + std::to_string(ev.max_ms()) + "ms.";
    if (name == "fork") {
      out += " Fork rate is " + Printf2(monitor.fork_rate_gb_per_sec) + " GB/sec (" +
             std::string(ForkQuality(monitor.fork_rate_gb_per_sec)) + ").";
    }
    out += "\n";
    AdviseFor(name, monitor, settings, advise);
  }
  out += "\n";
  if (std::find(advise.begin(), advise.end(), true) == advise.end()) {
    return out + "While there are latency events logged, I'm not able to suggest any easy fix. "
                 "Please use the Redis community to get some help, providing this report in "
                 "your help request.\n";
  }
  out += "I have a few advices for you:\n\n";
  for (size_t a = 0; a < kAdviceCount; a++) {
    if (advise[a]) out += "- " + AdviceText(static_cast<Advice>(a), settings) + "\n";
  }
  return out;
}

}  // namespace server
