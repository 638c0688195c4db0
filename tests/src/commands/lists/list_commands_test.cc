// List handlers in-process: what each write leaves for the AOF (pops with their deterministic
// counts, blocking pops as their plain forms), emptied lists deleting their keys, the encoding
// OBJECT ENCODING reports under list-max-listpack-size, the key commands (TYPE, COPY, SCAN
// TYPE) and the rewrite snapshot's bounded RPUSH batches.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "src/aof_snapshot.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

using testing_support::ArgvsOf;
using testing_support::Bulk;
using testing_support::Int;
using Argvs = std::vector<std::vector<std::string>>;

TEST_CASE("LPUSH and RPUSH build the list in order and reply its length", "[lists]") {
  testing_support::CommandHarness h;
  CHECK(h.Run({"LPUSH", "l", "b", "a"}) == Int(2));
  CHECK(h.Run({"RPUSH", "l", "c"}) == Int(3));
  CHECK(h.Run({"LRANGE", "l", "0", "-1"}) == "*3\r\n" + Bulk("a") + Bulk("b") + Bulk("c"));
  CHECK(h.Run({"TYPE", "l"}) == "+list\r\n");
}

TEST_CASE("Popping the last entry deletes the list's key", "[lists]") {
  testing_support::CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b"});
  CHECK(h.Run({"LPOP", "l", "5"}) == "*2\r\n" + Bulk("a") + Bulk("b"));
  CHECK(h.Run({"EXISTS", "l"}) == Int(0));
  h.Run({"RPUSH", "m", "x", "y", "x"});
  CHECK(h.Run({"LREM", "m", "0", "x"}) == Int(2));
  CHECK(h.Run({"LTRIM", "m", "1", "0"}) == "+OK\r\n");
  CHECK(h.Run({"EXISTS", "m"}) == Int(0));
}

