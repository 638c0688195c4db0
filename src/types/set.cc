#include "src/types/set.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace types {

namespace {

// Redis caps the intset limit so a misconfiguration cannot make a huge sorted array.
size_t IntSetMax(const SetLimits& limits) {
  return std::min<size_t>(limits.max_intset_entries, size_t{1} << 30);
}

// A hash table's member, uniformly chosen as long as no chain is longer than kSlots: a random
// bucket and a random slot of kSlots; an empty slot means try again. (HashTable::Random picks
// a non-empty bucket and then a node of its chain, which favours members of short chains.)
// With the table's load factor between 1/8 and 1, a draw takes about 4 to 32 tries.
std::string RandomTableMember(const Set::Table& t, std::mt19937_64& rng) {
  constexpr size_t kSlots = 4;
  std::uniform_int_distribution<size_t> bucket(0, t.bucket_count() - 1);
  std::uniform_int_distribution<size_t> slot(0, kSlots - 1);
  std::vector<std::string_view> chain;
  while (true) {
    chain.clear();
    t.Scan(bucket(rng),
           [&](std::string_view key, const Set::NoValue&) { chain.push_back(key); });
    if (chain.empty()) continue;
    if (chain.size() > kSlots) {  // rare: pick within the chain, slightly unfair to it
      std::uniform_int_distribution<size_t> any(0, chain.size() - 1);
      return std::string(chain[any(rng)]);
    }
    const size_t j = slot(rng);
    if (j < chain.size()) return std::string(chain[j]);
  }
}

}  // namespace

