// Helpers for the AOF crash and interop tests, which need what server_fixture.h's Server does
// not offer: servers restarted on the same --dir, killed with SIGKILL, and redis-server /
// redis-check-aof run next to runnel-server. A Process is launcher.h's ChildProcess, killed
// when it goes; servers start through the same LaunchOnFreePort as Server.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.h"
#include "tests/support/temp_dir.h"

namespace aoftest {

using itest::Clock;

// A private temporary directory, removed with everything in it (the unit tests' own).
using TempDir = testing_support::TempDir;

using itest::ReadFile;

inline bool Executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// A child process with stdout and stderr appended to a log file (launcher.h).
using Process = itest::ChildProcess;

// Starts runnel-server on `dir` with the AOF on (plus `extra` options) and waits until it
// listens. A server that refused to start for another reason than a taken port is returned as
// it is (its log says why).
inline std::unique_ptr<Process> StartRunnel(const std::string& dir, int& port,
                                            std::vector<std::string> extra = {}) {
  auto argv_for = [&](int p) {
    std::vector<std::string> args = {RUNNEL_SERVER_BIN, "--port", std::to_string(p), "--dir",
                                     dir, "--appendonly", "yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  auto p = itest::LaunchOnFreePort(argv_for, dir + "/runnel.log", port,
                                   "Could not create server TCP");
  if (p == nullptr) FAIL("runnel-server did not start");
  return p;
}

inline constexpr const char* kRedisServer = "/usr/bin/redis-server";
inline constexpr const char* kRedisCheckAof = "/usr/bin/redis-check-aof";

// Starts redis-server on `dir` (no RDB snapshots, plus `extra`) and waits until it is ready.
inline std::unique_ptr<Process> StartRedis(const std::string& dir, int& port,
                                           std::vector<std::string> extra = {}) {
  auto argv_for = [&](int p) {
    std::vector<std::string> args = {kRedisServer, "--port", std::to_string(p), "--dir", dir,
                                     "--save", "", "--daemonize", "no"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  auto p = itest::LaunchOnFreePort(argv_for, dir + "/redis.log", port);
  if (p == nullptr) FAIL("redis-server did not start");
  // Redis opens its port before it has loaded the AOF, and answers LOADING until then.
  itest::Redis r(port);
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (r.Text({"PING"}) != "PONG" && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return p;
}

// The value of `field` in INFO persistence, or "<missing>".
inline std::string PersistenceField(itest::Redis& r, const std::string& field) {
  const std::string text = r.Text({"INFO", "persistence"});
  const size_t at = text.find("\r\n" + field + ":");
  if (at == std::string::npos) return "<missing>";
  const size_t start = at + field.size() + 3;
  return text.substr(start, text.find("\r\n", start) - start);
}

// Waits until INFO persistence's `field` reads `value`; false after 10 s.
inline bool WaitPersistenceField(itest::Redis& r, const std::string& field, const std::string& value) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (PersistenceField(r, field) != value) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace aoftest
