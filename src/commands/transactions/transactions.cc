// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing itself happens in Dispatch;
// WATCH relies on Db::Touch marking the watch flag of every client watching a modified key.
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/dispatch.h"
#include "src/errors.h"

namespace server {

namespace {

void Multi(CommandContext& ctx) {
  if (ctx.client.in_multi) return ctx.reply.Error(err::kMultiNested);
  ctx.client.in_multi = true;
  ctx.client.multi_error = false;
  ctx.client.multi_queue.clear();
  ctx.reply.Ok();
}

void Exec(CommandContext& ctx) {
  Client& c = ctx.client;
  if (!c.in_multi) return ctx.reply.Error(err::kExecWithoutMulti);
  if (c.multi_error) {
    DiscardTransaction(ctx.server, c);
    UnwatchAll(ctx.server, c);
    return ctx.reply.Error(err::kExecAbort);
  }
  // A watched key that expired since WATCH counts as modified (Redis 7): looking it up
  // deletes it, and the deletion marks every watcher.
  for (const auto& [db, key] : c.watched) {
    ctx.server.dbs[static_cast<size_t>(db)]->Find(key, ctx.now_ms);
  }
  if (c.watch_dirty) {
    DiscardTransaction(ctx.server, c);
    UnwatchAll(ctx.server, c);
    return ctx.reply.NullArray();
  }
  std::vector<QueuedCommand> queue = std::move(c.multi_queue);
  DiscardTransaction(ctx.server, c);
  // Watches end when EXEC starts: the transaction's own writes must not flag anything.
  UnwatchAll(ctx.server, c);
  ctx.reply.Array(queue.size());
  Propagation& propagation = ctx.server.propagation;
  const size_t first_record = propagation.size();
  std::vector<std::string_view> argv;
  for (const QueuedCommand& q : queue) {
    argv.assign(q.argv.begin(), q.argv.end());
    std::string error;
    const CommandSpec* spec = Resolve(*ctx.server.commands, argv, error);
    if (spec == nullptr) {
      ctx.reply.Error(error);
      continue;
    }
    Execute(ctx.server, c, *spec, argv, ctx.reply);
  }
  // As Redis 7.0 propagates a transaction: what its commands recorded is wrapped in MULTI/EXEC
  // so a replay applies it all or nothing; a single record is atomic as it is and stays bare.
  // MULTI takes the first record's db and EXEC the last one's, so no SELECT comes between.
  const size_t end = propagation.size();
  if (end - first_record > 1) {
    const int last_db = propagation.records()[end - 1].db;
    propagation.InsertAt(first_record, propagation.records()[first_record].db, {"MULTI"});
    propagation.AddOutside(last_db, {"EXEC"});
  }
}

void Discard(CommandContext& ctx) {
  if (!ctx.client.in_multi) return ctx.reply.Error(err::kDiscardWithoutMulti);
  DiscardTransaction(ctx.server, ctx.client);
  UnwatchAll(ctx.server, ctx.client);
  ctx.reply.Ok();
}

void Watch(CommandContext& ctx) {
  if (ctx.client.in_multi) return ctx.reply.Error(err::kWatchInMulti);
  Client& c = ctx.client;
  for (size_t i = 1; i < ctx.argc(); i++) {
    std::pair<int, std::string> entry{c.db_index, std::string(ctx.arg(i))};
    bool known = false;
    for (const auto& w : c.watched) known = known || w == entry;
    if (known) continue;
    // A key already expired is gone before we watch it, so its deletion is not a change.
    ctx.db().Find(entry.second, ctx.now_ms);
    ctx.db().Watch(entry.second, &c.watch_dirty);
    c.watched.push_back(std::move(entry));
  }
  ctx.reply.Ok();
}

void Unwatch(CommandContext& ctx) {
  UnwatchAll(ctx.server, ctx.client);
  ctx.reply.Ok();
}

constexpr CommandSpec kTransactionCommands[] = {
    {"multi", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy | kMultiImmediate, 0, 0, 0,
     Multi, "Starts a transaction.", "1.2.0", "transactions"},
    {"exec", 1, kNoScript | kLoading | kStale | kSkipMonitor | kMultiImmediate, 0, 0, 0, Exec,
     "Executes all commands in a transaction.", "1.2.0", "transactions"},
    {"discard", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy | kMultiImmediate, 0, 0, 0,
     Discard, "Discards a transaction.", "2.0.0", "transactions"},
    {"watch", -2, kNoScript | kLoading | kStale | kFast | kAllowBusy | kMultiImmediate, 1, -1, 1,
     Watch, "Monitors changes to keys to determine the execution of a transaction.", "2.2.0",
     "transactions"},
    {"unwatch", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy, 0, 0, 0, Unwatch,
     "Forgets about watched keys of a transaction.", "2.2.0", "transactions"},
};

}  // namespace

std::span<const CommandSpec> TransactionCommands() { return kTransactionCommands; }

}  // namespace server
