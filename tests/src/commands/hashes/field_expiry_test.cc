// Per-field expiry through the commands, with a pinned clock: HEXPIRE's codes and conditions,
// the readers, HPERSIST, what is recorded (absolute times, HDEL for deletions), and fields
// vanishing lazily on access and actively in the db's expiry cycle, recorded as HDEL (and DEL
// when the hash empties).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "src/types/hash.h"
#include "tests/support/command_harness.h"

using testing_support::ArgvsOf;
using testing_support::CommandHarness;
using FieldArgv = std::vector<std::string>;

namespace {

constexpr int64_t kFieldNow = 5'000'000;

struct FieldExpiryHarness : testing_support::PinnedClockHarness {
  FieldExpiryHarness() : PinnedClockHarness(kFieldNow) {}
};

}  // namespace

TEST_CASE("HEXPIRE replies a code per field and records HPEXPIREAT with the absolute time",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  CHECK(h.Recorded({"HEXPIRE", "k", "10", "FIELDS", "3", "a", "zz", "b"}) ==
        std::vector<FieldArgv>{{"HPEXPIREAT", "k", "5010000", "FIELDS", "2", "a", "b"}});
  CHECK(h.Run({"HTTL", "k", "FIELDS", "2", "a", "zz"}) == "*2\r\n:10\r\n:-2\r\n");
  CHECK(h.Run({"HPEXPIRETIME", "k", "FIELDS", "1", "a"}) == "*1\r\n:5010000\r\n");
  CHECK(h.Run({"HEXPIRETIME", "k", "FIELDS", "1", "a"}) == "*1\r\n:5010\r\n");
}

TEST_CASE("HEXPIRE NX XX GT LT set only where the condition holds", "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  h.Run({"HPEXPIRE", "k", "1000", "FIELDS", "1", "a"});
  CHECK(h.Run({"HPEXPIRE", "k", "2000", "NX", "FIELDS", "2", "a", "b"}) == "*2\r\n:0\r\n:1\r\n");
  h.Run({"HPERSIST", "k", "FIELDS", "1", "b"});
  CHECK(h.Run({"HPEXPIRE", "k", "3000", "XX", "FIELDS", "2", "a", "b"}) == "*2\r\n:1\r\n:0\r\n");
  // b has no expiry: it counts as infinite, so GT never holds and LT always does.
  CHECK(h.Run({"HPEXPIRE", "k", "2000", "GT", "FIELDS", "2", "a", "b"}) == "*2\r\n:0\r\n:0\r\n");
  CHECK(h.Run({"HPEXPIRE", "k", "4000", "GT", "FIELDS", "1", "a"}) == "*1\r\n:1\r\n");
  CHECK(h.Run({"HPEXPIRE", "k", "5000", "LT", "FIELDS", "2", "a", "b"}) == "*2\r\n:0\r\n:1\r\n");
  CHECK(h.Run({"HPTTL", "k", "FIELDS", "2", "a", "b"}) == "*2\r\n:4000\r\n:5000\r\n");
}

TEST_CASE("A field expiry in the past deletes the field, recorded as HDEL",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  CHECK(h.Recorded({"HEXPIRE", "k", "0", "FIELDS", "1", "a"}) ==
        std::vector<FieldArgv>{{"HDEL", "k", "a"}});
  CHECK(h.Run({"HPEXPIREAT", "k", "1", "FIELDS", "1", "b"}) == "*1\r\n:2\r\n");
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("Field expiry commands on a missing key reply -2 per field and record nothing",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  CHECK(h.Recorded({"HEXPIRE", "nokey", "10", "FIELDS", "2", "a", "b"}).empty());
  CHECK(h.Run({"HTTL", "nokey", "FIELDS", "1", "a"}) == "*1\r\n:-2\r\n");
  CHECK(h.Run({"HPERSIST", "nokey", "FIELDS", "1", "a"}) == "*1\r\n:-2\r\n");
}

TEST_CASE("Field expiry commands report Redis's errors", "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1"});
  CHECK(h.Run({"HEXPIRE", "k", "10", "FIELD", "1", "a"}) ==
        "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n");
  CHECK(h.Run({"HEXPIRE", "k", "10", "FIELDS", "0", "a"}) ==
        "-ERR Parameter `numFields` should be greater than 0\r\n");
  CHECK(h.Run({"HEXPIRE", "k", "10", "FIELDS", "2", "a"}) ==
        "-ERR The `numfields` parameter must match the number of arguments\r\n");
  CHECK(h.Run({"HEXPIRE", "k", "-1", "FIELDS", "1", "a"}) ==
        "-ERR invalid expire time, must be >= 0\r\n");
  CHECK(h.Run({"HEXPIRE", "k", "x", "FIELDS", "1", "a"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"HPEXPIREAT", "k", "281474976710656", "FIELDS", "1", "a"}) ==
        "-ERR invalid expire time in 'hpexpireat' command\r\n");
  h.Run({"SET", "s", "x"});
  CHECK(h.Run({"HEXPIRE", "s", "10", "FIELDS", "1", "a"}).rfind("-WRONGTYPE", 0) == 0);
}

