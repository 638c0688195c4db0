// Delayed delivery against the real server: a worker blocked in XREADGROUP gets a scheduled
// entry at its due time, not before; entries still waiting survive a SIGKILL and a restart
// from the AOF, and one that came due while the server was down joins at start-up.
#include <chrono>
#include <string>
#include <thread>

#include "aof_test_process.h"

namespace {

using itest::Redis;
using SteadyClock = std::chrono::steady_clock;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("A worker blocked in XREADGROUP gets a scheduled entry at its due time",
          "[integration][schedule]") {
  itest::Server server;
  Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM"}) == "OK");
  Redis worker(server.port(), 5);
  constexpr int64_t kDelayMs = 400;
  const auto start = SteadyClock::now();
  const int64_t scheduled_at = WallMs();
  REQUIRE(admin.Text({"XSCHEDULE", "jobs", "DELAY", std::to_string(kDelayMs), "job", "remind"}) ==
          "1");
  itest::Reply got = worker.Command(
      {"XREADGROUP", "GROUP", "workers", "w1", "BLOCK", "3000", "STREAMS", "jobs", ">"});
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
  REQUIRE(got);
  REQUIRE(got->type == REDIS_REPLY_ARRAY);
  REQUIRE(got->elements == 1);
  const redisReply* entry = got->element[0]->element[1]->element[0];
  const std::string id = entry->element[0]->str;
  INFO("waited " << waited << " ms, id " << id);
  CHECK(waited >= kDelayMs - 5);
  CHECK(waited < kDelayMs + 300);
  // The entry's ID is the time it joined: at or after its due time.
  CHECK(std::stoll(id.substr(0, id.find('-'))) >= scheduled_at + kDelayMs);
  CHECK(std::string(entry->element[1]->element[1]->str) == "remind");
  CHECK(admin.Text({"XSCHEDULED", "jobs"}) == "(array of 0)");
}

TEST_CASE("Scheduled entries survive a restart; one due while the server was down joins at start",
          "[integration][schedule][aof]") {
  aoftest::TempDir dir;
  int port = 0;
  {
    auto runnel = aoftest::StartRunnel(dir.path(), port, {"--appendfsync", "always"});
    REQUIRE(runnel->Running());
    Redis r(port);
    REQUIRE(r.Text({"XSCHEDULE", "q", "DELAY", "300", "job", "soon"}) == "1");
    REQUIRE(r.Text({"XSCHEDULE", "q", "DELAY", "3600000", "job", "later"}) == "2");
    runnel.reset();  // SIGKILL before the first is due
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto runnel = aoftest::StartRunnel(dir.path(), port);
  INFO("runnel log:\n" << runnel->Log());
  REQUIRE(runnel->Running());
  Redis r(port);
  for (int i = 0; i < 100 && r.Text({"XLEN", "q"}) != "1"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(r.Text({"XLEN", "q"}) == "1");
  itest::Reply waiting = r.Command({"XSCHEDULED", "q"});
  REQUIRE(waiting);
  REQUIRE(waiting->elements == 1);
  CHECK(waiting->element[0]->element[0]->integer == 2);
  // New handles go on after the replayed ones.
  CHECK(r.Text({"XSCHEDULE", "q", "DELAY", "3600000", "job", "next"}) == "3");
}
