#include "src/http/queue_history.h"

namespace server::http {

std::string QueueHistory::SeriesName(int db, std::string_view key, std::string_view group) {
  // The key's length first: a key or group may hold any byte, so only a length tells where the
  // key ends and two different triples never give the same name.
  std::string name = std::to_string(db) + ':' + std::to_string(key.size()) + ':';
  name += key;
  name += group;
  return name;
}

bool QueueHistory::Record(const std::string& series, int64_t now_ms, uint64_t total,
                          uint64_t pending) {
  auto it = series_.find(series);
  if (it == series_.end()) {
    if (series_.size() >= kMaxSeries) return false;
    it = series_.emplace(series, std::deque<Sample>{}).first;
  }
  std::deque<Sample>& ring = it->second;
  if (!ring.empty() && now_ms - ring.back().t_ms < kIntervalMs) return true;
  ring.push_back({now_ms, total, pending});
  if (ring.size() > kSlots) ring.pop_front();
  return true;
}

void QueueHistory::Prune(int64_t now_ms) {
  std::erase_if(series_, [&](const auto& kv) {
    return kv.second.empty() || now_ms - kv.second.back().t_ms > kWindowMs;
  });
}

std::vector<QueueHistory::Rate> QueueHistory::Rates(const std::string& series) const {
  std::vector<Rate> out;
  auto it = series_.find(series);
  if (it == series_.end()) return out;
  const std::deque<Sample>& ring = it->second;
  for (size_t i = 1; i < ring.size(); i++) {
    const Sample& a = ring[i - 1];
    const Sample& b = ring[i];
    const double seconds = static_cast<double>(b.t_ms - a.t_ms) / 1000.0;
    Rate r{b.t_ms, 0, 0};
    if (b.total >= a.total && seconds > 0) {
      const double grown = static_cast<double>(b.total - a.total);
      const double pending_delta = static_cast<double>(b.pending) - static_cast<double>(a.pending);
      r.in = grown / seconds;
      r.done = grown > pending_delta ? (grown - pending_delta) / seconds : 0;
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace server::http
