// RUNNEL.XLOADBLOCK in-process: a block's bytes make the same stream XADDs make (new key and
// existing one), it is logged as sent, and a bad payload, wrong metadata, a block not above the
// top item or a key of another type get an error while the key and the connection stay as
// they were.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "streams/entry_block.h"
#include "tests/support/command_harness.h"

using testing_support::CommandHarness;

namespace {

// The plain bytes of a block of entries i-0 {f: v<i>} for i in [from, to].
std::string BlockBytes(int from, int to) {
  streams::EntryBlock b;
  for (int i = from; i <= to; i++) {
    const std::string v = "v" + std::to_string(i);
    const std::string_view fv[] = {"f", v};
    REQUIRE(b.Append({static_cast<uint64_t>(i), 0}, fv));
  }
  return std::string(b.PlainBytes());
}

std::string Load(CommandHarness& h, const std::string& key, int from, int to,
                 const std::string& bytes) {
  return h.Run({"RUNNEL.XLOADBLOCK", key, std::to_string(from) + "-0", std::to_string(to) + "-0",
                std::to_string(to - from + 1), bytes});
}

}  // namespace

TEST_CASE("RUNNEL.XLOADBLOCK makes the stream the same XADDs make", "[streams][load_block]") {
  CommandHarness loaded;
  CommandHarness added;
  CHECK(Load(loaded, "s", 1, 5, BlockBytes(1, 5)) == "+OK\r\n");
  CHECK(Load(loaded, "s", 6, 9, BlockBytes(6, 9)) == "+OK\r\n");
  for (int i = 1; i <= 9; i++) {
    added.Run({"XADD", "s", std::to_string(i) + "-0", "f", "v" + std::to_string(i)});
  }
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"XRANGE", "s", "-", "+"},
                                             {"XREVRANGE", "s", "+", "-", "COUNT", "4"},
                                             {"XRANGE", "s", "3-0", "7-0"},
                                             {"XLEN", "s"},
                                             {"TYPE", "s"}}) {
    CHECK(loaded.Run(cmd) == added.Run(cmd));
  }
  // Appends after it land above the loaded block.
  CHECK(loaded.Run({"XADD", "s", "10-0", "f", "v10"}) == "$4\r\n10-0\r\n");
}

TEST_CASE("The README's RUNNEL.XLOADBLOCK example loads as it says", "[streams][load_block]") {
  CommandHarness h;
  CHECK(h.Run({"RUNNEL.XLOADBLOCK", "s", "1-1", "3-1", "2",
               std::string("\x04\x01\x01\x02"
                           "a"
                           "\x02"
                           "b"
                           "\x16\x01\x31",
                           10)}) == "+OK\r\n");
  CommandHarness added;
  added.Run({"XADD", "s", "1-1", "a", "b"});
  added.Run({"XADD", "s", "3-1", "a", "12"});
  CHECK(h.Run({"XRANGE", "s", "-", "+"}) == added.Run({"XRANGE", "s", "-", "+"}));
}

TEST_CASE("Bad RUNNEL.XLOADBLOCK payloads are refused and change nothing",
          "[streams][load_block]") {
  CommandHarness h;
  REQUIRE(Load(h, "s", 1, 3, BlockBytes(1, 3)) == "+OK\r\n");
  const std::string before = h.Run({"XRANGE", "s", "-", "+"});
  const std::string good = BlockBytes(4, 6);
  auto error = [](const std::string& reply) { return reply.rfind("-ERR ", 0) == 0; };

  CHECK(Load(h, "s", 4, 6, good.substr(0, good.size() - 2))
            .rfind("-ERR RUNNEL.XLOADBLOCK invalid block: ", 0) == 0);
  CHECK(h.Run({"RUNNEL.XLOADBLOCK", "s", "4-0", "6-0", "2", good}) ==
        "-ERR RUNNEL.XLOADBLOCK invalid block: more entries than counted\r\n");
  CHECK(h.Run({"RUNNEL.XLOADBLOCK", "s", "4-0", "7-0", "3", good}) ==
        "-ERR RUNNEL.XLOADBLOCK invalid block: last entry is not the last ID\r\n");
  CHECK(h.Run({"RUNNEL.XLOADBLOCK", "s", "4-0", "6-0", "0", good}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"RUNNEL.XLOADBLOCK", "s", "x", "6-0", "3", good}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  CHECK(error(h.Run({"RUNNEL.XLOADBLOCK", "s", "4-0", "6-0", "3", std::string(40, '\xff')})));
  CHECK(error(h.Run({"RUNNEL.XLOADBLOCK", "s", "4-0", "6-0", "3", ""})));
  // Valid, but not above the stream's top item.
  CHECK(Load(h, "s", 1, 3, BlockBytes(1, 3)) ==
        "-ERR RUNNEL.XLOADBLOCK the block's first ID is equal or smaller than the target stream "
        "top item\r\n");
  CHECK(h.Run({"XRANGE", "s", "-", "+"}) == before);
  // A refused payload on a missing key makes no key.
  CHECK(error(Load(h, "new", 4, 6, good.substr(1))));
  CHECK(h.Run({"EXISTS", "new"}) == ":0\r\n");
  h.Run({"SET", "str", "x"});
  CHECK(Load(h, "str", 4, 6, good).rfind("-WRONGTYPE", 0) == 0);
  // The connection goes on.
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
  CHECK(Load(h, "s", 4, 6, good) == "+OK\r\n");
  CHECK(h.Run({"XLEN", "s"}) == ":6\r\n");
}

TEST_CASE("RUNNEL.XLOADBLOCK is logged as sent", "[streams][load_block]") {
  CommandHarness h;
  h.state.propagation.Take();
  const std::string bytes = BlockBytes(1, 2);
  REQUIRE(Load(h, "s", 1, 2, bytes) == "+OK\r\n");
  CHECK(
      testing_support::ArgvsOf(h.state.propagation.Take()) ==
      std::vector<std::vector<std::string>>{{"RUNNEL.XLOADBLOCK", "s", "1-0", "2-0", "2", bytes}});
}
