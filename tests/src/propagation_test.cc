// server::Propagation: what Dispatch records for the AOF from each command (its own argv for a
// write, nothing for a read or an error), and what handlers may record instead.
#include <catch2/catch.hpp>

#include "tests/support/command_harness.h"
#include "src/propagation.h"

using server::PropagatedCommand;
using Argv = std::vector<std::string>;
using testing_support::ArgvsOf;

TEST_CASE("A write command is recorded as sent, in the db it ran in; reads are not",
          "[propagation]") {
  testing_support::CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"SELECT", "3"});
  h.Run({"APPEND", "k", "w"});
  auto records = h.state.propagation.Take();
  REQUIRE(ArgvsOf(records) == std::vector<Argv>{{"SET", "k", "v"}, {"APPEND", "k", "w"}});
  CHECK(records[0].db == 0);
  CHECK(records[1].db == 3);
  CHECK(h.state.propagation.Take().empty());
}

TEST_CASE("A write command that replies an error records nothing", "[propagation]") {
  testing_support::CommandHarness h;
  h.Run({"SET", "k", "abc"});
  h.state.propagation.Take();
  REQUIRE(h.Run({"INCR", "k"})[0] == '-');
  h.Run({"XADD", "k", "*", "f", "v"});  // WRONGTYPE
  CHECK(h.state.propagation.Take().empty());
}

TEST_CASE("What a handler adds replaces the command's own argv; Suppress records nothing",
          "[propagation]") {
  server::Propagation p;
  p.BeginCommand(2);
  p.Add({"XADD", "s", "1-1", "f", "v"});
  p.Add({"XTRIM", "s", "MAXLEN", "=", "5"});
  const std::string_view own[] = {"XADD", "s", "*", "f", "v"};
  p.EndCommand(own, true);
  p.BeginCommand(0);
  p.Suppress();
  p.EndCommand(own, true);
  auto records = p.Take();
  CHECK(ArgvsOf(records) ==
        std::vector<Argv>{{"XADD", "s", "1-1", "f", "v"}, {"XTRIM", "s", "MAXLEN", "=", "5"}});
  CHECK(records[0].db == 2);
}

TEST_CASE("Nested commands record inside their parent, and MULTI can be inserted before them",
          "[propagation]") {
  server::Propagation p;
  const std::string_view exec[] = {"EXEC"};
  const std::string_view set[] = {"SET", "a", "1"};
  p.BeginCommand(0);
  const size_t start = p.size();
  p.BeginCommand(0);
  p.EndCommand(set, true);
  p.InsertAt(start, 0, {"MULTI"});
  p.AddOutside(0, {"EXEC"});
  p.EndCommand(exec, false);
  CHECK(ArgvsOf(p.Take()) == std::vector<Argv>{{"MULTI"}, {"SET", "a", "1"}, {"EXEC"}});
}

namespace {

// Everything ForEachRun hands out, as the AOF would append it (SELECT before a change of db),
// with replication-only runs kept apart.
struct Runs {
  std::string aof;
  std::vector<std::string> replication_only;
  size_t runs = 0;
};

Runs Collect(const server::Propagation& p) {
  Runs out;
  int db = -1;
  p.ForEachRun([&](int run_db, bool replication_only, std::string_view resp) {
    out.runs++;
    if (replication_only) return out.replication_only.emplace_back(resp), void();
    if (run_db != db) server::AppendSelect(out.aof, run_db);
    db = run_db;
    out.aof.append(resp);
  });
  return out;
}

std::string Resp(std::initializer_list<std::string> argv) {
  std::string out;
  server::AppendMultibulk(out, std::vector<std::string>(argv));
  return out;
}

}  // namespace

TEST_CASE("Records are kept as RESP, and runs of one db come out as one piece", "[propagation]") {
  server::Propagation p;
  p.BeginCommand(0);
  p.Add({"SET", "a", "1"});
  p.Add({"SET", "b", std::string(300, 'x')});
  p.EndCommand({}, true);
  p.BeginCommand(4);
  const std::string_view own[] = {"DEL", "a"};
  p.EndCommand(own, true);
  p.BeginCommand(4);
  const std::string_view publish[] = {"PUBLISH", "ch", "hi"};
  p.AddReplicationOnly(publish);
  p.EndCommand(publish, false);
  p.AddOutside(4, {"DEL", "b"});
  const Runs runs = Collect(p);
  CHECK(runs.runs == 4);
  CHECK(runs.aof == Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"}) +
                        Resp({"SET", "b", std::string(300, 'x')}) + Resp({"SELECT", "4"}) +
                        Resp({"DEL", "a"}) + Resp({"DEL", "b"}));
  CHECK(runs.replication_only == std::vector<std::string>{Resp({"PUBLISH", "ch", "hi"})});
  CHECK(p.size() == 5);
  p.Clear();
  CHECK(p.empty());
  CHECK(Collect(p).runs == 0);
}

