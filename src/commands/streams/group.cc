// XGROUP: CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER and HELP, declared as a
// container with one row per subcommand (as CLIENT, CONFIG and XINFO are), plus Runnel's own
// SETPOLICY, GETPOLICY and SETCOUNTERS (a group's delivery policy; see src/commands/streams/policy.h). The
// group itself (position, consumers, PEL) is streams::ConsumerGroup; this file parses, checks
// and replies.
// Like Redis 7.0.15, group changes do not count as key modifications for WATCH; only MKSTREAM
// creating the key does (through Db::Set). For the AOF, CREATE and SETID record the concrete
// position ("$" resolved, ENTRIESREAD as it came out), and a call that changed nothing nothing.
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "src/ascii.h"
#include "src/commands/registry.h"
#include "src/commands/streams/policy.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/delivery/group_due.h"
#include "src/delivery/records.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

// Options of CREATE and SETID, after the ID (argv[5...]).
struct PositionOptions {
  bool mkstream = false;
  std::optional<int64_t> entries_read;  // as given; -1 is "unknown"
};

// "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP." (the
// subcommand as given).
Failure SyntaxFailure(const CommandContext& ctx) {
  std::string error(err::kXInfoSyntaxPrefix);
  error.append(ctx.arg(1)).append(err::kXGroupSyntaxSuffix);
  return Failure(std::move(error));
}

// Redis 7.0.15 reads the options left to right, so a bad ENTRIESREAD value is reported even
// when more arguments follow, and before the key is looked up. MKSTREAM (CREATE only) may
// repeat.
Result<PositionOptions> ParsePositionOptions(const CommandContext& ctx, bool create) {
  PositionOptions out;
  const size_t argc = ctx.argc();
  size_t i = 5;
  while (i < argc) {
    if (create && EqualsIgnoreCase(ctx.arg(i), "MKSTREAM")) {
      out.mkstream = true;
      i++;
    } else if (EqualsIgnoreCase(ctx.arg(i), "ENTRIESREAD") && i + 1 < argc) {
      auto n = Int64Arg(ctx, i + 1);
      if (!n) return std::move(n).failure();
      if (*n < streams::kEntriesReadUnknown) return Failure(err::kEntriesReadInvalid);
      out.entries_read = *n;
      i += 2;
    } else {
      return SyntaxFailure(ctx);
    }
  }
  return out;
}

// Well-formed options can still make a call longer than the longest valid one: CREATE takes at
// most MKSTREAM and ENTRIESREAD n (8 arguments), SETID ENTRIESREAD n (7). Redis checks this
// late: after the key, the group (SETID) and, when MKSTREAM is to create the key, the ID.
Result<void> CheckLength(const CommandContext& ctx, bool create) {
  if (ctx.argc() <= (create ? 8u : 7u)) return {};
  return SyntaxFailure(ctx);
}

// The entries-read a group gets from CREATE/SETID: unknown unless given, and (Redis 8.2.2,
// redis#14257) never more than the stream's entries-added, so the lag cannot go negative.
int64_t EntriesReadFor(const PositionOptions& opts, const streams::Stream& s) {
  int64_t n = opts.entries_read.value_or(streams::kEntriesReadUnknown);
  const auto added = static_cast<int64_t>(s.entries_added());
  return n > added ? added : n;
}

// "$" is the stream's last ID; anything else a strict ID ("ms" or "ms-seq"). SETID also takes
// "-" and "+" (Redis 7.0.15 accepts them there; CREATE refuses them).
Result<streams::StreamID> ParseGroupId(const CommandContext& ctx, const streams::Stream* s,
                                       bool setid) {
  std::string_view arg = ctx.arg(4);
  if (arg == "$") return s != nullptr ? s->last_id() : streams::StreamID{};
  auto id = setid ? streams::ParseIdOrMinMax(arg) : streams::ParseStrictId(arg);
  if (!id.ok()) return Failure(err::kInvalidStreamId);
  return id.value;
}

// The stream at argv[2] for a subcommand that needs it to exist (never null): WRONGTYPE or the
// missing-key error otherwise.
Result<streams::Stream*> ExistingStream(CommandContext& ctx) {
  auto found = FindStream(ctx, ctx.arg(2));
  if (!found) return std::move(found).failure();
  if (*found == nullptr) return Failure(err::kXGroupKeyMissing);
  return *found;
}

