// Delivery policies at work against the real server (Runnel's extension): redelivery after the
// ack timeout and the backoff, dead-lettering of poison messages, XNACK FATAL / FAIL DELAY, due
// times that survive a SIGKILL and restart from the AOF, and XREDRIVE bringing a dead letter back.
// Time bounds: lower bounds only where the server must not be early, generous upper ones.
#include <string>
#include <thread>
#include <vector>

#include "aof_test_process.h"
#include "blocking_helpers.h"
#include "server_fixture.h"

namespace {

using itest::Clock;
using itest::ElapsedMs;
using itest::Multibulk;
using itest::Redis;
using itest::Reply;

// A reply as one line: arrays as "[a b]", strings as themselves, integers in decimal, "(nil)".
void FlattenInto(const redisReply* r, std::string& out) {
  if (r->type != REDIS_REPLY_ARRAY) {
    out += Redis::ReplyText(r);
    return;
  }
  out += "[";
  for (size_t i = 0; i < r->elements; i++) {
    if (i > 0) out += " ";
    FlattenInto(r->element[i], out);
  }
  out += "]";
}

std::string Flat(const redisReply* r) {
  if (r == nullptr) return "(no reply)";
  std::string out;
  FlattenInto(r, out);
  return out;
}

std::string Flat(Redis& r, const std::vector<std::string>& args) {
  Reply reply = r.Command(args);
  return Flat(reply.get());
}

// XREADGROUP GROUP g <consumer> [COUNT n] BLOCK <ms> STREAMS jobs > as RESP bytes, for a worker
// that waits on a raw socket while the test goes on with other connections.
std::string BlockingRead(const std::string& group, const std::string& consumer,
                         const std::string& block_ms, const std::string& count = "") {
  std::vector<std::string> args = {"XREADGROUP", "GROUP", group, consumer};
  if (!count.empty()) args.insert(args.end(), {"COUNT", count});
  args.insert(args.end(), {"BLOCK", block_ms, "STREAMS", "jobs", ">"});
  return Multibulk(args);
}

// The next complete reply on `sock`, or null when none came within `timeout_ms`.
Reply ReadReply(itest::RawSocket& sock, int timeout_ms) {
  itest::ReplyReader parser;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return nullptr;
    const std::string bytes = sock.ReadAtLeast(1, static_cast<int>(left));
    if (bytes.empty()) return nullptr;
    parser.Feed(bytes);
    if (Reply r = parser.Next()) return r;
  }
}

// The entries of a one-stream XREADGROUP reply as "id [f v ...]" each, "(nil)" for no entries.
std::string Entries(const redisReply* r) {
  if (r == nullptr) return "(no reply)";
  if (r->type == REDIS_REPLY_NIL) return "(nil)";
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 1) return "unexpected: " + Flat(r);
  return Flat(r->element[0]->element[1]);
}

// A field of group `group` of XINFO GROUPS jobs, as text; "<missing>" when not shown.
std::string GroupField(Redis& r, const std::string& group, const std::string& field) {
  Reply reply = r.Command({"XINFO", "GROUPS", "jobs"});
  REQUIRE(reply);
  REQUIRE(reply->type == REDIS_REPLY_ARRAY);
  for (size_t k = 0; k < reply->elements; k++) {
    const redisReply* g = reply->element[k];
    std::string name;
    std::string value = "<missing>";
    for (size_t i = 0; i + 1 < g->elements; i += 2) {
      const std::string key(g->element[i]->str, g->element[i]->len);
      if (key == "name") name = Redis::ReplyText(g->element[i + 1]);
      if (key == field) value = Redis::ReplyText(g->element[i + 1]);
    }
    if (name == group) return value;
  }
  FAIL("no group " << group);
  return "";
}

// What the policy counted in `group`: "redelivered/dead-lettered".
std::string Counters(Redis& r, const std::string& group) {
  return GroupField(r, group, "redelivered-count") + "/" +
         GroupField(r, group, "dead-lettered-count");
}

// The PEL of `group` on jobs as "id owner deliveries" rows (idle times left out: they move).
std::string Pending(Redis& r, const std::string& group) {
  Reply reply = r.Command({"XPENDING", "jobs", group, "-", "+", "100"});
  REQUIRE(reply);
  REQUIRE(reply->type == REDIS_REPLY_ARRAY);
  std::string out;
  for (size_t i = 0; i < reply->elements; i++) {
    const redisReply* row = reply->element[i];
    if (!out.empty()) out += "; ";
    out += Redis::ReplyText(row->element[0]) + " " + Redis::ReplyText(row->element[1]) + " " +
           Redis::ReplyText(row->element[3]);
  }
  return out;
}

