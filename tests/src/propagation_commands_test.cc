// What each write command records for the AOF (state.propagation), and the property that matters:
// replaying the records into a fresh server rebuilds exactly the same dataset (strings with their
// expiries; streams with IDs, metadata, groups, consumers, PELs and the NACKed zone), even when
// the replaying server's clock and stream-node-max-entries differ.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "src/eviction.h"
#include "src/propagation.h"
#include "tests/support/command_harness.h"
#include "tests/support/dataset_dump.h"
#include "tests/support/random_writes.h"

using server::PropagatedCommand;
using testing_support::CommandHarness;
using Argv = std::vector<std::string>;
using testing_support::ArgvsOf;

namespace {

// A harness that keeps everything ever recorded (`log`) while tests look at the latest part.
struct PropagationHarness : CommandHarness {
  std::vector<PropagatedCommand> log;
  // What was recorded since the last call, also kept in the log.
  std::vector<PropagatedCommand> TakeRecords() {
    auto records = state.propagation.Take();
    log.insert(log.end(), records.begin(), records.end());
    return records;
  }
  std::vector<Argv> Take() { return ArgvsOf(TakeRecords()); }
  std::vector<PropagatedCommand> All() {
    TakeRecords();
    return log;
  }
};

// Runs `args` and returns only what it recorded.
std::vector<Argv> Recorded(PropagationHarness& h, std::vector<std::string> args) {
  h.Take();
  h.Run(std::move(args));
  return h.Take();
}

std::string Str(int64_t n) { return std::to_string(n); }

std::string Dump(CommandHarness& h) { return testing_support::DumpDataset(h); }

// Replays `records` into a fresh server (SELECT before each change of db, as the AOF writes)
// with other stream-node limits, failing on any error reply; returns that server's dump.
std::string ReplayDump(const std::vector<PropagatedCommand>& records) {
  CommandHarness replica;
  replica.state.config.stream_node_max_entries = 7;
  replica.state.loading = true;  // as the AOF loader: the policies take no action of their own
  int db = -1;
  for (const PropagatedCommand& r : records) {
    if (r.db != db) {
      db = r.db;
      replica.Run({"SELECT", Str(db)});
    }
    std::string reply = replica.Run(r.argv);
    INFO("replaying " << [&] {
      std::string line;
      for (const auto& a : r.argv) line += a + " ";
      return line;
    }());
    REQUIRE(reply.rfind("-", 0) != 0);
  }
  return Dump(replica);
}

// The property every test ends with: what was recorded rebuilds what the server holds.
void CheckReplayRebuilds(PropagationHarness& h) {
  CHECK(ReplayDump(h.All()) == Dump(h));
}

int64_t PExpireTime(CommandHarness& h, const std::string& key) {
  std::string r = h.Run({"PEXPIRETIME", key});
  return std::stoll(r.substr(1));
}

}  // namespace

TEST_CASE("SET with EX, PX or EXAT, SETEX and PSETEX are recorded with an absolute PXAT time",
          "[propagation][strings]") {
  PropagationHarness h;
  {
    auto r1 = Recorded(h, {"SET", "a", "1", "EX", "100"});
    CHECK(r1 == std::vector<Argv>{{"SET", "a", "1", "PXAT", Str(PExpireTime(h, "a"))}});
  }
  {
    auto r2 = Recorded(h, {"SET", "a", "2", "PX", "100000", "GET", "XX"});
    CHECK(r2 == std::vector<Argv>{{"SET", "a", "2", "PXAT", Str(PExpireTime(h, "a"))}});
  }
  CHECK(Recorded(h, {"SET", "b", "1", "EXAT", "1900000000"}) ==
        std::vector<Argv>{{"SET", "b", "1", "PXAT", "1900000000000"}});
  {
    auto r3 = Recorded(h, {"SETEX", "c", "100", "v"});
    CHECK(r3 == std::vector<Argv>{{"SET", "c", "v", "PXAT", Str(PExpireTime(h, "c"))}});
  }
  {
    auto r4 = Recorded(h, {"PSETEX", "d", "100000", "v"});
    CHECK(r4 == std::vector<Argv>{{"SET", "d", "v", "PXAT", Str(PExpireTime(h, "d"))}});
  }
  // No clock involved: recorded as sent.
  CHECK(Recorded(h, {"SET", "a", "3", "KEEPTTL"}) == std::vector<Argv>{{"SET", "a", "3", "KEEPTTL"}});
  // Nothing written: nothing recorded.
  CHECK(Recorded(h, {"SET", "a", "4", "EX", "10", "NX"}).empty());
  CHECK(Recorded(h, {"SET", "zz", "4", "XX"}).empty());
  CheckReplayRebuilds(h);
}

