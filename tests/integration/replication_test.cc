// Replication between Runnel processes: replicas that attach to a primary holding every data
// type (streams with groups and PELs included) get the same dataset by a full sync and keep it
// through the live stream; a replica refuses writes; a dropped link resumes with a partial
// resync; after a failover (REPLICAOF NO ONE, the old primary following the new one) the old
// primary continues partially from the new primary's backlog.
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "aof_test_process.h"
#include "limits_helpers.h"

namespace {

// A reply as one line of text, arrays in brackets, so two servers' answers compare.
std::string ReplFlat(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY) return itest::Redis::ReplyText(r);
  std::string out = "[";
  for (size_t i = 0; i < r->elements; i++) out += (i ? "," : "") + ReplFlat(r->element[i]);
  return out + "]";
}

std::string ReplAsk(itest::Redis& r, const std::vector<std::string>& args) {
  itest::Reply got = r.Command(args);
  REQUIRE(got);
  return ReplFlat(got.get());
}

std::vector<std::string> ReplStrings(itest::Redis& r, const std::vector<std::string>& args) {
  itest::Reply got = r.Command(args);
  REQUIRE(got);
  std::vector<std::string> out;
  for (size_t i = 0; i < got->elements; i++) out.emplace_back(got->element[i]->str, got->element[i]->len);
  return out;
}

// Every key of dbs 0-3 with its type, whether it expires, and its whole content (a stream's
// XINFO STREAM FULL: entries, groups, consumers and PELs with delivery counts).
std::string ReplDump(itest::Redis& r) {
  std::string out;
  for (int db = 0; db < 4; db++) {
    REQUIRE(r.Text({"SELECT", std::to_string(db)}) == "OK");
    std::vector<std::string> keys = ReplStrings(r, {"KEYS", "*"});
    std::sort(keys.begin(), keys.end());
    for (const std::string& k : keys) {
      const std::string type = r.Text({"TYPE", k});
      out += std::to_string(db) + " " + k + " " + type + " ttl=" +
             (std::stoll(r.Text({"PTTL", k})) > 0 ? "yes" : "no") + " ";
      if (type == "string") {
        out += r.Text({"GET", k});
      } else if (type == "list") {
        out += ReplAsk(r, {"LRANGE", k, "0", "-1"});
      } else if (type == "set") {
        std::vector<std::string> m = ReplStrings(r, {"SMEMBERS", k});
        std::sort(m.begin(), m.end());
        for (const auto& x : m) out += x + ",";
      } else if (type == "zset") {
        out += ReplAsk(r, {"ZRANGE", k, "0", "-1", "WITHSCORES"});
      } else if (type == "hash") {
        std::vector<std::string> kv = ReplStrings(r, {"HGETALL", k});
        std::vector<std::string> pairs;
        for (size_t i = 0; i + 1 < kv.size(); i += 2) pairs.push_back(kv[i] + "=" + kv[i + 1]);
        std::sort(pairs.begin(), pairs.end());
        for (const auto& p : pairs) out += p + ",";
      } else if (type == "stream") {
        // A consumer's seen-time and active-time are when a command last named it, on the
        // server that ran it: a snapshot's replay sets them anew (the AOF's does too).
        out += std::regex_replace(ReplAsk(r, {"XINFO", "STREAM", k, "FULL"}),
                                  std::regex("(seen-time|active-time),[0-9]+"), "$1,*");
      }
      out += "\n";
    }
  }
  REQUIRE(r.Text({"SELECT", "0"}) == "OK");
  return out;
}

// Writes of every kind, in several dbs.
void ReplWriteEverything(itest::Redis& r, const std::string& tag) {
  REQUIRE(r.Text({"SET", "str:" + tag, "v"}) == "OK");
  REQUIRE(r.Text({"SET", "ttl:" + tag, "v", "EX", "1000"}) == "OK");
  r.Text({"INCRBY", "counter", "5"});
  r.Text({"RPUSH", "list", tag, "b", "c"});
  r.Text({"LPOP", "list"});
  r.Text({"SADD", "set", tag, "x"});
  r.Text({"ZADD", "zset", "1.5", tag, "2", "y"});
  r.Text({"HSET", "hash", tag, "1", "f", "2"});
  for (int i = 0; i < 20; i++) r.Text({"XADD", "stream", "*", "n", std::to_string(i), "tag", tag});
  r.Text({"XGROUP", "CREATE", "stream", "g-" + tag, "0"});
  r.Text({"XREADGROUP", "GROUP", "g-" + tag, "alice", "COUNT", "5", "STREAMS", "stream", ">"});
  r.Text({"XREADGROUP", "GROUP", "g-" + tag, "bob", "COUNT", "3", "STREAMS", "stream", ">"});
  itest::Reply pending = r.Command({"XPENDING", "stream", "g-" + tag, "-", "+", "1"});
  if (pending && pending->elements == 1) {
    r.Text({"XACK", "stream", "g-" + tag, pending->element[0]->element[0]->str});
  }
  REQUIRE(r.Text({"SELECT", "2"}) == "OK");
  r.Text({"SET", "db2:" + tag, "x"});
  r.Text({"XADD", "db2stream", "*", "a", "b"});
  REQUIRE(r.Text({"SELECT", "0"}) == "OK");
  r.Text({"DEL", "str:gone"});
}

