#include "src/scripting/script_engine.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "resp/writer.h"
#include "src/ascii.h"
#include "src/dispatch.h"
#include "src/log.h"
#include "src/scripting/lua_convert.h"
#include "src/errors.h"
#include "src/scripting/engine_internal.h"
#include "src/scripting/lua_sandbox.h"
#include "src/scripting/sha1.h"
#include "src/scripting/shebang.h"
#include "src/server_state.h"

namespace server::scripting {

// The redis library's C functions reach the engine through this (friend) accessor.
struct EngineAccess {
  static ScriptEngine& Of(lua_State* L) {
    return *static_cast<ScriptEngine*>(lua_touserdata(L, lua_upvalueindex(1)));
  }
  static const ScriptCall* Call(ScriptEngine& e) { return e.call_; }
  static Client& ScriptClient(ScriptEngine& e) { return *e.script_client_; }
  static int& Resp(ScriptEngine& e) { return e.resp_; }
  static int& ReplFlags(ScriptEngine& e) { return e.repl_flags_; }
  static bool& Wrote(ScriptEngine& e) { return e.wrote_; }
  // The count hook: past busy-reply-threshold the server serves other clients; a kill request
  // (SCRIPT KILL, SHUTDOWN NOSAVE) ends the script. True when it must end now.
  static bool KillNow(ScriptEngine& e) {
    ServerState& state = *e.call_->state;
    if (!state.script_kill_requested) {
      if (!e.busy_) {
        const int64_t ran = e.call_->clock_ms() - e.started_ms_;
        if (ran < state.config.busy_reply_threshold) return false;
        e.busy_ = true;
        state.script_busy = true;
        state.script_busy_function = e.current_.function;
        Log(LogLevel::kWarning, "Slow script detected: still in execution after " +
                                    std::to_string(ran) +
                                    " milliseconds. You can try killing the script using the "
                                    "SCRIPT KILL command.");
      }
      if (state.serve_while_busy) state.serve_while_busy();
    }
    if (!state.script_kill_requested) return false;
    e.killed_ = true;
    return true;
  }
};

namespace {

constexpr int kReplNone = 0, kReplAof = 1, kReplReplica = 2, kReplAll = 3;

// Pushes {err = text}: the script's error reply is then `text` plus where it happened.
void PushErrorTable(lua_State* L, std::string_view text) {
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, text.data(), text.size());
  lua_rawset(L, -3);
}

// What CallCommand leaves on the stack: a value to return, or an error table to raise.
enum class CallOutcome { kReturn, kRaise };

// The error a called command answered, already counted in the error statistics when it was
// written: marked, as Redis marks it, so that the script passing it on does not count it again.
CallOutcome CommandError(lua_State* L, bool raise, std::string_view text) {
  PushErrorTable(L, text);
  lua_pushstring(L, kErrorCountedField);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  return raise ? CallOutcome::kRaise : CallOutcome::kReturn;
}

// An error of redis.call itself, before any command ran: counted here, once.
CallOutcome LibError(lua_State* L, bool raise, std::string_view text) {
  if (const ScriptCall* call = EngineAccess::Call(EngineAccess::Of(L))) {
    call->state->error_stats.OnErrorReply(text);
  }
  return CommandError(L, raise, text);
}

// redis.call / redis.pcall. Lua raises errors with longjmp, which must not cross C++ objects
// that own memory: this function pushes its result (or the error table) and returns, and its
// caller raises once the objects here are gone.
CallOutcome CallCommand(lua_State* L, bool raise) {
  ScriptEngine& engine = EngineAccess::Of(L);
  const ScriptCall* call = EngineAccess::Call(engine);
  const int argc = lua_gettop(L);
  if (argc == 0 || call == nullptr) {
    return LibError(L, raise, "ERR Please specify at least one argument for this redis lib call");
  }
  std::vector<std::string> args;
  args.reserve(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; i++) {
    const int type = lua_type(L, i);
    if (type != LUA_TSTRING && type != LUA_TNUMBER) {
      return LibError(L, raise, "ERR Lua redis lib command arguments must be strings or integers");
    }
    size_t len;
    const char* s = lua_tolstring(L, i, &len);
    args.emplace_back(s, len);
  }
  std::vector<std::string_view> argv(args.begin(), args.end());
  ServerState& state = *call->state;
  const CommandSpec* spec = state.commands->Find(argv[0]);
  if (spec == nullptr) return LibError(L, raise, "ERR Unknown Redis command called from script");
  auto resolved = Resolve(*state.commands, argv);
  if (!resolved) {
    if (!spec->subcommands.empty() && argv.size() >= 2 &&
        CommandTable::FindSubcommand(*spec, argv[1]) == nullptr) {
      return LibError(L, raise, "ERR Unknown Redis command called from script");
    }
    return LibError(L, raise, "ERR Wrong number of args calling Redis command from script");
  }
  spec = *resolved;
  if (spec->flags & kNoScript) {
    return LibError(L, raise, "ERR This Redis command is not allowed from script");
  }
  if ((spec->flags & kWrite) && call->read_only) {
    return LibError(L, raise, "ERR Write commands are not allowed from read-only scripts.");
  }
  if (call->check_oom && !EngineAccess::Wrote(engine) && (spec->flags & kDenyOom)) {
    return LibError(L, raise, err::kOom);
  }
  Client& client = EngineAccess::ScriptClient(engine);
  // The script's commands run with its caller's permissions.
  if (client.on_behalf_of != nullptr) {
    switch (CheckAclAndLog(state, *client.on_behalf_of, *spec, argv, "lua").denial) {
      case acl::Denial::kNone:
        break;
      case acl::Denial::kKey:
        return LibError(L, raise, err::kScriptNoPermKey);
      case acl::Denial::kChannel:
        return LibError(L, raise, err::kScriptNoPermChannel);
      default:
        return LibError(L, raise, err::kScriptNoPermCommand);
    }
  }
  client.protocol = EngineAccess::Resp(engine);
  std::string out;
  resp::Writer writer(out, client.protocol);
  const size_t records_before = state.propagation.size();
  const uint64_t changes_before = state.propagation.changes();
  Execute(state, client, *spec, argv, writer);
  if (state.propagation.changes() != changes_before) EngineAccess::Wrote(engine) = true;
  // redis.set_repl without REPL_AOF: what this command recorded is dropped.
  if (!(EngineAccess::ReplFlags(engine) & kReplAof)) state.propagation.TruncateTo(records_before);
  if (writer.errors_written() > 0 && !out.empty() && out[0] == '-') {
    std::string_view text(out);
    text.remove_prefix(1);
    text.remove_suffix(2);
    return CommandError(L, raise, text);
  }
  if (!PushReply(L, out)) return LibError(L, raise, "ERR reached lua stack limit");
  return CallOutcome::kReturn;
}

int RedisCall(lua_State* L) {
  if (CallCommand(L, true) == CallOutcome::kRaise) return lua_error(L);
  return 1;
}
int RedisPcall(lua_State* L) {
  CallCommand(L, false);
  return 1;
}

// redis.error_reply(s) / redis.status_reply(s): {err=s} / {ok=s}.
int ReplyTable(lua_State* L, const char* field) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    PushErrorTable(L, "ERR wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, field);
  lua_pushvalue(L, 1);
  lua_rawset(L, -3);
  return 1;
}
// As Redis 7: a leading '-' is dropped, and a text with no space (so no code of its own) gets
// "ERR " in front ("NOSPACE" -> "ERR NOSPACE").
int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) == 1 && lua_type(L, 1) == LUA_TSTRING) {
    size_t len;
    const char* s = lua_tolstring(L, 1, &len);
    std::string_view text(s, len);
    if (text.starts_with('-')) text.remove_prefix(1);
    std::string err = text.find(' ') == std::string_view::npos ? "ERR " + std::string(text)
                                                                 : std::string(text);
    PushErrorTable(L, err);
    return 1;
  }
  return ReplyTable(L, "err");
}
int RedisStatusReply(lua_State* L) { return ReplyTable(L, "ok"); }

