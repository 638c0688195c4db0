// A stream's idempotent-producer state (Redis 8.6's IDMP): per producer id (pid), the recent
// idempotent ids (iids) it sent and the stream ID each one added. No clock of its own: an iid's
// age is the ms part of the entry it added (IDMP entries always get `*` IDs), so replaying the
// same records at any later time gives the same expiries.
//
// Invariants (checked by Validate()):
//  - Each producer holds at most the maxsize it was last recorded under, in the order recorded
//    (oldest first), in a ring; its open-addressing index finds every live record under its
//    iid's hash, once; no producer is kept empty.
//  - tracked() is the number of records over all producers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  class Producer;
  static constexpr uint32_t kNoSlot = UINT32_MAX;

 public:
  // One IDMP XADD's look at the table, kept until it records (so an add costs one hash probe
  // and one producer lookup): pid's live record of the iid, if any, and where it sits. Valid
  // until the table next changes.
  class Probe {
   public:
    std::optional<StreamID> found() const { return found_; }

   private:
    friend class IdmpTable;
    Producer* producer_ = nullptr;  // none: the producer has no records
    uint32_t hash_ = 0;
    uint32_t slot_ = kNoSlot;  // the ring slot of the iid's record, live or expired
    std::optional<StreamID> found_;
  };

  IdmpTable() = default;
  static_assert(IdmpConfig::kMaxMaxSize < UINT16_MAX, "ring slots fit the index's 16 bits");
  // A stream's table is copied only by COPY and the like, where Clone() says so.
  IdmpTable(const IdmpTable&) = delete;
  IdmpTable& operator=(const IdmpTable&) = delete;
  [[nodiscard]] std::unique_ptr<IdmpTable> Clone() const;

  // Looks (pid, iid) up after dropping pid's records that expired at now_ms; found() is none
  // when there is no live record.
  [[nodiscard]] Probe Look(std::string_view pid, std::string_view iid, uint64_t now_ms,
                           IdmpConfig config);
  [[nodiscard]] std::optional<StreamID> Find(std::string_view pid, std::string_view iid,
                                             uint64_t now_ms, IdmpConfig config) {
    return Look(pid, iid, now_ms, config).found();
  }
  // Records (pid, iid) -> id as pid's newest record, replacing an older record of the same iid
  // and evicting pid's oldest ones beyond config.maxsize. Counts one iid added. The probe form
  // reuses what Look found (the table must not have changed since).
  void Record(const Probe& probe, std::string_view pid, std::string_view iid, StreamID id,
              IdmpConfig config);
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

  // Fn(std::string_view pid, std::string_view iid, StreamID id) for every record, producer by
  // producer (pid order), oldest first: the AOF rewrite.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [pid, p] : producers_) {
      for (uint32_t i = 0; i < p.count(); i++) {
        const RecordView r = p.At(i);
        fn(std::string_view(pid), r.iid, r.id);
      }
    }
  }

  // Whether a record of entry `id` has outlived the duration at now_ms (its age is id.ms's).
  static bool Expired(StreamID id, uint64_t now_ms, IdmpConfig config) {
    const uint64_t life = static_cast<uint64_t>(config.duration_s) * 1000;
    return id.ms <= now_ms && now_ms - id.ms >= life;
  }

  // Memory figure: the producers, their rings, indexes and iid buffers.
  [[nodiscard]] size_t BytesUsed() const;
  [[nodiscard]] std::string Validate() const;

 private:
  // One record as read back: the iid's bytes stay in the producer's ring.
  struct RecordView {
    std::string_view iid;
    StreamID id;
  };

  // A producer's records: a ring (oldest at head_) that grows up to the maxsize, each slot a few
  // words (the entry ID, the iid's length and hash, the iid inline up to kMaxInline bytes; a
  // longer one in spilled_), and an index of linear-probing slots (four per ring slot, at most
  // half occupied), each a ring slot + 1 (0: empty) beside 16 more bits of the hash, so that a
  // probe reads a record only when they agree. Evictions leave their index slots stale
  // (pointing outside the live ring, or at a reused ring slot whose iid differs); inserts
  // rebuild the index once half of it is occupied.
  class Producer {
   public:
    static constexpr size_t kMaxInline = 64;

    uint32_t count() const { return count_; }
    RecordView At(uint32_t i) const { return InSlot(Physical(i)); }
    StreamID OldestId() const { return IdAt(head_); }
    RecordView InSlot(uint32_t slot) const { return {IidAt(slot), IdAt(slot)}; }
    // The ring slot holding iid, or kNoSlot (a plain integer: an optional's flag byte, stored
    // then read back as a word, stalled on store forwarding in the hot path).
    uint32_t Find(std::string_view iid, uint32_t hash) const;
    // Appends (iid, id) as the newest record, first evicting the oldest when `maxsize` are
    // held; whether one was evicted.
    bool Push(std::string_view iid, uint32_t hash, StreamID id, uint32_t maxsize);
    void PopOldest();
    // Removes the record in ring slot `slot` (any age), keeping the others' order.
    void Remove(uint32_t slot);
    // Keeps only the newest `maxsize` records; how many went.
    uint32_t Shrink(uint32_t maxsize);
    size_t BytesUsed() const;
    std::string Validate() const;

   private:
    static constexpr size_t kHeaderWords = 3;  // ms, seq, length << 32 | hash
    const uint64_t* SlotWords(uint32_t slot) const { return words_.data() + slot * stride_; }
    uint64_t* SlotWords(uint32_t slot) { return words_.data() + slot * stride_; }
    StreamID IdAt(uint32_t slot) const { return {SlotWords(slot)[0], SlotWords(slot)[1]}; }
    uint32_t LengthAt(uint32_t slot) const {
      return static_cast<uint32_t>(SlotWords(slot)[2] >> 32);
    }
    uint32_t HashAt(uint32_t slot) const { return static_cast<uint32_t>(SlotWords(slot)[2]); }
    std::string_view IidAt(uint32_t slot) const {
      const uint32_t len = LengthAt(slot);
      if (len > kMaxInline) return spilled_[slot];
      return {reinterpret_cast<const char*>(SlotWords(slot) + kHeaderWords), len};
    }
    uint32_t Physical(uint32_t i) const {
      const uint32_t p = head_ + i;
      return p >= capacity_ ? p - capacity_ : p;
    }
    bool Live(uint32_t slot) const {
      const uint32_t age = slot >= head_ ? slot - head_ : slot + capacity_ - head_;
      return age < count_;
    }
    // Copies the records oldest first (without ring slot `skip`) into a ring of `capacity`
    // slots of `width` inline iid bytes, and rebuilds the index.
    void Rebuild(uint32_t capacity, size_t width, uint32_t skip = kNoSlot);
    // Inserts, first rebuilding the index when it would be more than half occupied.
    void IndexInsert(uint32_t slot, uint32_t hash);
    // Indexes the live records alone.
    void RebuildIndex();

    struct IndexSlot {
      uint16_t ring_slot_plus_one = 0;  // maxsize is at most 10000
      uint16_t tag = 0;                 // the hash's high half
    };
    std::vector<uint64_t> words_;        // capacity_ slots of stride_ words
    std::vector<std::string> spilled_;   // per slot, iids past kMaxInline; empty until one is
    std::vector<IndexSlot> index_;       // size a power of two, >= 4 * capacity_
    uint32_t capacity_ = 0;
    uint32_t stride_ = kHeaderWords;     // words per slot: the header and width_ / 8
    uint32_t head_ = 0;
    uint32_t count_ = 0;
    uint32_t occupied_ = 0;  // index slots in use, live or stale
  };
  // Map nodes are stable, so a Probe's Producer* lives until that producer is erased.
  using ProducerMap = std::map<std::string, Producer, std::less<>>;

  // Pops p's expired records from the front; whether p is now empty.
  bool ExpireFront(Producer& p, uint64_t now_ms, IdmpConfig config);
  // pid's producer, or null; the last one found is remembered (a busy producer's adds come in
  // runs), and ForgetProducer erases one, forgetting it there too.
  Producer* FindProducer(std::string_view pid);
  void ForgetProducer(ProducerMap::iterator it);
  static uint32_t HashOf(std::string_view iid);

  ProducerMap producers_;
  std::optional<IdmpConfig> config_;
  size_t tracked_ = 0;
  uint64_t added_ = 0;       // iids-added: every record ever made
  uint64_t duplicates_ = 0;  // iids-duplicates: XADDs answered with a recorded ID
  std::string sweep_after_;  // SweepSome's cursor: the last pid it looked at
  const std::string* last_pid_ = nullptr;  // FindProducer's last answer (its map node)
  Producer* last_producer_ = nullptr;
};

}  // namespace streams
