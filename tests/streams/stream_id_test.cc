// StreamID parsing, resolution, arithmetic and formatting. Every expectation here was first
// observed on redis-server 7.0.15 (XADD, XRANGE, XREVRANGE, XDEL, XREAD, XGROUP, XPENDING).
#include <catch2/catch.hpp>

#include <charconv>
#include <random>
#include <string>
#include <vector>
#include <string_view>

#include "streams/stream_id.h"

using namespace std::literals;
using streams::IdResult;
using streams::IdStatus;
using streams::ReadToken;
using streams::StreamID;
using streams::XAddId;

namespace {

constexpr uint64_t kMax = UINT64_MAX;
const std::string kMaxText = "18446744073709551615";

std::string StatusText(IdStatus s) {
  switch (s) {
    case IdStatus::kOk: return "ok";
    case IdStatus::kInvalid: return "invalid";
    case IdStatus::kInvalidStart: return "invalid start";
    case IdStatus::kInvalidEnd: return "invalid end";
    case IdStatus::kXAddZero: return "zero";
    case IdStatus::kXAddNotGreater: return "not greater";
    case IdStatus::kXAddSeqExhausted: return "seq exhausted";
    case IdStatus::kStreamExhausted: return "stream exhausted";
    case IdStatus::kOverflow: return "overflow";
  }
  return "?";
}

// The ID as Redis would print it, or the failure's name.
std::string Text(const IdResult<StreamID>& r) {
  return r.ok() ? r.value.ToString() : StatusText(r.status);
}

std::string Strict(std::string_view arg) { return Text(streams::ParseStrictId(arg)); }
std::string Start(std::string_view arg) { return Text(streams::ParseRangeStart(arg)); }
std::string End(std::string_view arg) { return Text(streams::ParseRangeEnd(arg)); }

// XADD on a stream whose last ID is `last`, with the clock at now_ms.
std::string XAdd(std::string_view arg, StreamID last = {}, uint64_t now_ms = 1000) {
  IdResult<XAddId> given = streams::ParseXAddId(arg);
  if (!given.ok()) return StatusText(given.status);
  return Text(streams::ResolveXAddId(given.value, last, now_ms));
}

}  // namespace

TEST_CASE("An ID part accepts leading zeros and a leading plus sign", "[stream_id]") {
  CHECK(XAdd("007-1") == "7-1");
  CHECK(XAdd("+5-1") == "5-1");
  CHECK(XAdd("5-+1") == "5-1");
  CHECK(XAdd("5-007") == "5-7");
  CHECK(XAdd(std::string(124, '0') + "5-1") == "5-1");
}

TEST_CASE("An ID part accepts leading whitespace but not trailing whitespace", "[stream_id]") {
  CHECK(XAdd(" 5-1") == "5-1");
  CHECK(XAdd("\t5-1") == "5-1");
  CHECK(XAdd("\n5-1") == "5-1");
  CHECK(XAdd("5- 1") == "5-1");
  CHECK(XAdd("5-\v3") == "5-3");
  CHECK(XAdd("5-\f3") == "5-3");
  CHECK(XAdd("5-\r3") == "5-3");
  CHECK(XAdd(" +5-1") == "5-1");
  CHECK(XAdd("5- +5") == "5-5");
  CHECK(XAdd("5 -1") == "invalid");
  CHECK(XAdd("5-1 ") == "invalid");
  CHECK(XAdd(" -5") == "invalid");
}

TEST_CASE("A plainly written negative sequence is refused", "[stream_id]") {
  CHECK(XAdd("5--1") == "invalid");
  CHECK(XAdd("5--9223372036854775808") == "invalid");
  CHECK(XAdd("-5-1") == "invalid");
  CHECK(XAdd("-1") == "invalid");
}

