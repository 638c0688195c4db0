// The Lua scripting engine behind EVAL and FCALL: two sandboxed Lua 5.1 states (see
// lua_sandbox.h), one for the script cache (compiled EVAL scripts by SHA-1) and one for the
// function libraries (FUNCTION LOAD), and the running of either with its redis.call/pcall
// bridge to the command table and Redis's error shapes.
// Invariants: at most one script runs at a time (the server is single-threaded, and a script
// cannot start another: EVAL and FCALL are noscript); the cache holds exactly the scripts
// loaded since the last flush, each compiled once; a function name belongs to one library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/result.h"

struct lua_State;

namespace resp {
class Writer;
}

namespace server {

struct ServerState;
struct Client;

namespace scripting {

// An EVAL script's shebang as cached (see shebang.h).
struct EvalShebangInfo {
  bool present = false;
  uint32_t flags = 0;
};

// What one script run needs besides the script: who runs it, and under which rules.
struct ScriptCall {
  ServerState* state = nullptr;
  Client* caller = nullptr;
  bool read_only = false;  // EVAL_RO / EVALSHA_RO: write commands are refused
  int64_t now_ms = 0;      // the time the whole script sees
  // How long the script has run is measured on this clock (ms), against busy-reply-threshold.
  int64_t (*clock_ms)() = nullptr;
  // A script in compatibility mode (no shebang) started over maxmemory: its commands that may
  // grow memory are refused until it has written, as Redis does.
  bool check_oom = false;
  // The command that started the script, for FUNCTION STATS.
  std::span<const std::string_view> argv;
};

// A function a library registered (redis.register_function).
struct LibraryFunction {
  std::string name;
  std::string description;
  bool has_description = false;
  uint32_t flags = 0;  // ScriptFlag bits
  int ref = 0;         // the callback, in the functions state's registry
};

// A library loaded by FUNCTION LOAD (or RESTORE, or the AOF): its code and its functions.
struct Library {
  std::string name;
  std::string code;
  std::map<std::string, LibraryFunction> functions;  // by name
};

// What a run in progress is, for FUNCTION STATS and the KILL commands.
struct RunningScript {
  bool function = false;  // FCALL (else EVAL)
  std::string name;       // the function's name, or the script's sha
  std::vector<std::string> argv;
  int64_t started_ms = 0;  // wall-clock ms when it started
};

enum class RestorePolicy { kAppend, kReplace, kFlush };

class ScriptEngine {
 public:
  ScriptEngine();
  ~ScriptEngine();
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // Compiles `body` and caches it under its SHA-1 (a no-op when cached): the sha, or Redis's
  // "Error compiling script" error (or the shebang's).
  Result<std::string> Load(std::string_view body);
  // Whether `sha` (any case) names a cached script.
  bool Has(std::string_view sha) const;
  // The shebang of the cached script `sha` (lower case); only for a cached one.
  EvalShebangInfo ShebangOf(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script, in a fresh Lua state.
  void Flush();
  size_t scripts() const { return bodies_.size(); }
  size_t body_bytes() const { return body_bytes_; }
  size_t lua_bytes() const { return lua_bytes_; }
  // Bytes of the script cache outside the Lua state (INFO's used_memory_scripts_eval): the
  // sha -> size index, estimated from its nodes (next pointer, entry, cached hash), their
  // 40-character shas on the heap (41 bytes, a 48-byte block) and its buckets. The compiled
  // functions live in the Lua state (lua_bytes()); the bodies are not kept.
  size_t cache_bytes() const {
    using Node = std::pair<const std::string, CachedScript>;
    constexpr size_t kPerScript = sizeof(void*) + sizeof(Node) + sizeof(size_t) + 48;
    return bodies_.size() * kPerScript + bodies_.bucket_count() * sizeof(void*);
  }
  bool running() const { return running_; }
  const RunningScript& current() const { return current_; }
  // Whether the running script has written (then SCRIPT KILL cannot stop it).
  bool wrote() const { return wrote_; }
  // Whether the last run was stopped by SCRIPT KILL or SHUTDOWN NOSAVE.
  bool killed() const { return killed_; }

  // Runs the cached script `sha` (lower case) and writes its reply, or its error in Redis's
  // shape, to `reply` (in the caller's protocol).
  void Run(std::string_view sha, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, const ScriptCall& call, resp::Writer& reply);

  // Functions (function_library.cc). LoadLibrary compiles `code` (with its "#!lua name=..."
  // line) and runs it to register its functions: the library's name, or Redis's error, and
  // then nothing has changed.
  // Code that runs past kLoadTimeoutMs on `clock_ms` (when given) fails, as Redis's does.
  Result<std::string> LoadLibrary(std::string_view code, bool replace,
                                  int64_t (*clock_ms)() = nullptr);
  // FUNCTION RESTORE's libraries, all or none.
  Result<void> RestoreLibraries(std::span<const std::string> codes, RestorePolicy policy,
                                int64_t (*clock_ms)() = nullptr);
  static constexpr int64_t kLoadTimeoutMs = 500;
  bool DeleteLibrary(std::string_view name);
  void FlushFunctions();
  const std::map<std::string, Library>& libraries() const { return libraries_; }
  const LibraryFunction* FindFunction(std::string_view name) const;
  size_t function_count() const { return function_owner_.size(); }
  size_t functions_lua_bytes() const { return functions_lua_bytes_; }
  // Runs `function` with KEYS and ARGV as its two arguments, replying as Run does.
  void RunFunction(const LibraryFunction& function, std::span<const std::string_view> keys,
                   std::span<const std::string_view> args, const ScriptCall& call,
                   resp::Writer& reply);

 private:
  friend struct EngineAccess;
  friend struct FunctionRegistrar;
  struct CachedScript {
    size_t body_size = 0;
    EvalShebangInfo shebang;
  };
  void Open();
  void Close();
  void OpenFunctions();
  // Pushes the `redis` table both states share (call, pcall, log, ...).
  void PushRedisLibrary(lua_State* L);
  // Compiles and runs one library's code in the functions state: the library, not yet added.
  Result<Library> CompileLibrary(std::string_view code);
  void ReleaseLibrary(Library& library);
  Result<void> CheckCollisions(const std::vector<Library>& incoming, bool replace) const;
  void AddLibrary(Library library);
  // Runs what is on top of L's stack (a function and its nargs arguments) as the script
  // `name`, with the run's bookkeeping, and writes its reply.
  void RunOnStack(lua_State* L, int nargs, bool function, std::string_view name,
                  const ScriptCall& call, resp::Writer& reply);

  lua_State* L_ = nullptr;
  size_t lua_bytes_ = 0;
  std::unordered_map<std::string, CachedScript> bodies_;  // sha -> what we keep of it
  size_t body_bytes_ = 0;
  // The functions state and its libraries; function_owner_ maps a function to its library.
  lua_State* FL_ = nullptr;
  size_t functions_lua_bytes_ = 0;
  std::map<std::string, Library> libraries_;
  std::map<std::string, std::string> function_owner_;
  Library* registering_ = nullptr;  // the library whose code is being run by LoadLibrary
  int64_t (*load_clock_ms_)() = nullptr;  // the clock of the load in progress, if any
  int64_t load_deadline_ms_ = 0;
  RunningScript current_;
  bool running_ = false;
  // The running script's context and state (valid while running_).
  const ScriptCall* call_ = nullptr;
  std::unique_ptr<Client> script_client_;
  int resp_ = 2;  // redis.setresp
  int repl_flags_ = 3;  // redis.set_repl (REPL_ALL)
  bool wrote_ = false;
  bool killed_ = false;
  bool busy_ = false;        // past busy-reply-threshold
  int64_t started_ms_ = 0;   // on call_->clock_ms
  unsigned runs_since_gc_step_ = 0;  // runs since the last explicit collector step
};

}  // namespace scripting
}  // namespace server
