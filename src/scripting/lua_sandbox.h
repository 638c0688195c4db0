// The sandbox scripts run in, as Redis 7 builds it: Lua 5.1's base library less what could
// reach outside (print, dofile, loadfile, getfenv, setfenv, module, require, newproxy; no io,
// os, debug or package), table, string, math (random from a rand48 generator, as Redis's),
// cjson, bit, struct and cmsgpack, plus what the engine adds (redis). Once sealed, the globals
// and the libraries are read-only: reading a missing global or writing any is an error with
// Redis's text, rawset and setmetatable refuse the protected tables, and loadstring/load
// refuse precompiled chunks (which could break out of the VM) and run what they load in the
// sandbox too.
#pragma once

#include <lua.hpp>

namespace server::scripting {

// A new state with the libraries above (not yet sealed), or null when out of memory.
lua_State* NewSandbox(lua_Alloc alloc, void* ud);
// Makes the globals and every library table read-only; the state's globals become a proxy.
void Seal(lua_State* L);
// Pops the value on top of the stack into the real globals as `name` (KEYS, ARGV): works on a
// sealed state, which scripts cannot do.
void SetRealGlobal(lua_State* L, const char* name);
// The message handler every script runs under (also the global __redis__err__handler): turns
// the error into a table {err=..., source=..., line=...} naming where in the script it was
// raised; a string error becomes "ERR <message>".
int ErrorHandler(lua_State* L);

// Function libraries (FUNCTION LOAD). A library's code runs in an environment of its own whose
// globals are, while it loads, only what the table at `load_globals_index` holds (reading
// anything else is the missing-global error) and, once loaded, the sealed globals of the state,
// which its functions keep seeing. Writes fail either way. Pushes the environment.
void PushLibraryEnvironment(lua_State* L, int load_globals_index);
// Switches the environment at `env_index` from its load-time globals to the state's globals.
void OpenLibraryEnvironment(lua_State* L, int env_index);
// Pushes a read-only proxy of the table at `real_index` whose missing fields are the
// missing-global error (as the redis table a library sees while it loads).
void PushStrictReadonlyTable(lua_State* L, int real_index);

}  // namespace server::scripting
