#include "streams/idmp.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <utility>

namespace streams {

namespace {

uint64_t IdmpLoad64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

uint64_t IdmpLoad32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

uint64_t IdmpMix(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

}  // namespace

// A multiply-xorshift over whole 8-byte words (the tail read as an overlapping word, never
// byte by byte, which would stall on store forwarding): iids are short (a 12-digit number,
// IDMPAUTO's 16 bytes), where this costs a few cycles against std::hash's general loop.
uint32_t IdmpTable::HashOf(std::string_view iid) {
  const char* p = iid.data();
  const size_t n = iid.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) h = IdmpMix(h, IdmpLoad64(p + i));
    if (i < n) h = IdmpMix(h, IdmpLoad64(p + n - 8));
  } else if (n >= 4) {
    h = IdmpMix(h, IdmpLoad32(p) | (IdmpLoad32(p + n - 4) << 32));
  } else if (n > 0) {
    const auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<uint8_t>(p[i])); };
    h = IdmpMix(h, byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16));
  }
  h *= 0x94D049BB133111EBULL;
  return static_cast<uint32_t>(h >> 32);
}

// --- a producer's ring and index ------------------------------------------------------------

uint32_t IdmpTable::Producer::Find(std::string_view iid, uint32_t hash) const {
  if (index_.empty()) return kNoSlot;
  const size_t mask = index_.size() - 1;
  const uint16_t tag = static_cast<uint16_t>(hash >> 16);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const IndexSlot s = index_[i];
    if (s.ring_slot_plus_one == 0) return kNoSlot;
    if (s.tag != tag) continue;
    const uint32_t slot = s.ring_slot_plus_one - 1u;
    // A stale slot (its record evicted) may point at a reused ring slot: the iid decides.
    if (Live(slot) && HashAt(slot) == hash && IidAt(slot) == iid) return slot;
  }
}

void IdmpTable::Producer::IndexInsert(uint32_t slot, uint32_t hash) {
  if (2 * (occupied_ + 1) > index_.size()) RebuildIndex();
  const size_t mask = index_.size() - 1;
  size_t i = hash & mask;
  while (index_[i].ring_slot_plus_one != 0) i = (i + 1) & mask;
  index_[i] = {static_cast<uint16_t>(slot + 1), static_cast<uint16_t>(hash >> 16)};
  occupied_++;
}

void IdmpTable::Producer::RebuildIndex() {
  std::fill(index_.begin(), index_.end(), IndexSlot{});
  occupied_ = 0;
  for (uint32_t n = 0; n < count_; n++) {
    const uint32_t slot = Physical(n);
    const size_t mask = index_.size() - 1;
    size_t i = HashAt(slot) & mask;
    while (index_[i].ring_slot_plus_one != 0) i = (i + 1) & mask;
    index_[i] = {static_cast<uint16_t>(slot + 1), static_cast<uint16_t>(HashAt(slot) >> 16)};
    occupied_++;
  }
}

void IdmpTable::Producer::Rebuild(uint32_t capacity, size_t width, uint32_t skip) {
  const uint32_t stride = static_cast<uint32_t>(kHeaderWords + width / 8);
  std::vector<uint64_t> words(static_cast<size_t>(capacity) * stride);
  std::vector<std::string> spilled;
  uint32_t n = 0;
  for (uint32_t i = 0; i < count_; i++) {
    const uint32_t from = Physical(i);
    if (from == skip) continue;
    const uint64_t* src = SlotWords(from);
    uint64_t* dst = words.data() + static_cast<size_t>(n) * stride;
    std::copy(src, src + kHeaderWords, dst);
    const uint32_t len = LengthAt(from);
    if (len > kMaxInline) {
      if (spilled.empty()) spilled.resize(capacity);
      spilled[n] = std::move(spilled_[from]);
    } else if (len > 0) {
      std::memcpy(dst + kHeaderWords, src + kHeaderWords, len);
    }
    n++;
  }
  words_ = std::move(words);
  spilled_ = std::move(spilled);
  capacity_ = capacity;
  stride_ = stride;
  head_ = 0;
  count_ = n;
  index_.assign(std::bit_ceil(std::max<size_t>(4 * static_cast<size_t>(capacity), 4)), {});
  RebuildIndex();
}