TEST_CASE("Negatives that are not canonical integers wrap modulo 2^64 as strtoull does",
          "[stream_id]") {
  CHECK(XAdd("5--0") == "5-0");
  CHECK(XAdd("5--00") == "5-0");
  CHECK(XAdd("5- -0") == "5-0");
  CHECK(XAdd("5- -5") == "5-18446744073709551611");
  CHECK(XAdd("5-  -1") == "5-18446744073709551615");
  CHECK(XAdd("5- -18446744073709551615") == "5-1");
  CHECK(XAdd("5--18446744073709551615") == "5-1");
  CHECK(XAdd("5--9223372036854775809") == "5-9223372036854775807");
  CHECK(XAdd("5- -18446744073709551616") == "invalid");
}

TEST_CASE("ID parts must be plain decimal numbers that fit in 64 bits", "[stream_id]") {
  CHECK(XAdd(kMaxText + "-" + kMaxText) == kMaxText + "-" + kMaxText);
  CHECK(XAdd("18446744073709551616-1") == "invalid");
  CHECK(XAdd("1-18446744073709551616") == "invalid");
  CHECK(XAdd("") == "invalid");
  CHECK(XAdd("5-") == "invalid");
  CHECK(XAdd("5-0x1") == "invalid");
  CHECK(XAdd("0x5-1") == "invalid");
  CHECK(XAdd("5.0-1") == "invalid");
  CHECK(XAdd("1e3-1") == "invalid");
  CHECK(XAdd("++5-1") == "invalid");
  CHECK(XAdd("+-5-1") == "invalid");
  CHECK(XAdd("5-+-1") == "invalid");
  CHECK(XAdd("5-1-2") == "invalid");
}

TEST_CASE("ParseIdNumber reads one part with Redis's rules", "[stream_id]") {
  uint64_t v = 42;
  CHECK(streams::ParseIdNumber("0", v));
  CHECK(v == 0);
  CHECK(streams::ParseIdNumber("18446744073709551615", v));
  CHECK(v == kMax);
  CHECK(streams::ParseIdNumber(" -1", v));
  CHECK(v == kMax);
  CHECK_FALSE(streams::ParseIdNumber("-1", v));
  CHECK_FALSE(streams::ParseIdNumber(" ", v));
  CHECK_FALSE(streams::ParseIdNumber("+", v));
  CHECK_FALSE(streams::ParseIdNumber("-", v));
  CHECK_FALSE(streams::ParseIdNumber("", v));
}

TEST_CASE("An ID argument longer than 127 bytes is invalid", "[stream_id]") {
  std::string id127 = std::string(124, '0') + "5-1";
  std::string id128 = "0" + id127;
  REQUIRE(id127.size() == 127);
  CHECK(XAdd(id127) == "5-1");
  CHECK(XAdd(id128) == "invalid");
  CHECK(Strict(id127) == "5-1");
  CHECK(Strict(id128) == "invalid");
  CHECK(Start(id127) == "5-1");
  CHECK(Start(id128) == "invalid");
  // The limit counts the bytes after an exclusive '('.
  CHECK(Start("(" + id127) == "5-2");
  CHECK(End("(" + id127) == "5-0");
  CHECK(Start("(" + id128) == "invalid");
  CHECK(XAdd(std::string(124, '0') + "5-*") == "5-0");
  CHECK(XAdd(std::string(125, '0') + "5-*") == "invalid");
}

TEST_CASE("An ID is read only up to its first NUL byte", "[stream_id]") {
  CHECK(XAdd("5\0" "3"sv) == "5-0");
  CHECK(XAdd("5-3\0zz"sv) == "5-3");
  CHECK(XAdd("5-*\0x"sv) == "5-0");
  CHECK(XAdd("*\0x"sv) == "1000-0");
  CHECK(Start("-\0x"sv) == "0-0");
  CHECK(Start("(5\0x"sv) == "5-1");
  CHECK(Strict("(\0"sv) == "invalid");
  CHECK(Start("(\0"sv) == "invalid");
  // The length limit still applies to the whole argument, except for a bare "*".
  CHECK(Start("-"s + std::string(200, '\0')) == "invalid");
  CHECK(XAdd("99999999999999-*"s + std::string(200, '\0')) == "invalid");
  CHECK(XAdd("*"s + std::string(200, '\0')) == "1000-0");
}

