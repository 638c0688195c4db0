// Redis-style glob patterns for KEYS, SCAN MATCH and PSUBSCRIBE: '*', '?', '[...]' classes with
// '^' negation, 'a-z' ranges (reversed ends are swapped) and '\' escapes. The pattern text is
// matched as it stands, in O(pattern * key) without recursion or allocation, so a pattern costs
// no more than its bytes (a server may hold millions of PSUBSCRIBE patterns).
// Quirks kept on purpose, as Redis has them: an unterminated class ends at the pattern's end,
// bytes compare as signed chars in ranges, and an empty key matches only the empty pattern.
#pragma once

#include <string>
#include <string_view>

namespace server {

// Whether `s` matches `pattern`. With `nocase`, letters match either case (CONFIG GET, COMMAND
// LIST); keys and channels are exact.
bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase = false);

// A pattern kept for repeated matching.
class GlobPattern {
 public:
  explicit GlobPattern(std::string_view pattern, bool nocase = false)
      : pattern_(pattern), nocase_(nocase) {}

  bool Match(std::string_view s) const { return GlobMatch(pattern_, s, nocase_); }
  // True for the pattern "*", which callers treat as "every key" (the empty key included).
  bool matches_all() const { return pattern_ == "*"; }

 private:
  std::string pattern_;
  bool nocase_;
};

}  // namespace server
