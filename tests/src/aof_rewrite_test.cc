// The AOF rewrite's snapshot (src/aof_snapshot.h): replaying it into a fresh server must give
// exactly the dataset it was taken from (strings with TTLs, streams with deleted entries and
// trimmed heads, metadata, groups with their delivery policies, consumers, PELs, the NACKed
// zone, several dbs), with no
// command failing on the way; and its shape is Redis 7.0's rewrite's where Redis has one.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>
#include <tuple>

#include "src/aof_loader.h"
#include "src/aof_rewrite.h"
#include "src/aof_snapshot.h"
#include "src/aof_writer.h"
#include "src/delivery/policy.h"
#include "src/types/zset.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "tests/support/dataset_dump.h"
#include "tests/support/random_writes.h"

using server::AofReplayResult;
using testing_support::CommandHarness;

namespace {

using testing_support::Multibulk;

std::string Str(int64_t n) { return std::to_string(n); }

std::string Dump(CommandHarness& h) { return testing_support::DumpDataset(h); }

std::string Snapshot(CommandHarness& h) {
  return server::SnapshotText(h.state.dbs, server::WallClockMs());
}

// Replays `aof` into a fresh server with other stream-node limits; every command must succeed.
std::string ReplayDump(const std::string& aof) {
  CommandHarness replica;
  replica.state.config.stream_node_max_entries = 7;
  AofReplayResult r = server::ReplayAof(replica.state, aof);
  INFO("first failure: " << r.first_failed_error << " at " << r.first_failed_offset);
  REQUIRE(r.ending == AofReplayResult::Ending::kClean);
  REQUIRE(r.failed == 0);
  return Dump(replica);
}

void CheckSnapshotRebuilds(CommandHarness& h) {
  const std::string dump = Dump(h);
  CHECK(dump.find("INVALID") == std::string::npos);
  CHECK(ReplayDump(Snapshot(h)) == dump);
}

}  // namespace

TEST_CASE("The snapshot of strings is one SET each, with PXAT for a TTL", "[aof_rewrite]") {
  CommandHarness h;
  h.Run({"SET", "plain", "v"});
  h.Run({"SET", "ttl", "w", "PXAT", "99999999999999"});
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"SELECT", "0"})) == 0);
  CHECK(text.find(Multibulk({"SET", "plain", "v"})) != std::string::npos);
  CHECK(text.find(Multibulk({"SET", "ttl", "w", "PXAT", "99999999999999"})) != std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("Keys already expired are left out of the snapshot", "[aof_rewrite]") {
  CommandHarness h;
  h.state.dbs[0]->set_expiry_suspended(true);
  h.Run({"SET", "gone", "v", "PXAT", "1000"});
  h.Run({"SET", "kept", "v"});
  const std::string text = Snapshot(h);
  CHECK(text.find("gone") == std::string::npos);
  CHECK(text.find("kept") != std::string::npos);
}

TEST_CASE("An empty database writes nothing, and each non-empty one gets its SELECT",
          "[aof_rewrite]") {
  CommandHarness h;
  CHECK(Snapshot(h).empty());
  h.Run({"SELECT", "3"});
  h.Run({"SET", "a", "1"});
  h.Run({"SELECT", "9"});
  h.Run({"XADD", "s", "1-1", "f", "v"});
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"SELECT", "0"})) == std::string::npos);
  CHECK(text.find(Multibulk({"SELECT", "3"})) < text.find(Multibulk({"SELECT", "9"})));
  CheckSnapshotRebuilds(h);
}

