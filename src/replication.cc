#include "src/replication.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "src/aof_writer.h"

namespace server {

void ReplBacklog::Reset(size_t capacity, uint64_t offset) {
  ring_.assign(capacity, '\0');
  capacity_ = capacity;
  size_ = 0;
  head_ = 0;
  end_ = offset;
}

void ReplBacklog::Resize(size_t capacity) {
  if (capacity == capacity_) return;
  const size_t keep = std::min(size_, capacity);
  std::string newest = keep > 0 ? CopyFrom(end_ - keep + 1) : std::string();
  const uint64_t end = end_;
  Reset(capacity, end - keep);
  Append(newest);
}

void ReplBacklog::Append(std::string_view bytes) {
  end_ += bytes.size();
  if (capacity_ == 0) return;
  if (bytes.size() >= capacity_) bytes = bytes.substr(bytes.size() - capacity_);
  const size_t first = std::min(bytes.size(), capacity_ - head_);
  std::memcpy(ring_.data() + head_, bytes.data(), first);
  std::memcpy(ring_.data(), bytes.data() + first, bytes.size() - first);
  head_ = (head_ + bytes.size()) % capacity_;
  size_ = std::min(capacity_, size_ + bytes.size());
}

std::string ReplBacklog::CopyFrom(uint64_t next) const {
  const size_t n = static_cast<size_t>(end_ + 1 - next);
  std::string out(n, '\0');
  // The oldest byte wanted sits n bytes behind head_.
  const size_t start = (head_ + capacity_ - n) % std::max<size_t>(capacity_, 1);
  const size_t first = std::min(n, capacity_ - start);
  std::memcpy(out.data(), ring_.data() + start, first);
  std::memcpy(out.data() + first, ring_.data(), n - first);
  return out;
}

void Replication::ShiftReplid(std::string fresh) {
  replid2 = replid;
  second_offset = static_cast<int64_t>(offset) + 1;
  replid = std::move(fresh);
}

size_t ReplicasAcked(const Replication& repl, uint64_t offset, bool aof) {
  size_t n = 0;
  for (const auto& [id, peer] : repl.replicas) {
    n += peer.state == ReplicaPeer::State::kOnline &&
         (aof ? peer.aof_ack_offset : peer.ack_offset) >= offset;
  }
  return n;
}

size_t GoodReplicas(const Replication& repl, int64_t now_ms, int64_t max_lag_s) {
  size_t good = 0;
  for (const auto& [id, peer] : repl.replicas) {
    if (peer.state == ReplicaPeer::State::kOnline && now_ms - peer.ack_ms <= max_lag_s * 1000) {
      good++;
    }
  }
  return good;
}

std::string NewReplid() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 40; i++) id.push_back(kHex[rd() % 16]);
  return id;
}

}  // namespace server
