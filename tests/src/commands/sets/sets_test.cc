// Set handlers in-process: what each write records for the AOF (SPOP's choice as SREM or DEL,
// nothing for a write that changed nothing), the reply shapes compat cases cannot force
// (random picks), WATCH, COPY's deep copy, SCAN TYPE and the rewrite snapshot's batches.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/aof_snapshot.h"
#include "src/types/set.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

using testing_support::ArgvsOf;
using testing_support::Bulk;
using testing_support::CommandHarness;
using testing_support::Int;
using SetArgv = std::vector<std::string>;

namespace {

std::set<std::string> SetMembersOf(CommandHarness& h, const std::string& key) {
  std::set<std::string> out;
  server::Value* v = h.state.dbs[0]->Find(key, 0);
  if (v == nullptr) return out;
  v->set().ForEach([&](std::string_view m) { out.emplace(m); });
  return out;
}

}  // namespace

TEST_CASE("SPOP records the members it took as SREM, and DEL when it took them all", "[sets]") {
  CommandHarness h;
  h.Run({"SADD", "s", "a", "b", "c", "d", "e"});
  h.state.propagation.Take();
  const std::string one = h.Run({"SPOP", "s"});
  auto records = ArgvsOf(h.state.propagation.Take());
  REQUIRE(records.size() == 1);
  REQUIRE(records[0].size() == 3);
  REQUIRE(records[0][0] == "SREM");
  REQUIRE(Bulk(records[0][2]) == one);
  REQUIRE(SetMembersOf(h, "s").count(records[0][2]) == 0);

  h.Run({"SPOP", "s", "2"});
  records = ArgvsOf(h.state.propagation.Take());
  REQUIRE(records.size() == 1);
  REQUIRE(records[0].size() == 4);
  REQUIRE(SetMembersOf(h, "s").size() == 2);
  for (size_t i = 2; i < 4; i++) REQUIRE(SetMembersOf(h, "s").count(records[0][i]) == 0);

  h.Run({"SPOP", "s", "10"});
  REQUIRE(ArgvsOf(h.state.propagation.Take()) == std::vector<SetArgv>{{"DEL", "s"}});
  REQUIRE(h.Run({"EXISTS", "s"}) == Int(0));
}

TEST_CASE("SPOP of many members records SREMs of at most 1024 members each", "[sets]") {
  CommandHarness h;
  SetArgv sadd = {"SADD", "big"};
  for (int i = 0; i < 3000; i++) sadd.push_back("m" + std::to_string(i));
  h.Run(sadd);
  h.state.propagation.Take();
  h.Run({"SPOP", "big", "2500"});
  auto records = ArgvsOf(h.state.propagation.Take());
  REQUIRE(records.size() == 3);
  REQUIRE(records[0].size() == 2 + 1024);
  REQUIRE(records[2].size() == 2 + 2500 - 2048);
  REQUIRE(SetMembersOf(h, "big").size() == 500);
}

TEST_CASE("Set writes that change nothing record nothing", "[sets]") {
  CommandHarness h;
  h.Run({"SADD", "s", "a"});
  h.state.propagation.Take();
  for (const SetArgv& cmd : std::vector<SetArgv>{{"SADD", "s", "a"},
                                                 {"SREM", "s", "zz"},
                                                 {"SREM", "missing", "a"},
                                                 {"SMOVE", "s", "d", "zz"},
                                                 {"SMOVE", "s", "s", "a"},
                                                 {"SPOP", "missing"},
                                                 {"SPOP", "s", "0"},
                                                 {"SINTERSTORE", "d", "s", "missing"}}) {
    INFO(cmd[0]);
    h.Run(cmd);
    REQUIRE(h.state.propagation.Take().empty());
  }
  h.Run({"SUNIONSTORE", "d", "s"});
  REQUIRE(ArgvsOf(h.state.propagation.Take()) == std::vector<SetArgv>{{"SUNIONSTORE", "d", "s"}});
}

TEST_CASE("SRANDMEMBER with a count gives distinct members, with a negative one repeats",
          "[sets]") {
  CommandHarness h;
  h.Run({"SADD", "s", "a", "b", "c", "d"});
  h.state.propagation.Take();
  const std::string two = h.Run({"SRANDMEMBER", "s", "2"});
  REQUIRE(two.rfind("*2\r\n", 0) == 0);
  const std::string many = h.Run({"SRANDMEMBER", "s", "-50"});
  REQUIRE(many.rfind("*50\r\n", 0) == 0);
  // Each of the 4 members turns up among 50 draws (a chance of failing below 1e-5).
  for (const char* m : {"a", "b", "c", "d"}) REQUIRE(many.find(Bulk(m)) != std::string::npos);
  REQUIRE(h.state.propagation.Take().empty());
}

