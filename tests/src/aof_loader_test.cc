// Loading the AOF (src/aof_loader.h): replaying commands in-process, a torn tail cut at every
// byte, corruption reported at the right offset, transactions cut short, start-up from a
// directory (truncation, aof-load-truncated no, Redis 7's manifest layout), and a file written
// by Redis 7.0 itself.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "tests/support/temp_dir.h"
#include "src/aof_loader.h"

using server::AofReplayResult;
using server::ReplayAof;
using Ending = AofReplayResult::Ending;
using Harness = testing_support::CommandHarness;

namespace {

using testing_support::Multibulk;

using testing_support::TempDir;

// A harness whose config points at `dir`, with the AOF on.
void PointAt(Harness& h, const TempDir& dir) {
  h.state.config.dir = dir.path();
  h.state.config.appendonly = true;
  h.state.config.appendfilename = "appendonly.aof";
}

// What Redis 7.0.15 wrote to appendonlydir/appendonly.aof.1.incr.aof for: XADD s 1-1/2-1/3-1,
// XGROUP CREATE s g 0, XREADGROUP GROUP g alice COUNT 2 / bob, XACK s g 1-1, XGROUP
// CREATECONSUMER s g carol, XGROUP CREATE s g2 $, SELECT 2, SET k v EX 1000000000, INCR n,
// SELECT 0, XDEL s 2-1 (started with --appendonly yes --aof-use-rdb-preamble no).
const std::string kRedisWrittenAof =
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
    "*5\r\n$4\r\nxadd\r\n$1\r\ns\r\n$3\r\n1-1\r\n$1\r\na\r\n$1\r\n1\r\n"
    "*5\r\n$4\r\nxadd\r\n$1\r\ns\r\n$3\r\n2-1\r\n$1\r\nb\r\n$1\r\n2\r\n"
    "*5\r\n$4\r\nxadd\r\n$1\r\ns\r\n$3\r\n3-1\r\n$1\r\nc\r\n$1\r\n3\r\n"
    "*5\r\n$6\r\nxgroup\r\n$6\r\ncreate\r\n$1\r\ns\r\n$1\r\ng\r\n$1\r\n0\r\n"
    "*1\r\n$5\r\nMULTI\r\n"
    "*14\r\n$6\r\nXCLAIM\r\n$1\r\ns\r\n$1\r\ng\r\n$5\r\nalice\r\n$1\r\n0\r\n$3\r\n1-1\r\n$4\r\nTIME"
    "\r\n$13\r\n1795364807809\r\n$10\r\nRETRYCOUNT\r\n$1\r\n1\r\n$5\r\nFORCE\r\n$6\r\nJUSTID\r\n$6"
    "\r\nLASTID\r\n$3\r\n1-1\r\n"
    "*14\r\n$6\r\nXCLAIM\r\n$1\r\ns\r\n$1\r\ng\r\n$5\r\nalice\r\n$1\r\n0\r\n$3\r\n2-1\r\n$4\r\nTIME"
    "\r\n$13\r\n1795364807809\r\n$10\r\nRETRYCOUNT\r\n$1\r\n1\r\n$5\r\nFORCE\r\n$6\r\nJUSTID\r\n$6"
    "\r\nLASTID\r\n$3\r\n2-1\r\n"
    "*1\r\n$4\r\nEXEC\r\n"
    "*14\r\n$6\r\nXCLAIM\r\n$1\r\ns\r\n$1\r\ng\r\n$3\r\nbob\r\n$1\r\n0\r\n$3\r\n3-1\r\n$4\r\nTIME\r"
    "\n$13\r\n1795364807814\r\n$10\r\nRETRYCOUNT\r\n$1\r\n1\r\n$5\r\nFORCE\r\n$6\r\nJUSTID\r\n$6\r"
    "\nLASTID\r\n$3\r\n3-1\r\n"
    "*4\r\n$4\r\nxack\r\n$1\r\ns\r\n$1\r\ng\r\n$3\r\n1-1\r\n"
    "*5\r\n$6\r\nxgroup\r\n$14\r\ncreateconsumer\r\n$1\r\ns\r\n$1\r\ng\r\n$5\r\ncarol\r\n"
    "*5\r\n$6\r\nxgroup\r\n$6\r\ncreate\r\n$1\r\ns\r\n$2\r\ng2\r\n$1\r\n$\r\n"
    "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n"
    "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n2795364807854\r\n"
    "*2\r\n$4\r\nincr\r\n$1\r\nn\r\n"
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
    "*3\r\n$4\r\nxdel\r\n$1\r\ns\r\n$3\r\n2-1\r\n";

// The head of a small dataset in db 0 and db 3, then `last`.
struct TornFile {
  std::string head = Multibulk({"SELECT", "0"}) + Multibulk({"XADD", "s", "1-1", "f", "v"}) +
                     Multibulk({"XGROUP", "CREATE", "s", "g", "0"}) + Multibulk({"SELECT", "3"}) +
                     Multibulk({"SET", "k", "v"});
};

}  // namespace

