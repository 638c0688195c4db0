// Client-side caching's bookkeeping (CLIENT TRACKING), by client id only: which clients may
// hold which keys (default mode), and which key prefixes broadcast clients follow, with the
// keys changed under each since the last broadcast. Sending invalidations is the caller's.
// Invariants: a key's trackers hold no duplicate and are never empty (the entry goes when the
// key is invalidated); a prefix entry exists while some client follows it; a prefix's changed
// keys come out sorted and once each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/types/hash_table.h"

namespace server {

class TrackingTable {
 public:
  // --- Default mode: keys clients read.
  // Records that `client` may cache `key`; a no-op when it already does.
  void Remember(std::string_view key, uint64_t client);
  // Forgets `key` and calls fn(client) for each client that tracked it. False if none did.
  template <typename F>
  bool Invalidate(std::string_view key, F&& fn);
  // A tracked key picked at random (tracking-table-max-keys evicts it); false when none.
  bool RandomKey(std::string& out);
  size_t keys() const { return keys_.size(); }
  size_t items() const { return items_; }  // (key, client) pairs
  void ClearKeys();

  // --- Broadcast mode: prefixes clients follow ("" follows every key).
  void Follow(std::string_view prefix, uint64_t client);
  void Unfollow(std::string_view prefix, uint64_t client);
  size_t prefixes() const { return prefixes_.size(); }
  bool has_prefixes() const { return !prefixes_.empty(); }
  // Notes that `by` (0: no client) changed `key`, under every prefix it starts with.
  void NoteChanged(std::string_view key, uint64_t by);
  // A changed key; `by` is the client that changed it, or 0 when several did (or none).
  struct Changed {
    std::string key;
    uint64_t by;
  };
  // For each prefix with changes, in prefix order: fn(clients following it, its changed keys
  // sorted and merged); the changes are then forgotten.
  template <typename F>
  void TakeChanged(F&& fn);

 private:
  // Most keys are tracked by one client: that one is inline, the rest (rare) in a vector.
  struct Trackers {
    uint64_t first = 0;
    std::unique_ptr<std::vector<uint64_t>> more;
  };
  struct Prefix {
    std::vector<uint64_t> clients;
    std::vector<Changed> changed;
  };
  static void Merge(std::vector<Changed>& changed);

  types::HashTable<Trackers> keys_;
  size_t items_ = 0;
  std::map<std::string, Prefix, std::less<>> prefixes_;
  // How many prefixes have each length: a changed key is looked up once per length.
  std::map<size_t, size_t> lengths_;
  bool any_changed_ = false;
  std::mt19937_64 rng_{0x747261636bULL};
};

template <typename F>
bool TrackingTable::Invalidate(std::string_view key, F&& fn) {
  if (keys_.empty()) return false;
  auto node = keys_.Extract(key);
  if (!node) return false;
  Trackers& t = node->value;
  items_ -= 1 + (t.more ? t.more->size() : 0);
  fn(t.first);
  if (t.more) {
    for (uint64_t id : *t.more) fn(id);
  }
  return true;
}

template <typename F>
void TrackingTable::TakeChanged(F&& fn) {
  if (!any_changed_) return;
  any_changed_ = false;
  for (auto& [prefix, entry] : prefixes_) {
    if (entry.changed.empty()) continue;
    Merge(entry.changed);
    fn(std::span<const uint64_t>(entry.clients), std::span<const Changed>(entry.changed));
    entry.changed.clear();
  }
}

}  // namespace server
