// Server commands: COMMAND, INFO, CONFIG, DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN...
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

void DbSize(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db().size())); }

void Shutdown(CommandContext& ctx) {
  ctx.server.shutdown_requested = true;
  ctx.client.close_after_reply = true;
}

constexpr CommandSpec kServerCommands[] = {
    {"dbsize", 1, kReadOnly | kFast, 0, 0, 0, DbSize,
     "Returns the number of keys in the database.", "1.0.0", "server"},
    {"shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kNoAuth | kAllowBusy, 0, 0, 0,
     Shutdown, "Synchronously saves the database(s) to disk and shuts down the Redis server.",
     "1.0.0", "server"},
};

}  // namespace

std::span<const CommandSpec> ServerCommands() { return kServerCommands; }

}  // namespace server
