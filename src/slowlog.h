// The slow log (SLOWLOG): commands that ran longer than slowlog-log-slower-than, newest first,
// at most slowlog-max-len of them. Entry ids count up from 0 over the server's life (RESET
// empties the log but never reuses an id). Pure: the time and the limits are passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

struct SlowLogEntry {
  uint64_t id;
  int64_t time_sec;                // unix time the command finished
  int64_t duration_us;             // time spent executing it
  std::vector<std::string> argv;   // as logged: trimmed and redacted (see SlowLogArgs)
  std::string client_addr;         // "ip:port" of the client that ran it
  std::string client_name;
};

// Redis's trimming: at most kMaxArgc arguments are kept (the last slot then says how many more
// there were) and each argument at most kMaxArgLen bytes (followed by how many more bytes).
inline constexpr size_t kSlowLogMaxArgc = 32;
inline constexpr size_t kSlowLogMaxArgLen = 128;

// The arguments as an entry keeps them: secrets redacted (IsRedactedArgument, src/monitor.h),
// then trimmed.
std::vector<std::string> SlowLogArgs(std::span<const std::string_view> argv);

class SlowLog {
 public:
  // Logs a finished command when slowlog-log-slower-than (`threshold_us`) is not negative and
  // the command took at least that long, then drops the oldest entries past `max_len`.
  // Returns whether it was logged.
  bool Consider(int64_t threshold_us, size_t max_len, int64_t now_sec, int64_t duration_us,
                std::span<const std::string_view> argv, std::string_view client_addr,
                std::string_view client_name);
  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // SLOWLOG RESET: the entries go, the id sequence goes on.
  void Reset() { entries_.clear(); }

 private:
  std::deque<SlowLogEntry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace server
