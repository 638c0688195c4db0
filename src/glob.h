// Redis-style glob patterns for KEYS and SCAN MATCH: '*', '?', '[...]' classes with '^'
// negation, 'a-z' ranges (reversed ends are swapped) and '\' escapes. A pattern is compiled
// once into per-position byte sets, then matched in O(pattern * key) without recursion.
// Quirks kept on purpose, as Redis has them: an unterminated class ends at the pattern's end,
// bytes compare as signed chars in ranges, and an empty key matches only the empty pattern.
#pragma once

#include <bitset>
#include <string_view>
#include <vector>

namespace server {

class GlobPattern {
 public:
  // With `nocase`, letters match either case (CONFIG GET, COMMAND LIST); keys are exact.
  explicit GlobPattern(std::string_view pattern, bool nocase = false);

  bool Match(std::string_view s) const;
  // True for the pattern "*", which callers treat as "every key" (the empty key included).
  bool matches_all() const { return matches_all_; }

 private:
  struct Token {
    bool star = false;
    std::bitset<256> accepts;  // bytes this position accepts (unused for a star)
  };

  std::vector<Token> tokens_;
  bool empty_ = true;
  bool matches_all_ = false;
};

// One-off convenience for a single match.
bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase = false);

}  // namespace server
