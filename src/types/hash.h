// A hash (field -> value), in Redis's two encodings: a listpack of alternating fields and values
// while it is small (<= max_listpack_entries fields, every field and value <= max_listpack_value
// bytes), then, past either limit and never back, a hash table. A field may carry an absolute
// expiry in ms (Redis 7.4); the first one turns the listpack's pairs into triples (field, value,
// expiry text, "" = none), as Redis's "listpackex" does. Pure data: time is always passed in,
// and the thresholds come from the caller (the type knows no config).
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/types/hash_table.h"
#include "src/types/listpack.h"

namespace types {

struct HashLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

class Hash {
 public:
  enum class Encoding { kListpack, kHashTable };
  // A field's expiry when it has none. Stored expiries are always > 0: a time at or before
  // "now" deletes the field instead of being stored.
  static constexpr int64_t kNoExpiry = 0;

  Hash() = default;
  Hash(Hash&&) noexcept = default;
  Hash& operator=(Hash&&) noexcept = default;
  Hash(const Hash&) = delete;
  Hash& operator=(const Hash&) = delete;
  // A deep copy in the same encoding (COPY).
  Hash Clone() const;

  size_t size() const { return table_ ? table_->size() : lp_.size() / Stride(); }
  bool empty() const { return size() == 0; }
  Encoding encoding() const { return table_ ? Encoding::kHashTable : Encoding::kListpack; }
  // MEMORY USAGE's figure: bytes held beyond the object, a table's fields measured on the
  // first `samples` (0 = all) and extrapolated.
  size_t MemoryUsage(size_t samples) const;

  // The field's value, or nullopt. The view stays valid until the next change to the hash.
  std::optional<std::string_view> Get(std::string_view field) const;
  bool Contains(std::string_view field) const { return Get(field).has_value(); }
  // The field's expiry (kNoExpiry when it has none), or nullopt when the field is missing.
  std::optional<int64_t> ExpiryOf(std::string_view field) const;

  // Sets `field` to `value`; returns whether the field is new. An existing field loses its
  // expiry (as HSET does) unless `keep_expiry` (HSETEX KEEPTTL). May convert the encoding.
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits,
           bool keep_expiry = false);
  // Removes the field; returns whether it was there.
  bool Erase(std::string_view field);
  // Gives an existing field the expiry `at_ms` (> 0); false when the field is missing.
  bool SetExpiry(std::string_view field, int64_t at_ms);
  // Removes the field's expiry; returns whether it had one.
  bool Persist(std::string_view field);

  // Whether any field has an expiry, and a lower bound of the earliest one (INT64_MAX when
  // none): nothing can be expired before that time, so reads check it in O(1).
  bool HasFieldExpiry() const { return volatile_count_ > 0; }
  int64_t EarliestExpiryBound() const {
    return volatile_count_ > 0 ? min_expiry_ : std::numeric_limits<int64_t>::max();
  }

  // Removes up to `max` fields whose expiry is <= now_ms, calling on_removed(field) before
  // each goes. Returns how many went. A complete pass tightens the earliest-expiry bound.
  template <typename F>
  size_t RemoveExpired(int64_t now_ms, size_t max, F&& on_removed);

  // fn(field, value, expiry) for every field, in encoding order.
  template <typename F>
  void ForEach(F&& fn) const;

