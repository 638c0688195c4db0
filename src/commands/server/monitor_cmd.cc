// MONITOR: turns the connection into a monitor (src/monitor.h has what it is shown). Like
// Redis: a second MONITOR is ignored without a reply, MONITOR inside EXEC is refused, and RESET
// (or closing) ends it.
#include "src/commands/registry.h"
#include "src/errors.h"
#include "src/monitor.h"

namespace server {

namespace {

void Monitor(CommandContext& ctx) {
  if (ctx.client.command_depth > 1) return ctx.reply.Error(err::kMonitorDenyBlocking);
  if (ctx.client.monitor || ctx.client.is_replica) return;  // no reply, as Redis
  StartMonitoring(ctx.server, ctx.client);
  ctx.reply.Ok();
}

constexpr CommandSpec kMonitorRows[] = {
    {"monitor", 1, kAdmin | kNoScript | kLoading | kStale, 0, 0, 0, Monitor,
     "Listens for all requests received by the server in real-time.", "1.0.0", "server"},
};

}  // namespace

std::span<const CommandSpec> MonitorRows() { return kMonitorRows; }

}  // namespace server
