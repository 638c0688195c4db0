// Blocking list pops against the real server: a BRPOP worker loop (producers push while several
// blocked workers pop: every job is taken exactly once), a client that disconnects while
// blocked (it takes nothing), and a sub-second timeout.
#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "blocking_helpers.h"
#include "server_fixture.h"

TEST_CASE("BRPOP workers fed by concurrent producers take every job exactly once",
          "[integration][lists]") {
  itest::Server server;
  constexpr int kWorkers = 4;
  constexpr int kProducers = 2;
  constexpr int kJobsEach = 400;
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
        itest::Reply r = worker_conns[w]->Command({"BRPOP", "jobs", "5"});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
          taken[w].push_back("<no job>");
          return;
        }
        std::string job(r->element[1]->str, r->element[1]->len);
        if (job == "stop") return;
        taken[w].push_back(job);
      }
    });
  }
  REQUIRE(itest::WaitBlockedClients(admin, kWorkers));
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; p++) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kJobsEach; i++) {
        producer_conns[p]->Command(
            {"LPUSH", "jobs", "p" + std::to_string(p) + "-" + std::to_string(i)});
      }
    });
  }
  for (auto& t : producers) t.join();
  for (int w = 0; w < kWorkers; w++) admin.Command({"LPUSH", "jobs", "stop"});
  for (auto& t : workers) t.join();

  std::vector<std::string> all;
  for (const auto& t : taken) all.insert(all.end(), t.begin(), t.end());
  std::vector<std::string> expected;
  for (int p = 0; p < kProducers; p++) {
    for (int i = 0; i < kJobsEach; i++) {
      expected.push_back("p" + std::to_string(p) + "-" + std::to_string(i));
    }
  }
  std::sort(all.begin(), all.end());
  std::sort(expected.begin(), expected.end());
  CHECK(all == expected);
  CHECK(admin.Text({"EXISTS", "jobs"}) == "0");
  // Each producer's jobs reach the workers in the order it pushed them (one list, FIFO via
  // LPUSH + BRPOP): within one worker, a producer's job numbers only grow.
  for (const auto& t : taken) {
    std::vector<int> last(kProducers, -1);
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