// The stream at argv[2] and its group argv[3], both existing (never null): the stream's error
// (ExistingStream), or NOGROUP.
struct ExistingTarget {
  streams::Stream* stream;
  streams::ConsumerGroup* group;
};
Result<ExistingTarget> ExistingGroup(CommandContext& ctx) {
  auto s = ExistingStream(ctx);
  if (!s) return std::move(s).failure();
  streams::ConsumerGroup* g = (*s)->FindGroup(ctx.arg(3));
  if (g == nullptr) return Failure(err::NoGroupForKey(ctx.arg(3), ctx.arg(2)));
  return ExistingTarget{*s, g};
}

// CREATE's ID and length check, in Redis's order: the ID first when MKSTREAM is to create the
// key (`s` null), the length first otherwise. Checked in full before anything is created.
Result<streams::StreamID> CreatePosition(const CommandContext& ctx, const streams::Stream* s) {
  const bool creating = s == nullptr;
  if (!creating) {
    if (auto checked = CheckLength(ctx, /*create=*/true); !checked) {
      return std::move(checked).failure();
    }
  }
  auto id = ParseGroupId(ctx, s, /*setid=*/false);
  if (!id || !creating) return id;
  if (auto checked = CheckLength(ctx, /*create=*/true); !checked) {
    return std::move(checked).failure();
  }
  return id;
}

// XGROUP CREATE key group <id|$> [MKSTREAM] [ENTRIESREAD n]
void XGroupCreate(CommandContext& ctx) {
  auto opts = ParsePositionOptions(ctx, /*create=*/true);
  if (!opts) return ctx.reply.Error(opts.error());
  auto found = FindStream(ctx, ctx.arg(2));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr && !opts->mkstream) return ctx.reply.Error(err::kXGroupKeyMissing);
  auto id = CreatePosition(ctx, s);
  if (!id) return ctx.reply.Error(id.error());
  if (s == nullptr) s = &ctx.db().Set(ctx.arg(2), Value::NewStream()).stream();
  streams::ConsumerGroup* g = s->CreateGroup(ctx.arg(3), *id, EntriesReadFor(*opts, *s));
  if (g == nullptr) return ctx.reply.Error(err::kBusyGroup);
  std::vector<std::string> record{"XGROUP", "CREATE", std::string(ctx.arg(2)),
                                  std::string(ctx.arg(3)), g->last_id().ToString()};
  if (opts->mkstream) record.emplace_back("MKSTREAM");
  record.emplace_back("ENTRIESREAD");
  record.push_back(std::to_string(g->entries_read()));
  ctx.server.propagation.Add(std::move(record));
  ctx.reply.Simple("OK");
  Notify(ctx, kNotifyStream, "xgroup-create", ctx.arg(2));
}

// XGROUP SETID key group <id|$> [ENTRIESREAD n]: moves the group; its PEL stays as it is.
void XGroupSetId(CommandContext& ctx) {
  auto opts = ParsePositionOptions(ctx, /*create=*/false);
  if (!opts) return ctx.reply.Error(opts.error());
  auto target = ExistingGroup(ctx);
  if (!target) return ctx.reply.Error(target.error());
  if (auto checked = CheckLength(ctx, /*create=*/false); !checked) {
    return ctx.reply.Error(checked.error());
  }
  auto id = ParseGroupId(ctx, target->stream, /*setid=*/true);
  if (!id) return ctx.reply.Error(id.error());
  streams::ConsumerGroup& g = *target->group;
  g.SetPosition(*id, EntriesReadFor(*opts, *target->stream));
  const Record position = PositionRecord(ctx.arg(2), ctx.arg(3), g);
  ctx.server.propagation.AddEncoded(position.argc(), position.body());
  ctx.reply.Simple("OK");
  Notify(ctx, kNotifyStream, "xgroup-setid", ctx.arg(2));
}

// XGROUP DESTROY key group: 1 when there was such a group. Clients blocked in XREADGROUP on it
// are offered the key by the dispatcher (this is a write) and find the group gone.
void XGroupDestroy(CommandContext& ctx) {
  auto s = ExistingStream(ctx);
  if (!s) return ctx.reply.Error(s.error());
  const bool destroyed = (*s)->DestroyGroup(ctx.arg(3));
  if (!destroyed) ctx.server.propagation.Suppress();
  ctx.reply.Integer(destroyed ? 1 : 0);
  if (destroyed) Notify(ctx, kNotifyStream, "xgroup-destroy", ctx.arg(2));
}

