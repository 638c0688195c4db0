// What EVAL and FCALL share (src/commands/scripting/): turning a script's flags into the rules
// of one run (read-only, refused under OOM) and recording the run's effects for the AOF as
// one transaction.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "src/command_table.h"
#include "src/result.h"
#include "src/scripting/script_engine.h"

namespace server {

// The rules for a run of a script with `flags` (ScriptFlag bits; `flags_apply` is false for an
// EVAL script without a shebang, which Redis runs in compatibility mode), called by a *_RO
// command or not: Redis's error when the call is refused.
Result<scripting::ScriptCall> PlanScriptCall(const CommandContext& ctx, bool flags_apply,
                                            uint32_t flags, bool ro_command);

// Runs `run` (which writes the reply) and records what the script did as one MULTI/EXEC,
// unless it ran inside a transaction (wrapped as a whole) or SHUTDOWN NOSAVE stopped it
// half-way (then nothing of it is recorded: the server stops before the AOF could hold it).
template <typename Run>
void RunAndRecord(CommandContext& ctx, Run&& run) {
  Propagation& propagation = ctx.server.propagation;
  const size_t first_record = propagation.size();
  run();
  if (ctx.server.scripts->killed() && ctx.server.shutdown_requested) {
    propagation.TruncateTo(first_record);
    return;
  }
  if (ctx.client.command_depth == 1) propagation.WrapInTransaction(first_record);
}

// EVAL's and FCALL's rows share these: numkeys at argv[2], then that many keys from argv[3].
inline constexpr MovableKeys kScriptKeys = MovableKeys::KeyNum(2, 0, 1, 1, "RW access update");
inline constexpr MovableKeys kScriptRoKeys = MovableKeys::KeyNum(2, 0, 1, 1, "RO access");
inline constexpr uint32_t kScriptCommandFlags =
    kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | kRunsScript;

// SCRIPT KILL (`function` false) / FUNCTION KILL: stops the running script of that kind at its
// next hook unless it has written; a script of the other kind gets its busy error.
void KillRunningScript(CommandContext& ctx, bool function);

// "numkeys key... arg...": how many of the arguments after argv[2] are keys; `not_integer` is
// the error for a numkeys that is not a number (EVAL's and FCALL's differ).
Result<size_t> ParseScriptNumKeys(const CommandContext& ctx, std::string_view not_integer);

}  // namespace server
