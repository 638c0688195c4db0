// Helpers for the AOF crash and interop tests, which need what server_fixture.h's Server does
// not offer: servers restarted on the same --dir, killed with SIGKILL, and redis-server /
// redis-check-aof run next to runnel-server. A Process is a child that is killed when it goes.
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

namespace aoftest {

using itest::Clock;

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/runnel-aof-itest-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool Executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// A child process with stdout and stderr appended to `log_path`.
class Process {
 public:
  Process(std::vector<std::string> args, std::string log_path) : log_path_(std::move(log_path)) {
    pid_ = itest::SpawnLogged(std::move(args), log_path_);
  }
  ~Process() { Kill(SIGKILL); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  std::string Log() const { return ReadFile(log_path_); }

  // Sends `sig` and reaps the child. Returns its exit code (128+signal if a signal ended it).
  int Kill(int sig) {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, sig);
    return WaitExit(10000);
  }

  // Waits for the child to exit on its own: its exit code, or -1 on timeout.
  int WaitExit(int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (Clock::now() > deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return exit_code_;
  }

  bool Running() {
    if (pid_ <= 0) return false;
    return WaitExit(0) == -1;
  }

  // Waits until `port` accepts connections (true), or the child exits or 5 s pass (false).
  bool WaitReady(int port) {
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline) {
      int fd = itest::RawConnect(port);
      if (fd >= 0) {
        close(fd);
        return true;
      }
      if (!Running()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Starts runnel-server on `dir` with the AOF on (plus `extra` options) and waits until it
// accepts connections. Ports come from FreePort, retried if another process takes one first.
inline std::unique_ptr<Process> StartRunnel(const std::string& dir, int& port,
                                            std::vector<std::string> extra = {}) {
  for (int attempt = 0; attempt < 5; attempt++) {
    port = itest::FreePort();
    std::vector<std::string> args = {RUNNEL_SERVER_BIN, "--port", std::to_string(port), "--dir",
                                     dir, "--appendonly", "yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<Process>(args, dir + "/runnel.log");
    if (p->WaitReady(port)) return p;
    if (!p->Running()) {
      // Refused to start (the log says why): a port clash logs "Could not create server TCP".
      if (p->Log().find("Could not create server TCP") == std::string::npos) return p;
    }
  }
  FAIL("runnel-server did not start");
  return nullptr;
}

inline constexpr const char* kRedisServer = "/usr/bin/redis-server";
inline constexpr const char* kRedisCheckAof = "/usr/bin/redis-check-aof";

// Starts redis-server on `dir` (no RDB snapshots, plus `extra`) and waits until it is ready.
inline std::unique_ptr<Process> StartRedis(const std::string& dir, int& port,
                                           std::vector<std::string> extra = {}) {
  for (int attempt = 0; attempt < 5; attempt++) {
    port = itest::FreePort();
    std::vector<std::string> args = {kRedisServer, "--port", std::to_string(port), "--dir", dir,
                                     "--save", "", "--daemonize", "no"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<Process>(args, dir + "/redis.log");
    if (!p->WaitReady(port)) continue;
    // Redis opens its port before it has loaded the AOF, and answers LOADING until then.
    itest::Redis r(port);
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (r.Text({"PING"}) != "PONG" && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return p;
  }
  FAIL("redis-server did not start");
  return nullptr;
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
