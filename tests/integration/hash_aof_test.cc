// Hashes through the AOF of a real server: a hash with field TTLs (and one field that expires
// while the server runs) comes back the same after a restart, and again after BGREWRITEAOF and
// a second restart: the same fields, values and absolute field expiry times.
#include <algorithm>
#include <map>
#include <thread>

#include "aof_test_process.h"

namespace {

using aoftest::WaitPersistenceField;
using itest::Redis;

// Every field of hash `key` sorted, with its value and absolute expiry in ms (-1 for none).
std::string DumpHash(Redis& r, const std::string& key) {
  itest::Reply all = r.Command({"HGETALL", key});
  REQUIRE(all);
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < all->elements; i += 2) {
    fields[all->element[i]->str] = all->element[i + 1]->str;
  }
  std::string out = key + " exp=" + r.Text({"PEXPIRETIME", key}) + "\n";
  for (const auto& [f, v] : fields) {
    out += "  " + f + "=" + v + " at=" + r.Text({"HPEXPIRETIME", key, "FIELDS", "1", f}) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("A hash with field TTLs survives a restart and a rewrite", "[aof][hash]") {
  aoftest::TempDir dir;
  int port = 0;
  std::string before;
  {
    auto server = aoftest::StartRunnel(dir.path(), port);
    INFO("server log:\n" << server->Log());
    Redis r(port);
    for (int i = 0; i < 600; i++) {  // past the listpack limit (512): a table-encoded hash
      r.Text({"HSET", "big", "f" + std::to_string(i), "v" + std::to_string(i)});
    }
    REQUIRE(r.Text({"HSET", "small", "a", "1", "b", "2", "c", "3"}) == "3");
    r.Command({"HEXPIRE", "small", "1000", "FIELDS", "1", "a"});
    r.Command({"HPEXPIREAT", "big", "99999999999999", "FIELDS", "2", "f1", "f2"});
    r.Command({"HPEXPIRE", "small", "50", "FIELDS", "1", "c"});  // gone before the restart
    REQUIRE(r.Text({"HINCRBYFLOAT", "small", "a", "0.5"}) == "1.5");
    REQUIRE(r.Text({"EXPIRE", "big", "100000"}) == "1");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(r.Text({"HLEN", "small"}) == "2");
    before = DumpHash(r, "small") + DumpHash(r, "big");
    CHECK(before.find(" c=") == std::string::npos);
    REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
    server->Kill(SIGKILL);
  }
  {
    auto again = aoftest::StartRunnel(dir.path(), port);
    INFO("log after restart:\n" << again->Log());
    REQUIRE(again->Running());
    Redis r(port);
    CHECK(DumpHash(r, "small") + DumpHash(r, "big") == before);
    CHECK(r.Text({"OBJECT", "ENCODING", "big"}) == "hashtable");
    CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(WaitPersistenceField(r, "aof_rewrites", "1"));
    REQUIRE(WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
    REQUIRE(WaitPersistenceField(r, "aof_buffer_length", "0"));
    again->Kill(SIGKILL);
  }
  auto third = aoftest::StartRunnel(dir.path(), port);
  INFO("log after the rewrite's restart:\n" << third->Log());
  REQUIRE(third->Running());
  Redis r(port);
  CHECK(DumpHash(r, "small") + DumpHash(r, "big") == before);
}
