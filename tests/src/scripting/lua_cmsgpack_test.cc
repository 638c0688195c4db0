// cmsgpack against Redis 7.0: every expected string below is what Redis 7.0.15 returned for the
// same chunk run by EVAL (the helpers H, X, R, P are in lua_module_runner.h), so these tests pin
// the encodings, the decodings and the error texts byte for byte.
#include <catch2/catch.hpp>
#include <string>

#include "tests/src/scripting/lua_module_runner.h"

using lua_module_testing::CheckAgainstRedis;

TEST_CASE("cmsgpack.pack packs the example from the brief as Redis does", "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(cmsgpack.pack({1,2,"a",{x=1}})))~", R"~(940102a16181a17801)~"},
  });
}

TEST_CASE("cmsgpack.pack picks the smallest integer form on each side of zero",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(cmsgpack.pack(0,1,127,128,255,256,65535,65536,4294967295,4294967296)))~",
       R"~(00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000)~"},
      {R"~(return X(cmsgpack.pack(-1,-32,-33,-128,-129,-32768,-32769,-2147483648,-2147483649)))~",
       R"~(ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff)~"},
      {R"~(return X(cmsgpack.pack(2^31, 2^32-1, -2^31-1, 2^63-1024, -2^63, 16777217)))~",
       R"~(ce80000000ceffffffffd3ffffffff7fffffffcf7ffffffffffffc00d38000000000000000ce01000001)~"},
  });
}

TEST_CASE(
    "cmsgpack.pack packs a whole number as an integer and other numbers as float 32 when exact, "
    "else 64",
    "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(cmsgpack.pack(1.5, 0.1, -0.5, 1e300, 2^53, 2^63, 2^64, -2^63, 1/0, -1/0, 0/0, -0.0)))~",
       R"~(ca3fc00000cb3fb999999999999acabf000000cb7e37e43c8800759ccf0020000000000000ca5f000000ca5f800000d38000000000000000ca7f800000caff800000cbfff800000000000000)~"},
      {R"~(return X(cmsgpack.pack(-2^63-2048, 3.4028234663852886e+38, 1e-45, 2^-149, 0.5)))~",
       R"~(cbc3e0000000000001ca7f7fffffcb3696d601ad376ab9ca00000001ca3f000000)~"},
  });
}

TEST_CASE("cmsgpack.pack packs booleans, nil and values it has no form for as nil",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(cmsgpack.pack(true,false,nil)))~", R"~(c3c2c0)~"},
      {R"~(return X(cmsgpack.pack(type)))~", R"~(c0)~"},
      {R"~(return X(cmsgpack.pack(coroutine.create(function() end))))~", R"~(c0)~"},
      {R"~(return X(cmsgpack.pack({type, 1})))~", R"~(92c001)~"},
      {R"~(return X(cmsgpack.pack({[type]=1, [true]=2})))~", R"~(82c001c302)~"},
      {R"~(return P(cmsgpack.pack, 1, nil))~", R"~(true x01c0)~"},
  });
}

TEST_CASE("cmsgpack.pack uses fixstr below 32 bytes, then str 8, str 16 and str 32",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(cmsgpack.pack("")))~", R"~(a0)~"},
      {R"~(return X(cmsgpack.pack(string.rep("a",31))))~",
       R"~(bf61616161616161616161616161616161616161616161616161616161616161)~"},
      {R"~(return X(cmsgpack.pack(string.rep("a",32))))~",
       R"~(d9206161616161616161616161616161616161616161616161616161616161616161)~"},
      {R"~(return X(string.sub(cmsgpack.pack(string.rep("a",255)),1,4)))~", R"~(d9ff6161)~"},
      {R"~(return X(string.sub(cmsgpack.pack(string.rep("a",256)),1,4)))~", R"~(da010061)~"},
      {R"~(return X(string.sub(cmsgpack.pack(string.rep("a",65535)),1,4)))~", R"~(daffff61)~"},
      {R"~(return X(string.sub(cmsgpack.pack(string.rep("a",65536)),1,6)))~", R"~(db0001000061)~"},
      {R"~(return X(cmsgpack.pack("1", "a\0b")))~", R"~(a131a3610062)~"},
  });
}

