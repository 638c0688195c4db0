// The sorted-set handlers run in-process: replies byte for byte (RESP2 and RESP3), what each
// write records for the AOF, emptied sets deleting their key, and ranges checked against a
// std::set model through the skiplist threshold.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "src/types/zset.h"
#include "tests/support/command_harness.h"

using testing_support::ArgvsOf;
using testing_support::CommandHarness;
using ZArgv = std::vector<std::string>;

namespace {

std::vector<ZArgv> ZRecorded(CommandHarness& h, ZArgv args) {
  h.state.propagation.Take();
  h.Run(std::move(args));
  return ArgvsOf(h.state.propagation.Take());
}

}  // namespace

TEST_CASE("ZADD with NX and XX together is refused with Redis's text", "[zset][command]") {
  CommandHarness h;
  CHECK(h.Run({"ZADD", "z", "XX", "NX", "1", "a"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(h.Run({"ZADD", "z", "GT", "LT", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(h.Run({"ZADD", "z", "INCR", "1", "a", "2", "b"}) ==
        "-ERR INCR option supports a single increment-element pair\r\n");
  CHECK(h.Run({"ZADD", "z", "nan", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.Run({"EXISTS", "z"}) == ":0\r\n");
}

TEST_CASE("ZADD GT CH counts only the raised member and INCR to NaN is refused",
          "[zset][command]") {
  CommandHarness h;
  CHECK(h.Run({"ZADD", "z", "1", "a", "5", "b", "inf", "c"}) == ":3\r\n");
  CHECK(h.Run({"ZADD", "z", "GT", "CH", "2", "a", "4", "b"}) == ":1\r\n");
  CHECK(h.Run({"ZSCORE", "z", "a"}) == "$1\r\n2\r\n");
  CHECK(h.Run({"ZINCRBY", "z", "-inf", "c"}) == "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(h.Run({"ZINCRBY", "z", "0.1", "a"}) == "$18\r\n2.1000000000000001\r\n");
}

TEST_CASE("Scores reply as %.17g bulks in RESP2 and as doubles in RESP3", "[zset][command]") {
  CommandHarness h;
  h.Run({"ZADD", "z", "0.1", "a"});
  CHECK(h.Run({"ZSCORE", "z", "a"}) == "$19\r\n0.10000000000000001\r\n");
  h.client.protocol = 3;
  CHECK(h.Run({"ZSCORE", "z", "a"}) == ",0.10000000000000001\r\n");
  CHECK(h.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}) ==
        "*1\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n");
}

TEST_CASE("A write that changes nothing records nothing, and popping the last member deletes "
          "the key",
          "[zset][command]") {
  CommandHarness h;
  CHECK(ZRecorded(h, {"ZADD", "z", "1", "a", "2", "b"}).size() == 1);
  CHECK(ZRecorded(h, {"ZADD", "z", "1", "a"}).empty());
  CHECK(ZRecorded(h, {"ZREM", "z", "nosuch"}).empty());
  CHECK(ZRecorded(h, {"ZMPOP", "1", "z", "MAX", "COUNT", "5"}) ==
        std::vector<ZArgv>{{"ZPOPMAX", "z", "2"}});
  CHECK(h.Run({"EXISTS", "z"}) == ":0\r\n");
  CHECK(ZRecorded(h, {"ZPOPMIN", "z"}).empty());
}

TEST_CASE("Ranges, counts and ranks agree with a std::set model across the skiplist threshold",
          "[zset][command]") {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "zset-max-listpack-entries", "16"});
  std::set<std::pair<double, std::string>> model;
  std::map<std::string, double> scores;
  std::mt19937 rng(7);
  for (int step = 0; step < 600; step++) {
    const std::string m = "m" + std::to_string(rng() % 60);
    const double s = static_cast<double>(rng() % 20) / 2;
    if (rng() % 4 == 0) {
      h.Run({"ZREM", "z", m});
      if (auto it = scores.find(m); it != scores.end()) {
        model.erase({it->second, m});
        scores.erase(it);
      }
    } else {
      h.Run({"ZADD", "z", types::ScoreText(s), m});
      if (auto it = scores.find(m); it != scores.end()) model.erase({it->second, m});
      scores[m] = s;
      model.insert({s, m});
    }
    if (step % 50 != 49) continue;
    const double lo = static_cast<double>(rng() % 10);
    std::string expect;
    size_t n = 0;
    for (const auto& [sc, mem] : model) {
      if (sc > lo && sc <= lo + 3) {
        expect += "$" + std::to_string(mem.size()) + "\r\n" + mem + "\r\n";
        n++;
      }
    }
    CHECK(h.Run({"ZRANGEBYSCORE", "z", "(" + types::ScoreText(lo), types::ScoreText(lo + 3)}) ==
          "*" + std::to_string(n) + "\r\n" + expect);
    CHECK(h.Run({"ZCOUNT", "z", "(" + types::ScoreText(lo), types::ScoreText(lo + 3)}) ==
          ":" + std::to_string(n) + "\r\n");
    if (!model.empty()) {
      const auto& last = *model.rbegin();
      CHECK(h.Run({"ZREVRANK", "z", last.second}) == ":0\r\n");
      CHECK(h.Run({"ZRANK", "z", last.second}) == ":" + std::to_string(model.size() - 1) + "\r\n");
    }
  }
  CHECK(h.Run({"OBJECT", "ENCODING", "z"}) == "$8\r\nskiplist\r\n");
}
