// BGREWRITEAOF: asks the server to rewrite the append-only file in the background
// (src/aof_rewrite.h). The handler only schedules it; the server forks at the check point that
// ends this loop iteration, once every write before it has been handed to the AOF.
#include "src/commands/registry.h"
#include "src/command_table.h"
#include "src/errors.h"

namespace server {

namespace {

// Replies as Redis 7.0 does: an error while a rewrite runs (or is about to start), "scheduled"
// inside a transaction, "started" otherwise. A fork that then fails is only logged, and shows
// as aof_last_bgrewrite_status:err (Redis, forking inside the command, replies an error).
void BgRewriteAof(CommandContext& ctx) {
  AofRewriteStats& rw = ctx.server.aof_rewrite;
  if (rw.in_progress || rw.scheduled) return ctx.reply.Error(err::kAofRewriteInProgress);
  rw.scheduled = true;
  rw.consecutive_failures = 0;
  if (ctx.client.command_depth > 1) {
    return ctx.reply.Simple("Background append only file rewriting scheduled");
  }
  ctx.reply.Simple("Background append only file rewriting started");
}

constexpr CommandSpec kAofAdminRows[] = {
    {"bgrewriteaof", 1, kAdmin | kNoScript | kNoAsyncLoading, 0, 0, 0, BgRewriteAof,
     "Asynchronously rewrite the append-only file", "1.0.0", "server", {"O(1)"}},
};

}  // namespace

std::span<const CommandSpec> AofAdminRows() { return kAofAdminRows; }

}  // namespace server
