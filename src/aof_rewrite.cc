#include "src/aof_rewrite.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "src/aof_snapshot.h"
#include "src/log.h"

namespace server {

namespace {

}  // namespace

int64_t RewriteKeyDelayFromEnv() {
  const char* v = std::getenv(kRewriteKeyDelayEnv);
  return v == nullptr ? 0 : std::strtoll(v, nullptr, 10);
}

namespace {

// The child holds copies of every descriptor the server has: listening and client sockets
// would stay open (a closed client would not see EOF, the port would stay bound) until it
// exits. It keeps only stdio and the file it writes.
void CloseAllBut(int keep) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3u, static_cast<unsigned>(keep - 1), 0u) == 0 &&
      syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0u, 0u) == 0) {
    return;
  }
#endif
  const long max = std::min<long>(sysconf(_SC_OPEN_MAX), 1L << 16);
  for (long fd = 3; fd < max; fd++) {
    if (fd != keep) close(static_cast<int>(fd));
  }
}

}  // namespace

void PrepareSnapshotChild(int keep_fd, pid_t parent) {
  // Dies with the server rather than writing after it is gone.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(2);
  // The parent's handlers write to libuv's signal pipe; here signals should just end us.
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  CloseAllBut(keep_fd);
}

namespace {

// Runs in the child: no libuv, no logging, no atexit handlers; the exit code is the report.
[[noreturn]] void RunChild(const ServerState& state, int fd, pid_t parent, int64_t delay_us) {
  PrepareSnapshotChild(fd, parent);
  const std::vector<std::string> libraries = state.FunctionLibraryCodes();
  const bool ok = WriteSnapshot(state.dbs, WallClockMs(), fd, delay_us, libraries,
                                {.stream_blocks = state.config.aof_stream_blocks});
  _exit(ok && close(fd) == 0 ? 0 : 1);
}

}  // namespace

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {

bool SyncFd(int fd) {
  int rc;
  do {
    rc = fsync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string RewriteTempPath(const std::string& dir) {
  return dir + "/temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof";
}

std::unique_ptr<AofRewriteChild> AofRewriteChild::Start(const ServerState& state,
                                                        std::string& error) {
  const std::string path = RewriteTempPath(state.config.dir);
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) {
    error = "Can't open the temp append only file " + path + ": " + ErrnoText(errno);
    return nullptr;
  }
  const int64_t delay_us = RewriteKeyDelayFromEnv();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    error = "Can't rewrite append only file in background: fork: " + ErrnoText(errno);
    unlink(path.c_str());
    return nullptr;
  }
  if (pid == 0) RunChild(state, fd.get(), parent, delay_us);
  return std::unique_ptr<AofRewriteChild>(new AofRewriteChild(pid, path));
}

AofRewriteChild::~AofRewriteChild() {
  if (!reaped_) Kill();
}

AofRewriteChild::Status AofRewriteChild::Poll(std::string& detail) {
  if (reaped_) return Status::kFailed;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return Status::kRunning;
  reaped_ = true;
  if (r < 0) {
    detail = "waitpid: " + ErrnoText(errno);
    return Status::kFailed;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::kSucceeded;
  detail = WIFSIGNALED(status) ? "terminated by signal " + std::to_string(WTERMSIG(status))
                               : "exited with code " + std::to_string(WEXITSTATUS(status));
  return Status::kFailed;
}

void AofRewriteChild::Kill() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  unlink(temp_path_.c_str());
}

bool InstallRewrittenFile(const std::string& temp_path, const std::string& target,
                          std::string_view tail, UniqueFd& fd, uint64_t& size,
                          std::string& error) {
  UniqueFd out(open(temp_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!out) {
    error = "Unable to open the temporary AOF produced by the child: " + ErrnoText(errno);
    return false;
  }
  if (!WriteAll(out.get(), tail)) {
    error = "Error trying to flush the parent diff to the rewritten AOF: " + ErrnoText(errno);
    return false;
  }
  if (!SyncFd(out.get())) {
    error = "Error trying to fsync the rewritten AOF: " + ErrnoText(errno);
    return false;
  }
  struct stat st;
  if (fstat(out.get(), &st) != 0) {
    error = "Can't stat the rewritten AOF: " + ErrnoText(errno);
    return false;
  }
  if (rename(temp_path.c_str(), target.c_str()) != 0) {
    error = "Error trying to rename the temporary AOF file " + temp_path + " into " + target +
            ": " + ErrnoText(errno);
    return false;
  }
  // The rename is durable only once the directory entry is.
  UniqueFd dir(open(DirOf(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir || !SyncFd(dir.get())) {
    error = "Error trying to fsync the AOF directory after the rename: " + ErrnoText(errno);
    // The file is in place; only its durability across a power loss is in doubt.
  }
  fd = std::move(out);
  size = static_cast<uint64_t>(st.st_size);
  return true;
}

}  // namespace server