TEST_CASE("cmsgpack.pack packs a table as an array only when its keys are 1..n without holes",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(cmsgpack.pack({})))~", R"~(90)~"},
      {R"~(return X(cmsgpack.pack({1,nil,3})))~", R"~(8201010303)~"},
      {R"~(return X(cmsgpack.pack({[1]=1,[3]=3})))~", R"~(8201010303)~"},
      {R"~(return X(cmsgpack.pack({[2]=1})))~", R"~(810201)~"},
      {R"~(return X(cmsgpack.pack({[1.5]=1})))~", R"~(81ca3fc0000001)~"},
      {R"~(return X(cmsgpack.pack({[0]=1})))~", R"~(810001)~"},
      {R"~(return X(cmsgpack.pack({[-1]=1})))~", R"~(81ff01)~"},
      {R"~(return X(cmsgpack.pack({["1"]=1})))~", R"~(81a13101)~"},
      {R"~(return X(cmsgpack.pack({1,2,x=3})))~", R"~(8301010202a17803)~"},
      {R"~(return X(cmsgpack.pack({1, 2, [3.0]=3})))~", R"~(93010203)~"},
      {R"~(return X(cmsgpack.pack({[1]=1,[2]=2,[4]=4})))~", R"~(83010102020404)~"},
  });
}

TEST_CASE("cmsgpack.pack switches to array 16 and 32, map 16 and 32 at Redis's sizes",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return X(string.sub(cmsgpack.pack({1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}),1,3)))~",
       R"~(9f0102)~"},
      {R"~(return X(string.sub(cmsgpack.pack({1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}),1,3)))~",
       R"~(dc0010)~"},
      {R"~(local t={} for i=1,65535 do t[i]=0 end return X(string.sub(cmsgpack.pack(t),1,4)))~",
       R"~(dcffff00)~"},
      {R"~(local t={} for i=1,65536 do t[i]=0 end return X(string.sub(cmsgpack.pack(t),1,6)))~",
       R"~(dd0001000000)~"},
      {R"~(local t={} for i=1,15 do t["k"..i]=0 end return X(string.sub(cmsgpack.pack(t),1,1)))~",
       R"~(8f)~"},
      {R"~(local t={} for i=1,16 do t["k"..i]=0 end return X(string.sub(cmsgpack.pack(t),1,3)))~",
       R"~(de0010)~"},
      {R"~(local t={} for i=1,65536 do t["k"..i]=0 end return X(string.sub(cmsgpack.pack(t),1,5)))~",
       R"~(df00010000)~"},
  });
}

TEST_CASE("cmsgpack.pack packs tables nested deeper than 16 levels, and cycles, as nil",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(local t = {} local c = t for i=1,20 do c[1] = {} c = c[1] end return X(cmsgpack.pack(t)))~",
       R"~(91919191919191919191919191919191c0)~"},
      {R"~(local t = {} local c = t for i=1,15 do c[1] = {} c = c[1] end return X(cmsgpack.pack(t)))~",
       R"~(91919191919191919191919191919190)~"},
      {R"~(local t = {} t[1] = t return X(cmsgpack.pack(t)))~",
       R"~(91919191919191919191919191919191c0)~"},
      {R"~(local t = {} local c = t for i=1,20 do c.a = {} c = c.a end return X(cmsgpack.pack(t)))~",
       R"~(81a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a161c0)~"},
      {R"~(local t = {} local c = t for i=1,20 do c[1] = {} c = c[1] end return X(cmsgpack.pack(1, t, t)))~",
       R"~(0191919191919191919191919191919191c091919191919191919191919191919191c0)~"},
  });
}

TEST_CASE("cmsgpack.pack with no argument is an error", "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.pack))~",
       R"~(false "bad argument #0 to '?' (MessagePack pack needs input.)")~"},
      {R"~(return R(pcall(function() return cmsgpack.pack() end)))~",
       R"~(false "user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)")~"},
  });
}

