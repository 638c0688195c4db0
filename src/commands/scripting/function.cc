// Redis 7's functions: FUNCTION LOAD / DELETE / FLUSH / LIST / DUMP / RESTORE / STATS / KILL /
// HELP, and FCALL / FCALL_RO. The engine (src/scripting/script_engine.h, function_library.cc)
// holds the libraries and runs the functions; the payload format is in function_dump.h.
// FUNCTION's writes reach the AOF as the commands themselves; an FCALL's effects as one
// MULTI/EXEC, like EVAL's.
#include <string>
#include <vector>

#include "src/blocking.h"
#include "src/commands/registry.h"
#include "src/commands/scripting/script_run.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/glob.h"
#include "src/scripting/function_dump.h"
#include "src/scripting/script_engine.h"
#include "src/scripting/shebang.h"

namespace server {

namespace {

using scripting::Library;
using scripting::LibraryFunction;
using scripting::ScriptEngine;

void FcallWith(CommandContext& ctx, bool read_only) {
  ScriptEngine& engine = ctx.server.Scripts();
  const LibraryFunction* function = engine.FindFunction(ctx.arg(1));
  if (function == nullptr) return ctx.reply.Error(err::kFunctionNotFound);
  auto numkeys = ParseScriptNumKeys(ctx, err::kFcallNumKeysNotInteger);
  if (!numkeys) return ctx.reply.Error(numkeys.error());
  auto call = PlanScriptCall(ctx, true, function->flags, read_only);
  if (!call) return ctx.reply.Error(call.error());
  const std::span<const std::string_view> keys = ctx.argv.subspan(3, *numkeys);
  const std::span<const std::string_view> args = ctx.argv.subspan(3 + *numkeys);
  RunAndRecord(ctx, [&] { engine.RunFunction(*function, keys, args, *call, ctx.reply); });
}

void Fcall(CommandContext& ctx) { FcallWith(ctx, false); }
void FcallRo(CommandContext& ctx) { FcallWith(ctx, true); }

// FUNCTION LOAD [REPLACE] code
void FunctionLoad(CommandContext& ctx) {
  bool replace = false;
  for (size_t i = 2; i + 1 < ctx.argc(); i++) {
    if (!EqualsIgnoreCase(ctx.arg(i), "REPLACE")) {
      return ctx.reply.Error("ERR Unknown option given: " + std::string(ctx.arg(i)));
    }
    replace = true;
  }
  auto name = ctx.server.Scripts().LoadLibrary(ctx.argv.back(), replace, SteadyMs);
  if (!name) return ctx.reply.Error(name.error());
  ctx.reply.Bulk(*name);
}

void FunctionDelete(CommandContext& ctx) {
  if (!ctx.server.Scripts().DeleteLibrary(ctx.arg(2))) {
    return ctx.reply.Error(err::kLibraryNotFound);
  }
  ctx.reply.Ok();
}

// FUNCTION FLUSH [ASYNC|SYNC]: both free everything at once (a fresh Lua state).
void FunctionFlush(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "ASYNC") &&
                         !EqualsIgnoreCase(ctx.arg(2), "SYNC"))) {
    return ctx.reply.Error(err::kFunctionFlushMode);
  }
  ctx.server.Scripts().FlushFunctions();
  ctx.reply.Ok();
}

