// A stream's idempotent-producer state (Redis 8.6's IDMP): per producer id (pid), the recent
// idempotent ids (iids) it sent and the stream ID each one added. No clock of its own: an iid's
// age is the ms part of the entry it added (IDMP entries always get `*` IDs), so replaying the
// same records at any later time gives the same expiries.
//
// Invariants (checked by Validate()):
//  - Each producer holds at most the maxsize it was last recorded under, in the order recorded
//    (oldest first); its index and its list hold the same iids; no producer is kept empty.
//  - tracked() is the number of records over all producers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "streams/stream_id.h"

namespace streams {

// IDMP-DURATION (seconds) and IDMP-MAXSIZE (iids per producer), Redis's defaults and ranges.
struct IdmpConfig {
  static constexpr int64_t kMinDuration = 1;
  static constexpr int64_t kMaxDuration = 86400;
  static constexpr int64_t kMinMaxSize = 1;
  static constexpr int64_t kMaxMaxSize = 10000;
  int64_t duration_s = 100;
  int64_t maxsize = 100;
  bool operator==(const IdmpConfig&) const = default;
};

class IdmpTable {
 public:
  IdmpTable() = default;
  // Copies would share the index's views and iterators: Clone() rebuilds them instead.
  IdmpTable(const IdmpTable&) = delete;
  IdmpTable& operator=(const IdmpTable&) = delete;
  [[nodiscard]] std::unique_ptr<IdmpTable> Clone() const;

  // The ID recorded for (pid, iid), after dropping pid's records that expired at now_ms; none
  // when there is no live record.
  [[nodiscard]] std::optional<StreamID> Find(std::string_view pid, std::string_view iid,
                                             uint64_t now_ms, IdmpConfig config);
  // Records (pid, iid) -> id as pid's newest record, replacing an older record of the same iid
  // and evicting pid's oldest ones beyond config.maxsize. Counts one iid added.
  void Record(std::string_view pid, std::string_view iid, StreamID id, IdmpConfig config);
  // Counts one duplicate XADD answered from the table.
  void CountDuplicate() { duplicates_++; }
  // Drops every record whose time is past the duration at now_ms, in at most `producers`
  // producers after the last one swept (round robin), so producers that stopped sending are
  // reclaimed without a timer.
  void SweepSome(uint64_t now_ms, IdmpConfig config, size_t producers);
  // XCFGSET: forgets every record (the lifetime counters stay).
  void Clear();

  // The stream's own IDMP-DURATION / IDMP-MAXSIZE (XCFGSET); without one the server's
  // stream-idmp-duration / stream-idmp-maxsize apply.
  std::optional<IdmpConfig> config() const { return config_; }
  void SetConfig(IdmpConfig config) { config_ = config; }
  IdmpConfig Effective(IdmpConfig defaults) const { return config_ ? *config_ : defaults; }

  // What XINFO STREAM reports at now_ms: producers and records not expired.
  struct Live {
    size_t pids = 0;
    size_t iids = 0;
  };
  [[nodiscard]] Live CountLive(uint64_t now_ms, IdmpConfig config) const;
  size_t tracked() const { return tracked_; }
  size_t producers() const { return producers_.size(); }
  uint64_t iids_added() const { return added_; }
  uint64_t iids_duplicates() const { return duplicates_; }

  // Every record, producer by producer (pid order), oldest first: the AOF rewrite.
  template <typename Fn>  // Fn(std::string_view pid, std::string_view iid, StreamID id)
  void ForEach(Fn&& fn) const {
    for (const auto& [pid, p] : producers_) {
      for (const Entry& e : p.order) fn(std::string_view(pid), std::string_view(e.iid), e.id);
    }
  }

  // Whether a record of entry `id` has outlived the duration at now_ms (its age is id.ms's).
  static bool Expired(StreamID id, uint64_t now_ms, IdmpConfig config) {
    const uint64_t life = static_cast<uint64_t>(config.duration_s) * 1000;
    return id.ms <= now_ms && now_ms - id.ms >= life;
  }

  // Memory figure: the producers, their records and indexes (an estimate of the allocator's
  // nodes: each string's heap buffer when it has one, list and hash nodes, bucket arrays).
  [[nodiscard]] size_t BytesUsed() const;
  [[nodiscard]] std::string Validate() const;

 private:
  struct Entry {
    std::string iid;
    StreamID id;
  };
  struct Producer {
    std::list<Entry> order;  // oldest first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views into order
  };
  using ProducerMap = std::map<std::string, Producer, std::less<>>;

  // Pops p's expired records from the front; whether p is now empty.
  bool ExpireFront(Producer& p, uint64_t now_ms, IdmpConfig config);
  void PopFront(Producer& p);

  ProducerMap producers_;
  std::optional<IdmpConfig> config_;
  size_t tracked_ = 0;
  uint64_t added_ = 0;       // iids-added: every record ever made
  uint64_t duplicates_ = 0;  // iids-duplicates: XADDs answered with a recorded ID
  std::string sweep_after_;  // SweepSome's cursor: the last pid it looked at
};

}  // namespace streams