TEST_CASE("cmsgpack.unpack decodes every type Redis decodes", "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack, ""))~", R"~(true)~"},
      {R"~(return P(cmsgpack.unpack, H("7f 80 90 a0 c0 c2 c3")))~",
       R"~(true 127 {} {} "" nil false true)~"},
      {R"~(return P(cmsgpack.unpack, H("0102c0c3c2")))~", R"~(true 1 2 nil true false)~"},
      {R"~(return P(cmsgpack.unpack, H("9f 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f")))~",
       R"~(true {10=10,11=11,12=12,13=13,14=14,15=15,1=1,2=2,3=3,4=4,5=5,6=6,7=7,8=8,9=9})~"},
      {R"~(return P(cmsgpack.unpack, H("ca 3fc00000 cb 3ff8000000000000 ca 7fc00000")))~",
       R"~(true 1.5 1.5 nan)~"},
      {R"~(return P(cmsgpack.unpack, H("cc ff cd ffff ce ffffffff cf ffffffffffffffff")))~",
       R"~(true 255 65535 4294967295 -1)~"},
      {R"~(return P(cmsgpack.unpack, H("cf 8000000000000000 cf 0020000000000001 d3 0020000000000001")))~",
       R"~(true -9.2233720368547758e+18 9007199254740992 9007199254740992)~"},
      {R"~(return P(cmsgpack.unpack, H("d0 80 d1 8000 d2 80000000 d3 8000000000000000 d3 ffffffffffffffff e0 ff")))~",
       R"~(true -128 -32768 -2147483648 -9.2233720368547758e+18 -1 -32 -1)~"},
      {R"~(return P(cmsgpack.unpack, H("d9 02 6162 da 0002 6364 db 00000002 6566")))~",
       R"~(true "ab" "cd" "ef")~"},
      {R"~(return P(cmsgpack.unpack, H("dc 0002 01 02 dd 00000001 03 de 0001 01 02 df 00000001 a161 c3")))~",
       R"~(true {1=1,2=2} {1=3} {1=2} {"a"=true})~"},
      {R"~(return P(cmsgpack.unpack, 12))~", R"~(true 49 50)~"},
      {R"~(return P(cmsgpack.unpack, "a", 5))~", R"~(true 97)~"},
  });
}

TEST_CASE(
    "cmsgpack.unpack builds tables as Redis does: nil elements leave holes, a repeated key keeps "
    "its last value",
    "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack, H("82 01 02 01 03")))~", R"~(true {1=3})~"},
      {R"~(return P(cmsgpack.unpack, H("92 c0 01")))~", R"~(true {2=1})~"},
      {R"~(return P(cmsgpack.unpack, H("93 c0 c0 01")))~", R"~(true {3=1})~"},
      {R"~(return P(cmsgpack.unpack, H("81 c0 01")))~", R"~(false "table index is nil")~"},
      {R"~(return P(cmsgpack.unpack, H("81 ca 7fc00000 01")))~", R"~(false "table index is NaN")~"},
      {R"~(return P(cmsgpack.unpack, H("82 c0 01 c1")))~", R"~(false "table index is nil")~"},
      {R"~(return P(cmsgpack.unpack_one, H("81 c0 01")))~", R"~(false "table index is nil")~"},
  });
}

TEST_CASE("cmsgpack.unpack refuses bin, ext and 0xc1 as bad data", "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack, H("c4 02 6162 c5 0002 6364 c6 00000002 6566")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("c5 0002 6364")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("c6 00000002 6566")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("c7 02 05 6162")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("c8 0002 05 6162")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("c9 00000002 05 6162")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d4 05 61")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d5 05 6162")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d6 05 61626364")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d7 05 6162636465666768")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d8 05 61626364656667686162636465666768")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("c1")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("01 c1")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("92 c4 01")))~", R"~(false "Bad data format in input.")~"},
  });
}

