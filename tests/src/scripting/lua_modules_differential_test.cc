// cmsgpack and struct against Redis 7.0 on random input: a Lua chunk (with its own seeded
// generator, since Redis replaces math.random) unpacks random bytes with all three unpackers,
// packs random nested values, and runs struct.pack/unpack/size on random formats and arguments,
// printing every result or error. For each seed, the length and FNV-1a 64 of what Redis 7.0.15
// returned for the same chunk by EVAL (prefixed by the helpers of lua_module_runner.h) are below.
// rep() memoizes string.rep (Lua 5.1 builds its result a byte at a time), which leaves the
// output as it was. On a mismatch, run the chunk on both and diff the outputs: the line that
// differs names the input.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "tests/src/scripting/lua_module_runner.h"

using lua_module_testing::RunLuaChunk;

namespace {

// SEED is replaced by the seed.
constexpr char kLuaModulesFuzzChunk[] = R"~(
local seed = SEED local function rnd(n) seed = (seed * 16807) % 2147483647 return seed % n end
local out = {}
local interesting =
  {0x00,0x01,0x7f,0x80,0x81,0x82,0x8f,0x90,0x91,0x92,0x9f,0xa0,0xa1,0xa3,0xbf,0xc0,0xc1,
  0xc2,0xc3,0xc4,0xca,0xcb,0xcc,0xcd,0xce,0xcf,0xd0,0xd1,0xd2,0xd3,0xd9,
  0xda,0xdb,0xdc,0xdd,0xde,0xdf,0xe0,0xff}
for i = 1, 300 do
  local len = rnd(14) local b = {}
  for j = 1, len do if rnd(2) == 0 then b[j] = string.char(interesting[rnd(#interesting)+1])
  else b[j] = string.char(rnd(256)) end end
  local s = table.concat(b)
  out[#out+1] = X(s) .. ' ' .. P(cmsgpack.unpack, s)
  out[#out+1] = P(cmsgpack.unpack_one, s, rnd(5))
  out[#out+1] = P(cmsgpack.unpack_limit, s, rnd(5) - 1, rnd(5))
end
local function num()
  local k = rnd(6)
  if k == 0 then return rnd(2^31) - 2^30 elseif k == 1 then return (rnd(2^31) - 2^30) *
  2^(rnd(80) - 20)
  elseif k == 2 then return (rnd(2^31) - 2^30) / 2^rnd(60) elseif k == 3 then return ({0, -0.0,
  1/0, -1/0, 2^63, -2^63, 2^64, 2^53+1, 2^32, -2^31, 255, 256, -33})[rnd(13)+1]
  elseif k == 4 then return rnd(300) - 150 else return (rnd(2^31) * 2^22 + rnd(2^22)) * (rnd(2)
  == 0 and 1 or -1) end
end
local reps = {} local function rep(c, n) local k = c .. n local s = reps[k]
  if not s then s = string.rep(c, n) reps[k] = s end return s end
local gen gen = function(d)
  local k = rnd(d > 4 and 4 or 7)
  if k == 0 then return num() elseif k == 1 then return rep(string.char(65 + rnd(26)),
  ({0, 1, 31, 32, 33, 255, 256, 65535, 65536})[rnd(9)+1])
  elseif k == 2 then return rnd(2) == 0 elseif k == 3 then return nil
  elseif k == 4 then local t = {} for j = 1, ({0, 1, 3, 15, 16, 17})[rnd(6)+1] do if rnd(8) ~= 0
  then t[j] = gen(d + 1) end end return t
  elseif k == 5 then local t = {} for j = 1, rnd(20) do local key = ({num(), 'k' .. rnd(30),
  true, false, rnd(5) + 1})[rnd(5)+1] local v = gen(d + 1) if v ~= nil then t[key] = v end end
  return t
  else local t = {} local c = t for j = 1, rnd(20) do c[1] = {} c = c[1] end return t end
end
for i = 1, 300 do
  local v = gen(0) local w = gen(2)
  local s = cmsgpack.pack(v, w)
  out[#out+1] = X(string.sub(s, 1, 200)) .. ' ' .. #s
  local ok, a, b = pcall(cmsgpack.unpack, s)
  local again = ok and cmsgpack.pack(a, b) or ''
  out[#out+1] = R(ok, ok and #again or a, X(string.sub(again, 1, 100)), type(a), type(b))
end
local tokens = {">", "<", "!", "!2", "!4", "!8", "b", "B", "h", "H", "l", "L", "T", "i", "I",
  "i3", "I5", "i9", "I12", "f", "d", "x", "s", "c", "c2", "c0", " ", "i0", "q"}
local function arg() local k = rnd(4) if k == 0 then return num() elseif k == 1 then return
  ({"", "ab", "12", "a\0b", "hello world"})[rnd(5)+1] elseif k == 2 then return rnd(100) else
  return nil end end
for i = 1, 400 do
  local f = {} for j = 1, rnd(5) + 1 do f[j] = tokens[rnd(#tokens)+1] end local fmt =
  table.concat(f)
  local a = {arg(), arg(), arg(), arg(), arg()}
  local r = {pcall(struct.pack, fmt, a[1], a[2], a[3], a[4], a[5])}
  out[#out+1] = fmt .. ' | ' .. R(unpack(r, 1, 2))
  if r[1] then out[#out+1] = P(struct.unpack, fmt, r[2]) out[#out+1] = P(struct.unpack, fmt,
  r[2] .. 'xyz', rnd(6) - 1) end
  out[#out+1] = P(struct.size, fmt)
  local len = rnd(20) local b = {} for j = 1, len do b[j] = string.char(rnd(256)) end
  out[#out+1] = P(struct.unpack, fmt, table.concat(b), rnd(4) + 1)
end
return table.concat(out, '\n'))~";

uint64_t LuaModulesFnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

struct LuaModulesFuzzDigest {
  int seed;
  size_t length;
  uint64_t fnv1a;
};

}  // namespace

TEST_CASE("cmsgpack and struct give Redis 7.0's output on random inputs, byte for byte",
          "[scripting][cmsgpack][struct]") {
  constexpr LuaModulesFuzzDigest kRedisDigests[] = {
      {1, 183325, 0x44ee3d1a3b91ce1aull}, {2, 178901, 0x11fc82e4931b0f3aull},
      {3, 189659, 0x3284a7a50877d2bcull}, {4, 180541, 0x3b6d363375de793full},
      {5, 189231, 0x4a1b5627218409d4ull}, {6, 184679, 0x8f65dad3c94c6733ull},
  };
  for (const LuaModulesFuzzDigest& d : kRedisDigests) {
    std::string chunk = kLuaModulesFuzzChunk;
    chunk.replace(chunk.find("SEED"), 4, std::to_string(d.seed));
    std::string output = RunLuaChunk(chunk);
    INFO("seed " << d.seed << ", output begins: " << output.substr(0, 200));
    CHECK(output.size() == d.length);
    CHECK(LuaModulesFnv1a(output) == d.fnv1a);
  }
}
