// Retention by age against the real server: a stream under continuous XADD load keeps only
// entries younger than its maximum age (plus the cron's period), trimmed in the background
// with no XTRIM from any client; the setting survives a restart from the AOF.
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "aof_test_process.h"

namespace {

using itest::Redis;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The ms part of the oldest entry's ID, or -1 for an empty stream.
int64_t OldestMs(Redis& r, const std::string& key) {
  itest::Reply range = r.Command({"XRANGE", key, "-", "+", "COUNT", "1"});
  REQUIRE(range);
  if (range->elements == 0) return -1;
  const std::string id = range->element[0]->element[0]->str;
  return std::stoll(id.substr(0, id.find('-')));
}

}  // namespace

TEST_CASE("Retention trims a stream under continuous XADD load; the setting survives a restart",
          "[integration][retention]") {
  aoftest::TempDir dir;
  int port = 0;
  constexpr int64_t kMaxAgeMs = 300;
  {
    auto runnel = aoftest::StartRunnel(dir.path(), port, {"--appendfsync", "always", "--hz", "20"});
    REQUIRE(runnel->Running());
    Redis r(port);
    REQUIRE(r.Text({"XADD", "events", "*", "n", "0"}).find('-') != std::string::npos);
    REQUIRE(r.Text({"XRETENTION", "events", std::to_string(kMaxAgeMs)}) == "OK");
    int64_t added = 1;
    const int64_t until = NowMs() + 1500;
    int64_t worst_age = 0;
    while (NowMs() < until) {
      for (int i = 0; i < 50; i++) r.Command({"XADD", "events", "*", "n", std::to_string(added++)});
      const int64_t oldest = OldestMs(r, "events");
      if (oldest >= 0) worst_age = std::max(worst_age, NowMs() - oldest);
    }
    INFO("entries added " << added << ", worst age seen " << worst_age << " ms");
    // The cron runs every 50 ms: an entry outlives its maximum age by about that, never by much
    // more (a generous bound for a shared machine).
    CHECK(worst_age < kMaxAgeMs + 400);
    const int64_t left = std::stoll(r.Text({"XLEN", "events"}));
    CHECK(left < added);
    itest::Reply info = r.Command({"XINFO", "STREAM", "events"});
    REQUIRE(info);
    CHECK(info->elements == 26);  // Redis's 20, then the three retention fields
    runnel.reset();  // SIGKILL
  }
  auto runnel = aoftest::StartRunnel(dir.path(), port, {"--hz", "20"});
  INFO("runnel log:\n" << runnel->Log());
  REQUIRE(runnel->Running());
  Redis r(port);
  itest::Reply info = r.Command({"XINFO", "STREAM", "events"});
  REQUIRE(info);
  bool found = false;
  for (size_t i = 0; i + 1 < info->elements; i += 2) {
    if (std::string(info->element[i]->str) == "retention-max-age-ms") {
      found = info->element[i + 1]->integer == kMaxAgeMs;
    }
  }
  CHECK(found);
  // Everything left from before the restart is past its age by now and goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(kMaxAgeMs + 300));
  CHECK(r.Text({"XLEN", "events"}) == "0");
}
