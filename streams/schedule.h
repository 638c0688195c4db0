// Delayed delivery (Runnel's extension, in progress): a stream's scheduled entries, which join
// the stream as ordinary entries at their due time. Each has a handle (a per-stream sequence
// number, never reused) by which it is listed and cancelled; they are ordered by (due time,
// handle), so entries due at the same millisecond join in the order they were scheduled.
// Pure: times are passed in. Field/value pairs are kept packed (varint lengths) in one string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace streams {

class ScheduleQueue {
 public:
  struct Item {
    int64_t due_ms = 0;
    uint64_t handle = 0;
    std::string packed;  // the field/value pairs, see Unpack
  };

  // Schedules `field_values` for `due_ms`: the new handle.
  uint64_t Add(int64_t due_ms, std::span<const std::string_view> field_values);
  // The same with a given handle (replay from the AOF): false when the handle is taken. Later
  // Adds get handles above every handle seen.
  bool AddWithHandle(int64_t due_ms, uint64_t handle,
                     std::span<const std::string_view> field_values);
  // Cancels a scheduled entry: whether it was there.
  bool Cancel(uint64_t handle);
  // The earliest due time, if any entry waits.
  std::optional<int64_t> NextDue() const;
  // Removes and returns, in order, up to `max` entries due at `now_ms` (due <= now).
  std::vector<Item> TakeDue(int64_t now_ms, size_t max);
  // The due time of a waiting entry.
  std::optional<int64_t> DueOf(uint64_t handle) const;
  size_t size() const { return by_due_.size(); }
  bool empty() const { return by_due_.empty(); }
  uint64_t next_handle() const { return next_handle_; }
  // Visits waiting entries in order (due, handle) until `fn` returns false.
  template <typename F>
  void ForEach(F&& fn) const {
    for (const auto& [key, packed] : by_due_) {
      if (!fn(key.first, key.second, std::string_view(packed))) return;
    }
  }

  static std::string Pack(std::span<const std::string_view> field_values);
  static std::vector<std::string_view> Unpack(std::string_view packed);

 private:
  std::map<std::pair<int64_t, uint64_t>, std::string> by_due_;
  std::unordered_map<uint64_t, int64_t> due_of_;  // handle -> due time
  uint64_t next_handle_ = 1;
};

}  // namespace streams