// Polls XLEN `key` until it is `n`; false after 3 s.
bool WaitLength(Redis& r, const std::string& key, int n) {
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while (r.Text({"XLEN", key}) != std::to_string(n)) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string DeadLetterFields(const std::string& fields, const std::string& consumer,
                             const std::string& deliveries, const std::string& reason) {
  return "[" + fields + " dlq-source-stream jobs dlq-source-id 1-1 dlq-group g dlq-consumer " +
         consumer + " dlq-deliveries " + deliveries + " dlq-reason " + reason + "]";
}

// Entry 1-1 (task boom) of jobs is read by w1, w2 and w3 in turn and never acknowledged, under
// a policy of three deliveries 100 ms apart: the timer dead-letters it 100 ms after the third.
void DriveToDeadLetter(Redis& r, const std::string& dlq) {
  REQUIRE(r.Text({"XADD", "jobs", "1-1", "task", "boom"}) == "1-1");
  for (const char* worker : {"w1", "w2", "w3"}) {
    INFO("worker " << worker);
    Reply got = r.Command(
        {"XREADGROUP", "GROUP", "g", worker, "BLOCK", "1500", "STREAMS", "jobs", ">"});
    REQUIRE(Entries(got.get()) == "[[1-1 [task boom]]]");
  }
  REQUIRE(WaitLength(r, dlq, 1));
}

// A worker blocked on `sock` in XREADGROUP ... BLOCK 5000 as `consumer` gets `expected`, no
// sooner than `min_ms` after `since` (less 10 ms for the server's cached loop time), and well
// before its block ends.
void ExpectBlockedWorkerGets(itest::RawSocket& sock, const std::string& consumer,
                             Clock::time_point since, int64_t min_ms,
                             const std::string& expected) {
  sock.SendAll(BlockingRead("g", consumer, "5000"));
  Reply got = ReadReply(sock, 5000);
  const int64_t elapsed = ElapsedMs(since);
  CHECK(Entries(got.get()) == expected);
  CHECK(elapsed >= min_ms - 10);
  CHECK(elapsed < 4000);
}

}  // namespace

TEST_CASE("A job whose worker dies unacknowledged goes to a blocked worker after the ack timeout",
          "[integration][policy]") {
  itest::Server server;
  Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(admin.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "300"}) == "OK");
  REQUIRE(admin.Text({"XADD", "jobs", "1-1", "task", "resize"}) == "1-1");
  const auto delivered = Clock::now();
  {
    Redis dying(server.port());
    Reply got = dying.Command({"XREADGROUP", "GROUP", "g", "dying", "STREAMS", "jobs", ">"});
    REQUIRE(Entries(got.get()) == "[[1-1 [task resize]]]");
  }  // the connection closes with the job unacknowledged
  itest::RawSocket healthy(server.port());
  ExpectBlockedWorkerGets(healthy, "healthy", delivered, 300, "[[1-1 [task resize]]]");
  CHECK(Pending(admin, "g") == "1-1 healthy 2");
  CHECK(Counters(admin, "g") == "1/0");
}

TEST_CASE("Under BACKOFF 100 400 5000 a due entry goes to whichever waiting worker the server "
          "picks and the other gets nothing",
          "[integration][policy]") {
  itest::Server server;
  Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  // The 5000 ms third step keeps the winner's copy from coming due again (to the other worker)
  // while the other still waits.
  REQUIRE(admin.Text({"XGROUP", "SETPOLICY", "jobs", "g", "BACKOFF", "100", "400", "5000"}) ==
          "OK");
  REQUIRE(admin.Text({"XADD", "jobs", "1-1", "task", "t"}) == "1-1");
  const auto first = Clock::now();
  Reply got = admin.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "jobs", ">"});
  REQUIRE(Entries(got.get()) == "[[1-1 [task t]]]");

  itest::RawSocket b(server.port());
  b.SendAll(BlockingRead("g", "b", "5000"));
  got = ReadReply(b, 5000);
  REQUIRE(Entries(got.get()) == "[[1-1 [task t]]]");
  CHECK(ElapsedMs(first) >= 100 - 10);
  CHECK(Pending(admin, "g") == "1-1 b 2");

  // 200 ms in, the entry is not due yet: a reader gets nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  got = admin.Command({"XREADGROUP", "GROUP", "g", "early", "STREAMS", "jobs", ">"});
  CHECK(Entries(got.get()) == "(nil)");

  // Two workers wait; the one the server picks gets it, the other times out with nothing.
  itest::RawSocket c(server.port());
  itest::RawSocket d(server.port());
  c.SendAll(BlockingRead("g", "c", "1500"));
  d.SendAll(BlockingRead("g", "d", "1500"));
  Reply from_c = ReadReply(c, 4000);
  Reply from_d = ReadReply(d, 4000);
  REQUIRE(from_c);
  REQUIRE(from_d);
  const std::string got_c = Entries(from_c.get());
  const std::string got_d = Entries(from_d.get());
  INFO("c: " << got_c << ", d: " << got_d);
  CHECK(((got_c == "[[1-1 [task t]]]" && got_d == "(nil)") ||
         (got_d == "[[1-1 [task t]]]" && got_c == "(nil)")));
  const std::string winner = got_c == "(nil)" ? "d" : "c";
  CHECK(Pending(admin, "g") == "1-1 " + winner + " 3");
  CHECK(Counters(admin, "g") == "2/0");
}

