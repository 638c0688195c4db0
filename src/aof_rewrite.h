// Background AOF rewrite: a forked child writes the snapshot of the dataset (src/aof_snapshot.h)
// to a temporary file in `dir` while the parent keeps serving and keeps appending to the current
// file (and to the writer's rewrite buffer); once the child succeeds, the parent appends the
// buffer, fsyncs, renames the file over the AOF and fsyncs the directory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "src/aof_writer.h"
#include "src/server_state.h"

namespace server {

// FOR TESTS ONLY: microseconds a snapshot child (an AOF rewrite's, or a full sync's) sleeps
// after each key, read from the environment when it starts, so tests can keep one running (Redis has
// rdb-key-save-delay for the same purpose). Unset or 0 in production.
inline constexpr const char* kRewriteKeyDelayEnv = "RUNNEL_TEST_AOF_REWRITE_KEY_DELAY_US";

// The test-only key delay above, as the environment gives it (0 when unset).
int64_t RewriteKeyDelayFromEnv();

// In a forked snapshot child (a rewrite's, or a full sync's): dies with the server, takes
// default signal handling and closes every descriptor but stdio and `keep_fd`, so that the
// server's sockets close when the server closes them.
void PrepareSnapshotChild(int keep_fd, pid_t parent);

// Writes all of `data` to a blocking descriptor (retrying short writes); false on an error.
bool WriteAll(int fd, std::string_view data);

// The temporary file a rewrite writes: "<dir>/temp-rewriteaof-bg-<pid>.aof" (pid of the server).
std::string RewriteTempPath(const std::string& dir);

// One running rewrite child. Destroying it kills a child still running and removes its file.
class AofRewriteChild {
 public:
  enum class Status { kRunning, kSucceeded, kFailed };

  // Creates the temporary file and forks a child that writes the snapshot of `state`'s dbs
  // into it, fsyncs it and _exit()s (0 on success). Null on failure, the reason in `error`.
  static std::unique_ptr<AofRewriteChild> Start(const ServerState& state, std::string& error);
  ~AofRewriteChild();
  AofRewriteChild(const AofRewriteChild&) = delete;
  AofRewriteChild& operator=(const AofRewriteChild&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& temp_path() const { return temp_path_; }
  // Reaps the child without blocking once it has exited. kFailed also covers a child killed
  // by a signal; `detail` then says how it ended.
  Status Poll(std::string& detail);
  // SIGKILLs and reaps a running child, and removes the temporary file.
  void Kill();

 private:
  AofRewriteChild(pid_t pid, std::string temp_path)
      : pid_(pid), temp_path_(std::move(temp_path)) {}

  pid_t pid_;
  std::string temp_path_;
  bool reaped_ = false;
};

// Completes a successful rewrite: appends `tail` (the rewrite buffer) to `temp_path`, fsyncs
// it, renames it over `target` and fsyncs the directory. On success `fd` is open on the new
// file for appending and `size` is its length. On failure (`error` set) the target is untouched.
bool InstallRewrittenFile(const std::string& temp_path, const std::string& target,
                          std::string_view tail, UniqueFd& fd, uint64_t& size,
                          std::string& error);

}  // namespace server