TEST_CASE("A stream is its blocks' bytes (RUNNEL.XLOADBLOCK, deleted entries left out), then "
          "XSETID with its metadata", "[aof_rewrite]") {
  CommandHarness h;
  h.Run({"XADD", "s", "1-1", "a", "b"});
  h.Run({"XADD", "s", "2-1", "c", "d", "e", "f"});
  h.Run({"XADD", "s", "3-1", "g", "h"});
  h.Run({"XDEL", "s", "2-1"});
  streams::EntryBlock live;  // the block without its deleted entry
  for (auto [id, f, v] : {std::tuple{streams::StreamID{1, 1}, "a", "b"}, {{3, 1}, "g", "h"}}) {
    const std::string_view fv[] = {f, v};
    REQUIRE(live.Append(id, fv));
  }
  CHECK(Snapshot(h) ==
        Multibulk({"SELECT", "0"}) +
            Multibulk({"RUNNEL.XLOADBLOCK", "s", "1-1", "3-1", "2",
                       std::string(live.PlainBytes())}) +
            Multibulk({"XSETID", "s", "3-1", "ENTRIESADDED", "3", "MAXDELETEDID", "2-1"}));
  CheckSnapshotRebuilds(h);
  // aof-stream-blocks no: XADDs with their IDs, as Redis 7.0 writes them.
  const std::string xadds =
      server::SnapshotText(h.state.dbs, server::WallClockMs(), {}, {.stream_blocks = false});
  CHECK(xadds == Multibulk({"SELECT", "0"}) + Multibulk({"XADD", "s", "1-1", "a", "b"}) +
                     Multibulk({"XADD", "s", "3-1", "g", "h"}) +
                     Multibulk({"XSETID", "s", "3-1", "ENTRIESADDED", "3", "MAXDELETEDID", "2-1"}));
  CHECK(ReplayDump(xadds) == Dump(h));
}

TEST_CASE("A block with a stand-in for a dangling PEL ID inside it goes as XADDs; the others "
          "whole", "[aof_rewrite]") {
  CommandHarness h;
  h.state.config.stream_node_max_entries = 4;
  for (int i = 1; i <= 12; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "12", "STREAMS", "s", ">"});
  h.Run({"XDEL", "s", "6-0"});  // pending still: its stand-in falls inside the block 5-0..8-0
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"XADD", "s", "5-0", "f", "5"}) +
                  Multibulk({"XADD", "s", "6-0", "x", "y"}) +
                  Multibulk({"XADD", "s", "7-0", "f", "7"})) != std::string::npos);
  size_t blocks = 0;
  for (size_t at = text.find("RUNNEL.XLOADBLOCK"); at != std::string::npos;
       at = text.find("RUNNEL.XLOADBLOCK", at + 1)) {
    blocks++;
  }
  CHECK(blocks == 2);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("Streams rebuild from blocks with lz4 compression on either side", "[aof_rewrite]") {
  for (bool source_lz4 : {false, true}) {
    for (bool replica_lz4 : {false, true}) {
      CommandHarness h;
      h.state.config.stream_compression = source_lz4 ? "lz4" : "no";
      for (int i = 1; i <= 500; i++) {
        const std::string event = "{\"user\":" + Str(i % 17) + ",\"kind\":\"click\"}";
        h.Run({"XADD", "s", Str(i) + "-0", "event", event});
      }
      h.Run({"XDEL", "s", "250-0"});
      const std::string dump = Dump(h);
      CommandHarness replica;
      replica.state.config.stream_compression = replica_lz4 ? "lz4" : "no";
      AofReplayResult r = server::ReplayAof(replica.state, Snapshot(h));
      REQUIRE(r.failed == 0);
      CHECK(Dump(replica) == dump);
      const streams::Stream& rs =
          replica.state.dbs[0]->Find("s", server::WallClockMs())->stream();
      CHECK((rs.compressed_blocks() > 0) == replica_lz4);
      CHECK(rs.Validate() == "");
    }
  }
}

