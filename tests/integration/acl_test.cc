// ACL users in the real server: `user` directives at start, the aclfile read at start and by
// ACL LOAD and written by ACL SAVE, AUTH over the network, and a connection closed when its user
// is deleted while another keeps working.
#include <fstream>
#include <string>

#include "aof_test_process.h"

namespace {

void AclWriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("Users from `user` directives can AUTH and are held to their rules",
          "[integration][acl]") {
  aoftest::TempDir dir;
  int port = 0;
  auto server = aoftest::StartRunnel(
      dir.path(), port, {"--user", "worker", "on", ">pw", "~jobs:*", "+@list", "+ping"});
  INFO("log:\n" << server->Log());
  itest::Redis r(port);
  CHECK(r.Text({"AUTH", "worker", "bad"}) ==
        "WRONGPASS invalid username-password pair or user is disabled.");
  CHECK(r.Text({"AUTH", "worker", "pw"}) == "OK");
  CHECK(r.Text({"LPUSH", "jobs:1", "a"}) == "1");
  CHECK(r.Text({"LPUSH", "other", "a"}) == "NOPERM No permissions to access a key");
  CHECK(r.Text({"SET", "jobs:x", "1"}) ==
        "NOPERM User worker has no permissions to run the 'set' command");
  // The default user is untouched.
  itest::Redis admin(port);
  CHECK(admin.Text({"ACL", "WHOAMI"}) == "default");
  CHECK(admin.Text({"ACL", "DELUSER", "worker"}) == "1");
  // The worker's connection is closed after the deletion; the admin's works on.
  CHECK(r.Text({"PING"}).starts_with("(io error"));
  CHECK(admin.Text({"PING"}) == "PONG");
}

TEST_CASE("The aclfile is read at start, saved by ACL SAVE and reloaded by ACL LOAD",
          "[integration][acl]") {
  aoftest::TempDir dir;
  const std::string file = dir.path() + "/users.acl";
  AclWriteFile(file, "user default on nopass ~* &* +@all\nuser reader on >r ~* +@read\n");
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port, {"--aclfile", file});
  INFO("log:\n" << server->Log());
  itest::Redis admin(port);
  CHECK(admin.Text({"ACL", "SETUSER", "writer", "on", ">w", "~*", "+@write"}) == "OK");
  CHECK(admin.Text({"ACL", "SAVE"}) == "OK");
  const std::string saved = itest::ReadFile(file);
  CHECK(saved.find("user writer on #") != std::string::npos);
  CHECK(saved.find("user reader on #") != std::string::npos);
  // A file edited by hand replaces the users on LOAD; a bad one changes nothing.
  AclWriteFile(file, "user default on nopass ~* &* +@all\nuser reader on >r2 ~* +@read\n");
  CHECK(admin.Text({"ACL", "LOAD"}) == "OK");
  itest::Redis r(port);
  CHECK(r.Text({"AUTH", "writer", "w"}) ==
        "WRONGPASS invalid username-password pair or user is disabled.");
  CHECK(r.Text({"AUTH", "reader", "r2"}) == "OK");
  AclWriteFile(file, "user reader on +nosuchcommand\n");
  CHECK(admin.Text({"ACL", "LOAD"}) ==
        "ERR Error in ACL file line 1: Error in ACL SETUSER modifier '+nosuchcommand': Unknown "
        "command or category name in ACL");
  CHECK(r.Text({"GET", "k"}) == "(nil)");
}

TEST_CASE("requirepass asks every new connection to AUTH as the default user",
          "[integration][acl]") {
  aoftest::TempDir dir;
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port, {"--requirepass", "s3cret"});
  itest::Redis r(port);
  CHECK(r.Text({"GET", "k"}) == "NOAUTH Authentication required.");
  CHECK(r.Text({"AUTH", "default", "s3cret"}) == "OK");
  CHECK(r.Text({"ACL", "WHOAMI"}) == "default");
}
