// SlowLog: what is logged against the threshold, the bound, ids across RESET, Redis's trimming
// of long calls and the redaction of secrets; and a model test against a plain deque.
#include <catch2/catch.hpp>

#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "src/slowlog.h"

namespace {

using server::SlowLog;

bool ConsiderCall(SlowLog& log, int64_t threshold, size_t max_len, int64_t duration,
                  std::vector<std::string_view> argv = {"ping"}) {
  return log.Consider(threshold, max_len, 1700000000, duration, argv, "127.0.0.1:5000", "app");
}

std::vector<std::string> Logged(std::vector<std::string_view> argv) {
  return server::SlowLogArgs(argv);
}

}  // namespace

TEST_CASE("The slow log keeps commands at or over the threshold, newest first", "[slowlog]") {
  SlowLog log;
  CHECK_FALSE(ConsiderCall(log, 100, 128, 99));
  CHECK(ConsiderCall(log, 100, 128, 100, {"set", "a", "1"}));
  CHECK(ConsiderCall(log, 100, 128, 250, {"get", "a"}));
  REQUIRE(log.size() == 2);
  const server::SlowLogEntry& newest = log.entries().front();
  CHECK(newest.id == 1);
  CHECK(newest.duration_us == 250);
  CHECK(newest.time_sec == 1700000000);
  CHECK(newest.argv == std::vector<std::string>{"get", "a"});
  CHECK(newest.client_addr == "127.0.0.1:5000");
  CHECK(newest.client_name == "app");
  CHECK(log.entries().back().id == 0);
}

TEST_CASE("A negative threshold logs nothing and a zero threshold logs every command",
          "[slowlog]") {
  SlowLog log;
  CHECK_FALSE(ConsiderCall(log, -1, 128, 1000000));
  CHECK(ConsiderCall(log, 0, 128, 0));
  CHECK(log.size() == 1);
}

TEST_CASE("RESET empties the slow log but ids keep counting", "[slowlog]") {
  SlowLog log;
  for (int i = 0; i < 3; i++) ConsiderCall(log, 0, 128, 5);
  log.Reset();
  CHECK(log.size() == 0);
  ConsiderCall(log, 0, 128, 5);
  CHECK(log.entries().front().id == 3);
}

TEST_CASE("The slow log drops its oldest entries past slowlog-max-len, even at zero",
          "[slowlog]") {
  SlowLog log;
  for (int i = 0; i < 5; i++) ConsiderCall(log, 0, 3, i);
  REQUIRE(log.size() == 3);
  CHECK(log.entries().front().id == 4);
  CHECK(log.entries().back().id == 2);
  // A smaller bound applies at the next entry; a bound of 0 keeps nothing but uses the id.
  ConsiderCall(log, 0, 0, 1);
  CHECK(log.size() == 0);
  ConsiderCall(log, 0, 10, 1);
  CHECK(log.entries().front().id == 6);
}

TEST_CASE("Calls of more than 32 arguments keep 31 and say how many more there were",
          "[slowlog]") {
  std::vector<std::string> storage;
  for (int i = 0; i < 33; i++) storage.push_back(std::to_string(i));
  std::vector<std::string_view> argv(storage.begin(), storage.end());
  std::vector<std::string> got = Logged(argv);
  REQUIRE(got.size() == 32);
  CHECK(got[30] == "30");
  CHECK(got[31] == "... (2 more arguments)");
  // 32 arguments are kept as they are.
  argv.pop_back();
  CHECK(Logged(argv).size() == 32);
  CHECK(Logged(argv)[31] == "31");
}

TEST_CASE("Arguments longer than 128 bytes are cut and say how many bytes more they had",
          "[slowlog]") {
  const std::string long_value(200, 'x');
  const std::string exact(128, 'y');
  std::vector<std::string> got = Logged({"set", long_value, exact});
  CHECK(got[1] == std::string(128, 'x') + "... (72 more bytes)");
  CHECK(got[2] == exact);
}

TEST_CASE("Secrets are logged as (redacted), as Redis 7.0 logs them", "[slowlog]") {
  using V = std::vector<std::string>;
  CHECK(Logged({"AUTH", "user", "pw"}) == V{"AUTH", "(redacted)", "(redacted)"});
  CHECK(Logged({"hello", "3", "auth", "default", "pw", "setname", "x"}) ==
        V{"hello", "3", "auth", "(redacted)", "(redacted)", "setname", "x"});
  CHECK(Logged({"hello", "3", "setname", "auth"}) == V{"hello", "3", "setname", "auth"});
  CHECK(Logged({"config", "set", "maxmemory", "0", "masterauth", "x", "requirepass", "y"}) ==
        V{"config", "set", "maxmemory", "0", "masterauth", "(redacted)", "requirepass",
          "(redacted)"});
  CHECK(Logged({"CONFIG", "SET", "masteruser", "u"}) ==
        V{"CONFIG", "SET", "masteruser", "(redacted)"});
  CHECK(Logged({"config", "get", "requirepass"}) == V{"config", "get", "requirepass"});
  CHECK(Logged({"acl", "setuser", "bob", "on", ">pw"}) ==
        V{"acl", "setuser", "(redacted)", "(redacted)", "(redacted)"});
  CHECK(Logged({"acl", "deluser", "bob"}) == V{"acl", "deluser", "bob"});
  CHECK(Logged({"migrate", "h", "1", "k", "0", "10", "AUTH", "pw"}) ==
        V{"migrate", "h", "1", "k", "0", "10", "AUTH", "(redacted)"});
  CHECK(Logged({"migrate", "h", "1", "", "0", "10", "AUTH2", "u", "p", "KEYS", "a"}) ==
        V{"migrate", "h", "1", "", "0", "10", "AUTH2", "(redacted)", "(redacted)", "KEYS", "a"});
}

TEST_CASE("The slow log matches a plain deque model under random calls and limits",
          "[slowlog]") {
  std::mt19937 rng(20);
  SlowLog log;
  std::deque<std::pair<uint64_t, int64_t>> model;  // (id, duration), newest first
  uint64_t next_id = 0;
  for (int step = 0; step < 5000; step++) {
    const int64_t threshold = static_cast<int64_t>(rng() % 12) - 1;
    const size_t max_len = rng() % 20;
    const int64_t duration = rng() % 10;
    if (rng() % 100 == 0) {
      log.Reset();
      model.clear();
      continue;
    }
    const bool logged = ConsiderCall(log, threshold, max_len, duration);
    const bool expected = threshold >= 0 && duration >= threshold;
    REQUIRE(logged == expected);
    if (expected) {
      model.emplace_front(next_id++, duration);
      while (model.size() > max_len) model.pop_back();
    }
    REQUIRE(log.size() == model.size());
    for (size_t i = 0; i < model.size(); i++) {
      REQUIRE(log.entries()[i].id == model[i].first);
      REQUIRE(log.entries()[i].duration_us == model[i].second);
    }
  }
}
