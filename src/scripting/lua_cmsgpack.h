// cmsgpack, the MessagePack library Redis gives scripts (Debian has no package for it): pack,
// unpack, unpack_one, unpack_limit, with Redis 7.0's encodings, limits and error texts. Written
// from the library's documentation and Redis 7.0's observed behaviour. Stateless: every function
// works on its arguments alone, and every Lua error leaves nothing allocated outside Lua.
#pragma once

#include <lua.hpp>

namespace server::scripting {

// Pushes the module table (like a luaopen_ function) and returns 1.
int OpenCmsgpack(lua_State* L);

}  // namespace server::scripting
