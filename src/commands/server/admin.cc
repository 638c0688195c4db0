// Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, LASTSAVE, SHUTDOWN. COMMAND, INFO and CONFIG
// have files of their own (src/commands/registry.h lists them).
#include "src/commands/registry.h"
#include "src/commands/server/admin.h"

#include <cctype>
#include <vector>

#include "src/commands/server/command_docs.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

void DbSize(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db().size())); }

// FLUSHDB/FLUSHALL take an optional ASYNC or SYNC: ASYNC empties the keyspace at once and
// leaves the freeing to the lazy-free thread; SYNC (and no argument, as Redis's default
// lazyfree-lazy-user-flush no) frees before replying. True for ASYNC.
Result<bool> ParseFlushMode(const CommandContext& ctx) {
  if (ctx.argc() == 1) return false;
  if (ctx.argc() == 2 && EqualsIgnoreCase(ctx.arg(1), "ASYNC")) return true;
  if (ctx.argc() == 2 && EqualsIgnoreCase(ctx.arg(1), "SYNC")) return false;
  return Failure(err::kSyntax);
}

void FlushDb(CommandContext& ctx) {
  auto async = ParseFlushMode(ctx);
  if (!async) return ctx.reply.Error(async.error());
  if (*async) {
    ctx.db().FlushAsync();
  } else {
    ctx.db().Flush();
  }
  TrackingInvalidateAll(ctx.server);  // the tracking table knows no dbs: all of it goes
  ctx.server.blocking.SignalDbFlushed(ctx.client.db_index);
  ctx.reply.Ok();
}

void FlushAll(CommandContext& ctx) {
  auto async = ParseFlushMode(ctx);
  if (!async) return ctx.reply.Error(async.error());
  for (auto& db : ctx.server.dbs) {
    if (*async) {
      db->FlushAsync();
    } else {
      db->Flush();
    }
  }
  TrackingInvalidateAll(ctx.server);
  ctx.server.blocking.SignalDbFlushed(-1);
  ctx.reply.Ok();
}

void Time(CommandContext& ctx) {
  const int64_t us = ctx.now_us();
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::to_string(us / 1000000));
  ctx.reply.Bulk(std::to_string(us % 1000000));
}

// Nothing is ever snapshotted, so the last "save" is when the server started, as Redis
// reports for a server that has not saved yet.
void LastSave(CommandContext& ctx) { ctx.reply.Integer(ctx.server.start_ms / 1000); }

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. There is no RDB to save and no replica to
// wait for, so every accepted form shuts down at once; the connection closes without a reply.
void Shutdown(CommandContext& ctx) {
  bool save = false, nosave = false, abort = false, other = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    std::string_view a = ctx.arg(i);
    if (EqualsIgnoreCase(a, "NOSAVE")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "SAVE")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "NOW") || EqualsIgnoreCase(a, "FORCE")) {
      other = true;
    } else if (EqualsIgnoreCase(a, "ABORT")) {
      abort = true;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if ((save && nosave) || (abort && (save || nosave || other))) {
    return ctx.reply.Error(err::kSyntax);
  }
  if (abort) return ctx.reply.Error(err::kNoShutdownInProgress);
  if (ctx.server.script_busy) {
    // Only SHUTDOWN NOSAVE stops a busy script (and the server at once, as Redis).
    if (!nosave) return ctx.reply.Error(err::kBusyScript);
    ctx.server.script_kill_requested = true;
  }
  ctx.server.shutdown_requested = true;
  ctx.client.close_after_reply = true;
}

constexpr CommandSpec kServerCommands[] = {
    {"dbsize", 1, kReadOnly | kFast, 0, 0, 0, DbSize, "Returns the number of keys in the database.",
     "1.0.0", "server",
     {"O(1)", "", "request_policy:all_shards response_policy:agg_sum", "", "@keyspace"}},
    {"flushdb", -1, kWrite, 0, 0, 0, FlushDb, "Remove all keys from the current database.", "1.0.0",
     "server",
     {"O(N) where N is the number of keys in the selected database", "[flush-type=ASYNC|SYNC]",
      "request_policy:all_shards response_policy:all_succeeded", "", "@keyspace @dangerous"}},
    {"flushall", -1, kWrite, 0, 0, 0, FlushAll, "Removes all keys from all databases.", "1.0.0",
     "server",
     {"O(N) where N is the total number of keys in all databases", "[flush-type=ASYNC|SYNC]",
      "request_policy:all_shards response_policy:all_succeeded", "", "@keyspace @dangerous"}},
    {"time", 1, kLoading | kStale | kFast, 0, 0, 0, Time, "Returns the server time.", "2.6.0",
     "server", {"O(1)", "", "nondeterministic_output"}},
    {"lastsave", 1, kLoading | kStale | kFast | kAdmin, 0, 0, 0, LastSave,
     "Returns the Unix timestamp of the last successful save to disk.", "1.0.0", "server",
     {"O(1)", "", "nondeterministic_output", "", "@dangerous"}},
    {"shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kNoAuth | kAllowBusy, 0, 0, 0,
     Shutdown, "Synchronously saves the database(s) to disk and shuts down the Redis server.",
     "1.0.0", "server",
     {"O(N) when saving, where N is the total number of keys in all databases",
      "[save-selector=NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"}},
};

}  // namespace

std::span<const CommandSpec> ServerAdminRows() { return kServerCommands; }

}  // namespace server
