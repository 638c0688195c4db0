#include "streams/retention.h"

#include "streams/stream.h"

namespace streams {

StreamID RetentionCutoff(int64_t now_ms, int64_t max_age_ms) {
  if (max_age_ms <= 0 || now_ms <= max_age_ms) return StreamID{};
  return StreamID{static_cast<uint64_t>(now_ms - max_age_ms), 0};
}

std::optional<StreamID> PlanRetentionStep(const Stream& s, StreamID cutoff, uint64_t budget) {
  uint64_t below = 0;
  for (auto it = s.Range(StreamID::Min(), StreamID::Max()); it.Valid(); it.Next()) {
    if (!(it.id() < cutoff)) break;
    if (below == budget) return it.id();
    below++;
  }
  if (below == 0) return std::nullopt;
  return cutoff;
}

}  // namespace streams
