#include "src/db.h"

#include <algorithm>
#include <utility>

#include "src/lazy_free.h"
#include "src/types/hash.h"

namespace server {

bool Db::ExpireIfNeeded(std::string_view key, int64_t now_ms) {
  if (expiry_suspended_) return false;
  const int64_t* at = expires_.Find(key);
  if (at == nullptr || *at > now_ms) return false;
  expires_.Erase(key);
  dict_.Erase(key);
  expired_keys_++;
  Touch(key);
  if (expired_hook_) expired_hook_(key);
  return true;
}

bool Db::ExpireFields(std::string_view key, Value& v, int64_t now_ms, size_t max,
                      size_t* removed) {
  std::vector<std::string> fields;
  v.hash().RemoveExpired(now_ms, max, [&](std::string_view f) { fields.emplace_back(f); });
  if (removed != nullptr) *removed = fields.size();
  if (fields.empty()) return false;
  const bool emptied = v.hash().empty();
  if (fields_expired_hook_) fields_expired_hook_(key, fields, emptied);
  if (emptied) {
    expires_.Erase(key);
    dict_.Erase(key);
  }
  Touch(key);
  return emptied;
}

Value* Db::Find(std::string_view key, int64_t now_ms) {
  if (!expires_.empty()) ExpireIfNeeded(key, now_ms);
  Value* v = dict_.Find(key);
  if (v != nullptr && v->is_hash() && !expiry_suspended_ &&
      v->hash().EarliestExpiryBound() <= now_ms &&
      ExpireFields(key, *v, now_ms, SIZE_MAX)) {
    return nullptr;
  }
  if (v != nullptr && track_access_) v->RecordAccess(now_ms);
  return v;
}

void Db::Evict(std::string_view key) {
  expires_.Erase(key);
  if (dict_.Erase(key)) Touch(key);
}

Value& Db::Store(std::string_view key, Value value, bool keep_ttl) {
  value.RecordAccess(clock_ms_ ? *clock_ms_ : 0);
  if (value.is_hash() && value.hash().HasFieldExpiry()) TrackFieldExpiry(key);
  const ValueType type = value.type();
  bool type_changed = false;
  auto [node, inserted] = dict_.UpsertEntry(key, std::move(value), [&](const Value& old) {
    type_changed = old.type() != type;
  });
  if (!inserted && !keep_ttl && !expires_.empty()) expires_.Erase(key);  // no hashing for none
  Touch(key);
  if (stored_hook_) stored_hook_(key, !inserted, type_changed);
  return node->value;
}

bool Db::Delete(std::string_view key, int64_t now_ms) {
  if (!expires_.empty() && ExpireIfNeeded(key, now_ms)) return false;
  auto node = dict_.Extract(key);
  if (!node) return false;
  // A big collection is freed on the lazy-free thread (DEL and UNLINK alike).
  LazyFreer::Instance().Free(std::move(node->value));
  expires_.Erase(key);
  Touch(key);
  return true;
}

int64_t Db::GetExpire(std::string_view key) const {
  const int64_t* at = expires_.Find(key);
  return at ? *at : kNoExpire;
}

void Db::SetExpire(std::string_view key, int64_t at_ms) {
  expires_.Upsert(key, at_ms);
  Touch(key);
}

bool Db::Persist(std::string_view key) {
  if (!expires_.Erase(key)) return false;
  Touch(key);
  return true;
}

void Db::Rename(std::string_view from, std::string_view to) { MoveTo(from, *this, to); }

void Db::MoveTo(std::string_view key, Db& dest, std::string_view dest_key) {
  auto node = dict_.Extract(key);
  if (!node) return;
  int64_t at = GetExpire(key);
  expires_.Erase(key);
  Touch(key);
  dest.Set(dest_key, std::move(node->value));
  if (at != kNoExpire) dest.SetExpire(dest_key, at);
}

void Db::MarkFlushedWatchers() {
  // Only watchers of keys that are in the table see a change: flushing cannot modify a key
  // that is absent (Redis leaves such a WATCH intact). A key past its expiry but not yet
  // deleted still counts as present, as in Redis.
  for (auto& [key, flags] : watchers_) {
    if (dict_.Find(key) == nullptr) continue;
    for (bool* f : flags) *f = true;
  }
}

void Db::Flush() {
  MarkFlushedWatchers();
  dict_.Clear();
  expires_.Clear();
  volatile_hashes_.Clear();
  volatile_cursor_ = 0;
}

void Db::FlushAsync() {
  MarkFlushedWatchers();
  // The tables leave whole (moved-from tables are empty and usable); the thread frees them.
  LazyFreer::Instance().FreeLater(std::move(dict_));
  LazyFreer::Instance().FreeLater(std::move(expires_));
  volatile_hashes_.Clear();
  volatile_cursor_ = 0;
}

bool Db::RandomKey(int64_t now_ms, std::string& out) {
  // Bounded retries: a db full of expired keys must not loop forever.
  for (int tries = 0; tries < 100 && dict_.size() > 0; tries++) {
    const auto* node = dict_.Random(rng_);
    std::string key(node->key());
    if (ExpireIfNeeded(key, now_ms)) continue;
    out = std::move(key);
    return true;
  }
  return false;
}

size_t Db::ActiveExpire(int64_t now_ms, size_t max_checks) {
  constexpr size_t kSample = 20;
  size_t deleted = 0;
  size_t checks = 0;
  while (!expires_.empty() && checks < max_checks) {
    size_t expired_in_sample = 0;
    size_t sample = std::min(kSample, expires_.size());
    for (size_t i = 0; i < sample; i++) {
      const auto* node = expires_.Random(rng_);
      if (node->value <= now_ms) {
        std::string key(node->key());  // the node dies in ExpireIfNeeded
        ExpireIfNeeded(key, now_ms);
        expired_in_sample++;
      }
    }
    checks++;
    deleted += expired_in_sample;
    if (expired_in_sample * 4 <= sample) break;
  }
  ActiveExpireFields(now_ms, kFieldsPerCheck * max_checks);
  return deleted;
}

size_t Db::ActiveExpireFields(int64_t now_ms, size_t max_fields) {
  if (expiry_suspended_ || volatile_hashes_.empty()) return 0;
  size_t removed = 0;
  // One bucket step at a time; keys are collected first because expiring may erase them.
  // Each step counts as work too, so a table of hashes with nothing due is walked in bounded
  // slices rather than whole.
  size_t steps = 0;
  std::vector<std::string> keys;
  do {
    keys.clear();
    volatile_cursor_ = volatile_hashes_.Scan(
        volatile_cursor_, [&](std::string_view key, bool) { keys.emplace_back(key); });
    for (const std::string& key : keys) {
      Value* v = dict_.Find(key);
      if (v == nullptr || !v->is_hash() || !v->hash().HasFieldExpiry()) {
        volatile_hashes_.Erase(key);
        continue;
      }
      if (v->hash().EarliestExpiryBound() > now_ms || removed >= max_fields) continue;
      size_t n = 0;
      if (ExpireFields(key, *v, now_ms, max_fields - removed, &n)) volatile_hashes_.Erase(key);
      removed += n;
    }
  } while (volatile_cursor_ != 0 && removed < max_fields && ++steps < max_fields);
  return removed;
}

void Db::Watch(std::string_view key, bool* flag) {
  auto& flags = watchers_[std::string(key)];
  if (std::find(flags.begin(), flags.end(), flag) == flags.end()) flags.push_back(flag);
}

void Db::Unwatch(std::string_view key, bool* flag) {
  auto it = watchers_.find(std::string(key));
  if (it == watchers_.end()) return;
  auto& flags = it->second;
  flags.erase(std::remove(flags.begin(), flags.end(), flag), flags.end());
  if (flags.empty()) watchers_.erase(it);
}

void Db::Touch(std::string_view key) {
  if (touched_hook_) touched_hook_(key);
  if (watchers_.empty()) return;
  auto it = watchers_.find(std::string(key));
  if (it == watchers_.end()) return;
  for (bool* f : it->second) *f = true;
}

}  // namespace server
