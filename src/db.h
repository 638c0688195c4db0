// One logical database (SELECT n): the key → value table plus the key → expiry table, as Redis
// keeps them. Invariants: every key in expires_ is in dict_; a key whose expiry is <= now is
// never returned by a lookup (it is deleted on access, or by the active expiry cycle).
// Every mutation goes through here so WATCH sees it: Touch() marks the watchers of a key.
// Hash fields with their own expiry (Redis 7.4) expire the same two ways: a lookup removes a
// hash's expired fields before returning it (and the key, if none are left), and the active
// cycle walks the keys registered as holding such fields, a bounded number of fields a turn.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/types/hash_table.h"
#include "src/value.h"

namespace server {

inline constexpr int64_t kNoExpire = -1;

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // The time new and accessed values are stamped with (for eviction). The server points it at
  // the time of the command being run; unset, values are stamped with 0.
  void set_clock(const int64_t* now_ms) { clock_ms_ = now_ms; }
  // While the AOF is replayed, keys past their time are not expired (as Redis): the file's own
  // DELs remove them, and a command replayed on such a key sees it as the original server did.
  void set_expiry_suspended(bool on) { expiry_suspended_ = on; }
  // CLIENT NO-TOUCH: lookups stop updating the values' access time while off.
  void set_access_tracking(bool on) { track_access_ = on; }
  // Called with the key each time this db deletes a key on its own because its time ran out
  // (lazy expiry in a lookup, or the active expiry cycle): the server records it as DEL for
  // the AOF, as Redis propagates expiries. Commands' own deletions are not reported here.
  using ExpiredHook = std::function<void(std::string_view key)>;
  void set_expired_hook(ExpiredHook hook) { expired_hook_ = std::move(hook); }
  // Called when this db removes expired hash fields on its own (lazily or actively), with the
  // fields, and whether the key went with them: recorded as HDEL (and DEL) for the AOF.
  using FieldsExpiredHook =
      std::function<void(std::string_view key, const std::vector<std::string>& fields,
                         bool key_deleted)>;
  void set_fields_expired_hook(FieldsExpiredHook hook) { fields_expired_hook_ = std::move(hook); }
  // Called each time a value is stored under a key (SET, a collection created, RENAME's
  // destination...): whether the key existed, and if so whether its type changed. Keyspace
  // notifications' new, overwritten and type_changed events come from here.
  using StoredHook = std::function<void(std::string_view key, bool existed, bool type_changed)>;
  void set_stored_hook(StoredHook hook) { stored_hook_ = std::move(hook); }
  // Called with the key on every change Touch() sees (the same as WATCH): client-side caching
  // invalidates it.
  using TouchedHook = std::function<void(std::string_view key)>;
  void set_touched_hook(TouchedHook hook) { touched_hook_ = std::move(hook); }
  // A command gave a field of the hash at `key` an expiry: the active cycle must visit it.
  // (Storing a hash that already has such fields registers it by itself.)
  void TrackFieldExpiry(std::string_view key) { volatile_hashes_.Upsert(key, true); }

  // The live value for `key`, or null. An expired key is deleted first (lazy expiry).
  Value* Find(std::string_view key, int64_t now_ms);
  bool Exists(std::string_view key, int64_t now_ms) { return Find(key, now_ms) != nullptr; }
  // A write about to replace `key` whatever it holds (SET without NX, XX or GET): what Find
  // would do to the key first (lazy expiry of the key, or of a hash's fields), with no lookup
  // at all while this db has nothing that expires.
  void PrepareOverwrite(std::string_view key, int64_t now_ms) {
    if (!expires_.empty() || !volatile_hashes_.empty()) (void)Find(key, now_ms);
  }

  // Stores `value` under `key`, removing any expiry the key had.
  Value& Set(std::string_view key, Value value) { return Store(key, std::move(value), false); }
  // Stores `value` under `key`, keeping the key's expiry if it is still in the future (SET
  // KEEPTTL): an expiry already passed belongs to a dead key and must not carry over.
  Value& SetKeepTtl(std::string_view key, Value value, int64_t now_ms) {
    ExpireIfNeeded(key, now_ms);
    return Store(key, std::move(value), true);
  }
  // Removes the key. Returns whether it existed (expired keys count as missing).
  bool Delete(std::string_view key, int64_t now_ms);

  int64_t GetExpire(std::string_view key) const;  // absolute ms, or kNoExpire
  void SetExpire(std::string_view key, int64_t at_ms);
  bool Persist(std::string_view key);  // removes the expiry; returns whether there was one

  // Moves `from` to `to` in this db (or into `dest`), keeping the expiry. `to` is overwritten.
  void Rename(std::string_view from, std::string_view to);
  void MoveTo(std::string_view key, Db& dest, std::string_view dest_key);

