// Blocking sorted-set pops against the real server: a BZPOPMIN scheduler (producers add jobs
// with due times while several blocked workers pop the earliest: every job is taken exactly
// once), a client that disconnects while blocked (it takes nothing), and a sub-second timeout.
#include <algorithm>
#include <string>
#include <vector>

#include "blocking_helpers.h"
#include "server_fixture.h"

TEST_CASE("BZPOPMIN workers fed by concurrent producers take every job exactly once",
          "[integration][zset]") {
  itest::Server server;
  itest::WorkerPoolRun run;
  run.workers = 3;
  run.jobs_each = 300;
  run.pop = {"BZPOPMIN", "schedule", "5"};
  run.push = [](itest::Redis& conn, int p, int i) {
    conn.Command({"ZADD", "schedule", std::to_string(1000 + i), itest::JobName(p, i)});
  };
  // "stop" scores after every job, so the workers drain the schedule first.
  run.stop = [&](itest::Redis& admin) {
    for (int w = 0; w < run.workers; w++) {
      admin.Command({"ZADD", "schedule", "1e9", "stop" + std::string(static_cast<size_t>(w), '!')});
    }
  };
  const auto taken = itest::RunWorkerPool(server.port(), run);

  std::vector<std::string> all;
  for (const auto& t : taken) all.insert(all.end(), t.begin(), t.end());
  std::sort(all.begin(), all.end());
  CHECK(all == itest::AllJobs(run.producers, run.jobs_each));
}

TEST_CASE("A client that disconnects while blocked in BZMPOP takes nothing",
          "[integration][zset]") {
  itest::Server server;
  itest::Redis writer(server.port());
  {
    itest::RawSocket gone(server.port());
    gone.SendAll(itest::Multibulk({"BZMPOP", "0", "2", "z", "other", "MIN"}));
    REQUIRE(itest::WaitBlockedClients(writer, 1));
  }
  CHECK(itest::WaitBlockedClients(writer, 0));
  CHECK(writer.Text({"ZADD", "z", "1", "a"}) == "1");
  CHECK(writer.Text({"ZCARD", "z"}) == "1");
  // A new waiter is served normally.
  itest::RawSocket reader(server.port());
  reader.SendAll(itest::Multibulk({"BZPOPMAX", "z2", "0"}));
  REQUIRE(itest::WaitBlockedClients(writer, 1));
  CHECK(writer.Text({"ZADD", "z2", "2.5", "b"}) == "1");
  const std::string expected = "*3\r\n$2\r\nz2\r\n$1\r\nb\r\n$3\r\n2.5\r\n";
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
}

TEST_CASE("BZPOPMIN with a sub-second timeout replies a null array once it passes",
          "[integration][zset]") {
  itest::Server server;
  itest::RawSocket reader(server.port());
  auto start = itest::Clock::now();
  reader.SendAll(itest::Multibulk({"BZPOPMIN", "z", "0.15"}));
  CHECK(reader.ReadAtLeast(5, 2000) == "*-1\r\n");
  const int64_t elapsed = itest::ElapsedMs(start);
  CHECK(elapsed >= 145);
  CHECK(elapsed < 600);
}
