// resp::Parser: requests fed in arbitrary pieces, pipelining, inline syntax, and the exact
// protocol error texts (checked against redis-server 7.0 with a raw socket).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "resp/parser.h"
#include "tests/support/reply_bytes.h"

namespace {

using testing_support::Multibulk;

using Args = std::vector<std::string>;

struct FeedResult {
  std::vector<Args> requests;  // every complete request, blank ones included as {}
  std::string error;           // set when the parser reported kError
  size_t leftover = 0;         // unparsed bytes at the end
};

// Plays the connection's part: bytes arrive in `pieces`; after each piece the parser is asked
// for every complete request at the front of the pending bytes. The pending bytes are copied to
// a fresh std::string on every call so any view into an old buffer would dangle (ASan sees it).
FeedResult Feed(resp::Parser& parser, const std::vector<std::string>& pieces) {
  FeedResult r;
  std::string pending;
  for (const auto& piece : pieces) {
    std::string grown;
    grown.reserve(pending.size() + piece.size() + 1);
    grown = pending;
    grown += piece;
    pending.swap(grown);
    std::string().swap(grown);
    while (!pending.empty()) {
      std::string copy(pending);  // a new allocation for every call
      auto status = parser.Parse(copy);
      if (status == resp::Parser::Status::kIncomplete) break;
      if (status == resp::Parser::Status::kError) {
        r.error = parser.error();
        return r;
      }
      Args args;
      for (auto a : parser.args()) args.emplace_back(a);
      r.requests.push_back(std::move(args));
      size_t used = parser.consumed();
      REQUIRE(used > 0);
      REQUIRE(used <= copy.size());
      parser.Reset();
      pending.erase(0, used);
    }
  }
  r.leftover = pending.size();
  return r;
}

FeedResult FeedWhole(std::string_view wire) {
  resp::Parser parser;
  return Feed(parser, {std::string(wire)});
}

// Feeds `wire` split into two pieces at every boundary, in three pieces at every pair of
// boundaries, and one byte at a time; each way must give `expected`.
void CheckEverySplit(const std::string& wire, const std::vector<Args>& expected) {
  for (size_t i = 1; i < wire.size(); i++) {
    resp::Parser parser;
    auto r = Feed(parser, {wire.substr(0, i), wire.substr(i)});
    INFO("split at " << i);
    REQUIRE(r.error.empty());
    REQUIRE(r.requests == expected);
    REQUIRE(r.leftover == 0);
  }
  for (size_t i = 1; i < wire.size(); i++) {
    for (size_t j = i + 1; j < wire.size(); j++) {
      resp::Parser parser;
      auto r = Feed(parser, {wire.substr(0, i), wire.substr(i, j - i), wire.substr(j)});
      INFO("split at " << i << " and " << j);
      REQUIRE(r.requests == expected);
      REQUIRE(r.leftover == 0);
    }
  }
  std::vector<std::string> bytes;
  for (char c : wire) bytes.emplace_back(1, c);
  resp::Parser parser;
  auto r = Feed(parser, bytes);
  REQUIRE(r.error.empty());
  REQUIRE(r.requests == expected);
  REQUIRE(r.leftover == 0);
}

}  // namespace

TEST_CASE("A multibulk request split at every byte boundary gives the same arguments",
          "[resp][parser]") {
  Args args = {"SET", "key:1", "hello world", ""};
  CheckEverySplit(Multibulk(args), {args});
}

TEST_CASE("An inline request split at every byte boundary gives the same arguments",
          "[resp][parser]") {
  CheckEverySplit("SET  k \"a b\\n\"  'c d'\r\n", {{"SET", "k", "a b\n", "c d"}});
  CheckEverySplit("PING\n", {{"PING"}});
}

TEST_CASE("A pipeline mixing multibulk, inline and blank requests splits cleanly anywhere",
          "[resp][parser]") {
  std::string wire = Multibulk({"GET", "a"}) + "ECHO x\r\n" + "\r\n" + "*0\r\n" +
                     Multibulk({"DEL", "a", "b"});
  CheckEverySplit(wire, {{"GET", "a"}, {"ECHO", "x"}, {}, {}, {"DEL", "a", "b"}});
}

TEST_CASE("Several pipelined requests in one buffer are parsed one after another",
          "[resp][parser]") {
  std::string wire;
  std::vector<Args> expected;
  for (int i = 0; i < 200; i++) {
    Args a = {"SET", "key" + std::to_string(i), std::string(static_cast<size_t>(i), 'v')};
    wire += i % 3 == 0 ? "SET key" + std::to_string(i) + " \"" + a[2] + "\"\r\n" : Multibulk(a);
    expected.push_back(a);
  }
  auto r = FeedWhole(wire);
  REQUIRE(r.error.empty());
  REQUIRE(r.requests == expected);
  REQUIRE(r.leftover == 0);
}