struct ReplNode {
  aoftest::TempDir dir;
  int port = 0;
  std::unique_ptr<aoftest::Process> process;
  explicit ReplNode(std::vector<std::string> extra = {}) {
    process = aoftest::StartRunnel(dir.path(), port, std::move(extra));
  }
};

bool ReplCaughtUp(itest::Redis& primary, itest::Redis& replica) {
  return itest::WaitFor(
      [&] {
        return replica.Text({"INFO", "replication"}).find("master_link_status:up") !=
                   std::string::npos &&
               itest::InfoInt(replica, "slave_repl_offset") ==
                   itest::InfoInt(primary, "master_repl_offset");
      },
      std::chrono::seconds(10));
}


// The id of the primary's connection from its replica (CLIENT LIST flags=S).
std::string ReplicaConnectionId(itest::Redis& primary) {
  const std::string list = primary.Text({"CLIENT", "LIST"});
  const size_t at = list.find("flags=S");
  REQUIRE(at != std::string::npos);
  const size_t line = list.rfind("id=", at);
  return list.substr(line + 3, list.find(' ', line) - line - 3);
}

size_t ReplCount(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

}  // namespace

TEST_CASE("Two replicas of a primary hold the same dataset, streams and PELs included",
          "[integration][replication]") {
  ReplNode primary_node, r1_node, r2_node;
  itest::Redis primary(primary_node.port, 10), r1(r1_node.port, 10), r2(r2_node.port, 10);
  ReplWriteEverything(primary, "before");
  // One replica is told at run time, the other from its config (replicaof at start).
  REQUIRE(r1.Text({"REPLICAOF", "127.0.0.1", std::to_string(primary_node.port)}) == "OK");
  ReplNode r3_node({"--replicaof", "127.0.0.1 " + std::to_string(primary_node.port)});
  itest::Redis r3(r3_node.port, 10);
  REQUIRE(r2.Text({"SLAVEOF", "127.0.0.1", std::to_string(primary_node.port)}) == "OK");
  CHECK(r2.Text({"REPLICAOF", "127.0.0.1", std::to_string(primary_node.port)}) ==
        "OK Already connected to specified master");
  REQUIRE(ReplCaughtUp(primary, r1));
  REQUIRE(ReplCaughtUp(primary, r2));
  REQUIRE(ReplCaughtUp(primary, r3));
  // The live stream after the full syncs.
  ReplWriteEverything(primary, "after");
  REQUIRE(ReplCaughtUp(primary, r1));
  REQUIRE(ReplCaughtUp(primary, r2));
  REQUIRE(ReplCaughtUp(primary, r3));
  const std::string expected = ReplDump(primary);
  INFO("primary:\n" << expected);
  CHECK(ReplDump(r1) == expected);
  CHECK(ReplDump(r2) == expected);
  CHECK(ReplDump(r3) == expected);
  CHECK(itest::InfoInt(primary, "connected_slaves") == 3);
  // Replicas answer reads and refuse writes.
  CHECK(r1.Text({"GET", "str:after"}) == "v");
  CHECK(r1.Text({"SET", "k", "v"}) == "READONLY You can't write against a read only replica.");
  CHECK(r1.Text({"XADD", "stream", "*", "a", "b"}) ==
        "READONLY You can't write against a read only replica.");
  // A replica restarted from its own AOF holds the same data before it even reconnects.
  r3_node.process.reset();
  ReplNode r3_again({"--dir", r3_node.dir.path()});
  itest::Redis r3b(r3_again.port, 10);
  CHECK(ReplDump(r3b) == expected);
}

