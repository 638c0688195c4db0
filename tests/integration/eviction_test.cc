#include "server_fixture.h"

using itest::Redis;

namespace {

int64_t InfoNumber(Redis& r, const std::string& field) {
  std::string info = r.Text({"INFO", "all"});
  size_t at = info.find("\r\n" + field + ":");
  REQUIRE(at != std::string::npos);
  return std::stoll(info.substr(at + field.size() + 3));
}

}  // namespace

TEST_CASE("With allkeys-lru the server evicts to stay under maxmemory", "[integration]") {
  itest::Server server({"--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru"});
  Redis r(server.port());
  std::string value(1000, 'x');
  for (int i = 0; i < 5000; i++) {
    REQUIRE(r.Text({"SET", "key:" + std::to_string(i), value}) == "OK");
    if (i % 100 == 0) r.Text({"GET", "key:0"});  // keep one key hot
  }
  // A command's first call makes its statistics entry and latency histogram (24 KB, as
  // Redis's), which the next command's eviction pays for: DBSIZE and INFO run once before the
  // two readings that must agree.
  r.Text({"DBSIZE"});
  InfoNumber(r, "evicted_keys");
  int64_t keys = std::stoll(r.Text({"DBSIZE"}));
  CHECK(keys < 5000);
  CHECK(keys > 500);
  CHECK(InfoNumber(r, "evicted_keys") == 5000 - keys);
  CHECK(InfoNumber(r, "used_memory") <= 2 * 1024 * 1024 + 64 * 1024);
  CHECK(r.Text({"GET", "key:0"}) == value);
}

TEST_CASE("With noeviction writes over maxmemory get Redis's OOM error and reads still work",
          "[integration]") {
  itest::Server server({"--maxmemory", "1mb", "--maxmemory-policy", "noeviction"});
  Redis r(server.port());
  std::string value(1000, 'x');
  std::string last;
  int i = 0;
  for (; i < 5000; i++) {
    last = r.Text({"SET", "key:" + std::to_string(i), value});
    if (last != "OK") break;
  }
  CHECK(last == "OOM command not allowed when used memory > 'maxmemory'.");
  CHECK(r.Text({"GET", "key:0"}) == value);
  CHECK(r.Text({"DEL", "key:0", "key:1", "key:2"}) == "3");
  CHECK(InfoNumber(r, "evicted_keys") == 0);
  CHECK(r.Text({"CONFIG", "SET", "maxmemory", "0"}) == "OK");
  CHECK(r.Text({"SET", "after", value}) == "OK");
}