void ReplyFunction(resp::Writer& reply, const LibraryFunction& fn) {
  reply.Map(3);
  reply.Bulk("name");
  reply.Bulk(fn.name);
  reply.Bulk("description");
  if (fn.has_description) {
    reply.Bulk(fn.description);
  } else {
    reply.Null();
  }
  reply.Bulk("flags");
  size_t count = 0;
  for (uint32_t flag : scripting::kAllScriptFlags) count += (fn.flags & flag) ? 1 : 0;
  reply.Set(count);
  for (uint32_t flag : scripting::kAllScriptFlags) {
    if (fn.flags & flag) reply.Simple(scripting::ScriptFlagName(flag));
  }
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: libraries in name order.
void FunctionList(CommandContext& ctx) {
  bool with_code = false;
  bool filtered = false;
  std::string_view pattern;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "WITHCODE") && !with_code) {
      with_code = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "LIBRARYNAME") && !filtered) {
      if (i + 1 >= ctx.argc()) return ctx.reply.Error(err::kLibraryNameArgMissing);
      filtered = true;
      pattern = ctx.arg(++i);
    } else {
      return ctx.reply.Error(err::FunctionListUnknownArg(ctx.arg(i)));
    }
  }
  std::vector<const Library*> shown;
  for (const auto& [name, library] : ctx.server.Scripts().libraries()) {
    if (!filtered || GlobMatch(pattern, name)) shown.push_back(&library);
  }
  ctx.reply.Array(shown.size());
  for (const Library* library : shown) {
    ctx.reply.Map(with_code ? 4 : 3);
    ctx.reply.Bulk("library_name");
    ctx.reply.Bulk(library->name);
    ctx.reply.Bulk("engine");
    ctx.reply.Bulk("LUA");
    ctx.reply.Bulk("functions");
    ctx.reply.Array(library->functions.size());
    for (const auto& [name, fn] : library->functions) ReplyFunction(ctx.reply, fn);
    if (with_code) {
      ctx.reply.Bulk("library_code");
      ctx.reply.Bulk(library->code);
    }
  }
}

void FunctionDump(CommandContext& ctx) {
  std::vector<std::string> codes;
  for (const auto& [name, library] : ctx.server.Scripts().libraries()) {
    codes.push_back(library.code);
  }
  ctx.reply.Bulk(scripting::EncodeFunctionDump(codes));
}

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
void FunctionRestore(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.reply.Error(err::UnknownSubcommand(ctx.arg(1), "FUNCTION"));
  scripting::RestorePolicy policy = scripting::RestorePolicy::kAppend;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "FLUSH")) {
      policy = scripting::RestorePolicy::kFlush;
    } else if (EqualsIgnoreCase(ctx.arg(3), "REPLACE")) {
      policy = scripting::RestorePolicy::kReplace;
    } else if (!EqualsIgnoreCase(ctx.arg(3), "APPEND")) {
      return ctx.reply.Error(err::kFunctionRestorePolicy);
    }
  }
  auto codes = scripting::DecodeFunctionDump(ctx.arg(2));
  if (!codes) return ctx.reply.Error(codes.error());
  auto restored = ctx.server.Scripts().RestoreLibraries(*codes, policy, SteadyMs);
  if (!restored) return ctx.reply.Error(restored.error());
  ctx.reply.Ok();
}

