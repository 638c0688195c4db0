// ConsumerGroup: PEL bookkeeping across its indexes, and Redis's entries-read arithmetic.
#include "streams/consumer_group.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

#include "streams/saturating.h"
#include "streams/stream.h"

namespace streams {

ConsumerGroup::ConsumerGroup(StreamID last_id, int64_t entries_read)
    : last_id_(last_id),
      entries_read_(entries_read),
      pel_(PendingById{{&arena_}}),
      by_time_(PendingByDeliveryTime{{&arena_}}),
      nacked_(PendingByNack{{&arena_}}),
      due_(PendingByDue{{&arena_}}) {}

ConsumerGroup::~ConsumerGroup() = default;

std::unique_ptr<ConsumerGroup> ConsumerGroup::Clone() const {
  auto copy = std::make_unique<ConsumerGroup>(last_id_, entries_read_);
  copy->policy_ = policy_;
  copy->counters_ = counters_;
  for (const auto& [name, c] : consumers_) {
    auto [nc, created] = copy->GetOrCreateConsumer(name, c->seen_time_ms);
    nc->active_time_ms = c->active_time_ms;
  }
  PendingIndex::Iterator it(pel_);
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) {
    const PendingEntry* e = it.Value();
    if (e->owner() == nullptr) continue;  // NACKed: re-added below in NACK order
    PendingEntry* ne = copy->CreatePending(e->id, *copy->FindConsumer(e->owner()->name),
                                           e->delivery_time_ms, e->delivery_count());
    copy->SetDue(*ne, e->due_ms());
  }
  ForEachNacked([&](PendingEntry& e) {
    copy->SetDue(*copy->CreateNacked(e.id, e.delivery_count()), e.due_ms());
    return true;
  });
  return copy;
}

void ConsumerGroup::AdvanceTo(const Stream& s, StreamID id) {
  if (id <= last_id_) return;
  if (CounterIsExact(s, *this)) {
    entries_read_++;
  } else if (s.entries_added() > 0) {
    entries_read_ = EstimateEntriesRead(s, id);
  }
  last_id_ = id;
}

Consumer* ConsumerGroup::FindConsumer(std::string_view name) const {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : it->second.get();
}

std::pair<Consumer*, bool> ConsumerGroup::GetOrCreateConsumer(std::string_view name,
                                                              int64_t now_ms) {
  if (Consumer* c = FindConsumer(name)) return {c, false};
  auto c = std::make_unique<Consumer>(name, arena_);
  c->seen_time_ms = now_ms;
  Consumer* raw = c.get();
  consumers_.emplace(raw->name, std::move(c));
  return {raw, true};
}

std::optional<size_t> ConsumerGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) return std::nullopt;
  Consumer& c = *it->second;
  const size_t pending = c.pel.size();
  std::vector<StreamID> ids;
  ids.reserve(pending);
  PendingIndex::Iterator pit(c.pel);
  for (bool ok = pit.Seek(SeekOp::kFirst); ok; ok = pit.Next()) ids.push_back(pit.CurrentKey());
  for (StreamID id : ids) Ack(id);
  consumers_.erase(it);
  CompactPending();
  return pending;
}

PendingEntry* ConsumerGroup::FindPending(StreamID id) const {
  auto slot = pel_.Find(id);
  return slot ? &arena_[*slot] : nullptr;
}

void ConsumerGroup::ClearDue(PendingEntry& e) {
  if (!e.has_due()) return;
  due_.Erase(PendingArena::SlotOf(e));
  arena_.SetDue(e, -1);
}

void ConsumerGroup::SetDue(PendingEntry& e, int64_t due_ms) {
  ClearDue(e);
  if (due_ms < 0) return;
  arena_.SetDue(e, due_ms);
  bool inserted = due_.Insert(PendingArena::SlotOf(e));
  assert(inserted);
  (void)inserted;
}

int64_t ConsumerGroup::DueOf(const PendingEntry& e, std::optional<int64_t> owned_wait) {
  if (e.has_due()) return e.due_ms();
  if (owned_wait && e.owner() != nullptr) return SaturatingAdd(e.delivery_time_ms, *owned_wait);
  return -1;
}

