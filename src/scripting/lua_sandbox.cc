#include "src/scripting/lua_sandbox.h"

// Debian's headers for the two libraries declare their openers without C linkage.
extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "src/scripting/lua_cmsgpack.h"
#include "src/scripting/lua_struct.h"

namespace server::scripting {

namespace {

// A stack index that stays valid as values are pushed (Lua 5.1 has no lua_absindex).
int AbsIndex(lua_State* L, int index) {
  return index < 0 && index > LUA_REGISTRYINDEX ? lua_gettop(L) + index + 1 : index;
}

// Registry keys (their addresses are unique).
char kRealGlobalsKey;
char kProtectedKey;
char kRandStateKey;

constexpr const char* kRemovedGlobals[] = {"print",   "dofile",  "loadfile", "getfenv",
                                           "setfenv", "module",  "require",  "newproxy"};
constexpr const char* kProtectedLibraries[] = {"string", "table", "math",     "coroutine",
                                               "cjson",  "bit",   "struct",   "cmsgpack",
                                               "redis"};

// "<where>: <message>" for the script code that called the C function raising it, as the VM
// words its own errors (level 0 is the C function itself, level 1 its caller).
int RaiseAtCaller(lua_State* L, const char* message) {
  luaL_where(L, 1);
  lua_pushstring(L, message);
  lua_concat(L, 2);
  return lua_error(L);
}

int ReadonlyError(lua_State* L) { return RaiseAtCaller(L, "Attempt to modify a readonly table"); }

// __index of the globals proxy: the real global, or Redis's error for a missing one. (No C++
// object may be alive when Lua raises: it unwinds with longjmp.)
int GlobalsIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  const char* name = lua_tostring(L, 2);
  luaL_where(L, 1);
  lua_pushfstring(L, "Script attempted to access nonexistent global variable '%s'",
                  name ? name : "?");
  lua_concat(L, 2);
  return lua_error(L);
}

// Pushes the table the protected table at `index` guards (its real contents), or nil when the
// value there is not a protected table.
void PushGuarded(lua_State* L, int index) {
  index = AbsIndex(L, index);
  lua_pushlightuserdata(L, &kProtectedKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, index);
  lua_rawget(L, -2);
  lua_remove(L, -2);
}

bool IsProtected(lua_State* L, int index) {
  PushGuarded(L, index);
  const bool is = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return is;
}

// rawset and setmetatable, refusing the protected tables (Redis's VM refuses them too).
int SafeRawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (IsProtected(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
  }
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int SafeSetmetatable(lua_State* L) {
  if (lua_type(L, 1) == LUA_TTABLE && IsProtected(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // the original setmetatable
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// next, pairs and ipairs (upvalue 1, the original) walk a protected table's contents: the
// proxy itself is empty, but Redis's read-only tables can be walked.
int SeeThrough(lua_State* L) {
  if (lua_type(L, 1) == LUA_TTABLE) {
    PushGuarded(L, 1);
    if (lua_istable(L, -1)) {
      lua_replace(L, 1);
    } else {
      lua_pop(L, 1);
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// Runs the original loader (upvalue 1) on a source that is not a precompiled chunk, and gives
// what it loaded the sandbox's globals.
int SafeLoad(lua_State* L) {
  const bool from_string = lua_type(L, 1) == LUA_TSTRING;
  if (!from_string) {
    // load(function): gather the pieces first, so the check sees the whole chunk.
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    while (true) {
      lua_pushvalue(L, 1);
      lua_call(L, 0, 1);
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        break;
      }
      if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
      luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    lua_replace(L, 1);
  }
  size_t len;
  const char* s = lua_tolstring(L, 1, &len);
  if (len > 0 && s[0] == LUA_SIGNATURE[0]) {
    lua_pushnil(L);
    lua_pushstring(L, "precompiled chunks are not allowed");
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 2);
  if (lua_isfunction(L, -2)) {
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_setfenv(L, -3);
  }
  return 2;
}

// Redis's math.random: a rand48 generator (X' = 0x5DEECE66D X + 11 mod 2^48, 31 bits out),
// seeded by math.randomseed as srand48 is, and Lua 5.1's formulas over it.
uint64_t& RandState(lua_State* L) {
  lua_pushlightuserdata(L, &kRandStateKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* state = static_cast<uint64_t*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *state;
}

int32_t NextRand48(lua_State* L) {
  uint64_t& x = RandState(L);
  x = (0x5DEECE66DULL * x + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(x >> 17);
}

void SeedRand48(lua_State* L, uint32_t seed) {
  RandState(L) = (static_cast<uint64_t>(seed) << 16) | 0x330E;
}

int MathRandom(lua_State* L) {
  constexpr int32_t kMax = INT32_MAX;
  const lua_Number r = static_cast<lua_Number>(NextRand48(L) % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      const int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      const int l = luaL_checkint(L, 1);
      const int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  SeedRand48(L, static_cast<uint32_t>(static_cast<int64_t>(luaL_checknumber(L, 1))));
  return 0;
}

void OpenLibrary(lua_State* L, lua_CFunction open, const char* name) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

// Replaces the global `name` (a function) by `wrapper` holding the original as upvalue 1.
void Wrap(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setglobal(L, name);
}

// An empty table whose reads go to `real` (the value at `real_index`) and whose writes fail,
// its metatable hidden; registered as protected. Leaves the proxy on the stack.
void PushProxy(lua_State* L, int real_index, lua_CFunction index_fn) {
  real_index = AbsIndex(L, real_index);
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  if (index_fn != nullptr) {
    lua_pushvalue(L, real_index);
    lua_pushcclosure(L, index_fn, 1);
  } else {
    lua_pushvalue(L, real_index);
  }
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyError);
  lua_setfield(L, -2, "__newindex");
  lua_newtable(L);  // what getmetatable shows (Redis shows a table too); the real one stays hidden
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  // Registered as protected, with the table it guards (for pairs, next and ipairs).
  lua_pushlightuserdata(L, &kProtectedKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, real_index);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

}  // namespace

lua_State* NewSandbox(lua_Alloc alloc, void* ud) {
  lua_State* L = lua_newstate(alloc, ud);
  if (L == nullptr) return nullptr;
  OpenLibrary(L, luaopen_base, "");
  OpenLibrary(L, luaopen_table, LUA_TABLIBNAME);
  OpenLibrary(L, luaopen_string, LUA_STRLIBNAME);
  OpenLibrary(L, luaopen_math, LUA_MATHLIBNAME);
  lua_pushcfunction(L, luaopen_cjson);
  lua_call(L, 0, 1);
  lua_setglobal(L, "cjson");
  lua_pushcfunction(L, luaopen_bit);
  lua_call(L, 0, 1);
  lua_setglobal(L, "bit");
  lua_pushcfunction(L, OpenStruct);
  lua_call(L, 0, 1);
  lua_setglobal(L, "struct");
  lua_pushcfunction(L, OpenCmsgpack);
  lua_call(L, 0, 1);
  lua_setglobal(L, "cmsgpack");
  for (const char* name : kRemovedGlobals) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  // math.random's generator state, as rand48 starts when never seeded (so does Redis's).
  lua_pushlightuserdata(L, &kRandStateKey);
  lua_newuserdata(L, sizeof(uint64_t));
  lua_rawset(L, LUA_REGISTRYINDEX);
  RandState(L) = 0x1234ABCD330EULL;
  lua_getglobal(L, "math");
  lua_pushcfunction(L, MathRandom);
  lua_setfield(L, -2, "random");
  lua_pushcfunction(L, MathRandomseed);
  lua_setfield(L, -2, "randomseed");
  lua_pop(L, 1);
  lua_pushlightuserdata(L, &kProtectedKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  Wrap(L, "loadstring", SafeLoad);
  Wrap(L, "load", SafeLoad);
  Wrap(L, "setmetatable", SafeSetmetatable);
  Wrap(L, "next", SeeThrough);
  Wrap(L, "pairs", SeeThrough);
  Wrap(L, "ipairs", SeeThrough);
  lua_pushcfunction(L, SafeRawset);
  lua_setglobal(L, "rawset");
  lua_pushcfunction(L, ErrorHandler);
  lua_setglobal(L, "__redis__err__handler");
  return L;
}

void Seal(lua_State* L) {
  // Each library (present) is replaced in the real globals by a read-only proxy of itself.
  for (const char* name : kProtectedLibraries) {
    lua_getglobal(L, name);
    if (lua_istable(L, -1)) {
      PushProxy(L, -1, nullptr);
      lua_setglobal(L, name);
    }
    lua_pop(L, 1);
  }
  lua_pushvalue(L, LUA_GLOBALSINDEX);  // the real globals
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
  PushProxy(L, -1, GlobalsIndex);
  // _G names the proxy, and the proxy becomes the state's globals: what scripts, and chunks
  // they load, see.
  lua_pushstring(L, "_G");
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_pop(L, 1);
}

void SetRealGlobal(lua_State* L, const char* name) {
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushstring(L, name);
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

void PushLibraryEnvironment(lua_State* L, int load_globals_index) {
  load_globals_index = AbsIndex(L, load_globals_index);
  // The load-time globals: the given table, strict about missing names.
  PushProxy(L, load_globals_index, GlobalsIndex);
  const int strict = lua_gettop(L);
  PushProxy(L, strict, nullptr);
  lua_remove(L, strict);
}

void OpenLibraryEnvironment(lua_State* L, int env_index) {
  env_index = AbsIndex(L, env_index);
  lua_getmetatable(L, env_index);  // the real metatable: getmetatable's __metatable is a decoy
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

void PushStrictReadonlyTable(lua_State* L, int real_index) {
  PushProxy(L, real_index, GlobalsIndex);
}

int ErrorHandler(lua_State* L) {
  lua_Debug ar;
  bool located = false;
  // Level 1 is where the error was raised; when that is a C function (redis.call, error), the
  // script line that called it is one level up.
  for (int level = 1; level <= 2 && !located; level++) {
    if (lua_getstack(L, level, &ar) == 0) break;
    lua_getinfo(L, "Sl", &ar);
    if (std::strcmp(ar.what, "C") != 0) located = true;
  }
  if (!lua_istable(L, 1)) {
    lua_getglobal(L, "tostring");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_pushstring(L, "ERR ");
    lua_insert(L, -2);
    lua_concat(L, 2);
    lua_newtable(L);
    lua_pushstring(L, "err");
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_replace(L, 1);
    lua_settop(L, 1);
  }
  if (located) {
    lua_pushstring(L, "source");
    lua_pushstring(L, ar.source);
    lua_rawset(L, 1);
    lua_pushstring(L, "line");
    lua_pushinteger(L, ar.currentline);
    lua_rawset(L, 1);
  }
  lua_settop(L, 1);
  return 1;
}

}  // namespace server::scripting