  size_t size() const { return dict_.size(); }
  size_t expires_size() const { return expires_.size(); }
  // MEMORY STATS: the keyspace tables' own bytes (buckets and nodes; keys and values apart).
  size_t main_table_bytes() const {
    return dict_.bucket_count() * sizeof(void*) + dict_.size() * sizeof(decltype(dict_)::Node);
  }
  size_t expires_table_bytes() const {
    return expires_.bucket_count() * sizeof(void*) +
           expires_.size() * sizeof(decltype(expires_)::Node);
  }
  void Flush();
  // FLUSHDB/FLUSHALL ASYNC: the same, the keys and values freed on the lazy-free thread.
  void FlushAsync();

  // One SCAN step (see HashTable::Scan). Expired keys are skipped, not deleted.
  template <typename F>
  uint64_t Scan(uint64_t cursor, int64_t now_ms, F&& fn) const {
    return dict_.Scan(cursor, [&](std::string_view key, const Value& v) {
      int64_t at = GetExpire(key);
      if (at != kNoExpire && at <= now_ms) return;
      fn(key, v);
    });
  }
  template <typename F>
  void ForEach(int64_t now_ms, F&& fn) const {
    dict_.ForEach([&](std::string_view key, const Value& v) {
      int64_t at = GetExpire(key);
      if (at != kNoExpire && at <= now_ms) return;
      fn(key, v);
    });
  }
  // A random live key, or empty optional-like result (returns false when the db is empty).
  bool RandomKey(int64_t now_ms, std::string& out);

  // Active expiry: samples keys with a TTL and deletes the expired ones, repeating while more
  // than a quarter of a sample was expired. Stops after `max_checks` samples. Then removes
  // expired hash fields, at most kFieldsPerCheck * max_checks of them. Returns deleted keys.
  size_t ActiveExpire(int64_t now_ms, size_t max_checks);
  static constexpr size_t kFieldsPerCheck = 20;
  // The field half of the cycle: walks the registered hashes from where the last call stopped
  // and removes up to `max_fields` expired fields. Returns the fields removed.
  size_t ActiveExpireFields(int64_t now_ms, size_t max_fields);
  size_t volatile_hashes() const { return volatile_hashes_.size(); }

  // WATCH support: `flag` is set to true when `key` is modified; pointers stay registered
  // until Unwatch. Flush() marks the watchers of the keys it removes (present ones only).
  void Watch(std::string_view key, bool* flag);
  void Unwatch(std::string_view key, bool* flag);
  void Touch(std::string_view key);

  uint64_t expired_keys() const { return expired_keys_; }

  // maxmemory eviction: calls fn(key, value, expire_at) for up to `n` random keys, only keys
  // with a TTL when volatile_only. Expired keys are offered too: evicting them is right.
  template <typename F>
  void SampleKeys(bool volatile_only, size_t n, F&& fn) {
    for (size_t i = 0; i < n; i++) {
      if (volatile_only) {
        const auto* node = expires_.Random(rng_);
        if (node == nullptr) return;
        fn(node->key(), *dict_.Find(node->key()), node->value);
      } else {
        const auto* node = dict_.Random(rng_);
        if (node == nullptr) return;
        fn(node->key(), node->value, GetExpire(node->key()));
      }
    }
  }
  // Removes a key chosen by eviction; watchers see it as modified.
  void Evict(std::string_view key);

 private:
  void MarkFlushedWatchers();
  bool ExpireIfNeeded(std::string_view key, int64_t now_ms);
  // Removes up to `max` expired fields of the hash `v` at `key`, and the key when it empties.
  // Returns whether the key was deleted.
  bool ExpireFields(std::string_view key, Value& v, int64_t now_ms, size_t max,
                    size_t* removed = nullptr);
  Value& Store(std::string_view key, Value value, bool keep_ttl);

  types::HashTable<Value> dict_;
  types::HashTable<int64_t> expires_;
  // Keys that held a hash with field expiries when last seen (stale entries are dropped when
  // the walk finds them), and where the walk resumes.
  types::HashTable<bool> volatile_hashes_;
  uint64_t volatile_cursor_ = 0;
  std::unordered_map<std::string, std::vector<bool*>> watchers_;
  std::mt19937_64 rng_{0x52554e4e454cULL};
  uint64_t expired_keys_ = 0;
  const int64_t* clock_ms_ = nullptr;
  bool track_access_ = true;
  ExpiredHook expired_hook_;
  StoredHook stored_hook_;
  TouchedHook touched_hook_;
  FieldsExpiredHook fields_expired_hook_;
  bool expiry_suspended_ = false;
};

}  // namespace server
