// XINFO: STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP. Replies are maps (RESP3) or flat
// key/value arrays (RESP2) in Redis's field order; times come from the consumer group's records
// (seen/active/delivery times in ms) and are turned into idle/inactive against the command time.
// A group running under a delivery policy (Runnel's) gets its policy and counters after Redis's
// own fields; a group without one replies exactly as in Redis.
#include <iterator>
#include <optional>
#include <string>

#include "src/ascii.h"
#include "src/commands/registry.h"
#include "src/commands/streams/policy.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/delivery/retention_pass.h"
#include "src/errors.h"

namespace server {

namespace {

// FULL lists this many entries unless COUNT says otherwise: 0 means all of them, and a negative
// COUNT is taken as no COUNT (observed on 7.0.15, not documented).
constexpr int64_t kFullDefaultCount = 10;

void ReplySyntax(CommandContext& ctx) { ctx.reply.Error(err::XInfoSyntax(ctx.arg(1))); }

// How many IDMP fields ReplyCommonFields adds: Redis 8.6's six once the stream has used IDMP
// (XADD IDMP/IDMPAUTO, XCFGSET), none before, so a stream that never did replies as in 7.0
// (the documentation: "When IDMP is configured for the stream ... included").
size_t IdmpFieldCount(const streams::Stream& s) { return s.idmp() != nullptr ? 6 : 0; }

// The fields STREAM and STREAM FULL share, in Redis's order.
void ReplyCommonFields(const CommandContext& ctx, resp::Writer& w, const streams::Stream& s) {
  w.Bulk("length");
  w.Integer(static_cast<int64_t>(s.length()));
  w.Bulk("radix-tree-keys");
  w.Integer(static_cast<int64_t>(s.tree_keys()));
  w.Bulk("radix-tree-nodes");
  w.Integer(static_cast<int64_t>(s.tree_nodes()));
  w.Bulk("last-generated-id");
  ReplyId(w, s.last_id());
  w.Bulk("max-deleted-entry-id");
  ReplyId(w, s.max_deleted_id());
  w.Bulk("entries-added");
  w.Integer(static_cast<int64_t>(s.entries_added()));
  w.Bulk("recorded-first-entry-id");
  ReplyId(w, s.first_id());
  const streams::IdmpTable* t = s.idmp();
  if (t == nullptr) return;
  const streams::IdmpConfig config = t->Effective(IdmpDefaultsFrom(ctx.server.config));
  const streams::IdmpTable::Live live = t->CountLive(static_cast<uint64_t>(ctx.now_ms), config);
  w.Bulk("idmp-duration");
  w.Integer(config.duration_s);
  w.Bulk("idmp-maxsize");
  w.Integer(config.maxsize);
  w.Bulk("pids-tracked");
  w.Integer(static_cast<int64_t>(live.pids));
  w.Bulk("iids-tracked");
  w.Integer(static_cast<int64_t>(live.iids));
  w.Bulk("iids-added");
  w.Integer(static_cast<int64_t>(t->iids_added()));
  w.Bulk("iids-duplicates");
  w.Integer(static_cast<int64_t>(t->iids_duplicates()));
}

// Runnel's stream extensions, after Redis's fields and only while in use, so a stream that uses
// none replies exactly as in Redis: delayed delivery's waiting entries, then retention by age
// (its own XRETENTION or the server default).
size_t ExtensionFieldCount(const Config& config, const streams::Stream& s) {
  return (EffectiveRetention(config, s).max_age_ms > 0 ? 3 : 0) +
         (s.schedule().empty() ? 0 : 1);
}

void ReplyExtensionFields(resp::Writer& w, const Config& config, const streams::Stream& s) {
  if (!s.schedule().empty()) {
    w.Bulk("scheduled-entries");
    w.Integer(static_cast<int64_t>(s.schedule().size()));
  }
  const streams::RetentionSetting setting = EffectiveRetention(config, s);
  if (setting.max_age_ms <= 0) return;
  w.Bulk("retention-max-age-ms");
  w.Integer(setting.max_age_ms);
  w.Bulk("retention-deadletter-pending");
  w.Integer(setting.dead_letter_pending ? 1 : 0);
  w.Bulk("retention-trimmed");
  w.Integer(static_cast<int64_t>(s.retention().trimmed));
}

// entries-read: null while the group's counter is unknown.
void ReplyEntriesRead(resp::Writer& w, const streams::ConsumerGroup& g) {
  if (g.entries_read() == streams::kEntriesReadUnknown) return w.Null();
  w.Integer(g.entries_read());
}

// lag: null when the stream's metadata cannot tell it (see streams::GroupLag).
void ReplyLag(resp::Writer& w, const streams::Stream& s, const streams::ConsumerGroup& g) {
  std::optional<int64_t> lag = streams::GroupLag(s, g);
  if (!lag) return w.Null();
  w.Integer(*lag);
}

// How many fields ReplyPolicyFields adds for `g`: none unless it runs under a policy.
size_t PolicyFieldCount(const Config& config, const streams::ConsumerGroup& g) {
  return EffectivePolicy(config, g).empty() ? 0 : 6;
}

// The effective policy and what it did, after Redis's fields (clients that read Redis's fields
// by name skip the rest). Nothing for a group without a policy.
void ReplyPolicyFields(resp::Writer& w, const Config& config, const streams::ConsumerGroup& g,
                       std::string_view key) {
  const streams::DeliveryPolicy& p = EffectivePolicy(config, g);
  if (p.empty()) return;
  w.Bulk("policy-ack-timeout");
  w.Integer(p.ack_timeout_ms);
  w.Bulk("policy-backoff");
  w.Bulk(BackoffText(p));
  w.Bulk("policy-max-deliveries");
  w.Integer(static_cast<int64_t>(p.max_deliveries));
  w.Bulk("policy-dead-letter");
  w.Bulk(DeadLetterKey(config, p, key));
  w.Bulk("redelivered-count");
  w.Integer(static_cast<int64_t>(g.counters().redelivered));
  w.Bulk("dead-lettered-count");
  w.Integer(static_cast<int64_t>(g.counters().dead_lettered));
}

// How many of `total` PEL entries FULL lists: COUNT of them, 0 meaning all.
size_t Shown(size_t total, int64_t count) {
  if (count == 0 || static_cast<uint64_t>(count) >= total) return total;
  return static_cast<size_t>(count);
}

// FULL's group `pending`: [id, owner, delivery time, delivery count] in ID order. A NACKed
// entry (8.8) has no owner: it shows as consumer "" with delivery time 0.
void ReplyGroupPending(resp::Writer& w, const streams::ConsumerGroup& g, int64_t count) {
  const size_t shown = Shown(g.pel().size(), count);
  w.Array(shown);
  streams::PendingIndex::Iterator it(g.pel());
  size_t written = 0;
  for (it.Seek(streams::SeekOp::kFirst); written < shown && it.Valid(); it.Next(), written++) {
    const streams::PendingEntry& e = *it.Value();
    w.Array(4);
    ReplyId(w, e.id);
    w.Bulk(e.owner() != nullptr ? std::string_view(e.owner()->name) : std::string_view());
    w.Integer(e.delivery_time_ms);
    w.Integer(static_cast<int64_t>(e.delivery_count()));
  }
}

// FULL's consumer `pending`: [id, delivery time, delivery count] in ID order.
void ReplyConsumerPending(resp::Writer& w, const streams::Consumer& c, int64_t count) {
  const size_t shown = Shown(c.pel.size(), count);
  w.Array(shown);
  streams::PendingIndex::Iterator it(c.pel);
  size_t written = 0;
  for (it.Seek(streams::SeekOp::kFirst); written < shown && it.Valid(); it.Next(), written++) {
    const streams::PendingEntry& e = *it.Value();
    w.Array(3);
    ReplyId(w, e.id);
    w.Integer(e.delivery_time_ms);
    w.Integer(static_cast<int64_t>(e.delivery_count()));
  }
}

// FULL's `groups`: per group its position, PEL and consumers, with 7.2's active-time and 8.8's
// nacked-count (last, after consumers), then Runnel's policy fields.
void ReplyFullGroups(resp::Writer& w, const Config& config, const streams::Stream& s,
                     std::string_view key, int64_t count) {
  w.Array(s.groups().size());
  for (const auto& [name, group] : s.groups()) {
    const streams::ConsumerGroup& g = *group;
    w.Map(8 + PolicyFieldCount(config, g));
    w.Bulk("name");
    w.Bulk(name);
    w.Bulk("last-delivered-id");
    ReplyId(w, g.last_id());
    w.Bulk("entries-read");
    ReplyEntriesRead(w, g);
    w.Bulk("lag");
    ReplyLag(w, s, g);
    w.Bulk("pel-count");
    w.Integer(static_cast<int64_t>(g.pending_count()));
    w.Bulk("pending");
    ReplyGroupPending(w, g, count);
    w.Bulk("consumers");
    w.Array(g.consumers().size());
    for (const auto& [consumer_name, consumer] : g.consumers()) {
      w.Map(5);
      w.Bulk("name");
      w.Bulk(consumer_name);
      w.Bulk("seen-time");
      w.Integer(consumer->seen_time_ms);
      w.Bulk("active-time");
      w.Integer(consumer->active_time_ms);  // -1 while it never read or claimed anything
      w.Bulk("pel-count");
      w.Integer(static_cast<int64_t>(consumer->pel.size()));
      w.Bulk("pending");
      ReplyConsumerPending(w, *consumer, count);
    }
    w.Bulk("nacked-count");
    w.Integer(static_cast<int64_t>(g.nacked_count()));
    ReplyPolicyFields(w, config, g, key);
  }
}

void ReplyEdgeEntry(resp::Writer& w, const streams::Stream::RangeIterator& it) {
  if (it.Valid()) {
    ReplyEntry(w, it.id(), it.entry());
  } else {
    w.Null();  // Redis sends a null bulk here, not a null array
  }
}

// XINFO STREAM key [FULL [COUNT n]]. Redis looks the key up before it reads the options, so a
// missing key or another type wins over an option error.
void XInfoStream(CommandContext& ctx) {
  auto found = ReadStream(ctx, ctx.arg(2));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);

