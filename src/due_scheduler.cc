#include "src/due_scheduler.h"

#include <cstring>

namespace server {

void DueScheduler::Encode(std::string& out, int db, std::string_view key, std::string_view group) {
  out.clear();
  const auto d = static_cast<uint32_t>(db);
  const auto n = static_cast<uint32_t>(key.size());
  out.append(reinterpret_cast<const char*>(&d), sizeof d);
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(key);
  out.append(group);
}

DueScheduler::GroupRef DueScheduler::Decode(std::string_view encoded) {
  uint32_t d, n;
  std::memcpy(&d, encoded.data(), sizeof d);
  std::memcpy(&n, encoded.data() + sizeof d, sizeof n);
  const size_t key_at = sizeof d + sizeof n;
  return {static_cast<int>(d), std::string(encoded.substr(key_at, n)),
          std::string(encoded.substr(key_at + n))};
}

void DueScheduler::Arm(int db, std::string_view key, std::string_view group, int64_t at_ms) {
  if (at_ms < 0) return;
  Encode(scratch_, db, key, group);
  auto it = armed_.find(std::string_view(scratch_));
  if (it != armed_.end()) {
    if (it->second <= at_ms) return;
    order_.erase({it->second, it->first});
    it->second = at_ms;
    order_.emplace(at_ms, it->first);
    return;
  }
  armed_.emplace(scratch_, at_ms);
  order_.emplace(at_ms, scratch_);
}

std::vector<DueScheduler::Taken> DueScheduler::TakeDue(int64_t now_ms, size_t max) {
  std::vector<Taken> out;
  while (!order_.empty() && out.size() < max && order_.begin()->first <= now_ms) {
    auto node = order_.extract(order_.begin());
    armed_.erase(node.value().second);
    out.push_back({Decode(node.value().second), node.value().first});
  }
  return out;
}

void DueScheduler::Clear() {
  armed_.clear();
  order_.clear();
}

}  // namespace server
