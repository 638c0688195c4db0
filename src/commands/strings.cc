// String commands (the caching surface).
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

void Get(CommandContext& ctx) {
  Value* v = ctx.db().Find(ctx.arg(1), ctx.now_ms);
  if (v == nullptr) return ctx.reply.Null();
  if (!v->is_string()) return ctx.reply.Error(err::kWrongType);
  ctx.reply.Bulk(v->str());
}

void Set(CommandContext& ctx) {
  ctx.db().Set(ctx.arg(1), Value::String(std::string(ctx.arg(2))));
  ctx.reply.Ok();
}

constexpr CommandSpec kStringCommands[] = {
    {"get", 2, kReadOnly | kFast, 1, 1, 1, Get, "Returns the string value of a key.", "1.0.0",
     "string"},
    {"set", -3, kWrite | kDenyOom, 1, 1, 1, Set,
     "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
     "1.0.0", "string"},
};

}  // namespace

std::span<const CommandSpec> StringCommands() { return kStringCommands; }

}  // namespace server
