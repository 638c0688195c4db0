// Shared by the limits and abuse tests (a client misbehaving on purpose while others must be
// served): INFO and CLIENT LIST fields as numbers, polling until a condition holds, and a
// well-behaved client that measures PING round trips on its own thread meanwhile.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.h"

namespace itest {

// A numeric field of INFO (any section).
inline int64_t InfoInt(Redis& r, const std::string& field) {
  const std::string text = r.Text({"INFO", "everything"});
  const size_t at = text.find("\r\n" + field + ":");
  INFO("INFO has no " << field << ":\n" << text);
  REQUIRE(at != std::string::npos);
  return std::stoll(text.substr(at + field.size() + 3));
}

// The largest value of `field` (qbuf, omem, ...) over CLIENT LIST's lines.
inline int64_t MaxClientField(Redis& r, const std::string& field) {
  const std::string text = r.Text({"CLIENT", "LIST"});
  int64_t most = 0;
  for (size_t at = text.find(" " + field + "="); at != std::string::npos;
       at = text.find(" " + field + "=", at + 1)) {
    most = std::max<int64_t>(most, std::stoll(text.substr(at + field.size() + 2)));
  }
  return most;
}

// Polls `done` every 10 ms until it holds (true) or `timeout` passes (false).
inline bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Raises this process's open-file limit to at least `want` (as root the hard limit too). False
// when it cannot, for a test to skip rather than fail on a machine that forbids it.
inline bool RaiseOpenFileLimit(rlim_t want) {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) != 0) return false;
  if (l.rlim_cur >= want) return true;
  l.rlim_cur = want;
  if (l.rlim_max < want) l.rlim_max = want;
  return setrlimit(RLIMIT_NOFILE, &l) == 0;
}

// A well-behaved client: from its own thread, PINGs every `interval` and records each round
// trip until Stop() (or until its connection fails). Catch's macros are not thread-safe, so the thread only records; the test
// reads the results after Stop().
class LatencyProbe {
 public:
  explicit LatencyProbe(int port, std::chrono::milliseconds interval = std::chrono::milliseconds(10))
      : interval_(interval) {
    timeval tv{5, 0};
    ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
    REQUIRE(ctx_ != nullptr);
    REQUIRE(ctx_->err == 0);
    redisSetTimeout(ctx_, tv);
    thread_ = std::thread([this] { Run(); });
  }
  ~LatencyProbe() {
    Stop();
    redisFree(ctx_);
  }
  LatencyProbe(const LatencyProbe&) = delete;
  LatencyProbe& operator=(const LatencyProbe&) = delete;

  // Keeps measuring until at least `n` round trips are in (or `timeout` passes), so that a
  // percentile stands on enough of them when what is measured was over quickly.
  void WaitSamples(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = Clock::now() + timeout;
    while (answered_ < n && !done_ && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // After Stop(): round trips answered PONG, and those that failed or got something else.
  size_t samples() const { return round_trips_us_.size(); }
  int failures() const { return failures_; }
  // The p-th percentile (0..100) of the round trips in milliseconds; 1e9 when there are none.
  double PercentileMs(double p) {
    if (round_trips_us_.empty()) return 1e9;
    std::sort(round_trips_us_.begin(), round_trips_us_.end());
    const size_t i = std::min(round_trips_us_.size() - 1,
                              static_cast<size_t>(p / 100.0 * round_trips_us_.size()));
    return static_cast<double>(round_trips_us_[i]) / 1000.0;
  }

 private:
  void Run() {
    while (!stop_) {
      const auto start = Clock::now();
      auto* reply = static_cast<redisReply*>(redisCommand(ctx_, "PING"));
      const auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
      const bool pong = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
                        std::string(reply->str, reply->len) == "PONG";
      if (reply != nullptr) freeReplyObject(reply);
      if (!pong) {
        failures_++;
        if (ctx_->err != 0) break;  // the connection is gone: nothing more to measure
      } else {
        round_trips_us_.push_back(us);
        answered_++;
      }
      std::this_thread::sleep_for(interval_);
    }
    done_ = true;
  }

  std::chrono::milliseconds interval_;
  redisContext* ctx_ = nullptr;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<size_t> answered_{0};
  std::vector<int64_t> round_trips_us_;
  int failures_ = 0;
  std::thread thread_;
};

}  // namespace itest
