// Generic key commands: the family's CommandSpec table, and the commands that act on whole
// keys (DEL, EXISTS, TYPE, RENAME, COPY...). Expiry lives in expire.cc, iteration in scan.cc,
// OBJECT and MOVE in object.cc.
#include "src/commands/registry.h"
#include "src/command_table.h"
#include "src/commands/keys/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

void Del(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    if (!ctx.db().Delete(ctx.arg(i), ctx.now_ms)) continue;
    n++;
    Notify(ctx, kNotifyGeneric, "del", ctx.arg(i));
  }
  // Deleting only missing keys changed nothing; otherwise the call replays as it is.
  if (n == 0) ctx.server.propagation.Suppress();
  ctx.reply.Integer(n);
}

// EXISTS and TOUCH count a key once per time it is named.
void Exists(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) n += LookupRead(ctx, ctx.arg(i)) ? 1 : 0;
  ctx.reply.Integer(n);
}

void Type(CommandContext& ctx) {
  Value* v = LookupRead(ctx, ctx.arg(1));
  ctx.reply.Simple(v ? v->TypeName() : "none");
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  Db& db = ctx.db();
  std::string_view from = ctx.arg(1);
  std::string_view to = ctx.arg(2);
  if (!db.Exists(from, ctx.now_ms)) return ctx.reply.Error(err::kNoSuchKey);
  if (from == to || (nx && db.Exists(to, ctx.now_ms))) {
    ctx.server.propagation.Suppress();  // nothing moved
    return from == to && !nx ? ctx.reply.Ok() : ctx.reply.Integer(0);
  }
  // Redis deletes an existing destination, then adds the key: "new" fires, not "overwritten".
  if (!nx) db.Delete(to, ctx.now_ms);
  db.Rename(from, to);
  ArmMovedStream(ctx, ctx.client.db_index, to);
  Notify(ctx, kNotifyGeneric, "rename_from", from);
  Notify(ctx, kNotifyGeneric, "rename_to", to);
  nx ? ctx.reply.Integer(1) : ctx.reply.Ok();
}
void Rename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

void RandomKey(CommandContext& ctx) {
  std::string key;
  if (!ctx.db().RandomKey(ctx.now_ms, key)) return ctx.reply.Null();
  ctx.reply.Bulk(key);
}

// COPY source destination [DB index] [REPLACE]
void Copy(CommandContext& ctx) {
  int64_t dest_index = ctx.client.db_index;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "DB") && i + 1 < ctx.argc()) {
      auto n = Int64Arg(ctx, ++i);
      if (!n) return ctx.reply.Error(n.error());
      // Redis reads the index as a C int, with an error of its own for wider values.
      if (*n < INT32_MIN || *n > INT32_MAX) return ctx.reply.Error(err::kIntOutOfRange);
      dest_index = *n;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (dest_index < 0 || dest_index >= static_cast<int64_t>(ctx.server.dbs.size())) {
    return ctx.reply.Error(err::kDbIndexOutOfRange);
  }
  std::string_view from = ctx.arg(1);
  std::string_view to = ctx.arg(2);
  if (dest_index == ctx.client.db_index && from == to) return ctx.reply.Error(err::kSameObject);

  Db& src = ctx.db();
  Db& dest = *ctx.server.dbs[static_cast<size_t>(dest_index)];
  Value* v = LookupRead(ctx, from);
  if (v == nullptr || (!replace && dest.Exists(to, ctx.now_ms))) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  int64_t at = src.GetExpire(from);
  // As RENAME: an existing destination is deleted, then the copy added ("new", not
  // "overwritten").
  if (replace) dest.Delete(to, ctx.now_ms);
  dest.Set(to, Value(*v));
  if (at != kNoExpire) dest.SetExpire(to, at);
  ctx.server.blocking.SignalKeyReady(static_cast<int>(dest_index), to);
  ArmMovedStream(ctx, static_cast<int>(dest_index), to);
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "copy_to", to, static_cast<int>(dest_index));
  ctx.reply.Integer(1);
}

void Touch(CommandContext& ctx) { Exists(ctx); }

