// AOF rewrite against a real server process: BGREWRITEAOF shrinks the file and the restarted
// server has the same data; writes during a rewrite survive; the automatic rewrite triggers
// past auto-aof-rewrite-percentage; a failed or shut-down rewrite leaves the AOF as it was;
// and SIGKILL during a rewrite, or just after its rename, loses no answered write.
// Rewrites are held open with the test-only RUNNEL_TEST_AOF_REWRITE_KEY_DELAY_US (src/aof_rewrite.h).
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include "aof_test_process.h"

namespace {

using itest::Clock;
using itest::Redis;
using itest::Reply;
using aoftest::PersistenceField;
using aoftest::WaitPersistenceField;

constexpr const char* kDelayEnv = "RUNNEL_TEST_AOF_REWRITE_KEY_DELAY_US";

// Sets the rewrite child's per-key delay for the servers started while it lives.
class RewriteDelay {
 public:
  explicit RewriteDelay(int us) { setenv(kDelayEnv, std::to_string(us).c_str(), 1); }
  ~RewriteDelay() { unsetenv(kDelayEnv); }
};

// A reply flattened to text, leaving out what a replay does not restore: the fields that record
// when a command ran (a consumer's seen or active time) and the radix tree's shape.
void FlattenReplayable(const redisReply* r, std::string& out) {
  if (r->type != REDIS_REPLY_ARRAY) {
    out += Redis::ReplyText(r) + " ";
    return;
  }
  out += "[";
  for (size_t i = 0; i < r->elements; i++) {
    const redisReply* e = r->element[i];
    if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS) {
      const std::string s(e->str, e->len);
      // Also the radix tree's shape: a replay packs entries into blocks afresh (after
      // deletions and trims the blocks differ), in Redis as here; it is not data.
      if (s == "seen-time" || s == "active-time" || s == "inactive" ||
          s == "radix-tree-keys" || s == "radix-tree-nodes") {
        i++;
        continue;
      }
    }
    FlattenReplayable(e, out);
  }
  out += "]";
}

// Every key of dbs 0..3 with its type, value or full stream description, and expiry time.
std::string DumpServer(int port) {
  Redis r(port);
  std::string out;
  for (int db = 0; db < 4; db++) {
    REQUIRE(r.Text({"SELECT", std::to_string(db)}) == "OK");
    Reply keys = r.Command({"KEYS", "*"});
    REQUIRE(keys);
    std::vector<std::string> names;
    for (size_t i = 0; i < keys->elements; i++) names.emplace_back(keys->element[i]->str);
    std::sort(names.begin(), names.end());
    for (const auto& k : names) {
      out += "db" + std::to_string(db) + " " + k + " exp=" + r.Text({"PEXPIRETIME", k}) + " ";
      if (r.Text({"TYPE", k}) == "string") {
        out += r.Text({"GET", k}) + "\n";
        continue;
      }
      Reply full = r.Command({"XINFO", "STREAM", k, "FULL", "COUNT", "0"});
      REQUIRE(full);
      FlattenReplayable(full.get(), out);
      out += "\n";
    }
  }
  return out;
}

size_t FileSize(const std::string& path) { return aoftest::ReadFile(path).size(); }