TEST_CASE("GETEX records PEXPIREAT, PERSIST or DEL, GETDEL records DEL, a plain GETEX nothing",
          "[propagation][strings]") {
  PropagationHarness h;
  h.Run({"SET", "k", "v"});
  {
    auto r5 = Recorded(h, {"GETEX", "k", "EX", "100"});
    CHECK(r5 == std::vector<Argv>{{"PEXPIREAT", "k", Str(PExpireTime(h, "k"))}});
  }
  CHECK(Recorded(h, {"GETEX", "k", "PXAT", "1900000000000"}) ==
        std::vector<Argv>{{"PEXPIREAT", "k", "1900000000000"}});
  CHECK(Recorded(h, {"GETEX", "k", "PERSIST"}) == std::vector<Argv>{{"PERSIST", "k"}});
  CHECK(Recorded(h, {"GETEX", "k", "PERSIST"}).empty());  // it has no TTL any more
  CHECK(Recorded(h, {"GETEX", "k"}).empty());
  CHECK(Recorded(h, {"GETEX", "missing", "EX", "10"}).empty());
  CHECK(Recorded(h, {"GETEX", "k", "PXAT", "1000"}) == std::vector<Argv>{{"DEL", "k"}});
  h.Run({"SET", "g", "v"});
  CHECK(Recorded(h, {"GETDEL", "g"}) == std::vector<Argv>{{"DEL", "g"}});
  CHECK(Recorded(h, {"GETDEL", "g"}).empty());
  h.Run({"SET", "kept", "1"});
  h.Run({"GETEX", "kept", "PX", "50000"});
  CheckReplayRebuilds(h);
}

TEST_CASE("EXPIRE, PEXPIRE and EXPIREAT record PEXPIREAT; a time already past records DEL",
          "[propagation][keys]") {
  PropagationHarness h;
  h.Run({"SET", "a", "1"});
  {
    auto r6 = Recorded(h, {"EXPIRE", "a", "100"});
    CHECK(r6 == std::vector<Argv>{{"PEXPIREAT", "a", Str(PExpireTime(h, "a"))}});
  }
  {
    auto r7 = Recorded(h, {"PEXPIRE", "a", "200000", "GT"});
    CHECK(r7 == std::vector<Argv>{{"PEXPIREAT", "a", Str(PExpireTime(h, "a")), "GT"}});
  }
  CHECK(Recorded(h, {"EXPIREAT", "a", "1900000000"}) ==
        std::vector<Argv>{{"PEXPIREAT", "a", "1900000000000"}});
  // Changed nothing: a missing key, a condition not met, PERSIST without a TTL.
  CHECK(Recorded(h, {"EXPIRE", "missing", "100"}).empty());
  CHECK(Recorded(h, {"EXPIRE", "a", "100", "NX"}).empty());
  h.Run({"SET", "p", "1"});
  CHECK(Recorded(h, {"PERSIST", "p"}).empty());
  CHECK(Recorded(h, {"PERSIST", "a"}) == std::vector<Argv>{{"PERSIST", "a"}});
  CHECK(Recorded(h, {"EXPIRE", "a", "-1"}) == std::vector<Argv>{{"DEL", "a"}});
  h.Run({"SET", "b", "1"});
  CHECK(Recorded(h, {"PEXPIREAT", "b", "1000"}) == std::vector<Argv>{{"DEL", "b"}});
  h.Run({"SET", "c", "1"});
  h.Run({"PEXPIRE", "c", "300000"});
  CheckReplayRebuilds(h);
}

