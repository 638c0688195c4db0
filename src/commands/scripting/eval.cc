// Lua scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH,
// KILL, HELP). The engine (src/scripting/script_engine.h) compiles, caches and runs scripts;
// these handlers parse the arguments, look the script up, and record what it did for the AOF
// as one transaction.
#include <string>
#include <vector>

#include "src/commands/registry.h"
#include "src/commands/scripting/script_run.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/scripting/script_engine.h"

namespace server {

namespace {

using scripting::ScriptCall;
using scripting::ScriptEngine;

void RunCached(CommandContext& ctx, std::string_view sha, size_t numkeys, bool read_only) {
  ScriptEngine& engine = ctx.server.Scripts();
  const scripting::EvalShebangInfo shebang = engine.ShebangOf(sha);
  auto call = PlanScriptCall(ctx, shebang.present, shebang.flags, read_only);
  if (!call) return ctx.reply.Error(call.error());
  const std::span<const std::string_view> keys = ctx.argv.subspan(3, numkeys);
  const std::span<const std::string_view> args = ctx.argv.subspan(3 + numkeys);
  RunAndRecord(ctx, [&] { engine.Run(sha, keys, args, *call, ctx.reply); });
}

void EvalWith(CommandContext& ctx, bool read_only) {
  auto numkeys = ParseScriptNumKeys(ctx, err::kNotInteger);
  if (!numkeys) return ctx.reply.Error(numkeys.error());
  auto sha = ctx.server.Scripts().Load(ctx.arg(1));
  if (!sha) return ctx.reply.Error(sha.error());
  RunCached(ctx, *sha, *numkeys, read_only);
}

void EvalShaWith(CommandContext& ctx, bool read_only) {
  auto numkeys = ParseScriptNumKeys(ctx, err::kNotInteger);
  if (!numkeys) return ctx.reply.Error(numkeys.error());
  ScriptEngine& engine = ctx.server.Scripts();
  if (!engine.Has(ctx.arg(1))) return ctx.reply.Error(err::kNoScriptSha);
  RunCached(ctx, AsciiLower(ctx.arg(1)), *numkeys, read_only);
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

// Runs while a script is busy (the server serves other clients from the script's hook).
void ScriptKill(CommandContext& ctx) { KillRunningScript(ctx, false); }

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

constexpr uint32_t kEvalFlags = kScriptCommandFlags;
constexpr const MovableKeys& kEvalKeys = kScriptKeys;
constexpr const MovableKeys& kEvalRoKeys = kScriptRoKeys;
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
