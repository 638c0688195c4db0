#include "src/latency_monitor.h"

#include <algorithm>

namespace server {

void LatencyMonitor::Event::Add(int64_t now_sec, int64_t latency_ms) {
  max_ms_ = std::max(max_ms_, latency_ms);
  if (count_ > 0) {
    LatencySample& last = ring_[(next_ + kHistoryLen - 1) % kHistoryLen];
    if (last.time_sec == now_sec) {
      last.latency_ms = std::max(last.latency_ms, latency_ms);
      return;
    }
  }
  ring_[next_] = LatencySample{now_sec, latency_ms};
  next_ = (next_ + 1) % kHistoryLen;
  count_ = std::min(count_ + 1, kHistoryLen);
}

std::vector<LatencySample> LatencyMonitor::Event::History() const {
  std::vector<LatencySample> out;
  out.reserve(count_);
  const size_t first = (next_ + kHistoryLen - count_) % kHistoryLen;
  for (size_t i = 0; i < count_; i++) out.push_back(ring_[(first + i) % kHistoryLen]);
  return out;
}

bool LatencyMonitor::Record(std::string_view event, int64_t latency_ms, int64_t threshold_ms,
                            int64_t now_sec) {
  if (threshold_ms <= 0 || latency_ms < threshold_ms) return false;
  Add(event, latency_ms, now_sec);
  return true;
}

void LatencyMonitor::Add(std::string_view event, int64_t latency_ms, int64_t now_sec) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Event{}).first;
  it->second.Add(now_sec, latency_ms);
}

const LatencyMonitor::Event* LatencyMonitor::Find(std::string_view event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

size_t LatencyMonitor::ResetAll() {
  const size_t n = events_.size();
  events_.clear();
  return n;
}

size_t LatencyMonitor::Reset(std::span<const std::string_view> names) {
  size_t n = 0;
  for (std::string_view name : names) {
    auto it = events_.find(name);
    if (it == events_.end()) continue;
    events_.erase(it);
    n++;
  }
  return n;
}

}  // namespace server