int RaiseMessage(lua_State* L, const char* message) {
  lua_pushstring(L, message);
  return lua_error(L);
}

int RedisSha1Hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseMessage(L, "wrong number of arguments");
  size_t len;
  const char* s = lua_tolstring(L, 1, &len);
  const std::string hex = Sha1Hex(std::string_view(s ? s : "", s ? len : 0));
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

}  // namespace

int RedisLog(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2) return RaiseMessage(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseMessage(L, "First argument must be a number (log level).");
  const lua_Number level = lua_tonumber(L, 1);
  if (level < 0 || level > 3) return RaiseMessage(L, "Invalid debug level.");
  std::string message;
  for (int i = 2; i <= argc; i++) {
    size_t len;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) continue;
    if (i > 2) message += ' ';
    message.append(s, len);
  }
  Log(static_cast<LogLevel>(static_cast<int>(level)), message);
  return 0;
}

namespace {

int RedisSetResp(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseMessage(L, "redis.setresp() requires one argument.");
  const int v = static_cast<int>(lua_tonumber(L, 1));
  if (v != 2 && v != 3) return RaiseMessage(L, "RESP version must be 2 or 3.");
  EngineAccess::Resp(EngineAccess::Of(L)) = v;
  return 0;
}

int RedisSetRepl(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseMessage(L, "redis.set_repl() requires one argument.");
  const int flags = static_cast<int>(lua_tonumber(L, 1));
  if (flags < kReplNone || flags > kReplAll) {
    return RaiseMessage(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                           "REPL_NONE.");
  }
  EngineAccess::ReplFlags(EngineAccess::Of(L)) = flags;
  return 0;
}

// redis.breakpoint / redis.debug: only the Lua debugger (SCRIPT DEBUG, which we do not have)
// acts on them; elsewhere, as in Redis, the first answers false and the second does nothing.
int RedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int RedisDebug(lua_State*) { return 0; }

// redis.acl_check_cmd(command, args...): whether the caller's ACL user may run it; an unknown
// command is an error, as in Redis.
int RedisAclCheckCmd(lua_State* L) {
  ScriptEngine& engine = EngineAccess::Of(L);
  const ScriptCall* call = EngineAccess::Call(engine);
  if (lua_gettop(L) == 0 || call == nullptr) {
    return RaiseMessage(L, "Please specify at least one argument for this redis lib call");
  }
  bool known = false;
  {
    size_t len;
    const char* name = lua_tolstring(L, 1, &len);
    known = name != nullptr &&
            call->state->commands->Find(std::string_view(name, len)) != nullptr;
  }
  if (!known) return RaiseMessage(L, "Invalid command passed to redis.acl_check_cmd()");
  std::vector<std::string> args;
  for (int i = 1; i <= lua_gettop(L); i++) {
    size_t len;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) return RaiseMessage(L, "Invalid argument type passed to redis.acl_check_cmd()");
    args.emplace_back(s, len);
  }
  std::vector<std::string_view> argv(args.begin(), args.end());
  auto resolved = Resolve(*call->state->commands, argv);
  bool allowed = true;
  const Client* caller = EngineAccess::ScriptClient(engine).on_behalf_of;
  if (resolved && caller != nullptr) {
    const acl::User& user = call->state->UserOf(*caller);
    allowed = user.unrestricted || call->state->Acl().Check(user, **resolved, argv).ok();
  }
  lua_pushboolean(L, allowed ? 1 : 0);
  return 1;
}

