// FUNCTION DUMP's payload: the CRC-64 Redis uses, LZF decompression (a payload Redis 7.0
// wrote, its long code compressed), our uncompressed form read back, and every kind of damage
// refused.
#include "src/scripting/function_dump.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using server::scripting::Crc64Jones;
using server::scripting::DecodeFunctionDump;
using server::scripting::EncodeFunctionDump;
using server::scripting::LzfDecompress;

TEST_CASE("The payload checksum is CRC-64/Jones", "[scripting][dump]") {
  // The check value of the CRC-64 variant Redis documents for DUMP.
  CHECK(Crc64Jones(0, "123456789") == 0xe9c6d914c4b8d9caULL);
  CHECK(Crc64Jones(0, "") == 0);
  // Incremental use gives the same result.
  CHECK(Crc64Jones(Crc64Jones(0, "12345"), "6789") == 0xe9c6d914c4b8d9caULL);
}

TEST_CASE("A dump Redis 7.0 wrote, with LZF-compressed code, is read back", "[scripting][dump]") {
  // FUNCTION DUMP from redis-server 7.0.15 after loading the library below.
  const std::string payload(
      "\xf5\xc3@\x85@\x8f\x1f#!lua name=d1\nredis.register_fun\x05"
      "ction{\xc0\x08\x00_`(\x0f'd1f', callback=\xc0\x1d\x1f() return 1 end, flags={'no-writ\x04"
      "es',' 4\x10ow-oom'}, descrip@c\x05='hi'}\n\x00t|\xa5*\x08\x08\xc2o",
      149);
  auto codes = DecodeFunctionDump(payload);
  REQUIRE(codes);
  REQUIRE(codes->size() == 1);
  CHECK((*codes)[0] ==
        "#!lua name=d1\nredis.register_function{function_name='d1f', callback=function() return "
        "1 end, flags={'no-writes','allow-oom'}, description='hi'}");
}

TEST_CASE("What we dump reads back, library by library, at every length encoding",
          "[scripting][dump]") {
  std::vector<std::string> codes = {"", "short", std::string(63, 'a'), std::string(64, 'b'),
                                    std::string(16383, 'c'), std::string(16384, 'd'),
                                    std::string(70000, 'e')};
  const std::string payload = EncodeFunctionDump(codes);
  auto back = DecodeFunctionDump(payload);
  REQUIRE(back);
  CHECK(*back == codes);
  // An empty dump is just the footer.
  CHECK(EncodeFunctionDump({}).size() == 10);
  CHECK(DecodeFunctionDump(EncodeFunctionDump({}))->empty());
}

TEST_CASE("A damaged payload is refused: short, wrong version, checksum, body",
          "[scripting][dump]") {
  const std::vector<std::string> codes = {"#!lua name=x\nredis.register_function('f', f)"};
  const std::string good = EncodeFunctionDump(codes);
  const std::string_view bad_footer = "ERR DUMP payload version or checksum are wrong";
  CHECK(DecodeFunctionDump(good.substr(0, 9)).error() == bad_footer);
  for (size_t i = 0; i < good.size(); i++) {
    std::string flipped = good;
    flipped[i] ^= 0x10;
    CHECK_FALSE(DecodeFunctionDump(flipped));
  }
  // A newer RDB version than we know is refused even with a right checksum.
  std::string future = good.substr(0, good.size() - 10);
  future += std::string("\x0d\x00", 2);
  const uint64_t crc = Crc64Jones(0, future);
  for (int i = 0; i < 8; i++) future.push_back(static_cast<char>(crc >> (8 * i)));
  CHECK(DecodeFunctionDump(future).error() == bad_footer);
  // A body that is not function records, with a right checksum.
  std::string junk("\x00\x03" "abc" "\x0a\x00", 7);
  const uint64_t junk_crc = Crc64Jones(0, junk);
  for (int i = 0; i < 8; i++) junk.push_back(static_cast<char>(junk_crc >> (8 * i)));
  CHECK(DecodeFunctionDump(junk).error() == "ERR given type is not a function");
  // A function record cut short.
  std::string cut("\xf5\x40" "\x0a\x00", 4);
  const uint64_t cut_crc = Crc64Jones(0, cut);
  for (int i = 0; i < 8; i++) cut.push_back(static_cast<char>(cut_crc >> (8 * i)));
  CHECK(DecodeFunctionDump(cut).error() == "ERR Failed loading library payload");
}

TEST_CASE("LZF streams that point outside what was written are refused", "[scripting][dump]") {
  std::string out;
  CHECK(LzfDecompress(std::string("\x02" "abc", 4), 3, out));
  CHECK(out == "abc");
  // A back reference before the start, a literal past the end, a wrong final length.
  CHECK_FALSE(LzfDecompress(std::string("\x20\x05", 2), 3, out));
  CHECK_FALSE(LzfDecompress(std::string("\x05" "ab", 3), 6, out));
  CHECK_FALSE(LzfDecompress(std::string("\x02" "abc", 4), 4, out));
  // An overlapping back reference repeats what it copies.
  CHECK(LzfDecompress(std::string("\x00" "a" "\xe0\x03\x00", 5), 13, out));
  CHECK(out == std::string(13, 'a'));
}
