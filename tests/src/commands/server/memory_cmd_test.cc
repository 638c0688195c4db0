// MEMORY USAGE's estimates per type and the MEMORY subcommands' replies and errors.
#include <catch2/catch.hpp>

#include <string>

#include "src/client_info.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

namespace {

using testing_support::CommandHarness;

int64_t MemoryUsageOf(CommandHarness& h, const std::string& key,
                      const std::string& samples = "") {
  std::string out = samples.empty() ? h.Run({"MEMORY", "USAGE", key})
                                    : h.Run({"MEMORY", "USAGE", key, "SAMPLES", samples});
  REQUIRE(out.size() > 3);
  REQUIRE(out[0] == ':');
  return std::stoll(out.substr(1));
}

}  // namespace

TEST_CASE("MEMORY USAGE of a missing key is nil", "[memory]") {
  CommandHarness h;
  CHECK(h.Run({"MEMORY", "USAGE", "nope"}) == "$-1\r\n");
}

TEST_CASE("MEMORY USAGE grows with a string's length", "[memory]") {
  CommandHarness h;
  h.Run({"SET", "short", "x"});
  h.Run({"SET", "long", std::string(1000, 'x')});
  CHECK(MemoryUsageOf(h, "long") >= MemoryUsageOf(h, "short") + 1000);
}

TEST_CASE("MEMORY USAGE measures every type and grows with the number of members", "[memory]") {
  CommandHarness h;
  for (int i = 0; i < 2000; i++) {
    std::string m = "member-with-a-long-name-" + std::to_string(i);
    h.Run({"RPUSH", "list", m});
    h.Run({"HSET", "hash", m, "value"});
    h.Run({"SADD", "set", m});
    h.Run({"ZADD", "zset", std::to_string(i), m});
    h.Run({"XADD", "stream", "*", "f", m});
    if (i == 9) {
      for (const char* k : {"list", "hash", "set", "zset", "stream"}) {
        h.Run({"COPY", k, std::string(k) + "-small"});
      }
    }
  }
  for (const char* k : {"list", "hash", "set", "zset", "stream"}) {
    INFO(k);
    const int64_t small = MemoryUsageOf(h, std::string(k) + "-small");
    const int64_t big = MemoryUsageOf(h, k, "0");
    CHECK(small > 0);
    // 2000 members of ~28 bytes each cannot fit in less than 20 bytes a member.
    CHECK(big > small + 2000 * 20);
  }
}

TEST_CASE("MEMORY USAGE SAMPLES extrapolates close to the full count on uniform members",
          "[memory]") {
  CommandHarness h;
  for (int i = 0; i < 5000; i++) {
    h.Run({"SADD", "set", "uniform-member-name-" + std::to_string(100000 + i)});
  }
  const double all = static_cast<double>(MemoryUsageOf(h, "set", "0"));
  const double sampled = static_cast<double>(MemoryUsageOf(h, "set"));
  CHECK(sampled > all * 0.9);
  CHECK(sampled < all * 1.1);
}

TEST_CASE("MEMORY USAGE refuses a bad SAMPLES clause as Redis does", "[memory]") {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  CHECK(h.Run({"MEMORY", "USAGE", "k", "SAMPLES"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "k", "FOO", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "0", "samples", "3"})[0] == ':');
}

TEST_CASE("MEMORY STATS reports the key count and a db entry per non-empty database",
          "[memory]") {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2"});
  std::string out = h.Run({"MEMORY", "STATS"});
  CHECK(out.rfind("*56\r\n", 0) == 0);  // 27 pairs plus db.0, as a RESP2 flat array
  CHECK(out.find("$4\r\ndb.0\r\n*6\r\n") != std::string::npos);
  CHECK(out.find("$10\r\nkeys.count\r\n:2\r\n") != std::string::npos);
}

TEST_CASE("MEMORY PURGE, DOCTOR and MALLOC-STATS answer; an unknown subcommand is an error",
          "[memory]") {
  CommandHarness h;
  CHECK(h.Run({"MEMORY", "PURGE"}) == "+OK\r\n");
  CHECK(h.Run({"MEMORY", "DOCTOR"})[0] == '$');
  CHECK(h.Run({"MEMORY", "MALLOC-STATS"})[0] == '$');
  CHECK(h.Run({"MEMORY", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try MEMORY HELP.\r\n");
}

TEST_CASE("A small hash of five short fields costs one node and one 64-byte listpack block",
          "[memory]") {
  // The bench's small hash (row 15): the Value holds the hash, the listpack has no back-links,
  // so the key's node (link, Value, key) and the field block are all it takes.
  CommandHarness h;
  h.Run({"HSET", "user:12345", "name", "user12345", "age", "45", "city", "paris", "plan", "free",
         "seen", "1700012345"});
  CHECK(h.Run({"OBJECT", "ENCODING", "user:12345"}) == "$8\r\nlistpack\r\n");
  CHECK(MemoryUsageOf(h, "user:12345") <= 128);
  // A field expiry adds its bookkeeping, and taking it away keeps the values.
  h.Run({"HPEXPIREAT", "user:12345", "99999999999999", "FIELDS", "1", "age"});
  CHECK(MemoryUsageOf(h, "user:12345") > 128);
  CHECK(h.Run({"HGET", "user:12345", "age"}) == "$2\r\n45\r\n");
  h.Run({"COPY", "user:12345", "copy"});
  CHECK(h.Run({"HPEXPIRETIME", "copy", "FIELDS", "2", "age", "name"}) ==
        "*2\r\n:99999999999999\r\n:-1\r\n");
}

TEST_CASE("MEMORY STATS counts attached replicas' memory apart from normal clients",
          "[memory]") {
  CommandHarness h;
  server::Client replica;
  replica.id = 2;
  replica.is_replica = true;
  replica.output_buffer_size = 5000;
  h.state.clients[replica.id] = &replica;
  const std::string out = h.Run({"MEMORY", "STATS"});
  const std::string replicas = std::to_string(server::ClientMemory(replica));
  const std::string normal = std::to_string(server::ClientMemory(h.client));
  CHECK(out.find("$14\r\nclients.slaves\r\n:" + replicas + "\r\n") != std::string::npos);
  CHECK(out.find("$14\r\nclients.normal\r\n:" + normal + "\r\n") != std::string::npos);
}
