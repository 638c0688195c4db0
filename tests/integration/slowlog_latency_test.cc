// SLOWLOG and LATENCY against the real server: commands that really ran long (a busy script)
// are logged with their arguments, address and name, EXEC's commands are logged but not EXEC,
// secrets are redacted, and the latency monitor samples the "command", eviction and AOF events.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace {

using itest::Redis;
using itest::Server;

// A script that keeps the server busy for about `ms` milliseconds.
std::vector<std::string> BusyScript(int ms) {
  return {"EVAL",
          "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
          "while true do local n = redis.call('TIME') "
          "if n[1] * 1000000 + n[2] - start >= tonumber(ARGV[1]) * 1000 then return 1 end end",
          "0", std::to_string(ms)};
}

// The argument list of SLOWLOG GET's entry `i`.
std::vector<std::string> EntryArgs(const redisReply* get, size_t i) {
  REQUIRE(get->type == REDIS_REPLY_ARRAY);
  REQUIRE(get->elements > i);
  const redisReply* entry = get->element[i];
  REQUIRE(entry->elements == 6);
  std::vector<std::string> out;
  for (size_t j = 0; j < entry->element[3]->elements; j++) {
    out.push_back(Redis::ReplyText(entry->element[3]->element[j]));
  }
  return out;
}

}  // namespace

TEST_CASE("Every command is logged with slowlog-log-slower-than 0, with its client's address "
          "and name", "[slowlog][integration]") {
  Server server({"--slowlog-log-slower-than", "0", "--appendonly", "no"});
  Redis r(server.port());
  REQUIRE(r.Text({"CLIENT", "SETNAME", "worker"}) == "OK");
  REQUIRE(r.Text({"SET", "k", "v"}) == "OK");
  auto get = r.Command({"SLOWLOG", "GET", "1"});
  CHECK(EntryArgs(get.get(), 0) == std::vector<std::string>{"SET", "k", "v"});
  const redisReply* entry = get->element[0];
  CHECK(entry->element[0]->integer >= 1);  // CLIENT SETNAME came first
  CHECK(entry->element[2]->type == REDIS_REPLY_INTEGER);
  const std::string addr = Redis::ReplyText(entry->element[4]);
  CHECK(r.Text({"CLIENT", "INFO"}).find("addr=" + addr + " ") != std::string::npos);
  CHECK(Redis::ReplyText(entry->element[5]) == "worker");
}

TEST_CASE("A busy script is logged as slow and sampled as a command latency spike",
          "[slowlog][latency][integration]") {
  Server server({"--slowlog-log-slower-than", "5000", "--latency-monitor-threshold", "1",
                 "--appendonly", "no"});
  Redis r(server.port());
  REQUIRE(r.Text({"PING"}) == "PONG");
  REQUIRE(r.Text(BusyScript(20)) == "1");
  CHECK(r.Text({"SLOWLOG", "LEN"}) == "1");  // PING was fast
  auto get = r.Command({"SLOWLOG", "GET"});
  CHECK(EntryArgs(get.get(), 0)[0] == "EVAL");
  CHECK(get->element[0]->element[2]->integer >= 20000);

  auto latest = r.Command({"LATENCY", "LATEST"});
  REQUIRE(latest->elements == 1);
  CHECK(Redis::ReplyText(latest->element[0]->element[0]) == "command");
  CHECK(latest->element[0]->element[2]->integer >= 20);
  auto history = r.Command({"LATENCY", "HISTORY", "command"});
  CHECK(history->elements == 1);
  CHECK(r.Text({"LATENCY", "DOCTOR"}).find("1. command: 1 latency spikes") != std::string::npos);
  CHECK(r.Text({"LATENCY", "GRAPH", "command"}).rfind("command - high ", 0) == 0);
  CHECK(r.Text({"LATENCY", "RESET"}) == "1");
  CHECK(r.Text({"SLOWLOG", "RESET"}) == "OK");
  CHECK(r.Text({"SLOWLOG", "LEN"}) == "0");
}