constexpr CommandSpec kObjectSubcommands[] = {
    {"encoding", 3, kReadOnly, 2, 2, 1, keys::ObjectEncoding,
     "Returns the internal encoding of a Redis object.", "2.2.3", "generic",
     {"O(1)", "key", "", "RO"}},
    {"freq", 3, kReadOnly, 2, 2, 1, keys::ObjectFreq,
     "Returns the logarithmic access frequency counter of a Redis object.", "4.0.0", "generic",
     {"O(1)", "key", "", "RO"}},
    {"idletime", 3, kReadOnly, 2, 2, 1, keys::ObjectIdleTime,
     "Returns the time since the last access to a Redis object.", "2.2.3", "generic",
     {"O(1)", "key", "", "RO"}},
    {"refcount", 3, kReadOnly, 2, 2, 1, keys::ObjectRefCount,
     "Returns the reference count of a value of a key.", "2.2.3", "generic",
     {"O(1)", "key", "", "RO"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, keys::ObjectHelp,
     "Returns helpful text about the different subcommands.", "6.2.0", "generic", {"O(1)"}},
};

constexpr CommandSpec kKeyCommands[] = {
    {"move", 3, kWrite | kFast, 1, 1, 1, keys::Move, "Move a key to another database", "1.0.0",
     "generic", {"O(1)", "key db:integer", "", "RW access delete"}},
    {"object", -2, 0, 0, 0, 0, nullptr, "A container for object introspection commands", "2.2.3",
     "generic", {}, kObjectSubcommands},
    {"del", -2, kWrite, 1, -1, 1, Del, "Delete a key", "1.0.0", "generic",
     {"O(N) where N is the number of keys that will be removed.", "key...",
      "request_policy:multi_shard response_policy:agg_sum", "RM delete"}},
    {"unlink", -2, kWrite | kFast, 1, -1, 1, Del, "Delete a key asynchronously in another thread. "
     "Otherwise it is just as DEL, but non blocking.", "4.0.0", "generic",
     {"O(1) for each key removed regardless of its size.", "key...",
      "request_policy:multi_shard response_policy:agg_sum", "RM delete"}},
    {"exists", -2, kReadOnly | kFast, 1, -1, 1, Exists, "Determine if a key exists", "1.0.0",
     "generic",
     {"O(N) where N is the number of keys to check.", "key...",
      "request_policy:multi_shard response_policy:agg_sum", "RO"}},
    {"type", 2, kReadOnly | kFast, 1, 1, 1, Type, "Determine the type stored at key", "1.0.0",
     "generic", {"O(1)", "key", "", "RO"}},
    {"expire", -3, kWrite | kFast, 1, 1, 1, keys::Expire, "Set a key's time to live in seconds",
     "1.0.0", "generic", {"O(1)", "key seconds:integer [condition=NX|XX|GT|LT]", "", "RW update"}},
    {"pexpire", -3, kWrite | kFast, 1, 1, 1, keys::PExpire,
     "Set a key's time to live in milliseconds", "2.6.0", "generic",
     {"O(1)", "key milliseconds:integer [condition=NX|XX|GT|LT]", "", "RW update"}},
    {"expireat", -3, kWrite | kFast, 1, 1, 1, keys::ExpireAt,
     "Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic",
     {"O(1)", "key unix-time-seconds:unix-time [condition=NX|XX|GT|LT]", "", "RW update"}},
    {"pexpireat", -3, kWrite | kFast, 1, 1, 1, keys::PExpireAt,
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
     "generic",
     {"O(1)", "key unix-time-milliseconds:unix-time [condition=NX|XX|GT|LT]", "", "RW update"}},
    {"ttl", 2, kReadOnly | kFast, 1, 1, 1, keys::Ttl, "Get the time to live for a key in seconds",
     "1.0.0", "generic", {"O(1)", "key", "", "RO access"}},
    {"pttl", 2, kReadOnly | kFast, 1, 1, 1, keys::PTtl,
     "Get the time to live for a key in milliseconds", "2.6.0", "generic",
     {"O(1)", "key", "", "RO access"}},
    {"expiretime", 2, kReadOnly | kFast, 1, 1, 1, keys::ExpireTime,
     "Get the expiration Unix timestamp for a key", "7.0.0", "generic",
     {"O(1)", "key", "", "RO access"}},
    {"pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, keys::PExpireTime,
     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic",
     {"O(1)", "key", "", "RO access"}},
    {"persist", 2, kWrite | kFast, 1, 1, 1, keys::Persist, "Remove the expiration from a key",
     "2.2.0", "generic", {"O(1)", "key", "", "RW update"}},
    {"keys", 2, kReadOnly, 0, 0, 0, keys::Keys, "Find all keys matching the given pattern", "1.0.0",
     "generic",
     {"O(N) with N being the number of keys in the database.", "pattern:pattern",
      "request_policy:all_shards nondeterministic_output_order", "", "@dangerous"}},
    {"scan", -2, kReadOnly, 0, 0, 0, keys::Scan, "Incrementally iterate the keys space", "2.8.0",
     "generic",
     {"O(1) for every call. O(N) for a complete iteration.",
      "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]",
      "nondeterministic_output request_policy:special response_policy:special"}},
    {"rename", 3, kWrite, 1, 2, 1, Rename, "Rename a key", "1.0.0", "generic",
     {"O(1)", "key newkey:key", "", "RW access delete|OW update"}},
    {"renamenx", 3, kWrite | kFast, 1, 2, 1, RenameNx,
     "Rename a key, only if the new key does not exist", "1.0.0", "generic",
     {"O(1)", "key newkey:key", "", "RW access delete|OW insert"}},
    {"randomkey", 1, kReadOnly, 0, 0, 0, RandomKey, "Return a random key from the keyspace",
     "1.0.0", "generic",
     {"O(1)", "", "request_policy:all_shards response_policy:special nondeterministic_output"}},
    {"copy", -3, kWrite | kDenyOom, 1, 2, 1, Copy, "Copy a key", "6.2.0", "generic",
     {"O(N) worst case for collections, where N is the number of nested items. O(1) for string "
      "values.", "source:key destination:key [DB destination-db:integer] [REPLACE]", "",
      "RO access|OW update"}},
    {"touch", -2, kReadOnly | kFast, 1, -1, 1, Touch,
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "3.2.1", "generic",
     {"O(N) where N is the number of keys that will be touched.", "key...",
      "request_policy:multi_shard response_policy:agg_sum", "RO"}},
};

}  // namespace

std::span<const CommandSpec> KeyRows() { return kKeyCommands; }

}  // namespace server