// A dataset with overwrites, TTLs, a trimmed stream with deletions, groups, PELs, a NACK.
void Populate(Redis& r, int overwrites) {
  for (int i = 0; i < overwrites; i++) {
    REQUIRE(r.Text({"SET", "counter", std::to_string(i)}) == "OK");
  }
  REQUIRE(r.Text({"SET", "ttl", "v", "PX", "100000000"}) == "OK");
  for (int i = 1; i <= 50; i++) r.Text({"XADD", "s", std::to_string(i) + "-1", "f", std::to_string(i)});
  REQUIRE(r.Text({"XGROUP", "CREATE", "s", "g", "0"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "CREATE", "s", "late", "$"}) == "OK");
  r.Command({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "10", "STREAMS", "s", ">"});
  r.Command({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "5", "STREAMS", "s", ">"});
  r.Text({"XACK", "s", "g", "2-1", "3-1"});
  r.Text({"XNACK", "s", "g", "FAIL", "IDS", "1", "12-1"});
  r.Text({"XDEL", "s", "20-1", "13-1"});
  r.Text({"XTRIM", "s", "MAXLEN", "45"});
  REQUIRE(r.Text({"SELECT", "2"}) == "OK");
  REQUIRE(r.Text({"SET", "other", "db"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(r.Text({"SELECT", "0"}) == "OK");
}

}  // namespace

TEST_CASE("BGREWRITEAOF shrinks a file of overwrites and the restarted server has the same data",
          "[aof][rewrite]") {
  aoftest::TempDir dir;
  const std::string aof = dir.path() + "/appendonly.aof";
  int port = 0;
  std::string before;
  size_t size_before = 0;
  {
    auto server = aoftest::StartRunnel(dir.path(), port);
    INFO("server log:\n" << server->Log());
    Redis r(port);
    Populate(r, 2000);
    before = DumpServer(port);
    REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
    size_before = FileSize(aof);
    CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(WaitPersistenceField(r, "aof_rewrites", "1"));
    REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
    CHECK(PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
    CHECK(PersistenceField(r, "aof_rewrites_consecutive_failures") == "0");
    CHECK(PersistenceField(r, "aof_last_rewrite_time_sec") == "0");
    CHECK(PersistenceField(r, "aof_current_rewrite_time_sec") == "-1");
    const size_t size_after = FileSize(aof);
    CHECK(size_after * 10 < size_before);
    CHECK(PersistenceField(r, "aof_current_size") == std::to_string(size_after));
    CHECK(PersistenceField(r, "aof_base_size") == std::to_string(size_after));
    CHECK_THAT(server->Log(), Catch::Contains("Background AOF rewrite finished successfully"));
    // No temporary file is left behind, and the server keeps appending to the new file.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 2);  // AOF + log
    REQUIRE(r.Text({"SET", "after", "rewrite"}) == "OK");
    REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
    CHECK(FileSize(aof) > size_after);
    before = DumpServer(port);
    server->Kill(SIGKILL);
  }
  aoftest::Process check({aoftest::kRedisCheckAof, aof}, dir.path() + "/check.log");
  CHECK(check.WaitExit(5000) == 0);
  auto again = aoftest::StartRunnel(dir.path(), port);
  INFO("log after restart:\n" << again->Log());
  REQUIRE(again->Running());
  CHECK(DumpServer(port) == before);
}

TEST_CASE("After BGREWRITEAOF (streams as RUNNEL.XLOADBLOCK) a restart replies byte for byte "
          "as before, with lz4 compression on and off", "[aof][rewrite]") {
  for (const char* compression : {"no", "lz4"}) {
    INFO("stream-compression " << compression);
    aoftest::TempDir dir;
    const std::string aof = dir.path() + "/appendonly.aof";
    const std::vector<std::string> options = {"--stream-compression", compression,
                                              "--stream-node-max-entries", "50"};
    int port = 0;
    // Every reply a client could see of the stream, raw.
    auto replies = [&](Redis& r) {
      std::string out;
      for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
               {"XRANGE", "big", "-", "+"},
               {"XREVRANGE", "big", "+", "-"},
               {"XRANGE", "big", "400-0", "700-3", "COUNT", "50"},
               {"XLEN", "big"},
               {"XINFO", "STREAM", "big"},
               {"XINFO", "STREAM", "big", "FULL"}}) {
        Reply reply = r.Command(cmd);
        REQUIRE(reply);
        FlattenReplayable(reply.get(), out);
        out += "\n";
      }
      return out;
    };
    std::string before;
    {
      auto server = aoftest::StartRunnel(dir.path(), port, options);
      INFO("server log:\n" << server->Log());
      Redis r(port);
      for (int i = 1; i <= 1000; i++) {
        REQUIRE(r.Command({"XADD", "big", std::to_string(i) + "-" + std::to_string(i % 4), "user",
                           std::to_string(i % 13), "payload",
                           "{\"n\":" + std::to_string(i) + ",\"kind\":\"order\"}"}));
      }
      REQUIRE(r.Text({"XDEL", "big", "10-2", "11-3", "500-0"}) == "3");
      REQUIRE(r.Text({"XTRIM", "big", "MAXLEN", "990"}) == "7");
      REQUIRE(r.Text({"XGROUP", "CREATE", "big", "g", "0"}) == "OK");
      r.Command({"XREADGROUP", "GROUP", "g", "c", "COUNT", "20", "STREAMS", "big", ">"});
      before = replies(r) + DumpServer(port);
      CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
      REQUIRE(WaitPersistenceField(r, "aof_rewrites", "1"));
      REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
      CHECK(PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
      CHECK(aoftest::ReadFile(aof).find("RUNNEL.XLOADBLOCK") != std::string::npos);
      CHECK(replies(r) + DumpServer(port) == before);
      server->Kill(SIGKILL);
    }
    auto again = aoftest::StartRunnel(dir.path(), port, options);
    INFO("log after restart:\n" << again->Log());
    REQUIRE(again->Running());
    Redis r(port);
    CHECK(replies(r) + DumpServer(port) == before);
    // And the restarted stream takes writes as before.
    CHECK(r.Text({"XADD", "big", "2000-0", "f", "v"}) == "2000-0");
    CHECK(r.Text({"XLEN", "big"}) == "991");
  }
}

TEST_CASE("BGREWRITEAOF while a rewrite runs is an error; inside MULTI it is scheduled",
          "[aof][rewrite]") {
  aoftest::TempDir dir;
  RewriteDelay delay(20000);
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port);
  Redis r(port);
  for (int i = 0; i < 40; i++) r.Text({"SET", "k" + std::to_string(i), "v"});
  CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
  CHECK(r.Text({"BGREWRITEAOF"}) ==
        "ERR Background append only file rewriting already in progress");
  CHECK(PersistenceField(r, "aof_rewrite_in_progress") == "1");
  CHECK(PersistenceField(r, "aof_current_rewrite_time_sec") == "0");
  REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
  CHECK(r.Text({"MULTI"}) == "OK");
  CHECK(r.Text({"BGREWRITEAOF"}) == "QUEUED");
  Reply exec = r.Command({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->elements == 1);
  CHECK(Redis::ReplyText(exec->element[0]) == "Background append only file rewriting scheduled");
  REQUIRE(WaitPersistenceField(r, "aof_rewrites", "2"));
  REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
  CHECK(PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
}

TEST_CASE("Writes made while the rewrite child runs are in the new file", "[aof][rewrite]") {
  aoftest::TempDir dir;
  const std::string aof = dir.path() + "/appendonly.aof";
  int port = 0;
  std::string before;
  {
    RewriteDelay delay(2000);  // 2 ms per key: ~0.5 s for the keys below
    auto server = aoftest::StartRunnel(dir.path(), port, {"--appendfsync", "always"});
    INFO("server log:\n" << server->Log());
    Redis r(port);
    Populate(r, 10);
    for (int i = 0; i < 250; i++) r.Text({"SET", "pre" + std::to_string(i), "x"});
    REQUIRE(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    int during = 0;
    while (PersistenceField(r, "aof_rewrite_in_progress") == "1") {
      REQUIRE(r.Text({"SET", "during" + std::to_string(during), std::to_string(during)}) == "OK");
      r.Text({"XADD", "s", "*", "during", std::to_string(during)});
      r.Command({"XREADGROUP", "GROUP", "g", "carol", "COUNT", "1", "STREAMS", "s", ">"});
      r.Text({"SELECT", std::to_string(during % 3)});
      r.Text({"INCR", "incr"});
      r.Text({"SELECT", "0"});
      during++;
    }
    CHECK(during > 20);
    CHECK(PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
    REQUIRE(r.Text({"SET", "after", "1"}) == "OK");
    before = DumpServer(port);
    server->Kill(SIGKILL);
  }
  auto again = aoftest::StartRunnel(dir.path(), port);
  INFO("log after restart:\n" << again->Log());
  REQUIRE(again->Running());
  CHECK(DumpServer(port) == before);
}

TEST_CASE("The automatic rewrite starts once the file has grown past the percentage",
          "[aof][rewrite][serial]") {
  aoftest::TempDir dir;
  const std::string aof = dir.path() + "/appendonly.aof";
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port,
                                     {"--auto-aof-rewrite-percentage", "100",
                                      "--auto-aof-rewrite-min-size", "20000"});
  INFO("server log:\n" << server->Log());
  Redis r(port);
  // Below the minimum size nothing happens, however much it grew from 0.
  for (int i = 0; i < 100; i++) r.Text({"SET", "k", std::to_string(i)});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(PersistenceField(r, "aof_rewrites") == "0");
  for (int i = 0; i < 1000; i++) r.Text({"SET", "k", std::to_string(i)});
  REQUIRE(WaitPersistenceField(r, "aof_rewrites", "1"));
  REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
  CHECK_THAT(server->Log(), Catch::Contains("Starting automatic rewriting of AOF on"));
  const size_t base = std::stoull(PersistenceField(r, "aof_base_size"));
  CHECK(base < 200);
  // The next one waits for the file to double again over the new base and the minimum.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(PersistenceField(r, "aof_rewrites") == "1");
  CHECK(r.Text({"GET", "k"}) == "999");
  server->Kill(SIGKILL);
  auto again = aoftest::StartRunnel(dir.path(), port);
  Redis r2(port);
  CHECK(r2.Text({"GET", "k"}) == "999");
}

TEST_CASE("A rewrite child that dies leaves the AOF as it was and the server appending to it",
          "[aof][rewrite]") {
  aoftest::TempDir dir;
  const std::string aof = dir.path() + "/appendonly.aof";
  RewriteDelay delay(50000);
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port);
  INFO("server log:\n" << server->Log());
  Redis r(port);
  for (int i = 0; i < 100; i++) r.Text({"SET", "k" + std::to_string(i % 10), std::to_string(i)});
  REQUIRE(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
  REQUIRE(r.Text({"SET", "during", "1"}) == "OK");
  const std::string log = server->Log();
  const std::string marker = "rewriting started by pid ";
  REQUIRE(log.find(marker) != std::string::npos);
  const pid_t child = std::stoi(log.substr(log.find(marker) + marker.size()));
  REQUIRE(kill(child, SIGKILL) == 0);
  REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
  CHECK(PersistenceField(r, "aof_last_bgrewrite_status") == "err");
  CHECK(PersistenceField(r, "aof_rewrites_consecutive_failures") == "1");
  CHECK_THAT(server->Log(), Catch::Contains("Background AOF rewrite terminated with error"));
  REQUIRE(r.Text({"SET", "after", "1"}) == "OK");
  REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
  const std::string content = aoftest::ReadFile(aof);
  CHECK(content.find("during") != std::string::npos);
  CHECK(content.find("after") != std::string::npos);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 2);  // no temp file left
  server->Kill(SIGKILL);
  auto again = aoftest::StartRunnel(dir.path(), port);
  Redis r2(port);
  CHECK(r2.Text({"GET", "k9"}) == "99");
  CHECK(r2.Text({"GET", "after"}) == "1");
}

TEST_CASE("SHUTDOWN during a rewrite kills the child and removes its temporary file",
          "[aof][rewrite]") {
  aoftest::TempDir dir;
  const std::string aof = dir.path() + "/appendonly.aof";
  RewriteDelay delay(50000);
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port);
  INFO("server log:\n" << server->Log());
  {
    Redis r(port);
    for (int i = 0; i < 100; i++) r.Text({"SET", "k" + std::to_string(i), "v"});
    REQUIRE(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(PersistenceField(r, "aof_rewrite_in_progress") == "1");
    r.Command({"SHUTDOWN"});
  }
  const auto start = Clock::now();
  CHECK(server->WaitExit(5000) == 0);
  CHECK(Clock::now() - start < std::chrono::seconds(2));  // not waiting for the 5 s child
  CHECK_THAT(server->Log(), Catch::Contains("There is a child rewriting the AOF. Killing it!"));
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 2);
  auto again = aoftest::StartRunnel(dir.path(), port);
  Redis r2(port);
  CHECK(r2.Text({"DBSIZE"}) == "100");
}

namespace {

// What a pipelining client learned from the replies it got before the kill.
struct Answered {
  std::map<int64_t, std::string> added;  // seq -> ID the XADD replied
  std::set<std::string> delivered;       // IDs XREADGROUP gave out
  std::set<std::string> acked;           // IDs an answered XACK removed
  std::set<int64_t> unanswered_adds;     // seqs of XADDs sent but not answered
  std::set<std::string> unanswered_acks;
};

// Pipelines XADD, XREADGROUP and XACK (64 in flight) until `kill_now()` says so, then SIGKILLs
// the server right after a batch went out and reads every reply that made it.
Answered WriteUntilKilled(aoftest::Process& server, int port,
                          const std::function<bool()>& kill_now) {
  struct Sent {
    char kind;  // 'a' XADD, 'r' XREADGROUP, 'k' XACK
    int64_t seq;
    std::string id;
  };
  Answered a;
  int fd = itest::RawConnect(port);
  REQUIRE(fd >= 0);
  std::deque<Sent> in_flight;
  std::deque<std::string> ackable;
  itest::ReplyReader reader;
  std::string out;
  int64_t seq = 0;
  uint64_t n = 0;
  bool killed = false;
  while (true) {
    if (!killed) {
      while (in_flight.size() < 64) {
        n++;
        if (n % 5 == 0) {
          out += itest::Multibulk({"XREADGROUP", "GROUP", "g", "c" + std::to_string(n % 3),
                                   "COUNT", "2", "STREAMS", "s", ">"});
          in_flight.push_back({'r', 0, ""});
        } else if (n % 5 == 1 && !ackable.empty()) {
          out += itest::Multibulk({"XACK", "s", "g", ackable.front()});
          in_flight.push_back({'k', 0, ackable.front()});
          ackable.pop_front();
        } else {
          out += itest::Multibulk({"XADD", "s", "*", "seq", std::to_string(seq)});
          in_flight.push_back({'a', seq++, ""});
        }
      }
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t w = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w <= 0) break;
        sent += static_cast<size_t>(w);
      }
      out.erase(0, sent);
      if (kill_now()) {
        server.Kill(SIGKILL);
        killed = true;
      }
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, killed ? 2000 : 1) < 0) break;
    if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) {
      if (killed) break;
      continue;
    }
    char buf[65536];
    ssize_t got = recv(fd, buf, sizeof(buf), 0);
    if (got <= 0) break;
    reader.Feed(std::string_view(buf, static_cast<size_t>(got)));
    while (Reply r = reader.Next()) {
      REQUIRE(!in_flight.empty());
      Sent s = in_flight.front();
      in_flight.pop_front();
      REQUIRE(r->type != REDIS_REPLY_ERROR);
      if (s.kind == 'a') {
        a.added[s.seq] = r->str;
      } else if (s.kind == 'k') {
        REQUIRE(r->integer == 1);
        a.acked.insert(s.id);
      } else if (r->type == REDIS_REPLY_ARRAY) {
        const redisReply* list = r->element[0]->element[1];
        for (size_t i = 0; i < list->elements; i++) {
          a.delivered.insert(list->element[i]->element[0]->str);
          ackable.push_back(list->element[i]->element[0]->str);
        }
      }
    }
  }
  close(fd);
  REQUIRE(killed);
  for (const Sent& s : in_flight) {
    if (s.kind == 'a') a.unanswered_adds.insert(s.seq);
    if (s.kind == 'k') a.unanswered_acks.insert(s.id);
  }
  return a;
}