TEST_CASE("Plain digit IDs read in one pass the same as the general reading", "[stream_id]") {
  // A NUL and anything after it are ignored (Redis reads a C string) but keep an argument off
  // the one-pass reading, so the same ID with and without such a tail must agree.
  std::mt19937_64 rng(31);
  const std::string alphabet = "0123456789-+* (x\t";
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int i = 0; i < 200000; i++) {
    std::string arg;
    const size_t shape = pick(4);
    if (shape == 0) {
      // Digits, a dash, digits: around the 19- and 20-digit edges.
      arg = std::string(pick(22), '9');
      for (char& c : arg) c = static_cast<char>('0' + pick(10));
      arg += '-';
      for (size_t k = pick(22); k > 0; k--) arg += static_cast<char>('0' + pick(10));
    } else {
      for (size_t k = pick(shape == 1 ? 6 : 25); k > 0; k--) arg += alphabet[pick(alphabet.size())];
    }
    if (arg.size() + 2 > streams::kMaxIdArgLength) continue;
    const std::string tailed = arg + std::string(1, '\0') + "x";
    CAPTURE(arg);
    auto plain = streams::ParseStrictId(arg), general = streams::ParseStrictId(tailed);
    REQUIRE(plain.status == general.status);
    if (plain.ok()) REQUIRE(plain.value == general.value);
    auto end = streams::ParseRangeEnd(arg), end_general = streams::ParseRangeEnd(tailed);
    REQUIRE(end.status == end_general.status);
    if (end.ok()) REQUIRE(end.value == end_general.value);
    auto xadd = streams::ParseXAddId(arg), xadd_general = streams::ParseXAddId(tailed);
    REQUIRE(xadd.status == xadd_general.status);
    if (xadd.ok()) {
      REQUIRE(xadd.value.kind == xadd_general.value.kind);
      REQUIRE(xadd.value.id == xadd_general.value.id);
    }
  }
}

TEST_CASE("XADD accepts *, ms-*, ms and ms-seq and nothing else", "[stream_id]") {
  IdResult<XAddId> r = streams::ParseXAddId("*");
  REQUIRE(r.ok());
  CHECK(r.value.kind == XAddId::Kind::kAuto);
  r = streams::ParseXAddId("5-*");
  REQUIRE(r.ok());
  CHECK(r.value.kind == XAddId::Kind::kAutoSeq);
  CHECK(r.value.id.ms == 5);
  r = streams::ParseXAddId("5");
  REQUIRE(r.ok());
  CHECK(r.value.kind == XAddId::Kind::kExplicit);
  CHECK(r.value.id == StreamID{5, 0});
  r = streams::ParseXAddId("5-6");
  REQUIRE(r.ok());
  CHECK(r.value.kind == XAddId::Kind::kExplicit);
  CHECK(r.value.id == StreamID{5, 6});
  for (std::string_view bad : {"-", "+", "**", "*-1", "5-**", "5-*x", "5-* ", "-*", "(5", "$"}) {
    INFO(bad);
    CHECK(streams::ParseXAddId(bad).status == IdStatus::kInvalid);
  }
}

TEST_CASE("XADD with an explicit 0-0 is refused while parsing", "[stream_id]") {
  CHECK(streams::ParseXAddId("0-0").status == IdStatus::kXAddZero);
  CHECK(streams::ParseXAddId("0").status == IdStatus::kXAddZero);
  CHECK(streams::ParseXAddId("00-0").status == IdStatus::kXAddZero);
  // Even a stream at its last possible ID reports the 0-0 error first.
  XAddId zero{XAddId::Kind::kExplicit, {0, 0}};
  CHECK(streams::ResolveXAddId(zero, StreamID::Max(), 1).status == IdStatus::kXAddZero);
}

TEST_CASE("XADD 0-* on a new stream gives 0-1", "[stream_id]") {
  CHECK(XAdd("0-*") == "0-1");
  CHECK(XAdd("0-1") == "0-1");
}