bool IdmpTable::Producer::Push(std::string_view iid, uint32_t hash, StreamID id,
                               uint32_t maxsize) {
  const bool evict = count_ >= maxsize;
  if (evict) PopOldest();
  const size_t width = (stride_ - kHeaderWords) * 8;
  const size_t wanted = iid.size() <= kMaxInline ? (iid.size() + 7) / 8 * 8 : 0;
  if (count_ == capacity_ || wanted > width) {
    const uint32_t capacity =
        count_ == capacity_ ? std::min(std::max<uint32_t>(4, 2 * count_), maxsize) : capacity_;
    Rebuild(capacity, std::max(width, wanted));
  }
  // A full ring reuses the evicted record's slot.
  const uint32_t slot = Physical(count_);
  uint64_t* w = SlotWords(slot);
  w[0] = id.ms;
  w[1] = id.seq;
  w[2] = (static_cast<uint64_t>(iid.size()) << 32) | hash;
  if (iid.size() > kMaxInline) {
    if (spilled_.empty()) spilled_.resize(capacity_);
    spilled_[slot].assign(iid);
  } else if (!iid.empty()) {
    std::memcpy(w + kHeaderWords, iid.data(), iid.size());
  }
  IndexInsert(slot, hash);
  count_++;
  return evict;
}

void IdmpTable::Producer::PopOldest() {
  // Its index slot goes stale, not empty: RebuildIndex drops stale slots in bulk, cheaper than
  // a backward-shift delete on every eviction.
  if (LengthAt(head_) > kMaxInline) std::string().swap(spilled_[head_]);
  head_ = Physical(1);
  if (--count_ == 0) head_ = 0;
}

void IdmpTable::Producer::Remove(uint32_t slot) {
  if (slot == head_) return PopOldest();
  Rebuild(capacity_, (stride_ - kHeaderWords) * 8, slot);
}

uint32_t IdmpTable::Producer::Shrink(uint32_t maxsize) {
  uint32_t gone = 0;
  for (; count_ > maxsize; gone++) PopOldest();
  if (capacity_ > maxsize) Rebuild(maxsize, (stride_ - kHeaderWords) * 8);
  return gone;
}

size_t IdmpTable::Producer::BytesUsed() const {
  size_t bytes = words_.capacity() * sizeof(uint64_t) + index_.capacity() * sizeof(IndexSlot) +
                 spilled_.capacity() * sizeof(std::string);
  for (const std::string& iid : spilled_) {
    if (iid.capacity() > std::string().capacity()) bytes += iid.capacity() + 1;
  }
  return bytes;
}

std::string IdmpTable::Producer::Validate() const {
  if (count_ == 0) return "empty producer";
  if (count_ > capacity_ || head_ >= capacity_) return "ring out of bounds";
  if (words_.size() != static_cast<size_t>(capacity_) * stride_) return "ring size is off";
  if (!std::has_single_bit(index_.size()) || index_.size() < 4 * static_cast<size_t>(capacity_)) {
    return "index too small";
  }
  size_t used = 0;
  for (const IndexSlot& s : index_) used += s.ring_slot_plus_one != 0 ? 1 : 0;
  if (used != occupied_ || used < count_ || 2 * used > index_.size()) {
    return "index occupancy is off";
  }
  const size_t width = (stride_ - kHeaderWords) * 8;
  for (uint32_t i = 0; i < count_; i++) {
    const uint32_t slot = Physical(i);
    const uint32_t len = LengthAt(slot);
    if (len <= kMaxInline && len > width) return "inline iid wider than its slot";
    if (len > kMaxInline && (spilled_.size() != capacity_ || spilled_[slot].size() != len)) {
      return "spilled iid missing";
    }
    if (HashAt(slot) != HashOf(IidAt(slot))) return "stale hash";
    if (Find(IidAt(slot), HashAt(slot)) != slot) return "unindexed or repeated iid";
  }
  return "";
}

// --- the table -------------------------------------------------------------------------------

std::unique_ptr<IdmpTable> IdmpTable::Clone() const {
  auto copy = std::make_unique<IdmpTable>();
  copy->producers_ = producers_;  // positions, not pointers: a plain copy is whole
  copy->config_ = config_;
  copy->tracked_ = tracked_;
  copy->added_ = added_;
  copy->duplicates_ = duplicates_;
  copy->sweep_after_ = sweep_after_;
  return copy;
}