TEST_CASE("Replaying an AOF runs each command through the command table, SELECT included",
          "[aof_loader]") {
  Harness h;
  const std::string data = Multibulk({"SET", "a", "1"}) + Multibulk({"XADD", "s", "5-1", "f", "v"}) +
                           Multibulk({"SELECT", "3"}) + Multibulk({"SET", "b", "2"}) +
                           Multibulk({"INCR", "b"});
  AofReplayResult r = ReplayAof(h.state, data);
  CHECK(r.ending == Ending::kClean);
  CHECK(r.valid_bytes == data.size());
  CHECK(r.commands == 5);
  CHECK(r.failed == 0);
  CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"XLEN", "s"}) == ":1\r\n");
  CHECK(h.Run({"GET", "b"}) == "$-1\r\n");  // in db 3, not db 0
  h.Run({"SELECT", "3"});
  CHECK(h.Run({"GET", "b"}) == "$1\r\n3\r\n");
}

TEST_CASE("Replaying an AOF leaves nothing in the propagation log and no stats behind",
          "[aof_loader]") {
  Harness h;
  REQUIRE(ReplayAof(h.state, Multibulk({"SET", "a", "1"}) + Multibulk({"XADD", "s", "1-1", "f", "v"}))
              .ending == Ending::kClean);
  CHECK(h.state.propagation.empty());
}

TEST_CASE("Replayed commands count in no command statistics, as Redis's loader calls handlers",
          "[aof_loader]") {
  Harness h;
  REQUIRE(ReplayAof(h.state, Multibulk({"SET", "a", "1"}) + Multibulk({"INCR", "nope", "x"}) +
                                 Multibulk({"XADD", "s", "1-1", "f", "v"}))
              .ending == Ending::kCorrupt);
  REQUIRE(ReplayAof(h.state, Multibulk({"SET", "b", "1"}) + Multibulk({"XADD", "s", "2-1", "f", "v"}))
              .ending == Ending::kClean);
  const std::string stats = h.Run({"INFO", "commandstats"});
  CHECK(stats.find("cmdstat_set") == std::string::npos);
  CHECK(stats.find("cmdstat_xadd") == std::string::npos);
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
  CHECK(h.Run({"EXISTS", "a", "b"}) == ":2\r\n");
}

TEST_CASE("Each spelling of a command and each subcommand resolves on its own during replay",
          "[aof_loader]") {
  Harness h;
  const std::string data =
      Multibulk({"xadd", "s", "1-1", "f", "v"}) + Multibulk({"XADD", "s", "2-1", "f", "v"}) +
      Multibulk({"XGROUP", "CREATE", "s", "g", "0"}) +
      Multibulk({"XGROUP", "CREATECONSUMER", "s", "g", "alice"}) +
      Multibulk({"xgroup", "createconsumer", "s", "g", "bob"}) +
      Multibulk({"XAdd", "s", "3-1", "f", "v", "g", "w"});
  AofReplayResult r = ReplayAof(h.state, data);
  CHECK(r.ending == Ending::kClean);
  CHECK(r.commands == 6);
  CHECK(r.failed == 0);
  CHECK(h.Run({"XLEN", "s"}) == ":3\r\n");
  CHECK(h.Run({"XINFO", "GROUPS", "s"}).find("consumers\r\n:2\r\n") != std::string::npos);
  // The same name with another argument count is still checked: a wrong arity stops the replay.
  Harness h2;
  const std::string good = Multibulk({"XADD", "s", "1-1", "f", "v"});
  AofReplayResult bad = ReplayAof(h2.state, good + Multibulk({"XADD", "s", "2-1"}));
  CHECK(bad.ending == Ending::kCorrupt);
  CHECK(bad.error_offset == good.size());
  CHECK_THAT(bad.error, Catch::Contains("wrong number of arguments for 'xadd'"));
}