TEST_CASE("An empty stream is made as Redis 7.0 makes it: XADD MAXLEN 0 0-1, then XSETID",
          "[aof_rewrite]") {
  CommandHarness h;
  h.Run({"XGROUP", "CREATE", "mk", "g0", "$", "MKSTREAM"});
  h.Run({"XADD", "e2", "5-5", "a", "b"});
  h.Run({"XDEL", "e2", "5-5"});
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"XADD", "mk", "MAXLEN", "0", "0-1", "x", "y"}) +
                  Multibulk({"XSETID", "mk", "0-0", "ENTRIESADDED", "0", "MAXDELETEDID", "0-0"})) !=
        std::string::npos);
  CHECK(text.find(Multibulk({"XSETID", "mk", "0-0", "ENTRIESADDED", "0", "MAXDELETEDID", "0-0"}) +
                  Multibulk({"XGROUP", "CREATE", "mk", "g0", "0-0", "ENTRIESREAD", "-1"})) !=
        std::string::npos);
  CHECK(text.find(Multibulk({"XADD", "e2", "MAXLEN", "0", "0-1", "x", "y"}) +
                  Multibulk({"XSETID", "e2", "5-5", "ENTRIESADDED", "1", "MAXDELETEDID", "5-5"})) !=
        std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("Groups, consumers and PELs come back with exact delivery times and counts",
          "[aof_rewrite]") {
  CommandHarness h;
  for (int i = 1; i <= 6; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g1", "0"});
  h.Run({"XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "6"});
  h.Run({"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s", ">"});
  h.Run({"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s", ">"});
  h.Run({"XCLAIM", "s", "g1", "bob", "0", "1-0", "TIME", "12345", "RETRYCOUNT", "7"});
  h.Run({"XACK", "s", "g1", "2-0"});
  h.Run({"XGROUP", "CREATECONSUMER", "s", "g2", "idle"});
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"XCLAIM", "s", "g1", "bob", "0", "1-0", "TIME", "12345", "RETRYCOUNT",
                       "7", "FORCE", "JUSTID"})) != std::string::npos);
  CHECK(text.find(Multibulk({"XGROUP", "CREATECONSUMER", "s", "g2", "idle"})) != std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("A consumer's pending entries are XCLAIMs of up to 100 IDs sharing time and count",
          "[aof_rewrite]") {
  CommandHarness h;
  h.state.pinned_time_ms = 1000;
  for (int i = 1; i <= 250; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "250", "STREAMS", "s", ">"});
  // Another time and count in the middle splits the run.
  h.Run({"XCLAIM", "s", "g", "alice", "0", "5-0", "TIME", "777", "RETRYCOUNT", "3"});
  const std::string text = Snapshot(h);
  auto claim = [](int from, int to, const char* time, const char* count) {
    std::vector<std::string> argv{"XCLAIM", "s", "g", "alice", "0"};
    for (int i = from; i <= to; i++) argv.push_back(Str(i) + "-0");
    for (const char* a : {"TIME", time, "RETRYCOUNT", count, "FORCE", "JUSTID"}) argv.emplace_back(a);
    return Multibulk(argv);
  };
  const std::string expected = claim(1, 4, "1000", "1") + claim(5, 5, "777", "3") +
                               claim(6, 105, "1000", "1") + claim(106, 205, "1000", "1") +
                               claim(206, 250, "1000", "1");
  CHECK(text.find(expected) != std::string::npos);
  size_t claims = 0;
  for (size_t at = text.find("XCLAIM"); at != std::string::npos; at = text.find("XCLAIM", at + 1)) {
    claims++;
  }
  CHECK(claims == 5);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("A group's delivery policy comes back as XGROUP SETPOLICY right after its CREATE",
          "[aof_rewrite]") {
  CommandHarness h;
  for (int i = 1; i <= 3; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g1", "0"});
  h.Run({"XGROUP", "CREATE", "s", "g2", "0"});
  h.Run({"XGROUP", "CREATE", "s", "g3", "0"});
  REQUIRE(h.Run({"XGROUP", "SETPOLICY", "s", "g1", "dead-letter", "dead", "max-deliveries", "4",
                 "BACKOFF", "10", "20", "ack-timeout", "500"}) == "+OK\r\n");
  REQUIRE(h.Run({"XGROUP", "SETPOLICY", "s", "g2", "BACKOFF-EXP", "5", "80"}) == "+OK\r\n");
  REQUIRE(h.Run({"XGROUP", "SETPOLICY", "s", "g3", "ACK-TIMEOUT", "9"}) == "+OK\r\n");
  REQUIRE(h.Run({"XGROUP", "SETPOLICY", "s", "g3"}) == "+OK\r\n");  // cleared again
  h.Run({"XREADGROUP", "GROUP", "g1", "c", "COUNT", "2", "STREAMS", "s", ">"});
  // A server default is configuration, not data: the rewrite leaves it out.
  h.state.config.stream_default_policy.ack_timeout_ms = 1000;
  const std::string text = Snapshot(h);
  const streams::ConsumerGroup& g1 =
      *h.state.dbs[0]->Find("s", server::WallClockMs())->stream().FindGroup("g1");
  const std::string create = Multibulk({"XGROUP", "CREATE", "s", "g1", g1.last_id().ToString(),
                                  "ENTRIESREAD", Str(g1.entries_read())});
  const std::string policy =
      Multibulk({"XGROUP", "SETPOLICY", "s", "g1", "ACK-TIMEOUT", "500", "BACKOFF", "10", "20",
           "MAX-DELIVERIES", "4", "DEAD-LETTER", "dead"});
  REQUIRE(text.find(create) != std::string::npos);
  CHECK(text.find(create + policy) != std::string::npos);
  CHECK(text.find(Multibulk({"XGROUP", "SETPOLICY", "s", "g2", "BACKOFF-EXP", "5", "80"})) !=
        std::string::npos);
  CHECK(text.find("g3\r\n$9\r\nSETPOLICY") == std::string::npos);
  CHECK(text.find("SETPOLICY\r\n$1\r\ns\r\n$2\r\ng3") == std::string::npos);
  const std::string dump = Dump(h);
  CHECK(dump.find("policy ACK-TIMEOUT 500 BACKOFF 10 20 MAX-DELIVERIES 4 DEAD-LETTER dead") !=
        std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("NACKed entries come back in NACK order with their counts", "[aof_rewrite]") {
  CommandHarness h;
  for (int i = 1; i <= 5; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "4-0"});
  h.Run({"XNACK", "s", "g", "FATAL", "IDS", "2", "2-0", "5-0"});
  h.Run({"XNACK", "s", "g", "SILENT", "IDS", "1", "4-0"});  // to the zone's tail
  CheckSnapshotRebuilds(h);
}

TEST_CASE("Pending entries whose stream entry was deleted or trimmed are kept",
          "[aof_rewrite]") {
  // Redis 7.0's rewrite loses these (its XCLAIM FORCE skips IDs the stream lacks); ours adds
  // a stand-in entry, claims it and removes it again without touching the metadata.
  CommandHarness h;
  for (int i = 1; i <= 8; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  h.Run({"XNACK", "s", "g", "FAIL", "IDS", "1", "2-0"});
  h.Run({"XTRIM", "s", "MAXLEN", "5"});  // 1-0..3-0 gone, still pending
  h.Run({"XDEL", "s", "6-0"});           // gone in the middle, still pending
  SECTION("with live entries left") {}
  SECTION("with every entry gone by trimming only") {
    h.Run({"XTRIM", "s", "MAXLEN", "0"});
    h.Run({"XSETID", "t", "1-0"});  // no such key: an error, changes nothing
  }
  SECTION("with the trimmed stream's max-deleted ID still 0-0") {
    h.Run({"XADD", "t", "1-0", "f", "v"});
    h.Run({"XADD", "t", "2-0", "f", "v"});
    h.Run({"XGROUP", "CREATE", "t", "g", "0"});
    h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "t", ">"});
    h.Run({"XTRIM", "t", "MAXLEN", "1"});
  }
  CheckSnapshotRebuilds(h);
}

TEST_CASE("A group's entries-read survives a snapshot whose stream needs stand-in entries",
          "[aof_rewrite]") {
  // XGROUP CREATE caps ENTRIESREAD at the stream's entries-added: the snapshot must not create
  // the group while entries-added still counts only the entries it has written so far.
  CommandHarness h;
  for (int i = 1; i <= 10; i++) h.Run({"XADD", "s", Str(i) + "-0", "f", Str(i)});
  h.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  for (int i = 1; i <= 9; i++) h.Run({"XACK", "s", "g", Str(i) + "-0"});
  h.Run({"XTRIM", "s", "MAXLEN", "5"});
  h.Run({"XDEL", "s", "10-0"});  // pending, so the snapshot needs a stand-in for it
  REQUIRE(Dump(h).find("read=10") != std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("A last ID set below the max-deleted ID by XSETID is rebuilt too", "[aof_rewrite]") {
  CommandHarness h;
  h.Run({"XADD", "s", "1-0", "f", "v"});
  h.Run({"XADD", "s", "5-0", "f", "v"});
  h.Run({"XDEL", "s", "5-0"});
  REQUIRE(h.Run({"XSETID", "s", "3-0"}) == "+OK\r\n");
  CheckSnapshotRebuilds(h);
}

TEST_CASE("A stream with a TTL gets PEXPIREAT after its commands", "[aof_rewrite]") {
  CommandHarness h;
  h.Run({"XADD", "s", "1-0", "f", "v"});
  h.Run({"PEXPIREAT", "s", "99999999999999"});
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"PEXPIREAT", "s", "99999999999999"})) != std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("The snapshot written to a file is the same bytes, fsynced", "[aof_rewrite]") {
  CommandHarness h;
  for (int i = 0; i < 3000; i++) h.Run({"SET", "k" + Str(i), std::string(40, 'x')});
  char path[] = "/tmp/runnel-snapshot-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const int64_t now = server::WallClockMs();
  REQUIRE(server::WriteSnapshot(h.state.dbs, now, fd));
  close(fd);
  std::string bytes;
  {
    FILE* f = fopen(path, "rb");
    char buf[65536];
    for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;) bytes.append(buf, n);
    fclose(f);
  }
  unlink(path);
  CHECK(bytes == server::SnapshotText(h.state.dbs, now));
  CHECK(bytes.size() > 64 * 1024);  // more than one buffer's worth
}

TEST_CASE("A long random mix of writes over several dbs snapshots to the same dataset",
          "[aof_rewrite][random]") {
  CommandHarness h;
  h.state.config.stream_node_max_entries = 3;
  testing_support::RandomWrites writes(20261122);
  for (int db : {0, 2}) {
    h.Run({"SELECT", Str(db)});
    for (auto& argv : writes.Setup()) h.Run(std::move(argv));
  }
  for (int step = 0; step < 4000; step++) {
    if (step % 500 == 0) h.Run({"SELECT", writes.Pick(2) ? "0" : "2"});
    for (auto& argv : writes.Step(step)) h.Run(std::move(argv));
    if (step % 1000 == 999) CheckSnapshotRebuilds(h);
  }
}

TEST_CASE("While a rewrite runs the writer copies each record into a buffer that starts with "
          "its own SELECT, and adopting the rewritten file appends there from then on",
          "[aof_rewrite]") {
  char dir[] = "/tmp/runnel-rewrite-writer-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/appendonly.aof";
  std::string error;
  auto w = server::AofWriter::Open(path, server::FsyncPolicy::kAlways, error);
  REQUIRE(w);
  w->Append({2, {"SET", "before", "1"}});
  REQUIRE(w->Flush(0) == server::AofWriter::FlushResult::kOk);
  w->StartRewriteBuffer();
  w->Append({2, {"SET", "during", "1"}});
  CHECK(w->rewrite_buffer() == Multibulk({"SELECT", "2"}) + Multibulk({"SET", "during", "1"}));
  // Not written yet when the rewrite completes: the rewritten file has it through the buffer.
  const std::string temp = std::string(dir) + "/temp.aof";
  {
    FILE* f = fopen(temp.c_str(), "wb");
    fputs("SNAPSHOT", f);
    fclose(f);
  }
  server::UniqueFd fd;
  uint64_t size = 0;
  REQUIRE(server::InstallRewrittenFile(temp, path, w->rewrite_buffer(), fd, size, error));
  CHECK(error.empty());
  w->AdoptRewrittenFile(std::move(fd), size, 0);
  CHECK_FALSE(w->rewrite_buffering());
  CHECK(w->buffer_length() == 0);
  CHECK(w->base_size() == size);
  w->Append({2, {"SET", "after", "1"}});  // same db as the buffer's last: no SELECT
  w->Append({0, {"SET", "zero", "1"}});
  REQUIRE(w->Flush(0) == server::AofWriter::FlushResult::kOk);
  CHECK(w->current_size() == size + Multibulk({"SET", "after", "1"}).size() +
                                 Multibulk({"SELECT", "0"}).size() + Multibulk({"SET", "zero", "1"}).size());
  std::string bytes;
  {
    FILE* f = fopen(path.c_str(), "rb");
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;) bytes.append(buf, n);
    fclose(f);
  }
  CHECK(bytes == "SNAPSHOT" + Multibulk({"SELECT", "2"}) + Multibulk({"SET", "during", "1"}) +
                     Multibulk({"SET", "after", "1"}) + Multibulk({"SELECT", "0"}) + Multibulk({"SET", "zero", "1"}));
  CHECK(access(temp.c_str(), F_OK) != 0);  // renamed away
  w.reset();
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("A hash is HSET in batches of 64 pairs, then HPEXPIREAT per field time, then "
          "PEXPIREAT", "[aof_rewrite][hash]") {
  CommandHarness h;
  std::vector<std::string> argv{"HSET", "h"};
  for (int i = 0; i < 150; i++) {
    argv.push_back("f" + Str(i));
    argv.push_back("v" + Str(i));
  }
  h.Run(argv);
  h.Run({"HPEXPIREAT", "h", "99999999999999", "FIELDS", "2", "f1", "f2"});
  h.Run({"HPEXPIREAT", "h", "99999999999998", "FIELDS", "1", "f3"});
  h.Run({"PEXPIREAT", "h", "99999999999997"});
  h.Run({"HSET", "small", "a", "1"});
  const std::string text = Snapshot(h);
  size_t hsets = 0;
  for (size_t at = text.find("$4\r\nHSET\r\n$1\r\nh\r\n"); at != std::string::npos;
       at = text.find("$4\r\nHSET\r\n$1\r\nh\r\n", at + 1)) {
    hsets++;
  }
  CHECK(hsets == 3);  // 64 + 64 + 22 pairs
  CHECK(text.find("*130\r\n$4\r\nHSET\r\n$1\r\nh\r\n") != std::string::npos);
  CHECK(text.find(Multibulk({"HPEXPIREAT", "h", "99999999999998", "FIELDS", "1", "f3"})) !=
        std::string::npos);
  CHECK(text.find(Multibulk({"PEXPIREAT", "h", "99999999999997"})) != std::string::npos);
  CHECK(text.find(Multibulk({"HSET", "small", "a", "1"})) != std::string::npos);
  CheckSnapshotRebuilds(h);
}
TEST_CASE("A sorted set is ZADD batches of at most 64 pairs with exact scores, then PEXPIREAT",
          "[aof_rewrite]") {
  CommandHarness h;
  server::Value& v = h.state.dbs[0]->Set("z", server::Value::NewZSet());
  const types::ZSet::Limits limits;
  for (int i = 0; i < 130; i++) v.zset().Set("m" + Str(i), i * 0.1, limits);
  v.zset().Set("inf", std::numeric_limits<double>::infinity(), limits);
  h.state.dbs[0]->SetExpire("z", 99999999999999);
  const std::string text = Snapshot(h);
  CHECK(text.find(Multibulk({"PEXPIREAT", "z", "99999999999999"})) != std::string::npos);
  size_t zadds = 0;
  for (size_t p = text.find("$4\r\nZADD"); p != std::string::npos;
       p = text.find("$4\r\nZADD", p + 1)) {
    zadds++;
  }
  CHECK(zadds == 3);  // 131 pairs: 64 + 64 + 3
  CHECK(text.find("*130\r\n$4\r\nZADD") != std::string::npos);
  CHECK(text.find(Multibulk({"ZADD", "z", "0.1", "m1"}).substr(5)) == std::string::npos);
  CheckSnapshotRebuilds(h);
}

TEST_CASE("COPY of a sorted set is a deep copy", "[aof_rewrite]") {
  CommandHarness h;
  server::Value& v = h.state.dbs[0]->Set("z", server::Value::NewZSet());
  v.zset().Set("a", 1, {});
  server::Value copy = v;
  v.zset().Set("b", 2, {});
  CHECK(copy.zset().size() == 1);
  CHECK(copy.TypeName() == "zset");
}