// Runs while a function is busy (the server serves others from its hook); an EVAL script
// gets EVAL's busy error instead, as Redis answers.
void FunctionStats(CommandContext& ctx) {
  ScriptEngine& engine = ctx.server.Scripts();
  if (engine.running() && !engine.current().function) return ctx.reply.Error(err::kBusyScript);
  ctx.reply.Map(2);
  ctx.reply.Bulk("running_script");
  if (engine.running()) {
    const scripting::RunningScript& run = engine.current();
    ctx.reply.Map(3);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(run.name);
    ctx.reply.Bulk("command");
    ctx.reply.Array(run.argv.size());
    for (const std::string& a : run.argv) ctx.reply.Bulk(a);
    ctx.reply.Bulk("duration_ms");
    // The precise clock: now_ms stands still while a script runs.
    ctx.reply.Integer(ctx.now_us() / 1000 - run.started_ms);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Bulk("engines");
  ctx.reply.Map(1);
  ctx.reply.Bulk("LUA");
  ctx.reply.Map(2);
  ctx.reply.Bulk("libraries_count");
  ctx.reply.Integer(static_cast<int64_t>(engine.libraries().size()));
  ctx.reply.Bulk("functions_count");
  ctx.reply.Integer(static_cast<int64_t>(engine.function_count()));
}

void FunctionKill(CommandContext& ctx) { KillRunningScript(ctx, true); }

void FunctionHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME "
      "argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored "
      "using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a "
      "chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kFcallFlags = kScriptCommandFlags;
constexpr const MovableKeys& kFcallKeys = kScriptKeys;
constexpr const MovableKeys& kFcallRoKeys = kScriptRoKeys;
constexpr std::string_view kFcallSyntax = "function numkeys:integer [key...] [arg...]";
constexpr std::string_view kAllShards = "request_policy:all_shards response_policy:all_succeeded";

constexpr CommandSpec kFunctionSubcommands[] = {
    {"load", -3, kWrite | kDenyOom | kNoScript, 0, 0, 0, FunctionLoad, "Creates a library.",
     "7.0.0", "scripting",
     {"O(1) (considering compilation time is redundant)", "[replace=REPLACE] function-code",
      kAllShards}},
    {"delete", 3, kWrite | kNoScript, 0, 0, 0, FunctionDelete,
     "Deletes a library and its functions.", "7.0.0", "scripting",
     {"O(1)", "library-name", kAllShards}},
    {"flush", -2, kWrite | kNoScript, 0, 0, 0, FunctionFlush,
     "Deletes all libraries and functions.", "7.0.0", "scripting",
     {"O(N) where N is the number of functions deleted", "[flush-type=ASYNC|SYNC]", kAllShards}},
    {"list", -2, kNoScript, 0, 0, 0, FunctionList, "Returns information about all libraries.",
     "7.0.0", "scripting",
     {"O(N) where N is the number of functions",
      "[LIBRARYNAME library-name-pattern] [withcode=WITHCODE]", "nondeterministic_output_order"}},
    {"dump", 2, kNoScript, 0, 0, 0, FunctionDump,
     "Dumps all libraries into a serialized binary payload.", "7.0.0", "scripting",
     {"O(N) where N is the number of functions"}},
    {"restore", -3, kWrite | kDenyOom | kNoScript, 0, 0, 0, FunctionRestore,
     "Restores all libraries from a payload.", "7.0.0", "scripting",
     {"O(N) where N is the number of functions on the payload",
      "serialized-value [policy=FLUSH|APPEND|REPLACE]", kAllShards}},
    {"stats", 2, kNoScript | kAllowBusy, 0, 0, 0, FunctionStats,
     "Returns information about a function during execution.", "7.0.0", "scripting",
     {"O(1)", "",
      "nondeterministic_output request_policy:all_shards response_policy:special"}},
    {"kill", 2, kNoScript | kAllowBusy, 0, 0, 0, FunctionKill,
     "Terminates a function during execution.", "7.0.0", "scripting",
     {"O(1)", "", "request_policy:all_shards response_policy:one_succeeded"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, FunctionHelp,
     "Returns helpful text about the different subcommands.", "7.0.0", "scripting", {"O(1)"}},
};

constexpr CommandSpec kFunctionCommands[] = {
    {"fcall", -3, kFcallFlags, 0, 0, 0, Fcall, "Invokes a function.", "7.0.0", "scripting",
     {"Depends on the function that is executed.", kFcallSyntax}, {}, &kFcallKeys},
    {"fcall_ro", -3, kFcallFlags | kReadOnly, 0, 0, 0, FcallRo, "Invokes a read-only function.",
     "7.0.0", "scripting",
     {"Depends on the function that is executed.", kFcallSyntax, "", "", "-@read"}, {},
     &kFcallRoKeys},
    {"function", -2, 0, 0, 0, 0, nullptr, "A container for function commands.", "7.0.0",
     "scripting", {"Depends on subcommand."}, kFunctionSubcommands},
};

}  // namespace

std::span<const CommandSpec> FunctionRows() { return kFunctionCommands; }

}  // namespace server
