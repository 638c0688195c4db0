// SORT's rules on plain data (option parsing, patterns, the LIMIT window, the order) and the
// handler in-process: what it records for the AOF and what it leaves in the keyspace.
#include <catch2/catch.hpp>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/sort/sort_rules.h"
#include "src/errors.h"
#include "src/types/quicklist.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

using server::sort::LimitWindow;
using server::sort::ParseSortOptions;
using server::sort::PatternTarget;
using server::sort::ResolvePattern;
using server::sort::SortItem;
using server::sort::SortItems;
using server::sort::SortOrder;
using server::sort::SortScore;
using testing_support::ArgvsOf;
using testing_support::CommandHarness;
using testing_support::Int;

namespace {

server::Result<server::sort::SortOptions> ParseSortArgs(std::vector<std::string_view> argv,
                                                        bool read_only = false) {
  return ParseSortOptions(argv, read_only);
}

std::vector<std::string> SortedElements(std::vector<SortItem> items, const SortOrder& order) {
  SortItems(items, order);
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.element);
  return out;
}

SortItem NumberItem(std::string element, double score) {
  return SortItem{std::move(element), score, std::nullopt};
}

SortItem ByItem(std::string element, std::optional<std::string> by) {
  return SortItem{std::move(element), 0, std::move(by)};
}

}  // namespace

TEST_CASE("SORT options repeat freely and the last one wins", "[sort]") {
  auto o = ParseSortArgs({"SORT", "k", "desc", "ASC", "LIMIT", "1", "2", "limit", "3", "4",
                          "GET", "a_*", "GET", "#", "ALPHA", "STORE", "d1", "STORE", "d2"});
  REQUIRE(o);
  REQUIRE_FALSE(o->desc);
  REQUIRE(o->alpha);
  REQUIRE(o->offset == 3);
  REQUIRE(o->count == 4);
  REQUIRE(o->gets == std::vector<std::string_view>{"a_*", "#"});
  REQUIRE(o->store == "d2");
  REQUIRE_FALSE(o->by);
}

TEST_CASE("A BY pattern without a star turns sorting off for good", "[sort]") {
  auto o = ParseSortArgs({"SORT", "k", "BY", "nosort", "BY", "w_*"});
  REQUIRE(o);
  REQUIRE(o->dont_sort);
  REQUIRE(o->by == "w_*");
  REQUIRE_FALSE(ParseSortArgs({"SORT", "k", "BY", "w_*"})->dont_sort);
}

TEST_CASE("SORT option errors come in argument order", "[sort]") {
  REQUIRE(ParseSortArgs({"SORT", "k", "LIMIT", "a", "1", "foo"}).error() ==
          server::err::kNotInteger);
  REQUIRE(ParseSortArgs({"SORT", "k", "foo", "LIMIT", "a", "1"}).error() ==
          server::err::kSyntax);
  REQUIRE(ParseSortArgs({"SORT", "k", "LIMIT", "1"}).error() == server::err::kSyntax);
  REQUIRE(ParseSortArgs({"SORT", "k", "GET"}).error() == server::err::kSyntax);
  REQUIRE(ParseSortArgs({"SORT", "k", "LIMIT", "1.5", "2"}).error() == server::err::kNotInteger);
}

TEST_CASE("SORT_RO refuses STORE as a syntax error", "[sort]") {
  REQUIRE(ParseSortArgs({"SORT_RO", "k", "STORE", "d"}, true).error() == server::err::kSyntax);
  REQUIRE(ParseSortArgs({"SORT", "k", "STORE", "d"}, false));
}

TEST_CASE("A pattern replaces its first star and may name a hash field after it", "[sort]") {
  PatternTarget t = ResolvePattern("w_*_x", "7");
  REQUIRE(t.kind == PatternTarget::Kind::kKey);
  REQUIRE(t.key == "w_7_x");
  REQUIRE_FALSE(t.field);
  t = ResolvePattern("h_*->f->g", "a");
  REQUIRE(t.key == "h_a");
  REQUIRE(t.field == "f->g");
  t = ResolvePattern("a**", "b");
  REQUIRE(t.key == "ab*");
  // "->" at the end, or before the star, is part of the key name.
  REQUIRE(ResolvePattern("h_*->", "1").key == "h_1->");
  REQUIRE_FALSE(ResolvePattern("h_*->", "1").field);
  REQUIRE(ResolvePattern("h->_*", "1").key == "h->_1");
  REQUIRE(ResolvePattern("#", "e").kind == PatternTarget::Kind::kElement);
  REQUIRE(ResolvePattern("nostar", "e").kind == PatternTarget::Kind::kNothing);
  REQUIRE(ResolvePattern("##", "e").kind == PatternTarget::Kind::kNothing);
}

TEST_CASE("LIMIT selects a window clamped to the elements", "[sort]") {
  auto same = [](server::sort::Window w, size_t first, size_t length) {
    return w.first == first && w.length == length;
  };
  REQUIRE(same(LimitWindow(10, 0, -1), 0, 10));
  REQUIRE(same(LimitWindow(10, -5, 3), 0, 3));
  REQUIRE(same(LimitWindow(10, 8, 5), 8, 2));
  REQUIRE(same(LimitWindow(10, 10, 5), 0, 0));
  REQUIRE(same(LimitWindow(10, 1, 0), 1, 0));
  REQUIRE(same(LimitWindow(10, 1, INT64_MAX), 1, 9));
  REQUIRE(same(LimitWindow(0, 0, -1), 0, 0));
}

