// struct against Redis 7.0: every expected string below is what Redis 7.0.15 (x86-64) returned
// for the same chunk run by EVAL (the helpers H, X, R, P are in lua_module_runner.h), so these
// tests pin the layouts, the values read back and the error texts byte for byte.
#include <catch2/catch.hpp>

#include "tests/src/scripting/lua_module_runner.h"

using lua_module_testing::CheckAgainstRedis;

TEST_CASE("struct.pack lays out integers in the byte order asked, native (little) by default",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return X(struct.pack(">I2", 258)))~", R"~(0102)~"},
      {R"~(return X(struct.pack("<I2", 258)))~", R"~(0201)~"},
      {R"~(return X(struct.pack("I2", 258)))~", R"~(0201)~"},
      {R"~(return X(struct.pack("bBhHlLTiI", -1, 255, -2, 65535, -3, 4, 5, -6, 7)))~",
       R"~(fffffefffffffdffffffffffffff04000000000000000500000000000000faffffff07000000)~"},
      {R"~(return X(struct.pack(">i3 <i3 >I5 <i8 >I16 <i16", 1, -2, 3, -4, 5, -6)))~",
       R"~(000001feffff0000000003fcffffffffffffff00000000000000000000000000000005faffffffffffffff0000000000000000)~"},
      {R"~(return P(struct.pack, "i32", 1))~",
       R"~(true x0100000000000000000000000000000000000000000000000000000000000000)~"},
      {R"~(return P(struct.pack, "i0", 1))~", R"~(true "")~"},
      {R"~(return P(struct.pack, "i", "12"))~", R"~(true x0c000000)~"},
  });
}

TEST_CASE("struct.pack converts out-of-range numbers to integers as Redis on x86-64 does",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.pack, "I8", 2^64))~", R"~(true x0000000000000000)~"},
      {R"~(return P(struct.pack, "i8", -2^63))~", R"~(true x0000000000000080)~"},
      {R"~(return P(struct.pack, ">I8 >i8", 2^63, 2^63))~",
       R"~(true x80000000000000008000000000000000)~"},
      {R"~(return P(struct.pack, ">I4 >i4 >b >B", 2^32+5, -1, 300, -1))~",
       R"~(true x00000005ffffffff2cff)~"},
      {R"~(return P(struct.pack, ">I4 >i4", 1.9, -1.9))~", R"~(true x00000001ffffffff)~"},
      {R"~(return P(struct.pack, ">I8", 1e30))~", R"~(true x0000000000000000)~"},
      {R"~(return P(struct.pack, ">i8", -1e30))~", R"~(true x8000000000000000)~"},
      {R"~(return P(struct.pack, ">I8 >I8", 0/0, 1/0))~",
       R"~(true x80000000000000000000000000000000)~"},
  });
}

TEST_CASE("struct.pack writes floats, doubles, strings and padding", "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return X(struct.pack("f d >f >d", 1.5, 1.5, 1.5, 1.5)))~",
       R"~(0000c03f000000000000f83f3fc000003ff8000000000000)~"},
      {R"~(return X(struct.pack("s c c3 c0 s", "ab", "xyz", "abcdef", "hello", "")))~",
       R"~(6162007861626368656c6c6f00)~"},
      {R"~(return P(struct.pack, "c", 1))~", R"~(true "1")~"},
      {R"~(return X(struct.pack("b x h", 1, 2)))~", R"~(01000200)~"},
      {R"~(return X(struct.pack("")))~", R"~()~"},
      {R"~(return X(struct.pack("b", 1, 2, 3)))~", R"~(01)~"},
      {R"~(return P(struct.pack, "b\0b", 1, 2))~", R"~(true x01)~"},
  });
}

