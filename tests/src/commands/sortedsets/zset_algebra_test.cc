// ZUNION ZINTER ZDIFF (and STORE forms), ZINTERCARD, ZRANDMEMBER and ZSCAN in-process: replies
// byte for byte, Redis's error order, sets as score-1 inputs, NaN rules, what the STORE forms
// record, and the set algebra checked against a std::map model on random inputs through the
// skiplist threshold.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

using testing_support::ArgvsOf;
using testing_support::Bulk;
using testing_support::CommandHarness;
using testing_support::Int;

namespace {

using AlgebraArgvs = std::vector<std::vector<std::string>>;

// The RESP2 WITHSCORES reply of `items` (already in (score, member) order).
std::string FlatPairs(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string s = "*" + std::to_string(items.size() * 2) + "\r\n";
  for (const auto& [m, score] : items) s += Bulk(m) + Bulk(score);
  return s;
}

}  // namespace

TEST_CASE("ZUNION sums weighted scores, counts set members as 1 and orders by score",
          "[zset][algebra]") {
  CommandHarness h;
  h.Run({"ZADD", "z1", "1", "a", "2", "b", "3", "c"});
  h.Run({"SADD", "s", "a", "x"});
  CHECK(h.Run({"ZUNION", "2", "z1", "s", "WITHSCORES"}) ==
        FlatPairs({{"x", "1"}, {"a", "2"}, {"b", "2"}, {"c", "3"}}));
  CHECK(h.Run({"ZUNION", "2", "z1", "s", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX",
               "WITHSCORES"}) == FlatPairs({{"x", "0.5"}, {"a", "2"}, {"b", "4"}, {"c", "6"}}));
  CHECK(h.Run({"ZUNION", "1", "nokey"}) == "*0\r\n");
}

TEST_CASE("A weighted score or SUM that is NaN counts as 0, as Redis does", "[zset][algebra]") {
  CommandHarness h;
  h.Run({"ZADD", "z1", "1", "a"});
  h.Run({"ZADD", "z2", "inf", "a", "-inf", "b"});
  // 1*inf + inf*-inf = inf + -inf: NaN, so 0; b: -inf * -inf = inf.
  CHECK(h.Run({"ZUNION", "2", "z1", "z2", "WEIGHTS", "inf", "-inf", "WITHSCORES"}) ==
        FlatPairs({{"a", "0"}, {"b", "inf"}}));
  // 0 * inf is NaN: 0.
  CHECK(h.Run({"ZUNION", "1", "z2", "WEIGHTS", "0", "WITHSCORES"}) ==
        FlatPairs({{"a", "0"}, {"b", "0"}}));
}

