#include "src/types/hash.h"

namespace types {

namespace {

std::string ExpiryText(int64_t at_ms) {
  return at_ms == Hash::kNoExpiry ? std::string() : std::to_string(at_ms);
}

}  // namespace

size_t Hash::MemoryUsage(size_t samples) const {
  if (!table_) return lp_.capacity();
  return sizeof(*table_) + table_->EstimateBytes(samples, [](const TableEntry& e) {
           return StringHeapBytes(e.value);
         });
}

Hash Hash::Clone() const {
  Hash out;
  out.lp_ = lp_;
  out.with_expiry_ = with_expiry_;
  out.volatile_count_ = volatile_count_;
  out.min_expiry_ = min_expiry_;
  if (table_) {
    out.table_ = std::make_unique<HashTable<TableEntry>>();
    table_->ForEach(
        [&](std::string_view field, const TableEntry& e) { out.table_->Upsert(field, e); });
  }
  return out;
}

std::optional<std::string_view> Hash::Get(std::string_view field) const {
  if (table_) {
    const TableEntry* e = table_->Find(field);
    if (e == nullptr) return std::nullopt;
    return std::string_view(e->value);
  }
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return std::nullopt;
  return lp_.At(lp_.Next(p));
}

std::optional<int64_t> Hash::ExpiryOf(std::string_view field) const {
  if (table_) {
    const TableEntry* e = table_->Find(field);
    if (e == nullptr) return std::nullopt;
    return e->expiry;
  }
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return std::nullopt;
  if (!with_expiry_) return kNoExpiry;
  return ParseExpiry(lp_.At(lp_.Next(lp_.Next(p))));
}

bool Hash::Set(std::string_view field, std::string_view value, const HashLimits& limits,
               bool keep_expiry) {
  if (!table_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    ConvertToTable();
  }
  if (table_) {
    if (TableEntry* e = table_->Find(field)) {
      e->value = std::string(value);
      if (!keep_expiry && e->expiry != kNoExpiry) {
        e->expiry = kNoExpiry;
        volatile_count_--;
      }
      return false;
    }
    table_->Upsert(field, TableEntry{std::string(value), kNoExpiry});
    return true;
  }
  Listpack::Pos p = FindField(field);
  if (p != Listpack::kNone) {
    Listpack::Pos v = lp_.Replace(lp_.Next(p), value);
    if (with_expiry_ && !keep_expiry) {
      Listpack::Pos t = lp_.Next(v);
      if (ParseExpiry(lp_.At(t)) != kNoExpiry) {
        lp_.Replace(t, "");
        volatile_count_--;
      }
    }
    return false;
  }
  lp_.PushBack(field);
  lp_.PushBack(value);
  if (with_expiry_) lp_.PushBack("");
  if (size() > limits.max_listpack_entries) ConvertToTable();
  return true;
}

bool Hash::Erase(std::string_view field) {
  if (table_) {
    TableEntry* e = table_->Find(field);
    if (e == nullptr) return false;
    if (e->expiry != kNoExpiry) volatile_count_--;
    table_->Erase(field);
    return true;
  }
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return false;
  if (with_expiry_ && ParseExpiry(lp_.At(lp_.Next(lp_.Next(p)))) != kNoExpiry) {
    volatile_count_--;
  }
  lp_.EraseRange(p, Stride());
  return true;
}

bool Hash::SetExpiry(std::string_view field, int64_t at_ms) {
  if (table_) {
    TableEntry* e = table_->Find(field);
    if (e == nullptr) return false;
    if (e->expiry != kNoExpiry) volatile_count_--;
    e->expiry = at_ms;
    NoteExpiry(at_ms);
    return true;
  }
  if (FindField(field) == Listpack::kNone) return false;
  if (!with_expiry_) AddExpiryColumn();
  Listpack::Pos t = lp_.Next(lp_.Next(FindField(field)));
  if (ParseExpiry(lp_.At(t)) != kNoExpiry) volatile_count_--;
  lp_.Replace(t, ExpiryText(at_ms));
  NoteExpiry(at_ms);
  return true;
}

bool Hash::Persist(std::string_view field) {
  if (table_) {
    TableEntry* e = table_->Find(field);
    if (e == nullptr || e->expiry == kNoExpiry) return false;
    e->expiry = kNoExpiry;
    volatile_count_--;
    return true;
  }
  if (!with_expiry_) return false;
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return false;
  Listpack::Pos t = lp_.Next(lp_.Next(p));
  if (ParseExpiry(lp_.At(t)) == kNoExpiry) return false;
  lp_.Replace(t, "");
  volatile_count_--;
  return true;
}

void Hash::ConvertToTable() {
  auto table = std::make_unique<HashTable<TableEntry>>();
  ForEach([&](std::string_view field, std::string_view value, int64_t at) {
    table->Upsert(field, TableEntry{std::string(value), at});
  });
  table_ = std::move(table);
  lp_.Clear();
  lp_.ShrinkToFit();
  with_expiry_ = false;
}

void Hash::AddExpiryColumn() {
  Listpack triples;
  for (Listpack::Pos p = lp_.begin(); p != lp_.end(); p = lp_.Next(lp_.Next(p))) {
    triples.PushBack(lp_.At(p));
    triples.PushBack(lp_.At(lp_.Next(p)));
    triples.PushBack("");
  }
  lp_ = std::move(triples);
  with_expiry_ = true;
}

}  // namespace types