TEST_CASE("XADD * uses the clock when it is ahead of the last ID", "[stream_id]") {
  CHECK(XAdd("*", {}, 1700000000000) == "1700000000000-0");
  CHECK(XAdd("*", {5, 7}, 6) == "6-0");
}

TEST_CASE("XADD * follows the last ID when the clock is not ahead of it", "[stream_id]") {
  CHECK(XAdd("*", {9999999999999, 7}, 1000) == "9999999999999-8");
  CHECK(XAdd("*", {1000, 7}, 1000) == "1000-8");
  CHECK(XAdd("*", {9999999999999, kMax}, 1000) == "10000000000000-0");
  CHECK(XAdd("*", {kMax, kMax - 1}, 1000) == kMaxText + "-" + kMaxText);
  CHECK(XAdd("*", {}, 0) == "0-1");
}

TEST_CASE("XADD ms-* continues the sequence of the same millisecond", "[stream_id]") {
  CHECK(XAdd("9999999999999-*", {9999999999999, 8}) == "9999999999999-9");
  CHECK(XAdd("6-*", {5, kMax}) == "6-0");
  CHECK(XAdd("4-*", {5, kMax}) == "not greater");
  CHECK(XAdd("0-*", {5, kMax}) == "not greater");
  CHECK(XAdd(kMaxText + "-*", {kMax, kMax - 1}) == kMaxText + "-" + kMaxText);
}

TEST_CASE("XADD ms-* when that millisecond's sequence is used up is its own failure",
          "[stream_id]") {
  CHECK(XAdd("5-*", {5, kMax}) == "seq exhausted");
}

TEST_CASE("XADD with an explicit ID must be greater than the last ID", "[stream_id]") {
  CHECK(XAdd("9999999999999-8", {9999999999999, 8}) == "not greater");
  CHECK(XAdd("9999999999999", {9999999999999, 8}) == "not greater");
  CHECK(XAdd("5-" + kMaxText, {5, kMax}) == "not greater");
  CHECK(XAdd("6-0", {6, 0}) == "not greater");
  CHECK(XAdd("6-1", {6, 0}) == "6-1");
  CHECK(XAdd("7", {6, 0}) == "7-0");
}

TEST_CASE("XADD on a stream at MAX-MAX reports the stream exhausted for any ID but 0-0",
          "[stream_id]") {
  StreamID top = StreamID::Max();
  CHECK(XAdd("*", top) == "stream exhausted");
  CHECK(XAdd("1-1", top) == "stream exhausted");
  CHECK(XAdd("5-*", top) == "stream exhausted");
  CHECK(XAdd(kMaxText + "-*", top) == "stream exhausted");
  CHECK(XAdd(kMaxText + "-" + kMaxText, top) == "stream exhausted");
  CHECK(XAdd("0-0", top) == "zero");
  CHECK(XAdd("bad", top) == "invalid");
}

TEST_CASE("A strict ID is ms or ms-seq, without -, +, ( or *", "[stream_id]") {
  CHECK(Strict("5") == "5-0");
  CHECK(Strict("5-1") == "5-1");
  CHECK(Strict("007- 1") == "7-1");
  CHECK(Strict(" 7") == "7-0");
  CHECK(Strict("0") == "0-0");
  CHECK(Strict(kMaxText + "-" + kMaxText) == kMaxText + "-" + kMaxText);
  for (std::string_view bad :
       {"-"sv, "+"sv, "5-*"sv, "(5"sv, "(0"sv, "*"sv, "$"sv, ">"sv, "-\0q"sv, ""sv}) {
    INFO(bad);
    CHECK(Strict(bad) == "invalid");
  }
}

TEST_CASE("XGROUP SETID's ID also accepts - and +", "[stream_id]") {
  CHECK(Text(streams::ParseIdOrMinMax("-")) == "0-0");
  CHECK(Text(streams::ParseIdOrMinMax("+")) == kMaxText + "-" + kMaxText);
  CHECK(Text(streams::ParseIdOrMinMax("6")) == "6-0");
  CHECK(Text(streams::ParseIdOrMinMax("5-*")) == "invalid");
  CHECK(Text(streams::ParseIdOrMinMax("(5")) == "invalid");
}

