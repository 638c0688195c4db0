// Generic key commands: DEL, EXISTS, TYPE, TTL family, SCAN, RENAME...
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

void Del(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) n += ctx.db().Delete(ctx.arg(i), ctx.now_ms) ? 1 : 0;
  ctx.reply.Integer(n);
}

constexpr CommandSpec kKeyCommands[] = {
    {"del", -2, kWrite, 1, -1, 1, Del, "Deletes one or more keys.", "1.0.0", "generic"},
};

}  // namespace

std::span<const CommandSpec> KeyCommands() { return kKeyCommands; }

}  // namespace server
