// What script_engine.cc shares with function_library.cc (both implement ScriptEngine): the
// pieces of the redis library, the allocator that counts each Lua state's bytes, and the
// registry key under which each state finds its engine. Not for use outside src/scripting/.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <lua.hpp>

namespace server::scripting {

// Sets LOG_* and REDIS_VERSION(_NUM) on the table on top of the stack.
void PushRedisConstants(lua_State* L);
// redis.log (expects the engine as upvalue 1, like every redis.* function).
int RedisLog(lua_State* L);
// lua_Alloc counting into the size_t that `ud` points at.
void* LuaAlloc(void* ud, void* ptr, size_t osize, size_t nsize);
class ScriptEngine;
// Where a state finds its engine (for the hooks, which get no upvalues).
void SetEngine(lua_State* L, ScriptEngine* engine);
ScriptEngine& EngineOf(lua_State* L);
// Pushes a Lua array of the strings (KEYS and ARGV).
void PushStringArray(lua_State* L, std::span<const std::string_view> items);
// Sets the count hook that measures a run against busy-reply-threshold on `L`.
void SetBusyHook(lua_State* L);

}  // namespace server::scripting
