// Pub/Sub subscriptions: which clients listen on which channels (SUBSCRIBE), patterns
// (PSUBSCRIBE) and shard channels (SSUBSCRIBE), and who gets a PUBLISH. It holds client ids
// only; writing the message to a client is the caller's, through the deliver callback.
// Invariants: a client appears at most once per channel or pattern; a channel or pattern with
// no subscriber left is removed; each client's own sets mirror the global ones exactly and
// hold views of the global tables' names (node keys, which never move), so a name is stored
// once however many clients subscribe to it. Tables shrink as they empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "src/glob.h"

namespace server {

// SUBSCRIBE, UNSUBSCRIBE and their pattern and shard forms (any case): the commands whose
// replies are confirmations, pushes in RESP3, and that a RESP2 subscriber may still send.
bool IsSubscribeCommand(std::string_view name);

class PubSub {
 public:
  enum class Kind { kChannel, kPattern, kShard };

  // Adds the subscription; false when the client already had it.
  bool Subscribe(Kind kind, uint64_t client, std::string_view name);
  // Removes it; false when the client did not have it.
  bool Unsubscribe(Kind kind, uint64_t client, std::string_view name);
  // The client's subscriptions of one kind (UNSUBSCRIBE with no arguments), in no set order.
  std::vector<std::string> SubscriptionsOf(Kind kind, uint64_t client) const;
  // What the subscribe replies count: channels plus patterns, and shard channels apart.
  size_t CountOf(uint64_t client) const;
  size_t ShardCountOf(uint64_t client) const { return KindCount(Kind::kShard, client); }
  // The client's subscriptions of one kind (CLIENT LIST's sub, psub and ssub).
  size_t KindCount(Kind kind, uint64_t client) const;
  // Drops every subscription of the client (disconnect, RESET).
  void RemoveClient(uint64_t client);

  // PUBLISH: deliver(client, pattern) for each channel subscriber (pattern null), then for each
  // matching pattern's subscribers. Returns how many deliveries were made. SPUBLISH: shard
  // channel subscribers only.
  template <typename F>
  size_t Publish(std::string_view channel, F&& deliver) const;
  template <typename F>
  size_t ShardPublish(std::string_view channel, F&& deliver) const;

  // PUBSUB introspection: active channels (of a kind: kChannel or kShard) matching `pattern`
  // (all when null), a channel's subscriber count, and the number of patterns subscribed to.
  std::vector<std::string> Channels(Kind kind, const GlobPattern* pattern) const;
  size_t NumSub(Kind kind, std::string_view channel) const;
  size_t NumPat() const { return patterns_.size(); }
  size_t channel_count() const { return channels_.size(); }
  size_t shard_channel_count() const { return shard_channels_.size(); }

 private:
  // Looked up by string_view without a copy (heterogeneous lookup).
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // A client's names: views of the keys of channels_, patterns_ or shard_channels_.
  using NameSet = std::unordered_set<std::string_view>;
  // A name's subscribers, in subscription order.
  using ClientIds = std::vector<uint64_t>;
  using ChannelMap = std::unordered_map<std::string, ClientIds, NameHash, std::equal_to<>>;

  struct ClientSubs {
    NameSet channels;
    NameSet patterns;
    NameSet shard_channels;
    bool empty() const { return channels.empty() && patterns.empty() && shard_channels.empty(); }
  };
  static NameSet& SetOf(ClientSubs& subs, Kind kind);
  static const NameSet& SetOf(const ClientSubs& subs, Kind kind);
  static void RemoveId(ClientIds& ids, uint64_t client);
  // Takes the client off `name`'s entry in its global table, dropping the entry if it empties.
  // `name` may view that entry's key: it is not read after the erase.
  void DropFromTable(Kind kind, uint64_t client, std::string_view name);
  // After removals: gives back a hash table's buckets once it is under a quarter full, so a
  // million subscriptions gone leave no million buckets behind.
  template <typename Table>
  static void ShrinkIfSparse(Table& table) {
    if (table.bucket_count() > 64 && table.size() * 4 < table.bucket_count()) table.rehash(0);
  }

  ChannelMap channels_;
  ChannelMap shard_channels_;
  // Pattern -> its subscribers in subscription order; the text is matched as it stands.
  std::map<std::string, ClientIds, std::less<>> patterns_;
  std::unordered_map<uint64_t, ClientSubs> clients_;
};

template <typename F>
size_t PubSub::Publish(std::string_view channel, F&& deliver) const {
  size_t delivered = 0;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    for (uint64_t id : it->second) {
      deliver(id, static_cast<const std::string*>(nullptr));
      delivered++;
    }
  }
  for (const auto& [pattern, clients] : patterns_) {
    if (!GlobMatch(pattern, channel)) continue;
    for (uint64_t id : clients) {
      deliver(id, &pattern);
      delivered++;
    }
  }
  return delivered;
}

template <typename F>
size_t PubSub::ShardPublish(std::string_view channel, F&& deliver) const {
  auto it = shard_channels_.find(channel);
  if (it == shard_channels_.end()) return 0;
  for (uint64_t id : it->second) deliver(id, static_cast<const std::string*>(nullptr));
  return it->second.size();
}

}  // namespace server