TEST_CASE("Range bounds accept - and + at either end", "[stream_id]") {
  CHECK(Start("-") == "0-0");
  CHECK(Start("+") == kMaxText + "-" + kMaxText);
  CHECK(End("-") == "0-0");
  CHECK(End("+") == kMaxText + "-" + kMaxText);
  CHECK(Start("- ") == "invalid");
  CHECK(Start(" -") == "invalid");
  CHECK(Start("-5") == "invalid");
}

TEST_CASE("A range bound without a sequence covers the whole millisecond", "[stream_id]") {
  CHECK(Start("5") == "5-0");
  CHECK(End("5") == "5-" + kMaxText);
  CHECK(Start("+5") == "5-0");
  CHECK(End("5-3") == "5-3");
  CHECK(Start("5-*") == "invalid");
  CHECK(End("5-*") == "invalid");
}

TEST_CASE("An exclusive start is the ID after the one given", "[stream_id]") {
  CHECK(Start("(5-1") == "5-2");
  CHECK(Start("(5") == "5-1");
  CHECK(Start("(0") == "0-1");
  CHECK(Start("(0-0") == "0-1");
  CHECK(Start("(5-" + kMaxText) == "6-0");
  CHECK(Start("(" + kMaxText) == kMaxText + "-1");
}

TEST_CASE("An exclusive end is the ID before the one given", "[stream_id]") {
  CHECK(End("(6-0") == "5-" + kMaxText);
  CHECK(End("(6") == "6-18446744073709551614");
  CHECK(End("(5") == "5-18446744073709551614");
  CHECK(End("(10") == "10-18446744073709551614");
  CHECK(End("(0") == "0-18446744073709551614");
  CHECK(End("(" + kMaxText + "-" + kMaxText) == kMaxText + "-18446744073709551614");
}

TEST_CASE("An exclusive bound that cannot move is an interval error", "[stream_id]") {
  CHECK(Start("(" + kMaxText + "-" + kMaxText) == "invalid start");
  CHECK(End("(0-0") == "invalid end");
  CHECK(End("(" + kMaxText + "-" + kMaxText) != "invalid end");
  CHECK(Start("(0-0") != "invalid start");
}

TEST_CASE("An exclusive bound takes a strict ID after a single (", "[stream_id]") {
  CHECK(Start("(") == "invalid");
  CHECK(End("(") == "invalid");
  CHECK(Start("((5") == "invalid");
  CHECK(Start("(-") == "invalid");
  CHECK(End("(+") == "invalid");
  CHECK(Start("(5-*") == "invalid");
  CHECK(Start("(+5") == "5-1");
  CHECK(Start("( 5") == "5-1");
}

TEST_CASE("Increment carries into the millisecond and overflows only at the maximum",
          "[stream_id]") {
  CHECK(Text(streams::Increment({5, 1})) == "5-2");
  CHECK(Text(streams::Increment({5, kMax})) == "6-0");
  CHECK(Text(streams::Increment({kMax, kMax - 1})) == kMaxText + "-" + kMaxText);
  CHECK(Text(streams::Increment({0, 0})) == "0-1");
  CHECK(streams::Increment(StreamID::Max()).status == IdStatus::kOverflow);
}

TEST_CASE("Decrement borrows from the millisecond and overflows only at 0-0", "[stream_id]") {
  CHECK(Text(streams::Decrement({5, 1})) == "5-0");
  CHECK(Text(streams::Decrement({6, 0})) == "5-" + kMaxText);
  CHECK(Text(streams::Decrement({0, 1})) == "0-0");
  CHECK(Text(streams::Decrement(StreamID::Max())) == kMaxText + "-18446744073709551614");
  CHECK(streams::Decrement(StreamID::Min()).status == IdStatus::kOverflow);
}

