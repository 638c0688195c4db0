// MULTI/EXEC over the wire, and WATCH aborting EXEC when another connection writes the key.
#include "server_fixture.h"

using itest::Redis;

TEST_CASE("MULTI queues commands and EXEC runs them in order", "[integration]") {
  itest::Server server;
  Redis r(server.port());
  CHECK(r.Text({"MULTI"}) == "OK");
  CHECK(r.Text({"SET", "a", "1"}) == "QUEUED");
  CHECK(r.Text({"INCR", "a"}) == "QUEUED");
  CHECK(r.Text({"GET", "a"}) == "QUEUED");
  itest::Reply exec = r.Command({"EXEC"});
  REQUIRE(exec->type == REDIS_REPLY_ARRAY);
  REQUIRE(exec->elements == 3);
  CHECK(Redis::ReplyText(exec->element[0]) == "OK");
  CHECK(exec->element[1]->integer == 2);
  CHECK(Redis::ReplyText(exec->element[2]) == "2");
}

TEST_CASE("EXEC after a WATCHed key changed on another connection aborts", "[integration]") {
  itest::Server server;
  Redis a(server.port());
  Redis b(server.port());
  CHECK(a.Text({"SET", "balance", "10"}) == "OK");
  CHECK(a.Text({"WATCH", "balance"}) == "OK");
  CHECK(a.Text({"MULTI"}) == "OK");
  CHECK(a.Text({"SET", "balance", "0"}) == "QUEUED");
  CHECK(b.Text({"SET", "balance", "20"}) == "OK");
  itest::Reply exec = a.Command({"EXEC"});
  CHECK(exec->type == REDIS_REPLY_NIL);
  CHECK(a.Text({"GET", "balance"}) == "20");

  // The watch ended with EXEC: the next transaction goes through.
  CHECK(a.Text({"MULTI"}) == "OK");
  CHECK(a.Text({"SET", "balance", "5"}) == "QUEUED");
  CHECK(b.Text({"SET", "balance", "30"}) == "OK");
  exec = a.Command({"EXEC"});
  REQUIRE(exec->type == REDIS_REPLY_ARRAY);
  CHECK(a.Text({"GET", "balance"}) == "5");
}

TEST_CASE("A WATCHing client that disconnects leaves the key usable by others",
          "[integration]") {
  itest::Server server;
  {
    Redis gone(server.port());
    CHECK(gone.Text({"WATCH", "k"}) == "OK");
  }
  Redis a(server.port());
  CHECK(a.Text({"WATCH", "k"}) == "OK");
  CHECK(a.Text({"MULTI"}) == "OK");
  CHECK(a.Text({"SET", "k", "v"}) == "QUEUED");
  itest::Reply exec = a.Command({"EXEC"});
  REQUIRE(exec->type == REDIS_REPLY_ARRAY);
  // Writes by the disconnected client's successor must not crash on the stale watcher.
  Redis b(server.port());
  CHECK(b.Text({"SET", "k", "w"}) == "OK");
  CHECK(server.Running());
}

TEST_CASE("EXEC aborts when a WATCHed key expired after WATCH, even if nobody read it",
          "[integration]") {
  // hz 1 keeps the active expiry cycle from deleting the key first: EXEC itself must notice.
  itest::Server server({"--hz", "1"});
  Redis a(server.port());
  CHECK(a.Text({"SET", "job", "x", "PX", "100"}) == "OK");
  CHECK(a.Text({"WATCH", "job"}) == "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(a.Text({"MULTI"}) == "OK");
  CHECK(a.Text({"SET", "job", "y"}) == "QUEUED");
  itest::Reply exec = a.Command({"EXEC"});
  CHECK(exec->type == REDIS_REPLY_NIL);
}

TEST_CASE("WATCH on a key that had already expired does not abort EXEC", "[integration]") {
  itest::Server server({"--hz", "1"});
  Redis a(server.port());
  CHECK(a.Text({"SET", "job", "x", "PX", "50"}) == "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  CHECK(a.Text({"WATCH", "job"}) == "OK");
  CHECK(a.Text({"MULTI"}) == "OK");
  CHECK(a.Text({"SET", "job", "y"}) == "QUEUED");
  itest::Reply exec = a.Command({"EXEC"});
  CHECK(exec->type == REDIS_REPLY_ARRAY);
}
