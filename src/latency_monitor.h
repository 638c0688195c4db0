// The latency monitor (LATENCY): for each event ("command", "aof-fsync-always", "fork"...)
// that took at least latency-monitor-threshold ms, the latest sample, the all-time maximum and
// a history of the last kHistoryLen seconds that had one (one sample per second: a second
// sample in the same second keeps the larger latency). Pure: time and threshold passed in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

struct LatencySample {
  int64_t time_sec = 0;
  int64_t latency_ms = 0;
};

class LatencyMonitor {
 public:
  static constexpr size_t kHistoryLen = 160;

  // One event's samples: a ring of the last kHistoryLen, oldest overwritten first.
  class Event {
   public:
    void Add(int64_t now_sec, int64_t latency_ms);
    // Oldest first.
    std::vector<LatencySample> History() const;
    LatencySample Latest() const { return ring_[(next_ + kHistoryLen - 1) % kHistoryLen]; }
    int64_t max_ms() const { return max_ms_; }

   private:
    std::array<LatencySample, kHistoryLen> ring_{};
    size_t next_ = 0;   // slot the next new second goes to
    size_t count_ = 0;  // slots in use, at most kHistoryLen
    int64_t max_ms_ = 0;
  };

  // Records `latency_ms` for `event` when monitoring is on (threshold_ms > 0) and the latency
  // reaches it. Returns whether a sample was taken.
  bool Record(std::string_view event, int64_t latency_ms, int64_t threshold_ms, int64_t now_sec);
  // Unconditionally.
  void Add(std::string_view event, int64_t latency_ms, int64_t now_sec);

  const Event* Find(std::string_view event) const;
  // By name (LATENCY LATEST and DOCTOR list them in this order).
  const std::map<std::string, Event, std::less<>>& events() const { return events_; }
  // LATENCY RESET: all events, or those named; returns how many existed and were dropped.
  size_t ResetAll();
  size_t Reset(std::span<const std::string_view> names);

  // The last fork's speed, in GB of used memory per second (DOCTOR judges the "fork" event by
  // it); the server sets it when it forks. 0 = no fork yet.
  double fork_rate_gb_per_sec = 0;

 private:
  std::map<std::string, Event, std::less<>> events_;
};

}  // namespace server
