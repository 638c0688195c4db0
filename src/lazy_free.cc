#include "src/lazy_free.h"

#include "src/types/hash.h"
#include "src/types/quicklist.h"
#include "src/types/set.h"
#include "src/types/zset.h"

namespace server {

size_t FreeEffort(const Value& v) {
  switch (v.type()) {
    case ValueType::kString: return 1;
    case ValueType::kStream: {
      size_t n = v.stream().length();
      for (const auto& [name, group] : v.stream().groups()) n += group->pending_count();
      return n;
    }
    // A list is freed node by node: its effort is its node count, as in Redis.
    case ValueType::kList: return v.list().node_count();
    case ValueType::kHash: return v.hash().size();
    case ValueType::kSet: return v.set().size();
    case ValueType::kZSet: return v.zset().size();
  }
  return 1;
}

LazyFreer& LazyFreer::Instance() {
  static LazyFreer freer;
  return freer;
}

LazyFreer::~LazyFreer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LazyFreer::Free(Value v) {
  if (FreeEffort(v) <= kLazyFreeThreshold) return;  // `v` is freed as this returns
  FreeLater(std::move(v));
}

void LazyFreer::Enqueue(std::unique_ptr<Garbage> g) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(g));
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  wake_.notify_one();
}

void LazyFreer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing is left
    std::unique_ptr<Garbage> g = std::move(queue_.front());
    queue_.pop_front();
    in_flight_++;
    lock.unlock();
    g.reset();  // the freeing itself, outside the lock
    lock.lock();
    in_flight_--;
    freed_++;
    if (queue_.empty() && in_flight_ == 0) idle_.notify_all();
  }
}

size_t LazyFreer::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + in_flight_;
}

uint64_t LazyFreer::freed() const {
  std::lock_guard lock(mu_);
  return freed_;
}

void LazyFreer::Drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && in_flight_ == 0; });
}

}  // namespace server