TEST_CASE("Increment and Decrement undo each other", "[stream_id]") {
  for (StreamID id : {StreamID{0, 1}, StreamID{5, 0}, StreamID{5, kMax}, StreamID{kMax, 0},
                      StreamID{kMax, kMax - 1}, StreamID{1, 1}}) {
    INFO(id.ToString());
    CHECK(streams::Decrement(streams::Increment(id).value).value == id);
    CHECK(streams::Increment(streams::Decrement(id).value).value == id);
  }
}

TEST_CASE("XREAD's $, + and XREADGROUP's > are recognised as C strings", "[stream_id]") {
  CHECK(streams::ClassifyReadToken("$") == ReadToken::kNewOnly);
  CHECK(streams::ClassifyReadToken("+") == ReadToken::kLastEntry);
  CHECK(streams::ClassifyReadToken(">") == ReadToken::kUndelivered);
  CHECK(streams::ClassifyReadToken("$\0x"sv) == ReadToken::kNewOnly);
  CHECK(streams::ClassifyReadToken(">\0x"sv) == ReadToken::kUndelivered);
  CHECK(streams::ClassifyReadToken("$"s + std::string(200, '\0')) == ReadToken::kNewOnly);
  CHECK(streams::ClassifyReadToken("$$") == ReadToken::kNone);
  CHECK(streams::ClassifyReadToken(" $") == ReadToken::kNone);
  CHECK(streams::ClassifyReadToken("-") == ReadToken::kNone);
  CHECK(streams::ClassifyReadToken("0") == ReadToken::kNone);
  CHECK(streams::ClassifyReadToken("") == ReadToken::kNone);
}

TEST_CASE("FormatId writes ms-seq without a terminator and returns the end", "[stream_id]") {
  char buf[streams::kMaxFormattedIdLength + 1];
  buf[streams::kMaxFormattedIdLength] = '#';
  char* end = streams::FormatId(StreamID::Max(), buf);
  CHECK(std::string(buf, end) == kMaxText + "-" + kMaxText);
  CHECK(end - buf == static_cast<ptrdiff_t>(streams::kMaxFormattedIdLength));
  CHECK(buf[streams::kMaxFormattedIdLength] == '#');
  end = streams::FormatId(StreamID::Min(), buf);
  CHECK(std::string(buf, end) == "0-0");
  end = streams::FormatId({1700000000000, 10}, buf);
  CHECK(std::string(buf, end) == "1700000000000-10");
}

TEST_CASE("ToString matches FormatId and round-trips through the strict parser",
          "[stream_id]") {
  for (StreamID id : {StreamID{0, 0}, StreamID{1, 0}, StreamID{10, 9}, StreamID{kMax, 0},
                      StreamID{0, kMax}, StreamID{123456789, 987654321}}) {
    IdResult<StreamID> back = streams::ParseStrictId(id.ToString());
    REQUIRE(back.ok());
    CHECK(back.value == id);
  }
}

TEST_CASE("FormatId writes what std::to_chars writes for either part, at every digit count",
          "[stream_id]") {
  std::vector<uint64_t> values = {0, 9, 10, 99, 100, 999, 1000, 9999, 10000, UINT64_MAX};
  uint64_t p = 1;
  for (int digits = 1; digits < 20; digits++, p *= 10) {
    for (uint64_t v : {p - 1, p, p + 1, p * 9 + 7}) values.push_back(v);
  }
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; i++) values.push_back(rng() >> (rng() % 64));
  for (uint64_t v : values) {
    const StreamID id{v, values[static_cast<size_t>(v % values.size())]};
    char expected[streams::kMaxFormattedIdLength];
    char* e = std::to_chars(expected, expected + 20, id.ms).ptr;
    *e++ = '-';
    e = std::to_chars(e, expected + sizeof expected, id.seq).ptr;
    INFO(v);
    CHECK(streams::FormattedId(id).view() == std::string_view(expected, static_cast<size_t>(e - expected)));
  }
}
