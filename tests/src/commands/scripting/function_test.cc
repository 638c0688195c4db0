// FUNCTION and FCALL in-process: what reaches the AOF (FUNCTION's writes as themselves, an
// FCALL's effects as one MULTI/EXEC), loads and restores that fail leaving everything as it
// was, and function names owned by one library. Replies are compared with Redis in the compat
// suite (scripting_function_*).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/scripting/function_dump.h"
#include "tests/support/command_harness.h"

using testing_support::CommandHarness;
using testing_support::PinnedClockHarness;

using FnArgvs = std::vector<std::vector<std::string>>;

namespace {

std::string LibraryCode(const std::string& name, const std::vector<std::string>& functions) {
  std::string code = "#!lua name=" + name + "\n";
  for (const std::string& f : functions) {
    code += "redis.register_function('" + f + "', function(keys, args) return redis.call('SET', "
            "keys[1], '" + f + "') end)\n";
  }
  return code;
}

std::string BulkOf(const std::string& reply) {
  const size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

}  // namespace

TEST_CASE("FUNCTION LOAD reaches the AOF as itself; a refused one records nothing",
          "[scripting][functions]") {
  PinnedClockHarness h(1000);
  const std::string code = LibraryCode("lib", {"f"});
  CHECK(h.Recorded({"FUNCTION", "LOAD", code}) == FnArgvs{{"FUNCTION", "LOAD", code}});
  CHECK(h.Recorded({"FUNCTION", "LOAD", code}).empty());  // exists already
  CHECK(h.Recorded({"FUNCTION", "LOAD", "#!lua name=bad\nx = 1"}).empty());
  CHECK(h.Recorded({"FUNCTION", "DELETE", "nosuch"}).empty());
  CHECK(h.Recorded({"FUNCTION", "DELETE", "lib"}) == FnArgvs{{"FUNCTION", "DELETE", "lib"}});
}

TEST_CASE("An FCALL's writes reach the AOF as one MULTI/EXEC of their effects",
          "[scripting][functions]") {
  PinnedClockHarness h(1000);
  h.Run({"FUNCTION", "LOAD",
         "#!lua name=two\nredis.register_function('two', function(keys) "
         "redis.call('SET', keys[1], 'a') redis.call('INCR', 'n') return 1 end)"});
  CHECK(h.Recorded({"FCALL", "two", "1", "k"}) ==
        FnArgvs{{"MULTI"}, {"SET", "k", "a"}, {"INCR", "n"}, {"EXEC"}});
  CHECK(h.Run({"GET", "k"}) == "$1\r\na\r\n");
}

TEST_CASE("A function name belongs to one library; REPLACE may move it within the library",
          "[scripting][functions]") {
  CommandHarness h;
  CHECK(h.Run({"FUNCTION", "LOAD", LibraryCode("one", {"a", "b"})}) == "$3\r\none\r\n");
  CHECK(h.Run({"FUNCTION", "LOAD", LibraryCode("two", {"c", "a"})}) ==
        "-ERR Function a already exists\r\n");
  CHECK(h.Run({"FUNCTION", "LOAD", "REPLACE", LibraryCode("two", {"c", "a"})}) ==
        "-ERR Function a already exists\r\n");
  // The refused library left nothing behind.
  CHECK(h.Run({"FCALL", "c", "1", "k"}) == "-ERR Function not found\r\n");
  // Replacing "one" with a library without b drops b and keeps a working.
  CHECK(h.Run({"FUNCTION", "LOAD", "REPLACE", LibraryCode("one", {"a", "d"})}) == "$3\r\none\r\n");
  CHECK(h.Run({"FCALL", "b", "1", "k"}) == "-ERR Function not found\r\n");
  CHECK(h.Run({"FCALL", "d", "1", "k"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nd\r\n");
}

TEST_CASE("FUNCTION RESTORE applies all of a payload or none of it", "[scripting][functions]") {
  CommandHarness h;
  h.Run({"FUNCTION", "LOAD", LibraryCode("one", {"a"})});
  h.Run({"FUNCTION", "LOAD", LibraryCode("two", {"b"})});
  const std::string dump = BulkOf(h.Run({"FUNCTION", "DUMP"}));
  // APPEND (the default) refuses a library that exists; nothing changes.
  CHECK(h.Run({"FUNCTION", "RESTORE", dump}) == "-ERR Library one already exists\r\n");
  h.Run({"FUNCTION", "DELETE", "one"});
  CHECK(h.Run({"FUNCTION", "RESTORE", dump}) == "-ERR Library two already exists\r\n");
  CHECK(h.Run({"FCALL", "a", "1", "k"}) == "-ERR Function not found\r\n");
  // REPLACE swaps both in; FLUSH drops a library the payload does not have.
  CHECK(h.Run({"FUNCTION", "RESTORE", dump, "REPLACE"}) == "+OK\r\n");
  CHECK(h.Run({"FCALL", "a", "1", "k"}) == "+OK\r\n");
  h.Run({"FUNCTION", "LOAD", LibraryCode("three", {"c"})});
  CHECK(h.Run({"FUNCTION", "RESTORE", dump, "FLUSH"}) == "+OK\r\n");
  CHECK(h.Run({"FCALL", "c", "1", "k"}) == "-ERR Function not found\r\n");
  CHECK(h.Run({"FCALL", "b", "1", "k"}) == "+OK\r\n");
  // A payload whose second library fails to load restores neither.
  const std::vector<std::string> codes = {LibraryCode("four", {"e"}), "#!lua name=five\nx = 1"};
  const std::string broken = server::scripting::EncodeFunctionDump(codes);
  CHECK(h.Run({"FUNCTION", "RESTORE", broken}).starts_with("-ERR Error registering functions"));
  CHECK(h.Run({"FCALL", "e", "1", "k"}) == "-ERR Function not found\r\n");
  CHECK(h.Run({"FUNCTION", "STATS"}).find(":2\r\n$15\r\nfunctions_count\r\n:2\r\n") !=
        std::string::npos);
}

TEST_CASE("FLUSHALL and SCRIPT FLUSH keep functions; FUNCTION FLUSH drops them all",
          "[scripting][functions]") {
  CommandHarness h;
  h.Run({"FUNCTION", "LOAD", LibraryCode("one", {"a"})});
  h.Run({"FLUSHALL"});
  h.Run({"SCRIPT", "FLUSH"});
  CHECK(h.Run({"FCALL", "a", "1", "k"}) == "+OK\r\n");
  CHECK(h.Run({"FUNCTION", "FLUSH"}) == "+OK\r\n");
  CHECK(h.Run({"FCALL", "a", "1", "k"}) == "-ERR Function not found\r\n");
  CHECK(h.Run({"FUNCTION", "LOAD", LibraryCode("one", {"a"})}) == "$3\r\none\r\n");
}

TEST_CASE("A function's time stands still and its keys are the caller's db",
          "[scripting][functions]") {
  PinnedClockHarness h(5000);
  h.Run({"SELECT", "3"});
  h.Run({"SET", "k", "v", "PX", "100"});
  h.Run({"FUNCTION", "LOAD",
         "#!lua name=t\nredis.register_function('ttl', function(keys) "
         "return {redis.call('PTTL', keys[1]), redis.call('PTTL', keys[1])} end)"});
  CHECK(h.Run({"FCALL", "ttl", "1", "k"}) == "*2\r\n:100\r\n:100\r\n");
}
