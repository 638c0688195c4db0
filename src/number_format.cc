#include "src/number_format.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace server {

namespace {

// Longest text accepted as a float. Redis caps it at its long double buffer size (5 KiB);
// longer input is rejected rather than parsed.
constexpr size_t kMaxFloatChars = 5 * 1024;

}  // namespace

std::optional<long double> ParseLongDouble(std::string_view s) {
  if (s.empty() || s.size() >= kMaxFloatChars) return std::nullopt;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
  std::string buf(s);  // strtold needs a terminator
  char* end = nullptr;
  errno = 0;
  long double v = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return std::nullopt;  // junk, or an embedded NUL
  if (std::isnan(v)) return std::nullopt;
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return std::nullopt;
  return v;
}

std::string FormatLongDouble(long double v) {
  // The largest finite long double has 4933 integer digits; 17 decimals and sign fit too.
  char buf[kMaxFloatChars];
  int len = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (len < 0 || static_cast<size_t>(len) >= sizeof(buf)) return "0";
  std::string out(buf, static_cast<size_t>(len));
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

}  // namespace server
