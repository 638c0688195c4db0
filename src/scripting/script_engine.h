// The Lua scripting engine behind EVAL and friends: one sandboxed Lua 5.1 state (see
// lua_sandbox.h), the script cache (compiled functions by SHA-1), and the running of a script
// with KEYS/ARGV, its redis.call/pcall bridge to the command table, and Redis's error shapes.
// Invariants: at most one script runs at a time (the server is single-threaded, and a script
// cannot start another: EVAL is noscript); the cache holds exactly the scripts loaded since
// the last flush, each compiled once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "src/result.h"

struct lua_State;

namespace resp {
class Writer;
}

namespace server {

struct ServerState;
struct Client;

namespace scripting {

// What one script run needs besides the script: who runs it, and under which rules.
struct ScriptCall {
  ServerState* state = nullptr;
  Client* caller = nullptr;
  bool read_only = false;  // EVAL_RO / EVALSHA_RO: write commands are refused
  int64_t now_ms = 0;      // the time the whole script sees
  // How long the script has run is measured on this clock (ms), against busy-reply-threshold.
  int64_t (*clock_ms)() = nullptr;
};

class ScriptEngine {
 public:
  ScriptEngine();
  ~ScriptEngine();
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // Compiles `body` and caches it under its SHA-1 (a no-op when cached): the sha, or Redis's
  // "Error compiling script" error.
  Result<std::string> Load(std::string_view body);
  // Whether `sha` (any case) names a cached script.
  bool Has(std::string_view sha) const;
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
    using Node = std::pair<const std::string, size_t>;
    constexpr size_t kPerScript = sizeof(void*) + sizeof(Node) + sizeof(size_t) + 48;
    return bodies_.size() * kPerScript + bodies_.bucket_count() * sizeof(void*);
  }
  bool running() const { return running_; }
  // Whether the running script has written (then SCRIPT KILL cannot stop it).
  bool wrote() const { return wrote_; }
  // Whether the last run was stopped by SCRIPT KILL or SHUTDOWN NOSAVE.
  bool killed() const { return killed_; }

  // Runs the cached script `sha` (lower case) and writes its reply, or its error in Redis's
  // shape, to `reply` (in the caller's protocol).
  void Run(std::string_view sha, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, const ScriptCall& call, resp::Writer& reply);

 private:
  friend struct EngineAccess;
  void Open();
  void Close();

  lua_State* L_ = nullptr;
  size_t lua_bytes_ = 0;
  std::unordered_map<std::string, size_t> bodies_;  // sha -> body size
  size_t body_bytes_ = 0;
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