  // One HSCAN step: fn(field, value) for the fields of this step; returns the next cursor (0 =
  // done). A listpack is returned whole in one step, as Redis does.
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& fn) const;

  // A uniformly random field and value (the hash must not be empty).
  template <typename Rng>
  std::pair<std::string_view, std::string_view> Random(Rng& rng) const;

 private:
  struct TableEntry {
    std::string value;
    int64_t expiry = kNoExpiry;
  };

  size_t Stride() const { return with_expiry_ ? 3 : 2; }
  static int64_t ParseExpiry(std::string_view text) {
    int64_t v = kNoExpiry;
    if (!text.empty()) std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
  }
  Listpack::Pos FindField(std::string_view field) const { return lp_.Find(field, 0, Stride()); }
  void ConvertToTable();
  void AddExpiryColumn();  // pairs -> triples
  void NoteExpiry(int64_t at_ms) {
    volatile_count_++;
    if (at_ms < min_expiry_) min_expiry_ = at_ms;
  }

  Listpack lp_;                                               // the encoding while table_ is null
  std::unique_ptr<HashTable<TableEntry>> table_;              // once converted
  bool with_expiry_ = false;                                  // listpack holds triples
  size_t volatile_count_ = 0;                                 // fields with an expiry
  int64_t min_expiry_ = std::numeric_limits<int64_t>::max();  // <= every field's expiry
};

template <typename F>
size_t Hash::RemoveExpired(int64_t now_ms, size_t max, F&& on_removed) {
  if (volatile_count_ == 0 || min_expiry_ > now_ms) return 0;
  size_t removed = 0;
  int64_t next_min = std::numeric_limits<int64_t>::max();
  bool complete = true;
  if (table_) {
    // Collect first: erasing while walking the buckets would skip nodes.
    std::vector<std::string> due;
    table_->ForEach([&](std::string_view field, const TableEntry& e) {
      if (e.expiry == kNoExpiry) return;
      if (e.expiry <= now_ms && due.size() < max) {
        due.emplace_back(field);
      } else {
        if (e.expiry <= now_ms) complete = false;
        next_min = std::min(next_min, e.expiry);
      }
    });
    for (const std::string& field : due) {
      on_removed(std::string_view(field));
      table_->Erase(field);
      volatile_count_--;
      removed++;
    }
  } else {
    for (Listpack::Pos p = lp_.begin(); p != lp_.end();) {
      Listpack::Pos v = lp_.Next(p);
      Listpack::Pos t = lp_.Next(v);
      const int64_t at = ParseExpiry(lp_.At(t));
      if (at != kNoExpiry && at <= now_ms && removed < max) {
        on_removed(lp_.At(p));
        p = lp_.EraseRange(p, 3);
        volatile_count_--;
        removed++;
        continue;
      }
      if (at != kNoExpiry) {
        if (at <= now_ms) complete = false;
        next_min = std::min(next_min, at);
      }
      p = lp_.Next(t);
    }
  }
  if (complete) min_expiry_ = next_min;
  return removed;
}

template <typename F>
void Hash::ForEach(F&& fn) const {
  if (table_) {
    table_->ForEach([&](std::string_view field, const TableEntry& e) {
      fn(std::string_view(field), std::string_view(e.value), e.expiry);
    });
    return;
  }
  for (Listpack::Pos p = lp_.begin(); p != lp_.end();) {
    Listpack::Pos v = lp_.Next(p);
    int64_t at = kNoExpiry;
    Listpack::Pos next = lp_.Next(v);
    if (with_expiry_) {
      at = ParseExpiry(lp_.At(next));
      next = lp_.Next(next);
    }
    fn(lp_.At(p), lp_.At(v), at);
    p = next;
  }
}

template <typename F>
uint64_t Hash::Scan(uint64_t cursor, F&& fn) const {
  if (table_) {
    return table_->Scan(cursor, [&](std::string_view field, const TableEntry& e) {
      fn(std::string_view(field), std::string_view(e.value));
    });
  }
  ForEach([&](std::string_view f, std::string_view v, int64_t) { fn(f, v); });
  return 0;
}

template <typename Rng>
std::pair<std::string_view, std::string_view> Hash::Random(Rng& rng) const {
  if (table_) {
    const auto* node = table_->Random(rng);
    return {node->key(), node->value.value};
  }
  std::uniform_int_distribution<size_t> pick(0, size() - 1);
  Listpack::Pos p = lp_.Seek(static_cast<int64_t>(pick(rng) * Stride()));
  return {lp_.At(p), lp_.At(lp_.Next(p))};
}

}  // namespace types