TEST_CASE("The third redelivery's wait under BACKOFF 100 400 is not shorter than 400 ms",
          "[integration][policy]") {
  itest::Server server;
  Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(admin.Text({"XGROUP", "SETPOLICY", "jobs", "g", "BACKOFF", "100", "400"}) == "OK");
  REQUIRE(admin.Text({"XADD", "jobs", "1-1", "task", "t"}) == "1-1");
  // The first delivery happens after `first`, the second (a blocked read woken when 1-1 comes
  // due) 100 ms after it or later, so the third cannot come before first + 500 ms (less a few
  // ms for the server's cached loop time).
  const auto first = Clock::now();
  Reply got = admin.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "jobs", ">"});
  REQUIRE(Entries(got.get()) == "[[1-1 [task t]]]");
  itest::RawSocket b(server.port());
  b.SendAll(BlockingRead("g", "b", "5000"));
  REQUIRE(Entries(ReadReply(b, 5000).get()) == "[[1-1 [task t]]]");
  ExpectBlockedWorkerGets(b, "b", first, 100 + 400, "[[1-1 [task t]]]");
  CHECK(Pending(admin, "g") == "1-1 b 3");
}

TEST_CASE("A poison message is dead-lettered with its fields and metadata after MAX-DELIVERIES",
          "[integration][policy]") {
  itest::Server server;
  Redis r(server.port());
  REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  std::string dlq;
  SECTION("to <key>:dlq by default") {
    REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "100", "MAX-DELIVERIES",
                    "3"}) == "OK");
    dlq = "jobs:dlq";
  }
  SECTION("to the policy's DEAD-LETTER key when it names one") {
    REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "100", "MAX-DELIVERIES",
                    "3", "DEAD-LETTER", "poison"}) == "OK");
    dlq = "poison";
  }
  DriveToDeadLetter(r, dlq);
  Reply letters = r.Command({"XRANGE", dlq, "-", "+"});
  REQUIRE(letters);
  REQUIRE(letters->type == REDIS_REPLY_ARRAY);
  REQUIRE(letters->elements == 1);
  CHECK(Flat(letters->element[0]->element[1]) ==
        DeadLetterFields("task boom", "w3", "3", "max-deliveries"));
  CHECK(r.Text({"EXISTS", dlq == "poison" ? "jobs:dlq" : "poison"}) == "0");
  CHECK(Pending(r, "g").empty());
  CHECK(Flat(r, {"XPENDING", "jobs", "g"}) == "[0 (nil) (nil) (nil)]");
  CHECK(Counters(r, "g") == "2/1");
  CHECK(GroupField(r, "g", "policy-dead-letter") == dlq);
  // The entry itself stays in the source stream; only the group gave up on it.
  CHECK(r.Text({"XLEN", "jobs"}) == "1");
  // Nothing is redelivered any more.
  Reply after = r.Command(
      {"XREADGROUP", "GROUP", "g", "w4", "BLOCK", "300", "STREAMS", "jobs", ">"});
  CHECK(Entries(after.get()) == "(nil)");
}

TEST_CASE("XNACK FATAL under a policy dead-letters the entry at once with reason fatal",
          "[integration][policy]") {
  itest::Server server;
  Redis r(server.port());
  REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "10000"}) == "OK");
  REQUIRE(r.Text({"XADD", "jobs", "1-1", "task", "bad"}) == "1-1");
  Reply got = r.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "jobs", ">"});
  REQUIRE(Entries(got.get()) == "[[1-1 [task bad]]]");
  CHECK(r.Text({"XNACK", "jobs", "g", "FATAL", "IDS", "1", "1-1"}) == "1");
  // No timer involved: the dead letter is there when XNACK has answered.
  CHECK(Flat(r, {"XRANGE", "jobs:dlq", "-", "+"}).find(
            DeadLetterFields("task bad", "a", "1", "fatal")) != std::string::npos);
  CHECK(r.Text({"XLEN", "jobs:dlq"}) == "1");
  CHECK(Pending(r, "g").empty());
  CHECK(Counters(r, "g") == "0/1");
}

