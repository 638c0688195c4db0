// INFO's rdb_changes_since_last_save: every write that changed the dataset counts, reads and
// refused writes do not, and it counts whether or not an AOF records the writes.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/command_harness.h"

namespace {

using testing_support::CommandHarness;

int64_t ChangesSinceSave(CommandHarness& h) {
  const std::string info = h.Run({"INFO", "persistence"});
  const std::string field = "rdb_changes_since_last_save:";
  const size_t at = info.find(field);
  REQUIRE(at != std::string::npos);
  return std::stoll(info.substr(at + field.size()));
}

}  // namespace

TEST_CASE("rdb_changes_since_last_save counts writes and not reads or errors", "[info]") {
  CommandHarness h;
  CHECK(ChangesSinceSave(h) == 0);
  h.Run({"SET", "k", "v"});
  h.Run({"SADD", "s", "a"});
  CHECK(ChangesSinceSave(h) == 2);
  h.Run({"GET", "k"});
  h.Run({"SMEMBERS", "s"});
  h.Run({"SADD", "k", "x"});  // WRONGTYPE
  h.Run({"SADD", "s", "a"});  // already there: nothing changed
  CHECK(ChangesSinceSave(h) == 2);
}

TEST_CASE("rdb_changes_since_last_save counts an XREADGROUP that adds to a PEL", "[info]") {
  CommandHarness h;
  h.Run({"XADD", "x", "1-1", "f", "v"});
  h.Run({"XGROUP", "CREATE", "x", "g", "0"});
  const int64_t before = ChangesSinceSave(h);
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "x", ">"});
  const int64_t after_delivery = ChangesSinceSave(h);
  CHECK(after_delivery > before);
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "x", ">"});  // nothing new: no change
  CHECK(ChangesSinceSave(h) == after_delivery);
}

TEST_CASE("rdb_changes_since_last_save counts writes while no AOF records them", "[info]") {
  CommandHarness h;
  h.state.propagation.set_enabled(false);
  h.Run({"RPUSH", "l", "a", "b"});
  h.Run({"LPOP", "l"});
  CHECK(ChangesSinceSave(h) == 2);
}
