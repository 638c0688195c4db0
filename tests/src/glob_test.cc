// GlobPattern against the behaviour observed on Redis 7.0's KEYS, quirks included.
#include <catch2/catch.hpp>

#include <bitset>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/glob.h"

using server::GlobMatch;
using server::GlobPattern;

TEST_CASE("A literal pattern matches only the same bytes", "[glob]") {
  CHECK(GlobMatch("hello", "hello"));
  CHECK_FALSE(GlobMatch("hello", "hell"));
  CHECK_FALSE(GlobMatch("hello", "hello!"));
  CHECK_FALSE(GlobMatch("hello", "Hello"));
}

TEST_CASE("A star matches any run of bytes, including none", "[glob]") {
  CHECK(GlobMatch("a*", "a"));
  CHECK(GlobMatch("a*", "abc"));
  CHECK(GlobMatch("*b", "ab"));
  CHECK(GlobMatch("*a*", "xxaxx"));
  CHECK(GlobMatch("a*b*c", "aXXbYYc"));
  CHECK(GlobMatch("a**", "a"));
  CHECK_FALSE(GlobMatch("*b", "ba"));
  CHECK_FALSE(GlobMatch("a*b*c", "aXXbYY"));
}

TEST_CASE("A star retries later positions after a partial match fails", "[glob]") {
  CHECK(GlobMatch("*ab", "aab"));
  CHECK(GlobMatch("*abc*abd", "abcabcabd"));
  CHECK_FALSE(GlobMatch("*abc*abd", "abcabcab"));
}

TEST_CASE("A question mark matches exactly one byte", "[glob]") {
  CHECK(GlobMatch("h?llo", "hello"));
  CHECK(GlobMatch("?", "\xff"));
  CHECK_FALSE(GlobMatch("h?llo", "hllo"));
  CHECK_FALSE(GlobMatch("?", "ab"));
}

TEST_CASE("An empty key matches only the empty pattern", "[glob]") {
  CHECK(GlobMatch("", ""));
  CHECK_FALSE(GlobMatch("*", ""));
  CHECK_FALSE(GlobMatch("**", ""));
  CHECK_FALSE(GlobMatch("?", ""));
  CHECK_FALSE(GlobMatch("", "a"));
}

TEST_CASE("The pattern * is flagged as matching every key", "[glob]") {
  CHECK(GlobPattern("*").matches_all());
  CHECK_FALSE(GlobPattern("**").matches_all());
  CHECK_FALSE(GlobPattern("a*").matches_all());
}

TEST_CASE("A class matches one byte from its members and ranges", "[glob]") {
  CHECK(GlobMatch("h[ae]llo", "hello"));
  CHECK(GlobMatch("h[ae]llo", "hallo"));
  CHECK_FALSE(GlobMatch("h[ae]llo", "hillo"));
  CHECK(GlobMatch("[a-c]", "b"));
  CHECK_FALSE(GlobMatch("[a-c]", "d"));
  CHECK(GlobMatch("[*]", "*"));
  CHECK(GlobMatch("[?]", "?"));
  CHECK_FALSE(GlobMatch("[?]", "a"));
}

TEST_CASE("A range with reversed ends is swapped", "[glob]") {
  CHECK(GlobMatch("[c-a]", "a"));
  CHECK(GlobMatch("[c-a]", "b"));
  CHECK_FALSE(GlobMatch("[c-a]", "d"));
}

TEST_CASE("A caret negates a class, and only a caret does", "[glob]") {
  CHECK(GlobMatch("[^a]", "b"));
  CHECK_FALSE(GlobMatch("[^a]", "a"));
  CHECK(GlobMatch("[!a]", "!"));
  CHECK(GlobMatch("[!a]", "a"));
  CHECK_FALSE(GlobMatch("[!a]", "b"));
}

