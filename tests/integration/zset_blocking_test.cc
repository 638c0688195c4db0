// Blocking sorted-set pops against the real server: a BZPOPMIN scheduler (producers add jobs
// with due times while several blocked workers pop the earliest: every job is taken exactly
// once), a client that disconnects while blocked (it takes nothing), and a sub-second timeout.
#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "blocking_helpers.h"
#include "server_fixture.h"

TEST_CASE("BZPOPMIN workers fed by concurrent producers take every job exactly once",
          "[integration][zset]") {
  itest::Server server;
  constexpr int kWorkers = 3;
  constexpr int kProducers = 2;
  constexpr int kJobsEach = 300;
  std::vector<std::unique_ptr<itest::Redis>> worker_conns;
  std::vector<std::unique_ptr<itest::Redis>> producer_conns;
  for (int i = 0; i < kWorkers; i++) {
    worker_conns.push_back(std::make_unique<itest::Redis>(server.port()));
  }
  for (int i = 0; i < kProducers; i++) {
    producer_conns.push_back(std::make_unique<itest::Redis>(server.port()));
  }
  itest::Redis admin(server.port());

  // Each worker pops until it gets "stop" (or a timeout or error, reported as a value).
  std::vector<std::vector<std::string>> taken(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; w++) {
    workers.emplace_back([&, w] {
      for (;;) {
        itest::Reply r = worker_conns[w]->Command({"BZPOPMIN", "schedule", "5"});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
          taken[w].push_back("<no job>");
          return;
        }
        std::string job(r->element[1]->str, r->element[1]->len);
        if (job.rfind("stop", 0) == 0) return;
        taken[w].push_back(job);
      }
    });
  }
  REQUIRE(itest::WaitBlockedClients(admin, kWorkers));
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; p++) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kJobsEach; i++) {
        producer_conns[p]->Command({"ZADD", "schedule", std::to_string(1000 + i),
                                    "p" + std::to_string(p) + "-" + std::to_string(i)});
      }
    });
  }
  for (auto& t : producers) t.join();
  // "stop" scores after every job, so the workers drain the schedule first.
  for (int w = 0; w < kWorkers; w++) {
    admin.Command({"ZADD", "schedule", "1e9", "stop" + std::string(w, '!')});
  }
  for (auto& t : workers) t.join();

  std::vector<std::string> all;
  for (const auto& t : taken) {
    for (const std::string& job : t) {
      if (job.rfind("stop", 0) != 0) all.push_back(job);
    }
  }
  std::vector<std::string> expected;
  for (int p = 0; p < kProducers; p++) {
    for (int i = 0; i < kJobsEach; i++) {
      expected.push_back("p" + std::to_string(p) + "-" + std::to_string(i));
    }
  }
  std::sort(all.begin(), all.end());
  std::sort(expected.begin(), expected.end());
  CHECK(all == expected);
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