void ConsumerGroup::ForEachDue(int64_t from_ms, int64_t to_ms, std::optional<int64_t> owned_wait,
                               const std::function<bool(PendingEntry&)>& fn) const {
  from_ms = std::max<int64_t>(from_ms, 0);
  // Two sorted sources, each resumed by key after every callback (which may change either):
  // the due index, and (with owned_wait) the delivery-time index, whose entries without an
  // explicit due time are due at delivery time + owned_wait.
  TimeId due_key{from_ms, StreamID::Min()};
  SeekOp due_op = SeekOp::kGreaterOrEqual;
  TimeId time_key{};
  SeekOp time_op = SeekOp::kGreaterOrEqual;
  if (owned_wait) time_key = {std::max<int64_t>(from_ms - *owned_wait, 0), StreamID::Min()};
  decltype(due_)::Iterator due_it(due_);
  decltype(by_time_)::Iterator time_it(by_time_);
  for (;;) {
    PendingEntry* a = nullptr;
    if (due_it.Seek(due_op, due_key) && due_it.CurrentKey().first <= to_ms) a = due_it.Value();
    PendingEntry* b = nullptr;
    if (owned_wait) {
      for (bool ok = time_it.Seek(time_op, time_key); ok; ok = time_it.Next()) {
        PendingEntry* e = time_it.Value();
        if (SaturatingAdd(e->delivery_time_ms, *owned_wait) > to_ms) break;
        if (!e->has_due()) {
          b = e;
          break;
        }
        // Entries with an explicit due time come from the due index.
      }
    }
    if (a == nullptr && b == nullptr) return;
    const bool take_a =
        b == nullptr ||
        (a != nullptr && std::pair(a->due_ms(), a->id) < std::pair(DueOf(*b, owned_wait), b->id));
    PendingEntry* e = take_a ? a : b;
    if (take_a) {
      due_key = {e->due_ms(), e->id};
      due_op = SeekOp::kGreater;
    } else {
      time_key = {e->delivery_time_ms, e->id};
      time_op = SeekOp::kGreater;
    }
    if (!fn(*e)) return;
  }
}

std::optional<int64_t> ConsumerGroup::NextDue(std::optional<int64_t> owned_wait,
                                              int64_t after_ms) const {
  std::optional<int64_t> next;
  decltype(due_)::Iterator it(due_);
  const bool found = after_ms < 0 ? it.Seek(SeekOp::kFirst)
                                  : it.Seek(SeekOp::kGreater, TimeId{after_ms, StreamID::Max()});
  if (found) next = it.CurrentKey().first;
  if (owned_wait) {
    decltype(by_time_)::Iterator t(by_time_);
    const int64_t from = after_ms < 0 ? 0 : std::max<int64_t>(after_ms - *owned_wait + 1, 0);
    for (bool ok = t.Seek(SeekOp::kGreaterOrEqual, TimeId{from, StreamID::Min()}); ok;
         ok = t.Next()) {
      const PendingEntry* e = t.Value();
      if (e->has_due()) continue;
      const int64_t due = SaturatingAdd(e->delivery_time_ms, *owned_wait);
      if (due <= after_ms) continue;  // the wait saturated
      if (!next || due < *next) next = due;
      break;
    }
  }
  return next;
}

void ConsumerGroup::Detach(PendingEntry& e) {
  ClearDue(e);
  const uint32_t slot = PendingArena::SlotOf(e);
  if (Consumer* owner = e.owner()) {
    owner->pel.Erase(slot);
    by_time_.Erase(slot);
  } else if (e.nack_seq() != 0) {
    nacked_.Erase(slot);
  }
  e.set_owner(nullptr);
}

void ConsumerGroup::Attach(PendingEntry& e, Consumer& c, int64_t time_ms) {
  e.set_owner(&c);
  e.delivery_time_ms = time_ms;
  const uint32_t slot = PendingArena::SlotOf(e);
  bool a = c.pel.Insert(slot);
  bool b = by_time_.Insert(slot);
  assert(a && b);
  (void)a;
  (void)b;
}

PendingEntry& ConsumerGroup::NewEntry(StreamID id, uint64_t delivery_count) {
  PendingEntry& e = arena_.Allocate();
  e.id = id;
  arena_.SetDeliveryCount(e, delivery_count);
  bool inserted = pel_.Insert(PendingArena::SlotOf(e));
  assert(inserted);
  (void)inserted;
  return e;
}

