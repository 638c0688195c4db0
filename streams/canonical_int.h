// Whether a byte string is an integer in canonical form: what formatting its int64 value gives
// back exactly ("12", "-5", "0"; not "007", "+1", "-0", " 1", or anything out of range). Redis
// stores such strings as integers, and so do entry blocks; the test is the round trip, done here
// in one pass without formatting (it runs for every field and value XADD stores).
#pragma once

#include <cstdint>
#include <string_view>

namespace streams {

[[nodiscard]] inline bool ParseCanonicalInt64(std::string_view s, int64_t& out) {
  const bool negative = !s.empty() && s[0] == '-';
  const std::string_view digits = negative ? s.substr(1) : s;
  // 19 digits hold every int64; a leading zero is canonical only as "0" itself.
  if (digits.empty() || digits.size() > 19) return false;
  if (digits[0] == '0' && (digits.size() > 1 || negative)) return false;
  uint64_t v = 0;
  for (char c : digits) {
    const unsigned d = static_cast<unsigned char>(c - '0');
    if (d > 9) return false;
    v = v * 10 + d;  // 19 digits stay below 2^64: no overflow
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (v > limit) return false;
  out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

}  // namespace streams
