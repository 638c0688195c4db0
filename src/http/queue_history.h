// The queue dashboard's rate history: per series (a stream, or one of its consumer groups) a
// short ring of counter samples, from which the page draws rates over the last minutes. Pure:
// time is passed in, nothing here reads the clock or the keyspace (the server's cron feeds it).
// Invariants: at most kMaxSeries series; a ring holds at most kSlots samples, in time order, at
// least kIntervalMs apart; a series not sampled for a whole window is dropped by Prune.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace server::http {

class QueueHistory {
 public:
  static constexpr int64_t kIntervalMs = 10'000;
  static constexpr size_t kSlots = 60;  // 10 minutes at one sample per 10 s
  static constexpr int64_t kWindowMs = kIntervalMs * static_cast<int64_t>(kSlots);
  // Series beyond this are not tracked (about 1 KB each when full): memory stays bounded
  // whatever the number of streams.
  static constexpr size_t kMaxSeries = 2048;

  // One sample of a series' counters. For a stream `total` is entries-added and `pending` 0;
  // for a group `total` is entries-read and `pending` its PEL size.
  struct Sample {
    int64_t t_ms = 0;
    uint64_t total = 0;
    uint64_t pending = 0;
  };
  // The rates over the interval ending at t_ms: `in` is total's growth per second (entries
  // added, or delivered to the group); `done` what left the pending list per second (total's
  // growth less pending's: acknowledged or dead-lettered entries). An interval over which
  // `total` went down (the key was recreated, XGROUP SETID) reads as 0.
  struct Rate {
    int64_t t_ms = 0;
    double in = 0;
    double done = 0;
  };

  // The name of a series: a stream (group empty) or a group of it, in db `db`.
  static std::string SeriesName(int db, std::string_view key, std::string_view group);

  // Records a sample unless the series' last one is younger than kIntervalMs. Returns false
  // when the series is new and kMaxSeries are already tracked (nothing recorded).
  bool Record(const std::string& series, int64_t now_ms, uint64_t total, uint64_t pending);
  // Drops the series whose newest sample is older than the window.
  void Prune(int64_t now_ms);
  // The series' rates, oldest first (one fewer than its samples); empty when unknown.
  std::vector<Rate> Rates(const std::string& series) const;

  size_t series_count() const { return series_.size(); }
  // Forgets every series and where the walk stood.
  void Clear() {
    series_.clear();
    scan_db = 0;
    scan_cursor = 0;
    pass_started_ms = -1;
  }

  // Where the cron's walk of the keyspace stands (the feeder's, kept here so it survives
  // between ticks): the db and its SCAN cursor, and when the pass began.
  size_t scan_db = 0;
  uint64_t scan_cursor = 0;
  int64_t pass_started_ms = -1;  // when the current (or last) pass began; -1: never

 private:
  std::map<std::string, std::deque<Sample>, std::less<>> series_;
};

}  // namespace server::http