TEST_CASE("XNACK FAIL DELAY 300 brings the entry back to a blocked reader after 300 ms, not before",
          "[integration][policy]") {
  itest::Server server;
  Redis r(server.port());
  REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  SECTION("under a policy") {
    REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "10000"}) == "OK");
  }
  SECTION("without a policy") {}
  REQUIRE(r.Text({"XADD", "jobs", "1-1", "task", "retry"}) == "1-1");
  Reply got = r.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "jobs", ">"});
  REQUIRE(Entries(got.get()) == "[[1-1 [task retry]]]");
  const auto nacked = Clock::now();
  REQUIRE(r.Text({"XNACK", "jobs", "g", "FAIL", "DELAY", "300", "IDS", "1", "1-1"}) == "1");
  // Not due yet: neither a new read nor XAUTOCLAIM takes it.
  got = r.Command({"XREADGROUP", "GROUP", "g", "early", "STREAMS", "jobs", ">"});
  CHECK(Entries(got.get()) == "(nil)");
  CHECK(Flat(r, {"XAUTOCLAIM", "jobs", "g", "early", "0", "0-0"}) == "[0-0 [] []]");
  itest::RawSocket b(server.port());
  ExpectBlockedWorkerGets(b, "b", nacked, 300, "[[1-1 [task retry]]]");
  CHECK(Pending(r, "g") == "1-1 b 2");
}

TEST_CASE("A group without a policy never redelivers an unacknowledged entry on its own",
          "[integration][policy]") {
  itest::Server server;
  Redis r(server.port());
  REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(r.Text({"XADD", "jobs", "1-1", "task", "t"}) == "1-1");
  Reply got = r.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "jobs", ">"});
  REQUIRE(Entries(got.get()) == "[[1-1 [task t]]]");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  got = r.Command({"XREADGROUP", "GROUP", "g", "b", "BLOCK", "300", "STREAMS", "jobs", ">"});
  CHECK(Entries(got.get()) == "(nil)");
  CHECK(Pending(r, "g") == "1-1 a 1");
  CHECK(GroupField(r, "g", "redelivered-count") == "<missing>");
  CHECK(r.Text({"EXISTS", "jobs:dlq"}) == "0");
  // Claiming by hand still works as in Redis.
  CHECK(Flat(r, {"XAUTOCLAIM", "jobs", "g", "b", "100", "0-0"}) == "[0-0 [[1-1 [task t]]] []]");
  CHECK(Pending(r, "g") == "1-1 b 2");
}

