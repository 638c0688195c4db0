// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing itself happens in Dispatch;
// WATCH relies on Db::Touch marking the watch flag of every client watching a modified key.
#include "src/commands/registry.h"
#include "src/command_table.h"
#include "src/dispatch.h"
#include "src/errors.h"
#include "src/transactions.h"

namespace server {

namespace {

void Multi(CommandContext& ctx) {
  if (ctx.client.in_multi) return ctx.reply.Error(err::kMultiNested);
  BeginTransaction(ctx.client);
  ctx.reply.Ok();
}

void Exec(CommandContext& ctx) {
  Client& c = ctx.client;
  if (!c.in_multi) return ctx.reply.Error(err::kExecWithoutMulti);
  if (c.multi_error) {
    EndTransaction(ctx.server, c);
    return ctx.reply.Error(err::kExecAbort);
  }
  // A watched key that expired since WATCH counts as modified (Redis 7): looking it up
  // deletes it, and the deletion marks every watcher.
  ExpireWatchedKeys(ctx.server, c, ctx.now_ms);
  if (c.watch_dirty) {
    EndTransaction(ctx.server, c);
    return ctx.reply.NullArray();
  }
  std::vector<QueuedCommand> queue = std::move(c.multi_queue);
  // Watches end when EXEC starts: the transaction's own writes must not flag anything.
  EndTransaction(ctx.server, c);
  ctx.reply.Array(queue.size());
  Propagation& propagation = ctx.server.propagation;
  const size_t first_record = propagation.size();
  std::vector<std::string_view> argv;
  for (const QueuedCommand& q : queue) {
    argv.assign(q.argv.begin(), q.argv.end());
    auto resolved = Resolve(*ctx.server.commands, argv);
    if (!resolved) {
      ctx.reply.Error(resolved.error());
      continue;
    }
    // Permissions are checked again: they may have changed since the command was queued.
    auto allowed = CheckAcl(ctx.server, c, **resolved, argv, "multi");
    if (!allowed) {
      ctx.reply.Error(allowed.error());
      continue;
    }
    Execute(ctx.server, c, **resolved, argv, ctx.reply);
  }
  // A single record is atomic as it is and stays bare.
  propagation.WrapInTransaction(first_record);
}

void Discard(CommandContext& ctx) {
  if (!ctx.client.in_multi) return ctx.reply.Error(err::kDiscardWithoutMulti);
  EndTransaction(ctx.server, ctx.client);
  ctx.reply.Ok();
}

void Watch(CommandContext& ctx) {
  if (ctx.client.in_multi) return ctx.reply.Error(err::kWatchInMulti);
  for (size_t i = 1; i < ctx.argc(); i++) {
    WatchKey(ctx.server, ctx.client, ctx.arg(i), ctx.now_ms);
  }
  ctx.reply.Ok();
}

void Unwatch(CommandContext& ctx) {
  UnwatchAll(ctx.server, ctx.client);
  ctx.reply.Ok();
}

constexpr CommandSpec kTransactionCommands[] = {
    {"multi", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy | kMultiImmediate, 0, 0, 0,
     Multi, "Starts a transaction.", "1.2.0", "transactions", {"O(1)"}},
    {"exec", 1, kNoScript | kLoading | kStale | kSkipSlowlog | kMultiImmediate, 0, 0, 0, Exec,
     "Executes all commands in a transaction.", "1.2.0", "transactions",
     {"Depends on commands in the transaction"}},
    {"discard", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy | kMultiImmediate, 0, 0, 0,
     Discard, "Discards a transaction.", "2.0.0", "transactions",
     {"O(N), when N is the number of queued commands"}},
    {"watch", -2, kNoScript | kLoading | kStale | kFast | kAllowBusy | kMultiImmediate, 1, -1, 1,
     Watch, "Monitors changes to keys to determine the execution of a transaction.", "2.2.0",
     "transactions", {"O(1) for every key.", "key...", "", "RO"}},
    {"unwatch", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy, 0, 0, 0, Unwatch,
     "Forgets about watched keys of a transaction.", "2.2.0", "transactions", {"O(1)"}},
};

}  // namespace

std::span<const CommandSpec> TransactionRows() { return kTransactionCommands; }

}  // namespace server
