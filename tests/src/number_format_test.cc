// INCRBYFLOAT's float parsing and printing, checked against replies observed on Redis 7.0.
#include <catch2/catch.hpp>

#include "src/number_format.h"

using server::FormatLongDouble;
using server::ParseLongDouble;

namespace {

std::string Sum(const char* a, const char* b) {
  return FormatLongDouble(*ParseLongDouble(a) + *ParseLongDouble(b));
}

}  // namespace

TEST_CASE("Floats print without trailing zeros or a trailing point", "[number_format]") {
  CHECK(FormatLongDouble(10.5L) == "10.5");
  CHECK(FormatLongDouble(3000.0L) == "3000");
  CHECK(FormatLongDouble(0.0L) == "0");
}

TEST_CASE("Large floats print in full, without an exponent", "[number_format]") {
  CHECK(FormatLongDouble(1e20L) == "100000000000000000000");
  CHECK(Sum("3e3", "1e20") == "100000000000000003000");
}

TEST_CASE("Negative zero prints as 0", "[number_format]") {
  CHECK(FormatLongDouble(-0.0L) == "0");
  CHECK(Sum("5", "-5") == "0");
  // Rounds to -0.00000000000000000 at 17 decimals.
  CHECK(FormatLongDouble(-1e-20L) == "0");
}

TEST_CASE("Sums are computed in long double and rounded at 17 decimals", "[number_format]") {
  CHECK(Sum("0.1", "0.2") == "0.3");
  CHECK(Sum("10.50", "0.1") == "10.6");
  CHECK(Sum("0", "123456789.123456789") == "123456789.12345678899873747");
  CHECK(Sum("0", "1.1e-17") == "0.00000000000000001");
  CHECK(Sum("22.5", "1e-20") == "22.5");
}

TEST_CASE("Float arguments accept what strtold reads in full", "[number_format]") {
  CHECK(ParseLongDouble("1.5") == 1.5L);
  CHECK(ParseLongDouble("3e3") == 3000.0L);
  CHECK(ParseLongDouble(".5") == 0.5L);
  CHECK(ParseLongDouble("5.") == 5.0L);
  CHECK(ParseLongDouble("+1") == 1.0L);
  CHECK(ParseLongDouble("0x10") == 16.0L);
  CHECK(ParseLongDouble("-0.3").has_value());
}

TEST_CASE("Float arguments with spaces, junk or NaN are rejected", "[number_format]") {
  CHECK_FALSE(ParseLongDouble(""));
  CHECK_FALSE(ParseLongDouble(" 1"));
  CHECK_FALSE(ParseLongDouble("1 "));
  CHECK_FALSE(ParseLongDouble("abc"));
  CHECK_FALSE(ParseLongDouble("1,5"));
  CHECK_FALSE(ParseLongDouble("1e"));
  CHECK_FALSE(ParseLongDouble("nan"));
  CHECK_FALSE(ParseLongDouble(std::string("1\0", 2)));
}

TEST_CASE("Infinity parses, so the sum check can reject it", "[number_format]") {
  auto inf = ParseLongDouble("inf");
  REQUIRE(inf.has_value());
  CHECK(*inf > 1e4000L);
}

TEST_CASE("Out-of-range float arguments are rejected", "[number_format]") {
  CHECK_FALSE(ParseLongDouble("1e5000"));
  CHECK_FALSE(ParseLongDouble("-1e5000"));
  CHECK_FALSE(ParseLongDouble("1e-5000"));
  CHECK(ParseLongDouble("1e4900").has_value());
}

TEST_CASE("The largest long doubles still print in full", "[number_format]") {
  std::string s = FormatLongDouble(*ParseLongDouble("1e4900"));
  CHECK(s.size() == 4901);
  CHECK(s.substr(0, 3) == "100");
}