IdmpTable::Probe IdmpTable::Look(std::string_view pid, std::string_view iid, uint64_t now_ms,
                                 IdmpConfig config) {
  Probe probe;
  probe.hash_ = HashOf(iid);
  Producer* found = FindProducer(pid);
  if (found == nullptr) return probe;
  if (ExpireFront(*found, now_ms, config)) {
    ForgetProducer(producers_.find(pid));
    return probe;
  }
  Producer& p = *found;
  probe.producer_ = &p;
  if (const uint32_t slot = p.Find(iid, probe.hash_); slot != kNoSlot) {
    probe.slot_ = slot;
    // A record left behind an older one that expired (clock moved back, replay out of order)
    // is no answer, though Record still replaces it.
    const StreamID id = p.InSlot(slot).id;
    if (!Expired(id, now_ms, config)) probe.found_ = id;
  }
  return probe;
}

void IdmpTable::Record(const Probe& probe, std::string_view pid, std::string_view iid,
                       StreamID id, IdmpConfig config) {
  const uint32_t maxsize =
      static_cast<uint32_t>(std::clamp<int64_t>(config.maxsize, 1, IdmpConfig::kMaxMaxSize));
  Producer* p = probe.producer_;
  if (p == nullptr) {
    auto it = producers_.try_emplace(std::string(pid)).first;
    last_pid_ = &it->first;
    p = last_producer_ = &it->second;
  }
  if (probe.slot_ != kNoSlot) {
    p->Remove(probe.slot_);
    tracked_--;
  }
  tracked_ -= p->Shrink(maxsize);
  if (p->Push(iid, probe.hash_, id, maxsize)) tracked_--;
  tracked_++;
  added_++;
}

void IdmpTable::Record(std::string_view pid, std::string_view iid, StreamID id,
                       IdmpConfig config) {
  Probe probe;
  probe.hash_ = HashOf(iid);
  if (Producer* p = FindProducer(pid); p != nullptr) {
    probe.producer_ = p;
    probe.slot_ = p->Find(iid, probe.hash_);
  }
  Record(probe, pid, iid, id, config);
}

bool IdmpTable::ExpireFront(Producer& p, uint64_t now_ms, IdmpConfig config) {
  while (p.count() > 0 && Expired(p.OldestId(), now_ms, config)) {
    p.PopOldest();
    tracked_--;
  }
  return p.count() == 0;
}

void IdmpTable::SweepSome(uint64_t now_ms, IdmpConfig config, size_t producers) {
  for (size_t n = 0; n < producers && !producers_.empty(); n++) {
    auto it = producers_.upper_bound(std::string_view(sweep_after_));
    if (it == producers_.end()) it = producers_.begin();
    sweep_after_ = it->first;
    if (ExpireFront(it->second, now_ms, config)) ForgetProducer(it);
  }
}

IdmpTable::Producer* IdmpTable::FindProducer(std::string_view pid) {
  if (last_producer_ != nullptr && *last_pid_ == pid) return last_producer_;
  auto it = producers_.find(pid);
  if (it == producers_.end()) return nullptr;
  last_pid_ = &it->first;
  return last_producer_ = &it->second;
}

void IdmpTable::ForgetProducer(ProducerMap::iterator it) {
  if (&it->second == last_producer_) last_producer_ = nullptr;
  producers_.erase(it);
}

void IdmpTable::Clear() {
  last_producer_ = nullptr;
  producers_.clear();
  tracked_ = 0;
  sweep_after_.clear();
}

IdmpTable::Live IdmpTable::CountLive(uint64_t now_ms, IdmpConfig config) const {
  Live live;
  for (const auto& [pid, p] : producers_) {
    size_t n = 0;
    for (uint32_t i = 0; i < p.count(); i++) n += Expired(p.At(i).id, now_ms, config) ? 0 : 1;
    if (n > 0) live.pids++;
    live.iids += n;
  }
  return live;
}

size_t IdmpTable::BytesUsed() const {
  size_t bytes = sizeof(*this);
  for (const auto& [pid, p] : producers_) {
    bytes += 4 * sizeof(void*) + sizeof(std::string) + sizeof(Producer);  // map node
    if (pid.capacity() > std::string().capacity()) bytes += pid.capacity() + 1;
    bytes += p.BytesUsed();
  }
  return bytes;
}

std::string IdmpTable::Validate() const {
  size_t total = 0;
  for (const auto& [pid, p] : producers_) {
    if (std::string why = p.Validate(); !why.empty()) return why + " in " + pid;
    total += p.count();
  }
  if (total != tracked_) return "tracked count is off";
  return "";
}

}  // namespace streams
