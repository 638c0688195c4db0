// Fuzz target: the conversions between replies and Lua values (src/scripting/lua_convert.h),
// and the script libraries written here whose results go through them (cmsgpack, struct). The
// first byte picks the mode:
//   0: the rest is a reply, pushed as a Lua value (PushReply) and written back (WriteLuaValue);
//   1: the rest describes a Lua value (nested tables with ok/err/double/map/set/... fields,
//      numbers of any bit pattern), written as a reply in both protocols and pushed back;
//   2: EVAL, in a real server, of scripts that decode the rest (cmsgpack, struct, cjson) or
//      build a reply of every shape from it, for a RESP2 or a RESP3 client.
// Oracles, besides the sanitizers: every reply written is exactly one well-formed RESP frame,
// and what WriteLuaValue writes, PushReply reads (but a null as a map key or set member).
#include <lua.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/scripting/lua_convert.h"
#include "tests/fuzz/support/fuzz_input.h"
#include "tests/fuzz/support/fuzz_keyspace.h"
#include "tests/fuzz/support/resp_frames.h"
#include "tests/support/command_harness.h"

namespace {

using fuzz_support::FuzzInput;

void Check(bool ok, const char* what, std::string_view detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "lua_convert_fuzz: %s: '%.*s'\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

bool OneFrame(std::string_view reply) {
  return fuzz_support::FrameEnd(reply, 0) == reply.size();
}

// Writes the value on top of the stack in both protocols and both script modes; each must be
// one frame that PushReply reads back.
void WriteEveryWay(lua_State* L) {
  for (int protocol : {2, 3}) {
    for (int script_resp : {2, 3}) {
      std::string out;
      resp::Writer w(out, protocol);
      server::scripting::WriteLuaValue(L, -1, w, script_resp);
      Check(OneFrame(out), "WriteLuaValue wrote a malformed reply", out);
      const int top = lua_gettop(L);
      const bool read = server::scripting::PushReply(L, out);
      // (A RESP3 reply of a RESP2-mode script writes false as a null, and a null map key or set
      // member is refused: no Lua table can hold it.)
      Check(read || (protocol == 3 && script_resp == 2), "PushReply refused what WriteLuaValue wrote", out);
      lua_settop(L, top);
    }
  }
}

// Pushes a Lua value described by the input; `budget` bounds the nodes.
void PushValue(lua_State* L, FuzzInput& in, int depth, int& budget) {
  lua_checkstack(L, 8);
  const size_t tag = --budget <= 0 || depth > 6 ? in.Below(6) : in.Below(16);
  auto push_string = [&] {
    const std::string_view s = in.Bytes(12);
    lua_pushlstring(L, s.data(), s.size());
  };
  auto field = [&](const char* name, auto push) {
    lua_newtable(L);
    lua_pushstring(L, name);
    push();
    lua_rawset(L, -3);
  };
  switch (tag) {
    case 0:
      lua_pushnil(L);
      return;
    case 1:
      lua_pushboolean(L, in.Flag());
      return;
    case 2: {
      // Any bit pattern: NaN, infinities, the int64 limits and beyond.
      uint64_t bits = 0;
      for (int i = 0; i < 8; i++) bits = bits << 8 | in.Byte();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      lua_pushnumber(L, d);
      return;
    }
    case 3:
      lua_pushnumber(L, static_cast<int8_t>(in.Byte()) * 0.5);
      return;
    case 4:
    case 5:
      push_string();
      return;
    case 6:
    case 7: {
      // An array, perhaps with a hole (the reply stops at the first nil).
      const size_t n = in.Below(5);
      lua_createtable(L, static_cast<int>(n), 0);
      for (size_t i = 1; i <= n; i++) {
        PushValue(L, in, depth + 1, budget);
        lua_rawseti(L, -2, static_cast<int>(i + (in.Below(8) == 0 ? 1 : 0)));
      }
      return;
    }
    case 8:
      return field("ok", [&] { PushValue(L, in, depth + 1, budget); });
    case 9:
      return field("err", [&] { PushValue(L, in, depth + 1, budget); });
    case 10:
      return field("double", [&] { PushValue(L, in, depth + 1, budget); });
    case 11:
      return field("big_number", [&] { PushValue(L, in, depth + 1, budget); });
    case 12:
      return field("verbatim_string", [&] {
        lua_newtable(L);
        lua_pushstring(L, "format");
        PushValue(L, in, depth + 1, budget);
        lua_rawset(L, -3);
        lua_pushstring(L, "string");
        PushValue(L, in, depth + 1, budget);
        lua_rawset(L, -3);
      });
    case 13:
    case 14: {
      const char* kind = tag == 13 ? "map" : "set";
      return field(kind, [&] {
        lua_newtable(L);
        const size_t n = in.Below(4);
        for (size_t i = 0; i < n; i++) {
          PushValue(L, in, depth + 1, budget);  // the key
          if (tag == 13) {
            PushValue(L, in, depth + 1, budget);
          } else {
            lua_pushboolean(L, 1);
          }
          // A table key must be neither nil nor NaN (Lua raises an error for both).
          if (lua_isnil(L, -2) || (lua_isnumber(L, -2) && lua_tonumber(L, -2) != lua_tonumber(L, -2))) {
            lua_pop(L, 2);
          } else {
            lua_rawset(L, -3);
          }
        }
      });
    }
    default: {
      // A table that is several things at once: the writer decides by its field order.
      lua_newtable(L);
      for (const char* name : {"err", "ok", "double", "map", "set", "big_number"}) {
        if (in.Flag()) continue;
        lua_pushstring(L, name);
        PushValue(L, in, depth + 1, budget);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 2);
        } else {
          lua_rawset(L, -3);
        }
      }
      return;
    }
  }
}

