#include "src/commands/sort/sort_rules.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "resp/strict_int.h"
#include "src/ascii.h"
#include "src/errors.h"

namespace server::sort {

namespace {

// Redis looks for '*' and "->" with strchr/strstr: a NUL ends the search.
std::string_view UpToNul(std::string_view s) { return s.substr(0, s.find('\0')); }

// strcoll under the C locale: strcmp, which stops at the first NUL.
int CompareCollated(std::string_view a, std::string_view b) {
  return UpToNul(a).compare(UpToNul(b));
}

int CompareBinary(std::string_view a, std::string_view b) { return a.compare(b); }

int Sign(int c) { return (c > 0) - (c < 0); }

}  // namespace

Result<SortOptions> ParseSortOptions(std::span<const std::string_view> argv, bool read_only) {
  SortOptions o;
  for (size_t j = 2; j < argv.size(); j++) {
    const std::string_view opt = argv[j];
    const size_t left = argv.size() - j - 1;
    if (EqualsIgnoreCase(opt, "ASC")) {
      o.desc = false;
    } else if (EqualsIgnoreCase(opt, "DESC")) {
      o.desc = true;
    } else if (EqualsIgnoreCase(opt, "ALPHA")) {
      o.alpha = true;
    } else if (EqualsIgnoreCase(opt, "LIMIT") && left >= 2) {
      if (!resp::ParseStrictInt64(argv[j + 1], o.offset) ||
          !resp::ParseStrictInt64(argv[j + 2], o.count)) {
        return Failure(err::kNotInteger);
      }
      j += 2;
    } else if (!read_only && EqualsIgnoreCase(opt, "STORE") && left >= 1) {
      o.store = argv[++j];
    } else if (EqualsIgnoreCase(opt, "BY") && left >= 1) {
      o.by = argv[++j];
      // Once a constant pattern was seen the sort is off, whatever later BYs say (as Redis).
      if (UpToNul(*o.by).find('*') == std::string_view::npos) o.dont_sort = true;
    } else if (EqualsIgnoreCase(opt, "GET") && left >= 1) {
      o.gets.push_back(argv[++j]);
    } else {
      return Failure(err::kSyntax);
    }
  }
  return o;
}

PatternTarget ResolvePattern(std::string_view pattern, std::string_view element) {
  PatternTarget t;
  const std::string_view searched = UpToNul(pattern);
  if (searched == "#") {
    t.kind = PatternTarget::Kind::kElement;
    return t;
  }
  const size_t star = searched.find('*');
  if (star == std::string_view::npos) return t;  // kNothing: GET of a fixed key makes no sense
  size_t key_end = pattern.size();
  const size_t arrow = searched.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < searched.size()) {
    t.field = std::string(pattern.substr(arrow + 2));
    key_end = arrow;
  }
  t.kind = PatternTarget::Kind::kKey;
  t.key.reserve(key_end - 1 + element.size());
  t.key.append(pattern.substr(0, star));
  t.key.append(element);
  t.key.append(pattern.substr(star + 1, key_end - star - 1));
  return t;
}

Window LimitWindow(size_t size, int64_t offset, int64_t count) {
  const auto n = static_cast<int64_t>(size);
  const int64_t first = offset < 0 ? 0 : offset;
  if (first >= n) return {};
  // Past the end (or an overflowing count) stops at the end.
  const int64_t length = count < 0 || count > n - first ? n - first : count;
  return {static_cast<size_t>(first), static_cast<size_t>(length)};
}

std::optional<double> SortScore(std::string_view text) {
  const std::string copy(text);  // NUL-terminated: strtod stops at an embedded NUL, as Redis's
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || std::isnan(v)) return std::nullopt;
  return v;
}

void SortItems(std::vector<SortItem>& items, const SortOrder& order) {
  const auto compare_text = order.binary ? CompareBinary : CompareCollated;
  auto cmp = [&](const SortItem& a, const SortItem& b) -> int {
    if (!order.alpha) {
      if (a.score != b.score) return a.score < b.score ? -1 : 1;
      return Sign(CompareBinary(a.element, b.element));  // ties by the elements, as Redis
    }
    if (!order.by) return Sign(compare_text(a.element, b.element));
    if (!a.by || !b.by) return a.by.has_value() == b.by.has_value() ? 0 : (a.by ? 1 : -1);
    return Sign(compare_text(*a.by, *b.by));
  };
  std::stable_sort(items.begin(), items.end(), [&](const SortItem& a, const SortItem& b) {
    const int c = cmp(a, b);
    return order.desc ? c > 0 : c < 0;
  });
}

}  // namespace server::sort