TEST_CASE("struct.pack aligns items to their size capped by the ! alignment",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return X(struct.pack("!b h", 1, 2)))~", R"~(01000200)~"},
      {R"~(return X(struct.pack("!4 b d", 1, 2)))~", R"~(010000000000000000000040)~"},
      {R"~(return X(struct.pack("!2 b i", 1, 2)))~", R"~(010002000000)~"},
      {R"~(return X(struct.pack("!b c2 i", 1, "ab", 2)))~", R"~(0161620002000000)~"},
      {R"~(return X(struct.pack("! b s i", 1, "ab", 2)))~", R"~(0161620002000000)~"},
      {R"~(return X(struct.pack("!8 b l b T b f b d", 1, 2, 3, 4, 5, 6, 7, 8)))~",
       R"~(0100000000000000020000000000000003000000000000000400000000000000050000000000c04007000000000000000000000000002040)~"},
      {R"~(return P(struct.pack, "!", "a"))~", R"~(true "")~"},
      {R"~(return P(struct.pack, "!16 b d", 1, 2))~",
       R"~(true x01000000000000000000000000000040)~"},
      {R"~(return P(struct.pack, "!8 b x h s f", 1, 2, "a", 1))~",
       R"~(true x01000200610000000000803f)~"},
      {R"~(return P(struct.pack, "!4 b I3 b", 1, 2, 3))~", R"~(true x01000002000003)~"},
      {R"~(return P(struct.pack, "!4 b c4 h", 1, "abcd", 3))~", R"~(true x0161626364000300)~"},
      {R"~(return P(struct.pack, "!4 b i8 h", 1, 2, 3))~",
       R"~(true x0100000002000000000000000300)~"},
      {R"~(return P(struct.pack, "!4 b i6 h", 1, 2, 3))~", R"~(true x010000000200000000000300)~"},
  });
}

TEST_CASE("struct.pack refuses bad formats and arguments with Redis's texts",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.pack, "c3", "ab"))~",
       R"~(false "bad argument #3 to '?' (string too short)")~"},
      {R"~(return P(struct.pack, "bc5", 1, "ab"))~",
       R"~(false "bad argument #4 to '?' (string too short)")~"},
      {R"~(return P(struct.pack, "!3 b", 1))~", R"~(false "alignment 3 is not a power of 2")~"},
      {R"~(return P(struct.pack, "!0 b", 1))~", R"~(false "alignment 0 is not a power of 2")~"},
      {R"~(return P(struct.pack, "q", 1))~",
       R"~(false "bad argument #1 to '?' (invalid format option 'q')")~"},
      {R"~(return P(struct.pack, "=i", 1))~",
       R"~(false "bad argument #1 to '?' (invalid format option '=')")~"},
      {R"~(return P(struct.pack, "i33", 1))~",
       R"~(false "integral size 33 is larger than limit of 32")~"},
      {R"~(return P(struct.pack, "i99999999999", 1))~", R"~(false "integral size overflow")~"},
      {R"~(return P(struct.pack, "c99999999999", 1))~", R"~(false "integral size overflow")~"},
      {R"~(return P(struct.pack, "c2147483647", "a"))~",
       R"~(false "bad argument #3 to '?' (string too short)")~"},
      {R"~(return P(struct.pack, "c2147483648", "a"))~", R"~(false "integral size overflow")~"},
      {R"~(return P(struct.pack, "!2147483648", "a"))~", R"~(false "integral size overflow")~"},
      {R"~(return P(struct.pack, "i", "x"))~",
       R"~(false "bad argument #2 to '?' (number expected, got string)")~"},
      {R"~(return P(struct.pack, "i"))~",
       R"~(false "bad argument #2 to '?' (number expected, got nil)")~"},
      {R"~(return P(struct.pack, "ii", 1))~",
       R"~(false "bad argument #3 to '?' (number expected, got nil)")~"},
      {R"~(return P(struct.pack, "iii", 1))~",
       R"~(false "bad argument #3 to '?' (number expected, got nil)")~"},
      {R"~(return P(struct.pack))~",
       R"~(false "bad argument #1 to '?' (string expected, got no value)")~"},
      {R"~(return R(pcall(function() return struct.pack("q") end)))~",
       R"~(false "user_script:1: bad argument #1 to 'pack' (invalid format option 'q')")~"},
  });
}

TEST_CASE("struct.unpack reads back what struct.pack wrote, then the next position",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.unpack, ">I2", H("0102")))~", R"~(true 258 3)~"},
      {R"~(return P(struct.unpack, "bBhHlLTiI", H("fffffefffffffdffffffffffffff04000000000000000500000000000000faffffff07000000")))~",
       R"~(true -1 255 -2 65535 -3 4 5 -6 7 39)~"},
      {R"~(return P(struct.unpack, ">i3 <i3 >I5 <i8", H("000001feffff0000000003fcffffffffffffff")))~",
       R"~(true 1 -2 3 -4 20)~"},
      {R"~(return P(struct.unpack, "f d >f >d", H("0000c03f000000000000f83f3fc000003ff8000000000000")))~",
       R"~(true 1.5 1.5 1.5 1.5 25)~"},
      {R"~(return P(struct.unpack, "s c c3 b c0 s", H("616200 78 616263 02 6465 00")))~",
       R"~(true "ab" "x" "abc" "de" "" 12)~"},
      {R"~(return P(struct.unpack, "I8 i8", H("ffffffffffffffff ffffffffffffff7f")))~",
       R"~(true 1.8446744073709552e+19 9.2233720368547758e+18 17)~"},
      {R"~(return P(struct.unpack, "f", H("0000c07f")))~", R"~(true nan 5)~"},
      {R"~(return P(struct.unpack, "i0 I0", ""))~", R"~(true 0 0 1)~"},
      {R"~(return P(struct.unpack, " ", ""))~", R"~(true 1)~"},
      {R"~(return P(struct.unpack, "b", 12))~", R"~(true 49 2)~"},
      {R"~(return P(struct.unpack, "c", "abc\0d", 4))~", R"~(true x00 5)~"},
  });
}

TEST_CASE("struct.unpack reads integers wider than 8 bytes as Redis on x86-64 does",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.unpack, ">I16 <i16", H("00000000000000000000000000000005faffffffffffffff0000000000000000")))~",
       R"~(true 5 -6 33)~"},
      {R"~(return P(struct.unpack, "<i16 <i9 >i9", H("faffffffffffffffffffffffffffffff") .. H("ffffffffffffffffff") .. H("ffffffffffffffffff")))~",
       R"~(true -6 -1 -1 35)~"},
      {R"~(return P(struct.unpack, "<i9", H("800000000000000000")))~", R"~(true -128 10)~"},
      {R"~(return P(struct.unpack, ">i9", H("000000000000000080")))~", R"~(true -128 10)~"},
      {R"~(return P(struct.unpack, "<i9 <I9", H("ff0000000000000000 ffffffffffffffffff")))~",
       R"~(true -1 1.8446744073709552e+19 19)~"},
  });
}

