// The one way the integration tests start a server (runnel-server, redis-server, or either under
// strace): a ChildProcess, its stdout and stderr appended to a log file, killed with SIGKILL and
// reaped when it goes; and LaunchOnFreePort, which picks a free port, starts the child on it and
// waits until that child (not some other process) listens there.
//
// Tests run in parallel (ctest -j), so two tests may be handed the same free port: FreePort
// closes its probe socket before the server binds. The loser's bind fails and it exits, but
// until it has exited a connection to the port reaches the winner, another test's server. So
// "ready" is decided from /proc: the listening socket on the port must belong to our child (or
// to its child, for a server under strace).
#pragma once

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace itest {

using Clock = std::chrono::steady_clock;

// A port nobody listens on right now: bind port 0, read what the kernel chose, close.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// A connected blocking TCP socket to 127.0.0.1:port, or -1.
inline int RawConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Inodes of the IPv4 sockets listening on 127.0.0.1:port or 0.0.0.0:port (/proc/net/tcp:
// local address as hex IP:port, state 0A is LISTEN, the inode is the tenth column).
inline std::set<std::string> ListeningInodes(int port) {
  std::set<std::string> inodes;
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  char want_port[8];
  std::snprintf(want_port, sizeof(want_port), "%04X", port);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode)) {
      continue;
    }
    const size_t colon = local.find(':');
    if (state != "0A" || colon == std::string::npos) continue;
    const std::string ip = local.substr(0, colon);
    if (local.substr(colon + 1) != want_port) continue;
    if (ip == "0100007F" || ip == "00000000") inodes.insert(inode);
  }
  return inodes;
}

// Whether `pid` holds one of the socket `inodes` open.
inline bool HoldsSocket(pid_t pid, const std::set<std::string>& inodes) {
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* fds = opendir(fd_dir.c_str());
  if (fds == nullptr) return false;
  bool found = false;
  while (dirent* e = readdir(fds)) {
    char target[64];
    const std::string link = fd_dir + "/" + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0) continue;
    const std::string t(target, static_cast<size_t>(n));
    if (t.rfind("socket:[", 0) == 0 && inodes.count(t.substr(8, t.size() - 9))) {
      found = true;
      break;
    }
  }
  closedir(fds);
  return found;
}

// The processes whose parent is `pid` (from each /proc/N/stat: "N (comm) state ppid ...").
inline std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* e = readdir(proc)) {
    const pid_t candidate = std::atoi(e->d_name);
    if (candidate <= 0) continue;
    const std::string stat = ReadFile("/proc/" + std::string(e->d_name) + "/stat");
    const size_t comm_end = stat.rfind(')');
    if (comm_end == std::string::npos) continue;
    std::istringstream rest(stat.substr(comm_end + 1));
    std::string state;
    pid_t parent = 0;
    if (rest >> state >> parent && parent == pid) children.push_back(candidate);
  }
  closedir(proc);
  return children;
}

// A child process started from `args` (argv[0] a path) with stdout and stderr appended to
// `log_path`. Killed with SIGKILL and reaped when it goes.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> args, std::string log_path)
      : log_path_(std::move(log_path)) {
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) {
        dup2(log, 1);
        dup2(log, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~ChildProcess() { Kill(SIGKILL); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The pid, or -1 once the child has been reaped (a reaped pid may belong to someone else).
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const { return ReadFile(log_path_); }

  // Sends `sig` and reaps the child. Returns its exit code (128+signal if a signal ended it),
  // or -1 if it did not exit within 10 s.
  int Kill(int sig) {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, sig);
    return WaitExit(10000);
  }

  // Waits for the child to exit on its own. Returns its exit code (128+signal if a signal
  // ended it), or -1 on timeout.
  int WaitExit(int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status)     ? WEXITSTATUS(status)
                     : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                           : -1;
        return exit_code_;
      }
      if (Clock::now() > deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return exit_code_;
  }

  // Whether the child is still running (reaps it if it is not).
  bool Running() { return pid_ > 0 && WaitExit(0) == -1; }

  // Waits until the child listens on 127.0.0.1:port (true), or it exits or `timeout` passes
  // (false). With `or_its_children`, a child of the child may be the listener (a server run
  // under strace). Where /proc/net/tcp cannot be read, a connection accepted on the port counts.
  bool WaitListening(int port, std::chrono::milliseconds timeout = std::chrono::seconds(5),
                     bool or_its_children = false) {
    const bool proc_net = access("/proc/net/tcp", R_OK) == 0;
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (!Running()) return false;
      if (proc_net) {
        const std::set<std::string> inodes = ListeningInodes(port);
        if (!inodes.empty()) {
          if (HoldsSocket(pid_, inodes)) return true;
          if (or_its_children) {
            for (pid_t child : ChildrenOf(pid_)) {
              if (HoldsSocket(child, inodes)) return true;
            }
          }
        }
      } else if (int fd = RawConnect(port); fd >= 0) {
        close(fd);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Starts `argv_for(port)` on a port from FreePort and waits until the child listens there.
// When the child fails to listen (another process took the port first, or it was slow), it is
// killed and the launch retried on another port, up to 5 times in all. A child that exited on
// its own for another reason than a taken port is returned as it is, for its exit code and log
// (some tests expect a refusal to start); when `port_clash_text` is empty every exit is
// retried. Returns null after 5 failures. `port` is set to the port of the returned child.
// `or_its_children`: as for WaitListening.
inline std::unique_ptr<ChildProcess> LaunchOnFreePort(
    const std::function<std::vector<std::string>(int port)>& argv_for,
    const std::string& log_path, int& port, const std::string& port_clash_text = "",
    bool or_its_children = false) {
  for (int attempt = 0; attempt < 5; attempt++) {
    port = FreePort();
    auto child = std::make_unique<ChildProcess>(argv_for(port), log_path);
    if (child->WaitListening(port, std::chrono::seconds(5), or_its_children)) return child;
    if (!child->Running() && !port_clash_text.empty() &&
        child->Log().find(port_clash_text) == std::string::npos) {
      return child;
    }
  }
  return nullptr;
}

}  // namespace itest