// Scripts are always replicated by their effects (Redis 7): nothing to switch on.
int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// The version we tell clients, as a string and as 0x00MMmmpp.
int VersionNum() {
  int parts[3] = {0, 0, 0};
  int i = 0;
  for (char c : kRedisVersion) {
    if (c == '.') {
      if (++i == 3) break;
    } else {
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  return parts[0] << 16 | parts[1] << 8 | parts[2];
}

// `ud` is the byte count of the state (each of the engine's two states keeps its own).
}  // namespace

// LOG_* levels and REDIS_VERSION(_NUM): in the redis table of scripts and of loading libraries.
void PushRedisConstants(lua_State* L) {
  const std::pair<const char*, int> constants[] = {
      {"LOG_DEBUG", 0},   {"LOG_VERBOSE", 1}, {"LOG_NOTICE", 2},
      {"LOG_WARNING", 3}, {"REDIS_VERSION_NUM", VersionNum()},
  };
  for (const auto& [name, value] : constants) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, name);
  }
  lua_pushlstring(L, kRedisVersion.data(), kRedisVersion.size());
  lua_setfield(L, -2, "REDIS_VERSION");
}


void* LuaAlloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  size_t& bytes = *static_cast<size_t*>(ud);
  if (nsize == 0) {
    std::free(ptr);
    bytes -= osize;
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p != nullptr) bytes += nsize - (ptr == nullptr ? 0 : osize);
  return p;
}