const char* const kScripts[] = {
    "return cmsgpack.unpack(ARGV[1])",
    "return {cmsgpack.unpack(ARGV[1])}",
    "return cmsgpack.pack(cmsgpack.unpack(ARGV[1]))",
    "return {cmsgpack.unpack_one(ARGV[1], tonumber(ARGV[2]) or 0)}",
    "return {cmsgpack.unpack_limit(ARGV[1], tonumber(ARGV[2]) or 1, tonumber(ARGV[3]) or 0)}",
    "return {struct.unpack(ARGV[1], ARGV[2])}",
    "return struct.size(ARGV[1])",
    "return struct.pack(ARGV[1], tonumber(ARGV[2]) or ARGV[2], tonumber(ARGV[3]) or ARGV[3])",
    "return cjson.decode(ARGV[1])",
    "redis.setresp(3) return redis.call('echo', ARGV[1])",
    "return {ok=ARGV[1]}",
    "return {err=ARGV[1]}",
    "return {big_number=ARGV[1]}",
    "return {verbatim_string={format=ARGV[1], string=ARGV[2]}}",
    "return {double=tonumber(ARGV[1])}",
    "return {map={[ARGV[1]]=ARGV[2]}, set={[ARGV[3]]=true}}",
    "return tonumber(ARGV[1])",
};

void RunScripts(FuzzInput& in) {
  testing_support::CommandHarness h;
  h.state.config = fuzz_support::FuzzConfig();
  if (in.Flag()) h.Run({"HELLO", "3"});
  const char* script = kScripts[in.Below(std::size(kScripts))];
  std::vector<std::string> argv = {"EVAL", script, "0"};
  for (int i = 0; i < 2; i++) argv.emplace_back(in.Bytes(32));
  argv.emplace_back(in.Rest());
  const std::string reply = h.Run(argv);
  Check(OneFrame(reply), "a script's reply is malformed", reply);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const size_t mode = in.Below(3);
  if (mode == 2) {
    RunScripts(in);
    return 0;
  }
  lua_State* L = luaL_newstate();
  if (mode == 0) {
    const std::string_view reply = in.Rest();
    if (server::scripting::PushReply(L, reply)) WriteEveryWay(L);
  } else {
    int budget = 64;
    PushValue(L, in, 0, budget);
    WriteEveryWay(L);
  }
  lua_close(L);
  return 0;
}
