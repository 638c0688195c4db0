// streams::ParseCanonicalInt64 against its definition: a string is a canonical integer exactly
// when it parses as an int64 and formatting that value gives the same bytes back.
#include <catch2/catch.hpp>

#include <charconv>
#include <cstdint>
#include <random>
#include <string>

#include "streams/canonical_int.h"

namespace {

// The definition, spelled the slow way.
bool RoundTrips(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end && std::to_string(out) == s;
}

void Agree(const std::string& s) {
  int64_t fast = 0;
  int64_t slow = 0;
  INFO("'" << s << "'");
  const bool is_int = RoundTrips(s, slow);
  REQUIRE(streams::ParseCanonicalInt64(s, fast) == is_int);
  if (is_int) REQUIRE(fast == slow);
}

}  // namespace

TEST_CASE("A canonical integer is what formatting its value gives back, and nothing else",
          "[canonical_int]") {
  for (const char* s : {"0", "1", "-1", "12345", "-0", "007", "+1", " 1", "1 ", "", "-", "--1",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "-9223372036854775809", "18446744073709551615", "99999999999999999999",
                        "1e3", "0x10", "00", "10", "-10", "1.0"}) {
    Agree(s);
  }
  std::mt19937_64 rng(7);
  const std::string alphabet = "0123456789-+ 0";
  for (int i = 0; i < 200000; i++) {
    std::string s;
    if (i % 2 == 0) {
      // Near the edges of int64 and of the digit count.
      const int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
      s = std::to_string(v);
      if (rng() % 4 == 0) s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
      if (rng() % 8 == 0) s.push_back(alphabet[rng() % 10]);
    } else {
      const size_t n = rng() % 22;
      for (size_t k = 0; k < n; k++) s.push_back(alphabet[rng() % alphabet.size()]);
    }
    Agree(s);
  }
}
