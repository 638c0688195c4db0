#include "src/transactions.h"

#include <string>
#include <utility>

#include "src/db.h"

namespace server {

void BeginTransaction(Client& client) {
  client.in_multi = true;
  client.multi_error = false;
  client.multi_queue.clear();
  client.multi_mem = 0;
}

void QueueCommand(Client& client, std::span<const std::string_view> argv) {
  QueuedCommand q;
  q.argv.reserve(argv.size());
  for (std::string_view a : argv) {
    q.argv.emplace_back(a);
    client.multi_mem += a.size();
  }
  client.multi_queue.push_back(std::move(q));
}

void DiscardTransaction(Client& client) {
  client.in_multi = false;
  client.multi_error = false;
  client.multi_queue.clear();
  client.multi_mem = 0;
}

void WatchKey(ServerState& state, Client& client, std::string_view key, int64_t now_ms) {
  for (const auto& [db, watched] : client.watched) {
    if (db == client.db_index && watched == key) return;
  }
  Db& d = *state.dbs[static_cast<size_t>(client.db_index)];
  d.Find(key, now_ms);
  d.Watch(key, &client.watch_dirty);
  client.watched.emplace_back(client.db_index, std::string(key));
}

void ExpireWatchedKeys(ServerState& state, Client& client, int64_t now_ms) {
  for (const auto& [db, key] : client.watched) {
    state.dbs[static_cast<size_t>(db)]->Find(key, now_ms);
  }
}

void UnwatchAll(ServerState& state, Client& client) {
  for (auto& [db, key] : client.watched) {
    state.dbs[static_cast<size_t>(db)]->Unwatch(key, &client.watch_dirty);
  }
  client.watched.clear();
  client.watch_dirty = false;
}

}  // namespace server
