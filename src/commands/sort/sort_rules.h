// SORT's rules on plain data, apart from the keyspace: the option parser, how a BY/GET pattern
// names a key (and hash field) for one element, the LIMIT window, and the order of the sorted
// elements. Redis 7.0 is the reference: numeric order breaks ties by the elements' bytes; ALPHA
// compares as strcoll under the C locale (up to the first NUL) when replying, by full bytes when
// storing; ALPHA BY puts missing values first and keeps ties in load order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/result.h"

namespace server::sort {

// Options of SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
// [STORE destination]. Views into the command's argv.
struct SortOptions {
  std::optional<std::string_view> by;  // the last BY given
  bool dont_sort = false;              // a BY pattern without '*' ("nosort"): keep source order
  int64_t offset = 0;
  int64_t count = -1;                  // negative: to the end
  std::vector<std::string_view> gets;  // in order; "#" is the element itself
  bool desc = false;
  bool alpha = false;
  std::optional<std::string_view> store;
};

// Parses argv[2..]. Options repeat freely (the last wins); a LIMIT that is not two integers is
// "value is not an integer", anything unknown (or STORE in SORT_RO) a syntax error, the first
// failure in argument order winning.
Result<SortOptions> ParseSortOptions(std::span<const std::string_view> argv, bool read_only);

// What a pattern names for one element: the element itself ("#"), nothing (no '*'), or a key
// (the first '*' replaced by the element) and, after a "->" that follows the '*' and is not
// last, a hash field.
struct PatternTarget {
  enum class Kind { kElement, kNothing, kKey };
  Kind kind = Kind::kNothing;
  std::string key;
  std::optional<std::string> field;
};
PatternTarget ResolvePattern(std::string_view pattern, std::string_view element);

// The part of `size` sorted elements LIMIT selects: from `first`, `length` of them.
struct Window {
  size_t first = 0;
  size_t length = 0;
};
Window LimitWindow(size_t size, int64_t offset, int64_t count);

// A value's numeric sort key as Redis reads it (strtod: leading blanks, hex, "inf" allowed; an
// empty value is 0); nullopt when it is not all consumed, out of range or NaN.
std::optional<double> SortScore(std::string_view text);

// One element to sort and what it sorts by.
struct SortItem {
  std::string element;
  double score = 0;                  // numeric: the element's or the BY value's; 0 when missing
  std::optional<std::string> by;     // ALPHA with BY: the BY value, when there is one
};

struct SortOrder {
  bool alpha = false;
  bool by = false;       // ALPHA compares the BY values, not the elements
  bool desc = false;
  bool binary = false;   // STORE: ALPHA compares all bytes (no collation)
};
// Sorts `items` in place (stable).
void SortItems(std::vector<SortItem>& items, const SortOrder& order);

}  // namespace server::sort