  bool full = false;
  int64_t count = kFullDefaultCount;
  size_t argc = ctx.argc();
  if (argc > 3) {
    // Only "FULL" or "FULL COUNT n" may follow the key; anything else is the syntax error.
    bool shape_ok = EqualsIgnoreCase(ctx.arg(3), "FULL") &&
                    (argc == 4 || (argc == 6 && EqualsIgnoreCase(ctx.arg(4), "COUNT")));
    if (!shape_ok) return ReplySyntax(ctx);
    full = true;
    if (argc == 6) {
      auto n = Int64Arg(ctx, 5);
      if (!n) return ctx.reply.Error(n.error());
      if (*n >= 0) count = *n;
    }
  }

  resp::Writer& w = ctx.reply;
  const Config& config = ctx.server.config;
  if (!full) {
    w.Map(10 + IdmpFieldCount(*s) + ExtensionFieldCount(config, *s));
    ReplyCommonFields(ctx, w, *s);
    w.Bulk("groups");
    w.Integer(static_cast<int64_t>(s->groups().size()));
    w.Bulk("first-entry");
    ReplyEdgeEntry(w, s->FirstEntry());
    w.Bulk("last-entry");
    ReplyEdgeEntry(w, s->LastEntry());
    ReplyExtensionFields(w, config, *s);
    return;
  }

