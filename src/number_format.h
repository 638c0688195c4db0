// Number <-> text conversions with Redis's exact rules for the string commands. INCRBYFLOAT
// works in long double (x87 80-bit on x86-64, as Redis does) and prints fixed-point with 17
// decimals, trailing zeros trimmed: 1e20 prints as 21 digits, never with an exponent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace server {

// Parses a float argument or stored value as INCRBYFLOAT accepts it: what strtold reads in
// full (decimal, exponent, hex, "inf"), but no leading space, no NaN, and no overflow to
// infinity or underflow to zero from out-of-range input ("1e5000", "1e-5000").
std::optional<long double> ParseLongDouble(std::string_view s);

// Fixed-point, 17 decimals, trailing zeros and a trailing '.' removed, "-0" printed as "0".
// Callers reject NaN and infinities before formatting.
std::string FormatLongDouble(long double v);

}  // namespace server
