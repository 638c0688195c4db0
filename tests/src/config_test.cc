// Configuration: redis.conf-style text, --name value options, memory sizes, CONFIG SET/GET
// replies (run in-process through Dispatch), CONFIG REWRITE's text, and the option table.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <string>
#include <vector>

#include "src/command_table.h"
#include "src/config.h"
#include "tests/support/command_harness.h"
#include "src/dispatch.h"
#include "src/server_state.h"

using server::Config;

namespace {

std::string LoadArgs(Config& config, std::vector<std::string> args) {
  args.insert(args.begin(), "runnel-server");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return server::LoadConfigArgs(config, static_cast<int>(argv.size()), argv.data());
}

// A server state with the real command table, and one client talking RESP2 to it.
using Harness = testing_support::CommandHarness;

}  // namespace

TEST_CASE("Config text sets known directives and keeps defaults for the rest", "[config]") {
  Config c;
  std::string err = server::LoadConfigText(c,
                                           "# comment\n"
                                           "\n"
                                           "port 7000\r\n"
                                           "  maxmemory 2mb\n"
                                           "requirepass \"pass word\"\n"
                                           "bind 127.0.0.1 ::1\n"
                                           "save 3600 1 300 100\n"
                                           "SLAVE-READ-ONLY no\n");
  REQUIRE(err.empty());
  CHECK(c.port == 7000);
  CHECK(c.maxmemory == 2 * 1024 * 1024);
  CHECK(c.requirepass == "pass word");
  CHECK(c.bind == "127.0.0.1 ::1");
  CHECK(c.save == "3600 1 300 100");
  CHECK_FALSE(c.replica_read_only);
  CHECK(c.databases == 16);
}

TEST_CASE("Config text names the failing line for unknown directives and bad values",
          "[config]") {
  Config c;
  CHECK(server::LoadConfigText(c, "port 1\nnosuch 1\n") ==
        "line 2: 'nosuch 1': Bad directive or wrong number of arguments");
  CHECK(server::LoadConfigText(c, "hz abc\n") ==
        "line 1: 'hz abc': argument couldn't be parsed into an integer");
  CHECK(server::LoadConfigText(c, "requirepass \"open\n") == "line 1: unbalanced quotes");
}

TEST_CASE("Command-line options override and accept several words per option", "[config]") {
  Config c;
  REQUIRE(LoadArgs(c, {"--port", "0", "--save", "", "--bind", "127.0.0.1", "::1",
                       "--appendonly", "no"})
              .empty());
  CHECK(c.port == 0);
  CHECK(c.save.empty());
  CHECK(c.bind == "127.0.0.1 ::1");
  CHECK_FALSE(c.appendonly);
  CHECK(LoadArgs(c, {"--maxclients", "0"}) ==
        "--maxclients: argument must be between 1 and 4294967295 inclusive");
  CHECK(LoadArgs(c, {"stray"}) == "cannot open config file 'stray'");
  CHECK(LoadArgs(c, {"--port", "1", "stray"}) == "--port: argument couldn't be parsed into an "
                                                 "integer");
}

