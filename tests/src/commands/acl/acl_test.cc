// The ACL commands and what they govern, in-process: AUTH as a user, NOPERM replies and ACL
// LOG entries for a denied command, key and channel, inside MULTI (queued and at EXEC) and from
// scripts, DRYRUN, WHOAMI, DELUSER, GETUSER's shape and requirepass as the default user's
// password.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/command_harness.h"

namespace {

std::string AclBulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

}  // namespace

TEST_CASE("A user signed in with AUTH runs only what its rules allow", "[acl]") {
  testing_support::CommandHarness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "on", ">pw", "~cache:*", "+get", "+set"}) ==
          "+OK\r\n");
  CHECK(h.Run({"AUTH", "alice", "nope"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"AUTH", "alice", "pw"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "WHOAMI"}) ==
        "-NOPERM User alice has no permissions to run the 'acl|whoami' command\r\n");
  CHECK(h.Run({"SET", "cache:1", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "other"}) == "-NOPERM No permissions to access a key\r\n");
  CHECK(h.Run({"DEL", "cache:1"}) ==
        "-NOPERM User alice has no permissions to run the 'del' command\r\n");
  // AUTH itself is always allowed.
  CHECK(h.Run({"AUTH", "default", "x"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "WHOAMI"}) == AclBulk("default"));
  // The log has the two denials and the failed AUTH, newest first.
  const std::string log = h.Run({"ACL", "LOG"});
  CHECK(log.starts_with("*4\r\n"));
  const size_t cmd = log.find("$7\r\ncommand\r\n");
  const size_t key = log.find("$3\r\nkey\r\n");
  const size_t auth = log.find("$4\r\nauth\r\n");
  CHECK(cmd < key);
  CHECK(key < auth);
  CHECK(log.find("$5\r\nother\r\n") != std::string::npos);
  const std::string stats = h.Run({"INFO", "stats"});
  CHECK(stats.find("acl_access_denied_auth:1\r\n") != std::string::npos);
  CHECK(stats.find("acl_access_denied_cmd:2\r\n") != std::string::npos);
  CHECK(stats.find("acl_access_denied_key:1\r\n") != std::string::npos);
  CHECK(stats.find("acl_access_denied_channel:0\r\n") != std::string::npos);
  CHECK(h.Run({"ACL", "LOG", "RESET"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LOG"}) == "*0\r\n");
}

TEST_CASE("requirepass is the default user's password", "[acl]") {
  testing_support::CommandHarness h;
  CHECK(h.Run({"AUTH", "x"}) ==
        "-ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?\r\n");
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", "s3cret"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LIST"}) ==
        "*1\r\n" +
            AclBulk("user default on "
                    "#1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0 ~* &* +@all"));
  testing_support::CommandHarness fresh;
  REQUIRE(fresh.Run({"CONFIG", "SET", "requirepass", "s3cret"}) == "+OK\r\n");
  fresh.client.authenticated = false;
  CHECK(fresh.Run({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(fresh.Run({"AUTH", "wrong"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(fresh.Run({"AUTH", "s3cret"}) == "+OK\r\n");
  CHECK(fresh.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("MULTI refuses a denied command when queued, and EXEC checks again", "[acl]") {
  testing_support::CommandHarness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "m", "on", "nopass", "allkeys", "+multi", "+exec", "+set",
                 "+get"}) == "+OK\r\n");
  REQUIRE(h.Run({"AUTH", "m", "any"}) == "+OK\r\n");
  CHECK(h.Run({"MULTI"}) == "+OK\r\n");
  CHECK(h.Run({"DEL", "k"}) == "-NOPERM User m has no permissions to run the 'del' command\r\n");
  CHECK(h.Run({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  CHECK(h.Run({"MULTI"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v"}) == "+QUEUED\r\n");
  CHECK(h.Run({"GET", "k"}) == "+QUEUED\r\n");
  // Revoked while queued: EXEC answers NOPERM for that command alone.
  const std::string_view revoke[] = {"-set"};
  REQUIRE(h.state.Acl().SetUser("m", revoke));
  CHECK(h.Run({"EXEC"}) ==
        "*2\r\n-NOPERM User m has no permissions to run the 'set' command\r\n$-1\r\n");
}

TEST_CASE("Scripts run their commands with the caller's permissions", "[acl][scripting]") {
  testing_support::CommandHarness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "s", "on", "nopass", "~k*", "+eval", "+get", "+set"}) ==
          "+OK\r\n");
  REQUIRE(h.Run({"AUTH", "s", "x"}) == "+OK\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('set', 'k1', 'v')", "0"}) == "+OK\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('del', 'k1')", "0"}).starts_with(
      "-ERR The user executing the script can't run this command or subcommand script:"));
  CHECK(h.Run({"EVAL", "return redis.call('get', 'zz')", "0"}).starts_with(
      "-ERR The user executing the script can't access at least one of the keys mentioned in "
      "the command arguments script:"));
  CHECK(h.Run({"EVAL", "return redis.acl_check_cmd('set', 'k1', 'v')", "0"}) == ":1\r\n");
  CHECK(h.Run({"EVAL", "return redis.acl_check_cmd('set', 'zz', 'v')", "0"}) == "$-1\r\n");
  CHECK(h.Run({"AUTH", "default", "x"}) == "+OK\r\n");
  const std::string log = h.Run({"ACL", "LOG", "1"});
  CHECK(log.find("$3\r\nlua\r\n") != std::string::npos);
}

TEST_CASE("ACL DRYRUN, GETUSER, USERS and DELUSER", "[acl]") {
  testing_support::CommandHarness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "d", "on", "nopass", "~k", "&c", "+get", "(~x +set)"}) ==
          "+OK\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "d", "get", "k"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "d", "get", "z"}) ==
        AclBulk("User d has no permissions to access the 'z' key"));
  CHECK(h.Run({"ACL", "DRYRUN", "d", "del", "k"}) ==
        AclBulk("User d has no permissions to run the 'del' command"));
  CHECK(h.Run({"ACL", "DRYRUN", "d", "set", "x", "1"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "nobody", "get", "k"}) == "-ERR User 'nobody' not found\r\n");
  CHECK(h.Run({"ACL", "GETUSER", "d"}) ==
        "*12\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$6\r\nnopass\r\n$9\r\npasswords\r\n*0\r\n"
        "$8\r\ncommands\r\n$10\r\n-@all +get\r\n$4\r\nkeys\r\n$2\r\n~k\r\n$8\r\nchannels\r\n"
        "$2\r\n&c\r\n$9\r\nselectors\r\n*1\r\n*6\r\n$8\r\ncommands\r\n$10\r\n-@all +set\r\n"
        "$4\r\nkeys\r\n$2\r\n~x\r\n$8\r\nchannels\r\n$0\r\n\r\n");
  CHECK(h.Run({"ACL", "GETUSER", "nobody"}) == "$-1\r\n");
  CHECK(h.Run({"ACL", "USERS"}) == "*2\r\n$1\r\nd\r\n$7\r\ndefault\r\n");
  CHECK(h.Run({"ACL", "DELUSER", "default"}) == "-ERR The 'default' user cannot be removed\r\n");
  CHECK(h.Run({"ACL", "DELUSER", "d", "nobody"}) == ":1\r\n");
  CHECK(h.Run({"ACL", "USERS"}) == "*1\r\n$7\r\ndefault\r\n");
}