TEST_CASE("HPERSIST removes expiries: -1 without one, and records only a change",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  h.Run({"HEXPIRE", "k", "10", "FIELDS", "1", "a"});
  CHECK(h.Recorded({"HPERSIST", "k", "FIELDS", "1", "b"}).empty());
  CHECK(h.Run({"HPERSIST", "k", "FIELDS", "3", "a", "b", "zz"}) == "*3\r\n:1\r\n:-1\r\n:-2\r\n");
  CHECK(h.Run({"HTTL", "k", "FIELDS", "1", "a"}) == "*1\r\n:-1\r\n");
}

TEST_CASE("HSET clears a field's expiry; HINCRBY keeps it", "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  h.Run({"HEXPIRE", "k", "10", "FIELDS", "2", "a", "b"});
  h.Run({"HSET", "k", "a", "5"});
  h.Run({"HINCRBY", "k", "b", "5"});
  CHECK(h.Run({"HTTL", "k", "FIELDS", "2", "a", "b"}) == "*2\r\n:-1\r\n:10\r\n");
}

TEST_CASE("An expired field vanishes on the next read, recorded as HDEL", "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  h.Run({"HPEXPIRE", "k", "100", "FIELDS", "1", "a"});
  h.At(kFieldNow + 100);
  CHECK(h.Recorded({"HGET", "k", "a"}) == std::vector<FieldArgv>{{"HDEL", "k", "a"}});
  CHECK(h.Run({"HLEN", "k"}) == ":1\r\n");
}

TEST_CASE("A hash whose last field expires is gone on access, recorded as HDEL then DEL",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1"});
  h.Run({"HPEXPIRE", "k", "100", "FIELDS", "1", "a"});
  h.At(kFieldNow + 200);
  CHECK(h.Recorded({"EXISTS", "k"}) == std::vector<FieldArgv>{{"HDEL", "k", "a"}, {"DEL", "k"}});
  CHECK(h.Run({"TYPE", "k"}) == "+none\r\n");
}

TEST_CASE("The active expiry cycle removes expired fields of hashes nobody reads",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  for (int i = 0; i < 50; i++) {
    const std::string key = "k" + std::to_string(i);
    h.Run({"HSET", key, "a", "1", "b", "2"});
    h.Run({"HPEXPIRE", key, "100", "FIELDS", "1", "a"});
    if (i % 2 == 0) h.Run({"HPEXPIRE", key, "100", "FIELDS", "1", "b"});
  }
  h.state.propagation.Take();
  server::Db& db = *h.state.dbs[0];
  size_t removed = 0;
  for (int turn = 0; turn < 100; turn++) removed += db.ActiveExpireFields(kFieldNow + 200, 10);
  CHECK(removed == 75);
  CHECK(db.size() == 25);
  CHECK(db.volatile_hashes() == 0);
  auto records = ArgvsOf(h.state.propagation.Take());
  size_t dels = 0, hdels = 0;
  for (const auto& r : records) {
    dels += r[0] == "DEL";
    hdels += r[0] == "HDEL" ? r.size() - 2 : 0;
  }
  CHECK(hdels == 75);
  CHECK(dels == 25);
}

TEST_CASE("One active expiry call removes a bounded number of fields", "[hash][field-expiry]") {
  FieldExpiryHarness h;
  std::vector<std::string> argv{"HSET", "k"};
  for (int i = 0; i < 300; i++) {
    argv.push_back("f" + std::to_string(i));
    argv.push_back("v");
  }
  h.Run(argv);
  for (int i = 0; i < 300; i++) {
    h.Run({"HPEXPIRE", "k", "10", "FIELDS", "1", "f" + std::to_string(i)});
  }
  server::Db& db = *h.state.dbs[0];
  CHECK(db.ActiveExpireFields(kFieldNow + 20, 40) == 40);
  CHECK(db.Find("k", kFieldNow)->hash().size() == 260);
}

TEST_CASE("COPY and RENAME carry field expiries, and the copy expires on its own",
          "[hash][field-expiry]") {
  FieldExpiryHarness h;
  h.Run({"HSET", "k", "a", "1", "b", "2"});
  h.Run({"HPEXPIRE", "k", "100", "FIELDS", "1", "a"});
  h.Run({"COPY", "k", "c"});
  h.Run({"RENAME", "k", "r"});
  CHECK(h.Run({"HPTTL", "c", "FIELDS", "1", "a"}) == "*1\r\n:100\r\n");
  CHECK(h.Run({"HPTTL", "r", "FIELDS", "1", "a"}) == "*1\r\n:100\r\n");
  server::Db& db = *h.state.dbs[0];
  db.ActiveExpireFields(kFieldNow + 100, 100);
  CHECK(db.Find("c", kFieldNow)->hash().size() == 1);
  CHECK(db.Find("r", kFieldNow)->hash().size() == 1);
}