TEST_CASE("struct.unpack c0 takes its length from the value just read", "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.unpack, "c0", "abc"))~",
       R"~(false "format 'c0' needs a previous size")~"},
      {R"~(return P(struct.unpack, "s c0", "abc\0def"))~",
       R"~(false "format 'c0' needs a previous size")~"},
      {R"~(return P(struct.unpack, "s c0", "2\0abc"))~", R"~(true "ab" 5)~"},
      {R"~(return P(struct.unpack, "b c0", H("05 6162")))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "d c0", struct.pack("d", 2.7) .. "abc"))~", R"~(true "ab" 11)~"},
      {R"~(return P(struct.unpack, "b c0", H("ff") .. "abc"))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "d c0", struct.pack("d", 1/0) .. "abc"))~", R"~(true "" 9)~"},
      {R"~(return P(struct.unpack, "c2 c0", "abc", 4))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
  });
}

TEST_CASE("struct.unpack starts at pos, refuses 0 and reads nothing past the data",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.unpack, "b", "abc", 3))~", R"~(true 99 4)~"},
      {R"~(return P(struct.unpack, "b", "abc", 4))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "b", "abc", 5))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "b", "abc", 0))~",
       R"~(false "bad argument #3 to '?' (offset must be 1 or greater)")~"},
      {R"~(return P(struct.unpack, "b", "abc", -1))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "", "abc", 4))~", R"~(true 4)~"},
      {R"~(return P(struct.unpack, "", "abc", -1))~", R"~(true -1)~"},
      {R"~(return P(struct.unpack, "", "abc", 5))~", R"~(true 5)~"},
      {R"~(return P(struct.unpack, "", "abc", 0))~",
       R"~(false "bad argument #3 to '?' (offset must be 1 or greater)")~"},
      {R"~(return P(struct.unpack, "", "abc", -5))~", R"~(true -5)~"},
      {R"~(return P(struct.unpack, "", "abc", 1e30))~", R"~(true -9.2233720368547758e+18)~"},
      {R"~(return P(struct.unpack, "x", "abc", 3))~", R"~(true 4)~"},
      {R"~(return P(struct.unpack, "x", "abc", 4))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "xb", "abc", 3))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "c", "abc", 3))~", R"~(true "c" 4)~"},
      {R"~(return P(struct.unpack, "b", "abc", 2.9))~", R"~(true 98 3)~"},
      {R"~(return P(struct.unpack, "!4 b i", H("01 000000 02000000")))~", R"~(true 1 2 9)~"},
      {R"~(return P(struct.unpack, "!4 b i", H("01 000000 020000")))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "!4 b I3", H("01 000000 020000")))~", R"~(true 1 512 7)~"},
  });
}

