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
