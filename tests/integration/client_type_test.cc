// CLIENT LIST TYPE and CLIENT KILL TYPE between Runnel processes, as Redis classifies clients:
// a replica attached to us is "replica" (or "slave"), the replica's link to its primary
// "master", a subscriber "pubsub", the rest "normal"; the caller is never killed unless SKIPME
// no. Sentinel's failover depends on it (CLIENT KILL TYPE normal / pubsub after a promotion).
#include <signal.h>

#include <string>

#include "aof_test_process.h"
#include "limits_helpers.h"

TEST_CASE("CLIENT LIST and CLIENT KILL TYPE tell replicas, the primary's link, subscribers and "
          "normal clients apart, and never kill the caller",
          "[integration][replication]") {
  aoftest::TempDir pdir, rdir;
  int pport = 0, rport = 0;
  auto primary_process = aoftest::StartRunnel(pdir.path(), pport);
  auto replica_process =
      aoftest::StartRunnel(rdir.path(), rport, {"--replicaof", "127.0.0.1 " + std::to_string(pport)});
  itest::Redis primary(pport), replica(rport);
  REQUIRE(itest::WaitFor([&] { return itest::InfoInt(primary, "connected_slaves") == 1; },
                         std::chrono::seconds(10)));
  const std::string listed = primary.Text({"CLIENT", "LIST", "TYPE", "replica"});
  CHECK(listed.find("flags=S") != std::string::npos);
  CHECK(primary.Text({"CLIENT", "LIST", "TYPE", "slave"}) == listed);
  CHECK(primary.Text({"CLIENT", "LIST", "TYPE", "normal"}).find("flags=S") == std::string::npos);
  CHECK(primary.Text({"CLIENT", "LIST", "TYPE", "master"}).empty());
  CHECK(primary.Text({"CLIENT", "KILL", "TYPE", "master"}) == "0");
  CHECK(primary.Text({"CLIENT", "KILL", "TYPE", "bogus"}) == "ERR Unknown client type 'bogus'");

  // A subscriber and a plain client next to the caller: TYPE normal takes the plain one only,
  // TYPE pubsub the subscriber; the replica and the caller stay.
  itest::Redis subscriber(pport), plain(pport);
  REQUIRE(subscriber.Text({"SUBSCRIBE", "__sentinel__:hello"}) == "(array of 3)");
  REQUIRE(plain.Text({"PING"}) == "PONG");
  CHECK(primary.Text({"CLIENT", "KILL", "TYPE", "normal"}) == "1");
  CHECK(primary.Text({"PING"}) == "PONG");
  CHECK(plain.Text({"PING"}).rfind("(io error", 0) == 0);
  CHECK(primary.Text({"CLIENT", "KILL", "TYPE", "pubsub"}) == "1");
  CHECK(itest::InfoInt(primary, "connected_slaves") == 1);
  // SKIPME no: the caller goes too (its reply still arrives).
  {
    itest::Redis self(pport);
    CHECK(self.Text({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}) == "2");
    CHECK(self.Text({"PING"}).rfind("(io error", 0) == 0);
  }
  itest::Redis admin(pport);

  // On the replica, TYPE master is the link to the primary: it drops and resumes partially.
  CHECK(replica.Text({"CLIENT", "KILL", "TYPE", "master"}) == "1");
  REQUIRE(itest::WaitFor(
      [&] {
        return primary_process->Log().find("Partial resynchronization request from replica") !=
               std::string::npos;
      },
      std::chrono::seconds(10)));
  REQUIRE(itest::WaitFor([&] { return itest::InfoInt(admin, "connected_slaves") == 1; },
                         std::chrono::seconds(10)));
  // TYPE replica (or slave) on the primary cuts the replica off; it reconnects.
  CHECK(admin.Text({"CLIENT", "KILL", "TYPE", "slave"}) == "1");
  CHECK(admin.Text({"PING"}) == "PONG");
  REQUIRE(itest::WaitFor([&] { return itest::InfoInt(admin, "connected_slaves") == 1; },
                         std::chrono::seconds(10)));
}