PendingEntry* ConsumerGroup::RecordDelivery(StreamID id, Consumer& c, int64_t now_ms) {
  if (PendingEntry* e = FindPending(id)) {
    Detach(*e);
    arena_.SetDeliveryCount(*e, 1);
    Attach(*e, c, now_ms);
    return e;
  }
  return CreatePending(id, c, now_ms, 1);
}

void ConsumerGroup::Redeliver(PendingEntry& e, Consumer& c, int64_t now_ms, bool count_delivery) {
  Detach(e);
  if (count_delivery) arena_.SetDeliveryCount(e, e.delivery_count() + 1);
  Attach(e, c, now_ms);
}

void ConsumerGroup::SetDeliveryTime(PendingEntry& e, int64_t delivery_time_ms) {
  Consumer* owner = e.owner();
  if (owner == nullptr) {
    e.delivery_time_ms = delivery_time_ms;
    return;
  }
  Detach(e);
  Attach(e, *owner, delivery_time_ms);
}

PendingEntry* ConsumerGroup::CreatePending(StreamID id, Consumer& c, int64_t delivery_time_ms,
                                           uint64_t delivery_count) {
  PendingEntry& e = NewEntry(id, delivery_count);
  Attach(e, c, delivery_time_ms);
  return &e;
}

PendingEntry* ConsumerGroup::CreateNacked(StreamID id, uint64_t delivery_count) {
  PendingEntry& e = NewEntry(id, delivery_count);
  Nack(e);
  return &e;
}

bool ConsumerGroup::Ack(StreamID id) {
  const std::optional<uint32_t> slot = pel_.EraseKey(id);
  if (!slot) return false;
  PendingEntry& e = arena_[*slot];
  Detach(e);
  arena_.Free(e);
  return true;
}

void ConsumerGroup::Nack(PendingEntry& e) {
  Detach(e);
  e.delivery_time_ms = 0;
  e.set_nack_seq(next_nack_seq_++);
  bool inserted = nacked_.Insert(PendingArena::SlotOf(e));
  assert(inserted);
  (void)inserted;
}

void ConsumerGroup::CompactPending() {
  if (!arena_.Sparse()) return;
  arena_.Compact([this](uint32_t from, uint32_t to) {
    const PendingEntry& e = arena_[from];
    pel_.Replace(from, to);
    if (Consumer* owner = e.owner()) {
      owner->pel.Replace(from, to);
      by_time_.Replace(from, to);
    } else {
      nacked_.Replace(from, to);
    }
    if (e.has_due()) due_.Replace(from, to);
  });
}

void ConsumerGroup::ForEachNacked(const std::function<bool(PendingEntry&)>& fn) const {
  // Collected first so the callback may claim or ack what it is given.
  std::vector<PendingEntry*> entries;
  entries.reserve(nacked_.size());
  decltype(nacked_)::Iterator it(nacked_);
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) entries.push_back(it.Value());
  for (PendingEntry* e : entries) {
    if (!fn(*e)) return;
  }
}

void ConsumerGroup::ForEachIdle(int64_t max_time_ms,
                                const std::function<bool(PendingEntry&)>& fn) const {
  // The callback may move entries (a claim re-keys them past now), so the walk re-seeks after
  // each one from the key it stood on.
  decltype(by_time_)::Iterator it(by_time_);
  for (bool ok = it.Seek(SeekOp::kFirst); ok;) {
    PendingEntry* e = it.Value();
    if (e->delivery_time_ms > max_time_ms) return;
    const TimeId last = it.CurrentKey();
    if (!fn(*e)) return;
    ok = it.Seek(SeekOp::kGreater, last);
  }
}