TEST_CASE("A dash at either end of a class is a member", "[glob]") {
  CHECK(GlobMatch("[-a]", "-"));
  CHECK(GlobMatch("a[-]c", "a-c"));
  CHECK(GlobMatch("a[\\-]c", "a-c"));
  CHECK_FALSE(GlobMatch("[^-]", "-"));
}

TEST_CASE("A close bracket right after the open bracket closes an empty class", "[glob]") {
  CHECK_FALSE(GlobMatch("[]", "]"));
  CHECK_FALSE(GlobMatch("[]a]", "a"));
  CHECK_FALSE(GlobMatch("[]a]", "]"));
  CHECK_FALSE(GlobMatch("[]a]", "a]"));
  // Negated empty class: any byte.
  CHECK(GlobMatch("[^]", "x"));
  CHECK(GlobMatch("[^]", "]"));
}

TEST_CASE("A range's upper end is taken raw, even a close bracket", "[glob]") {
  // "a-]" is the range ']'..'a' (swapped); the class is then unterminated.
  CHECK(GlobMatch("[a-]", "^"));
  CHECK(GlobMatch("[a-]", "]"));
  CHECK_FALSE(GlobMatch("[a-]", "-"));
  CHECK(GlobMatch("[a-\\]]", "a]"));
  CHECK(GlobMatch("[a-\\]]", "\\]"));
}

TEST_CASE("An unterminated class ends at the end of the pattern", "[glob]") {
  CHECK(GlobMatch("[a", "a"));
  CHECK(GlobMatch("[a-c", "c"));
  CHECK_FALSE(GlobMatch("[", "["));
  CHECK_FALSE(GlobMatch("a[", "a["));
  CHECK(GlobMatch("a[^", "a["));
  CHECK(GlobMatch("[\\", "\\"));
}

TEST_CASE("A backslash escapes the next byte, and is literal at the end", "[glob]") {
  CHECK(GlobMatch("\\*", "*"));
  CHECK_FALSE(GlobMatch("\\*", "a"));
  CHECK(GlobMatch("\\?", "?"));
  CHECK(GlobMatch("\\a", "a"));
  CHECK(GlobMatch("\\", "\\"));
  CHECK(GlobMatch("a\\", "a\\"));
  CHECK(GlobMatch("[\\]]", "]"));
  CHECK(GlobMatch("[a\\]]", "]"));
}

TEST_CASE("Ranges order bytes as signed chars", "[glob]") {
  // 0x80..0xff are negative as signed chars, so they sort below ASCII.
  CHECK(GlobMatch("[\x80-\xff]", "\x90"));
  CHECK_FALSE(GlobMatch("[\x80-\xff]", "a"));
  // 'a'..0xff swaps to 0xff..'a', covering 0xff and everything up to 'a'.
  CHECK(GlobMatch("[a-\xff]", "\xff"));
  CHECK(GlobMatch("[a-\xff]", "0"));
  CHECK_FALSE(GlobMatch("[a-\xff]", "b"));
  CHECK_FALSE(GlobMatch("[a-\xff]", "\x80"));
}

TEST_CASE("Binary keys with NUL bytes match byte by byte", "[glob]") {
  std::string key("a\0b", 3);
  CHECK(GlobMatch("a?b", key));
  CHECK(GlobMatch(std::string("a\0*", 3), key));
  CHECK_FALSE(GlobMatch("ab", key));
}

TEST_CASE("Many stars against a long non-matching key finish quickly", "[glob]") {
  std::string pattern;
  for (int i = 0; i < 200; i++) pattern += "a*";
  pattern += "b";
  std::string key(5000, 'a');
  CHECK_FALSE(GlobMatch(pattern, key));
  CHECK(GlobMatch(pattern, key + "b"));
}

TEST_CASE("A case-insensitive pattern matches letters of either case", "[glob]") {
  CHECK(GlobMatch("MaxMemory*", "maxmemory-policy", true));
  CHECK(GlobMatch("[A-C]ind", "bind", true));
  CHECK(GlobMatch("\\Port", "port", true));
  CHECK_FALSE(GlobMatch("[^P]ort", "port", true));
  CHECK_FALSE(GlobMatch("MaxMemory*", "maxmemory-policy"));
}

