// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE,
// PUBLISH SPUBLISH, and PUBSUB's introspection. The subscriptions live in ServerState::pubsub;
// a message reaches each subscriber's connection through ServerState::outputs, as a RESP3 push
// or, to a RESP2 client (then in subscribed mode), as an array. Each subscribe or unsubscribe
// confirms every channel with its own frame carrying the client's count after that step.
#include <optional>
#include <string>
#include <vector>

#include "src/command_table.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/glob.h"
#include "src/notify.h"
#include "src/pubsub.h"

namespace server {

namespace {

using Kind = PubSub::Kind;

// The reply names of a kind: "subscribe"/"unsubscribe" and so on.
std::string_view SubscribeName(Kind kind) {
  switch (kind) {
    case Kind::kChannel: return "subscribe";
    case Kind::kPattern: return "psubscribe";
    case Kind::kShard: return "ssubscribe";
  }
  return "";
}
std::string_view UnsubscribeName(Kind kind) {
  switch (kind) {
    case Kind::kChannel: return "unsubscribe";
    case Kind::kPattern: return "punsubscribe";
    case Kind::kShard: return "sunsubscribe";
  }
  return "";
}

// The count a confirmation carries: channels plus patterns, or shard channels on their own.
size_t ConfirmCount(const CommandContext& ctx, Kind kind) {
  const PubSub& ps = ctx.server.pubsub;
  return kind == Kind::kShard ? ps.ShardCountOf(ctx.client.id) : ps.CountOf(ctx.client.id);
}

// [what, name or nil, count], pushed in RESP3.
void Confirm(CommandContext& ctx, std::string_view what, const std::string_view* name,
             Kind kind) {
  ctx.client.subscriptions = ctx.server.pubsub.CountOf(ctx.client.id) +
                             ctx.server.pubsub.ShardCountOf(ctx.client.id);
  ctx.reply.Push(3);
  ctx.reply.Bulk(what);
  if (name != nullptr) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Integer(static_cast<int64_t>(ConfirmCount(ctx, kind)));
}

void SubscribeTo(CommandContext& ctx, Kind kind) {
  for (size_t i = 1; i < ctx.argc(); i++) {
    const std::string_view name = ctx.arg(i);
    ctx.server.pubsub.Subscribe(kind, ctx.client.id, name);
    Confirm(ctx, SubscribeName(kind), &name, kind);
  }
}

// With no names: every subscription of the kind, or one nil confirmation when there is none.
void UnsubscribeFrom(CommandContext& ctx, Kind kind) {
  std::vector<std::string> names;
  if (ctx.argc() == 1) {
    names = ctx.server.pubsub.SubscriptionsOf(kind, ctx.client.id);
    if (names.empty()) return Confirm(ctx, UnsubscribeName(kind), nullptr, kind);
  } else {
    for (size_t i = 1; i < ctx.argc(); i++) names.emplace_back(ctx.arg(i));
  }
  for (const std::string& n : names) {
    ctx.server.pubsub.Unsubscribe(kind, ctx.client.id, n);
    const std::string_view name = n;
    Confirm(ctx, UnsubscribeName(kind), &name, kind);
  }
}

void Subscribe(CommandContext& ctx) { SubscribeTo(ctx, Kind::kChannel); }
void PSubscribe(CommandContext& ctx) { SubscribeTo(ctx, Kind::kPattern); }
void SSubscribe(CommandContext& ctx) { SubscribeTo(ctx, Kind::kShard); }
void Unsubscribe(CommandContext& ctx) { UnsubscribeFrom(ctx, Kind::kChannel); }
void PUnsubscribe(CommandContext& ctx) { UnsubscribeFrom(ctx, Kind::kPattern); }
void SUnsubscribe(CommandContext& ctx) { UnsubscribeFrom(ctx, Kind::kShard); }

// A primary with replicas sends each message on to them (never to the AOF), as Redis does, so
// that clients subscribed on a replica get it too.
void ReplicatePublish(CommandContext& ctx) {
  const Replication& repl = ctx.server.repl;
  if (!repl.is_replica() && repl.backlog.active()) {
    ctx.server.propagation.AddReplicationOnly(ctx.argv);
  }
}

// PUBLISH / SPUBLISH channel message: the reply counts the deliveries.
void Publish(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(
      PublishMessage(ctx.server, Kind::kChannel, ctx.arg(1), ctx.arg(2))));
  ReplicatePublish(ctx);
}
void SPublish(CommandContext& ctx) {
  ctx.reply.Integer(
      static_cast<int64_t>(PublishMessage(ctx.server, Kind::kShard, ctx.arg(1), ctx.arg(2))));
  ReplicatePublish(ctx);
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern].
void ListChannels(CommandContext& ctx, Kind kind) {
  if (ctx.argc() > 3) return ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "pubsub"));
  std::optional<GlobPattern> glob;
  if (ctx.argc() == 3) glob.emplace(ctx.arg(2));
  const auto names = ctx.server.pubsub.Channels(kind, glob ? &*glob : nullptr);
  ctx.reply.Array(names.size());
  for (const std::string& n : names) ctx.reply.Bulk(n);
}

// PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: a flat channel, count list (in RESP3 too, as
// Redis replies).
void CountSubscribers(CommandContext& ctx, Kind kind) {
  ctx.reply.Array(2 * (ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); i++) {
    ctx.reply.Bulk(ctx.arg(i));
    ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.NumSub(kind, ctx.arg(i))));
  }
}

void PubSubChannels(CommandContext& ctx) { ListChannels(ctx, Kind::kChannel); }
void PubSubShardChannels(CommandContext& ctx) { ListChannels(ctx, Kind::kShard); }
void PubSubNumSub(CommandContext& ctx) { CountSubscribers(ctx, Kind::kChannel); }
void PubSubShardNumSub(CommandContext& ctx) { CountSubscribers(ctx, Kind::kShard); }
void PubSubNumPat(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.NumPat()));
}

void PubSubHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kSubscribeFlags = kPubSub | kNoScript | kLoading | kStale;

constexpr CommandSpec kPubSubSubcommands[] = {
    {"channels", -2, kPubSub | kLoading | kStale, 0, 0, 0, PubSubChannels,
     "List active channels", "2.8.0", "pubsub",
     {"O(N) where N is the number of active channels, and assuming constant time pattern "
      "matching (relatively short channels and patterns)",
      "[pattern:pattern]"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, PubSubHelp,
     "Show helpful text about the different subcommands", "6.2.0", "pubsub",
     {"O(1)", "", "", "", "-@pubsub"}},
    {"numpat", 2, kPubSub | kLoading | kStale, 0, 0, 0, PubSubNumPat,
     "Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", {"O(1)"}},
    {"numsub", -2, kPubSub | kLoading | kStale, 0, 0, 0, PubSubNumSub,
     "Get the count of subscribers for channels", "2.8.0", "pubsub",
     {"O(N) for the NUMSUB subcommand, where N is the number of requested channels",
      "[channel...]"}},
    {"shardchannels", -2, kPubSub | kLoading | kStale, 0, 0, 0, PubSubShardChannels,
     "List active shard channels", "7.0.0", "pubsub",
     {"O(N) where N is the number of active shard channels, and assuming constant time "
      "pattern matching (relatively short shard channels).",
      "[pattern:pattern]"}},
    {"shardnumsub", -2, kPubSub | kLoading | kStale, 0, 0, 0, PubSubShardNumSub,
     "Get the count of subscribers for shard channels", "7.0.0", "pubsub",
     {"O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
      "[shardchannel...]"}},
};

constexpr CommandSpec kPubSubCommands[] = {
    {"psubscribe", -2, kSubscribeFlags, 0, 0, 0, PSubscribe,
     "Listen for messages published to channels matching the given patterns", "2.0.0", "pubsub",
     {"O(N) where N is the number of patterns the client is already subscribed to.",
      "pattern=(pattern:pattern)..."}},
    {"publish", 3, kPubSub | kLoading | kStale | kFast, 0, 0, 0, Publish,
     "Post a message to a channel", "2.0.0", "pubsub",
     {"O(N+M) where N is the number of clients subscribed to the receiving channel and M is "
      "the total number of subscribed patterns (by any client).",
      "channel message"}},
    {"pubsub", -2, 0, 0, 0, 0, nullptr, "A container for Pub/Sub commands", "2.8.0", "pubsub",
     {"Depends on subcommand."}, kPubSubSubcommands},
    {"punsubscribe", -1, kSubscribeFlags, 0, 0, 0, PUnsubscribe,
     "Stop listening for messages posted to channels matching the given patterns", "2.0.0",
     "pubsub",
     {"O(N+M) where N is the number of patterns the client is already subscribed and M is the "
      "number of total patterns subscribed in the system (by any client).",
      "[pattern:pattern...]"}},
    {"spublish", 3, kPubSub | kLoading | kStale | kFast, 1, 1, 1, SPublish,
     "Post a message to a shard channel", "7.0.0", "pubsub",
     {"O(N) where N is the number of clients subscribed to the receiving shard channel.",
      "shardchannel message", "", "not_key"}},
    {"ssubscribe", -2, kSubscribeFlags, 1, -1, 1, SSubscribe,
     "Listen for messages published to the given shard channels", "7.0.0", "pubsub",
     {"O(N) where N is the number of shard channels to subscribe to.", "shardchannel...", "",
      "not_key"}},
    {"subscribe", -2, kSubscribeFlags, 0, 0, 0, Subscribe,
     "Listen for messages published to the given channels", "2.0.0", "pubsub",
     {"O(N) where N is the number of channels to subscribe to.", "channel..."}},
    {"sunsubscribe", -1, kSubscribeFlags, 1, -1, 1, SUnsubscribe,
     "Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub",
     {"O(N) where N is the number of clients already subscribed to a shard channel.",
      "[shardchannel...]", "", "not_key"}},
    {"unsubscribe", -1, kSubscribeFlags, 0, 0, 0, Unsubscribe,
     "Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
     {"O(N) where N is the number of clients already subscribed to a channel.", "[channel...]"}},
};

}  // namespace

std::span<const CommandSpec> PubSubRows() { return kPubSubCommands; }

}  // namespace server