TEST_CASE("ParseMemory reads Redis's units: k is 1000 and kb is 1024", "[config]") {
  int64_t n = -1;
  CHECK(server::ParseMemory("100", n));
  CHECK(n == 100);
  CHECK(server::ParseMemory("1k", n));
  CHECK(n == 1000);
  CHECK(server::ParseMemory("1KB", n));
  CHECK(n == 1024);
  CHECK(server::ParseMemory("3mb", n));
  CHECK(n == 3 * 1024 * 1024);
  CHECK(server::ParseMemory("2g", n));
  CHECK(n == 2'000'000'000);
  CHECK(server::ParseMemory("1gb", n));
  CHECK(n == 1024LL * 1024 * 1024);
  CHECK_FALSE(server::ParseMemory("", n));
  CHECK_FALSE(server::ParseMemory("kb", n));
  CHECK_FALSE(server::ParseMemory("-1", n));
  CHECK_FALSE(server::ParseMemory("1.5mb", n));
  CHECK_FALSE(server::ParseMemory("99999999999gb", n));
}

TEST_CASE("Every option has a description and is found by name and alias", "[config]") {
  for (const auto& opt : server::ConfigOptions()) {
    INFO(opt.name);
    CHECK_FALSE(opt.description.empty());
    CHECK(server::FindConfigOption(opt.name) == &opt);
    for (auto alias : opt.aliases) CHECK(server::FindConfigOption(alias) == &opt);
  }
  CHECK(server::FindConfigOption("MaxMemory") != nullptr);
  CHECK(server::FindConfigOption("nosuch") == nullptr);
}

TEST_CASE("CONFIG SET replies Redis's error texts and changes nothing on failure",
          "[config][command]") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "nope", "1"}) ==
        "-ERR Unknown option or number of arguments for CONFIG SET - 'nope'\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz", "abc"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
        "parsed into an integer\r\n");
  CHECK(h.Run({"CONFIG", "SET", "databases", "3"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
        "immutable config\r\n");
  CHECK(h.Run({"CONFIG", "SET", "dir", "/tmp"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
        "config\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz", "5", "HZ", "6"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz", "5", "maxclients"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "lru"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
        "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
        "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
        "noeviction\r\n");
  // All or nothing: the valid first pair is not applied when the second fails.
  CHECK(h.Run({"CONFIG", "SET", "timeout", "30", "maxmemory", "lots"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
        "a memory value\r\n");
  CHECK(h.state.config.timeout == 0);
}

TEST_CASE("CONFIG SET applies several values at once and CONFIG GET reads them back",
          "[config][command]") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "timeout", "30", "maxmemory", "1mb", "hz", "100000"}) ==
        "+OK\r\n");
  CHECK(h.state.config.timeout == 30);
  CHECK(h.state.config.maxmemory == 1024 * 1024);
  CHECK(h.state.config.hz == 500);  // clamped, as Redis does
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n");
  CHECK(h.Run({"CONFIG", "GET", "nosuch"}) == "*0\r\n");
  CHECK(h.Run({"CONFIG", "GET", "SLAVE-read-only"}) ==
        "*2\r\n$15\r\nSLAVE-read-only\r\n$3\r\nyes\r\n");
  CHECK(h.Run({"CONFIG", "GET", "*read-only"}) ==
        "*4\r\n$17\r\nreplica-read-only\r\n$3\r\nyes\r\n$15\r\nslave-read-only\r\n$3\r\nyes\r\n");
  h.client.protocol = 3;
  CHECK(h.Run({"CONFIG", "GET", "hz", "timeout"}) ==
        "%2\r\n$2\r\nhz\r\n$3\r\n500\r\n$7\r\ntimeout\r\n$2\r\n30\r\n");
}

TEST_CASE("Setting requirepass keeps already connected clients authenticated",
          "[config][command]") {
  Harness h;
  REQUIRE_FALSE(h.client.authenticated);
  CHECK(h.Run({"CONFIG", "SET", "requirepass", "secret"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  server::Client late;
  late.id = 2;
  std::vector<std::string_view> argv{"DBSIZE"};
  std::string out;
  resp::Writer w(out);
  server::Dispatch(h.state, late, argv, w);
  CHECK(out == "-NOAUTH Authentication required.\r\n");
}

TEST_CASE("CONFIG REWRITE without a config file is refused", "[config][command]") {
  Harness h;
  CHECK(h.Run({"CONFIG", "REWRITE"}) == "-ERR The server is running without a config file\r\n");
}

TEST_CASE("Rewritten config text updates known lines, keeps the rest, appends changes",
          "[config]") {
  Config c;
  c.port = 7001;
  c.maxmemory = 100;
  c.requirepass = "a b";
  std::string text = server::RewriteConfigText(c,
                                                "# my settings\n"
                                                "port 6379\n"
                                                "unknown-directive x\n"
                                                "port 6380\n");
  CHECK(text ==
        "# my settings\n"
        "port 7001\n"
        "unknown-directive x\n"
        "requirepass \"a b\"\n"
        "maxmemory 100\n");
  Config back;
  REQUIRE(server::LoadConfigText(back, "requirepass \"a b\"\nsave \"\"\n").empty());
  CHECK(back.requirepass == "a b");
}

TEST_CASE("A rewritten bind whose words need quotes reads back to the same value", "[config]") {
  // Found by tests/fuzz/config_fuzz.cc: the words of a multi-word option were written back
  // unquoted, so an empty word, a quote or a tab inside one came back as other words.
  Config c;
  REQUIRE(server::LoadConfigText(c, "bind 127.0.0.1 \"\" \"a\\tb\" \"q\\\"\"\n").empty());
  REQUIRE(c.bind == "127.0.0.1  a\tb q\"");
  const std::string text = server::RewriteConfigText(c, "bind 0.0.0.0\n");
  CHECK(text == "bind 127.0.0.1 \"\" \"a\\tb\" \"q\\\"\"\n");
  Config back;
  REQUIRE(server::LoadConfigText(back, text).empty());
  CHECK(back.bind == c.bind);
  // Plain addresses are written as before.
  c.bind = "127.0.0.1 -::1";
  CHECK(server::RewriteConfigText(c, "bind x\n") == "bind 127.0.0.1 -::1\n");
}

TEST_CASE("A rewritten replicaof names host and port as two words, and a primary has none",
          "[config]") {
  // Sentinel runs CONFIG REWRITE right after REPLICAOF: the file must start the node in the
  // role it was given, in Redis's form.
  Config c;
  c.replicaof = "127.0.0.1 6380";
  const std::string text = server::RewriteConfigText(c, "port 6379\n");
  CHECK(text == "port 6379\nreplicaof 127.0.0.1 6380\n");
  Config back;
  REQUIRE(server::LoadConfigText(back, text).empty());
  CHECK(back.replicaof == "127.0.0.1 6380");
  // After REPLICAOF NO ONE the line goes, wherever it was.
  c.replicaof.clear();
  CHECK(server::RewriteConfigText(c, "replicaof 127.0.0.1 6380\nport 6379\n") == "port 6379\n");
}

TEST_CASE("Config values are quoted only when a config file needs it", "[config]") {
  CHECK(server::QuoteConfigValue("plain") == "plain");
  CHECK(server::QuoteConfigValue("") == "\"\"");
  CHECK(server::QuoteConfigValue("a b") == "\"a b\"");
  CHECK(server::QuoteConfigValue("q\"\\") == "\"q\\\"\\\\\"");
  CHECK(server::QuoteConfigValue("\n\x01") == "\"\\n\\x01\"");
}

TEST_CASE("The sorted-set thresholds are set by their names and their ziplist aliases",
          "[config][command]") {
  Harness h;
  CHECK(h.Run({"CONFIG", "GET", "zset-max-listpack-entries"}) ==
        "*2\r\n$25\r\nzset-max-listpack-entries\r\n$3\r\n128\r\n");
  CHECK(h.Run({"CONFIG", "SET", "zset-max-ziplist-entries", "7"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "zset-max-ziplist-value", "1k"}) == "+OK\r\n");
  CHECK(h.state.config.zset_max_listpack_entries == 7);
  CHECK(server::ZSetLimitsFrom(h.state.config).max_listpack_value == 1000);
}

TEST_CASE("A rewritten config replaces user directives line for line and appends the rest",
          "[config][acl]") {
  Config c;
  const std::vector<std::string> users = {"user bob on nopass ~* resetchannels -@all +get",
                                          "user carol off resetchannels -@all",
                                          "user default on nopass ~* &* +@all"};
  CHECK(server::RewriteConfigText(c, "port 6379\nuser bob on nopass +get\nuser gone on\n# end\n",
                                  &users) ==
        "port 6379\n"
        "user bob on nopass ~* resetchannels -@all +get\n"
        "user carol off resetchannels -@all\n"
        "# end\n"
        "user default on nopass ~* &* +@all\n");
  // No users to write (an aclfile holds them): the file keeps none.
  const std::vector<std::string> none;
  CHECK(server::RewriteConfigText(c, "user bob on\nport 6379\n", &none) == "port 6379\n");
  // Without a list, user lines stay as written.
  CHECK(server::RewriteConfigText(c, "user bob on\n") == "user bob on\n");
}

TEST_CASE("CONFIG REWRITE records the users ACL SETUSER made", "[config][acl]") {
  testing_support::CommandHarness h;
  char path[] = "/tmp/runnel-config-rewrite-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  h.state.config.config_file = path;
  REQUIRE(h.Run({"ACL", "SETUSER", "carol", "on", ">x", "+set"}) == "+OK\r\n");
  REQUIRE(h.Run({"CONFIG", "REWRITE"}) == "+OK\r\n");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() ==
        "user carol on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 "
        "resetchannels -@all +set\n"
        "user default on nopass ~* &* +@all\n");
  // Read back, the file gives the same users.
  Config back;
  REQUIRE(server::LoadConfigText(back, text.str()).empty());
  CHECK(back.users.size() == 2);
  std::remove(path);
}