TEST_CASE("A framing the loader's own reading declines gets the RESP parser's verdict",
          "[aof_loader]") {
  Harness h;
  // A length with a leading zero: never written by us or Redis, and not RESP.
  const std::string good = Multibulk({"SET", "a", "1"});
  const std::string odd = "*3\r\n$3\r\nSET\r\n$01\r\nk\r\n$1\r\nv\r\n";
  AofReplayResult r = ReplayAof(h.state, good + odd + Multibulk({"SET", "b", "2"}));
  CHECK(r.ending == Ending::kCorrupt);
  CHECK(r.error_offset == good.size());
  CHECK(r.commands == 1);
  CHECK(h.Run({"EXISTS", "a", "k", "b"}) == ":1\r\n");
}

TEST_CASE("An empty AOF replays to an empty dataset", "[aof_loader]") {
  Harness h;
  AofReplayResult r = ReplayAof(h.state, "");
  CHECK(r.ending == Ending::kClean);
  CHECK(r.commands == 0);
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
}

TEST_CASE("A command that replies an error is counted and skipped, and loading goes on",
          "[aof_loader]") {
  Harness h;
  const std::string first = Multibulk({"SET", "k", "abc"});
  const std::string data = first + Multibulk({"INCR", "k"}) + Multibulk({"SET", "after", "1"});
  AofReplayResult r = ReplayAof(h.state, data);
  CHECK(r.ending == Ending::kClean);
  CHECK(r.failed == 1);
  CHECK(r.first_failed_offset == first.size());
  CHECK(r.first_failed_error == "ERR value is not an integer or out of range");
  CHECK(h.Run({"GET", "after"}) == "$1\r\n1\r\n");
}