std::string_view Set::FormatInt(int64_t v, char (&buf)[24]) {
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

Set Set::Create(std::string_view first, size_t size_hint, const SetLimits& limits) {
  Set s;
  int64_t n;
  if (ParseCanonicalInt64(first, n) && size_hint <= IntSetMax(limits)) return s;
  if (size_hint <= limits.max_listpack_entries) {
    s.data_.emplace<Listpack>();
  } else {
    s.data_.emplace<Table>();
  }
  return s;
}

Set Set::Clone() const {
  Set s;
  if (const auto* is = std::get_if<IntSet>(&data_)) {
    s.data_ = *is;
  } else if (const auto* lp = std::get_if<Listpack>(&data_)) {
    s.data_ = *lp;
  } else {
    auto& t = s.data_.emplace<Table>();
    ForEach([&](std::string_view m) { t.Upsert(m, NoValue{}); });
  }
  return s;
}

size_t Set::size() const {
  return std::visit([](const auto& d) { return d.size(); }, data_);
}

std::string_view Set::EncodingName() const {
  switch (encoding()) {
    case SetEncoding::kIntSet:
      return "intset";
    case SetEncoding::kListpack:
      return "listpack";
    case SetEncoding::kHashTable:
      return "hashtable";
  }
  return "";
}

size_t Set::MemoryUsage(size_t samples) const {
  switch (encoding()) {
    case SetEncoding::kIntSet:
      return std::get<IntSet>(data_).bytes();
    case SetEncoding::kListpack:
      return std::get<Listpack>(data_).capacity();
    case SetEncoding::kHashTable:
      return std::get<Table>(data_).EstimateBytes(samples, [](NoValue) { return size_t{0}; });
  }
  return 0;
}

void Set::ConvertTo(SetEncoding to) {
  if (to == encoding()) return;
  std::variant<IntSet, Listpack, Table> next;
  if (to == SetEncoding::kListpack) {
    auto& lp = next.emplace<Listpack>();
    ForEach([&](std::string_view m) { lp.PushBack(m); });
  } else {
    auto& t = next.emplace<Table>();
    ForEach([&](std::string_view m) { t.Upsert(m, NoValue{}); });
  }
  data_ = std::move(next);
}

void Set::ReserveFor(size_t size_hint, const SetLimits& limits) {
  if ((encoding() == SetEncoding::kListpack && size_hint > limits.max_listpack_entries) ||
      (encoding() == SetEncoding::kIntSet && size_hint > IntSetMax(limits))) {
    ConvertTo(SetEncoding::kHashTable);
  }
}

bool Set::Add(std::string_view member, const SetLimits& limits) {
  if (auto* is = std::get_if<IntSet>(&data_)) {
    int64_t n;
    if (ParseCanonicalInt64(member, n)) {
      if (!is->Insert(n)) return false;
      if (is->size() > IntSetMax(limits)) ConvertTo(SetEncoding::kHashTable);
      return true;
    }
    // A non-integer: a listpack if everything, the intset's widest number included, fits one;
    // else a hash table.
    size_t widest = 0;
    if (!is->empty()) widest = std::max(DecimalLength(is->Min()), DecimalLength(is->Max()));
    const bool fits = is->size() < limits.max_listpack_entries &&
                      member.size() <= limits.max_listpack_value &&
                      widest <= limits.max_listpack_value;
    ConvertTo(fits ? SetEncoding::kListpack : SetEncoding::kHashTable);
    // Now a listpack or table without `member` (it is not an integer, so the intset lacked it).
  }
  if (auto* lp = std::get_if<Listpack>(&data_)) {
    if (lp->Find(member) != Listpack::kNone) return false;
    if (lp->size() < limits.max_listpack_entries && member.size() <= limits.max_listpack_value) {
      lp->PushBack(member);
      return true;
    }
    ConvertTo(SetEncoding::kHashTable);
  }
  auto& t = std::get<Table>(data_);
  if (t.Find(member) != nullptr) return false;
  t.Upsert(member, NoValue{});
  return true;
}

bool Set::Remove(std::string_view member) {
  if (auto* is = std::get_if<IntSet>(&data_)) {
    int64_t n;
    return ParseCanonicalInt64(member, n) && is->Erase(n);
  }
  if (auto* lp = std::get_if<Listpack>(&data_)) {
    const auto p = lp->Find(member);
    if (p == Listpack::kNone) return false;
    lp->Erase(p);
    return true;
  }
  return std::get<Table>(data_).Erase(member);
}

bool Set::Contains(std::string_view member) const {
  if (const auto* is = std::get_if<IntSet>(&data_)) {
    int64_t n;
    return ParseCanonicalInt64(member, n) && is->Contains(n);
  }
  if (const auto* lp = std::get_if<Listpack>(&data_)) return lp->Find(member) != Listpack::kNone;
  return std::get<Table>(data_).Find(member) != nullptr;
}

std::vector<std::string> Set::Members() const {
  std::vector<std::string> out;
  out.reserve(size());
  ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::string Set::RandomMember(std::mt19937_64& rng) const {
  if (const auto* t = std::get_if<Table>(&data_)) return RandomTableMember(*t, rng);
  std::uniform_int_distribution<size_t> pick(0, size() - 1);
  const size_t i = pick(rng);
  if (const auto* is = std::get_if<IntSet>(&data_)) return std::to_string(is->At(i));
  const auto& lp = std::get<Listpack>(data_);
  return std::string(lp.At(lp.Seek(static_cast<int64_t>(i))));
}

std::vector<std::string> Set::RandomDistinct(size_t count, std::mt19937_64& rng) const {
  const size_t n = size();
  // Many of the members (or a small encoding, at most a few hundred): copy them all and take
  // the first `count` of a partial Fisher-Yates shuffle.
  if (encoding() != SetEncoding::kHashTable || count * 3 > n) {
    std::vector<std::string> all = Members();
    count = std::min(count, n);
    for (size_t i = 0; i < count; i++) {
      std::uniform_int_distribution<size_t> pick(i, n - 1);
      std::swap(all[i], all[pick(rng)]);
    }
    all.resize(count);
    return all;
  }
  // Few of many: sample until `count` distinct members are found (each draw is new with
  // probability above 2/3, so this ends quickly).
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  out.reserve(count);
  const auto& t = std::get<Table>(data_);
  while (out.size() < count) {
    std::string m = RandomTableMember(t, rng);
    if (seen.insert(m).second) out.push_back(m);
  }
  return out;
}

}  // namespace types
