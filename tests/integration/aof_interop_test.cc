// Interoperability with real Redis 7.0 (Debian's redis-server and redis-check-aof): a file
// Runnel wrote passes redis-check-aof and loads into redis-server with the same data, and an
// AOF redis-server wrote (no RDB preamble) loads into Runnel. Skipped when a binary is missing.
#include <algorithm>
#include <chrono>
#include <thread>

#include "aof_test_process.h"

namespace {

using itest::Redis;
using itest::Reply;

// Polls INFO until one client is blocked (within 2 s).
bool WaitBlocked(Redis& r) {
  for (int i = 0; i < 400; i++) {
    if (r.Text({"INFO", "clients"}).find("blocked_clients:1\r\n") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// The same writes for both servers: streams with groups, pending entries and claims, a
// transaction, lists (every list write, and blocking pops served at once and later), a string
// with a TTL and a counter in db 2.
void RunWorkload(int port) {
  Redis r(port);
  for (int i = 0; i < 20; i++) {
    Reply add = r.Command({"XADD", "s", "*", "n", std::to_string(i), "blob", std::string(i, 'x')});
    REQUIRE(add);
    REQUIRE(add->type == REDIS_REPLY_STRING);
  }
  CHECK(r.Text({"XGROUP", "CREATE", "s", "g", "0"}) == "OK");
  CHECK(r.Text({"XGROUP", "CREATE", "s", "late", "$"}) == "OK");
  CHECK(r.Command({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "5", "STREAMS", "s", ">"}));
  CHECK(r.Command({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "3", "STREAMS", "s", ">"}));
  Reply range = r.Command({"XRANGE", "s", "-", "+", "COUNT", "8"});
  REQUIRE(range);
  REQUIRE(range->elements == 8);
  auto id = [&](size_t i) { return std::string(range->element[i]->element[0]->str); };
  CHECK(r.Text({"XACK", "s", "g", id(0), id(1)}) == "2");
  CHECK(r.Command({"XCLAIM", "s", "g", "carol", "0", id(6), "JUSTID"}));
  CHECK(r.Command({"XAUTOCLAIM", "s", "g", "dave", "0", "0", "COUNT", "1"}));
  CHECK(r.Text({"XDEL", "s", id(7)}) == "1");
  CHECK(r.Text({"XGROUP", "CREATECONSUMER", "s", "g", "erin"}) == "1");
  CHECK(r.Text({"MULTI"}) == "OK");
  CHECK(r.Text({"XADD", "s2", "*", "in", "tx"}) == "QUEUED");
  CHECK(r.Text({"XADD", "s2", "MAXLEN", "1", "*", "in", "tx2"}) == "QUEUED");
  CHECK(r.Command({"EXEC"}));
  CHECK(r.Text({"RPUSH", "l", "a", "b", "c", "d", "e", "f", "b"}) == "7");
  CHECK(r.Command({"LPOP", "l", "1"}));
  CHECK(r.Text({"LMOVE", "l", "l2", "LEFT", "RIGHT"}) == "b");
  CHECK(r.Text({"LINSERT", "l", "BEFORE", "d", "x"}) == "6");
  CHECK(r.Text({"LSET", "l", "-1", "last"}) == "OK");
  CHECK(r.Text({"LREM", "l", "0", "e"}) == "1");
  CHECK(r.Text({"LTRIM", "l", "0", "3"}) == "OK");
  CHECK(r.Command({"LMPOP", "2", "none", "l", "RIGHT", "COUNT", "1"}));
  CHECK(r.Command({"BLPOP", "none", "l", "0"}));
  CHECK(r.Text({"RPOPLPUSH", "l", "l2"}) == "d");
  {
    // A blocked pop served later by another connection's push.
    itest::RawSocket waiter(port);
    waiter.SendAll(itest::Multibulk({"BRPOP", "lb", "0"}));
    REQUIRE(WaitBlocked(r));
    CHECK(r.Text({"RPUSH", "lb", "1", "2"}) == "2");
    const std::string served = "*2\r\n$2\r\nlb\r\n$1\r\n2\r\n";
    CHECK(waiter.ReadAtLeast(served.size()) == served);
  }
  CHECK(r.Text({"PEXPIREAT", "l2", "99999999999999"}) == "1");
  CHECK(r.Text({"SELECT", "2"}) == "OK");
  CHECK(r.Text({"SET", "k", "v", "EX", "100000"}) == "OK");
  CHECK(r.Text({"INCRBY", "n", "41"}) == "41");
  CHECK(r.Text({"INCR", "n"}) == "42");
}

// A reply as text, recursively ("[a b [c]]"), so two servers' answers compare as strings.
std::string Render(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY) return Redis::ReplyText(r);
  std::string out = "[";
  for (size_t i = 0; i < r->elements; i++) {
    if (i > 0) out += " ";
    out += Render(r->element[i]);
  }
  return out + "]";
}

// What both servers must agree on after loading. Idle times are left out (they depend on the
// clock), and so are fields Redis 7.0 lacks (XINFO CONSUMERS's 7.2 `inactive`).
std::vector<std::string> Observe(int port) {
  Redis r(port);
  std::vector<std::string> seen;
  auto add = [&](const std::vector<std::string>& cmd) {
    Reply reply = r.Command(cmd);
    REQUIRE(reply);
    std::string line;
    for (const auto& a : cmd) line += a + " ";
    seen.push_back(line + "=> " + Render(reply.get()));
  };
  for (std::string key : {"s", "s2"}) {
    add({"XRANGE", key, "-", "+"});
    add({"XLEN", key});
    add({"XINFO", "GROUPS", key});
  }
  add({"XPENDING", "s", "g"});
  Reply pending = r.Command({"XPENDING", "s", "g", "-", "+", "100"});
  REQUIRE(pending);
  for (size_t i = 0; i < pending->elements; i++) {
    const redisReply* p = pending->element[i];
    seen.push_back(std::string("pending ") + p->element[0]->str + " " + p->element[1]->str +
                   " delivered " + std::to_string(p->element[3]->integer));
  }
  Reply consumers = r.Command({"XINFO", "CONSUMERS", "s", "g"});
  REQUIRE(consumers);
  for (size_t i = 0; i < consumers->elements; i++) {
    const redisReply* c = consumers->element[i];
    seen.push_back(std::string("consumer ") + c->element[1]->str + " pending " +
                   std::to_string(c->element[3]->integer));
  }
  for (std::string key : {"l", "l2", "lb"}) add({"LRANGE", key, "0", "-1"});
  add({"PEXPIRETIME", "l2"});
  add({"SELECT", "2"});
  add({"GET", "k"});
  add({"GET", "n"});
  Reply ttl = r.Command({"TTL", "k"});
  REQUIRE(ttl);
  seen.push_back(ttl->integer > 99000 ? "k has its TTL" : "k lost its TTL");
  return seen;
}

bool HaveRedis() {
  if (aoftest::Executable(aoftest::kRedisServer) && aoftest::Executable(aoftest::kRedisCheckAof)) {
    return true;
  }
  WARN("redis-server or redis-check-aof is not installed: interop test skipped");
  return false;
}

// Runs the workload against Runnel with appendfsync always, shuts it down cleanly and returns
// what it answered to Observe().
std::vector<std::string> RunnelWritesAof(const std::string& dir) {
  int port = 0;
  auto runnel = aoftest::StartRunnel(dir, port, {"--appendfsync", "always"});
  REQUIRE(runnel->Running());
  RunWorkload(port);
  std::vector<std::string> seen = Observe(port);
  {
    Redis r(port);
    r.Command({"SHUTDOWN"});
  }
  INFO("runnel log:\n" << runnel->Log());
  REQUIRE(runnel->WaitExit(5000) == 0);
  return seen;
}

}  // namespace

TEST_CASE("redis-check-aof accepts the AOF Runnel writes", "[aof][interop]") {
  if (!HaveRedis()) return;
  aoftest::TempDir dir;
  RunnelWritesAof(dir.path());
  const std::string aof = dir.path() + "/appendonly.aof";
  aoftest::Process check({aoftest::kRedisCheckAof, aof}, dir.path() + "/check.log");
  const int rc = check.WaitExit(10000);
  INFO("redis-check-aof said:\n" << check.Log());
  CHECK(rc == 0);
  CHECK_THAT(check.Log(), Catch::Contains("is valid"));
}

TEST_CASE("redis-server 7.0 loads the AOF Runnel wrote and reports the same data",
          "[aof][interop]") {
  if (!HaveRedis()) return;
  aoftest::TempDir dir;
  const std::vector<std::string> runnel_seen = RunnelWritesAof(dir.path());
  aoftest::TempDir copy;
  std::filesystem::copy_file(dir.path() + "/appendonly.aof", copy.path() + "/appendonly.aof");
  int port = 0;
  auto redis = aoftest::StartRedis(copy.path(), port, {"--appendonly", "yes"});
  INFO("redis log:\n" << redis->Log());
  REQUIRE(redis->Running());
  CHECK(Observe(port) == runnel_seen);
}

TEST_CASE("Runnel loads the AOF redis-server 7.0 wrote and reports the same data",
          "[aof][interop]") {
  if (!HaveRedis()) return;
  aoftest::TempDir dir;
  int port = 0;
  {
    auto redis = aoftest::StartRedis(dir.path(), port,
                                     {"--appendonly", "yes", "--aof-use-rdb-preamble", "no",
                                      "--appendfsync", "always"});
    REQUIRE(redis->Running());
    RunWorkload(port);
    Redis r(port);
    r.Command({"SHUTDOWN"});
    REQUIRE(redis->WaitExit(5000) == 0);
  }
  // The reference is Redis reloading its own file: Redis 7.0 does not log what restores
  // entries-read, so even Redis reports it as nil after a restart.
  std::vector<std::string> redis_seen;
  {
    aoftest::TempDir copy;
    std::filesystem::copy(dir.path() + "/appendonlydir", copy.path() + "/appendonlydir");
    auto redis = aoftest::StartRedis(copy.path(), port, {"--appendonly", "yes"});
    REQUIRE(redis->Running());
    redis_seen = Observe(port);
  }
  {
    auto runnel = aoftest::StartRunnel(dir.path(), port);
    INFO("runnel log:\n" << runnel->Log());
    REQUIRE(runnel->Running());
    CHECK(Observe(port) == redis_seen);
    // From now on Runnel appends to its own single file, which holds Redis's data too.
    Redis r(port);
    Reply add = r.Command({"XADD", "s", "*", "after", "load"});
    REQUIRE(add);
    Reply shutdown = r.Command({"SHUTDOWN"});
    CHECK(runnel->WaitExit(5000) == 0);
  }
  CHECK(std::filesystem::exists(dir.path() + "/appendonly.aof"));
  auto runnel = aoftest::StartRunnel(dir.path(), port);
  INFO("runnel log:\n" << runnel->Log());
  REQUIRE(runnel->Running());
  Redis r(port);
  CHECK(r.Text({"XLEN", "s"}) == "20");  // 20 added, 1 deleted, 1 added after the load
  CHECK(r.Text({"XPENDING", "s", "g"}) == "(array of 4)");
  r.Command({"SELECT", "2"});
  CHECK(r.Text({"GET", "n"}) == "42");
}
