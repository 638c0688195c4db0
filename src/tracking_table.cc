#include "src/tracking_table.h"

#include <algorithm>

namespace server {

void TrackingTable::Remember(std::string_view key, uint64_t client) {
  Trackers* t = keys_.Find(key);
  if (t == nullptr) {
    keys_.Upsert(key, Trackers{client, nullptr});
    items_++;
    return;
  }
  if (t->first == client) return;
  if (!t->more) t->more = std::make_unique<std::vector<uint64_t>>();
  if (std::find(t->more->begin(), t->more->end(), client) != t->more->end()) return;
  t->more->push_back(client);
  items_++;
}

bool TrackingTable::RandomKey(std::string& out) {
  const auto* node = keys_.Random(rng_);
  if (node == nullptr) return false;
  out.assign(node->key());
  return true;
}

void TrackingTable::ClearKeys() {
  keys_.Clear();
  items_ = 0;
}

void TrackingTable::Follow(std::string_view prefix, uint64_t client) {
  auto it = prefixes_.find(prefix);
  if (it == prefixes_.end()) {
    it = prefixes_.emplace(std::string(prefix), Prefix{}).first;
    lengths_[prefix.size()]++;
  }
  auto& clients = it->second.clients;
  if (std::find(clients.begin(), clients.end(), client) == clients.end()) {
    clients.push_back(client);
  }
}

void TrackingTable::Unfollow(std::string_view prefix, uint64_t client) {
  auto it = prefixes_.find(prefix);
  if (it == prefixes_.end()) return;
  auto& clients = it->second.clients;
  clients.erase(std::remove(clients.begin(), clients.end(), client), clients.end());
  if (!clients.empty()) return;
  prefixes_.erase(it);
  auto len = lengths_.find(prefix.size());
  if (--len->second == 0) lengths_.erase(len);
}

void TrackingTable::NoteChanged(std::string_view key, uint64_t by) {
  for (const auto& [length, count] : lengths_) {
    if (length > key.size()) break;
    auto it = prefixes_.find(key.substr(0, length));
    if (it == prefixes_.end()) continue;
    it->second.changed.push_back({std::string(key), by});
    any_changed_ = true;
  }
}

void TrackingTable::Merge(std::vector<Changed>& changed) {
  std::stable_sort(changed.begin(), changed.end(),
                   [](const Changed& a, const Changed& b) { return a.key < b.key; });
  size_t out = 0;
  for (size_t i = 0; i < changed.size(); i++) {
    if (out > 0 && changed[out - 1].key == changed[i].key) {
      // Changed by two different clients: nobody's own change alone (NOLOOP still tells).
      if (changed[out - 1].by != changed[i].by) changed[out - 1].by = 0;
      continue;
    }
    if (out != i) changed[out] = std::move(changed[i]);
    out++;
  }
  changed.resize(out);
}

}  // namespace server