TEST_CASE("Scores read as strtod reads them, refusing leftovers, overflow and NaN", "[sort]") {
  REQUIRE(SortScore("1.5") == 1.5);
  REQUIRE(SortScore(" 2") == 2);
  REQUIRE(SortScore("") == 0);
  REQUIRE(SortScore("0x10") == 16);
  REQUIRE(SortScore("-inf") == -std::numeric_limits<double>::infinity());
  REQUIRE_FALSE(SortScore("1 "));
  REQUIRE_FALSE(SortScore("nan"));
  REQUIRE_FALSE(SortScore("1e400"));
  REQUIRE_FALSE(SortScore("abc"));
  REQUIRE(SortScore(std::string_view("3\0x", 3)) == 3);  // strtod stops at the NUL
}

TEST_CASE("Equal numbers order by the elements' bytes, and DESC reverses that too", "[sort]") {
  std::vector<SortItem> items = {NumberItem("b", 1), NumberItem("01", 1), NumberItem("a", 1),
                                 NumberItem("z", 0)};
  REQUIRE(SortedElements(items, {}) == std::vector<std::string>{"z", "01", "a", "b"});
  REQUIRE(SortedElements(items, {.desc = true}) ==
          std::vector<std::string>{"b", "a", "01", "z"});
}

TEST_CASE("ALPHA compares up to a NUL when replying and every byte when storing", "[sort]") {
  using namespace std::string_literals;
  std::vector<SortItem> items = {NumberItem("a\0b"s, 0), NumberItem("a\0a"s, 0),
                                 NumberItem("a", 0)};
  REQUIRE(SortedElements(items, {.alpha = true}) ==
          std::vector<std::string>{"a\0b"s, "a\0a"s, "a"});
  REQUIRE(SortedElements(items, {.alpha = true, .binary = true}) ==
          std::vector<std::string>{"a", "a\0a"s, "a\0b"s});
  std::vector<SortItem> bytes = {NumberItem("\xc3\xa9", 0), NumberItem("a", 0),
                                 NumberItem("B", 0)};
  REQUIRE(SortedElements(bytes, {.alpha = true}) ==
          std::vector<std::string>{"B", "a", "\xc3\xa9"});
}

TEST_CASE("ALPHA BY puts missing values first and keeps ties in load order", "[sort]") {
  std::vector<SortItem> items = {ByItem("1", "y"), ByItem("2", std::nullopt), ByItem("3", "x"),
                                 ByItem("4", "x"), ByItem("5", std::nullopt)};
  REQUIRE(SortedElements(items, {.alpha = true, .by = true}) ==
          std::vector<std::string>{"2", "5", "3", "4", "1"});
  REQUIRE(SortedElements(items, {.alpha = true, .by = true, .desc = true}) ==
          std::vector<std::string>{"1", "3", "4", "2", "5"});
}

TEST_CASE("SORT without STORE records nothing for the AOF", "[sort]") {
  CommandHarness h;
  h.Run({"RPUSH", "l", "2", "1"});
  h.state.propagation.Take();
  h.Run({"SORT", "l"});
  h.Run({"SORT_RO", "l", "DESC"});
  REQUIRE(h.state.propagation.Take().empty());
}

TEST_CASE("SORT STORE records itself as sent, and nothing when it changed nothing", "[sort]") {
  CommandHarness h;
  h.Run({"RPUSH", "l", "2", "1"});
  h.state.propagation.Take();
  REQUIRE(h.Run({"SORT", "l", "STORE", "d"}) == Int(2));
  REQUIRE(ArgvsOf(h.state.propagation.Take()) ==
          std::vector<std::vector<std::string>>{{"SORT", "l", "STORE", "d"}});
  REQUIRE(h.Run({"SORT", "missing", "STORE", "d"}) == Int(0));
  REQUIRE(ArgvsOf(h.state.propagation.Take()) ==
          std::vector<std::vector<std::string>>{{"SORT", "missing", "STORE", "d"}});
  REQUIRE(h.Run({"SORT", "missing", "STORE", "d"}) == Int(0));
  REQUIRE(h.state.propagation.Take().empty());
  h.Run({"SORT", "l", "BY", "x", "STORE"});  // syntax error
  REQUIRE(h.state.propagation.Take().empty());
}

TEST_CASE("SORT STORE replaces the destination's value and expiry, and marks its watchers",
          "[sort]") {
  CommandHarness h;
  h.Run({"RPUSH", "l", "b", "a"});
  h.Run({"SET", "d", "x", "PX", "100000"});
  bool dirty = false;
  h.state.dbs[0]->Watch("d", &dirty);
  REQUIRE(h.Run({"SORT", "l", "ALPHA", "STORE", "d"}) == Int(2));
  REQUIRE(dirty);
  h.state.dbs[0]->Unwatch("d", &dirty);
  REQUIRE(h.Run({"PTTL", "d"}) == Int(-1));
  const server::Value* v = h.state.dbs[0]->Find("d", 0);
  REQUIRE(v != nullptr);
  REQUIRE(v->is_list());
  std::string first;
  REQUIRE(v->list().Get(0, first));
  REQUIRE(first == "a");
}
