// Helpers shared by the blocking integration tests (XREAD, XREADGROUP, list and sorted-set
// pops): the bytes of a one-entry reply on stream "s", waiting for the server to report n
// blocked clients, elapsed milliseconds, and a pool of blocked workers fed by producers.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.h"

namespace itest {

// [[s, [[id, [f, v]]]]] as RESP2 bytes.
inline std::string OneEntryReply(const std::string& id, const std::string& value) {
  return "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$" + std::to_string(id.size()) + "\r\n" + id +
         "\r\n*2\r\n$1\r\nf\r\n$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
}

// Polls INFO until blocked_clients is `n`; returns whether it got there within 2 s.
inline bool WaitBlockedClients(Redis& r, int n) {
  const std::string want = "blocked_clients:" + std::to_string(n) + "\r\n";
  auto deadline = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < deadline) {
    if (r.Text({"INFO", "clients"}).find(want) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

inline int64_t ElapsedMs(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// The name of producer p's i-th job ("p1-17"), and every job of a run, sorted.
inline std::string JobName(int p, int i) { return "p" + std::to_string(p) + "-" + std::to_string(i); }
inline std::vector<std::string> AllJobs(int producers, int jobs_each) {
  std::vector<std::string> jobs;
  for (int p = 0; p < producers; p++) {
    for (int i = 0; i < jobs_each; i++) jobs.push_back(JobName(p, i));
  }
  std::sort(jobs.begin(), jobs.end());
  return jobs;
}

// A job-queue run: `workers` connections each send `pop` (a blocking pop whose reply holds the
// job at element 1) until they get a job starting with "stop"; once all are blocked,
// `producers` connections each call push(conn, p, i) for i < jobs_each, then stop(admin) must
// queue one stop job per worker. Returns the jobs each worker took, in order; a pop that
// timed out or failed is recorded as "<no job>" and ends that worker.
struct WorkerPoolRun {
  int workers = 4;
  int producers = 2;
  int jobs_each = 400;
  std::vector<std::string> pop;
  std::function<void(Redis& conn, int p, int i)> push;
  std::function<void(Redis& admin)> stop;
};
inline std::vector<std::vector<std::string>> RunWorkerPool(int port, const WorkerPoolRun& run) {
  std::vector<std::unique_ptr<Redis>> worker_conns;
  std::vector<std::unique_ptr<Redis>> producer_conns;
  for (int i = 0; i < run.workers; i++) worker_conns.push_back(std::make_unique<Redis>(port));
  for (int i = 0; i < run.producers; i++) producer_conns.push_back(std::make_unique<Redis>(port));
  Redis admin(port);
  std::vector<std::vector<std::string>> taken(static_cast<size_t>(run.workers));
  std::vector<std::thread> workers;
  for (int w = 0; w < run.workers; w++) {
    workers.emplace_back([&, w] {
      auto& mine = taken[static_cast<size_t>(w)];
      for (;;) {
        Reply r = worker_conns[static_cast<size_t>(w)]->Command(run.pop);
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
          mine.push_back("<no job>");
          return;
        }
        std::string job(r->element[1]->str, r->element[1]->len);
        if (job.rfind("stop", 0) == 0) return;
        mine.push_back(job);
      }
    });
  }
  const bool all_blocked = WaitBlockedClients(admin, run.workers);
  std::vector<std::thread> producers;
  for (int p = 0; p < run.producers; p++) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < run.jobs_each; i++) run.push(*producer_conns[static_cast<size_t>(p)], p, i);
    });
  }
  for (auto& t : producers) t.join();
  run.stop(admin);
  for (auto& t : workers) t.join();
  if (!all_blocked) taken.push_back({"<workers never all blocked>"});
  return taken;
}

}  // namespace itest