TEST_CASE("INCRBYFLOAT records the resulting value with KEEPTTL, GETSET records SET",
          "[propagation][strings]") {
  PropagationHarness h;
  CHECK(Recorded(h, {"INCRBYFLOAT", "f", "1.5"}) ==
        std::vector<Argv>{{"SET", "f", "1.5", "KEEPTTL"}});
  h.Run({"PEXPIRE", "f", "100000"});
  CHECK(Recorded(h, {"INCRBYFLOAT", "f", "0.1"}) ==
        std::vector<Argv>{{"SET", "f", "1.6", "KEEPTTL"}});
  CHECK(Recorded(h, {"GETSET", "f", "7"}) == std::vector<Argv>{{"SET", "f", "7"}});
  CHECK(Recorded(h, {"INCR", "n"}) == std::vector<Argv>{{"INCR", "n"}});
  CheckReplayRebuilds(h);
}

TEST_CASE("Key and string writes that change nothing record nothing",
          "[propagation][keys]") {
  PropagationHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "1"});
  CHECK(Recorded(h, {"SETNX", "a", "2"}).empty());
  CHECK(Recorded(h, {"MSETNX", "a", "2", "z", "3"}).empty());
  CHECK(Recorded(h, {"SETRANGE", "a", "0", ""}).empty());
  CHECK(Recorded(h, {"SETRANGE", "missing", "3", ""}).empty());
  CHECK(Recorded(h, {"DEL", "missing", "other"}).empty());
  CHECK(Recorded(h, {"UNLINK", "missing"}).empty());
  CHECK(Recorded(h, {"RENAME", "a", "a"}).empty());
  CHECK(Recorded(h, {"RENAMENX", "a", "b"}).empty());
  CHECK(Recorded(h, {"COPY", "a", "b"}).empty());
  CHECK(Recorded(h, {"COPY", "missing", "c"}).empty());
  CHECK(Recorded(h, {"MOVE", "missing", "1"}).empty());
  // ... and those that do are recorded as sent.
  CHECK(Recorded(h, {"DEL", "missing", "b"}) == std::vector<Argv>{{"DEL", "missing", "b"}});
  CHECK(Recorded(h, {"COPY", "a", "c"}) == std::vector<Argv>{{"COPY", "a", "c"}});
  CHECK(Recorded(h, {"MOVE", "c", "2"}) == std::vector<Argv>{{"MOVE", "c", "2"}});
  CheckReplayRebuilds(h);
}

