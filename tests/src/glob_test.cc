// GlobPattern against the behaviour observed on Redis 7.0's KEYS, quirks included.
#include <catch2/catch.hpp>

#include <string>

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
