// Lua scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH,
// KILL, HELP). The engine (src/scripting/script_engine.h) compiles, caches and runs scripts;
// these handlers parse the arguments, look the script up, and record what it did for the AOF
// as one transaction.
#include <string>
#include <vector>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/blocking.h"
#include "src/scripting/script_engine.h"

namespace server {

namespace {

using scripting::ScriptCall;
using scripting::ScriptEngine;

// "numkeys key... arg...": how many of the arguments after argv[2] are keys.
Result<size_t> ParseNumKeys(const CommandContext& ctx) {
  int64_t n;
  if (!resp::ParseStrictInt64(ctx.arg(2), n)) return Failure(err::kNotInteger);
  if (n < 0) return Failure(err::kNumKeysNegative);
  if (static_cast<uint64_t>(n) > ctx.argc() - 3) return Failure(err::kNumKeysTooMany);
  return static_cast<size_t>(n);
}

// Runs the cached script `sha` with the call's keys and arguments. Its writes are recorded as
// one MULTI/EXEC (unless it runs inside a transaction, which wraps everything itself).
void RunScript(CommandContext& ctx, std::string_view sha, size_t numkeys, bool read_only) {
  ScriptCall call;
  call.state = &ctx.server;
  call.caller = &ctx.client;
  call.read_only = read_only;
  call.now_ms = ctx.now_ms;
  call.clock_ms = SteadyMs;
  const std::span<const std::string_view> keys = ctx.argv.subspan(3, numkeys);
  const std::span<const std::string_view> args = ctx.argv.subspan(3 + numkeys);
  Propagation& propagation = ctx.server.propagation;
  const size_t first_record = propagation.size();
  ScriptEngine& engine = ctx.server.Scripts();
  engine.Run(sha, keys, args, call, ctx.reply);
  // Stopped by SHUTDOWN NOSAVE half-way: the server stops as Redis does, before the script's
  // effects are propagated; none of them reaches the AOF.
  if (engine.killed() && ctx.server.shutdown_requested) {
    propagation.TruncateTo(first_record);
    return;
  }
  if (ctx.client.command_depth == 1) propagation.WrapInTransaction(first_record);
}

void EvalWith(CommandContext& ctx, bool read_only) {
  auto numkeys = ParseNumKeys(ctx);
  if (!numkeys) return ctx.reply.Error(numkeys.error());
  auto sha = ctx.server.Scripts().Load(ctx.arg(1));
  if (!sha) return ctx.reply.Error(sha.error());
  RunScript(ctx, *sha, *numkeys, read_only);
}

void EvalShaWith(CommandContext& ctx, bool read_only) {
  auto numkeys = ParseNumKeys(ctx);
  if (!numkeys) return ctx.reply.Error(numkeys.error());
  ScriptEngine& engine = ctx.server.Scripts();
  if (!engine.Has(ctx.arg(1))) return ctx.reply.Error(err::kNoScriptSha);
  RunScript(ctx, AsciiLower(ctx.arg(1)), *numkeys, read_only);
}

void Eval(CommandContext& ctx) { EvalWith(ctx, false); }
void EvalRo(CommandContext& ctx) { EvalWith(ctx, true); }
void EvalSha(CommandContext& ctx) { EvalShaWith(ctx, false); }
void EvalShaRo(CommandContext& ctx) { EvalShaWith(ctx, true); }

void ScriptLoad(CommandContext& ctx) {
  auto sha = ctx.server.Scripts().Load(ctx.arg(2));
  if (!sha) return ctx.reply.Error(sha.error());
  ctx.reply.Bulk(*sha);
}

void ScriptExists(CommandContext& ctx) {
  ScriptEngine& engine = ctx.server.Scripts();
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) ctx.reply.Integer(engine.Has(ctx.arg(i)) ? 1 : 0);
}

// SCRIPT FLUSH [ASYNC|SYNC]: both drop the cache at once (a fresh Lua state).
void ScriptFlush(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "ASYNC") &&
                         !EqualsIgnoreCase(ctx.arg(2), "SYNC"))) {
    return ctx.reply.Error(err::kScriptFlushMode);
  }
  ctx.server.Scripts().Flush();
  ctx.reply.Ok();
}

