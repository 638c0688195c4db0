#include "src/glob.h"

namespace server {

namespace {

size_t ByteIndex(char c) { return static_cast<unsigned char>(c); }

// Ranges order bytes as signed chars, so a range that crosses 0x7f/0x80 covers what Redis's
// covers (e.g. [a-\xff] is \xff..a once its ends are swapped).
void AddRange(std::bitset<256>& set, char from, char to) {
  int lo = static_cast<signed char>(from);
  int hi = static_cast<signed char>(to);
  if (lo > hi) std::swap(lo, hi);
  for (int c = lo; c <= hi; c++) set.set(static_cast<unsigned char>(static_cast<signed char>(c)));
}

// Makes a byte set accept both cases of every ASCII letter it accepts.
void FoldCase(std::bitset<256>& set) {
  for (int c = 'a'; c <= 'z'; c++) {
    int upper = c - 'a' + 'A';
    if (set.test(static_cast<size_t>(c)) || set.test(static_cast<size_t>(upper))) {
      set.set(static_cast<size_t>(c));
      set.set(static_cast<size_t>(upper));
    }
  }
}

}  // namespace

GlobPattern::GlobPattern(std::string_view p, bool nocase)
    : empty_(p.empty()), matches_all_(p == "*") {
  const size_t n = p.size();
  size_t i = 0;
  while (i < n) {
    Token t;
    char c = p[i];
    if (c == '*') {
      // A run of stars is one star.
      if (tokens_.empty() || !tokens_.back().star) {
        t.star = true;
        tokens_.push_back(t);
      }
      i++;
      continue;
    }
    if (c == '?') {
      t.accepts.set();
      i++;
    } else if (c == '[') {
      i++;
      bool negate = i < n && p[i] == '^';
      if (negate) i++;
      while (i < n) {
        if (p[i] == '\\' && n - i >= 2) {
          t.accepts.set(ByteIndex(p[i + 1]));
          i += 2;
        } else if (p[i] == ']') {
          i++;
          break;
        } else if (n - i >= 3 && p[i + 1] == '-') {
          // The range's upper end is taken as is, even a '\' or ']'.
          AddRange(t.accepts, p[i], p[i + 2]);
          i += 3;
        } else {
          t.accepts.set(ByteIndex(p[i]));
          i++;
        }
      }
      if (nocase) FoldCase(t.accepts);
      if (negate) t.accepts.flip();
    } else if (c == '\\' && n - i >= 2) {
      t.accepts.set(ByteIndex(p[i + 1]));
      i += 2;
      if (nocase) FoldCase(t.accepts);
    } else {
      t.accepts.set(ByteIndex(c));
      i++;
      if (nocase) FoldCase(t.accepts);
    }
    tokens_.push_back(t);
  }
}

bool GlobPattern::Match(std::string_view s) const {
  // Redis stops before looking at the pattern when the key is empty: "" matches only "".
  if (s.empty()) return empty_;
  const size_t m = tokens_.size();
  size_t si = 0;
  size_t ti = 0;
  // Backtracking point: the last star seen and the key position it currently stops at. Every
  // non-star token matches exactly one byte, so retrying from the last star alone suffices.
  size_t star_ti = m;
  size_t star_si = 0;
  while (si < s.size()) {
    if (ti < m && tokens_[ti].star) {
      star_ti = ti++;
      star_si = si;
    } else if (ti < m && tokens_[ti].accepts.test(ByteIndex(s[si]))) {
      ti++;
      si++;
    } else if (star_ti != m) {
      ti = star_ti + 1;
      si = ++star_si;
    } else {
      return false;
    }
  }
  while (ti < m && tokens_[ti].star) ti++;
  return ti == m;
}

bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase) {
  return GlobPattern(pattern, nocase).Match(s);
}

}  // namespace server