// XGROUP CREATECONSUMER key group consumer: 1 when created, 0 when it already existed.
void XGroupCreateConsumer(CommandContext& ctx) {
  auto target = ExistingGroup(ctx);
  if (!target) return ctx.reply.Error(target.error());
  const bool created = target->group->GetOrCreateConsumer(ctx.arg(4), ctx.now_ms).second;
  if (!created) ctx.server.propagation.Suppress();
  ctx.reply.Integer(created ? 1 : 0);
  if (created) Notify(ctx, kNotifyStream, "xgroup-createconsumer", ctx.arg(2));
}

// XGROUP DELCONSUMER key group consumer: how many entries the consumer had pending (they leave
// the group's PEL with it); 0 when there is no such consumer.
void XGroupDelConsumer(CommandContext& ctx) {
  auto target = ExistingGroup(ctx);
  if (!target) return ctx.reply.Error(target.error());
  const std::optional<size_t> pending = target->group->DeleteConsumer(ctx.arg(4));
  if (!pending) ctx.server.propagation.Suppress();
  ctx.reply.Integer(static_cast<int64_t>(pending.value_or(0)));
  if (pending) Notify(ctx, kNotifyStream, "xgroup-delconsumer", ctx.arg(2));
}

// XGROUP SETPOLICY key group [ACK-TIMEOUT ms] [BACKOFF ms [ms ...] | BACKOFF-EXP base max]
// [MAX-DELIVERIES n] [DEAD-LETTER key]: replaces the group's whole policy (no options: clears
// it, and the server default applies again). Options are read before the key is looked up, as
// SETID reads its own. Deterministic, so the AOF gets the call as sent, unless it changed
// nothing.
void XGroupSetPolicy(CommandContext& ctx) {
  auto policy = ParsePolicyOptions(ctx.argv.subspan(4), ctx.arg(2));
  if (!policy) return ctx.reply.Error(policy.error());
  auto target = ExistingGroup(ctx);
  if (!target) return ctx.reply.Error(target.error());
  streams::ConsumerGroup& g = *target->group;
  ctx.reply.Simple("OK");
  if (g.policy() == *policy) ctx.server.propagation.Suppress();
  g.set_policy(std::move(*policy));
  // The pending entries' due times follow the new policy (recomputed on replay too).
  GroupDue due(ctx.server.config, g);
  due.RescheduleAll();
  due.Commit(ctx.server, ctx.client.db_index, ctx.arg(2), ctx.arg(3));
}

// XGROUP SETCOUNTERS key group REDELIVERED n DEAD-LETTERED n (Runnel's): sets the delivery
// policy's counters XINFO shows. It is how the AOF keeps them (the policy's actions are
// recorded as the plain commands they came to, which do not count).
void XGroupSetCounters(CommandContext& ctx) {
  if (ctx.argc() != 8 || !EqualsIgnoreCase(ctx.arg(4), "REDELIVERED") ||
      !EqualsIgnoreCase(ctx.arg(6), "DEAD-LETTERED")) {
    return ctx.reply.Error(err::kSyntax);
  }
  auto redelivered = Int64Arg(ctx, 5);
  if (!redelivered) return ctx.reply.Error(redelivered.error());
  auto dead_lettered = Int64Arg(ctx, 7);
  if (!dead_lettered) return ctx.reply.Error(dead_lettered.error());
  if (*redelivered < 0 || *dead_lettered < 0) return ctx.reply.Error(err::kSetCountersNegative);
  auto target = ExistingGroup(ctx);
  if (!target) return ctx.reply.Error(target.error());
  ctx.reply.Simple("OK");
  target->group->counters().redelivered = static_cast<uint64_t>(*redelivered);
  target->group->counters().dead_lettered = static_cast<uint64_t>(*dead_lettered);
}

