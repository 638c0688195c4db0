#include "src/blocking.h"

#include <algorithm>
#include <chrono>

#include "src/errors.h"
#include "src/server_state.h"
#include "streams/saturating.h"

namespace server {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

WakeTime WakeTime::Now() { return {WallClockMs(), SteadyMs()}; }

int64_t BlockingRegistry::Block(Client& client, const std::vector<std::string>& keys,
                                int64_t timeout_ms, std::unique_ptr<BlockedCommand> command) {
  Unblock(client);
  Wait wait{&client, std::move(command), -1, {}};
  const int64_t now = SteadyMs();
  if (timeout_ms > 0) {
    // A timeout too large to add is, for any practical purpose, forever.
    wait.deadline = streams::SaturatingAdd(now, timeout_ms);
    deadlines_.emplace(wait.deadline, client.id);
  }
  for (const std::string& key : keys) {
    KeyId id{client.db_index, key};
    std::list<uint64_t>& fifo = waiters_[id];
    // The same key twice in one command waits once.
    bool already = false;
    for (const auto& [k, it] : wait.positions) already = already || k == id;
    if (already) continue;
    wait.positions.emplace_back(id, fifo.insert(fifo.end(), client.id));
  }
  waits_.emplace(client.id, std::move(wait));
  client.blocked = true;
  return now;
}

void BlockingRegistry::Unblock(Client& client) {
  if (!client.blocked) return;
  Remove(client.id);
  client.blocked = false;
}

void BlockingRegistry::Remove(uint64_t client_id) {
  auto it = waits_.find(client_id);
  if (it == waits_.end()) return;
  Wait& wait = it->second;
  for (auto& [key, pos] : wait.positions) {
    auto fifo = waiters_.find(key);
    fifo->second.erase(pos);
    if (fifo->second.empty()) waiters_.erase(fifo);
  }
  if (wait.deadline >= 0) deadlines_.erase({wait.deadline, client_id});
  wait.client->blocked = false;
  waits_.erase(it);
}

void BlockingRegistry::SignalKeyReady(int db, std::string_view key) {
  if (waiters_.empty()) return;
  KeyId id{db, std::string(key)};
  if (!waiters_.contains(id) || ready_set_.contains(id)) return;
  ready_set_.insert(id);
  ready_.push_back(std::move(id));
}

void BlockingRegistry::SignalDbFlushed(int db) {
  for (const auto& [id, clients] : waiters_) {
    if (db < 0 || id.first == db) SignalKeyReady(id.first, id.second);
  }
}

std::vector<uint64_t> BlockingRegistry::ServeReadyKeys(ServerState& state, const WakeTime& now,
                                                       const WriterFor& writer_for) {
  std::vector<uint64_t> served;
  while (!ready_.empty()) {
    std::vector<KeyId> keys;
    keys.swap(ready_);
    ready_set_.clear();
    for (const KeyId& key : keys) {
      auto fifo = waiters_.find(key);
      if (fifo == waiters_.end()) continue;
      // Serving removes clients from this FIFO: walk a snapshot.
      std::vector<uint64_t> ids(fifo->second.begin(), fifo->second.end());
      for (uint64_t id : ids) {
        auto it = waits_.find(id);
        if (it == waits_.end()) continue;
        resp::Writer* writer = writer_for(id);
        if (writer == nullptr) continue;
        Client& client = *it->second.client;
        writer->set_protocol(client.protocol);
        if (!it->second.command->TryServe(state, client, key.second, *writer, now)) continue;
        Remove(id);
        served.push_back(id);
      }
    }
  }
  return served;
}

std::vector<uint64_t> BlockingRegistry::ExpireDue(const WakeTime& now,
                                                  const WriterFor& writer_for) {
  const int64_t now_ms = now.steady_ms;
  std::vector<uint64_t> expired;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ms) {
    const uint64_t id = deadlines_.begin()->second;
    Wait& wait = waits_.at(id);
    if (resp::Writer* writer = writer_for(id)) {
      writer->set_protocol(wait.client->protocol);
      const auto outcome = wait.command->OnDeadline(*wait.client, now, *writer);
      if (!outcome.replied) {
        // Strictly later than now, so this loop cannot spin on the same client.
        const int64_t next = outcome.next_deadline;
        SetDeadline(id, next < 0 ? -1 : std::max(next, now_ms + 1));
        continue;
      }
    }
    Remove(id);
    expired.push_back(id);
  }
  return expired;
}

void BlockingRegistry::SetDeadline(uint64_t client_id, int64_t deadline) {
  auto it = waits_.find(client_id);
  if (it == waits_.end()) return;
  Wait& wait = it->second;
  if (wait.deadline >= 0) deadlines_.erase({wait.deadline, client_id});
  wait.deadline = deadline;
  if (deadline >= 0) deadlines_.emplace(deadline, client_id);
}

bool BlockingRegistry::Release(uint64_t client_id, ReleaseAs how, resp::Writer& reply) {
  auto it = waits_.find(client_id);
  if (it == waits_.end()) return false;
  reply.set_protocol(it->second.client->protocol);
  if (how == ReleaseAs::kTimeout) {
    it->second.command->ReplyTimeout(reply);
  } else {
    reply.Error(err::kUnblockedByClient);
  }
  Remove(client_id);
  NoteReleased(client_id);
  return true;
}

std::vector<uint64_t> BlockingRegistry::TakeReleased() {
  std::vector<uint64_t> ids;
  ids.swap(released_);
  return ids;
}

int64_t BlockingRegistry::NextDeadline() const {
  return deadlines_.empty() ? -1 : deadlines_.begin()->first;
}

}  // namespace server