TEST_CASE("A client signed in as a deleted user is closed", "[acl]") {
  testing_support::CommandHarness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "gone", "on", "nopass", "+@all", "allkeys"}) == "+OK\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "other", "on"}) == "+OK\r\n");
  REQUIRE(h.Run({"AUTH", "gone", "x"}) == "+OK\r\n");
  // Two users at once, the client's first: the client is let go once, not looked at again.
  CHECK(h.Run({"ACL", "DELUSER", "gone", "other"}) == ":2\r\n");
  CHECK(h.client.close_after_reply);
  CHECK(h.client.user == nullptr);
}

TEST_CASE("CLIENT KILL USER closes the connections signed in as that user", "[acl]") {
  testing_support::CommandHarness h;
  server::Client other;
  other.id = 2;
  h.state.clients[other.id] = &other;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", "nopass", "+@all", "allkeys"}) == "+OK\r\n");
  other.user = h.state.Acl().Find("u");
  other.authenticated = true;
  CHECK(h.Run({"CLIENT", "KILL", "USER", "nobody"}) == "-ERR No such user 'nobody'\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "USER", "default"}) == ":0\r\n");  // the caller is skipped
  CHECK(h.Run({"CLIENT", "KILL", "USER", "u"}) == ":1\r\n");
  h.state.clients.erase(other.id);
}

TEST_CASE("A subscriber whose channel rights are revoked is closed", "[acl]") {
  testing_support::CommandHarness h;
  server::Client other;
  other.id = 2;
  h.state.clients[other.id] = &other;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", "nopass", "+@all", "resetchannels", "&news.*"}) ==
          "+OK\r\n");
  other.user = h.state.Acl().Find("u");
  other.authenticated = true;
  h.state.pubsub.Subscribe(server::PubSub::Kind::kChannel, other.id, "news.today");
  h.state.pubsub.Subscribe(server::PubSub::Kind::kPattern, other.id, "news.*");
  // Rights it still has: nothing happens.
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "-get", "&sport"}) == "+OK\r\n");
  CHECK(h.state.clients_to_close.empty());
  // The pattern must stay allowed as written: "news.t*" allows the channel but not "news.*".
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "resetchannels", "&news.t*"}) == "+OK\r\n");
  CHECK(h.state.clients_to_close == std::vector<uint64_t>{other.id});
  h.state.clients_to_close.clear();
  // A client with no subscriptions is left alone.
  h.state.pubsub.RemoveClient(other.id);
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "resetchannels"}) == "+OK\r\n");
  CHECK(h.state.clients_to_close.empty());
  h.state.clients.erase(other.id);
}