TEST_CASE("cmsgpack.unpack reports a truncated input as missing bytes, wherever it ends",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack, H("93 01")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("cc")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("cd 01")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("a2 61")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d9")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("d9 05 61")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("db ffffffff 61")))~",
       R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("dd ffffffff 01")))~",
       R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("df ffffffff 01")))~",
       R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("91")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("01 cd")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("7f 80 8f 90 9f a0 bf c0 c2 c3")))~",
       R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("81 cc")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("82 01 cc")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("92 01 cc")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("81 c1 01")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("92 c1 01")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("81 01")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("81 c1")))~", R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("81 c0")))~", R"~(false "Missing bytes in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("82 c1 01 c0 01")))~",
       R"~(false "Bad data format in input.")~"},
      {R"~(return P(cmsgpack.unpack, H("81 c0 c1")))~", R"~(false "Bad data format in input.")~"},
  });
}

TEST_CASE("cmsgpack.unpack checks its argument as Lua does", "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack))~",
       R"~(false "bad argument #1 to '?' (string expected, got no value)")~"},
      {R"~(return P(cmsgpack.unpack, {}))~",
       R"~(false "bad argument #1 to '?' (string expected, got table)")~"},
      {R"~(return R(pcall(function() return cmsgpack.unpack() end)))~",
       R"~(false "user_script:1: bad argument #1 to 'unpack' (string expected, got no value)")~"},
  });
}

TEST_CASE("cmsgpack.unpack returns at most 7999 values and nests at most 3999 tables, as Redis",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(local s = string.rep(H("01"), 7999) local t = {pcall(cmsgpack.unpack, s)} return R(t[1], #t, t[2]))~",
       R"~(true 8000 1)~"},
      {R"~(local s = string.rep(H("01"), 8000) local t = {pcall(cmsgpack.unpack, s)} return R(t[1], #t, t[2]))~",
       R"~(false 2 "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)")~"},
      {R"~(local s = string.rep(H("01"), 100000) local t = {pcall(cmsgpack.unpack, s)} return R(t[1], #t, t[2]))~",
       R"~(false 2 "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)")~"},
      {R"~(local s = string.rep(H("01"), 7998) local t = {pcall(cmsgpack.unpack_limit, s, 7998)} return R(t[1], #t, t[2]))~",
       R"~(true 8000 -1)~"},
      {R"~(local s = string.rep(H("01"), 100000) local t = {pcall(cmsgpack.unpack_limit, s, 70000)} return R(t[1], #t, t[2]))~",
       R"~(false 2 "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)")~"},
      {R"~(local s = string.rep(H('91'), 3999) .. H('01') local ok, v = pcall(cmsgpack.unpack, s) local d = 0 while type(v) == 'table' do v = v[1] d = d + 1 end return R(ok, d, v))~",
       R"~(true 3999 1)~"},
      {R"~(local s = string.rep(H('91'), 4000) .. H('01') local ok, v = pcall(cmsgpack.unpack, s) local d = 0 while type(v) == 'table' do v = v[1] d = d + 1 end return R(ok, d, v))~",
       R"~(false 0 "stack overflow (in function mp_decode_to_lua_array)")~"},
      {R"~(local s = string.rep(H('91'), 100000) .. H('01') local ok, v = pcall(cmsgpack.unpack, s) local d = 0 while type(v) == 'table' do v = v[1] d = d + 1 end return R(ok, d, v))~",
       R"~(false 0 "stack overflow (in function mp_decode_to_lua_array)")~"},
      {R"~(local s = string.rep(H('81 01'), 3999) .. H('01') local ok, v = pcall(cmsgpack.unpack, s) local d = 0 while type(v) == 'table' do v = v[1] d = d + 1 end return R(ok, d, v))~",
       R"~(true 3999 1)~"},
      {R"~(local s = string.rep(H('81 01'), 4000) .. H('01') local ok, v = pcall(cmsgpack.unpack, s) local d = 0 while type(v) == 'table' do v = v[1] d = d + 1 end return R(ok, d, v))~",
       R"~(false 0 "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)")~"},
  });
}

