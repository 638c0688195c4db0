// struct, Roberto Ierusalimschy's binary packing library as Redis gives it to scripts (Debian has
// no package for it): pack(fmt, ...), unpack(fmt, s [, pos]) and size(fmt), with Redis 7.0's
// results and error texts, byte order and alignment included. Written from the library's
// documentation and Redis 7.0's observed behaviour (x86-64: int 4 bytes, long and size_t 8).
#pragma once

#include <lua.hpp>

namespace server::scripting {

// Pushes the module table (like a luaopen_ function) and returns 1.
int OpenStruct(lua_State* L);

}  // namespace server::scripting