TEST_CASE("ZINTER and ZDIFF keep what all or only the first input holds", "[zset][algebra]") {
  CommandHarness h;
  h.Run({"ZADD", "z1", "1", "a", "2", "b", "3", "c"});
  h.Run({"ZADD", "z2", "10", "a", "20", "c"});
  CHECK(h.Run({"ZINTER", "2", "z1", "z2", "WITHSCORES"}) == FlatPairs({{"a", "11"}, {"c", "23"}}));
  CHECK(h.Run({"ZINTER", "2", "z1", "z2", "AGGREGATE", "MIN"}) == "*2\r\n" + Bulk("a") + Bulk("c"));
  CHECK(h.Run({"ZINTER", "2", "z1", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"ZDIFF", "2", "z1", "z2", "WITHSCORES"}) == FlatPairs({{"b", "2"}}));
  h.client.protocol = 3;
  CHECK(h.Run({"ZDIFF", "2", "z1", "z2", "WITHSCORES"}) == "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
}

TEST_CASE("The algebra commands check numkeys, then key types, then options", "[zset][algebra]") {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a"});
  h.Run({"SET", "str", "v"});
  CHECK(h.Run({"ZUNION", "0", "z"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(h.Run({"ZINTERSTORE", "d", "-1", "z"}) ==
        "-ERR at least 1 input key is needed for 'zinterstore' command\r\n");
  CHECK(h.Run({"ZINTERCARD", "0", "z"}) ==
        "-ERR at least 1 input key is needed for 'zintercard' command\r\n");
  CHECK(h.Run({"ZUNION", "x", "z"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"ZUNION", "3", "z"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"ZUNION", "2", "str", "z", "WEIGHTS", "x"}).starts_with("-WRONGTYPE"));
  CHECK(h.Run({"ZUNION", "1", "z", "WEIGHTS", "x"}) == "-ERR weight value is not a float\r\n");
  CHECK(h.Run({"ZUNION", "1", "z", "WEIGHTS", "nan"}) == "-ERR weight value is not a float\r\n");
  CHECK(h.Run({"ZUNION", "1", "z", "AGGREGATE", "AVG"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"ZDIFF", "1", "z", "WEIGHTS", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"ZUNIONSTORE", "d", "1", "z", "WITHSCORES"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"ZINTERCARD", "1", "z", "LIMIT", "-1"}) == "-ERR LIMIT can't be negative\r\n");
  CHECK(h.Run({"ZINTERCARD", "2", "str", "z", "LIMIT", "-1"}).starts_with("-WRONGTYPE"));
}

TEST_CASE("A STORE replaces any destination, deletes it on an empty result and records as sent",
          "[zset][algebra]") {
  CommandHarness h;
  h.Run({"ZADD", "z1", "1", "a", "2", "b"});
  h.Run({"SET", "d", "string"});
  h.state.propagation.Take();
  CHECK(h.Run({"ZUNIONSTORE", "d", "1", "z1", "WEIGHTS", "3"}) == Int(2));
  CHECK(ArgvsOf(h.state.propagation.Take()) ==
        AlgebraArgvs{{"ZUNIONSTORE", "d", "1", "z1", "WEIGHTS", "3"}});
  CHECK(h.Run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}) == FlatPairs({{"a", "3"}, {"b", "6"}}));
  CHECK(h.Run({"OBJECT", "ENCODING", "d"}) == Bulk("listpack"));
  CHECK(h.Run({"ZDIFFSTORE", "d", "2", "z1", "z1"}) == Int(0));
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  h.state.propagation.Take();
  // Nothing to delete: nothing changed, nothing recorded.
  CHECK(h.Run({"ZINTERSTORE", "d", "2", "z1", "nokey"}) == Int(0));
  CHECK(ArgvsOf(h.state.propagation.Take()).empty());
}

TEST_CASE("ZINTERCARD counts the intersection up to LIMIT", "[zset][algebra]") {
  CommandHarness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  h.Run({"SADD", "s", "a", "b", "x"});
  CHECK(h.Run({"ZINTERCARD", "2", "z", "s"}) == Int(2));
  CHECK(h.Run({"ZINTERCARD", "2", "z", "s", "LIMIT", "1"}) == Int(1));
  CHECK(h.Run({"ZINTERCARD", "1", "z", "LIMIT", "0"}) == Int(3));
  CHECK(h.Run({"ZINTERCARD", "2", "z", "nokey"}) == Int(0));
}

TEST_CASE("ZUNION ZINTER ZDIFF agree with a std::map model on random inputs",
          "[zset][algebra][model]") {
  CommandHarness h;
  std::mt19937 rng(1234);
  for (int round = 0; round < 30; round++) {
    h.Run({"FLUSHALL"});
    std::vector<std::map<std::string, double>> model(3);
    for (size_t k = 0; k < 3; k++) {
      // Past 128 members in some rounds: the skiplist encoding.
      const int n = static_cast<int>(rng() % (round % 3 == 0 ? 300 : 40));
      for (int i = 0; i < n; i++) {
        const std::string m = "m" + std::to_string(rng() % 400);
        const double score = static_cast<double>(static_cast<int>(rng() % 50) - 25);
        model[k][m] = score;
        h.Run({"ZADD", "k" + std::to_string(k), std::to_string(static_cast<int>(score)), m});
      }
    }
    std::map<std::string, double> uni, inter, diff;
    for (const auto& z : model) {
      for (const auto& [m, s] : z) uni[m] += s;
    }
    for (const auto& [m, s] : model[0]) {
      if (model[1].count(m) && model[2].count(m)) {
        inter[m] = std::max({s, model[1].at(m), model[2].at(m)});
      }
      if (!model[1].count(m) && !model[2].count(m)) diff[m] = s;
    }
    auto expected = [](const std::map<std::string, double>& result) {
      std::vector<std::pair<double, std::string>> sorted;
      for (const auto& [m, s] : result) sorted.emplace_back(s, m);
      std::sort(sorted.begin(), sorted.end());
      std::vector<std::pair<std::string, std::string>> items;
      for (const auto& [s, m] : sorted) {
        items.emplace_back(m, std::to_string(static_cast<int>(s)));
      }
      return FlatPairs(items);
    };
    CHECK(h.Run({"ZUNION", "3", "k0", "k1", "k2", "WITHSCORES"}) == expected(uni));
    CHECK(h.Run({"ZINTER", "3", "k0", "k1", "k2", "AGGREGATE", "MAX", "WITHSCORES"}) ==
          expected(inter));
    CHECK(h.Run({"ZDIFF", "3", "k0", "k1", "k2", "WITHSCORES"}) == expected(diff));
    CHECK(h.Run({"ZINTERCARD", "3", "k0", "k1", "k2"}) == Int(static_cast<int64_t>(inter.size())));
    CHECK(h.Run({"ZUNIONSTORE", "dst", "3", "k0", "k1", "k2"}) ==
          Int(static_cast<int64_t>(uni.size())));
    CHECK(h.Run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}) == expected(uni));
  }
}