TEST_CASE("Arguments stay valid when the caller moves its buffer between calls",
          "[resp][parser]") {
  // The bulk headers are parsed in the first call; the args must be rebuilt from the buffer
  // passed to the call that completes the request, not from the first one.
  resp::Parser parser;
  std::string first = "*2\r\n$3\r\nGET\r\n$5\r\nab";
  auto* buf1 = new std::string(first);
  REQUIRE(parser.Parse(*buf1) == resp::Parser::Status::kIncomplete);
  std::string second = *buf1 + "cde\r\n";
  delete buf1;
  REQUIRE(parser.Parse(second) == resp::Parser::Status::kComplete);
  REQUIRE(parser.args().size() == 2);
  CHECK(parser.args()[0] == "GET");
  CHECK(parser.args()[1] == "abcde");
  CHECK(parser.args()[1].data() >= second.data());
  CHECK(parser.args()[1].data() < second.data() + second.size());
  CHECK(parser.consumed() == second.size());
}

TEST_CASE("Bulk arguments are binary safe, including CRLF and NUL bytes", "[resp][parser]") {
  Args args = {"SET", std::string("a\r\nb\0c", 6), "\r\n", std::string(1, '\0'), "$3\r\n*1"};
  CheckEverySplit(Multibulk(args), {args});
}

TEST_CASE("Inline requests handle quotes and escapes like redis-cli", "[resp][parser]") {
  CHECK(FeedWhole("ECHO \"a\\x41\\n\"\r\n").requests == std::vector<Args>{{"ECHO", "aA\n"}});
  CHECK(FeedWhole("ECHO 'a\\'b'\r\n").requests == std::vector<Args>{{"ECHO", "a'b"}});
  CHECK(FeedWhole("ECHO 'a\\nb'\r\n").requests == std::vector<Args>{{"ECHO", "a\\nb"}});
  CHECK(FeedWhole("ECHO \"\"\r\n").requests == std::vector<Args>{{"ECHO", ""}});
  CHECK(FeedWhole("ECHO \"\\x4g\"\r\n").requests == std::vector<Args>{{"ECHO", "x4g"}});
  CHECK(FeedWhole("ECHO \"a\\qb\"\r\n").requests == std::vector<Args>{{"ECHO", "aqb"}});
  CHECK(FeedWhole("ECHO a\"b c\"\r\n").requests == std::vector<Args>{{"ECHO", "ab c"}});
  CHECK(FeedWhole("ECHO \"\\t\\r\\b\\a\\\\\\\"\"\r\n").requests ==
        std::vector<Args>{{"ECHO", "\t\r\b\a\\\""}});
  CHECK(FeedWhole("  GET\tk  \r\n").requests == std::vector<Args>{{"GET", "k"}});
}

TEST_CASE("Blank lines, *0 and negative multibulk counts are empty requests", "[resp][parser]") {
  auto r = FeedWhole("\r\n\n   \r\n*0\r\n*-1\r\n*-2\r\nPING\r\n");
  REQUIRE(r.error.empty());
  CHECK(r.requests == std::vector<Args>{{}, {}, {}, {}, {}, {}, {"PING"}});
  CHECK(r.leftover == 0);
}

TEST_CASE("An incomplete request is kept until the rest arrives", "[resp][parser]") {
  for (std::string partial : {"*1\r\nxyz", "*1\r\nx\r", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
                              "*1\r\n$4\r\nPI", "*1", "PING", "PING\r"}) {
    INFO(partial);
    auto r = FeedWhole(partial);
    CHECK(r.error.empty());
    CHECK(r.requests.empty());
    CHECK(r.leftover == partial.size());
  }
}

TEST_CASE("A bulk of exactly 512MB is accepted and one byte more is a protocol error",
          "[resp][parser]") {
  auto ok = FeedWhole("*1\r\n$536870912\r\n");
  CHECK(ok.error.empty());
  CHECK(ok.leftover > 0);
  CHECK(FeedWhole("*1\r\n$536870913\r\n").error == "Protocol error: invalid bulk length");
}

