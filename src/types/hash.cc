#include "src/types/hash.h"

namespace types {

namespace {

std::string ExpiryText(int64_t at_ms) {
  return at_ms == Hash::kNoExpiry ? std::string() : std::to_string(at_ms);
}

}  // namespace

size_t Hash::MemoryUsage(size_t samples) const {
  size_t bytes = lp_.capacity() + (extra_ ? sizeof(Extra) : 0);
  if (const auto* t = table()) {
    bytes += t->EstimateBytes(samples, [](const TableEntry& e) {
      return StringHeapBytes(e.value);
    });
  }
  return bytes;
}

Hash Hash::Clone() const {
  Hash out;
  out.lp_ = lp_;
  if (!extra_) return out;
  Extra& x = out.extra();
  x.with_expiry = extra_->with_expiry;
  x.volatile_count = extra_->volatile_count;
  x.min_expiry = extra_->min_expiry;
  if (const auto* t = table()) {
    x.table.emplace();
    t->ForEach([&](std::string_view field, const TableEntry& e) { x.table->Upsert(field, e); });
  }
  return out;
}

std::optional<std::string_view> Hash::Get(std::string_view field) const {
  if (const auto* t = table()) {
    const TableEntry* e = t->Find(field);
    if (e == nullptr) return std::nullopt;
    return std::string_view(e->value);
  }
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return std::nullopt;
  return lp_.At(lp_.Next(p));
}

std::optional<int64_t> Hash::ExpiryOf(std::string_view field) const {
  if (const auto* t = table()) {
    const TableEntry* e = t->Find(field);
    if (e == nullptr) return std::nullopt;
    return e->expiry;
  }
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return std::nullopt;
  if (!with_expiry()) return kNoExpiry;
  return ParseExpiry(lp_.At(lp_.Next(lp_.Next(p))));
}

bool Hash::Set(std::string_view field, std::string_view value, const HashLimits& limits,
               bool keep_expiry) {
  if (!table() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    ConvertToTable();
  }
  if (auto* t = table()) {
    if (TableEntry* e = t->Find(field)) {
      e->value = std::string(value);
      if (!keep_expiry && e->expiry != kNoExpiry) {
        e->expiry = kNoExpiry;
        extra_->volatile_count--;
      }
      return false;
    }
    t->Upsert(field, TableEntry{std::string(value), kNoExpiry});
    return true;
  }
  Listpack::Pos p = FindField(field);
  if (p != Listpack::kNone) {
    Listpack::Pos v = lp_.Replace(lp_.Next(p), value);
    if (with_expiry() && !keep_expiry) {
      Listpack::Pos t = lp_.Next(v);
      if (ParseExpiry(lp_.At(t)) != kNoExpiry) {
        lp_.Replace(t, "");
        extra_->volatile_count--;
      }
    }
    return false;
  }
  lp_.PushBack(field);
  lp_.PushBack(value);
  if (with_expiry()) lp_.PushBack("");
  if (size() > limits.max_listpack_entries) ConvertToTable();
  return true;
}

bool Hash::Erase(std::string_view field) {
  if (auto* t = table()) {
    TableEntry* e = t->Find(field);
    if (e == nullptr) return false;
    if (e->expiry != kNoExpiry) extra_->volatile_count--;
    t->Erase(field);
    return true;
  }
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return false;
  if (with_expiry() && ParseExpiry(lp_.At(lp_.Next(lp_.Next(p)))) != kNoExpiry) {
    extra_->volatile_count--;
  }
  lp_.EraseRange(p, Stride());
  return true;
}

bool Hash::SetExpiry(std::string_view field, int64_t at_ms) {
  if (auto* t = table()) {
    TableEntry* e = t->Find(field);
    if (e == nullptr) return false;
    if (e->expiry != kNoExpiry) extra_->volatile_count--;
    e->expiry = at_ms;
    NoteExpiry(at_ms);
    return true;
  }
  if (FindField(field) == Listpack::kNone) return false;
  if (!with_expiry()) AddExpiryColumn();
  Listpack::Pos t = lp_.Next(lp_.Next(FindField(field)));
  if (ParseExpiry(lp_.At(t)) != kNoExpiry) extra_->volatile_count--;
  lp_.Replace(t, ExpiryText(at_ms));
  NoteExpiry(at_ms);
  return true;
}

bool Hash::Persist(std::string_view field) {
  if (auto* t = table()) {
    TableEntry* e = t->Find(field);
    if (e == nullptr || e->expiry == kNoExpiry) return false;
    e->expiry = kNoExpiry;
    extra_->volatile_count--;
    return true;
  }
  if (!with_expiry()) return false;
  Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return false;
  Listpack::Pos t = lp_.Next(lp_.Next(p));
  if (ParseExpiry(lp_.At(t)) == kNoExpiry) return false;
  lp_.Replace(t, "");
  extra_->volatile_count--;
  return true;
}

void Hash::ConvertToTable() {
  HashTable<TableEntry> table;
  ForEach([&](std::string_view field, std::string_view value, int64_t at) {
    table.Upsert(field, TableEntry{std::string(value), at});
  });
  Extra& x = extra();
  x.table.emplace(std::move(table));
  x.with_expiry = false;
  lp_.Clear();
}

void Hash::AddExpiryColumn() {
  Listpack triples(Listpack::kForwardOnly);
  for (Listpack::Pos p = lp_.begin(); p != lp_.end(); p = lp_.Next(lp_.Next(p))) {
    triples.PushBack(lp_.At(p));
    triples.PushBack(lp_.At(lp_.Next(p)));
    triples.PushBack("");
  }
  lp_ = std::move(triples);
  extra().with_expiry = true;
}

}  // namespace types