TEST_CASE("A blocking read in the AOF answers at once instead of blocking the loader",
          "[aof_loader]") {
  Harness h;
  const std::string data = Multibulk({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) +
                           Multibulk({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s",
                                ">"}) +
                           Multibulk({"SET", "after", "1"});
  AofReplayResult r = ReplayAof(h.state, data);
  CHECK(r.ending == Ending::kClean);
  CHECK(h.state.blocking.blocked_count() == 0);
  CHECK(h.Run({"GET", "after"}) == "$1\r\n1\r\n");
}

TEST_CASE("Annotation lines (#TS:...) are skipped", "[aof_loader]") {
  Harness h;
  const std::string data = "#TS:1700000000\r\n" + Multibulk({"SET", "a", "1"}) + "#TS:1700000001\r\n";
  AofReplayResult r = ReplayAof(h.state, data);
  CHECK(r.ending == Ending::kClean);
  CHECK(r.valid_bytes == data.size());
  CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
}

TEST_CASE("A torn last command, cut at every byte offset, always loads the earlier commands",
          "[aof_loader]") {
  const std::string head = TornFile{}.head;
  // Multi-digit lengths and a long argument, so cuts land inside headers, counts and data.
  const std::string last = Multibulk({"XADD", "s", "12345678901-22", "field", std::string(120, 'x'),
                                "f2", ""});
  const std::string full = head + last;
  for (size_t cut = head.size(); cut < full.size(); cut++) {
    INFO("cut at " << cut);
    Harness h;
    AofReplayResult r = ReplayAof(h.state, std::string_view(full).substr(0, cut));
    CHECK(r.valid_bytes == head.size());
    if (cut == head.size()) {
      CHECK(r.ending == Ending::kClean);
    } else {
      REQUIRE(r.ending == Ending::kTorn);
      CHECK(r.error_offset == head.size());
    }
    CHECK(r.commands == 5);
    CHECK(h.Run({"XLEN", "s"}) == ":1\r\n");
    h.Run({"SELECT", "3"});
    CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  }
  Harness h;
  CHECK(ReplayAof(h.state, full).ending == Ending::kClean);
  h.Run({"SELECT", "3"});
  CHECK(h.Run({"XLEN", "s"}) == ":1\r\n");
}

TEST_CASE("A transaction the file ends inside is dropped whole, wherever the file was cut",
          "[aof_loader]") {
  const std::string head = Multibulk({"SET", "a", "1"});
  const std::string tx = Multibulk({"MULTI"}) + Multibulk({"SET", "b", "2"}) + Multibulk({"SET", "c", "3"}) +
                         Multibulk({"EXEC"});
  const std::string full = head + tx;
  for (size_t cut = head.size() + 1; cut < full.size(); cut++) {
    INFO("cut at " << cut);
    Harness h;
    AofReplayResult r = ReplayAof(h.state, std::string_view(full).substr(0, cut));
    REQUIRE(r.ending == Ending::kTorn);
    CHECK(r.valid_bytes == head.size());
    CHECK(r.error_offset == head.size());
    CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
    CHECK(h.Run({"EXISTS", "b", "c"}) == ":0\r\n");
  }
  Harness h;
  AofReplayResult r = ReplayAof(h.state, full);
  CHECK(r.ending == Ending::kClean);
  CHECK(h.Run({"EXISTS", "b", "c"}) == ":2\r\n");
}

TEST_CASE("MULTI ... DISCARD in the AOF runs nothing", "[aof_loader]") {
  Harness h;
  const std::string data =
      Multibulk({"MULTI"}) + Multibulk({"SET", "b", "2"}) + Multibulk({"DISCARD"}) + Multibulk({"SET", "a", "1"});
  AofReplayResult r = ReplayAof(h.state, data);
  CHECK(r.ending == Ending::kClean);
  CHECK(h.Run({"EXISTS", "a", "b"}) == ":1\r\n");
}

TEST_CASE("Corruption in the middle stops the replay at the offset of the bad command",
          "[aof_loader]") {
  const std::string good = Multibulk({"SET", "a", "1"}) + Multibulk({"SET", "b", "2"});
  const std::string after = Multibulk({"SET", "c", "3"});
  struct Case {
    const char* what;
    std::string bad;
    const char* error_part;
  };
  const std::vector<Case> cases = {
      {"no '*'", "$3\r\nSET\r\n", "expected '*'"},
      {"a text line", "SET x y\r\n", "expected '*'"},
      {"a bad count", "*x\r\n$3\r\nSET\r\n", "invalid multibulk length"},
      {"a bad bulk header", "*1\r\n:3\r\nSET\r\n", "expected '$'"},
      {"a bad bulk length", "*1\r\n$-3\r\nSET\r\n", "invalid bulk length"},
      {"no CRLF after a bulk", "*1\r\n$3\r\nSETxx", "not followed by CRLF"},
      {"an empty command", "*0\r\n", "empty command"},
      {"an unknown command", Multibulk({"NOSUCHCMD", "x"}), "unknown command 'NOSUCHCMD'"},
      {"a wrong arity", Multibulk({"SET", "x"}), "wrong number of arguments for 'set'"},
      {"a nested MULTI", Multibulk({"MULTI"}) + Multibulk({"MULTI"}), "MULTI inside MULTI"},
      {"EXEC without MULTI", Multibulk({"EXEC"}), "EXEC without MULTI"},
  };
  for (const Case& c : cases) {
    INFO("corruption: " << c.what);
    Harness h;
    AofReplayResult r = ReplayAof(h.state, good + c.bad + after);
    CHECK(r.ending == Ending::kCorrupt);
    const size_t expected_offset =
        std::string_view(c.what) == "a nested MULTI" ? good.size() + Multibulk({"MULTI"}).size()
                                                     : good.size();
    CHECK(r.error_offset == expected_offset);
    CHECK_THAT(r.error, Catch::Contains(c.error_part));
    CHECK(r.commands == 2);
    CHECK(h.Run({"EXISTS", "a", "b", "c", "x"}) == ":2\r\n");
  }
}

TEST_CASE("A file written by Redis 7.0 loads with its groups, consumers and PELs",
          "[aof_loader]") {
  Harness h;
  AofReplayResult r = ReplayAof(h.state, kRedisWrittenAof);
  CHECK(r.ending == Ending::kClean);
  CHECK(r.failed == 0);
  // What Redis 7.0.15 itself answered after reloading that file.
  CHECK(h.Run({"XRANGE", "s", "-", "+"}) ==
        "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
        "*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.Run({"XPENDING", "s", "g"}) ==
        "*4\r\n:2\r\n$3\r\n2-1\r\n$3\r\n3-1\r\n"
        "*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n");
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) ==
        "*2\r\n"
        "*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:2\r\n"
        "$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n"
        "*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n"
        "$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n");
  h.Run({"SELECT", "2"});
  CHECK(h.Run({"GET", "n"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"PEXPIRETIME", "k"}) == ":2795364807854\r\n");
}