namespace {

// Group g (ACK-TIMEOUT 1500) gets 1-1, 1-2 and 1-3 at t0; 1-2 is XNACKed FATAL (dead letter),
// 1-3 XNACKed FAIL DELAY 2500. Group h has had one redelivery. The server is SIGKILLed about
// 1000 ms after t0 (after BGREWRITEAOF when `rewrite`) and restarted on the same dir: 1-1 must
// come to a blocked reader at t0 + 1500 (not 1500 ms after the restart), then 1-3 at its DELAY,
// and the counters and the dead letter must be as before.
void RestartKeepsDeadlines(bool rewrite) {
  aoftest::TempDir dir;
  const std::vector<std::string> options = {"--appendfsync", "always"};
  int port = 0;
  Clock::time_point t0, nacked;
  std::string counters_before, dlq_before;
  {
    auto server = aoftest::StartRunnel(dir.path(), port, options);
    INFO("server log:\n" << server->Log());
    Redis r(port);
    REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
    REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "h", "$"}) == "OK");
    REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "1500"}) == "OK");
    REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "h", "ACK-TIMEOUT", "100"}) == "OK");
    // Group h: 1-1 is redelivered once (the second read has nothing new, so it waits for the
    // due entry), then acknowledged.
    REQUIRE(r.Text({"XADD", "jobs", "1-1", "task", "slow"}) == "1-1");
    Reply got = r.Command({"XREADGROUP", "GROUP", "h", "x", "STREAMS", "jobs", ">"});
    REQUIRE(Entries(got.get()) == "[[1-1 [task slow]]]");
    got = r.Command({"XREADGROUP", "GROUP", "h", "y", "BLOCK", "1500", "STREAMS", "jobs", ">"});
    REQUIRE(Entries(got.get()) == "[[1-1 [task slow]]]");
    REQUIRE(r.Text({"XACK", "jobs", "h", "1-1"}) == "1");
    REQUIRE(r.Text({"XADD", "jobs", "1-2", "task", "poison"}) == "1-2");
    REQUIRE(r.Text({"XADD", "jobs", "1-3", "task", "later"}) == "1-3");

    t0 = Clock::now();
    got = r.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "jobs", ">"});
    REQUIRE(Entries(got.get()) == "[[1-1 [task slow]] [1-2 [task poison]] [1-3 [task later]]]");
    REQUIRE(r.Text({"XNACK", "jobs", "g", "FATAL", "IDS", "1", "1-2"}) == "1");
    nacked = Clock::now();
    REQUIRE(r.Text({"XNACK", "jobs", "g", "FAIL", "DELAY", "2500", "IDS", "1", "1-3"}) == "1");
    if (rewrite) {
      REQUIRE(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
      REQUIRE(aoftest::WaitPersistenceField(r, "aof_rewrites", "1"));
      REQUIRE(aoftest::WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
      REQUIRE(aoftest::PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
    }
    counters_before = Counters(r, "g") + " " + Counters(r, "h");
    dlq_before = Flat(r, {"XRANGE", "jobs:dlq", "-", "+"});
    CHECK(counters_before == "0/1 1/0");
    CHECK(Pending(r, "g") == "1-1 a 1; 1-3  1");
    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(1000));
    server->Kill(SIGKILL);
  }
  auto again = aoftest::StartRunnel(dir.path(), port, options);
  const auto restarted = Clock::now();
  INFO("log after restart:\n" << again->Log());
  REQUIRE(again->Running());
  Redis r(port);
  CHECK(Counters(r, "g") + " " + Counters(r, "h") == counters_before);
  CHECK(Flat(r, {"XRANGE", "jobs:dlq", "-", "+"}) == dlq_before);
  CHECK_THAT(dlq_before, Catch::Contains("dlq-reason fatal"));

  itest::RawSocket b(port);
  b.SendAll(BlockingRead("g", "b", "5000", "1"));
  Reply got = ReadReply(b, 5000);
  CHECK(Entries(got.get()) == "[[1-1 [task slow]]]");
  CHECK(ElapsedMs(t0) >= 1500 - 10);
  CHECK(ElapsedMs(restarted) < 1200);  // ~500 ms in: the deadline counts from the delivery

  b.SendAll(BlockingRead("g", "b", "5000", "1"));
  got = ReadReply(b, 5000);
  CHECK(Entries(got.get()) == "[[1-3 [task later]]]");
  CHECK(ElapsedMs(nacked) >= 2500 - 10);
  CHECK(ElapsedMs(restarted) < 4500);
  CHECK(Pending(r, "g") == "1-1 b 2; 1-3 b 2");
  CHECK(Counters(r, "g") == "2/1");
}

}  // namespace

TEST_CASE("Due times, counters and dead letters survive a SIGKILL and a restart from the AOF",
          "[integration][policy][aof]") {
  RestartKeepsDeadlines(false);
}

TEST_CASE("Due times, counters and dead letters survive BGREWRITEAOF, a SIGKILL and a restart",
          "[integration][policy][aof][rewrite]") {
  RestartKeepsDeadlines(true);
}

TEST_CASE("XREDRIVE brings a poison message's dead letter back to be read again by a worker",
          "[integration][policy]") {
  itest::Server server;
  Redis r(server.port());
  REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "g", "ACK-TIMEOUT", "100", "MAX-DELIVERIES",
                  "3"}) == "OK");
  DriveToDeadLetter(r, "jobs:dlq");
  CHECK(r.Text({"XREDRIVE", "jobs:dlq"}) == "1");
  CHECK(r.Text({"XLEN", "jobs:dlq"}) == "0");
  CHECK(r.Text({"XLEN", "jobs"}) == "2");
  // A new entry with the original fields only, metadata stripped, read as new work.
  Reply got = r.Command({"XREADGROUP", "GROUP", "g", "fixed", "STREAMS", "jobs", ">"});
  REQUIRE(got);
  REQUIRE(got->type == REDIS_REPLY_ARRAY);
  const redisReply* entries = got->element[0]->element[1];
  REQUIRE(entries->elements == 1);
  const std::string id = Redis::ReplyText(entries->element[0]->element[0]);
  CHECK(id != "1-1");
  CHECK(Flat(entries->element[0]->element[1]) == "[task boom]");
  CHECK(Pending(r, "g") == id + " fixed 1");
  CHECK(r.Text({"XACK", "jobs", "g", id}) == "1");
  CHECK(Counters(r, "g") == "2/1");
}
