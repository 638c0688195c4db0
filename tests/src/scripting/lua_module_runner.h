// A Lua state for the unit tests of the scripting libraries (cmsgpack, struct): Lua 5.1's
// standard libraries plus the module under test as a global, as scripts see them in Redis.
// RunLuaChunk runs one line of Lua after the helpers below (all on line 1, so positions read
// "user_script:1:" as in Redis's replies) and returns what it returned, or "error: <message>".
// The helpers print values the same way in a test and in an EVAL on Redis 7.0, which is where
// the expected strings come from:
//   H("93 01")  the bytes of a hex string        X(s)  a string as hex
//   D(v)        a value: numbers with %.17g, printable strings quoted, others as x<hex>, tables
//               as {k=v,...} sorted
//   R(...)      every argument through D, space-separated (nil included)
//   P(f, ...)   R(pcall(f, ...))
#pragma once

#include <lua.hpp>
#include <string>

#include "src/scripting/lua_cmsgpack.h"
#include "src/scripting/lua_struct.h"

namespace lua_module_testing {

inline constexpr char kLuaTestHelpers[] =
    "local function H(h) return (string.gsub(h, '%s*(%x%x)%s*', function(x) return "
    "string.char(tonumber(x, 16)) end)) end "
    "local function X(s) return (string.gsub(s, '.', function(c) return string.format('%02x', "
    "string.byte(c)) end)) end "
    "local D D = function(v) "
    "local t = type(v) if t == 'string' then if string.find(v, '^[ -~]*$') then return '\"' .. v "
    ".. '\"' end return 'x' .. X(v) elseif t == 'number' then return string.format('%.17g', v) "
    "elseif t == 'table' then "
    "local parts = {} for k, x in pairs(v) do parts[#parts + 1] = D(k) .. '=' .. D(x) end "
    "table.sort(parts) return '{' .. table.concat(parts, ',') .. '}' else return tostring(v) end "
    "end "
    "local function R(...) "
    "local n = select('#', ...) "
    "local args = {...} "
    "local parts = {} for i = 1, n do parts[i] = D(args[i]) end return table.concat(parts, ' ') "
    "end "
    "local function P(f, ...) return R(pcall(f, ...)) end ";

inline std::string RunLuaChunk(const std::string& chunk) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  server::scripting::OpenCmsgpack(L);
  lua_setglobal(L, "cmsgpack");
  server::scripting::OpenStruct(L);
  lua_setglobal(L, "struct");
  std::string code = std::string(kLuaTestHelpers) + chunk;
  std::string result;
  if (luaL_loadbuffer(L, code.data(), code.size(), "@user_script") != 0 ||
      lua_pcall(L, 0, 1, 0) != 0) {
    result = "error: ";
  }
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  result += text ? std::string(text, len) : std::string("(") + luaL_typename(L, -1) + ")";
  lua_close(L);
  return result;
}

// A chunk and what Redis 7.0 returned for it (by EVAL, with the same helpers).
struct RedisObservation {
  const char* chunk;
  const char* redis_reply;
};

// Runs each chunk here and checks the result against Redis's.
inline void CheckAgainstRedis(std::initializer_list<RedisObservation> observations) {
  for (const RedisObservation& o : observations) {
    INFO("chunk: " << o.chunk);
    CHECK(RunLuaChunk(o.chunk) == o.redis_reply);
  }
}

}  // namespace lua_module_testing