TEST_CASE("Protocol errors have Redis's exact text", "[resp][parser]") {
  struct Case {
    std::string wire;
    std::string error;
  };
  const std::string kMbulk = "Protocol error: invalid multibulk length";
  const std::string kBulk = "Protocol error: invalid bulk length";
  std::vector<Case> cases = {
      {"*abc\r\n", kMbulk},
      {"*\r\n", kMbulk},
      {"*01\r\n", kMbulk},
      {"*-0\r\n", kMbulk},
      {"*1 \r\n", kMbulk},
      {"*+1\r\n", kMbulk},
      {"*2147483648\r\n", kMbulk},
      {"*2\r\nx3\r\nfoo\r\n", "Protocol error: expected '$', got 'x'"},
      {"*1\r$4\r\nPING\r\n", "Protocol error: expected '$', got '4'"},
      {"*1\r\n$abc\r\n", kBulk},
      {"*1\r\n$\r\n", kBulk},
      {"*1\r\n$-1\r\n", kBulk},
      {"*1\r\n$-0\r\n", kBulk},
      {"*1\r\n$04\r\n", kBulk},
      {"*1\r\n$+4\r\n", kBulk},
      {"*1\r\n$4 \r\n", kBulk},
      {std::string(70 * 1024, 'a'), "Protocol error: too big inline request"},
      {"*" + std::string(70 * 1024, '1'), "Protocol error: too big mbulk count string"},
      {"*1\r\n$" + std::string(70 * 1024, '1'), "Protocol error: too big bulk count string"},
      {"SET \"a b\r\n", "Protocol error: unbalanced quotes in request"},
      {"SET 'a b\r\n", "Protocol error: unbalanced quotes in request"},
      {"SET \"a\"b c\r\n", "Protocol error: unbalanced quotes in request"},
      {"ECHO \"abc\\\"\r\n", "Protocol error: unbalanced quotes in request"},
  };
  for (const auto& c : cases) {
    INFO(c.wire.substr(0, 40));
    auto r = FeedWhole(c.wire);
    CHECK(r.error == c.error);
    CHECK(r.requests.empty());
  }
}

TEST_CASE("A protocol error after valid pipelined requests comes after their arguments",
          "[resp][parser]") {
  auto r = FeedWhole("PING\r\n" + Multibulk({"GET", "k"}) + "*1\r\n$x\r\n");
  CHECK(r.requests == std::vector<Args>{{"PING"}, {"GET", "k"}});
  CHECK(r.error == "Protocol error: invalid bulk length");
}

TEST_CASE("A multibulk count up to INT_MAX is accepted as Redis does", "[resp][parser]") {
  // Redis waits for the arguments of *2147483647; it only rejects counts above INT_MAX.
  auto r = FeedWhole("*2147483647\r\n");
  CHECK(r.error.empty());
  CHECK(r.requests.empty());
  auto big = FeedWhole("*1500000000\r\n");
  CHECK(big.error.empty());
}

TEST_CASE("SplitInlineArgs reports unbalanced quotes and splits on whitespace",
          "[resp][parser]") {
  std::vector<std::string> out;
  CHECK(resp::SplitInlineArgs("a  b\t\"c d\"", out));
  CHECK(out == std::vector<std::string>{"a", "b", "c d"});
  CHECK_FALSE(resp::SplitInlineArgs("\"open", out));
  CHECK_FALSE(resp::SplitInlineArgs("'open", out));
  CHECK(resp::SplitInlineArgs("", out));
  CHECK(out.empty());
}

TEST_CASE("An unauthenticated client may send at most 10 args of at most 16KB",
          "[resp][parser]") {
  resp::ParserLimits limits;
  limits.unauthenticated = true;
  auto feed = [&](const std::string& wire) {
    resp::Parser parser(limits);
    return Feed(parser, {wire});
  };
  CHECK(feed("*11\r\n").error == "Protocol error: unauthenticated multibulk length");
  CHECK(feed("*10\r\n").error.empty());
  CHECK(feed("*1\r\n$16385\r\n").error == "Protocol error: unauthenticated bulk length");
  CHECK(feed("*1\r\n$16384\r\n").error.empty());
  // Malformed counts are still reported as such first.
  CHECK(feed("*1\r\n$600000000\r\n").error == "Protocol error: invalid bulk length");
  CHECK(feed("*x\r\n").error == "Protocol error: invalid multibulk length");
  // Inline requests are bounded by the inline limit only.
  CHECK(feed("a b c d e f g h i j k l\r\n").requests.size() == 1);
}

TEST_CASE("The bulk length limit follows the configured limits", "[resp][parser]") {
  resp::ParserLimits limits;
  limits.max_bulk_len = 1024 * 1024;
  resp::Parser parser(limits);
  CHECK(Feed(parser, {"*1\r\n$1048577\r\n"}).error == "Protocol error: invalid bulk length");
  parser.Reset();
  parser.set_limits({});
  CHECK(Feed(parser, {"*1\r\n$1048577\r\n"}).error.empty());
}

TEST_CASE("While a bulk arrives the parser says where it ends, so a huge argument is sized once",
          "[resp][parser]") {
  resp::Parser p;
  const std::string head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n";
  CHECK(p.BulkEnd() == 0);
  REQUIRE(p.Parse(head.substr(0, 10)) == resp::Parser::Status::kIncomplete);
  CHECK(p.BulkEnd() == 13);  // inside "$3\r\nSET\r\n", which ends at byte 13
  std::string data = head + std::string(1000, 'x');
  REQUIRE(p.Parse(data) == resp::Parser::Status::kIncomplete);
  CHECK(p.BulkEnd() == head.size() + 1000000 + 2);
  data += std::string(1000000 - 1000, 'x') + "\r\n";
  REQUIRE(p.Parse(data) == resp::Parser::Status::kComplete);
  CHECK(p.consumed() == data.size());
  CHECK(p.BulkEnd() == 0);
  p.Reset();
  CHECK(p.BulkEnd() == 0);
}