namespace {

// The reference for the model test: the pattern compiled into one 256-bit byte set per
// position (the form GlobPattern once had), matched by plain recursion.
struct ByteSetGlob {
  struct Position {
    bool star = false;
    std::bitset<256> accepts;
  };
  std::vector<Position> positions;

  static void Range(std::bitset<256>& set, char from, char to) {
    int lo = static_cast<signed char>(from), hi = static_cast<signed char>(to);
    if (lo > hi) std::swap(lo, hi);
    for (int c = lo; c <= hi; c++) set.set(static_cast<unsigned char>(static_cast<signed char>(c)));
  }
  static void Fold(std::bitset<256>& set) {
    for (int c = 'a'; c <= 'z'; c++) {
      const size_t lower = static_cast<size_t>(c), upper = static_cast<size_t>(c - 'a' + 'A');
      if (set.test(lower) || set.test(upper)) set.set(lower).set(upper);
    }
  }
  static size_t At(std::string_view s, size_t i) { return static_cast<unsigned char>(s[i]); }

  ByteSetGlob(std::string_view p, bool nocase) {
    size_t i = 0;
    const size_t n = p.size();
    while (i < n) {
      Position t;
      if (p[i] == '*') {
        t.star = true;
        i++;
      } else if (p[i] == '?') {
        t.accepts.set();
        i++;
      } else if (p[i] == '[') {
        i++;
        const bool negate = i < n && p[i] == '^';
        if (negate) i++;
        while (i < n) {
          if (p[i] == '\\' && n - i >= 2) {
            t.accepts.set(At(p, i + 1));
            i += 2;
          } else if (p[i] == ']') {
            i++;
            break;
          } else if (n - i >= 3 && p[i + 1] == '-') {
            Range(t.accepts, p[i], p[i + 2]);
            i += 3;
          } else {
            t.accepts.set(At(p, i++));
          }
        }
        if (nocase) Fold(t.accepts);
        if (negate) t.accepts.flip();
      } else {
        const bool escaped = p[i] == '\\' && n - i >= 2;
        t.accepts.set(At(p, escaped ? i + 1 : i));
        i += escaped ? 2 : 1;
        if (nocase) Fold(t.accepts);
      }
      positions.push_back(t);
    }
  }
  bool MatchFrom(size_t ti, std::string_view s) const {
    if (ti == positions.size()) return s.empty();
    if (positions[ti].star) {
      for (size_t skip = 0; skip <= s.size(); skip++) {
        if (MatchFrom(ti + 1, s.substr(skip))) return true;
      }
      return false;
    }
    return !s.empty() && positions[ti].accepts.test(At(s, 0)) && MatchFrom(ti + 1, s.substr(1));
  }
  bool Match(std::string_view s) const {
    return s.empty() ? positions.empty() : MatchFrom(0, s);
  }
};

}  // namespace

TEST_CASE("Matching the pattern text agrees with per-position byte sets, case folding included "
          "(model test)",
          "[glob]") {
  std::mt19937 rng(20261204);
  const std::string pattern_bytes = "ab*?[]^-\\A\xff";
  const std::string key_bytes = "abA-\xff]";
  auto random_string = [&](const std::string& alphabet, size_t max_len) {
    std::string s(rng() % (max_len + 1), ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 20000; round++) {
    const std::string pattern = random_string(pattern_bytes, 8);
    const bool nocase = rng() % 4 == 0;
    const GlobPattern compact(pattern, nocase);  // the text, matched as it stands
    const ByteSetGlob reference(pattern, nocase);
    for (int k = 0; k < 8; k++) {
      const std::string key = random_string(key_bytes, 6);
      INFO("pattern '" << pattern << "' key '" << key << "' nocase " << nocase);
      REQUIRE(compact.Match(key) == reference.Match(key));
    }
  }
}