// The restarted server holds every answered write: each answered XADD's entry, each answered
// delivery still pending unless acknowledged (an unanswered XACK may have run), no answered XACK
// undone; and nothing but what was sent.
void CheckAnsweredWritesSurvived(int port, const Answered& a, int preloaded) {
  Redis r(port);
  CHECK(r.Text({"DBSIZE"}) == std::to_string(preloaded + 1));
  Reply range = r.Command({"XRANGE", "s", "-", "+"});
  REQUIRE(range);
  std::map<int64_t, std::string> loaded;
  for (size_t i = 0; i < range->elements; i++) {
    loaded[std::stoll(range->element[i]->element[1]->element[1]->str)] =
        range->element[i]->element[0]->str;
  }
  for (const auto& [seq, id] : a.added) {
    INFO("answered XADD seq " << seq);
    REQUIRE(loaded.count(seq) == 1);
    CHECK(loaded[seq] == id);
  }
  for (const auto& [seq, id] : loaded) {
    INFO("loaded seq " << seq);
    CHECK((a.added.count(seq) == 1 || a.unanswered_adds.count(seq) == 1));
  }
  Reply pending = r.Command({"XPENDING", "s", "g", "-", "+", "1000000"});
  REQUIRE(pending);
  std::set<std::string> pel;
  for (size_t i = 0; i < pending->elements; i++) pel.insert(pending->element[i]->element[0]->str);
  for (const std::string& id : a.delivered) {
    INFO("delivered " << id);
    if (a.acked.count(id)) {
      CHECK(pel.count(id) == 0);
    } else if (!a.unanswered_acks.count(id)) {
      CHECK(pel.count(id) == 1);
    }
  }
  for (int i = 0; i < preloaded; i++) {
    REQUIRE(r.Text({"GET", "pre" + std::to_string(i)}) == std::to_string(i));
  }
}

}  // namespace

