#include "streams/schedule.h"

#include "streams/varint.h"

namespace streams {

std::string ScheduleQueue::Pack(std::span<const std::string_view> field_values) {
  size_t size = 0;
  for (std::string_view s : field_values) size += varint::Size(s.size()) + s.size();
  std::string out(size, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  for (std::string_view s : field_values) {
    p = varint::Put(p, s.size());
    for (char c : s) *p++ = static_cast<uint8_t>(c);
  }
  return out;
}

std::vector<std::string_view> ScheduleQueue::Unpack(std::string_view packed) {
  std::vector<std::string_view> out;
  const auto* p = reinterpret_cast<const uint8_t*>(packed.data());
  const auto* end = p + packed.size();
  while (p < end) {
    const uint64_t len = varint::Get(p);
    out.emplace_back(reinterpret_cast<const char*>(p), len);
    p += len;
  }
  return out;
}

uint64_t ScheduleQueue::Add(int64_t due_ms, std::span<const std::string_view> field_values) {
  const uint64_t handle = next_handle_++;
  by_due_.emplace(std::make_pair(due_ms, handle), Pack(field_values));
  due_of_.emplace(handle, due_ms);
  return handle;
}

bool ScheduleQueue::AddWithHandle(int64_t due_ms, uint64_t handle,
                                  std::span<const std::string_view> field_values) {
  if (handle == 0 || due_of_.contains(handle)) return false;
  by_due_.emplace(std::make_pair(due_ms, handle), Pack(field_values));
  due_of_.emplace(handle, due_ms);
  if (handle >= next_handle_) next_handle_ = handle + 1;
  return true;
}

bool ScheduleQueue::Cancel(uint64_t handle) {
  auto it = due_of_.find(handle);
  if (it == due_of_.end()) return false;
  by_due_.erase(std::make_pair(it->second, handle));
  due_of_.erase(it);
  return true;
}

std::optional<int64_t> ScheduleQueue::NextDue() const {
  if (by_due_.empty()) return std::nullopt;
  return by_due_.begin()->first.first;
}

std::vector<ScheduleQueue::Item> ScheduleQueue::TakeDue(int64_t now_ms, size_t max) {
  std::vector<Item> out;
  while (out.size() < max && !by_due_.empty() && by_due_.begin()->first.first <= now_ms) {
    auto node = by_due_.extract(by_due_.begin());
    due_of_.erase(node.key().second);
    out.push_back(Item{node.key().first, node.key().second, std::move(node.mapped())});
  }
  return out;
}

std::optional<int64_t> ScheduleQueue::DueOf(uint64_t handle) const {
  auto it = due_of_.find(handle);
  if (it == due_of_.end()) return std::nullopt;
  return it->second;
}

}  // namespace streams