TEST_CASE("A record written argument by argument equals the same record added whole",
          "[propagation]") {
  server::Propagation p;
  const std::string big(5000, 'v');
  p.BeginCommand(1);
  // The size given is a hint: too small only grows the buffer.
  p.BeginRecord(5, 3);
  for (std::string_view a : {std::string_view("XADD"), std::string_view("s"),
                             std::string_view("1-1"), std::string_view(""),
                             std::string_view(big)}) {
    p.Arg(a);
  }
  const std::string_view sent[] = {"XADD", "s", "*", "f", "v"};
  p.AddReplacing(sent, 2, "1-2");
  p.BeginRecord(0, 0);
  p.EndCommand(sent, true);
  CHECK(p.changes() == 3);
  CHECK(Collect(p).aof == Resp({"SELECT", "1"}) + Resp({"XADD", "s", "1-1", "", big}) +
                              Resp({"XADD", "s", "1-2", "f", "v"}) + std::string("*0\r\n"));
  auto records = p.Take();
  REQUIRE(records.size() == 3);
  CHECK(records[0].argv == Argv{"XADD", "s", "1-1", "", big});
  CHECK(records[1].argv == Argv{"XADD", "s", "1-2", "f", "v"});
  CHECK(records[2].argv.empty());
  CHECK(records[2].db == 1);
}

TEST_CASE("MULTI inserted before earlier records and a truncation keep every record whole",
          "[propagation]") {
  server::Propagation p;
  p.AddOutside(0, {"SET", "a", "1"});
  const size_t first = p.size();
  p.AddOutside(0, {"SET", "b", "2"});
  p.AddOutside(2, {"SET", "c", "3"});
  p.WrapInTransaction(first);
  // MULTI takes the first wrapped record's db, EXEC the last one's.
  CHECK(Collect(p).aof == Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"}) + Resp({"MULTI"}) +
                              Resp({"SET", "b", "2"}) + Resp({"SELECT", "2"}) +
                              Resp({"SET", "c", "3"}) + Resp({"EXEC"}));
  const size_t before_d = p.size();
  p.AddOutside(3, {"SET", "d", std::string(100, 'd')});
  p.TruncateTo(before_d);
  p.AddOutside(2, {"SET", "e", "5"});
  auto records = p.Take();
  CHECK(ArgvsOf(records) == std::vector<Argv>{{"SET", "a", "1"},
                                              {"MULTI"},
                                              {"SET", "b", "2"},
                                              {"SET", "c", "3"},
                                              {"EXEC"},
                                              {"SET", "e", "5"}});
  CHECK(records[1].db == 0);
  CHECK(records[4].db == 2);
}

TEST_CASE("A request recorded as sent is copied from its bytes; one with stray bytes after a "
          "bulk is encoded afresh",
          "[propagation]") {
  // The parser's views into a request's bytes, as a connection notes them.
  auto views = [](std::string_view resp, std::initializer_list<std::pair<size_t, size_t>> at) {
    std::vector<std::string_view> out;
    for (auto [offset, size] : at) out.push_back(resp.substr(offset, size));
    return out;
  };
  const std::string set = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
  const std::vector<std::string_view> set_args = views(set, {{8, 3}, {17, 1}, {24, 1}});
  // The same request with "XY" where the parser skips a CRLF unread, as Redis's does.
  const std::string sloppy = "*3\r\n$3\r\nSETXY$1\r\nk\r\n$1\r\nv\r\n";
  const std::vector<std::string_view> sloppy_args = views(sloppy, {{8, 3}, {17, 1}, {24, 1}});
  const std::string xadd = "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n";
  const std::vector<std::string_view> xadd_args =
      views(xadd, {{8, 4}, {18, 1}, {25, 1}, {32, 1}, {39, 1}});
  REQUIRE(set_args == std::vector<std::string_view>{"SET", "k", "v"});
  REQUIRE(sloppy_args == set_args);
  REQUIRE(xadd_args == std::vector<std::string_view>{"XADD", "s", "*", "f", "v"});

  server::Propagation p;
  p.NoteRequest(set_args, set);
  p.BeginCommand(0);
  p.EndCommand(set_args, true);
  // Another argv with the same contents is not the noted request: encoded, to the same bytes.
  const std::vector<std::string_view> copy = set_args;
  p.BeginCommand(0);
  p.EndCommand(copy, true);
  p.NoteRequest(sloppy_args, sloppy);
  p.BeginCommand(0);
  p.EndCommand(sloppy_args, true);
  p.NoteRequest(xadd_args, xadd);
  p.BeginCommand(0);
  p.AddReplacing(xadd_args, 2, "1700000000000-12");
  p.EndCommand(xadd_args, true);
  p.ForgetRequest();
  p.BeginCommand(0);
  p.AddReplacing(xadd_args, 2, "1-1");
  p.EndCommand(xadd_args, true);
  CHECK(Collect(p).aof == Resp({"SELECT", "0"}) + set + set + set +
                              Resp({"XADD", "s", "1700000000000-12", "f", "v"}) +
                              Resp({"XADD", "s", "1-1", "f", "v"}));
}
