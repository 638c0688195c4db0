// The hash handlers in-process: replies, what each write records for the AOF, emptied hashes
// deleting their key, WATCH, and lazy and active field expiry with a pinned clock.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "src/types/hash.h"
#include "tests/support/command_harness.h"

using testing_support::ArgvsOf;
using testing_support::CommandHarness;
using HashArgv = std::vector<std::string>;

namespace {

// A harness whose clock is pinned at `now`, so field expiry is exact.
struct HashHarness : testing_support::PinnedClockHarness {
  explicit HashHarness(int64_t now = 1'000'000) : PinnedClockHarness(now) {}
};

}  // namespace

TEST_CASE("HSET counts new fields and records itself", "[hash][commands]") {
  HashHarness h;
  CHECK(h.Recorded({"HSET", "k", "a", "1", "b", "2"}) ==
        std::vector<HashArgv>{{"HSET", "k", "a", "1", "b", "2"}});
  CHECK(h.Run({"HSET", "k", "a", "3", "c", "4"}) == ":1\r\n");
  CHECK(h.Run({"HGET", "k", "a"}) == "$1\r\n3\r\n");
}

TEST_CASE("HSET on a string key is WRONGTYPE and records nothing", "[hash][commands]") {
  HashHarness h;
  h.Run({"SET", "s", "x"});
  CHECK(h.Recorded({"HSET", "s", "a", "1"}).empty());
  CHECK(h.Run({"HGET", "s", "a"}).rfind("-WRONGTYPE", 0) == 0);
}

TEST_CASE("HDEL of the last field deletes the key; HDEL of nothing records nothing",
          "[hash][commands]") {
  HashHarness h;
  h.Run({"HSET", "k", "a", "1"});
  CHECK(h.Recorded({"HDEL", "k", "zz"}).empty());
  CHECK(h.Run({"HDEL", "k", "a"}) == ":1\r\n");
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("HINCRBYFLOAT records the resulting value as HSET", "[hash][commands]") {
  HashHarness h;
  h.Run({"HSET", "k", "f", "1.5"});
  CHECK(h.Recorded({"HINCRBYFLOAT", "k", "f", "0.1"}) ==
        std::vector<HashArgv>{{"HSET", "k", "f", "1.6"}});
}

TEST_CASE("HINCRBYFLOAT on a field with an expiry records the expiry after the HSET",
          "[hash][commands]") {
  HashHarness h;
  h.Run({"HSET", "k", "f", "1"});
  h.Run({"HPEXPIRE", "k", "5000", "FIELDS", "1", "f"});
  CHECK(h.Recorded({"HINCRBYFLOAT", "k", "f", "1"}) ==
        std::vector<HashArgv>{{"HSET", "k", "f", "2"},
                              {"HPEXPIREAT", "k", "1005000", "FIELDS", "1", "f"}});
  CHECK(h.Run({"HPTTL", "k", "FIELDS", "1", "f"}) == "*1\r\n:5000\r\n");
}

TEST_CASE("HRANDFIELD writes nothing for the AOF", "[hash][commands]") {
  HashHarness h;
  h.Run({"HSET", "k", "a", "1"});
  CHECK(h.Recorded({"HRANDFIELD", "k", "-3", "WITHVALUES"}).empty());
}

TEST_CASE("HGETALL replies a map in RESP3 and HRANDFIELD WITHVALUES pairs", "[hash][commands]") {
  HashHarness h;
  h.Run({"HSET", "k", "a", "1"});
  h.client.protocol = 3;
  CHECK(h.Run({"HGETALL", "k"}) == "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.Run({"HRANDFIELD", "k", "-2", "WITHVALUES"}) ==
        "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
}

TEST_CASE("A write to a hash marks its WATCHers", "[hash][commands]") {
  HashHarness h;
  h.Run({"HSET", "k", "a", "1"});
  bool dirty = false;
  h.state.dbs[0]->Watch("k", &dirty);
  h.Run({"HGET", "k", "a"});
  CHECK_FALSE(dirty);
  h.Run({"HINCRBY", "k", "a", "1"});
  CHECK(dirty);
  h.state.dbs[0]->Unwatch("k", &dirty);
}

TEST_CASE("The listpack thresholds come from the config", "[hash][commands]") {
  HashHarness h;
  h.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "2"});
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  CHECK(h.Run({"OBJECT", "ENCODING", "k"}) == "$8\r\nlistpack\r\n");
  h.Run({"HSET", "k", "c", "3"});
  CHECK(h.Run({"OBJECT", "ENCODING", "k"}) == "$9\r\nhashtable\r\n");
}