TEST_CASE("Redis 7's manifest lists files with their sequence and type", "[aof_loader]") {
  std::vector<server::AofManifestEntry> entries;
  std::string error;
  REQUIRE(server::ParseAofManifest("file appendonly.aof.1.base.aof seq 1 type b\n"
                                   "file appendonly.aof.1.incr.aof seq 1 type i\n"
                                   "file \"with space.aof\" seq 2 type i startoffset 0\n",
                                   entries, error));
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].name == "appendonly.aof.1.base.aof");
  CHECK(entries[0].type == 'b');
  CHECK(entries[1].type == 'i');
  CHECK(entries[2].name == "with space.aof");
  CHECK(entries[2].seq == 2);
  CHECK_FALSE(server::ParseAofManifest("file x seq 1\n", entries, error));
  CHECK_FALSE(server::ParseAofManifest("file ../x seq 1 type i\n", entries, error));
  CHECK_FALSE(server::ParseAofManifest("file x seq one type i\n", entries, error));
}

TEST_CASE("Start-up with no AOF is an empty dataset", "[aof_loader]") {
  TempDir dir;
  Harness h;
  PointAt(h, dir);
  CHECK(server::LoadAofAtStartup(h.state));
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
}

TEST_CASE("Start-up with appendonly no ignores the AOF, as Redis does", "[aof_loader]") {
  TempDir dir;
  dir.Write("appendonly.aof", Multibulk({"SET", "a", "1"}));
  Harness h;
  PointAt(h, dir);
  h.state.config.appendonly = false;
  CHECK(server::LoadAofAtStartup(h.state));
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
}

TEST_CASE("Start-up loads the AOF and does not count its commands as processed",
          "[aof_loader]") {
  TempDir dir;
  dir.Write("appendonly.aof", Multibulk({"SET", "a", "1"}) + Multibulk({"SET", "b", "2"}));
  Harness h;
  PointAt(h, dir);
  REQUIRE(server::LoadAofAtStartup(h.state));
  CHECK(h.state.stats.total_commands_processed == 0);
  CHECK(h.Run({"DBSIZE"}) == ":2\r\n");
}

TEST_CASE("Keys past their time do not expire while the AOF replays, as in Redis",
          "[aof_loader]") {
  TempDir dir;
  // The original server appended to k before its time ran out; replay happens long after.
  dir.Write("appendonly.aof", Multibulk({"SET", "k", "v", "PXAT", "1"}) + Multibulk({"APPEND", "k", "x"}));
  Harness h;
  PointAt(h, dir);
  REQUIRE(server::LoadAofAtStartup(h.state));
  // Replayed on the live key, APPEND kept its time: once serving, the key is expired. Had it
  // expired during replay, APPEND would have made a new "x" without a time.
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.state.propagation.enabled());
}

TEST_CASE("Start-up cuts a torn tail off the file with aof-load-truncated yes", "[aof_loader]") {
  TempDir dir;
  const std::string head = Multibulk({"SET", "a", "1"});
  dir.Write("appendonly.aof", head + Multibulk({"SET", "b", "2"}).substr(0, 9));
  Harness h;
  PointAt(h, dir);
  REQUIRE(server::LoadAofAtStartup(h.state));
  CHECK(dir.Read("appendonly.aof") == head);
  CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
}

TEST_CASE("Start-up refuses a torn tail with aof-load-truncated no and leaves the file alone",
          "[aof_loader]") {
  TempDir dir;
  const std::string content = Multibulk({"SET", "a", "1"}) + Multibulk({"SET", "b", "2"}).substr(0, 9);
  dir.Write("appendonly.aof", content);
  Harness h;
  PointAt(h, dir);
  h.state.config.aof_load_truncated = false;
  CHECK_FALSE(server::LoadAofAtStartup(h.state));
  CHECK(dir.Read("appendonly.aof") == content);
}

TEST_CASE("Start-up refuses a corrupt AOF and leaves the file alone", "[aof_loader]") {
  TempDir dir;
  const std::string content = Multibulk({"SET", "a", "1"}) + "garbage\r\n" + Multibulk({"SET", "b", "2"});
  dir.Write("appendonly.aof", content);
  Harness h;
  PointAt(h, dir);
  CHECK_FALSE(server::LoadAofAtStartup(h.state));
  CHECK(dir.Read("appendonly.aof") == content);
}