TEST_CASE("ZRANDMEMBER gives distinct members for a positive count and draws for a negative one",
          "[zset][random]") {
  CommandHarness h;
  std::vector<std::string> argv = {"ZADD", "z"};
  for (int i = 0; i < 200; i++) {
    argv.push_back(std::to_string(i));
    argv.push_back("m" + std::to_string(i));
  }
  h.Run(argv);
  h.state.propagation.Take();
  for (const char* count : {"5", "150", "199"}) {
    const std::string reply = h.Run({"ZRANDMEMBER", "z", count});
    // Distinct: each member appears at most once.
    std::set<std::string> seen;
    size_t pos = reply.find("\r\n") + 2, members = 0;
    while (pos < reply.size()) {
      const size_t len_end = reply.find("\r\n", pos);
      const size_t len = std::stoul(reply.substr(pos + 1, len_end - pos - 1));
      seen.insert(reply.substr(len_end + 2, len));
      pos = len_end + 2 + len + 2;
      members++;
    }
    CHECK(members == static_cast<size_t>(std::stoi(count)));
    CHECK(seen.size() == members);
  }
  CHECK(h.Run({"ZRANDMEMBER", "z", "-3", "WITHSCORES"}).starts_with("*6\r\n"));
  CHECK(h.Run({"ZRANDMEMBER", "z", "300"}).starts_with("*200\r\n"));
  CHECK(h.Run({"ZRANDMEMBER", "z", "-9223372036854775807"}) == "-ERR value is out of range\r\n");
  // Read-only: nothing recorded.
  CHECK(ArgvsOf(h.state.propagation.Take()).empty());
}

TEST_CASE("ZSCAN walks a skiplist-encoded set to cursor 0 with every member once", "[zset][scan]") {
  CommandHarness h;
  std::vector<std::string> argv = {"ZADD", "z"};
  for (int i = 0; i < 500; i++) {
    argv.push_back(std::to_string(i));
    argv.push_back("m" + std::to_string(i));
  }
  h.Run(argv);
  CHECK(h.Run({"OBJECT", "ENCODING", "z"}) == Bulk("skiplist"));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::string reply = h.Run({"ZSCAN", "z", cursor, "COUNT", "20"});
    // *2 $n cursor *m (member score)...
    size_t p = reply.find("\r\n") + 2;
    size_t e = reply.find("\r\n", p);
    const size_t clen = std::stoul(reply.substr(p + 1, e - p - 1));
    cursor = reply.substr(e + 2, clen);
    p = e + 2 + clen + 2;
    e = reply.find("\r\n", p);
    const size_t n = std::stoul(reply.substr(p + 1, e - p - 1));
    p = e + 2;
    for (size_t i = 0; i < n; i++) {
      e = reply.find("\r\n", p);
      const size_t len = std::stoul(reply.substr(p + 1, e - p - 1));
      if (i % 2 == 0) seen.insert(reply.substr(e + 2, len));
      p = e + 2 + len + 2;
    }
    calls++;
  } while (cursor != "0" && calls < 1000);
  CHECK(cursor == "0");
  CHECK(seen.size() == 500);
  CHECK(calls > 1);
}
