#include "src/pubsub.h"

#include <algorithm>

#include "src/ascii.h"

namespace server {

bool IsSubscribeCommand(std::string_view name) {
  for (std::string_view n : {"subscribe", "unsubscribe", "psubscribe", "punsubscribe",
                             "ssubscribe", "sunsubscribe"}) {
    if (EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

PubSub::NameSet& PubSub::SetOf(ClientSubs& subs, Kind kind) {
  switch (kind) {
    case Kind::kChannel: return subs.channels;
    case Kind::kPattern: return subs.patterns;
    case Kind::kShard: return subs.shard_channels;
  }
  return subs.channels;
}

const PubSub::NameSet& PubSub::SetOf(const ClientSubs& subs, Kind kind) {
  return SetOf(const_cast<ClientSubs&>(subs), kind);
}

void PubSub::RemoveId(ClientIds& ids, uint64_t client) {
  ids.erase(std::find(ids.begin(), ids.end(), client));
}

bool PubSub::Subscribe(Kind kind, uint64_t client, std::string_view name) {
  ClientSubs& subs = clients_[client];
  NameSet& own = SetOf(subs, kind);
  if (own.contains(name)) return false;
  // The global entry first: the client's set keeps a view of its key.
  std::string_view stored;
  if (kind == Kind::kPattern) {
    auto it = patterns_.find(name);
    if (it == patterns_.end()) it = patterns_.emplace(std::string(name), ClientIds{}).first;
    it->second.push_back(client);
    stored = it->first;
  } else {
    ChannelMap& map = kind == Kind::kShard ? shard_channels_ : channels_;
    auto it = map.find(name);
    if (it == map.end()) it = map.emplace(std::string(name), ClientIds{}).first;
    it->second.push_back(client);
    stored = it->first;
  }
  own.insert(stored);
  return true;
}

bool PubSub::Unsubscribe(Kind kind, uint64_t client, std::string_view name) {
  auto c = clients_.find(client);
  if (c == clients_.end()) return false;
  NameSet& set = SetOf(c->second, kind);
  auto own = set.find(name);
  if (own == set.end()) return false;
  // The view goes before the key it points into.
  set.erase(own);
  ShrinkIfSparse(set);
  DropFromTable(kind, client, name);
  if (c->second.empty()) {
    clients_.erase(c);
    ShrinkIfSparse(clients_);
  }
  return true;
}

void PubSub::DropFromTable(Kind kind, uint64_t client, std::string_view name) {
  if (kind == Kind::kPattern) {
    auto it = patterns_.find(name);
    RemoveId(it->second, client);
    if (it->second.empty()) patterns_.erase(it);
    return;
  }
  ChannelMap& map = kind == Kind::kShard ? shard_channels_ : channels_;
  auto it = map.find(name);
  RemoveId(it->second, client);
  if (it->second.empty()) {
    map.erase(it);
    ShrinkIfSparse(map);
  }
}

std::vector<std::string> PubSub::SubscriptionsOf(Kind kind, uint64_t client) const {
  auto c = clients_.find(client);
  if (c == clients_.end()) return {};
  const NameSet& set = SetOf(c->second, kind);
  return {set.begin(), set.end()};
}

size_t PubSub::CountOf(uint64_t client) const {
  auto c = clients_.find(client);
  return c == clients_.end() ? 0 : c->second.channels.size() + c->second.patterns.size();
}

size_t PubSub::KindCount(Kind kind, uint64_t client) const {
  auto c = clients_.find(client);
  return c == clients_.end() ? 0 : SetOf(c->second, kind).size();
}

void PubSub::RemoveClient(uint64_t client) {
  auto c = clients_.find(client);
  if (c == clients_.end()) return;
  for (Kind kind : {Kind::kChannel, Kind::kPattern, Kind::kShard}) {
    // A name's table entry may go with it; its view is not used again, and the client's sets
    // are dropped whole below without looking at their names.
    for (std::string_view name : SetOf(c->second, kind)) DropFromTable(kind, client, name);
  }
  clients_.erase(c);
  ShrinkIfSparse(clients_);
}

std::vector<std::string> PubSub::Channels(Kind kind, const GlobPattern* pattern) const {
  const ChannelMap& map = kind == Kind::kShard ? shard_channels_ : channels_;
  std::vector<std::string> out;
  for (const auto& [name, ids] : map) {
    if (pattern == nullptr || pattern->Match(name)) out.push_back(name);
  }
  return out;
}

size_t PubSub::NumSub(Kind kind, std::string_view channel) const {
  const ChannelMap& map = kind == Kind::kShard ? shard_channels_ : channels_;
  auto it = map.find(channel);
  return it == map.end() ? 0 : it->second.size();
}

}  // namespace server