TEST_CASE("List writes record themselves, and calls that change nothing record nothing",
          "[lists][propagation]") {
  testing_support::CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b", "c"});
  h.Run({"LPUSHX", "nokey", "a"});
  h.Run({"LPOP", "nokey"});
  h.Run({"LREM", "l", "0", "zz"});
  h.Run({"LTRIM", "l", "0", "-1"});
  h.Run({"LINSERT", "l", "BEFORE", "zz", "x"});
  h.Run({"LMOVE", "nokey", "l", "LEFT", "LEFT"});
  h.Run({"LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "10"});
  CHECK(ArgvsOf(h.state.propagation.Take()) ==
        Argvs{{"RPUSH", "l", "a", "b", "c"}, {"RPOP", "l", "3"}});
}

TEST_CASE("A blocking pop with data records its plain form", "[lists][propagation]") {
  testing_support::CommandHarness h;
  h.Run({"RPUSH", "a", "1", "2", "3"});
  h.state.propagation.Take();
  CHECK(h.Run({"BLPOP", "nokey", "a", "0"}) == "*2\r\n" + Bulk("a") + Bulk("1"));
  CHECK(h.Run({"BLMOVE", "a", "b", "RIGHT", "LEFT", "0"}) == Bulk("3"));
  CHECK(h.Run({"BRPOPLPUSH", "a", "b", "0"}) == Bulk("2"));
  CHECK(h.Run({"BLMPOP", "0", "1", "b", "LEFT", "COUNT", "1"}) ==
        "*2\r\n" + Bulk("b") + "*1\r\n" + Bulk("2"));
  CHECK(ArgvsOf(h.state.propagation.Take()) == Argvs{{"LPOP", "a"},
                                                     {"LMOVE", "a", "b", "RIGHT", "LEFT"},
                                                     {"RPOPLPUSH", "a", "b"},
                                                     {"LPOP", "b", "1"}});
}

TEST_CASE("OBJECT ENCODING says listpack for one small node and quicklist past it", "[lists]") {
  testing_support::CommandHarness h;
  h.Run({"CONFIG", "SET", "list-max-listpack-size", "4"});
  CHECK(h.Run({"CONFIG", "GET", "list-max-ziplist-size"}) ==
        "*2\r\n" + Bulk("list-max-ziplist-size") + Bulk("4"));
  h.Run({"RPUSH", "l", "1", "2", "3", "4"});
  CHECK(h.Run({"OBJECT", "ENCODING", "l"}) == Bulk("listpack"));
  h.Run({"RPUSH", "l", "5"});
  CHECK(h.Run({"OBJECT", "ENCODING", "l"}) == Bulk("quicklist"));
  h.Run({"RPOP", "l", "3"});
  CHECK(h.Run({"OBJECT", "ENCODING", "l"}) == Bulk("listpack"));
}

TEST_CASE("COPY of a list is deep: changing the copy leaves the source", "[lists]") {
  testing_support::CommandHarness h;
  h.Run({"RPUSH", "l", "a", "b"});
  CHECK(h.Run({"COPY", "l", "c"}) == Int(1));
  h.Run({"RPUSH", "c", "z"});
  CHECK(h.Run({"LLEN", "l"}) == Int(2));
  CHECK(h.Run({"LLEN", "c"}) == Int(3));
  h.Run({"SET", "s", "x"});
  const std::string scan = h.Run({"SCAN", "0", "TYPE", "list", "COUNT", "100"});
  CHECK((scan == "*2\r\n" + Bulk("0") + "*2\r\n" + Bulk("c") + Bulk("l") ||
         scan == "*2\r\n" + Bulk("0") + "*2\r\n" + Bulk("l") + Bulk("c")));
}

TEST_CASE("The rewrite snapshot writes a list as RPUSHes of at most 64 entries, then its TTL",
          "[lists][aof]") {
  testing_support::CommandHarness h;
  std::vector<std::string> push = {"RPUSH", "l"};
  for (int i = 0; i < 130; i++) push.push_back(std::to_string(i));
  h.Run(push);
  h.Run({"PEXPIREAT", "l", "99999999999999"});
  const std::string text = server::SnapshotText(h.state.dbs, 0);
  std::vector<std::string> first = {"RPUSH", "l"};
  for (int i = 0; i < 64; i++) first.push_back(std::to_string(i));
  std::vector<std::string> last = {"RPUSH", "l", "128", "129"};
  const auto pos_first = text.find(testing_support::Multibulk(first));
  const auto pos_last = text.find(testing_support::Multibulk(last));
  const auto pos_ttl = text.find(testing_support::Multibulk({"PEXPIREAT", "l", "99999999999999"}));
  REQUIRE(pos_first != std::string::npos);
  REQUIRE(pos_last != std::string::npos);
  REQUIRE(pos_ttl != std::string::npos);
  CHECK(pos_first < pos_last);
  CHECK(pos_last < pos_ttl);
}

namespace {

// MEMORY USAGE of `key` (all nodes sampled) as a number.
int64_t ListMemoryUsage(testing_support::CommandHarness& h, const std::string& key) {
  const std::string out = h.Run({"MEMORY", "USAGE", key, "SAMPLES", "0"});
  REQUIRE(out.front() == ':');
  return std::stoll(out.substr(1));
}

void PushElements(testing_support::CommandHarness& h, const std::string& key, int from, int n) {
  std::vector<std::string> push = {"RPUSH", key};
  for (int i = from; i < from + n; i++) push.push_back("element:" + std::to_string(i));
  h.Run(push);
}

}  // namespace

TEST_CASE("list-compress-depth compresses new lists; the middle still reads and writes",
          "[lists][compress]") {
  testing_support::CommandHarness h;
  PushElements(h, "old", 0, 20000);
  const int64_t raw = ListMemoryUsage(h, "old");
  CHECK(h.Run({"CONFIG", "SET", "list-compress-depth", "1"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "list-compress-depth"}) ==
        "*2\r\n" + Bulk("list-compress-depth") + Bulk("1"));
  PushElements(h, "l", 0, 20000);
  const int64_t packed = ListMemoryUsage(h, "l");
  CHECK(packed * 2 < raw);
  // As in Redis, a list that is already a quicklist keeps the depth it was made with.
  PushElements(h, "old", 20000, 1);
  CHECK(ListMemoryUsage(h, "old") >= raw);

  CHECK(h.Run({"LINDEX", "l", "10000"}) == Bulk("element:10000"));
  CHECK(h.Run({"LRANGE", "l", "9999", "10001"}) ==
        "*3\r\n" + Bulk("element:9999") + Bulk("element:10000") + Bulk("element:10001"));
  CHECK(h.Run({"LSET", "l", "10000", "changed"}) == "+OK\r\n");
  CHECK(h.Run({"LINSERT", "l", "BEFORE", "element:12000", "inserted"}) == Int(20001));
  CHECK(h.Run({"LINDEX", "l", "10000"}) == Bulk("changed"));
  CHECK(h.Run({"LINDEX", "l", "12000"}) == Bulk("inserted"));
  CHECK(h.Run({"LINDEX", "l", "12001"}) == Bulk("element:12000"));
  CHECK(h.Run({"LPOS", "l", "element:15000"}) == Int(15001));
  CHECK(h.Run({"LREM", "l", "0", "element:15000"}) == Int(1));
  CHECK(h.Run({"LTRIM", "l", "100", "-100"}) == "+OK\r\n");
  CHECK(h.Run({"LLEN", "l"}) == Int(19801));
  CHECK(h.Run({"LINDEX", "l", "0"}) == Bulk("element:100"));
  CHECK(h.Run({"LINDEX", "l", "-1"}) == Bulk("element:19900"));
  // Still compressed after all that.
  CHECK(ListMemoryUsage(h, "l") * 2 < raw);

  // COPY and the rewrite snapshot read the compressed nodes.
  CHECK(h.Run({"COPY", "l", "c"}) == Int(1));
  CHECK(h.Run({"LINDEX", "c", "9900"}) == Bulk("changed"));
  const std::string text = server::SnapshotText(h.state.dbs, 0);
  CHECK(text.find(Bulk("inserted")) != std::string::npos);
  CHECK(text.find(Bulk("changed")) != std::string::npos);
}
