// HGETDEL, HGETEX and HSETEX (Redis 8.0) in-process with a pinned clock: replies, options and
// their errors, and what each records (HDEL, HPEXPIREAT with absolute times, HPERSIST, HSET).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"

using testing_support::ArgvsOf;
using testing_support::CommandHarness;
using ExArgv = std::vector<std::string>;

namespace {

constexpr int64_t kExNow = 7'000'000;

struct GetSetExHarness : testing_support::PinnedClockHarness {
  GetSetExHarness() : PinnedClockHarness(kExNow) {}
};

}  // namespace

TEST_CASE("HGETDEL returns the values, deletes the fields and records HDEL of those present",
          "[hash][hgetdel]") {
  GetSetExHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  CHECK(h.Run({"HGETDEL", "k", "FIELDS", "2", "a", "zz"}) == "*2\r\n$1\r\n1\r\n$-1\r\n");
  CHECK(h.Recorded({"HGETDEL", "k", "FIELDS", "2", "b", "zz"}) ==
        std::vector<ExArgv>{{"HDEL", "k", "b"}});
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
  CHECK(h.Recorded({"HGETDEL", "k", "FIELDS", "1", "a"}).empty());
  CHECK(h.Run({"HGETDEL", "k", "FIELDS", "2", "a"}) ==
        "-ERR The `numfields` parameter must match the number of arguments\r\n");
  CHECK(h.Run({"HGETDEL", "k", "FIELDX", "1", "a"}) ==
        "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n");
}

TEST_CASE("HGETEX sets, persists or (with a past time) deletes the fields it returns",
          "[hash][hgetex]") {
  GetSetExHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  CHECK(h.Recorded({"HGETEX", "k", "EX", "10", "FIELDS", "2", "a", "zz"}) ==
        std::vector<ExArgv>{{"HPEXPIREAT", "k", "7010000", "FIELDS", "1", "a"}});
  CHECK(h.Run({"HPTTL", "k", "FIELDS", "1", "a"}) == "*1\r\n:10000\r\n");
  CHECK(h.Recorded({"HGETEX", "k", "PERSIST", "FIELDS", "2", "a", "b"}) ==
        std::vector<ExArgv>{{"HPERSIST", "k", "FIELDS", "1", "a"}});
  CHECK(h.Recorded({"HGETEX", "k", "FIELDS", "1", "a"}).empty());
  CHECK(h.Run({"HGETEX", "k", "PXAT", "1", "FIELDS", "1", "a"}) == "*1\r\n$1\r\n1\r\n");
  CHECK(h.Run({"HEXISTS", "k", "a"}) == ":0\r\n");
  CHECK(h.Run({"HGETEX", "k", "EX", "1", "PX", "1", "FIELDS", "1", "a"}) ==
        "-ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified\r\n");
  CHECK(h.Run({"HGETEX", "k", "EX", "0", "FIELDS", "1", "a"}) ==
        "-ERR invalid expire time in 'hgetex' command\r\n");
  CHECK(h.Run({"HGETEX", "nokey", "EX", "5", "FIELDS", "1", "a"}) == "*1\r\n$-1\r\n");
}

TEST_CASE("HSETEX sets all fields with their expiry unless FNX or FXX fails", "[hash][hsetex]") {
  GetSetExHarness h;
  CHECK(h.Recorded({"HSETEX", "k", "PX", "500", "FIELDS", "2", "a", "1", "b", "2"}) ==
        std::vector<ExArgv>{{"HSET", "k", "a", "1", "b", "2"},
                            {"HPEXPIREAT", "k", "7000500", "FIELDS", "2", "a", "b"}});
  CHECK(h.Run({"HSETEX", "k", "FNX", "FIELDS", "2", "a", "1", "c", "3"}) == ":0\r\n");
  CHECK(h.Run({"HSETEX", "k", "FXX", "FIELDS", "2", "a", "1", "c", "3"}) == ":0\r\n");
  CHECK(h.Run({"HSETEX", "k", "FXX", "KEEPTTL", "FIELDS", "1", "a", "9"}) == ":1\r\n");
  CHECK(h.Run({"HPTTL", "k", "FIELDS", "1", "a"}) == "*1\r\n:500\r\n");
  CHECK(h.Run({"HSETEX", "k", "FNX", "FIELDS", "1", "c", "3"}) == ":1\r\n");
  CHECK(h.Run({"HSETEX", "k", "FIELDS", "1", "b", "new"}) == ":1\r\n");
  CHECK(h.Run({"HPTTL", "k", "FIELDS", "3", "a", "b", "c"}) == "*3\r\n:500\r\n:-1\r\n:-1\r\n");
  CHECK(h.Run({"HSETEX", "k", "EXAT", "1", "FIELDS", "1", "c", "x"}) == ":1\r\n");
  CHECK(h.Run({"HEXISTS", "k", "c"}) == ":0\r\n");
}

TEST_CASE("HSETEX KEEPTTL records the kept expiry after the HSET", "[hash][hsetex]") {
  GetSetExHarness h;
  h.Run({"HSETEX", "k", "PX", "500", "FIELDS", "1", "a", "1"});
  CHECK(h.Recorded({"HSETEX", "k", "KEEPTTL", "FIELDS", "1", "a", "2"}) ==
        std::vector<ExArgv>{{"HSET", "k", "a", "2"},
                            {"HPEXPIREAT", "k", "7000500", "FIELDS", "1", "a"}});
}

TEST_CASE("HSETEX reports Redis's errors", "[hash][hsetex]") {
  GetSetExHarness h;
  CHECK(h.Run({"HSETEX", "k", "FNX", "FXX", "FIELDS", "1", "a", "1"}) ==
        "-ERR Only one of FNX or FXX arguments can be specified\r\n");
  CHECK(h.Run({"HSETEX", "k", "EX", "1", "KEEPTTL", "FIELDS", "1", "a", "1"}) ==
        "-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n");
  CHECK(h.Run({"HSETEX", "k", "FIELDS", "2", "a", "1"}) ==
        "-ERR Parameter `numFields` is more than number of arguments\r\n");
  CHECK(h.Run({"HSETEX", "k", "FIELDS", "1", "a", "1", "b"}) ==
        "-ERR The `numfields` parameter must match the number of arguments\r\n");
  CHECK(h.Run({"HSETEX", "k", "FIELDS", "0", "a", "1"}) ==
        "-ERR Parameter `numFields` should be greater than 0\r\n");
  CHECK(h.Run({"HSETEX", "k", "PX", "-5", "FIELDS", "1", "a", "1"}) ==
        "-ERR invalid expire time in 'hsetex' command\r\n");
  h.Run({"SET", "s", "x"});
  CHECK(h.Run({"HSETEX", "s", "FIELDS", "1", "a", "1"}).rfind("-WRONGTYPE", 0) == 0);
  CHECK(h.Run({"HGETDEL", "s", "FIELDS", "1", "a"}).rfind("-WRONGTYPE", 0) == 0);
}