namespace {

// Registry key (by address) of the light userdata pointing at a state's engine.
char kEngineKey;

// Registry key of the table of compiled scripts (by sha).
char kScriptsKey;

// Every kHookInstructions instructions. Once the script is to die, every line too, so a pcall
// in the script cannot keep it alive.
constexpr int kHookInstructions = 100000;

// Lua's incremental collector keeps pace with what scripts allocate on its own; an extra step
// after every run cost more than a short script does (about 0.5 us of 1.2 us for `return 1`),
// so the engine adds one only every kRunsPerGcStep runs.
constexpr unsigned kRunsPerGcStep = 64;

void BusyHook(lua_State* L, lua_Debug*) {
  if (!EngineAccess::KillNow(EngineOf(L))) return;
  lua_sethook(L, BusyHook, LUA_MASKLINE | LUA_MASKCOUNT, kHookInstructions);
  lua_pushstring(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

}  // namespace

void SetBusyHook(lua_State* L) { lua_sethook(L, BusyHook, LUA_MASKCOUNT, kHookInstructions); }

void SetEngine(lua_State* L, ScriptEngine* engine) {
  lua_pushlightuserdata(L, &kEngineKey);
  lua_pushlightuserdata(L, engine);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

ScriptEngine& EngineOf(lua_State* L) {
  lua_pushlightuserdata(L, &kEngineKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* engine = static_cast<ScriptEngine*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *engine;
}

void PushStringArray(lua_State* L, std::span<const std::string_view> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t i = 0; i < items.size(); i++) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

namespace {

void PushScripts(lua_State* L) {
  lua_pushlightuserdata(L, &kScriptsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
}

}  // namespace

ScriptEngine::ScriptEngine() : script_client_(std::make_unique<Client>()) {
  Open();
  OpenFunctions();
}

ScriptEngine::~ScriptEngine() {
  for (auto& [name, library] : libraries_) ReleaseLibrary(library);
  Close();
  if (FL_ != nullptr) lua_close(FL_);
}

void ScriptEngine::PushRedisLibrary(lua_State* L) {
  lua_newtable(L);
  const luaL_Reg functions[] = {
      {"call", RedisCall},
      {"pcall", RedisPcall},
      {"error_reply", RedisErrorReply},
      {"status_reply", RedisStatusReply},
      {"sha1hex", RedisSha1Hex},
      {"log", RedisLog},
      {"setresp", RedisSetResp},
      {"set_repl", RedisSetRepl},
      {"replicate_commands", RedisReplicateCommands},
      {"breakpoint", RedisBreakpoint},
      {"debug", RedisDebug},
      {"acl_check_cmd", RedisAclCheckCmd},
  };
  for (const luaL_Reg& f : functions) {
    lua_pushlightuserdata(L, this);
    lua_pushcclosure(L, f.func, 1);
    lua_setfield(L, -2, f.name);
  }
  const std::pair<const char*, int> constants[] = {
      {"REPL_NONE", kReplNone},  {"REPL_AOF", kReplAof},   {"REPL_SLAVE", kReplReplica},
      {"REPL_REPLICA", kReplReplica}, {"REPL_ALL", kReplAll},
  };
  for (const auto& [name, value] : constants) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, name);
  }
  PushRedisConstants(L);
}

void ScriptEngine::Open() {
  L_ = NewSandbox(LuaAlloc, &lua_bytes_);
  if (L_ == nullptr) std::abort();  // out of memory at start-up
  PushRedisLibrary(L_);
  lua_setglobal(L_, "redis");
  lua_pushlightuserdata(L_, &kScriptsKey);
  lua_newtable(L_);
  lua_rawset(L_, LUA_REGISTRYINDEX);
  SetEngine(L_, this);
  Seal(L_);
}

void ScriptEngine::Close() {
  if (L_ != nullptr) lua_close(L_);
  L_ = nullptr;
}

Result<std::string> ScriptEngine::Load(std::string_view body) {
  std::string sha = Sha1Hex(body);
  if (bodies_.contains(sha)) return sha;
  auto shebang = ParseEvalShebang(body);
  if (!shebang) return shebang.failure();
  // With a shebang, its line is compiled as a comment (line numbers still count it).
  const std::string commented = shebang->present ? WithoutShebang(body) : std::string();
  const std::string_view source = shebang->present ? std::string_view(commented) : body;
  if (luaL_loadbuffer(L_, source.data(), source.size(), "@user_script") != 0) {
    std::string error = "ERR Error compiling script (new function): ";
    size_t len;
    const char* msg = lua_tolstring(L_, -1, &len);
    if (msg != nullptr) error.append(msg, len);
    lua_pop(L_, 1);
    return Failure(std::move(error));
  }
  PushScripts(L_);
  lua_pushlstring(L_, sha.data(), sha.size());
  lua_pushvalue(L_, -3);
  lua_rawset(L_, -3);
  lua_pop(L_, 2);
  bodies_.emplace(sha, CachedScript{body.size(), {shebang->present, shebang->flags}});
  body_bytes_ += body.size();
  return sha;
}

bool ScriptEngine::Has(std::string_view sha) const {
  if (sha.size() != 40) return false;
  return bodies_.contains(AsciiLower(sha));
}

EvalShebangInfo ScriptEngine::ShebangOf(std::string_view sha) const {
  auto it = bodies_.find(std::string(sha));
  return it == bodies_.end() ? EvalShebangInfo{} : it->second.shebang;
}

void ScriptEngine::Flush() {
  Close();
  bodies_.clear();
  body_bytes_ = 0;
  Open();
}

void ScriptEngine::Run(std::string_view sha, std::span<const std::string_view> keys,
                       std::span<const std::string_view> args, const ScriptCall& call,
                       resp::Writer& reply) {
  PushStringArray(L_, keys);
  SetRealGlobal(L_, "KEYS");
  PushStringArray(L_, args);
  SetRealGlobal(L_, "ARGV");
  PushScripts(L_);
  lua_pushlstring(L_, sha.data(), sha.size());
  lua_rawget(L_, -2);
  lua_remove(L_, -2);
  RunOnStack(L_, 0, false, sha, call, reply);
}

void ScriptEngine::RunOnStack(lua_State* L, int nargs, bool function, std::string_view name,
                              const ScriptCall& call, resp::Writer& reply) {
  // The commands run as a client of their own in the caller's db; a SELECT inside the script
  // does not change the caller's. Depth 1 makes them behave as inside a transaction (blocking
  // commands answer at once).
  Client& client = *script_client_;
  client = Client{};
  client.id = call.caller->id;
  client.db_index = call.caller->db_index;
  client.authenticated = true;
  client.command_depth = 1;
  client.on_behalf_of = call.caller;
  resp_ = 2;
  repl_flags_ = kReplAll;
  call_ = &call;
  running_ = true;
  wrote_ = false;
  killed_ = false;
  busy_ = false;
  started_ms_ = call.clock_ms != nullptr ? call.clock_ms() : 0;
  current_.function = function;
  current_.name.assign(name);
  current_.argv.assign(call.argv.begin(), call.argv.end());
  current_.started_ms = call.now_ms;
  ServerState& state = *call.state;
  state.script_kill_requested = false;
  const int64_t frozen_before = state.frozen_time_ms;
  state.frozen_time_ms = call.now_ms;
  if (call.clock_ms != nullptr) SetBusyHook(L);

  lua_pushcfunction(L, ErrorHandler);
  const int handler = lua_gettop(L) - nargs - 1;
  lua_insert(L, handler);
  const int status = lua_pcall(L, nargs, 1, handler);

  lua_sethook(L, nullptr, 0, 0);
  state.frozen_time_ms = frozen_before;
  state.script_busy = false;
  state.script_busy_function = false;
  state.script_kill_requested = false;
  running_ = false;
  call_ = nullptr;
  current_ = RunningScript{};
  if (status == 0) {
    WriteLuaValue(L, -1, reply, resp_);
  } else if (lua_istable(L, -1)) {
    // {err=..., source=..., line=...}: "<err> script: <name>, on <source>:<line>."
    const int e = lua_gettop(L);
    std::string text;
    lua_getfield(L, e, "err");
    if (const char* s = lua_tostring(L, -1)) text = s;
    lua_pop(L, 1);
    if (text.empty()) text = "ERR unknown error";
    text += " script: ";
    text += name;
    lua_getfield(L, e, "source");
    lua_getfield(L, e, "line");
    if (lua_isstring(L, -2) && lua_isnumber(L, -1)) {
      text += ", on ";
      text += lua_tostring(L, -2);
      text += ":";
      text += std::to_string(lua_tointeger(L, -1));
      text += ".";
    }
    lua_pop(L, 2);
    if (ErrorAlreadyCounted(L, e)) {
      reply.RelayedError(text);
    } else {
      reply.Error(text);
    }
  } else {
    // Out of memory or an error in the handler itself: no table to read.
    const char* s = lua_tostring(L, -1);
    reply.Error(std::string("ERR Error running script: ") + (s ? s : "unknown error"));
  }
  lua_settop(L, 0);
  if (++runs_since_gc_step_ >= kRunsPerGcStep) {
    runs_since_gc_step_ = 0;
    lua_gc(L, LUA_GCSTEP, 1);
  }
}

}  // namespace server::scripting
