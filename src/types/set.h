// A set of byte strings in one of Redis's three encodings: an intset while every member is a
// canonical int64 and the set is small enough, a listpack while it is small and its members
// short, a hash table otherwise. The thresholds are passed in (SetLimits: the config's
// set-max-* knobs); conversions follow Redis 7.2+: a set only ever moves to a bigger encoding
// (intset → listpack → hash table, or straight to the hash table), never back, and removing
// members does not convert it. Pure data: no RESP, no config, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "src/types/hash_table.h"
#include "src/types/intset.h"
#include "src/types/listpack.h"

namespace types {

struct SetLimits {
  size_t max_intset_entries = 512;    // set-max-intset-entries (capped at 2^30, as Redis)
  size_t max_listpack_entries = 128;  // set-max-listpack-entries
  size_t max_listpack_value = 64;     // set-max-listpack-value (bytes of one member)
};

enum class SetEncoding { kIntSet, kListpack, kHashTable };

class Set {
 public:
  struct NoValue {};
  using Table = HashTable<NoValue>;

  // An empty set encoded as Redis creates one for a first member `first` when about
  // `size_hint` members are coming (SADD's member count): intset if `first` is an integer and
  // the hint fits an intset, listpack if the hint fits a listpack, else a hash table.
  static Set Create(std::string_view first, size_t size_hint, const SetLimits& limits);
  // An empty intset (where SINTERSTORE/SUNIONSTORE/SDIFFSTORE start from, as Redis does).
  Set() = default;
  Set(Set&&) noexcept = default;
  Set& operator=(Set&&) noexcept = default;
  Set Clone() const;

  // Before adding `size_hint` members to an existing set: a small encoding that could not hold
  // that many becomes a hash table at once (Redis's pre-sizing; it converts even if the
  // members turn out to be present already).
  void ReserveFor(size_t size_hint, const SetLimits& limits);

  // Adds `member`, converting first if it does not fit the encoding. False if present.
  bool Add(std::string_view member, const SetLimits& limits);
  // Removes `member`; false if absent. Never converts.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  SetEncoding encoding() const { return static_cast<SetEncoding>(data_.index()); }
  // OBJECT ENCODING's name: "intset", "listpack" or "hashtable".
  std::string_view EncodingName() const;
  // MEMORY USAGE's figure: bytes held beyond the object, a hash table's members measured on
  // the first `samples` (0 = all) and extrapolated.
  size_t MemoryUsage(size_t samples) const;

  // Calls fn(std::string_view member) for every member: intsets ascending, listpacks in
  // insertion order, hash tables in bucket order. The view lives until fn returns.
  template <typename F>
  void ForEach(F&& fn) const;
  // Every member, copied (for SPOP/SMEMBERS-like work that must outlive later changes).
  std::vector<std::string> Members() const;

  // One uniformly chosen member (near-uniform for a hash table: a random non-empty bucket,
  // then a random node of its chain). The set must not be empty.
  std::string RandomMember(std::mt19937_64& rng) const;
  // `count` distinct members chosen at random (all of them, in some order, if count >= size).
  std::vector<std::string> RandomDistinct(size_t count, std::mt19937_64& rng) const;

  // One SSCAN step: calls fn(member) for what the cursor covers and returns the next cursor
  // (0: done). Small encodings are returned whole in one step, as Redis does.
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& fn) const;

 private:
  void ConvertTo(SetEncoding to);
  static std::string_view FormatInt(int64_t v, char (&buf)[24]);

  std::variant<IntSet, Listpack, Table> data_;
};

template <typename F>
void Set::ForEach(F&& fn) const {
  if (const auto* is = std::get_if<IntSet>(&data_)) {
    char buf[24];
    for (size_t i = 0; i < is->size(); i++) fn(FormatInt(is->At(i), buf));
  } else if (const auto* lp = std::get_if<Listpack>(&data_)) {
    for (auto p = lp->begin(); p != lp->end(); p = lp->Next(p)) fn(lp->At(p));
  } else {
    std::get<Table>(data_).ForEach(
        [&](std::string_view key, const NoValue&) { fn(key); });
  }
}

template <typename F>
uint64_t Set::Scan(uint64_t cursor, F&& fn) const {
  if (const auto* t = std::get_if<Table>(&data_)) {
    return t->Scan(cursor,
                   [&](std::string_view key, const NoValue&) { fn(key); });
  }
  ForEach(fn);
  return 0;
}

}  // namespace types