TEST_CASE("A key that expires is recorded as DEL in its own db, lazily or by the active cycle",
          "[propagation][expiry]") {
  PropagationHarness h;
  h.Run({"SELECT", "2"});
  h.Run({"SET", "lazy", "v", "PX", "1"});
  h.Run({"SET", "active", "v", "PX", "1"});
  h.Run({"SET", "stays", "v"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto records = h.TakeRecords();
  h.Run({"GET", "lazy"});  // a read: only the expiry is recorded
  auto lazy = h.TakeRecords();
  REQUIRE(ArgvsOf(lazy) == std::vector<Argv>{{"DEL", "lazy"}});
  CHECK(lazy[0].db == 2);
  h.state.dbs[2]->ActiveExpire(server::WallClockMs(), 16);
  auto active = h.TakeRecords();
  REQUIRE(ArgvsOf(active) == std::vector<Argv>{{"DEL", "active"}});
  CHECK(active[0].db == 2);
  // The whole story replays to the same db 2.
  records.insert(records.end(), lazy.begin(), lazy.end());
  records.insert(records.end(), active.begin(), active.end());
  CHECK(ReplayDump(records) == Dump(h));
}

TEST_CASE("A key evicted for maxmemory is recorded as DEL in its own db", "[propagation][eviction]") {
  PropagationHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SELECT", "1"});
  h.Run({"SET", "b", "1"});
  h.Run({"SET", "c", "1"});
  h.state.config.maxmemory = 1000;
  h.state.config.maxmemory_policy = "allkeys-random";
  auto before = h.TakeRecords();
  // Pretend each key costs 1000 bytes: all but one must go.
  auto used = [&] {
    size_t n = 0;
    for (auto& db : h.state.dbs) n += db->size();
    return n * 1000;
  };
  REQUIRE(server::EnforceMaxmemory(h.state, server::WallClockMs(), used));
  auto evicted = h.TakeRecords();
  REQUIRE(evicted.size() == 2);
  for (const auto& r : evicted) {
    REQUIRE(r.argv.size() == 2);
    CHECK(r.argv[0] == "DEL");
    CHECK(r.db == (r.argv[1] == "a" ? 0 : 1));
  }
  before.insert(before.end(), evicted.begin(), evicted.end());
  h.state.config.maxmemory = 0;
  CHECK(ReplayDump(before) == Dump(h));
}

TEST_CASE("XADD records the concrete ID it added; NOMKSTREAM on a missing key records nothing",
          "[propagation][streams]") {
  PropagationHarness h;
  auto auto_id = Recorded(h, {"XADD", "s", "*", "f", "v"});
  REQUIRE(auto_id.size() == 1);
  CHECK(auto_id[0][2] != "*");
  CHECK(h.Run({"XRANGE", "s", auto_id[0][2], auto_id[0][2]}).find(auto_id[0][2]) !=
        std::string::npos);
  CHECK(Recorded(h, {"XADD", "s", "NOMKSTREAM", "1900000000000-*", "f", "w"}) ==
        std::vector<Argv>{{"XADD", "s", "NOMKSTREAM", "1900000000000-0", "f", "w"}});
  CHECK(Recorded(h, {"XADD", "s", "1900000000001", "f", "x"}) ==
        std::vector<Argv>{{"XADD", "s", "1900000000001-0", "f", "x"}});
  CHECK(Recorded(h, {"XADD", "nokey", "NOMKSTREAM", "*", "f", "v"}).empty());
  CHECK(Recorded(h, {"XADD", "s", "1-1", "f", "v"}).empty());  // an error
  CheckReplayRebuilds(h);
}

TEST_CASE("An approximate trim is recorded as the exact trim that reproduces it, without LIMIT",
          "[propagation][streams]") {
  PropagationHarness h;
  h.state.config.stream_node_max_entries = 4;  // the replica uses 7: "~" would differ there
  for (int i = 1; i <= 30; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  CHECK(Recorded(h, {"XADD", "s", "MAXLEN", "~", "10", "31-0", "f", "v"}) ==
        std::vector<Argv>{{"XADD", "s", "MAXLEN", "=", "11", "31-0", "f", "v"}});
  CHECK(Recorded(h, {"XTRIM", "s", "MAXLEN", "~", "2", "LIMIT", "4"}) ==
        std::vector<Argv>{{"XTRIM", "s", "MAXLEN", "=", "7"}});
  auto minid = Recorded(h, {"XADD", "s", "LIMIT", "100", "MINID", "~", "29-0", "32", "f", "v"});
  REQUIRE(minid.size() == 1);
  std::string first = h.Run({"XRANGE", "s", "-", "+", "COUNT", "1"});
  first = first.substr(first.find("$", 4));
  first = first.substr(first.find('\n') + 1);
  first.resize(first.find('\r'));
  CHECK(minid[0][2] == "MINID");
  CHECK(minid[0][3] == "=");
  CHECK(minid[0][4] == first);
  CHECK(std::find(minid[0].begin(), minid[0].end(), "LIMIT") == minid[0].end());
  CHECK(minid[0][5] == "32-0");
  CHECK(Recorded(h, {"XTRIM", "s", "MINID", "~", "5-0"}).empty());  // removed nothing
  CHECK(Recorded(h, {"XTRIM", "s", "MAXLEN", "3"}) ==
        std::vector<Argv>{{"XTRIM", "s", "MAXLEN", "3"}});
  CHECK(Recorded(h, {"XTRIM", "s", "MINID", "~", "999-0", "LIMIT", "0"}) ==
        std::vector<Argv>{{"XTRIM", "s", "MINID", "=", "18446744073709551615-18446744073709551615"}});
}

TEST_CASE("Approximate trims replay exactly on a server with other node limits",
          "[propagation][streams]") {
  PropagationHarness h;
  h.state.config.stream_node_max_entries = 4;
  for (int i = 1; i <= 40; i++) {
    h.Run({"XADD", "s", "MAXLEN", "~", "9", "*", "f", Str(i)});
    if (i % 7 == 0) h.Run({"XTRIM", "s", "MINID", "~", Str(i) + "-0", "LIMIT", "4"});
  }
  CheckReplayRebuilds(h);
}

TEST_CASE("XGROUP CREATE and SETID record the concrete ID and ENTRIESREAD",
          "[propagation][groups]") {
  PropagationHarness h;
  for (int i = 1; i <= 5; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  CHECK(Recorded(h, {"XGROUP", "CREATE", "s", "g", "$"}) ==
        std::vector<Argv>{{"XGROUP", "CREATE", "s", "g", "5-0", "ENTRIESREAD", "-1"}});
  CHECK(Recorded(h, {"XGROUP", "CREATE", "s", "g2", "2", "ENTRIESREAD", "99"}) ==
        std::vector<Argv>{{"XGROUP", "CREATE", "s", "g2", "2-0", "ENTRIESREAD", "5"}});
  CHECK(Recorded(h, {"XGROUP", "CREATE", "new", "g", "$", "MKSTREAM"}) ==
        std::vector<Argv>{{"XGROUP", "CREATE", "new", "g", "0-0", "MKSTREAM", "ENTRIESREAD", "-1"}});
  CHECK(Recorded(h, {"XGROUP", "SETID", "s", "g2", "$"}) ==
        std::vector<Argv>{{"XGROUP", "SETID", "s", "g2", "5-0", "ENTRIESREAD", "-1"}});
  CHECK(Recorded(h, {"XGROUP", "CREATECONSUMER", "s", "g", "c"}) ==
        std::vector<Argv>{{"XGROUP", "CREATECONSUMER", "s", "g", "c"}});
  CHECK(Recorded(h, {"XGROUP", "CREATECONSUMER", "s", "g", "c"}).empty());
  CHECK(Recorded(h, {"XGROUP", "DELCONSUMER", "s", "g", "nobody"}).empty());
  CHECK(Recorded(h, {"XGROUP", "DESTROY", "s", "nogroup"}).empty());
  CheckReplayRebuilds(h);
}

TEST_CASE("XREADGROUP records each delivery as an XCLAIM and the group's position, in MULTI/EXEC",
          "[propagation][xreadgroup]") {
  PropagationHarness h;
  for (int i = 1; i <= 5; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XGROUP", "CREATECONSUMER", "s", "g", "alice"});
  h.TakeRecords();
  h.Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"});
  const std::string t = Str(h.state.command_time_ms);
  CHECK(h.Take() ==
        std::vector<Argv>{{"MULTI"},
                          {"XCLAIM", "s", "g", "alice", "0", "1-0", "TIME", t, "RETRYCOUNT", "1",
                           "FORCE", "JUSTID", "LASTID", "1-0"},
                          {"XCLAIM", "s", "g", "alice", "0", "2-0", "TIME", t, "RETRYCOUNT", "1",
                           "FORCE", "JUSTID", "LASTID", "2-0"},
                          {"XGROUP", "SETID", "s", "g", "2-0", "ENTRIESREAD", "2"},
                          {"EXEC"}});
  // NOACK by a new consumer: the consumer and the position only.
  CHECK(Recorded(h, {"XREADGROUP", "GROUP", "g", "bob", "NOACK", "COUNT", "1", "STREAMS", "s",
                     ">"}) == std::vector<Argv>{{"MULTI"},
                                                {"XGROUP", "CREATECONSUMER", "s", "g", "bob"},
                                                {"XGROUP", "SETID", "s", "g", "3-0", "ENTRIESREAD",
                                                 "3"},
                                                {"EXEC"}});
  // Nothing new for an existing consumer: nothing at all.
  h.Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"});
  CHECK(Recorded(h, {"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}).empty());
  // A new consumer that gets nothing still exists afterwards, and on replay.
  CHECK(Recorded(h, {"XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">"}) ==
        std::vector<Argv>{{"XGROUP", "CREATECONSUMER", "s", "g", "carol"}});
  CheckReplayRebuilds(h);
}

TEST_CASE("A history read records its delivery-count bumps, so a replay keeps the counts",
          "[propagation][xreadgroup]") {
  PropagationHarness h;
  for (int i = 1; i <= 3; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  h.Run({"XDEL", "s", "2-0"});  // read back as [id, nil], not redelivered
  h.TakeRecords();
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0"});
  const std::string t = Str(h.state.command_time_ms);
  CHECK(h.Take() ==
        std::vector<Argv>{{"MULTI"},
                          {"XCLAIM", "s", "g", "a", "0", "1-0", "TIME", t, "RETRYCOUNT", "2",
                           "FORCE", "JUSTID", "LASTID", "3-0"},
                          {"XCLAIM", "s", "g", "a", "0", "3-0", "TIME", t, "RETRYCOUNT", "2",
                           "FORCE", "JUSTID", "LASTID", "3-0"},
                          {"EXEC"}});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", "0"});
  CheckReplayRebuilds(h);
}

TEST_CASE("XREADGROUP CLAIM records what it claimed and delivered", "[propagation][xreadgroup]") {
  PropagationHarness h;
  for (int i = 1; i <= 4; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "s", ">"});
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "2-0"});
  h.TakeRecords();
  h.Run({"XREADGROUP", "GROUP", "g", "b", "CLAIM", "0", "STREAMS", "s", ">"});
  auto records = h.Take();
  // The NACKed entry first, then the idle one, then the new ones, then the position.
  REQUIRE(records.size() == 8);
  CHECK(records[1] == Argv{"XGROUP", "CREATECONSUMER", "s", "g", "b"});
  CHECK(records[2][5] == "2-0");
  CHECK(records[3][5] == "1-0");
  CHECK(records[3][9] == "2");  // its second delivery
  CHECK(records[4][5] == "3-0");
  CHECK(records[5][5] == "4-0");
  CHECK(records[6] == Argv{"XGROUP", "SETID", "s", "g", "4-0", "ENTRIESREAD", "4"});
  CheckReplayRebuilds(h);
}

TEST_CASE("XCLAIM and XAUTOCLAIM record their claims with absolute TIME and RETRYCOUNT, and the "
          "references to deleted entries they drop as XACK",
          "[propagation][claims]") {
  PropagationHarness h;
  for (int i = 1; i <= 4; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  h.Run({"XDEL", "s", "2-0"});
  h.TakeRecords();
  h.Run({"XCLAIM", "s", "g", "b", "0", "1-0", "2-0", "IDLE", "5000", "RETRYCOUNT", "7"});
  const int64_t now = h.state.command_time_ms;
  CHECK(h.Take() ==
        std::vector<Argv>{{"MULTI"},
                          {"XGROUP", "CREATECONSUMER", "s", "g", "b"},
                          {"XCLAIM", "s", "g", "b", "0", "1-0", "TIME", Str(now - 5000),
                           "RETRYCOUNT", "7", "FORCE", "JUSTID", "LASTID", "4-0"},
                          {"XACK", "s", "g", "2-0"},
                          {"EXEC"}});
  CHECK(Recorded(h, {"XCLAIM", "s", "g", "b", "99999999", "3-0"}).empty());  // not idle enough
  h.Run({"XDEL", "s", "4-0"});
  h.TakeRecords();
  h.Run({"XAUTOCLAIM", "s", "g", "c", "0", "0", "JUSTID"});
  const std::string t = Str(h.state.command_time_ms);
  CHECK(h.Take() ==
        std::vector<Argv>{{"MULTI"},
                          {"XGROUP", "CREATECONSUMER", "s", "g", "c"},
                          {"XCLAIM", "s", "g", "c", "0", "1-0", "TIME", t, "RETRYCOUNT", "7",
                           "FORCE", "JUSTID", "LASTID", "4-0"},
                          {"XCLAIM", "s", "g", "c", "0", "3-0", "TIME", t, "RETRYCOUNT", "1",
                           "FORCE", "JUSTID", "LASTID", "4-0"},
                          {"XACK", "s", "g", "4-0"},
                          {"EXEC"}});
  h.Run({"XCLAIM", "s", "g", "d", "0", "3-0", "LASTID", "9-0"});
  CheckReplayRebuilds(h);
}

TEST_CASE("XNACK records each release with RETRYCOUNT and FORCE; a replay keeps counts and order",
          "[propagation][xnack]") {
  PropagationHarness h;
  for (int i = 1; i <= 4; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0"});  // counts 2
  h.TakeRecords();
  h.Run({"XNACK", "s", "g", "SILENT", "IDS", "2", "3-0", "1-0"});
  CHECK(h.Take() ==
        std::vector<Argv>{{"MULTI"},
                          {"XNACK", "s", "g", "FAIL", "IDS", "1", "3-0", "RETRYCOUNT", "1", "FORCE"},
                          {"XNACK", "s", "g", "FAIL", "IDS", "1", "1-0", "RETRYCOUNT", "1", "FORCE"},
                          {"EXEC"}});
  CHECK(Recorded(h, {"XNACK", "s", "g", "FATAL", "IDS", "1", "2-0"}) ==
        std::vector<Argv>{{"XNACK", "s", "g", "FAIL", "IDS", "1", "2-0", "RETRYCOUNT",
                           "9223372036854775807", "FORCE"}});
  CHECK(Recorded(h, {"XNACK", "s", "g", "FAIL", "IDS", "1", "9-0"}).empty());
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "3-0"});  // to the zone's tail again
  CheckReplayRebuilds(h);
}

TEST_CASE("XACK, XACKDEL, XDEL, XDELEX and XTRIM with reference modes replay exactly",
          "[propagation][refmodes]") {
  PropagationHarness h;
  for (int i = 1; i <= 10; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g1", "0"});
  h.Run({"XGROUP", "CREATE", "s", "g2", "0"});
  h.Run({"XREADGROUP", "GROUP", "g1", "a", "COUNT", "6", "STREAMS", "s", ">"});
  h.Run({"XREADGROUP", "GROUP", "g2", "b", "COUNT", "3", "STREAMS", "s", ">"});
  CHECK(Recorded(h, {"XACK", "s", "g1", "1-0", "99-0"}) ==
        std::vector<Argv>{{"XACK", "s", "g1", "1-0", "99-0"}});
  CHECK(Recorded(h, {"XACK", "s", "g1", "1-0"}).empty());
  CHECK(Recorded(h, {"XACK", "s", "nogroup", "1-0"}).empty());
  h.Run({"XACKDEL", "s", "g2", "ACKED", "IDS", "2", "1-0", "2-0"});
  h.Run({"XDELEX", "s", "DELREF", "IDS", "1", "3-0"});
  h.Run({"XDEL", "s", "5-0"});
  CHECK(Recorded(h, {"XDEL", "s", "5-0"}).empty());
  CHECK(Recorded(h, {"XDELEX", "s", "IDS", "1", "5-0"}).empty());
  h.Run({"XTRIM", "s", "MAXLEN", "~", "1", "ACKED"});
  h.Run({"XTRIM", "s", "MINID", "8-0", "DELREF"});
  CheckReplayRebuilds(h);
}

TEST_CASE("Inside EXEC a command's records are not wrapped in a MULTI of their own",
          "[propagation][multi]") {
  PropagationHarness h;
  for (int i = 1; i <= 3; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", "v"});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.TakeRecords();
  h.Run({"MULTI"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  h.Run({"SET", "k", "v", "EX", "100"});
  h.Run({"EXEC"});
  auto records = ArgvsOf(h.All());
  CHECK(std::count(records.begin(), records.end(), Argv{"MULTI"}) <= 1);
  CHECK(std::count(records.begin(), records.end(), Argv{"EXEC"}) <= 1);
  CHECK(ReplayDump(h.All()).find("pending 3-0 owner=a") !=
        std::string::npos);
}

TEST_CASE("A blocked XREADGROUP served later records its deliveries outside any command",
          "[propagation][xreadgroup][blocking]") {
  PropagationHarness h;
  h.Run({"SELECT", "4"});
  h.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  server::Client waiter;
  waiter.id = 10;
  waiter.db_index = 4;
  h.state.clients[waiter.id] = &waiter;
  std::string out;
  resp::Writer w(out, 2);
  std::vector<std::string> args = {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0",
                                   "STREAMS",    "s",     ">"};
  std::vector<std::string_view> argv(args.begin(), args.end());
  server::Dispatch(h.state, waiter, argv, w);
  REQUIRE(h.state.blocking.blocked_count() == 1);
  h.Run({"XADD", "s", "5-0", "f", "v"});
  auto before = h.TakeRecords();
  // The blocked call created its consumer; nothing else yet.
  CHECK(ArgvsOf(before).back() == Argv{"XADD", "s", "5-0", "f", "v"});
  auto served = h.state.blocking.ServeReadyKeys(
      h.state, server::WakeTime::Now(),
      [&](uint64_t id) { return id == waiter.id ? &w : nullptr; });
  REQUIRE(served == std::vector<uint64_t>{10});
  auto after = h.TakeRecords();
  REQUIRE(after.size() == 4);
  CHECK(after[0].argv == Argv{"MULTI"});
  CHECK(after[1].argv[0] == "XCLAIM");
  CHECK(after[1].argv[5] == "5-0");
  CHECK(after[2].argv == Argv{"XGROUP", "SETID", "s", "g", "5-0", "ENTRIESREAD", "1"});
  for (const auto& r : after) CHECK(r.db == 4);
  before.insert(before.end(), after.begin(), after.end());
  CHECK(ReplayDump(before) == Dump(h));
  h.state.clients.erase(waiter.id);
}

TEST_CASE("A long random mix of writes replays to the same dataset", "[propagation][random]") {
  PropagationHarness h;
  h.state.config.stream_node_max_entries = 3;
  testing_support::RandomWrites writes(20261122);
  for (auto& argv : writes.Setup()) h.Run(std::move(argv));
  for (int step = 0; step < 3000; step++) {
    for (auto& argv : writes.Step(step)) h.Run(std::move(argv));
  }
  CheckReplayRebuilds(h);
}
