// cmsgpack's model test: random values (nested tables of numbers, strings, booleans, with array
// and map shapes) packed then unpacked equal themselves; the same stream read with unpack,
// unpack_one and unpack_limit gives the same values and offsets that add up.
#include <catch2/catch.hpp>
#include <string>

#include "tests/src/scripting/lua_module_runner.h"

using lua_module_testing::RunLuaChunk;

namespace {

// Lua helpers on one line: Z[n] the 'z' padding of a string of n bytes (made once: Lua 5.1's
// string.rep adds one byte at a time), G(depth) a random value (no NaN, no nil in arrays, no table keys:
// those cannot come back equal), Eq(a, b) deep equality.
constexpr char kCmsgpackModelHelpers[] =
    "local Z = {} for _, n in ipairs({0, 1, 31, 32, 255, 256, 70000}) do "
    "  Z[n] = string.rep('z', n - math.min(n, 40)) end "
    "local G G = function(depth) "
    "local kind = math.random(depth > 3 and 6 or 8) "
    "if kind == 1 then return math.random(-200, 200) "
    "elseif kind == 2 then local e = math.random(0, 63) return math.floor((math.random() - 0.5) * "
    "2^e) "
    "elseif kind == 3 then return (math.random() - 0.5) * 10^math.random(-300, 300) "
    "elseif kind == 4 then local n = ({0, 1, 31, 32, 255, 256, 70000})[math.random(7)] "
    "  local t = {} for i = 1, math.min(n, 40) do t[i] = string.char(math.random(0, 255)) end "
    "  return table.concat(t) .. Z[n] "
    "elseif kind == 5 then return math.random(2) == 1 "
    "elseif kind == 6 then return ({1/0, -1/0, 2^63, -2^63, 2^53 + 2, -0.0, 0.1})[math.random(7)] "
    "elseif kind == 7 then local t = {} for i = 1, ({0, 3, 15, 16, 40})[math.random(5)] do "
    "  t[i] = G(depth + 1) end return t "
    "else local t = {} for i = 1, math.random(0, 20) do local k = G(depth + 3) "
    "  if type(k) ~= 'table' then t[k] = G(depth + 1) end end return t end end "
    "local Eq Eq = function(a, b) "
    "if type(a) ~= type(b) then return false end "
    "if type(a) ~= 'table' then return a == b end "
    "for k, v in pairs(a) do if not Eq(v, b[k]) then return false end end "
    "for k in pairs(b) do if a[k] == nil then return false end end return true end ";

std::string RunModelChunk(const std::string& chunk) {
  return RunLuaChunk(std::string(kCmsgpackModelHelpers) + chunk);
}

}  // namespace

TEST_CASE("cmsgpack round trips random nested values to equal values", "[scripting][cmsgpack]") {
  CHECK(RunModelChunk(
            "math.randomseed(7) "
            "for i = 1, 3000 do local v = G(0) local back = cmsgpack.unpack(cmsgpack.pack(v)) "
            "  if not Eq(v, back) then return 'differs at ' .. i end end "
            "return 'ok'") == "ok");
}

TEST_CASE(
    "cmsgpack packs several values as a stream that unpack, unpack_one and unpack_limit "
    "read alike",
    "[scripting][cmsgpack]") {
  CHECK(RunModelChunk(
            "math.randomseed(11) "
            "for round = 1, 300 do "
            "  local n = math.random(1, 12) local vs = {} for i = 1, n do vs[i] = G(1) end "
            "  local s = cmsgpack.pack(unpack(vs, 1, n)) "
            "  local all = {cmsgpack.unpack(s)} "
            "  if #all ~= n then return 'count ' .. #all .. ' ~= ' .. n end "
            "  for i = 1, n do if not Eq(vs[i], all[i]) then return 'unpack ' .. round end end "
            "  local offset, i = 0, 0 "
            "  while offset ~= -1 do local v offset, v = cmsgpack.unpack_one(s, offset) i = i + 1 "
            "    if not Eq(vs[i], v) then return 'unpack_one ' .. round end end "
            "  if i ~= n then return 'unpack_one count ' .. i end "
            "  local limit = math.random(1, 4) offset, i = 0, 0 "
            "  while offset ~= -1 do local got = {cmsgpack.unpack_limit(s, limit, offset)} "
            "    offset = got[1] for j = 2, #got do i = i + 1 "
            "      if not Eq(vs[i], got[j]) then return 'unpack_limit ' .. round end end end "
            "  if i ~= n then return 'unpack_limit count ' .. i end "
            "end return 'ok'") == "ok");
}

TEST_CASE(
    "cmsgpack.unpack of a random truncation or corruption of valid input fails cleanly or "
    "decodes",
    "[scripting][cmsgpack]") {
  // Every prefix and every one-byte change of a valid encoding either decodes or raises one of
  // the library's own errors: nothing crashes or reads out of bounds (the sanitizer build checks).
  CHECK(RunModelChunk(
            "math.randomseed(5) "
            "local known = {['Missing bytes in input.'] = true, ['Bad data format in input.'] = "
            "true, "
            "  ['table index is nil'] = true, ['table index is NaN'] = true} "
            "for round = 1, 200 do local s = cmsgpack.pack(G(0), G(0)) "
            "  for cut = 0, math.min(#s - 1, 60) do local ok, err = pcall(cmsgpack.unpack, "
            "s:sub(1, cut)) "
            "    if not ok and not known[err] then return 'cut: ' .. tostring(err) end end "
            "  local at = math.random(#s) "
            "  local bad = s:sub(1, at - 1) .. string.char(math.random(0, 255)) .. s:sub(at + 1) "
            "  local ok, err = pcall(cmsgpack.unpack, bad) "
            "  if not ok and not known[err] and not string.find(err, '^stack overflow') then "
            "    return 'corrupt: ' .. tostring(err) end "
            "end return 'ok'") == "ok");
}
