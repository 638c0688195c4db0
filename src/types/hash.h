// A hash (field -> value), in Redis's two encodings: a listpack of alternating fields and values
// while it is small (<= max_listpack_entries fields, every field and value <= max_listpack_value
// bytes), then, past either limit and never back, a hash table. A field may carry an absolute
// expiry in ms (Redis 7.4); the first one turns the listpack's pairs into triples (field, value,
// expiry text, "" = none), as Redis's "listpackex" does. Pure data: time is always passed in,
// and the thresholds come from the caller (the type knows no config).
// The object is 32 bytes, held inside the keyspace's Value: a small hash without field expiries
// costs one block (its listpack, whose entries carry no back-links: a hash only walks forward).
// The table and the expiry bookkeeping live in a side block made when first needed.
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

  size_t size() const { return table() ? table()->size() : lp_.size() / Stride(); }
  bool empty() const { return size() == 0; }
  Encoding encoding() const { return table() ? Encoding::kHashTable : Encoding::kListpack; }
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
  bool HasFieldExpiry() const { return extra_ && extra_->volatile_count > 0; }
  int64_t EarliestExpiryBound() const {
    return HasFieldExpiry() ? extra_->min_expiry : std::numeric_limits<int64_t>::max();
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

  // What only converted hashes and hashes with field expiries need.
  struct Extra {
    std::optional<HashTable<TableEntry>> table;  // once converted (then the listpack is empty)
    bool with_expiry = false;                    // the listpack holds triples
    size_t volatile_count = 0;                   // fields with an expiry
    int64_t min_expiry = std::numeric_limits<int64_t>::max();  // <= every field's expiry
  };

  HashTable<TableEntry>* table() { return extra_ && extra_->table ? &*extra_->table : nullptr; }
  const HashTable<TableEntry>* table() const {
    return extra_ && extra_->table ? &*extra_->table : nullptr;
  }
  bool with_expiry() const { return extra_ && extra_->with_expiry; }
  Extra& extra() {
    if (!extra_) extra_ = std::make_unique<Extra>();
    return *extra_;
  }
  size_t Stride() const { return with_expiry() ? 3 : 2; }
  static int64_t ParseExpiry(std::string_view text) {
    int64_t v = kNoExpiry;
    if (!text.empty()) std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
  }
  Listpack::Pos FindField(std::string_view field) const { return lp_.Find(field, 0, Stride()); }
  void ConvertToTable();
  void AddExpiryColumn();  // pairs -> triples
  void NoteExpiry(int64_t at_ms) {
    Extra& x = extra();
    x.volatile_count++;
    if (at_ms < x.min_expiry) x.min_expiry = at_ms;
  }

  Listpack lp_{Listpack::kForwardOnly};  // the encoding until converted
  std::unique_ptr<Extra> extra_;
};

template <typename F>
size_t Hash::RemoveExpired(int64_t now_ms, size_t max, F&& on_removed) {
  if (!HasFieldExpiry() || extra_->min_expiry > now_ms) return 0;
  Extra& x = *extra_;
  size_t removed = 0;
  int64_t next_min = std::numeric_limits<int64_t>::max();
  bool complete = true;
  if (x.table) {
    // Collect first: erasing while walking the buckets would skip nodes.
    std::vector<std::string> due;
    x.table->ForEach([&](std::string_view field, const TableEntry& e) {
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
      x.table->Erase(field);
      x.volatile_count--;
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
        x.volatile_count--;
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
  if (complete) x.min_expiry = next_min;
  return removed;
}

template <typename F>
void Hash::ForEach(F&& fn) const {
  if (const auto* t = table()) {
    t->ForEach([&](std::string_view field, const TableEntry& e) {
      fn(std::string_view(field), std::string_view(e.value), e.expiry);
    });
    return;
  }
  for (Listpack::Pos p = lp_.begin(); p != lp_.end();) {
    Listpack::Pos v = lp_.Next(p);
    int64_t at = kNoExpiry;
    Listpack::Pos next = lp_.Next(v);
    if (with_expiry()) {
      at = ParseExpiry(lp_.At(next));
      next = lp_.Next(next);
    }
    fn(lp_.At(p), lp_.At(v), at);
    p = next;
  }
}

template <typename F>
uint64_t Hash::Scan(uint64_t cursor, F&& fn) const {
  if (const auto* t = table()) {
    return t->Scan(cursor, [&](std::string_view field, const TableEntry& e) {
      fn(std::string_view(field), std::string_view(e.value));
    });
  }
  ForEach([&](std::string_view f, std::string_view v, int64_t) { fn(f, v); });
  return 0;
}

template <typename Rng>
std::pair<std::string_view, std::string_view> Hash::Random(Rng& rng) const {
  if (const auto* t = table()) {
    const auto* node = t->Random(rng);
    return {node->key(), node->value.value};
  }
  std::uniform_int_distribution<size_t> pick(0, size() - 1);
  Listpack::Pos p = lp_.Seek(static_cast<int64_t>(pick(rng) * Stride()));
  return {lp_.At(p), lp_.At(lp_.Next(p))};
}

}  // namespace types