TEST_CASE("SPOP draws from the server's generator, so a seeded test is repeatable", "[sets]") {
  auto run = [](uint64_t seed) {
    CommandHarness h;
    h.state.rng.seed(seed);
    h.Run({"SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h"});
    return h.Run({"SPOP", "s", "3"}) + h.Run({"SRANDMEMBER", "s", "-4"});
  };
  REQUIRE(run(1) == run(1));
  REQUIRE(run(1) != run(2));  // 8 members: distinct seeds agreeing would be a 1-in-thousands
}

TEST_CASE("A set write marks the key's watchers", "[sets]") {
  CommandHarness h;
  h.Run({"SADD", "s", "a"});
  bool touched = false;
  h.state.dbs[0]->Watch("s", &touched);
  h.Run({"SADD", "s", "a"});  // nothing changed
  REQUIRE_FALSE(touched);
  h.Run({"SADD", "s", "b"});
  REQUIRE(touched);
  touched = false;
  h.Run({"SREM", "s", "a"});
  REQUIRE(touched);
  h.state.dbs[0]->Unwatch("s", &touched);
}

TEST_CASE("COPY of a set is deep; TYPE and SCAN TYPE know sets", "[sets]") {
  CommandHarness h;
  h.Run({"SADD", "s", "1", "2"});
  h.Run({"SET", "str", "x"});
  REQUIRE(h.Run({"COPY", "s", "c"}) == Int(1));
  h.Run({"SADD", "c", "x"});
  REQUIRE(SetMembersOf(h, "s") == std::set<std::string>{"1", "2"});
  REQUIRE(SetMembersOf(h, "c") == std::set<std::string>{"1", "2", "x"});
  REQUIRE(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("intset"));
  REQUIRE(h.Run({"OBJECT", "ENCODING", "c"}) == Bulk("listpack"));
  REQUIRE(h.Run({"TYPE", "c"}) == "+set\r\n");
  const std::string scan = h.Run({"SCAN", "0", "TYPE", "set"});
  REQUIRE(scan.find(Bulk("s")) != std::string::npos);
  REQUIRE(scan.find(Bulk("c")) != std::string::npos);
  REQUIRE(scan.find(Bulk("str")) == std::string::npos);
}

TEST_CASE("The rewrite snapshot writes a set as SADDs of at most 64 members, then PEXPIREAT",
          "[sets]") {
  CommandHarness h;
  SetArgv sadd = {"SADD", "s"};
  for (int i = 0; i < 150; i++) sadd.push_back(std::to_string(i));
  h.Run(sadd);
  h.Run({"PEXPIREAT", "s", "99999999999999"});
  const std::string text = server::SnapshotText(h.state.dbs, 0);
  size_t sadds = 0;
  size_t pos = 0;
  while ((pos = text.find("$4\r\nSADD\r\n", pos)) != std::string::npos) {
    sadds++;
    pos++;
  }
  REQUIRE(sadds == 3);  // 64 + 64 + 22
  REQUIRE(text.find("PEXPIREAT") != std::string::npos);
  REQUIRE(text.find(testing_support::Multibulk({"PEXPIREAT", "s", "99999999999999"})) !=
          std::string::npos);
}

TEST_CASE("The set-max-* knobs move the encoding thresholds", "[sets]") {
  CommandHarness h;
  REQUIRE(h.Run({"CONFIG", "SET", "set-max-intset-entries", "2"}) == "+OK\r\n");
  REQUIRE(h.Run({"CONFIG", "SET", "set-max-listpack-entries", "3"}) == "+OK\r\n");
  REQUIRE(h.Run({"CONFIG", "SET", "set-max-listpack-value", "4"}) == "+OK\r\n");
  h.Run({"SADD", "n", "1", "2"});
  REQUIRE(h.Run({"OBJECT", "ENCODING", "n"}) == Bulk("intset"));
  h.Run({"SADD", "n", "3"});
  REQUIRE(h.Run({"OBJECT", "ENCODING", "n"}) == Bulk("hashtable"));
  h.Run({"SADD", "s", "abcd", "b", "c"});
  REQUIRE(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("listpack"));
  h.Run({"SADD", "s", "d"});
  REQUIRE(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("hashtable"));
  h.Run({"SADD", "v", "abcde"});
  REQUIRE(h.Run({"OBJECT", "ENCODING", "v"}) == Bulk("hashtable"));
}