TEST_CASE("Start-up loads Redis 7's multi-part AOF and copies it into our single file",
          "[aof_loader]") {
  TempDir dir;
  const std::string base = Multibulk({"SELECT", "0"}) + Multibulk({"SET", "a", "1"}) +
                           Multibulk({"SELECT", "5"}) + Multibulk({"SET", "five", "5"});
  // Each file starts from db 0, as Redis loads them: this SET lands in db 0, not db 5.
  const std::string incr1 = Multibulk({"SET", "b", "2"});
  const std::string incr2 = Multibulk({"SELECT", "1"}) + Multibulk({"SET", "c", "3"});
  dir.Write("appendonlydir/appendonly.aof.manifest",
            "file appendonly.aof.2.incr.aof seq 2 type i\n"
            "file appendonly.aof.1.base.aof seq 1 type b\n"
            "file appendonly.aof.0.base.aof seq 0 type h\n"
            "file appendonly.aof.3.incr.aof seq 3 type i\n");
  dir.Write("appendonlydir/appendonly.aof.1.base.aof", base);
  dir.Write("appendonlydir/appendonly.aof.2.incr.aof", incr1);
  dir.Write("appendonlydir/appendonly.aof.3.incr.aof", incr2 + "*3\r\n$3\r\nSET");  // torn
  dir.Write("appendonlydir/appendonly.aof.0.base.aof", Multibulk({"SET", "history", "x"}));
  Harness h;
  PointAt(h, dir);
  REQUIRE(server::LoadAofAtStartup(h.state));
  CHECK(h.Run({"MGET", "a", "b", "history"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n");
  h.Run({"SELECT", "1"});
  CHECK(h.Run({"GET", "c"}) == "$1\r\n3\r\n");
  // Redis's files are left as they were; ours replays to the same dataset.
  CHECK(dir.Read("appendonlydir/appendonly.aof.3.incr.aof").ends_with("SET"));
  REQUIRE(dir.Exists("appendonly.aof"));
  Harness again;
  AofReplayResult r = ReplayAof(again.state, dir.Read("appendonly.aof"));
  CHECK(r.ending == Ending::kClean);
  CHECK(again.Run({"MGET", "a", "b"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  again.Run({"SELECT", "5"});
  CHECK(again.Run({"GET", "five"}) == "$1\r\n5\r\n");
  again.Run({"SELECT", "1"});
  CHECK(again.Run({"GET", "c"}) == "$1\r\n3\r\n");
}

TEST_CASE("Start-up prefers our single file to Redis's manifest when both exist",
          "[aof_loader]") {
  TempDir dir;
  dir.Write("appendonly.aof", Multibulk({"SET", "ours", "1"}));
  dir.Write("appendonlydir/appendonly.aof.manifest",
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  dir.Write("appendonlydir/appendonly.aof.1.incr.aof", Multibulk({"SET", "theirs", "1"}));
  Harness h;
  PointAt(h, dir);
  REQUIRE(server::LoadAofAtStartup(h.state));
  CHECK(h.Run({"EXISTS", "ours"}) == ":1\r\n");
  CHECK(h.Run({"EXISTS", "theirs"}) == ":0\r\n");
}

TEST_CASE("Start-up refuses Redis's multi-part AOF with an RDB preamble base", "[aof_loader]") {
  TempDir dir;
  dir.Write("appendonlydir/appendonly.aof.manifest",
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  dir.Write("appendonlydir/appendonly.aof.1.base.rdb", std::string("REDIS0010\xfa", 10));
  dir.Write("appendonlydir/appendonly.aof.1.incr.aof", Multibulk({"SET", "a", "1"}));
  Harness h;
  PointAt(h, dir);
  CHECK_FALSE(server::LoadAofAtStartup(h.state));
  CHECK_FALSE(dir.Exists("appendonly.aof"));
}

TEST_CASE("Start-up refuses a torn file of Redis's layout that is not the last one",
          "[aof_loader]") {
  TempDir dir;
  dir.Write("appendonlydir/appendonly.aof.manifest",
            "file appendonly.aof.1.base.aof seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  dir.Write("appendonlydir/appendonly.aof.1.base.aof", Multibulk({"SET", "a", "1"}).substr(0, 10));
  dir.Write("appendonlydir/appendonly.aof.1.incr.aof", Multibulk({"SET", "b", "1"}));
  Harness h;
  PointAt(h, dir);
  CHECK_FALSE(server::LoadAofAtStartup(h.state));
}