  uint64_t shown = s->length();
  if (count != 0 && static_cast<uint64_t>(count) < shown) shown = static_cast<uint64_t>(count);
  w.Map(9 + IdmpFieldCount(*s) + ExtensionFieldCount(config, *s));
  ReplyCommonFields(ctx, w, *s);
  w.Bulk("entries");
  w.Array(shown);
  uint64_t written = 0;
  for (auto it = s->FirstEntry(); written < shown && it.Valid(); it.Next()) {
    ReplyEntry(w, it.id(), it.entry());
    written++;
  }
  w.Bulk("groups");
  ReplyFullGroups(w, ctx.server.config, *s, ctx.arg(2), count);
  ReplyExtensionFields(w, config, *s);
}

// XINFO GROUPS key: one map per group, by name; Runnel's policy fields after Redis's.
void XInfoGroups(CommandContext& ctx) {
  auto found = ReadStream(ctx, ctx.arg(2));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  resp::Writer& w = ctx.reply;
  w.Array(s->groups().size());
  const Config& config = ctx.server.config;
  for (const auto& [name, group] : s->groups()) {
    w.Map(6 + PolicyFieldCount(config, *group));
    w.Bulk("name");
    w.Bulk(name);
    w.Bulk("consumers");
    w.Integer(static_cast<int64_t>(group->consumers().size()));
    w.Bulk("pending");
    w.Integer(static_cast<int64_t>(group->pending_count()));
    w.Bulk("last-delivered-id");
    ReplyId(w, group->last_id());
    w.Bulk("entries-read");
    ReplyEntriesRead(w, *group);
    w.Bulk("lag");
    ReplyLag(w, *s, *group);
    ReplyPolicyFields(w, config, *group, ctx.arg(2));
  }
}

// XINFO CONSUMERS key group: one map per consumer, by name. `idle` counts from the last attempt
// to read or claim, `inactive` (7.2) from the last one that got something: -1 if none ever did.
void XInfoConsumers(CommandContext& ctx) {
  auto found = ReadStream(ctx, ctx.arg(2));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  const streams::ConsumerGroup* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) return ctx.reply.Error(err::NoGroupForKey(ctx.arg(3), ctx.arg(2)));
  resp::Writer& w = ctx.reply;
  w.Array(g->consumers().size());
  for (const auto& [name, c] : g->consumers()) {
    w.Map(4);
    w.Bulk("name");
    w.Bulk(name);
    w.Bulk("pending");
    w.Integer(static_cast<int64_t>(c->pel.size()));
    w.Bulk("idle");
    w.Integer(ctx.now_ms - c->seen_time_ms);
    w.Bulk("inactive");
    w.Integer(c->active_time_ms < 0 ? -1 : ctx.now_ms - c->active_time_ms);
  }
}

void XInfoHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.Array(std::size(kLines));
  for (auto line : kLines) ctx.reply.Simple(line);
}

// In the order Redis 7.0.15's COMMAND INFO lists them.
constexpr CommandSpec kXInfoSubcommands[] = {
    {"help", 2, kLoading | kStale, 0, 0, 0, XInfoHelp,
     "Show helpful text about the different subcommands", "5.0.0", "stream", {"O(1)"}},
    {"stream", -3, kReadOnly, 2, 2, 1, XInfoStream, "Get information about a stream", "5.0.0",
     "stream",
     {"O(N) with N being the number of returned items for the subcommands. XINFO STREAM and XINFO "
      "GROUPS always return the same number of items.",
      "key [full_block=FULL [COUNT count:integer]]"}},
    {"consumers", 4, kReadOnly, 2, 2, 1, XInfoConsumers, "List the consumers in a consumer group",
     "5.0.0", "stream", {"O(1)", "key groupname", "nondeterministic_output"}},
    {"groups", 3, kReadOnly, 2, 2, 1, XInfoGroups, "List the consumer groups of a stream", "5.0.0",
     "stream", {"O(1)", "key"}},
};

constexpr CommandSpec kStreamInfoRows[] = {
    {"xinfo", -2, 0, 0, 0, 0, nullptr, "A container for stream introspection commands", "5.0.0",
     "stream", {}, kXInfoSubcommands},
};

}  // namespace

std::span<const CommandSpec> StreamInfoRows() { return kStreamInfoRows; }

}  // namespace server
