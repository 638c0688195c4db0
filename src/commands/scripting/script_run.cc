#include "src/commands/scripting/script_run.h"

#include "resp/strict_int.h"
#include "src/blocking.h"
#include "src/errors.h"
#include "src/scripting/shebang.h"
#include "src/server_state.h"

namespace server {

Result<scripting::ScriptCall> PlanScriptCall(const CommandContext& ctx, bool flags_apply,
                                            uint32_t flags, bool ro_command) {
  const bool no_writes = flags_apply && (flags & scripting::kFlagNoWrites);
  if (flags_apply && ro_command && !no_writes) return Failure(err::kScriptWriteFlagRo);
  // A script that may write is refused up front over maxmemory unless it allows OOM; one in
  // compatibility mode is refused command by command instead, until it has written.
  if (flags_apply && !no_writes && !(flags & scripting::kFlagAllowOom) &&
      ctx.server.over_maxmemory) {
    return Failure(err::kOom);
  }
  scripting::ScriptCall call;
  call.state = &ctx.server;
  call.caller = &ctx.client;
  call.read_only = ro_command || no_writes;
  call.now_ms = ctx.now_ms;
  call.clock_ms = SteadyMs;
  call.check_oom = !flags_apply && ctx.server.over_maxmemory;
  call.argv = ctx.argv;
  return call;
}

void KillRunningScript(CommandContext& ctx, bool function) {
  const scripting::ScriptEngine* engine = ctx.server.scripts.get();
  if (engine == nullptr || !engine->running()) return ctx.reply.Error(err::kNotBusy);
  if (engine->current().function != function) {
    return ctx.reply.Error(engine->current().function ? err::kBusyFunction : err::kBusyScript);
  }
  if (engine->wrote()) return ctx.reply.Error(err::kUnkillable);
  ctx.server.script_kill_requested = true;
  ctx.reply.Ok();
}

Result<size_t> ParseScriptNumKeys(const CommandContext& ctx, std::string_view not_integer) {
  int64_t n;
  if (!resp::ParseStrictInt64(ctx.arg(2), n)) return Failure(not_integer);
  if (n < 0) return Failure(err::kNumKeysNegative);
  if (static_cast<uint64_t>(n) > ctx.argc() - 3) return Failure(err::kNumKeysTooMany);
  return static_cast<size_t>(n);
}

}  // namespace server