std::string ConsumerGroup::Validate() const {
  if (std::string e = pel_.Validate(); !e.empty()) return "pel: " + e;
  if (std::string e = by_time_.Validate(); !e.empty()) return "time index: " + e;
  if (std::string e = nacked_.Validate(); !e.empty()) return "NACKed zone: " + e;
  if (std::string e = due_.Validate(); !e.empty()) return "due index: " + e;
  if (arena_.live() != pel_.size()) return "arena holds entries the PEL does not";
  size_t owned = 0;
  PendingIndex::Iterator it(pel_);
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) {
    const PendingEntry* e = it.Value();
    if (&arena_[PendingArena::SlotOf(*e)] != e) return "slot of " + e->id.ToString();
    if (e->has_due() != (e->due_ms() >= 0)) return "due flag of " + e->id.ToString();
    if (Consumer* owner = e->owner()) {
      owned++;
      if (FindConsumer(owner->name) != owner) return "owner of " + e->id.ToString();
      if (owner->pel.Find(e->id) != PendingArena::SlotOf(*e)) {
        return "entry " + e->id.ToString() + " missing from its owner's PEL";
      }
      if (by_time_.Find({e->delivery_time_ms, e->id}) != PendingArena::SlotOf(*e)) {
        return "entry " + e->id.ToString() + " missing from the time index";
      }
    } else if (e->nack_seq() == 0 || nacked_.Find(e->nack_seq()) != PendingArena::SlotOf(*e)) {
      return "unowned entry " + e->id.ToString() + " not in the NACKed zone";
    }
  }
  size_t in_consumers = 0;
  for (const auto& [name, c] : consumers_) {
    if (std::string e = c->pel.Validate(); !e.empty()) return "consumer " + name + ": " + e;
    in_consumers += c->pel.size();
  }
  if (in_consumers != owned) return "consumer PELs hold entries the group does not";
  if (by_time_.size() != owned) return "time index size";
  size_t with_due = 0;
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) {
    const PendingEntry* e = it.Value();
    if (!e->has_due()) continue;
    with_due++;
    if (due_.Find({e->due_ms(), e->id}) != PendingArena::SlotOf(*e)) {
      return "entry " + e->id.ToString() + " missing from the due index";
    }
  }
  if (due_.size() != with_due) return "due index size";
  if (nacked_.size() + owned != pel_.size()) return "NACKed zone size";
  return "";
}

bool RangeHasTombstones(const Stream& s, StreamID start, StreamID end) {
  const StreamID maxdel = s.max_deleted_id();
  if (s.empty() || maxdel == StreamID::Min()) return false;
  if (s.first_id() > maxdel) return false;
  return start <= maxdel && maxdel <= end;
}

int64_t EstimateEntriesRead(const Stream& s, StreamID id) {
  const auto added = static_cast<int64_t>(s.entries_added());
  if (added == 0) return 0;
  if (s.empty() && id <= s.last_id()) return added;
  if (id == s.last_id()) return added;
  if (id > s.last_id()) return kEntriesReadUnknown;
  const StreamID maxdel = s.max_deleted_id();
  if (maxdel == StreamID::Min() || maxdel < s.first_id()) {
    // No XDEL gap ahead: the position follows from the length.
    const auto length = static_cast<int64_t>(s.length());
    if (id < s.first_id()) return added - length;
    if (id == s.first_id()) return added - length + 1;
  }
  return kEntriesReadUnknown;
}

bool CounterIsExact(const Stream& s, const ConsumerGroup& g) {
  return g.entries_read() != kEntriesReadUnknown && g.last_id() >= s.first_id() &&
         !RangeHasTombstones(s, g.last_id());
}

std::optional<int64_t> GroupLag(const Stream& s, const ConsumerGroup& g) {
  const auto added = static_cast<int64_t>(s.entries_added());
  if (added == 0) return 0;
  if (CounterIsExact(s, g)) {
    return added - g.entries_read();
  }
  int64_t read = EstimateEntriesRead(s, g.last_id());
  if (read == kEntriesReadUnknown) return std::nullopt;
  return added - read;
}

}  // namespace streams

namespace streams {

size_t ConsumerGroup::BytesUsed() const {
  constexpr size_t kBlockBytes = PendingIndex::kBlock * sizeof(uint32_t) + 4 * sizeof(void*);
  size_t blocks = pel_.block_count() + by_time_.block_count() + nacked_.block_count() +
                  due_.block_count();
  size_t n = sizeof(*this) + arena_.capacity_bytes();
  for (const auto& [name, c] : consumers_) {
    n += sizeof(Consumer) + 4 * sizeof(void*) + name.capacity() + c->name.capacity();
    blocks += c->pel.block_count();
  }
  return n + blocks * kBlockBytes;
}

std::optional<int64_t> OldestPendingAgeMs(const ConsumerGroup& g, int64_t now_ms) {
  std::optional<int64_t> oldest;
  // The time index's first entry is the least recently delivered one.
  g.ForEachIdle(INT64_MAX, [&](PendingEntry& e) {
    oldest = std::max<int64_t>(0, now_ms - e.delivery_time_ms);
    return false;
  });
  return oldest;
}

}  // namespace streams
