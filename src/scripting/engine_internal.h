// What script_engine.cc shares with function_library.cc (both implement ScriptEngine): the
// pieces of the redis library, the allocator that counts each Lua state's bytes, and the
// registry key under which each state finds its engine. Not for use outside src/scripting/.
#pragma once

#include <cstddef>

#include <lua.hpp>

namespace server::scripting {

// Sets LOG_* and REDIS_VERSION(_NUM) on the table on top of the stack.
void PushRedisConstants(lua_State* L);
// redis.log (expects the engine as upvalue 1, like every redis.* function).
int RedisLogFunction(lua_State* L);
// lua_Alloc counting into the size_t that `ud` points at.
void* LuaAlloc(void* ud, void* ptr, size_t osize, size_t nsize);
// Registry key (by address) of the light userdata pointing at the state's ScriptEngine.
extern char kEngineKey;
// Sets the count hook that measures a run against busy-reply-threshold on `L`.
void SetBusyHook(lua_State* L);

}  // namespace server::scripting