// Runs while a script is busy (the server serves other clients from the script's hook): the
// script stops at its next hook with an error, unless it has written.
void ScriptKill(CommandContext& ctx) {
  if (!ctx.server.scripts || !ctx.server.scripts->running()) {
    return ctx.reply.Error(err::kNotBusy);
  }
  if (ctx.server.scripts->wrote()) return ctx.reply.Error(err::kUnkillable);
  ctx.server.script_kill_requested = true;
  ctx.reply.Ok();
}

void ScriptHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

// EVAL's keys: numkeys at argv[2], then that many from argv[3].
constexpr MovableKeys kEvalKeys = MovableKeys::KeyNum(2, 0, 1, 1, "RW access update");
constexpr MovableKeys kEvalRoKeys = MovableKeys::KeyNum(2, 0, 1, 1, "RO access");

constexpr uint32_t kEvalFlags = kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | kRunsScript;
constexpr std::string_view kEvalSyntax = "script numkeys:integer [key...] [arg...]";
constexpr std::string_view kEvalShaSyntax = "sha1 numkeys:integer [key...] [arg...]";

constexpr CommandSpec kScriptSubcommands[] = {
    {"load", 3, kNoScript | kStale, 0, 0, 0, ScriptLoad,
     "Loads a server-side Lua script to the script cache.", "2.6.0", "scripting",
     {"O(N) with N being the length in bytes of the script body.", "script",
      "request_policy:all_nodes response_policy:all_succeeded"}},
    {"exists", -3, kNoScript, 0, 0, 0, ScriptExists,
     "Determines whether server-side Lua scripts exist in the script cache.", "2.6.0",
     "scripting",
     {"O(N) with N being the number of scripts to check (so checking a single script is an "
      "O(1) operation).",
      "sha1...", "request_policy:all_shards response_policy:agg_logical_and"}},
    {"flush", -2, kNoScript, 0, 0, 0, ScriptFlush,
     "Removes all server-side Lua scripts from the script cache.", "2.6.0", "scripting",
     {"O(N) with N being the number of scripts in cache", "[flush-type=ASYNC|SYNC]",
      "request_policy:all_nodes response_policy:all_succeeded"}},
    {"kill", 2, kNoScript | kAllowBusy, 0, 0, 0, ScriptKill,
     "Terminates a server-side Lua script during execution.", "2.6.0", "scripting",
     {"O(1)", "", "request_policy:all_shards response_policy:one_succeeded"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, ScriptHelp,
     "Returns helpful text about the different subcommands.", "5.0.0", "scripting", {"O(1)"}},
};

constexpr CommandSpec kScriptingCommands[] = {
    {"eval", -3, kEvalFlags, 0, 0, 0, Eval, "Executes a server-side Lua script.", "2.6.0",
     "scripting", {"Depends on the script that is executed.", kEvalSyntax}, {}, &kEvalKeys},
    {"evalsha", -3, kEvalFlags, 0, 0, 0, EvalSha, "Executes a server-side Lua script by SHA1 digest.",
     "2.6.0", "scripting", {"Depends on the script that is executed.", kEvalShaSyntax}, {},
     &kEvalKeys},
    {"eval_ro", -3, kEvalFlags | kReadOnly, 0, 0, 0, EvalRo,
     "Executes a read-only server-side Lua script.", "7.0.0", "scripting",
     {"Depends on the script that is executed.", kEvalSyntax, "", "", "-@read"}, {},
     &kEvalRoKeys},
    {"evalsha_ro", -3, kEvalFlags | kReadOnly, 0, 0, 0, EvalShaRo,
     "Executes a read-only server-side Lua script by SHA1 digest.", "7.0.0", "scripting",
     {"Depends on the script that is executed.", kEvalShaSyntax, "", "", "-@read"}, {},
     &kEvalRoKeys},
    {"script", -2, 0, 0, 0, 0, nullptr, "A container for Lua scripts management commands.",
     "2.6.0", "scripting", {}, kScriptSubcommands},
};

}  // namespace

std::span<const CommandSpec> ScriptingRows() { return kScriptingCommands; }

}  // namespace server
