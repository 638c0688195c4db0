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

// Hashes, sets, sorted sets and bitmaps, with the writes whose AOF form differs from what was
// sent (SPOP, HINCRBYFLOAT, ZINCRBY, BZPOPMIN), and one of each past its packed encoding.
void RunCollectionWrites(Redis& r) {
  CHECK(r.Text({"HSET", "h", "name", "ann", "age", "41", "city", "paris"}) == "3");
  CHECK(r.Text({"HINCRBYFLOAT", "h", "score", "1.5"}) == "1.5");
  CHECK(r.Text({"HINCRBY", "h", "age", "1"}) == "42");
  CHECK(r.Text({"HDEL", "h", "city"}) == "1");
  CHECK(r.Text({"HSETNX", "h", "plan", "free"}) == "1");
  std::vector<std::string> hbig = {"HSET", "hbig"};
  std::vector<std::string> sbig = {"SADD", "sbig"};
  std::vector<std::string> zbig = {"ZADD", "zbig"};
  for (int i = 0; i < 300; i++) {
    hbig.insert(hbig.end(), {"f" + std::to_string(i), "v" + std::to_string(i * 7)});
    sbig.push_back("m" + std::to_string(i));
    zbig.insert(zbig.end(), {std::to_string(i % 17) + ".25", "m" + std::to_string(i)});
  }
  CHECK(r.Text(hbig) == "300");
  CHECK(r.Text(sbig) == "300");
  CHECK(r.Text(zbig) == "300");
  CHECK(r.Text({"SADD", "st", "a", "b", "c", "d", "e"}) == "5");
  CHECK(r.Command({"SPOP", "st", "2"}));
  CHECK(r.Command({"SPOP", "sbig"}));
  CHECK(r.Text({"SADD", "si", "1", "2", "3", "40"}) == "4");
  CHECK(r.Text({"SMOVE", "si", "st", "40"}) == "1");
  CHECK(r.Text({"SUNIONSTORE", "su", "st", "si"}) == "7");
  CHECK(r.Text({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}) == "4");
  CHECK(r.Text({"ZINCRBY", "z", "0.1", "a"}) == "1.1000000000000001");
  CHECK(r.Command({"ZPOPMIN", "z"}));
  CHECK(r.Text({"ZADD", "z2", "10", "a", "20", "x"}) == "2");
  CHECK(r.Text({"ZUNIONSTORE", "zu", "2", "z", "z2", "WEIGHTS", "1", "2"}) == "5");
  CHECK(r.Text({"ZREMRANGEBYSCORE", "z", "4", "4"}) == "1");
  CHECK(r.Command({"BZPOPMIN", "none", "z", "0"}));
  CHECK(r.Text({"SETBIT", "b", "100", "1"}) == "0");
  CHECK(r.Text({"SETBIT", "b", "3", "1"}) == "0");
  CHECK(r.Text({"BITOP", "OR", "bo", "b", "h2-none"}) == "13");
  CHECK(r.Text({"SORT", "si", "DESC", "STORE", "sorted"}) == "3");
}

// The same writes for both servers: streams with groups, pending entries and claims, a
// transaction, lists (every list write, and blocking pops served at once and later), hashes,
// sets, sorted sets and bitmaps (small and past their packed encodings' limits, random and
// float-valued writes included), SORT ... STORE, a string with a TTL and a counter in db 2.
// A function library (kept outside the databases: FUNCTION LOAD in the AOF, and in a rewrite's
// snapshot) and a script's writes (one MULTI/EXEC of their effects).
constexpr const char* kInteropLibrary =
    "#!lua name=interop\n"
    "redis.register_function('bump', function(keys, args) "
    "return redis.call('INCRBY', keys[1], args[1]) end)\n"
    "redis.register_function{function_name='peek', flags={'no-writes'}, "
    "callback=function(keys) return redis.call('GET', keys[1]) end}";

void RunWorkload(int port) {
  Redis r(port);
  CHECK(r.Text({"FUNCTION", "LOAD", kInteropLibrary}) == "interop");
  CHECK(r.Text({"FCALL", "bump", "1", "counter", "5"}) == "5");
  CHECK(r.Text({"EVAL", "return redis.call('INCRBY', KEYS[1], 2)", "1", "counter"}) == "7");
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
  RunCollectionWrites(r);
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
  add({"FCALL_RO", "peek", "1", "counter"});
  add({"FUNCTION", "STATS"});  // LIST would show a library's functions in hash order on Redis
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
  add({"HGETALL", "h"});
  add({"HLEN", "hbig"});
  add({"HMGET", "hbig", "f0", "f150", "f299"});
  add({"SORT", "st", "ALPHA"});  // 7.0 keeps small string sets in a hash table: sort to compare
  add({"SORT", "su", "ALPHA"});
  add({"SMEMBERS", "si"});
  add({"SCARD", "sbig"});
  add({"ZRANGE", "z", "0", "-1", "WITHSCORES"});
  add({"ZRANGE", "zu", "0", "-1", "WITHSCORES"});
  add({"ZRANGE", "zbig", "0", "9", "WITHSCORES"});
  add({"ZCARD", "zbig"});
  add({"GET", "b"});
  add({"GET", "bo"});
  add({"LRANGE", "sorted", "0", "-1"});
  for (std::string key : {"h", "hbig", "st", "si", "sbig", "z", "zbig", "b"}) {
    add({"TYPE", key});
  }
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

// What redis-server 7.0 reports after loading `aof` (a copy: Redis may rewrite its files).
std::vector<std::string> RedisObservesAof(const std::string& aof) {
  aoftest::TempDir copy;
  std::filesystem::copy_file(aof, copy.path() + "/appendonly.aof");
  int port = 0;
  auto redis = aoftest::StartRedis(copy.path(), port, {"--appendonly", "yes"});
  INFO("redis log:\n" << redis->Log());
  REQUIRE(redis->Running());
  return Observe(port);
}

TEST_CASE("redis-server 7.0 loads the AOF Runnel wrote and reports the same data",
          "[aof][interop]") {
  if (!HaveRedis()) return;
  aoftest::TempDir dir;
  const std::vector<std::string> runnel_seen = RunnelWritesAof(dir.path());
  CHECK(RedisObservesAof(dir.path() + "/appendonly.aof") == runnel_seen);
}

TEST_CASE("redis-server 7.0 loads the AOF Runnel rewrote and reports the same data",
          "[aof][interop]") {
  // The rewrite snapshot writes every type in batches (HSET, SADD, ZADD, RPUSH, XADD, XSETID,
  // XGROUP CREATE ... ENTRIESREAD, XCLAIM): all commands 7.0 has.
  if (!HaveRedis()) return;
  aoftest::TempDir dir;
  int port = 0;
  std::vector<std::string> runnel_seen;
  {
    // Streams as XADDs: Redis has no RUNNEL.XLOADBLOCK.
    auto runnel = aoftest::StartRunnel(dir.path(), port,
                                       {"--appendfsync", "always", "--aof-stream-blocks", "no"});
    REQUIRE(runnel->Running());
    RunWorkload(port);
    runnel_seen = Observe(port);
    Redis r(port);
    CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(aoftest::WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
    r.Command({"SHUTDOWN"});
    INFO("runnel log:\n" << runnel->Log());
    REQUIRE(runnel->WaitExit(5000) == 0);
  }
  CHECK(RedisObservesAof(dir.path() + "/appendonly.aof") == runnel_seen);
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
