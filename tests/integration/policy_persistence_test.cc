// Consumer-group delivery policies (XGROUP SETPOLICY) kept by the AOF: a server restarted on the
// same dir answers GETPOLICY as before, whether it replays the appended SETPOLICY calls or a
// rewritten file (BGREWRITEAOF), and a cleared policy stays cleared. The server-wide default is
// configuration: it comes from the options of the server that runs, never from the AOF.
#include "aof_test_process.h"

namespace {

using itest::Clock;
using itest::Redis;
using itest::Reply;
using aoftest::PersistenceField;
using aoftest::WaitPersistenceField;

void Flatten(const redisReply* r, std::string& out) {
  if (r->type != REDIS_REPLY_ARRAY) {
    out += Redis::ReplyText(r) + " ";
    return;
  }
  out += "[";
  for (size_t i = 0; i < r->elements; i++) Flatten(r->element[i], out);
  out += "] ";
}

// GETPOLICY of every group of "jobs", as text.
std::string Policies(Redis& r) {
  std::string out;
  for (const char* g : {"workers", "cleared", "exp", "plain"}) {
    Reply reply = r.Command({"XGROUP", "GETPOLICY", "jobs", g});
    REQUIRE(reply);
    out += std::string(g) + ": ";
    Flatten(reply.get(), out);
    out += "\n";
  }
  return out;
}

// Four groups: a full policy, one set then cleared, an exponential backoff, and none at all.
void SetPolicies(Redis& r) {
  REQUIRE(r.Text({"XADD", "jobs", "1-1", "task", "a"}) == "1-1");
  for (const char* g : {"workers", "cleared", "exp", "plain"}) {
    REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", g, "0"}) == "OK");
  }
  REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "workers", "ack-timeout", "30000", "BACKOFF",
                  "1000", "5000", "MAX-DELIVERIES", "5", "DEAD-LETTER", "jobs:dead"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "cleared", "ACK-TIMEOUT", "10"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "cleared"}) == "OK");
  REQUIRE(r.Text({"XGROUP", "SETPOLICY", "jobs", "exp", "BACKOFF-EXP", "100", "6400"}) == "OK");
}

}  // namespace

TEST_CASE("Delivery policies come back after a restart that replays the appended SETPOLICY calls",
          "[aof][policy]") {
  aoftest::TempDir dir;
  int port = 0;
  std::string before;
  {
    auto server = aoftest::StartRunnel(dir.path(), port);
    INFO("server log:\n" << server->Log());
    Redis r(port);
    SetPolicies(r);
    before = Policies(r);
    REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
    server->Kill(SIGKILL);
  }
  CHECK_THAT(before, Catch::Contains("workers: [ack-timeout 30000 backoff [1000 5000 ]"));
  CHECK_THAT(before, Catch::Contains("cleared: [ack-timeout 0 backoff [] backoff-exp (nil) "));
  CHECK_THAT(before, Catch::Contains("source none ]"));
  const std::string aof = aoftest::ReadFile(dir.path() + "/appendonly.aof");
  CHECK_THAT(aof, Catch::Contains("SETPOLICY"));
  auto again = aoftest::StartRunnel(dir.path(), port);
  INFO("log after restart:\n" << again->Log());
  REQUIRE(again->Running());
  Redis r(port);
  CHECK(Policies(r) == before);
}

TEST_CASE("Delivery policies come back after BGREWRITEAOF and a restart from the rewritten file",
          "[aof][policy][rewrite]") {
  aoftest::TempDir dir;
  const std::string aof_path = dir.path() + "/appendonly.aof";
  int port = 0;
  std::string before;
  {
    auto server = aoftest::StartRunnel(dir.path(), port);
    INFO("server log:\n" << server->Log());
    Redis r(port);
    SetPolicies(r);
    before = Policies(r);
    CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(WaitPersistenceField(r, "aof_rewrites", "1"));
    REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
    REQUIRE(PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
    // The rewritten file holds each remaining policy once, in canonical form, and no trace of
    // the cleared one.
    const std::string aof = aoftest::ReadFile(aof_path);
    CHECK_THAT(aof, Catch::Contains("$14\r\nMAX-DELIVERIES\r\n$1\r\n5\r\n"));
    CHECK_THAT(aof, !Catch::Contains("cleared\r\n$11\r\nACK-TIMEOUT"));
    server->Kill(SIGTERM);
  }
  auto again = aoftest::StartRunnel(dir.path(), port);
  INFO("log after restart:\n" << again->Log());
  REQUIRE(again->Running());
  Redis r(port);
  CHECK(Policies(r) == before);
}

TEST_CASE("The server default policy comes from the running server's config, not from the AOF",
          "[aof][policy]") {
  aoftest::TempDir dir;
  int port = 0;
  {
    auto server = aoftest::StartRunnel(dir.path(), port, {"--stream-default-ack-timeout", "500"});
    Redis r(port);
    REQUIRE(r.Text({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"}) == "OK");
    Reply reply = r.Command({"XGROUP", "GETPOLICY", "jobs", "g"});
    std::string text;
    Flatten(reply.get(), text);
    CHECK(text == "[ack-timeout 500 backoff [] backoff-exp (nil) max-deliveries 0 dead-letter "
                  "jobs:dlq source default ] ");
    REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
    server->Kill(SIGTERM);
  }
  auto again = aoftest::StartRunnel(dir.path(), port);
  Redis r(port);
  Reply reply = r.Command({"XGROUP", "GETPOLICY", "jobs", "g"});
  std::string text;
  Flatten(reply.get(), text);
  CHECK(text == "[ack-timeout 0 backoff [] backoff-exp (nil) max-deliveries 0 dead-letter "
                "jobs:dlq source none ] ");
}