TEST_CASE("SIGKILL while a rewrite runs, or just after its rename, loses no answered write",
          "[aof][rewrite][crash]") {
  aoftest::TempDir dir;
  const std::vector<std::string> options = {"--appendfsync", "always"};
  RewriteDelay delay(2000);  // the preloaded keys keep the child busy ~0.4 s
  constexpr int kPreloaded = 200;
  int port = 0;
  {
    auto server = aoftest::StartRunnel(dir.path(), port, options);
    Redis r(port);
    for (int i = 0; i < kPreloaded; i++) {
      REQUIRE(r.Text({"SET", "pre" + std::to_string(i), std::to_string(i)}) == "OK");
    }
    REQUIRE(r.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
    server->Kill(SIGKILL);
  }
  for (const bool after_rename : {false, true, false, true}) {
    INFO((after_rename ? "killed just after the rename" : "killed during the rewrite"));
    auto server = aoftest::StartRunnel(dir.path(), port, options);
    INFO("server log:\n" << server->Log());
    Redis admin(port);
    REQUIRE(admin.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    const auto start = Clock::now();
    int polls = 0;
    Answered a = WriteUntilKilled(*server, port, [&] {
      if (++polls % 8 != 0) return false;
      if (!after_rename) {
        if (Clock::now() - start < std::chrono::milliseconds(150)) return false;
        CHECK(PersistenceField(admin, "aof_rewrite_in_progress") == "1");
        return true;
      }
      if (PersistenceField(admin, "aof_rewrite_in_progress") == "1") return false;
      CHECK(PersistenceField(admin, "aof_last_bgrewrite_status") == "ok");
      return true;
    });
    CHECK(a.added.size() > 50);
    auto again = aoftest::StartRunnel(dir.path(), port, options);
    INFO("log after restart:\n" << again->Log());
    REQUIRE(again->Running());
    CheckAnsweredWritesSurvived(port, a, kPreloaded);
    // Each round's seqs start at 0: the next round starts from an empty stream and group (the
    // preloaded keys stay and keep its rewrite busy).
    Redis cleanup(port);
    REQUIRE(cleanup.Text({"DEL", "s"}) == "1");
    REQUIRE(cleanup.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
    again->Kill(SIGKILL);
  }
}
