// Function libraries against the real server: they live outside the databases yet survive a
// restart and an AOF rewrite (FUNCTION LOAD in the file; FLUSHALL keeps them), and a FUNCTION
// DUMP payload moves between Runnel and Redis 7.0 both ways (Redis compresses long code with
// LZF, which we read; we write plain RDB strings, which Redis reads).
#include <string>

#include "aof_test_process.h"

namespace {

using itest::Redis;

constexpr const char* kCounterLibrary =
    "#!lua name=counters\n"
    "redis.register_function('bump', function(keys, args) "
    "return redis.call('INCRBY', keys[1], args[1]) end)";
constexpr const char* kGoneLibrary =
    "#!lua name=gone\nredis.register_function('gone_fn', function() return 1 end)";

// Code long and repetitive enough that Redis compresses it in a dump.
std::string LongLibrary(const std::string& name, int functions) {
  std::string code = "#!lua name=" + name + "\n";
  for (int i = 0; i < functions; i++) {
    const std::string n = name + "_f" + std::to_string(i);
    code += "redis.register_function('" + n + "', function(keys, args) return 'answer from " +
            n + "' end)\n";
  }
  return code;
}

void ExpectFunctionsBack(int port, const std::string& counter) {
  Redis r(port);
  CHECK(r.Text({"GET", "c"}) == counter);
  CHECK(r.Text({"FCALL", "bump", "1", "c", "1"}) == std::to_string(std::stoi(counter) + 1));
  CHECK(r.Text({"FCALL", "gone_fn", "0"}) == "ERR Function not found");
  CHECK(r.Text({"FUNCTION", "DELETE", "gone"}) == "ERR Library not found");
}

}  // namespace

TEST_CASE("Function libraries survive a restart and an AOF rewrite, and FLUSHALL keeps them",
          "[integration][scripting][aof]") {
  aoftest::TempDir dir;
  int port = 0;
  {
    auto runnel = aoftest::StartRunnel(dir.path(), port, {"--appendfsync", "always"});
    REQUIRE(runnel->Running());
    Redis r(port);
    REQUIRE(r.Text({"FUNCTION", "LOAD", kCounterLibrary}) == "counters");
    REQUIRE(r.Text({"FUNCTION", "LOAD", kGoneLibrary}) == "gone");
    CHECK(r.Text({"FCALL", "bump", "1", "c", "41"}) == "41");
    CHECK(r.Text({"FUNCTION", "DELETE", "gone"}) == "OK");
    CHECK(r.Text({"FLUSHALL"}) == "OK");
    CHECK(r.Text({"FCALL", "bump", "1", "c", "41"}) == "41");
    runnel.reset();  // SIGKILL: the AOF (always fsynced) is all there is
  }
  {
    auto runnel = aoftest::StartRunnel(dir.path(), port);
    INFO("runnel log:\n" << runnel->Log());
    REQUIRE(runnel->Running());
    ExpectFunctionsBack(port, "41");
    Redis r(port);
    CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(aoftest::WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
    r.Command({"SHUTDOWN"});
    CHECK(runnel->WaitExit(5000) == 0);
  }
  auto runnel = aoftest::StartRunnel(dir.path(), port);
  INFO("runnel log:\n" << runnel->Log());
  REQUIRE(runnel->Running());
  ExpectFunctionsBack(port, "42");
}

TEST_CASE("A FUNCTION DUMP restores across Runnel and Redis 7.0 in both directions",
          "[integration][scripting][interop]") {
  if (!aoftest::Executable(aoftest::kRedisServer)) {
    WARN("redis-server is not installed: skipped");
    return;
  }
  aoftest::TempDir redis_dir, runnel_dir;
  int redis_port = 0, runnel_port = 0;
  auto redis = aoftest::StartRedis(redis_dir.path(), redis_port, {});
  auto runnel = aoftest::StartRunnel(runnel_dir.path(), runnel_port);
  REQUIRE(redis->Running());
  REQUIRE(runnel->Running());
  Redis from_redis(redis_port), to_runnel(runnel_port);

  REQUIRE(from_redis.Text({"FUNCTION", "LOAD", LongLibrary("alpha", 40)}) == "alpha");
  REQUIRE(from_redis.Text({"FUNCTION", "LOAD", kCounterLibrary}) == "counters");
  const std::string redis_dump = from_redis.Text({"FUNCTION", "DUMP"});
  CHECK(to_runnel.Text({"FUNCTION", "RESTORE", redis_dump}) == "OK");
  CHECK(to_runnel.Text({"FCALL", "alpha_f39", "0"}) == "answer from alpha_f39");
  CHECK(to_runnel.Text({"FCALL", "bump", "1", "k", "3"}) == "3");
  // The first library of the payload (in Redis's hash order) is named.
  const std::string again = to_runnel.Text({"FUNCTION", "RESTORE", redis_dump});
  CHECK((again == "ERR Library alpha already exists" ||
         again == "ERR Library counters already exists"));

  REQUIRE(to_runnel.Text({"FUNCTION", "LOAD", LongLibrary("beta", 5)}) == "beta");
  const std::string runnel_dump = to_runnel.Text({"FUNCTION", "DUMP"});
  CHECK(from_redis.Text({"FUNCTION", "RESTORE", runnel_dump, "FLUSH"}) == "OK");
  CHECK(from_redis.Text({"FCALL", "beta_f4", "0"}) == "answer from beta_f4");
  CHECK(from_redis.Text({"FCALL", "alpha_f0", "0"}) == "answer from alpha_f0");

  // A payload with a flipped bit is refused by both, and changes nothing.
  std::string bad = runnel_dump;
  bad[bad.size() / 2] ^= 1;
  CHECK(to_runnel.Text({"FUNCTION", "RESTORE", bad, "FLUSH"}) ==
        "ERR DUMP payload version or checksum are wrong");
  CHECK(to_runnel.Text({"FCALL", "beta_f0", "0"}) == "answer from beta_f0");
}