TEST_CASE("The commands EXEC runs are logged, EXEC itself is not", "[slowlog][integration]") {
  Server server({"--slowlog-log-slower-than", "0", "--appendonly", "no"});
  Redis r(server.port());
  REQUIRE(r.Text({"SLOWLOG", "RESET"}) == "OK");
  REQUIRE(r.Text({"MULTI"}) == "OK");
  REQUIRE(r.Text({"SET", "k", "v"}) == "QUEUED");
  REQUIRE(r.Text({"INCR", "n"}) == "QUEUED");
  REQUIRE(r.Command({"EXEC"})->elements == 2);
  auto get = r.Command({"SLOWLOG", "GET", "-1"});
  std::vector<std::string> names;
  for (size_t i = 0; i < get->elements; i++) names.push_back(EntryArgs(get.get(), i)[0]);
  CHECK(names == std::vector<std::string>{"INCR", "SET", "MULTI", "SLOWLOG"});
}

TEST_CASE("Passwords are redacted in the slow log", "[slowlog][integration]") {
  Server server({"--slowlog-log-slower-than", "0", "--appendonly", "no"});
  Redis r(server.port());
  REQUIRE(r.Text({"CONFIG", "SET", "requirepass", "s3cret"}) == "OK");
  REQUIRE(r.Text({"AUTH", "s3cret"}) == "OK");
  auto get = r.Command({"SLOWLOG", "GET", "2"});
  CHECK(EntryArgs(get.get(), 0) == std::vector<std::string>{"AUTH", "(redacted)"});
  CHECK(EntryArgs(get.get(), 1) ==
        std::vector<std::string>{"CONFIG", "SET", "requirepass", "(redacted)"});
}

TEST_CASE("slowlog-max-len bounds the slow log at run time", "[slowlog][integration]") {
  Server server({"--slowlog-log-slower-than", "0", "--appendonly", "no"});
  Redis r(server.port());
  for (int i = 0; i < 10; i++) REQUIRE(r.Text({"PING"}) == "PONG");
  REQUIRE(r.Text({"CONFIG", "SET", "slowlog-max-len", "3"}) == "OK");
  CHECK(r.Text({"SLOWLOG", "LEN"}) == "3");
}

TEST_CASE("Evicting many keys at once is sampled as an eviction-cycle spike",
          "[latency][integration]") {
  Server server({"--latency-monitor-threshold", "1", "--appendonly", "no",
                 "--maxmemory-policy", "allkeys-random"});
  Redis r(server.port());
  REQUIRE(r.Text({"EVAL", "for i = 1, 200000 do redis.call('SET', 'key:' .. i, i) end return 1",
                  "0"}) == "1");
  REQUIRE(r.Text({"CONFIG", "SET", "maxmemory", "1mb"}) == "OK");
  r.Text({"SET", "trigger", "1"});  // evicts before it runs
  CHECK(std::stoll(r.Text({"DBSIZE"})) < 200000);
  auto history = r.Command({"LATENCY", "HISTORY", "eviction-cycle"});
  REQUIRE(history->elements == 1);
  CHECK(history->element[0]->element[1]->integer >= 1);
  CHECK(r.Text({"LATENCY", "DOCTOR"}).find("- Sudden changes to the 'maxmemory' setting") !=
        std::string::npos);
}

TEST_CASE("A large AOF write is sampled as aof-write and aof-write-alone",
          "[latency][integration]") {
  Server server({"--latency-monitor-threshold", "1", "--appendonly", "yes",
                 "--appendfsync", "no"});
  Redis r(server.port());
  REQUIRE(r.Text({"SET", "big", std::string(64 << 20, 'x')}) == "OK");
  auto latest = r.Command({"LATENCY", "LATEST"});
  std::vector<std::string> events;
  for (size_t i = 0; i < latest->elements; i++) {
    events.push_back(Redis::ReplyText(latest->element[i]->element[0]));
  }
  CHECK(std::find(events.begin(), events.end(), "aof-write") != events.end());
  CHECK(std::find(events.begin(), events.end(), "aof-write-alone") != events.end());
}
