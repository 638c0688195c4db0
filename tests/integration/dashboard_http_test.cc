// The queue dashboard over the real HTTP listener: its API as a user sees it, and a redrive
// made over HTTP that runs through the ACL and reaches the AOF as the same command over RESP.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/integration/aof_test_process.h"
#include "tests/integration/http_helpers.h"

namespace {

// POST `path` with a JSON body (Connection: close), with extra header lines.
httptest::Reply PostDashboardJson(int port, const std::string& path, const std::string& body,
                                  const std::vector<std::string>& headers = {}) {
  std::string request = "POST " + path +
                        " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  return httptest::Exchange(port, request + "\r\n" + body);
}

}  // namespace

TEST_CASE("A redrive over HTTP runs through the ACL as its user and is in the AOF after restart") {
  aoftest::TempDir dir;
  const int http_port = itest::FreePort();
  int port = 0;
  {
    // appendfsync always: each check point writes the AOF before any reply or response leaves
    // (everysec may postpone the write behind a running fsync, and the kill would lose it).
    auto server = aoftest::StartRunnel(
        dir.path(), port, {"--http-port", std::to_string(http_port), "--appendfsync", "always"});
    itest::Redis r(port);
    for (const char* id : {"1-1", "2-1", "3-1"}) r.Text({"XADD", "orders", id, "n", id});
    REQUIRE(r.Text({"XGROUP", "CREATE", "orders", "billing", "0"}) == "OK");
    REQUIRE(r.Text({"XGROUP", "SETPOLICY", "orders", "billing", "MAX-DELIVERIES", "3"}) == "OK");
    r.Command({"XREADGROUP", "GROUP", "billing", "w", "COUNT", "2", "STREAMS", "orders", ">"});
    REQUIRE(r.Text({"XNACK", "orders", "billing", "FATAL", "IDS", "2", "1-1", "2-1"}) == "2");
    REQUIRE(r.Text({"XLEN", "orders:dlq"}) == "2");
    REQUIRE(r.Text({"ACL", "SETUSER", "viewer", "on", ">pw", "~*", "+@read"}) == "OK");

    // The overview, as the default user (no password here): the group's lag and the dead
    // letters' count.
    httptest::Reply overview = httptest::Get(http_port, "/api/overview");
    REQUIRE(overview.status == 200);
    CHECK(overview.body.find("\"lag\":1,\"pending\":0") != std::string::npos);
    CHECK(overview.body.find("{\"db\":0,\"key\":\"orders:dlq\",\"length\":2,") !=
          std::string::npos);

    // A user with read rights only is refused, as XREDRIVE over RESP would be.
    httptest::Reply refused = PostDashboardJson(http_port, "/api/redrive",
                                                R"({"key":"orders:dlq"})",
                                                {httptest::BasicAuth("viewer:pw")});
    CHECK(refused.status == 403);
    CHECK(refused.body.find("NOPERM") != std::string::npos);
    CHECK(r.Text({"XLEN", "orders:dlq"}) == "2");

    httptest::Reply done =
        PostDashboardJson(http_port, "/api/redrive", R"({"key":"orders:dlq"})");
    CHECK(done.status == 200);
    CHECK(done.body == R"({"redriven":2})");
    CHECK(r.Text({"XLEN", "orders:dlq"}) == "0");
    CHECK(r.Text({"XLEN", "orders"}) == "5");
  }  // killed with SIGKILL: only what reached the AOF survives
  auto server = aoftest::StartRunnel(dir.path(), port);
  itest::Redis r(port);
  CHECK(r.Text({"XLEN", "orders:dlq"}) == "0");
  CHECK(r.Text({"XLEN", "orders"}) == "5");
}
