// Blocking list pops against the real server: a BRPOP worker loop (producers push while several
// blocked workers pop: every job is taken exactly once), a client that disconnects while
// blocked (it takes nothing), and a sub-second timeout.
#include <algorithm>
#include <string>
#include <vector>

#include "blocking_helpers.h"
#include "server_fixture.h"

TEST_CASE("BRPOP workers fed by concurrent producers take every job exactly once",
          "[integration][lists]") {
  itest::Server server;
  itest::WorkerPoolRun run;
  run.pop = {"BRPOP", "jobs", "5"};
  run.push = [](itest::Redis& conn, int p, int i) {
    conn.Command({"LPUSH", "jobs", itest::JobName(p, i)});
  };
  run.stop = [&](itest::Redis& admin) {
    for (int w = 0; w < run.workers; w++) admin.Command({"LPUSH", "jobs", "stop"});
  };
  const auto taken = itest::RunWorkerPool(server.port(), run);

  std::vector<std::string> all;
  for (const auto& t : taken) all.insert(all.end(), t.begin(), t.end());
  std::sort(all.begin(), all.end());
  CHECK(all == itest::AllJobs(run.producers, run.jobs_each));
  itest::Redis admin(server.port());
  CHECK(admin.Text({"EXISTS", "jobs"}) == "0");
  // Each producer's jobs reach the workers in the order it pushed them (one list, FIFO via
  // LPUSH + BRPOP): within one worker, a producer's job numbers only grow.
  for (const auto& t : taken) {
    std::vector<int> last(static_cast<size_t>(run.producers), -1);
    for (const std::string& job : t) {
      const int p = job[1] - '0';
      const int i = std::stoi(job.substr(3));
      CHECK(i > last[static_cast<size_t>(p)]);
      last[static_cast<size_t>(p)] = i;
    }
  }
}

TEST_CASE("A client that disconnects while blocked in BLPOP takes nothing",
          "[integration][lists]") {
  itest::Server server;
  itest::Redis writer(server.port());
  {
    itest::RawSocket gone(server.port());
    gone.SendAll(itest::Multibulk({"BLPOP", "l", "other", "0"}));
    REQUIRE(itest::WaitBlockedClients(writer, 1));
  }
  CHECK(itest::WaitBlockedClients(writer, 0));
  CHECK(writer.Text({"RPUSH", "l", "a"}) == "1");
  CHECK(writer.Text({"LLEN", "l"}) == "1");
  // A new waiter is served normally.
  itest::RawSocket reader(server.port());
  reader.SendAll(itest::Multibulk({"BLPOP", "l2", "0"}));
  REQUIRE(itest::WaitBlockedClients(writer, 1));
  CHECK(writer.Text({"RPUSH", "l2", "b"}) == "1");
  const std::string expected = "*2\r\n$2\r\nl2\r\n$1\r\nb\r\n";
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
}

TEST_CASE("BLPOP with a sub-second timeout replies a null array once it passes",
          "[integration][lists]") {
  itest::Server server;
  itest::RawSocket reader(server.port());
  auto start = itest::Clock::now();
  reader.SendAll(itest::Multibulk({"BLPOP", "l", "0.15"}));
  CHECK(reader.ReadAtLeast(5, 2000) == "*-1\r\n");
  const int64_t elapsed = itest::ElapsedMs(start);
  CHECK(elapsed >= 145);
  CHECK(elapsed < 600);
}