// XGROUP GETPOLICY key group: the policy the group runs under (its own, the server default, or
// none) as a map: ack-timeout, backoff (list, [] when none), backoff-exp ([base, max] or nil),
// max-deliveries, dead-letter (the stream dead letters would go to) and source.
void XGroupGetPolicy(CommandContext& ctx) {
  auto target = ExistingGroup(ctx);
  if (!target) return ctx.reply.Error(target.error());
  const Config& config = ctx.server.config;
  const streams::DeliveryPolicy& p = EffectivePolicy(config, *target->group);
  resp::Writer& w = ctx.reply;
  w.Map(6);
  w.Bulk("ack-timeout");
  w.Integer(p.ack_timeout_ms);
  w.Bulk("backoff");
  w.Array(p.backoff_ms.size());
  for (int64_t ms : p.backoff_ms) w.Integer(ms);
  w.Bulk("backoff-exp");
  if (p.backoff_exp_base_ms > 0) {
    w.Array(2);
    w.Integer(p.backoff_exp_base_ms);
    w.Integer(p.backoff_exp_max_ms);
  } else {
    w.NullArray();
  }
  w.Bulk("max-deliveries");
  w.Integer(static_cast<int64_t>(p.max_deliveries));
  w.Bulk("dead-letter");
  w.Bulk(DeadLetterKey(config, p, ctx.arg(2)));
  w.Bulk("source");
  w.Bulk(PolicySourceName(EffectivePolicySource(config, *target->group)));
}

void XGroupHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

// In the order Redis 7.0.15's COMMAND INFO lists them, then Runnel's own. HELP stays Redis's
// text (clients and the compat suite compare it); SETPOLICY/GETPOLICY are in COMMAND DOCS.
constexpr CommandSpec kXGroupSubcommands[] = {
    {"createconsumer", 5, kWrite | kDenyOom, 2, 2, 1, XGroupCreateConsumer,
     "Create a consumer in a consumer group.", "6.2.0", "stream",
     {"O(1)", "key groupname consumername", "", "RW insert"}},
    {"delconsumer", 5, kWrite, 2, 2, 1, XGroupDelConsumer,
     "Delete a consumer from a consumer group.", "5.0.0", "stream",
     {"O(1)", "key groupname consumername", "", "RW delete"}},
    {"create", -5, kWrite | kDenyOom, 2, 2, 1, XGroupCreate, "Create a consumer group.", "5.0.0",
     "stream",
     {"O(1)", "key groupname (id=id|(new_id=$)) [MKSTREAM] [ENTRIESREAD entries_read:integer]", "",
      "RW insert"}},
    {"destroy", 4, kWrite, 2, 2, 1, XGroupDestroy, "Destroy a consumer group.", "5.0.0", "stream",
     {"O(N) where N is the number of entries in the group's pending entries list (PEL).",
      "key groupname", "", "RW delete"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, XGroupHelp,
     "Show helpful text about the different subcommands", "5.0.0", "stream", {"O(1)"}},
    {"setid", -5, kWrite, 2, 2, 1, XGroupSetId,
     "Set a consumer group to an arbitrary last delivered ID value.", "5.0.0", "stream",
     {"O(1)", "key groupname (id=id|(new_id=$)) [ENTRIESREAD entries_read:integer]", "",
      "RW update"}},
    {"setpolicy", -4, kWrite, 2, 2, 1, XGroupSetPolicy,
     "Set or clear a consumer group's delivery policy (Runnel).", "0.1.0", "stream",
     {"O(1)", "key groupname [ACK-TIMEOUT ack-timeout:integer] [backoff=BACKOFF "
      "milliseconds:integer...|BACKOFF-EXP (exponential=base-milliseconds:integer "
      "max-milliseconds:integer)] [MAX-DELIVERIES max-deliveries:integer] [DEAD-LETTER "
      "dead-letter-key]", "", "RW update"}},
    {"getpolicy", 4, kReadOnly, 2, 2, 1, XGroupGetPolicy,
     "Get the delivery policy a consumer group runs under (Runnel).", "0.1.0", "stream",
     {"O(1)", "key groupname"}},
    {"setcounters", 8, kWrite, 2, 2, 1, XGroupSetCounters,
     "Set a consumer group's delivery policy counters (Runnel; used by the AOF).", "0.1.0",
     "stream",
     {"O(1)", "key groupname REDELIVERED redelivered:integer DEAD-LETTERED dead-lettered:integer",
      "", "RW update"}},
};

constexpr CommandSpec kStreamGroupRows[] = {
    {"xgroup", -2, 0, 0, 0, 0, nullptr, "A container for consumer groups commands", "5.0.0",
     "stream", {}, kXGroupSubcommands},
};

}  // namespace

std::span<const CommandSpec> StreamGroupRows() { return kStreamGroupRows; }

}  // namespace server
