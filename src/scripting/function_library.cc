// ScriptEngine's function libraries (FUNCTION LOAD, DELETE, FLUSH, RESTORE; FCALL): a second
// Lua state holds every library's functions, registered by running the library's code once
// with only `redis.register_function`, `redis.log` and the constants to hand (as Redis 7
// does). A load either adds the whole library or changes nothing.
#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "src/errors.h"
#include "src/scripting/engine_internal.h"
#include "src/scripting/lua_sandbox.h"
#include "src/scripting/script_engine.h"
#include "src/scripting/shebang.h"

namespace server::scripting {

namespace {

// Registry key of the table holding the globals a library's code sees while it loads.
char kLoadGlobalsKey;

constexpr const char* kFunctionNameInvalid =
    "Function names can only contain letters, numbers, or underscores(_) and must be at least "
    "one character long";

}  // namespace

// redis.register_function's work, split from the C function so that no C++ object is alive
// when Lua raises (it unwinds with longjmp). Returns an error message, or null when registered.
struct FunctionRegistrar {
  static bool LoadTimedOut(const ScriptEngine& engine) {
    return engine.load_clock_ms_ != nullptr && engine.load_clock_ms_() > engine.load_deadline_ms_;
  }
  // `argc` is how many arguments the script passed; index 2 is free for the callback when it
  // comes in a table.
  static const char* Register(lua_State* L, ScriptEngine& engine, int argc) {
    Library* library = engine.registering_;
    if (library == nullptr) {
      return "redis.register_function can only be called on FUNCTION LOAD command";
    }
    LibraryFunction fn;
    bool named = false;
    int callback = 0;  // stack index of the callback
    if (argc == 1) {
      if (!lua_istable(L, 1)) {
        return "calling redis.register_function with a single argument is only applicable to "
               "Lua table (representing named arguments).";
      }
      lua_pushnil(L);
      while (lua_next(L, 1) != 0) {
        // key at -2, value at -1
        if (lua_type(L, -2) != LUA_TSTRING) {
          lua_pop(L, 2);
          return "named argument key given to redis.register_function is not a string";
        }
        const char* key = lua_tostring(L, -2);
        if (std::strcmp(key, "function_name") == 0) {
          if (!lua_isstring(L, -1)) {
            lua_pop(L, 2);
            return "function_name argument given to redis.register_function must be a string";
          }
          fn.name = lua_tostring(L, -1);
          named = true;
        } else if (std::strcmp(key, "description") == 0) {
          if (!lua_isstring(L, -1)) {
            lua_pop(L, 2);
            return "description argument given to redis.register_function must be a string";
          }
          fn.description = lua_tostring(L, -1);
          fn.has_description = true;
        } else if (std::strcmp(key, "callback") == 0) {
          if (!lua_isfunction(L, -1)) {
            lua_pop(L, 2);
            return "callback argument given to redis.register_function must be a function";
          }
          lua_pushvalue(L, -1);
          lua_replace(L, 2);  // parked below the iteration
          callback = 2;
        } else if (std::strcmp(key, "flags") == 0) {
          if (!lua_istable(L, -1)) {
            lua_pop(L, 2);
            return "flags argument to redis.register_function must be a table representing "
                   "function flags";
          }
          const int flags = lua_gettop(L);
          for (int i = 1;; i++) {
            lua_rawgeti(L, flags, i);
            if (lua_isnil(L, -1)) {
              lua_pop(L, 1);
              break;
            }
            const uint32_t flag =
                lua_type(L, -1) == LUA_TSTRING ? ScriptFlagByName(lua_tostring(L, -1)) : 0;
            lua_pop(L, 1);
            if (flag == 0) {
              lua_pop(L, 2);
              return "unknown flag given";
            }
            fn.flags |= flag;
          }
        } else {
          lua_pop(L, 2);
          return "unknown argument given to redis.register_function";
        }
        lua_pop(L, 1);
      }
      if (!named) return "redis.register_function must get a function name argument";
      if (callback == 0) return "redis.register_function must get a callback argument";
    } else if (argc == 2) {
      if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
      if (!lua_isfunction(L, 2)) {
        return "second argument to redis.register_function must be a function";
      }
      fn.name = lua_tostring(L, 1);
      callback = 2;
    } else {
      return "wrong number of arguments to redis.register_function";
    }
    if (!ValidLibraryName(fn.name)) return kFunctionNameInvalid;
    if (library->functions.contains(fn.name)) return "Function already exists in the library";
    lua_pushvalue(L, callback);
    fn.ref = luaL_ref(L, LUA_REGISTRYINDEX);
    std::string name = fn.name;
    library->functions.emplace(std::move(name), std::move(fn));
    return nullptr;
  }
};

namespace {

// The count hook of a library's load run: past the deadline, the load fails.
void LoadTimeoutHook(lua_State* L, lua_Debug*) {
  if (!FunctionRegistrar::LoadTimedOut(EngineOf(L))) return;
  lua_pushstring(L, "FUNCTION LOAD timeout");
  lua_error(L);
}

int RegisterFunction(lua_State* L) {
  auto& engine = *static_cast<ScriptEngine*>(lua_touserdata(L, lua_upvalueindex(1)));
  // With one (table) argument the callback is parked at index 2 while the table is walked.
  const int argc = lua_gettop(L);
  if (argc == 1) lua_pushnil(L);
  const char* error = FunctionRegistrar::Register(L, engine, argc);
  if (error == nullptr) return 0;
  lua_pushstring(L, error);
  return lua_error(L);
}

}  // namespace

void ScriptEngine::OpenFunctions() {
  FL_ = NewSandbox(LuaAlloc, &functions_lua_bytes_);
  if (FL_ == nullptr) std::abort();  // out of memory at start-up
  PushRedisLibrary(FL_);
  lua_setglobal(FL_, "redis");
  SetEngine(FL_, this);
  // What a library's code sees while it loads: a redis table with register_function, log and
  // the constants, and nothing else.
  lua_pushlightuserdata(FL_, &kLoadGlobalsKey);
  lua_newtable(FL_);                  // the load-time globals
  lua_newtable(FL_);                  // their redis table
  lua_pushlightuserdata(FL_, this);
  lua_pushcclosure(FL_, RegisterFunction, 1);
  lua_setfield(FL_, -2, "register_function");
  lua_pushlightuserdata(FL_, this);
  lua_pushcclosure(FL_, RedisLog, 1);
  lua_setfield(FL_, -2, "log");
  PushRedisConstants(FL_);
  PushStrictReadonlyTable(FL_, -1);
  lua_remove(FL_, -2);
  lua_setfield(FL_, -2, "redis");
  lua_rawset(FL_, LUA_REGISTRYINDEX);
  Seal(FL_);
}

void ScriptEngine::ReleaseLibrary(Library& library) {
  for (auto& [name, fn] : library.functions) luaL_unref(FL_, LUA_REGISTRYINDEX, fn.ref);
  library.functions.clear();
}

Result<Library> ScriptEngine::CompileLibrary(std::string_view code) {
  auto name = ParseLibraryShebang(code);
  if (!name) return name.failure();
  const std::string source = WithoutShebang(code);
  if (luaL_loadbuffer(FL_, source.data(), source.size(), "@user_function") != 0) {
    std::string error = "ERR Error compiling function: ";
    if (const char* msg = lua_tostring(FL_, -1)) error += msg;
    lua_settop(FL_, 0);
    return Failure(std::move(error));
  }
  const int chunk = lua_gettop(FL_);
  lua_pushlightuserdata(FL_, &kLoadGlobalsKey);
  lua_rawget(FL_, LUA_REGISTRYINDEX);
  PushLibraryEnvironment(FL_, -1);
  lua_remove(FL_, -2);
  const int env = lua_gettop(FL_);
  lua_pushvalue(FL_, env);
  lua_setfenv(FL_, chunk);
  // Run the code (the chunk, moved above the handler) once, to register the functions.
  lua_pushcfunction(FL_, ErrorHandler);
  lua_pushvalue(FL_, chunk);
  Library library;
  library.name = std::move(*name);
  library.code.assign(code);
  registering_ = &library;
  if (load_clock_ms_ != nullptr) {
    load_deadline_ms_ = load_clock_ms_() + kLoadTimeoutMs;
    lua_sethook(FL_, LoadTimeoutHook, LUA_MASKCOUNT, 100000);
  }
  const int status = lua_pcall(FL_, 0, 0, env + 1);
  lua_sethook(FL_, nullptr, 0, 0);
  registering_ = nullptr;
  if (status != 0) {
    std::string error = "ERR Error registering functions: ";
    if (lua_istable(FL_, -1)) {
      lua_getfield(FL_, -1, "err");
      if (const char* msg = lua_tostring(FL_, -1)) error += msg;
    } else if (const char* msg = lua_tostring(FL_, -1)) {
      error += msg;
    }
    lua_settop(FL_, 0);
    ReleaseLibrary(library);
    return Failure(std::move(error));
  }
  // From now on its functions see the ordinary globals of a running script.
  OpenLibraryEnvironment(FL_, env);
  lua_settop(FL_, 0);
  if (library.functions.empty()) return Failure(err::kNoFunctionsRegistered);
  return library;
}

Result<void> ScriptEngine::CheckCollisions(const std::vector<Library>& incoming,
                                           bool replace) const {
  // A function name may belong to one library: among the incoming ones, and against the
  // libraries that stay (those not replaced by an incoming one of the same name).
  std::set<std::string_view> seen;
  for (const Library& library : incoming) {
    for (const auto& [name, fn] : library.functions) {
      if (!seen.insert(name).second) return Failure(err::FunctionExists(name));
      auto owner = function_owner_.find(name);
      if (owner == function_owner_.end()) continue;
      const bool owner_replaced =
          replace && std::any_of(incoming.begin(), incoming.end(),
                                 [&](const Library& l) { return l.name == owner->second; });
      if (!owner_replaced) return Failure(err::FunctionExists(name));
    }
  }
  return {};
}

void ScriptEngine::AddLibrary(Library library) {
  auto old = libraries_.find(library.name);
  if (old != libraries_.end()) {
    for (const auto& [name, fn] : old->second.functions) function_owner_.erase(name);
    ReleaseLibrary(old->second);
    libraries_.erase(old);
  }
  for (const auto& [name, fn] : library.functions) function_owner_[name] = library.name;
  std::string name = library.name;
  libraries_.emplace(std::move(name), std::move(library));
}

Result<std::string> ScriptEngine::LoadLibrary(std::string_view code, bool replace,
                                              int64_t (*clock_ms)()) {
  load_clock_ms_ = clock_ms;
  auto name = ParseLibraryShebang(code);
  if (!name) return name.failure();
  if (!replace && libraries_.contains(*name)) return Failure(err::LibraryExists(*name, true));
  auto library = CompileLibrary(code);
  if (!library) return library.failure();
  std::vector<Library> incoming;
  incoming.push_back(std::move(*library));
  if (auto ok = CheckCollisions(incoming, true); !ok) {
    ReleaseLibrary(incoming[0]);
    return ok.failure();
  }
  AddLibrary(std::move(incoming[0]));
  return std::move(*name);
}

Result<void> ScriptEngine::RestoreLibraries(std::span<const std::string> codes,
                                            RestorePolicy policy, int64_t (*clock_ms)()) {
  load_clock_ms_ = clock_ms;
  std::vector<Library> incoming;
  auto discard = [&] {
    for (Library& library : incoming) ReleaseLibrary(library);
  };
  std::set<std::string> names;
  for (const std::string& code : codes) {
    auto library = CompileLibrary(code);
    if (!library) {
      discard();
      return library.failure();
    }
    const bool clash = !names.insert(library->name).second ||
                       (policy == RestorePolicy::kAppend && libraries_.contains(library->name));
    std::string name = library->name;
    incoming.push_back(std::move(*library));
    if (clash) {
      discard();
      return Failure(err::LibraryExists(name, false));
    }
  }
  if (policy == RestorePolicy::kFlush) {
    for (auto& [name, library] : libraries_) ReleaseLibrary(library);
    libraries_.clear();
    function_owner_.clear();
  }
  if (auto ok = CheckCollisions(incoming, policy == RestorePolicy::kReplace); !ok) {
    discard();
    return ok.failure();
  }
  for (Library& library : incoming) AddLibrary(std::move(library));
  return {};
}

bool ScriptEngine::DeleteLibrary(std::string_view name) {
  auto it = libraries_.find(std::string(name));
  if (it == libraries_.end()) return false;
  for (const auto& [fname, fn] : it->second.functions) function_owner_.erase(fname);
  ReleaseLibrary(it->second);
  libraries_.erase(it);
  lua_gc(FL_, LUA_GCCOLLECT, 0);
  return true;
}

void ScriptEngine::FlushFunctions() {
  // A fresh state gives all of the old one's memory back at once.
  libraries_.clear();
  function_owner_.clear();
  lua_close(FL_);
  functions_lua_bytes_ = 0;
  OpenFunctions();
}

const LibraryFunction* ScriptEngine::FindFunction(std::string_view name) const {
  auto owner = function_owner_.find(std::string(name));
  if (owner == function_owner_.end()) return nullptr;
  const Library& library = libraries_.at(owner->second);
  return &library.functions.at(owner->first);
}

void ScriptEngine::RunFunction(const LibraryFunction& function,
                               std::span<const std::string_view> keys,
                               std::span<const std::string_view> args, const ScriptCall& call,
                               resp::Writer& reply) {
  lua_rawgeti(FL_, LUA_REGISTRYINDEX, function.ref);
  PushStringArray(FL_, keys);
  PushStringArray(FL_, args);
  // The name is copied: a function may not outlive its run (nothing deletes it meanwhile, but
  // the reply is built after the run's bookkeeping).
  const std::string name = function.name;
  RunOnStack(FL_, 2, true, name, call, reply);
}

}  // namespace server::scripting
