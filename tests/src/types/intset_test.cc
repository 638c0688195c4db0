// The intset against a std::set<int64_t> model: random inserts and erases of values from every
// width class (so the array widens mid-run), checked in order and by lookup after each step;
// and Redis's rule for which strings are integers.
#include "src/types/intset.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <set>

using types::IntSet;

namespace {

int64_t RandomIntsetValue(std::mt19937_64& rng, int widest) {
  switch (rng() % static_cast<unsigned>(widest)) {
    case 0:
      return static_cast<int64_t>(rng() % 200) - 100;  // 16-bit, collisions
    case 1:
      return static_cast<int16_t>(rng());  // any 16-bit
    case 2:
      return static_cast<int32_t>(rng());  // 32-bit
    default:
      return static_cast<int64_t>(rng());  // 64-bit
  }
}

void CheckIntsetSame(const IntSet& is, const std::set<int64_t>& model) {
  REQUIRE(is.size() == model.size());
  size_t i = 0;
  for (int64_t v : model) REQUIRE(is.At(i++) == v);
  if (!model.empty()) {
    REQUIRE(is.Min() == *model.begin());
    REQUIRE(is.Max() == *model.rbegin());
  }
  REQUIRE(is.bytes() == is.size() * is.width());
}

}  // namespace

TEST_CASE("An intset stays equal to a std::set model and widens as values need", "[intset]") {
  const unsigned seed = GENERATE(1u, 2u, 3u, 4u);
  std::mt19937_64 rng(seed);
  IntSet is;
  std::set<int64_t> model;
  for (int step = 0; step < 3000; step++) {
    // Widths open up over the run: 16-bit first, then 32, then 64.
    const int widest = 1 + std::min(3, step / 700);
    const int64_t v = RandomIntsetValue(rng, widest + (widest > 1 ? 0 : 1));
    if (rng() % 3 == 0) {
      REQUIRE(is.Erase(v) == (model.erase(v) == 1));
    } else {
      REQUIRE(is.Insert(v) == model.insert(v).second);
    }
    REQUIRE(is.Contains(v) == (model.count(v) == 1));
    if (step % 50 == 0) CheckIntsetSame(is, model);
  }
  CheckIntsetSame(is, model);
  REQUIRE(is.width() == 8);
}

TEST_CASE("An intset takes the narrowest width and widens around the extremes", "[intset]") {
  IntSet is;
  REQUIRE(is.Insert(5));
  REQUIRE(is.Insert(-3));
  REQUIRE(is.width() == 2);
  REQUIRE(is.Insert(70000));  // above all: appended at 4 bytes
  REQUIRE(is.width() == 4);
  REQUIRE(is.Insert(std::numeric_limits<int64_t>::min()));  // below all: prepended at 8 bytes
  REQUIRE(is.width() == 8);
  REQUIRE(is.At(0) == std::numeric_limits<int64_t>::min());
  REQUIRE(is.At(1) == -3);
  REQUIRE(is.At(3) == 70000);
  REQUIRE_FALSE(is.Insert(5));
  REQUIRE_FALSE(is.Contains(std::numeric_limits<int64_t>::max()));
  REQUIRE(is.Erase(std::numeric_limits<int64_t>::min()));
  REQUIRE(is.width() == 8);  // never narrows, as Redis's
}

TEST_CASE("Only a canonical decimal int64 is an integer member", "[intset]") {
  int64_t v = 0;
  REQUIRE(types::ParseCanonicalInt64("0", v));
  REQUIRE(v == 0);
  REQUIRE(types::ParseCanonicalInt64("-42", v));
  REQUIRE(v == -42);
  REQUIRE(types::ParseCanonicalInt64("9223372036854775807", v));
  REQUIRE(v == std::numeric_limits<int64_t>::max());
  REQUIRE(types::ParseCanonicalInt64("-9223372036854775808", v));
  REQUIRE(v == std::numeric_limits<int64_t>::min());
  for (const char* s : {"", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "9223372036854775808",
                        "-9223372036854775809", "99999999999999999999", "0x10", "1e3"}) {
    INFO(s);
    REQUIRE_FALSE(types::ParseCanonicalInt64(s, v));
  }
  REQUIRE(types::DecimalLength(0) == 1);
  REQUIRE(types::DecimalLength(-10) == 3);
  REQUIRE(types::DecimalLength(std::numeric_limits<int64_t>::min()) == 20);
}