TEST_CASE("cmsgpack.unpack_one returns the next offset first, -1 at the end of the input",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack_one, ""))~", R"~(true -1)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03")))~", R"~(true 1 1)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), 1))~", R"~(true 2 2)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), 2))~", R"~(true -1 3)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), 3))~", R"~(true -1)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), "1"))~", R"~(true 2 2)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), 1.7))~", R"~(true 2 2)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 93")))~", R"~(true 1 1)~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 c1")))~", R"~(true 1 1)~"},
      {R"~(return P(cmsgpack.unpack_one, H("93 01 a1 61 c3 c2")))~",
       R"~(true 5 {1=1,2="a",3=true})~"},
  });
}

TEST_CASE("cmsgpack.unpack_one refuses an offset out of the input with Redis's texts",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack_one))~",
       R"~(false "bad argument #1 to '?' (string expected, got no value)")~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), 4))~",
       R"~(false "Start offset 4 greater than input length 3.")~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), -1))~",
       R"~(false "Invalid request to unpack with offset of -1 and limit of 3.")~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), "x"))~",
       R"~(false "bad argument #2 to '?' (number expected, got string)")~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), 2^32+5))~",
       R"~(false "Start offset 5 greater than input length 3.")~"},
      {R"~(return P(cmsgpack.unpack_one, H("01 02 03"), -2^32))~",
       R"~(false "Invalid request to unpack with offset of 0 and limit of 3.")~"},
      {R"~(return P(cmsgpack.unpack_one, {}, "x"))~",
       R"~(false "bad argument #2 to '?' (number expected, got string)")~"},
  });
}

TEST_CASE(
    "cmsgpack.unpack_limit decodes up to limit objects; 0 with no offset means all, without an "
    "offset",
    "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 0))~", R"~(true 1 2 3)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 2))~", R"~(true 2 1 2)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 2, 1))~", R"~(true -1 2 3)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 2, 2))~", R"~(true -1 3)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 5))~", R"~(true -1 1 2 3)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 1, 3))~", R"~(true -1)~"},
      {R"~(return P(cmsgpack.unpack_limit, "", 1))~", R"~(true -1)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 0, 3))~", R"~(true -1)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 0, 1))~", R"~(true 1)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 2^32, 0))~", R"~(true -1 1 2 3)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("0102"), 1, 0, 99))~", R"~(true 1 1)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 c1"), 2))~", R"~(true 2 1 2)~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 c1"), 3))~",
       R"~(false "Bad data format in input.")~"},
  });
}

TEST_CASE("cmsgpack.unpack_limit refuses a bad limit or offset with Redis's texts",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03")))~",
       R"~(false "bad argument #2 to '?' (number expected, got no value)")~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), -1))~",
       R"~(false "Invalid request to unpack with offset of 0 and limit of 3.")~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), 0, 4))~",
       R"~(false "Start offset 4 greater than input length 3.")~"},
      {R"~(return P(cmsgpack.unpack_limit, H("01 02 03"), -2^32+1, 0))~",
       R"~(false "Invalid request to unpack with offset of 0 and limit of 3.")~"},
      {R"~(return P(cmsgpack.unpack_limit, {}, "x"))~",
       R"~(false "bad argument #2 to '?' (number expected, got string)")~"},
      {R"~(return P(cmsgpack.unpack_limit, {}, 1, "x"))~",
       R"~(false "bad argument #3 to '?' (number expected, got string)")~"},
  });
}

TEST_CASE("the cmsgpack table carries Redis's functions and identification fields",
          "[scripting][cmsgpack]") {
  CheckAgainstRedis({
      {R"~(local t = {} for k in pairs(cmsgpack) do t[#t+1] = k end table.sort(t) return R(unpack(t)))~",
       R"~("_COPYRIGHT" "_DESCRIPTION" "_NAME" "_VERSION" "pack" "unpack" "unpack_limit" "unpack_one")~"},
      {R"~(return R(cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION))~",
       R"~("cmsgpack" "lua-cmsgpack 0.4.0" "Copyright (C) 2012, Salvatore Sanfilippo" "MessagePack C implementation for Lua")~"},
  });
}
