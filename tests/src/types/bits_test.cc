// Bit views of strings: counting and searching bit ranges against a bit-by-bit reference, and
// BITFIELD's integer fields at every width and alignment, with each overflow rule.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "src/types/bits.h"

using types::FieldType;
using types::Overflow;

TEST_CASE("Counting and finding bits agree with a bit-by-bit walk over every range", "[bits]") {
  std::mt19937_64 rng(3);
  std::string s(24, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  const uint64_t total = s.size() * 8;
  for (uint64_t first = 0; first < total; first += 3) {
    for (uint64_t last = first; last < total; last += 5) {
      uint64_t ones = 0;
      int64_t first_one = -1, first_zero = -1;
      for (uint64_t b = first; b <= last; b++) {
        const bool on = types::GetBit(s, b);
        ones += on;
        if (on && first_one < 0) first_one = static_cast<int64_t>(b);
        if (!on && first_zero < 0) first_zero = static_cast<int64_t>(b);
      }
      REQUIRE(types::CountBits(s, first, last) == ones);
      REQUIRE(types::FindBit(s, true, first, last) == first_one);
      REQUIRE(types::FindBit(s, false, first, last) == first_zero);
    }
  }
}

TEST_CASE("Field types are i1..i64 and u1..u63, nothing else", "[bits]") {
  CHECK(types::ParseFieldType("i64").has_value());
  CHECK(types::ParseFieldType("u63").has_value());
  CHECK(types::ParseFieldType("i1")->bits == 1);
  for (const char* bad : {"u64", "i65", "i0", "u", "x8", "i-1", "i8x", "", "I8"}) {
    CHECK_FALSE(types::ParseFieldType(bad).has_value());
  }
}

TEST_CASE("A field written at any offset and width reads back, sign-extended when signed",
          "[bits]") {
  std::mt19937_64 rng(4);
  for (int round = 0; round < 2000; round++) {
    const FieldType t{rng() % 2 == 0, static_cast<unsigned>(1 + rng() % 63)};
    const uint64_t offset = rng() % 100;
    std::string s((offset + t.bits + 7) / 8, '\0');
    const auto value = types::FitField(t, static_cast<int64_t>(rng()), Overflow::kWrap);
    REQUIRE(value.has_value());
    types::SetField(s, offset, t, *value);
    REQUIRE(types::GetField(s, offset, t) == *value);
  }
}

TEST_CASE("Overflow wraps, saturates or fails at the field's bounds", "[bits]") {
  const FieldType u8{false, 8};
  const FieldType i8{true, 8};
  CHECK(types::AddField(u8, 250, 10, Overflow::kWrap) == 4);
  CHECK(types::AddField(u8, 250, 10, Overflow::kSat) == 255);
  CHECK_FALSE(types::AddField(u8, 250, 10, Overflow::kFail).has_value());
  CHECK(types::AddField(u8, 5, -10, Overflow::kSat) == 0);
  CHECK(types::AddField(i8, 100, 100, Overflow::kWrap) == -56);
  CHECK(types::AddField(i8, -100, -100, Overflow::kSat) == -128);
  // An unsigned field reads a negative value's bits as unsigned: -3 saturates to the maximum.
  CHECK(types::FitField({false, 4}, -3, Overflow::kSat) == 15);
  CHECK(types::FitField({false, 4}, -3, Overflow::kWrap) == 13);
  const FieldType i64{true, 64};
  CHECK(types::AddField(i64, -1, INT64_MIN, Overflow::kWrap) == INT64_MAX);
  CHECK(types::AddField(i64, -1, INT64_MIN, Overflow::kSat) == INT64_MIN);
}