TEST_CASE("struct.unpack refuses bad formats and arguments with Redis's texts",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.unpack, "s", "abc"))~", R"~(false "unfinished string in data")~"},
      {R"~(return P(struct.unpack, "s", "abc", 4))~", R"~(false "unfinished string in data")~"},
      {R"~(return P(struct.unpack, "i", "abc"))~",
       R"~(false "bad argument #2 to '?' (data string too short)")~"},
      {R"~(return P(struct.unpack, "q", "a"))~",
       R"~(false "bad argument #1 to '?' (invalid format option 'q')")~"},
      {R"~(return P(struct.unpack, 1, "a"))~",
       R"~(false "bad argument #1 to '?' (invalid format option '1')")~"},
      {R"~(return P(struct.unpack, "i2147483647", "abc"))~",
       R"~(false "integral size 2147483647 is larger than limit of 32")~"},
      {R"~(return P(struct.unpack, "i"))~",
       R"~(false "bad argument #2 to '?' (string expected, got no value)")~"},
      {R"~(return P(struct.unpack))~",
       R"~(false "bad argument #1 to '?' (string expected, got no value)")~"},
      {R"~(return P(struct.unpack, "b", "abc", "x"))~",
       R"~(false "bad argument #3 to '?' (number expected, got string)")~"},
      {R"~(return P(struct.unpack, {}, {}, "x"))~",
       R"~(false "bad argument #1 to '?' (string expected, got table)")~"},
      {R"~(return P(struct.unpack, "i", {}, "x"))~",
       R"~(false "bad argument #2 to '?' (string expected, got table)")~"},
  });
}

TEST_CASE("struct.size counts the bytes of a fixed format, alignment included",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.size, "bBhHlLTiIfdxc3"))~", R"~(true 54)~"},
      {R"~(return P(struct.size, "!bd"))~", R"~(true 16)~"},
      {R"~(return P(struct.size, "!4 b d"))~", R"~(true 12)~"},
      {R"~(return P(struct.size, "c"))~", R"~(true 1)~"},
      {R"~(return P(struct.size, ""))~", R"~(true 0)~"},
      {R"~(return P(struct.size, "!bc3i"))~", R"~(true 8)~"},
      {R"~(return P(struct.size, ">< !2 bi"))~", R"~(true 6)~"},
      {R"~(return P(struct.size, "!8 bc3x"))~", R"~(true 5)~"},
      {R"~(return P(struct.size, "c2147483647c2147483647"))~", R"~(true 4294967294)~"},
  });
}

TEST_CASE("struct.size refuses variable sizes and symbols, but ignores unknown letters and digits",
          "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(return P(struct.size, "s"))~",
       R"~(false "bad argument #1 to '?' (option 's' has no fixed size)")~"},
      {R"~(return P(struct.size, "c0"))~",
       R"~(false "bad argument #1 to '?' (option 'c0' has no fixed size)")~"},
      {R"~(return P(struct.size, "q"))~", R"~(true 0)~"},
      {R"~(return P(struct.size, "1"))~", R"~(true 0)~"},
      {R"~(return P(struct.size, "?"))~",
       R"~(false "bad argument #1 to '?' (invalid format option '?')")~"},
      {R"~(return P(struct.size, "b?"))~",
       R"~(false "bad argument #1 to '?' (invalid format option '?')")~"},
      {R"~(return P(struct.size, "=i"))~",
       R"~(false "bad argument #1 to '?' (invalid format option '=')")~"},
      {R"~(return P(struct.size, "i40"))~",
       R"~(false "integral size 40 is larger than limit of 32")~"},
      {R"~(return P(struct.size))~",
       R"~(false "bad argument #1 to '?' (string expected, got no value)")~"},
  });
}

TEST_CASE("the struct table holds pack, unpack and size only", "[scripting][struct]") {
  CheckAgainstRedis({
      {R"~(local t = {} for k in pairs(struct) do t[#t+1] = k end table.sort(t) return R(unpack(t)))~",
       R"~("pack" "size" "unpack")~"},
  });
}
