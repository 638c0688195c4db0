// Idempotent producers across restarts of the real server on the same --dir: a retried
// XADD IDMP / IDMPAUTO is still answered with the original ID after a restart from the appended
// AOF (XADD records carrying IDMP and the concrete ID), and after BGREWRITEAOF (XCFGSET and
// XIDMPRECORD lines), with the stream's own IDMP settings kept.
#include <signal.h>

#include <string>

#include "aof_test_process.h"

TEST_CASE("A duplicate XADD IDMP is still detected after a restart and after BGREWRITEAOF",
          "[aof][idmp]") {
  aoftest::TempDir dir;
  int port = 0;
  std::string first;
  std::string autoid;
  {
    auto server = aoftest::StartRunnel(dir.path(), port, {"--appendfsync", "always"});
    INFO("server log:\n" << server->Log());
    itest::Redis r(port);
    first = r.Text({"XADD", "orders", "IDMP", "shop-1", "order-42", "*", "item", "book"});
    autoid = r.Text({"XADD", "orders", "IDMPAUTO", "shop-2", "*", "item", "pen"});
    REQUIRE(r.Text({"XCFGSET", "orders", "IDMP-MAXSIZE", "500"}) == "OK");  // clears the iids
    first = r.Text({"XADD", "orders", "IDMP", "shop-1", "order-42", "*", "item", "book"});
    autoid = r.Text({"XADD", "orders", "IDMPAUTO", "shop-2", "*", "item", "pen"});
    REQUIRE(r.Text({"XLEN", "orders"}) == "4");
    server->Kill(SIGKILL);
  }
  {
    auto server = aoftest::StartRunnel(dir.path(), port);
    INFO("log after restart:\n" << server->Log());
    itest::Redis r(port);
    CHECK(r.Text({"XADD", "orders", "IDMP", "shop-1", "order-42", "*", "item", "book"}) == first);
    CHECK(r.Text({"XADD", "orders", "IDMPAUTO", "shop-2", "*", "item", "pen"}) == autoid);
    CHECK(r.Text({"XLEN", "orders"}) == "4");
    CHECK(r.Text({"BGREWRITEAOF"}) == "Background append only file rewriting started");
    REQUIRE(aoftest::WaitPersistenceField(r, "aof_rewrites", "1"));
    REQUIRE(aoftest::WaitPersistenceField(r, "aof_rewrite_in_progress", "0"));
    CHECK(aoftest::PersistenceField(r, "aof_last_bgrewrite_status") == "ok");
    server->Kill(SIGKILL);
  }
  const std::string aof = itest::ReadFile(dir.path() + "/appendonly.aof");
  CHECK(aof.find("XIDMPRECORD") != std::string::npos);
  CHECK(aof.find("XCFGSET") != std::string::npos);
  auto server = aoftest::StartRunnel(dir.path(), port);
  INFO("log after the rewrite:\n" << server->Log());
  itest::Redis r(port);
  CHECK(r.Text({"XADD", "orders", "IDMP", "shop-1", "order-42", "*", "item", "book"}) == first);
  CHECK(r.Text({"XADD", "orders", "IDMPAUTO", "shop-2", "*", "item", "pen"}) == autoid);
  CHECK(r.Text({"XADD", "orders", "IDMP", "shop-1", "order-43", "*", "item", "map"}) != first);
  CHECK(r.Text({"XLEN", "orders"}) == "5");
  // The stream's own IDMP-MAXSIZE came back with XCFGSET.
  CHECK(r.Text({"EVAL",
                "local t = redis.call('XINFO', 'STREAM', KEYS[1]) "
                "for i = 1, #t, 2 do if t[i] == ARGV[1] then return t[i + 1] end end return -1",
                "1", "orders", "idmp-maxsize"}) == "500");
}
