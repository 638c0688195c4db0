// Blocking list pops in-process: parked clients served first come first served by later
// pushes, each served pop recorded as its plain form, timeouts with sub-second deadlines,
// keys deleted or retyped while waited on, a served BLMOVE waking its destination's waiter,
// and a client that leaves while blocked.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "src/blocking.h"
#include "tests/support/blocking_clients.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

using testing_support::ArgvsOf;
using testing_support::Bulk;
using testing_support::Int;

namespace {

using ListArgvs = std::vector<std::vector<std::string>>;

using ListWaiters = testing_support::BlockingClients;

std::string KeyValue(const std::string& key, const std::string& value) {
  return "*2\r\n" + Bulk(key) + Bulk(value);
}

}  // namespace

TEST_CASE("Clients blocked on a list are served first come first served, one entry each",
          "[lists][blocking]") {
  ListWaiters w;
  w.Run(10, {"BLPOP", "l", "0"});
  w.Run(11, {"BRPOP", "other", "l", "0"});
  w.Run(12, {"BLPOP", "l", "0"});
  CHECK(w.h.state.blocking.blocked_count() == 3);
  CHECK(w.Take(10).empty());
  w.h.state.propagation.Take();
  w.Run(13, {"RPUSH", "l", "a", "b"});
  CHECK(w.Serve() == std::vector<uint64_t>{10, 11});
  CHECK(w.Take(10) == KeyValue("l", "a"));
  CHECK(w.Take(11) == KeyValue("l", "b"));
  CHECK(w.Take(12).empty());
  CHECK(w.h.state.blocking.blocked_count() == 1);
  CHECK(ArgvsOf(w.h.state.propagation.Take()) ==
        ListArgvs{{"RPUSH", "l", "a", "b"}, {"LPOP", "l"}, {"RPOP", "l"}});
  w.Take(13);
  w.Run(13, {"EXISTS", "l"});
  CHECK(w.Take(13) == Int(0));
}

TEST_CASE("A blocking pop waits out a sub-second timeout and replies a null array",
          "[lists][blocking]") {
  ListWaiters w;
  const int64_t before = server::SteadyMs();
  w.Run(10, {"BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.25"});
  const int64_t deadline = w.h.state.blocking.NextDeadline();
  CHECK(deadline >= before + 250);
  CHECK(deadline <= server::SteadyMs() + 250);
  CHECK(w.h.state.blocking.ExpireDue({server::WallClockMs(), deadline - 1}, w.Writers()).empty());
  CHECK(w.h.state.blocking.ExpireDue({server::WallClockMs(), deadline}, w.Writers()) ==
        std::vector<uint64_t>{10});
  CHECK(w.Take(10) == "*-1\r\n");
}

TEST_CASE("A waited-on list deleted or made another type keeps its client waiting",
          "[lists][blocking]") {
  ListWaiters w;
  w.Run(10, {"BLPOP", "l", "0"});
  w.Run(13, {"MULTI"});
  w.Run(13, {"RPUSH", "l", "a"});
  w.Run(13, {"DEL", "l"});
  w.Run(13, {"SET", "l", "string"});
  w.Run(13, {"EXEC"});
  w.Take(13);
  CHECK(w.Serve().empty());
  CHECK(w.h.state.blocking.blocked_count() == 1);
  w.Run(13, {"DEL", "l"});
  w.Run(13, {"LPUSH", "l", "v"});
  CHECK(w.Serve() == std::vector<uint64_t>{10});
  CHECK(w.Take(10) == KeyValue("l", "v"));
}

TEST_CASE("A served BLMOVE records LMOVE and serves the client waiting on its destination",
          "[lists][blocking]") {
  ListWaiters w;
  w.Run(10, {"BLMOVE", "a", "b", "LEFT", "RIGHT", "0"});
  w.Run(11, {"BRPOPLPUSH", "b", "c", "0"});
  w.h.state.propagation.Take();
  w.Run(13, {"RPUSH", "a", "x"});
  CHECK(w.Serve() == std::vector<uint64_t>{10, 11});
  CHECK(w.Take(10) == Bulk("x"));
  CHECK(w.Take(11) == Bulk("x"));
  CHECK(ArgvsOf(w.h.state.propagation.Take()) == ListArgvs{{"RPUSH", "a", "x"},
                                                           {"LMOVE", "a", "b", "LEFT", "RIGHT"},
                                                           {"RPOPLPUSH", "b", "c"}});
  w.Take(13);
  w.Run(13, {"LRANGE", "c", "0", "-1"});
  CHECK(w.Take(13) == "*1\r\n" + Bulk("x"));
}

TEST_CASE("A served BLMOVE whose destination became another type is answered WRONGTYPE",
          "[lists][blocking]") {
  ListWaiters w;
  w.Run(10, {"BLMOVE", "a", "b", "LEFT", "RIGHT", "0"});
  w.Run(13, {"SET", "b", "string"});
  w.Run(13, {"RPUSH", "a", "x"});
  CHECK(w.Serve() == std::vector<uint64_t>{10});
  CHECK(w.Take(10) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  w.Run(13, {"LLEN", "a"});
  CHECK(w.Take(13).ends_with(Int(1)));
}

TEST_CASE("BLMPOP wakes on any of its keys and takes up to COUNT entries", "[lists][blocking]") {
  ListWaiters w;
  w.Run(10, {"BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2"});
  w.h.state.propagation.Take();
  w.Run(13, {"RPUSH", "b", "1", "2", "3"});
  CHECK(w.Serve() == std::vector<uint64_t>{10});
  CHECK(w.Take(10) == "*2\r\n" + Bulk("b") + "*2\r\n" + Bulk("3") + Bulk("2"));
  CHECK(ArgvsOf(w.h.state.propagation.Take()) ==
        ListArgvs{{"RPUSH", "b", "1", "2", "3"}, {"RPOP", "b", "2"}});
}

TEST_CASE("A client that leaves while blocked is forgotten and takes nothing",
          "[lists][blocking]") {
  ListWaiters w;
  w.Run(10, {"BLPOP", "l", "0"});
  w.Run(11, {"BLPOP", "l", "0"});
  w.h.state.blocking.Unblock(*w.clients.at(10));  // as a disconnect does
  w.Run(13, {"RPUSH", "l", "a"});
  CHECK(w.Serve() == std::vector<uint64_t>{11});
  CHECK(w.Take(10).empty());
  CHECK(w.Take(11) == KeyValue("l", "a"));
}
