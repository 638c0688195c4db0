// When the server must next look at a consumer group whose delivery policy gives pending
// entries due times: one deadline per (db, key, group), never one per entry, so a million
// pending entries with deadlines cost one map node while none is due. Deadlines are wall-clock
// ms, like the entries' due times. A deadline may be stale (the key renamed or deleted, the
// group destroyed, the entry acked): whoever takes it checks, and re-arms for what is left.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

class DueScheduler {
 public:
  struct GroupRef {
    int db;
    std::string key;
    std::string group;
  };
  struct Taken {
    GroupRef ref;
    int64_t armed_ms;  // the deadline it was taken for: entries due before it were looked at
  };

  // Makes sure the group is looked at no later than `at_ms`; a later deadline than the one
  // already armed changes nothing. Negative `at_ms`: nothing to arm.
  void Arm(int db, std::string_view key, std::string_view group, int64_t at_ms);
  // The earliest deadline, or -1 when none is armed.
  int64_t NextAt() const { return order_.empty() ? -1 : order_.begin()->first; }
  // Removes and returns up to `max` groups whose deadline is <= now_ms, earliest first.
  std::vector<Taken> TakeDue(int64_t now_ms, size_t max);
  size_t size() const { return armed_.size(); }
  void Clear();

 private:
  // One string per group: db, key length, key, group (so no two groups share one).
  static void Encode(std::string& out, int db, std::string_view key, std::string_view group);
  static GroupRef Decode(std::string_view encoded);

  std::map<std::string, int64_t, std::less<>> armed_;
  std::set<std::pair<int64_t, std::string>> order_;
  std::string scratch_;  // reused by Arm, so arming an armed group allocates nothing
};

}  // namespace server