TEST_CASE("A dropped link resumes partially, and the old primary follows a promoted replica",
          "[integration][replication]") {
  ReplNode a_node, b_node;
  itest::Redis a(a_node.port, 10), b(b_node.port, 10);
  ReplWriteEverything(a, "one");
  REQUIRE(b.Text({"REPLICAOF", "127.0.0.1", std::to_string(a_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(a, b));
  // Cut the link from the primary's side: the replica reconnects and continues.
  REQUIRE(a.Text({"CLIENT", "KILL", "ID", ReplicaConnectionId(a)}) == "1");
  ReplWriteEverything(a, "two");
  REQUIRE(ReplCaughtUp(a, b));
  CHECK(a_node.process->Log().find("Partial resynchronization request from replica") !=
        std::string::npos);
  CHECK(ReplDump(b) == ReplDump(a));
  // Failover: B is promoted, takes writes; A follows B and continues from B's backlog.
  const std::string history = b.Text({"INFO", "replication"});
  REQUIRE(b.Text({"REPLICAOF", "NO", "ONE"}) == "OK");
  CHECK(b.Text({"ROLE"}) == "(array of 3)");
  CHECK(itest::InfoInt(b, "second_repl_offset") == itest::InfoInt(a, "master_repl_offset") + 1);
  ReplWriteEverything(b, "three");
  REQUIRE(a.Text({"REPLICAOF", "127.0.0.1", std::to_string(b_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(b, a));
  CHECK(b_node.process->Log().find("Partial resynchronization request from replica") !=
        std::string::npos);
  CHECK(b_node.process->Log().find("Full resync requested") == std::string::npos);
  CHECK(ReplDump(a) == ReplDump(b));
  CHECK(a.Text({"SET", "k", "v"}) == "READONLY You can't write against a read only replica.");
}

TEST_CASE("WAIT counts the replicas that acknowledged the connection's writes",
          "[integration][replication]") {
  ReplNode p_node, r1_node, r2_node;
  itest::Redis p(p_node.port, 10), r1(r1_node.port, 10), r2(r2_node.port, 10);
  REQUIRE(r1.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(r2.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r1));
  REQUIRE(ReplCaughtUp(p, r2));
  REQUIRE(p.Text({"XADD", "jobs", "*", "n", "1"}).find('-') != std::string::npos);
  CHECK(p.Text({"WAIT", "2", "5000"}) == "2");
  CHECK(r1.Text({"XLEN", "jobs"}) == "1");
  CHECK(r2.Text({"XLEN", "jobs"}) == "1");
  // More than there are: the timeout answers with how many did.
  p.Text({"SET", "k", "v"});
  const auto start = itest::Clock::now();
  CHECK(p.Text({"WAIT", "3", "300"}) == "2");
  CHECK(itest::Clock::now() - start >= std::chrono::milliseconds(250));
  CHECK(p.Text({"WAIT", "0", "0"}) == "2");
  CHECK(p.Text({"WAIT", "1", "-1"}) == "ERR timeout is negative");
  CHECK(r1.Text({"WAIT", "1", "0"}).starts_with("ERR WAIT cannot be used with replica instances."));
  // Inside MULTI it answers at once.
  REQUIRE(p.Text({"MULTI"}) == "OK");
  REQUIRE(p.Text({"WAIT", "5", "0"}) == "QUEUED");
  itest::Reply exec = p.Command({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->elements == 1);
  CHECK(exec->element[0]->integer == 2);
  // One replica gone: WAIT 2 waits out its timeout and says 1.
  r2_node.process.reset();
  p.Text({"INCR", "n"});
  CHECK(p.Text({"WAIT", "2", "500"}) == "1");
}

TEST_CASE("A replica gets a pipelined burst's last write without waiting for more traffic",
          "[integration][replication]") {
  // The primary holds the stream back from its replicas while input keeps it busy; the check
  // point after the burst's last request must still send it, not the next cron tick or ACK
  // (hz 1 and the replica's one ACK a second make either take up to a second).
  ReplNode p_node({"--hz", "1"}), r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  constexpr int kBurst = 20000;
  std::string burst;
  for (int i = 0; i < kBurst; i++) burst += itest::Multibulk({"XADD", "burst", "*", "n", std::to_string(i)});
  itest::RawSocket client(p_node.port);
  client.SendAll(burst);
  // Every reply back: the primary has applied the whole burst.
  std::string replies;
  while (std::count(replies.begin(), replies.end(), '\n') < 2 * kBurst) {
    const std::string more = client.ReadAtLeast(1, 5000);
    REQUIRE(!more.empty());
    replies += more;
  }
  REQUIRE(itest::WaitFor([&] { return r.Text({"XLEN", "burst"}) == std::to_string(kBurst); },
                         std::chrono::milliseconds(5000)));
  // A lone write after it: its check point had input, so it is one whose bytes may wait.
  REQUIRE(p.Text({"XADD", "burst", "*", "n", "last"}).find('-') != std::string::npos);
  const auto written = itest::Clock::now();
  REQUIRE(itest::WaitFor([&] { return r.Text({"XLEN", "burst"}) == std::to_string(kBurst + 1); },
                         std::chrono::milliseconds(5000)));
  CHECK(itest::Clock::now() - written < std::chrono::milliseconds(400));
  CHECK(ReplAsk(r, {"XRANGE", "burst", "-", "+"}) == ReplAsk(p, {"XRANGE", "burst", "-", "+"}));
}

TEST_CASE("A replica shut down and restarted continues partially, in the db it was in",
          "[integration][replication]") {
  ReplNode p_node;
  itest::Redis p(p_node.port, 10);
  const std::vector<std::string> follow = {"--replicaof", "127.0.0.1 " + std::to_string(p_node.port)};
  aoftest::TempDir replica_dir;
  int replica_port = 0;
  auto replica = aoftest::StartRunnel(replica_dir.path(), replica_port, follow);
  {
    itest::Redis r(replica_port, 10);
    REQUIRE(ReplCaughtUp(p, r));
    REQUIRE(p.Text({"SELECT", "2"}) == "OK");
    REQUIRE(p.Text({"SET", "before", "1"}) == "OK");
    REQUIRE(ReplCaughtUp(p, r));
  }
  REQUIRE(replica->Kill(SIGTERM) == 0);  // a clean shutdown keeps replid and offset
  // Written while the replica is down, with no SELECT in between: db 2 still.
  REQUIRE(p.Text({"SET", "during", "2"}) == "OK");
  REQUIRE(p.Text({"XADD", "s", "*", "a", "b"}).find('-') != std::string::npos);
  int again_port = 0;
  auto restarted = aoftest::StartRunnel(replica_dir.path(), again_port, follow);
  itest::Redis r(again_port, 10);
  REQUIRE(ReplCaughtUp(p, r));
  CHECK(p_node.process->Log().find("Partial resynchronization request from replica") !=
        std::string::npos);
  REQUIRE(r.Text({"SELECT", "2"}) == "OK");
  CHECK(r.Text({"GET", "before"}) == "1");
  CHECK(r.Text({"GET", "during"}) == "2");
  CHECK(r.Text({"XLEN", "s"}) == "1");
  CHECK(ReplDump(r) == ReplDump(p));
}


TEST_CASE("A link dropped mid-transfer leaves the replica's data as it was, then syncs fully",
          "[integration][replication]") {
  // Each key of the snapshot takes 50 ms to write: the transfer lasts long enough to cut.
  setenv("RUNNEL_TEST_AOF_REWRITE_KEY_DELAY_US", "50000", 1);
  ReplNode p_node;
  unsetenv("RUNNEL_TEST_AOF_REWRITE_KEY_DELAY_US");
  ReplNode r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  for (int i = 0; i < 30; i++) REQUIRE(p.Text({"SET", "k" + std::to_string(i), "v"}) == "OK");
  REQUIRE(r.Text({"SET", "mine", "old"}) == "OK");
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(itest::WaitFor([&] { return r.Text({"INFO", "replication"}).find("master_sync_in_progress:1") != std::string::npos; },
                         std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(p.Text({"CLIENT", "KILL", "ID", ReplicaConnectionId(p)}) == "1");
  // The half-received snapshot replaced nothing: the replica still serves what it had.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(r.Text({"GET", "mine"}) == "old");
  CHECK(r.Text({"DBSIZE"}) == "1");
  REQUIRE(ReplCaughtUp(p, r));
  CHECK(ReplCount(p_node.process->Log(), "Full resync requested") == 2);
  CHECK(r.Text({"GET", "mine"}) == "(nil)");
  CHECK(ReplDump(r) == ReplDump(p));
}

TEST_CASE("A backlog that overflowed, or a primary restarted with a new id, ends in a full sync",
          "[integration][replication]") {
  ReplNode p_node({"--repl-backlog-size", "16kb"});
  ReplNode r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  ReplWriteEverything(p, "one");
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  // 64 KB written while the replica is away: more than the backlog holds.
  REQUIRE(p.Text({"CLIENT", "KILL", "ID", ReplicaConnectionId(p)}) == "1");
  for (int i = 0; i < 64; i++) p.Text({"SET", "big" + std::to_string(i), std::string(1024, 'x')});
  REQUIRE(ReplCaughtUp(p, r));
  CHECK(ReplCount(p_node.process->Log(), "Full resync requested") == 2);
  CHECK(ReplDump(r) == ReplDump(p));
  // The primary dies and comes back from its AOF under a new replication id (a crash keeps
  // none): the replica's history is unknown there, so it syncs fully.
  const std::string dir = p_node.dir.path();
  const size_t full_syncs = ReplCount(p_node.process->Log(), "Full resync requested");
  p_node.process->Kill(SIGKILL);
  int port = 0;
  auto restarted = aoftest::StartRunnel(dir, port, {"--repl-backlog-size", "16kb"});
  itest::Redis p2(port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(port)}) == "OK");
  p2.Text({"SET", "after-restart", "1"});
  REQUIRE(ReplCaughtUp(p2, r));
  CHECK(ReplCount(restarted->Log(), "Full resync requested") == full_syncs + 1);  // same log
  CHECK(r.Text({"GET", "after-restart"}) == "1");
  CHECK(ReplDump(r) == ReplDump(p2));
}

TEST_CASE("A replica's own replica follows the chain, and stays attached when its link drops",
          "[integration][replication]") {
  ReplNode a_node, b_node, c_node;
  itest::Redis a(a_node.port, 10), b(b_node.port, 10), c(c_node.port, 10);
  REQUIRE(b.Text({"REPLICAOF", "127.0.0.1", std::to_string(a_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(a, b));
  REQUIRE(c.Text({"REPLICAOF", "127.0.0.1", std::to_string(b_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(b, c));
  ReplWriteEverything(a, "chained");
  REQUIRE(ReplCaughtUp(a, b));
  REQUIRE(ReplCaughtUp(b, c));
  CHECK(ReplDump(c) == ReplDump(a));
  // B drops its link to A: B resumes partially, and C is not made to resync.
  const size_t c_syncs = ReplCount(b_node.process->Log(), "Full resync requested");
  CHECK(b.Text({"CLIENT", "KILL", "TYPE", "master"}) == "1");
  a.Text({"SET", "after-drop", "1"});
  REQUIRE(ReplCaughtUp(a, b));
  REQUIRE(ReplCaughtUp(b, c));
  CHECK(c.Text({"GET", "after-drop"}) == "1");
  CHECK(ReplCount(b_node.process->Log(), "Full resync requested") == c_syncs);
  CHECK(itest::InfoInt(b, "connected_slaves") == 1);
}

TEST_CASE("WAITAOF counts the AOF fsyncs of this node and of its replicas",
          "[integration][replication]") {
  ReplNode p_node({"--appendfsync", "everysec"}), r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  REQUIRE(p.Text({"XADD", "jobs", "*", "n", "1"}).find('-') != std::string::npos);
  // everysec: both fsyncs come within about a second.
  itest::Reply got = p.Command({"WAITAOF", "1", "1", "5000"});
  REQUIRE(got);
  REQUIRE(got->elements == 2);
  CHECK(got->element[0]->integer == 1);
  CHECK(got->element[1]->integer == 1);
  // More replicas than there are: the timeout answers with what was reached.
  p.Text({"SET", "k", "v"});
  got = p.Command({"WAITAOF", "1", "2", "1500"});
  REQUIRE(got);
  REQUIRE(got->elements == 2);
  CHECK(got->element[0]->integer == 1);
  CHECK(got->element[1]->integer == 1);
  CHECK(r.Text({"WAITAOF", "0", "1", "0"}).starts_with("ERR WAITAOF cannot be used with replica"));
  CHECK(p.Text({"WAITAOF", "0", "0", "-5"}) == "ERR timeout is negative");
  // Inside MULTI it answers at once.
  REQUIRE(p.Text({"MULTI"}) == "OK");
  REQUIRE(p.Text({"WAITAOF", "1", "1", "0"}) == "QUEUED");
  itest::Reply exec = p.Command({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->elements == 1);
  CHECK(exec->element[0]->elements == 2);
  // Without an AOF, asking for a local fsync is refused.
  ReplNode plain({"--appendonly", "no"});
  itest::Redis q(plain.port, 10);
  CHECK(q.Text({"WAITAOF", "1", "0", "0"}) ==
        "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
}

TEST_CASE("Replicas authenticate as ACL users; min-replicas-to-write; stale reads; a Redis replica is refused",
          "[integration][replication]") {
  ReplNode p_node({"--requirepass", "secret", "--user", "repl", "on", ">pw", "+@all", "~*"});
  itest::Redis p(p_node.port, 10);
  REQUIRE(p.Text({"AUTH", "secret"}) == "OK");
  // The right user: the link comes up, signed in as that user.
  ReplNode good({"--masteruser", "repl", "--masterauth", "pw", "--replica-serve-stale-data", "no"});
  itest::Redis r(good.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  CHECK(p.Text({"CLIENT", "LIST", "TYPE", "replica"}).find("user=repl") != std::string::npos);
  // A wrong password: the link never comes up, and the log says why.
  ReplNode bad({"--masterauth", "nope"});
  itest::Redis b(bad.port, 10);
  REQUIRE(b.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  CHECK(itest::WaitFor([&] { return bad.process->Log().find("Unable to AUTH to MASTER") != std::string::npos; },
                       std::chrono::seconds(5)));
  CHECK(b.Text({"INFO", "replication"}).find("master_link_status:down") != std::string::npos);
  // min-replicas-to-write: one good replica is enough for 1, not for 2.
  REQUIRE(p.Text({"CONFIG", "SET", "min-replicas-to-write", "2"}) == "OK");
  CHECK(p.Text({"SET", "k", "v"}) == "NOREPLICAS Not enough good replicas to write.");
  CHECK(p.Text({"GET", "k"}) == "(nil)");  // reads still work
  REQUIRE(p.Text({"CONFIG", "SET", "min-replicas-to-write", "1"}) == "OK");
  CHECK(p.Text({"SET", "k", "v"}) == "OK");
  CHECK(itest::InfoInt(p, "min_slaves_good_slaves") == 1);
  REQUIRE(p.Text({"CONFIG", "SET", "min-replicas-to-write", "0"}) == "OK");
  // A Redis replica cannot load our snapshot: it is told so, and nothing is sent.
  aoftest::TempDir redis_dir;
  int redis_port = 0;
  auto redis = aoftest::StartRedis(redis_dir.path(), redis_port,
                                   {"--masterauth", "secret", "--replicaof", "127.0.0.1",
                                    std::to_string(p_node.port)});
  CHECK(itest::WaitFor([&] { return redis->Log().find("this primary is Runnel") != std::string::npos; },
                       std::chrono::seconds(10)));
  itest::Redis rr(redis_port, 5);
  CHECK(rr.Text({"DBSIZE"}) == "0");
  CHECK(p.Text({"CLIENT", "LIST", "TYPE", "replica"}).find("user=repl") != std::string::npos);
  // The primary goes away: with replica-serve-stale-data no, the replica answers MASTERDOWN to
  // reads, and to PING as Redis 7.0 does; INFO (a stale-flagged command) still works.
  p_node.process->Kill(SIGKILL);
  REQUIRE(itest::WaitFor([&] { return r.Text({"INFO", "replication"}).find("master_link_status:down") != std::string::npos; },
                         std::chrono::seconds(5)));
  CHECK(r.Text({"GET", "k"}) ==
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  CHECK(r.Text({"PING"}) ==
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  CHECK(r.Text({"INFO", "replication"}).find("role:slave") != std::string::npos);
}

TEST_CASE("Delivery policies run on the primary only; the replica applies what they did",
          "[integration][replication]") {
  ReplNode p_node, r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  REQUIRE(p.Text({"XGROUP", "CREATE", "jobs", "g", "0", "MKSTREAM"}) == "OK");
  REQUIRE(p.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "100", "MAX-DELIVERIES",
                  "1", "DEAD-LETTER", "jobs:dlq"}) == "OK");
  REQUIRE(p.Text({"XADD", "jobs", "*", "n", "1"}).find('-') != std::string::npos);
  p.Text({"XREADGROUP", "GROUP", "g", "w", "STREAMS", "jobs", ">"});
  // Never acknowledged: past its ack timeout the primary's pass dead-letters it.
  REQUIRE(itest::WaitFor([&] { return p.Text({"XLEN", "jobs:dlq"}) == "1"; },
                         std::chrono::seconds(5)));
  REQUIRE(ReplCaughtUp(p, r));
  CHECK(r.Text({"XLEN", "jobs:dlq"}) == "1");
  CHECK(ReplDump(r) == ReplDump(p));
  CHECK(itest::InfoInt(p, "dead_lettered_entries") == 1);
  CHECK(itest::InfoInt(r, "dead_lettered_entries") == 0);  // the replica ran no pass itself
}

TEST_CASE("A message published on the primary reaches subscribers of its replicas, not the AOF",
          "[integration][replication]") {
  ReplNode p_node, r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  itest::RawSocket sub(r_node.port);
  sub.SendAll(itest::Multibulk({"SUBSCRIBE", "news"}));
  REQUIRE(sub.ReadAtLeast(33).find("subscribe") != std::string::npos);
  CHECK(p.Text({"PUBLISH", "news", "hello"}) == "0");  // no subscriber on the primary itself
  const std::string message = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n";
  CHECK(sub.ReadAtLeast(message.size(), 5000) == message);
  REQUIRE(p.Text({"SET", "k", "v"}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  const std::string aof = itest::ReadFile(p_node.dir.path() + "/appendonly.aof");
  CHECK(aof.find("PUBLISH") == std::string::npos);
  CHECK(aof.find("SET") != std::string::npos);
}

TEST_CASE("A client blocked on a replica is served by the entries its full sync loads",
          "[integration][replication]") {
  ReplNode p_node, r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(p.Text({"XADD", "s", "5-1", "f", "v"}) == "5-1");
  itest::RawSocket reader(r_node.port);
  reader.SendAll(itest::Multibulk({"XREAD", "BLOCK", "0", "STREAMS", "s", "0-0"}));
  REQUIRE(itest::WaitFor([&] { return itest::InfoInt(r, "blocked_clients") == 1; },
                         std::chrono::milliseconds(5000)));
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  const std::string served = "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n";
  CHECK(reader.ReadAtLeast(served.size(), 5000) == served);
}

TEST_CASE("A replica whose link is down keeps serving reads, transactions, pub/sub and REPLICAOF",
          "[integration][replication]") {
  ReplNode p_node;
  ReplNode r_node({"--replica-announce-ip", "10.1.2.3", "--replica-announce-port", "7000"});
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  // The primary reports the address the replica announced (what Sentinel will use).
  CHECK(p.Text({"INFO", "replication"}).find("slave0:ip=10.1.2.3,port=7000,state=online") !=
        std::string::npos);
  REQUIRE(p.Text({"SET", "k", "v"}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  p_node.process->Kill(SIGKILL);
  REQUIRE(itest::WaitFor([&] { return r.Text({"INFO", "replication"}).find("master_link_status:down") != std::string::npos; },
                         std::chrono::seconds(5)));
  CHECK(r.Text({"GET", "k"}) == "v");
  CHECK(r.Text({"PING"}) == "PONG");
  REQUIRE(r.Text({"MULTI"}) == "OK");
  REQUIRE(r.Text({"GET", "k"}) == "QUEUED");
  itest::Reply exec = r.Command({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->elements == 1);
  CHECK(std::string(exec->element[0]->str) == "v");
  itest::RawSocket sub(r_node.port);
  sub.SendAll(itest::Multibulk({"SUBSCRIBE", "c"}));
  CHECK(sub.ReadAtLeast(30).find("subscribe") != std::string::npos);
  CHECK(r.Text({"PUBLISH", "c", "m"}) == "1");
  CHECK(r.Text({"SET", "x", "1"}) == "READONLY You can't write against a read only replica.");
  // Promoted while its primary is gone: it takes writes.
  CHECK(r.Text({"REPLICAOF", "NO", "ONE"}) == "OK");
  CHECK(r.Text({"SET", "x", "1"}) == "OK");
}

TEST_CASE("A primary left without replicas frees its backlog after repl-backlog-ttl",
          "[integration][replication]") {
  ReplNode p_node({"--repl-backlog-ttl", "1"}), r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  CHECK(itest::InfoInt(p, "repl_backlog_active") == 1);
  const std::string history = p.Text({"INFO", "replication"});
  REQUIRE(r.Text({"REPLICAOF", "NO", "ONE"}) == "OK");
  CHECK(itest::WaitFor([&] { return itest::InfoInt(p, "repl_backlog_active") == 0; },
                       std::chrono::seconds(5)));
  // With the backlog gone no replica can continue that history: a new id says so.
  CHECK(p.Text({"INFO", "replication"}).find(history.substr(history.find("master_replid:"), 54)) ==
        std::string::npos);
}

TEST_CASE("A replica that reads its full sync slowly does not make the primary hold the snapshot",
          "[integration][replication]") {
  ReplNode p_node({"--appendonly", "no"});
  itest::Redis p(p_node.port, 30);
  // About 60 MB of snapshot: 3,000 strings of 20 KB.
  {
    itest::RawSocket loader(p_node.port);
    std::string batch;
    for (int i = 0; i < 3000; i++) {
      batch += itest::Multibulk({"SET", "big:" + std::to_string(i), std::string(20000, 'a' + i % 26)});
    }
    loader.SendAll(batch);
    REQUIRE(loader.ReadAtLeast(3000 * 5, 20000).size() == 3000 * 5);
  }
  const int64_t before = itest::InfoInt(p, "used_memory");
  // A replica by hand that takes its snapshot and then stops reading.
  itest::RawSocket replica(p_node.port);
  replica.SendAll(itest::Multibulk({"REPLCONF", "capa", "eof", "capa", "psync2", "capa", "runnel"}));
  REQUIRE(replica.ReadAtLeast(5) == "+OK\r\n");
  replica.SendAll(itest::Multibulk({"PSYNC", "?", "-1"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int64_t during = itest::InfoInt(p, "used_memory");
  INFO("used_memory grew by " << (during - before) / 1024 / 1024 << " MB while stalled");
  CHECK(during - before < 40 * 1024 * 1024);
  CHECK(p.Text({"PING"}) == "PONG");
  // Reading again, the replica gets the whole snapshot, framed, with every key.
  std::string got = replica.ReadAtLeast(1'000'000, 30000);
  const size_t header_end = got.find("\r\n", got.find("$EOF:"));
  REQUIRE(header_end != std::string::npos);
  const std::string mark = got.substr(header_end - 40, 40);
  const auto deadline = itest::Clock::now() + std::chrono::seconds(30);
  while (got.find(mark, header_end + 2) == std::string::npos && itest::Clock::now() < deadline) {
    got += replica.ReadAtLeast(1, 1000);
  }
  CHECK(got.find(mark, header_end + 2) != std::string::npos);
  size_t keys = 0;
  for (size_t at = got.find("big:"); at != std::string::npos; at = got.find("big:", at + 1)) keys++;
  CHECK(keys == 3000);
}

TEST_CASE("CLIENT LIST on a replica shows the link to its primary with flags=M",
          "[integration][replication]") {
  ReplNode p_node, r_node;
  itest::Redis p(p_node.port, 10), r(r_node.port, 10);
  CHECK(r.Text({"CLIENT", "LIST", "TYPE", "master"}).empty());
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(p_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(p, r));
  const std::string master = r.Text({"CLIENT", "LIST", "TYPE", "master"});
  CHECK(master.find("addr=127.0.0.1:" + std::to_string(p_node.port)) != std::string::npos);
  CHECK(master.find(" flags=M ") != std::string::npos);
  CHECK(master.find(" age=0 ") != std::string::npos);
  CHECK(r.Text({"CLIENT", "LIST"}).find(" flags=M ") != std::string::npos);
  const size_t id_at = master.find("id=") + 3;
  const std::string id = master.substr(id_at, master.find(' ') - id_at);
  CHECK(r.Text({"CLIENT", "LIST", "ID", id}) == master);
  // Promoted, it has no primary and no such line.
  REQUIRE(r.Text({"REPLICAOF", "NO", "ONE"}) == "OK");
  CHECK(r.Text({"CLIENT", "LIST", "TYPE", "master"}).empty());
}

TEST_CASE("A replica's fsync report starts over with the history of a new primary",
          "[integration][replication]") {
  // Found on review: the fsynced offset of the old history survived a full sync from another
  // primary, so the replica claimed fsyncs of the new one's writes it never made.
  ReplNode a_node, b_node, r_node({"--appendfsync", "always"});
  itest::Redis a(a_node.port, 10), b(b_node.port, 10), r(r_node.port, 10);
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(a_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(a, r));
  for (int i = 0; i < 200; i++) a.Text({"SET", "a" + std::to_string(i), std::string(100, 'x')});
  itest::Reply got = a.Command({"WAITAOF", "0", "1", "5000"});
  REQUIRE(got);
  REQUIRE(got->elements == 2);
  REQUIRE(got->element[1]->integer == 1);
  // From now on the replica fsyncs nothing; it follows B, whose history is much shorter.
  REQUIRE(r.Text({"CONFIG", "SET", "appendfsync", "no"}) == "OK");
  REQUIRE(r.Text({"REPLICAOF", "127.0.0.1", std::to_string(b_node.port)}) == "OK");
  REQUIRE(ReplCaughtUp(b, r));
  REQUIRE(b.Text({"SET", "k", "v"}) == "OK");
  REQUIRE(ReplCaughtUp(b, r));
  got = b.Command({"WAITAOF", "0", "1", "500"});
  REQUIRE(got);
  REQUIRE(got->elements == 2);
  CHECK(got->element[1]->integer == 0);
}
