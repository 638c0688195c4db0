#include "src/glob.h"

#include <cstddef>
#include <utility>

namespace server {

namespace {

char OtherCase(char c) {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c;
}

// Ranges order bytes as signed chars, so a range that crosses 0x7f/0x80 covers what Redis's
// covers (e.g. [a-\xff] is \xff..a once its ends are swapped).
bool InRange(char from, char to, char c) {
  int lo = static_cast<signed char>(from);
  int hi = static_cast<signed char>(to);
  if (lo > hi) std::swap(lo, hi);
  const int v = static_cast<signed char>(c);
  return v >= lo && v <= hi;
}

// One pattern position (never a star): the pattern bytes it spans from `at`, and whether it
// accepts the key byte it is tried on.
struct Position {
  size_t length;
  bool accepts;
};

// The class starting at p[at] == '[': its members are read up to the closing ']' (or the
// pattern's end), '\' escaping one byte and "x-y" a range whose upper end is taken as is, even a
// '\' or ']'. `c` is in the class if a member is `c` (or, with nocase, `c` in the other case);
// '^' negates that after case folding, as Redis folds then negates.
Position ClassAt(std::string_view p, size_t at, char c, bool nocase) {
  const size_t n = p.size();
  size_t i = at + 1;
  const bool negate = i < n && p[i] == '^';
  if (negate) i++;
  const char other = nocase ? OtherCase(c) : c;
  bool member = false;
  while (i < n) {
    if (p[i] == '\\' && n - i >= 2) {
      member = member || p[i + 1] == c || p[i + 1] == other;
      i += 2;
    } else if (p[i] == ']') {
      i++;
      break;
    } else if (n - i >= 3 && p[i + 1] == '-') {
      member = member || InRange(p[i], p[i + 2], c) || InRange(p[i], p[i + 2], other);
      i += 3;
    } else {
      member = member || p[i] == c || p[i] == other;
      i++;
    }
  }
  return {i - at, member != negate};
}

Position PositionAt(std::string_view p, size_t at, char c, bool nocase) {
  if (p[at] == '?') return {1, true};
  if (p[at] == '[') return ClassAt(p, at, c, nocase);
  size_t length = 1;
  char literal = p[at];
  if (literal == '\\' && p.size() - at >= 2) {
    literal = p[at + 1];
    length = 2;
  }
  return {length, literal == c || (nocase && literal == OtherCase(c))};
}

size_t SkipStars(std::string_view p, size_t at) {
  while (at < p.size() && p[at] == '*') at++;
  return at;
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view s, bool nocase) {
  // Redis stops before looking at the pattern when the key is empty: "" matches only "".
  if (s.empty()) return p.empty();
  const size_t n = p.size();
  size_t pi = 0;
  size_t si = 0;
  // Backtracking point: the pattern just after the last run of stars seen, and the key
  // position that run currently stops at. Every other position matches exactly one byte, so
  // retrying from the last star alone suffices.
  size_t star_pi = n + 1;
  size_t star_si = 0;
  while (si < s.size()) {
    if (pi < n && p[pi] == '*') {
      pi = star_pi = SkipStars(p, pi);
      star_si = si;
      continue;
    }
    if (pi < n) {
      const Position pos = PositionAt(p, pi, s[si], nocase);
      if (pos.accepts) {
        pi += pos.length;
        si++;
        continue;
      }
    }
    if (star_pi == n + 1) return false;
    pi = star_pi;
    si = ++star_si;
  }
  return SkipStars(p, pi) == n;
}

}  // namespace server
