#include "streams/idmp.h"

namespace streams {

std::unique_ptr<IdmpTable> IdmpTable::Clone() const {
  auto copy = std::make_unique<IdmpTable>();
  for (const auto& [pid, p] : producers_) {
    Producer& q = copy->producers_[pid];
    for (const Entry& e : p.order) {
      q.order.push_back(e);
      q.index.emplace(std::string_view(q.order.back().iid), std::prev(q.order.end()));
    }
  }
  copy->config_ = config_;
  copy->tracked_ = tracked_;
  copy->added_ = added_;
  copy->duplicates_ = duplicates_;
  copy->sweep_after_ = sweep_after_;
  return copy;
}

std::optional<StreamID> IdmpTable::Find(std::string_view pid, std::string_view iid,
                                        uint64_t now_ms, IdmpConfig config) {
  auto it = producers_.find(pid);
  if (it == producers_.end()) return std::nullopt;
  if (ExpireFront(it->second, now_ms, config)) {
    producers_.erase(it);
    return std::nullopt;
  }
  auto found = it->second.index.find(iid);
  if (found == it->second.index.end()) return std::nullopt;
  // A record left behind an older one that expired (clock moved back, replay out of order).
  if (Expired(found->second->id, now_ms, config)) return std::nullopt;
  return found->second->id;
}

void IdmpTable::Record(std::string_view pid, std::string_view iid, StreamID id,
                       IdmpConfig config) {
  auto it = producers_.find(pid);
  if (it == producers_.end()) it = producers_.emplace(std::string(pid), Producer{}).first;
  Producer& p = it->second;
  if (auto old = p.index.find(iid); old != p.index.end()) {
    auto entry = old->second;
    p.index.erase(old);
    p.order.erase(entry);
    tracked_--;
  }
  added_++;
  const size_t maxsize = config.maxsize < 1 ? 1 : static_cast<size_t>(config.maxsize);
  if (!p.order.empty() && p.order.size() >= maxsize) {
    // Full, the steady state of a busy producer: the oldest record's list and index nodes
    // become the new record's (no allocation), instead of one freed and one made.
    auto node = p.index.extract(std::string_view(p.order.front().iid));
    p.order.splice(p.order.end(), p.order, p.order.begin());
    Entry& e = p.order.back();
    e.iid.assign(iid);
    e.id = id;
    node.key() = std::string_view(e.iid);
    node.mapped() = std::prev(p.order.end());
    p.index.insert(std::move(node));
  } else {
    p.order.push_back(Entry{std::string(iid), id});
    p.index.emplace(std::string_view(p.order.back().iid), std::prev(p.order.end()));
    tracked_++;
  }
  while (p.order.size() > maxsize) PopFront(p);
}

void IdmpTable::PopFront(Producer& p) {
  p.index.erase(std::string_view(p.order.front().iid));
  p.order.pop_front();
  tracked_--;
}

bool IdmpTable::ExpireFront(Producer& p, uint64_t now_ms, IdmpConfig config) {
  while (!p.order.empty() && Expired(p.order.front().id, now_ms, config)) PopFront(p);
  return p.order.empty();
}

void IdmpTable::SweepSome(uint64_t now_ms, IdmpConfig config, size_t producers) {
  for (size_t n = 0; n < producers && !producers_.empty(); n++) {
    auto it = producers_.upper_bound(std::string_view(sweep_after_));
    if (it == producers_.end()) it = producers_.begin();
    sweep_after_ = it->first;
    if (ExpireFront(it->second, now_ms, config)) producers_.erase(it);
  }
}

void IdmpTable::Clear() {
  producers_.clear();
  tracked_ = 0;
  sweep_after_.clear();
}

IdmpTable::Live IdmpTable::CountLive(uint64_t now_ms, IdmpConfig config) const {
  Live live;
  for (const auto& [pid, p] : producers_) {
    size_t n = 0;
    for (const Entry& e : p.order) n += Expired(e.id, now_ms, config) ? 0 : 1;
    if (n > 0) live.pids++;
    live.iids += n;
  }
  return live;
}

size_t IdmpTable::BytesUsed() const {
  // A list node: two links and the Entry; a hash node: next link, key view, iterator and the
  // cached hash; one bucket pointer per bucket. A string's own buffer only past its SSO size.
  constexpr size_t kListNode = 2 * sizeof(void*) + sizeof(Entry);
  constexpr size_t kHashNode =
      sizeof(void*) + sizeof(std::string_view) + sizeof(void*) + sizeof(size_t);
  size_t bytes = sizeof(*this);
  for (const auto& [pid, p] : producers_) {
    bytes += 4 * sizeof(void*) + sizeof(std::string) + sizeof(Producer);  // map node
    if (pid.capacity() > std::string().capacity()) bytes += pid.capacity() + 1;
    bytes += p.index.bucket_count() * sizeof(void*);
    for (const Entry& e : p.order) {
      bytes += kListNode + kHashNode;
      if (e.iid.capacity() > std::string().capacity()) bytes += e.iid.capacity() + 1;
    }
  }
  return bytes;
}

std::string IdmpTable::Validate() const {
  size_t total = 0;
  for (const auto& [pid, p] : producers_) {
    if (p.order.empty()) return "empty producer " + pid;
    if (p.order.size() != p.index.size()) return "index and list differ for " + pid;
    for (auto it = p.order.begin(); it != p.order.end(); ++it) {
      auto found = p.index.find(it->iid);
      if (found == p.index.end() || found->second != it) return "unindexed iid in " + pid;
    }
    total += p.order.size();
  }
  if (total != tracked_) return "tracked count is off";
  return "";
}

}  // namespace streams
