// The append-only file's writing side: appends propagated commands (RESP multibulk, SELECT
// whenever the db changes) to a buffer, write()s the buffer at each loop check point and
// fsyncs per appendfsync (always: in the check point; everysec: on a background thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "src/propagation.h"

namespace server {

enum class FsyncPolicy { kAlways, kEverysec, kNo };

// "always" / "everysec" / "no" (as config spells them), anything else is nullopt.
std::optional<FsyncPolicy> ParseFsyncPolicy(std::string_view name);

// Owns a file descriptor; closes it once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void Reset();
  // Gives up ownership: the caller closes the descriptor.
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// One thread that runs fdatasync for the writer when asked, so a slow disk stalls that thread
// and not the event loop. At most one job is in flight; the destructor waits for it and joins.
class BackgroundFsync {
 public:
  BackgroundFsync();
  ~BackgroundFsync();
  BackgroundFsync(const BackgroundFsync&) = delete;
  BackgroundFsync& operator=(const BackgroundFsync&) = delete;

  bool Busy() const { return busy_.load(std::memory_order_acquire); }
  // Queues an fdatasync of `fd`; the caller checked !Busy().
  void Start(int fd);
  // Blocks until no job is in flight.
  void Wait();
  // Whether the last finished fsync succeeded (errno of the failure otherwise).
  bool last_ok() const { return last_errno_.load(std::memory_order_acquire) == 0; }
  int last_errno() const { return last_errno_.load(std::memory_order_acquire); }

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  int job_fd_ = -1;  // guarded by mu_; -1 = nothing queued
  bool stop_ = false;
  std::atomic<bool> busy_{false};
  std::atomic<int> last_errno_{0};
  std::thread thread_;  // last: started once everything above exists
};

class AofWriter {
 public:
  // Outcome of a check point. kFatal: appendfsync is always and the buffered writes could not
  // be written and synced; the server must exit rather than acknowledge them (as Redis does).
  enum class FlushResult { kOk, kFatal };

  // Opens `path` for appending, creating it if missing. Null on failure, with the reason in
  // `error`.
  static std::unique_ptr<AofWriter> Open(const std::string& path, FsyncPolicy policy,
                                         std::string& error);
  ~AofWriter();
  AofWriter(const AofWriter&) = delete;
  AofWriter& operator=(const AofWriter&) = delete;

  const std::string& path() const { return path_; }
  FsyncPolicy policy() const { return policy_; }
  // CONFIG SET appendfsync: takes effect at the next check point.
  void set_policy(FsyncPolicy policy) { policy_ = policy; }

  // Appends records already in RESP (Propagation's bytes) to the buffer, preceded by SELECT
  // when their db is not the last one written (a fresh writer has none, so its first record
  // always gets a SELECT).
  void Append(int db, std::string_view resp);
  // The same for one record given as argv (tests).
  void Append(const PropagatedCommand& cmd);
  // The check point: write()s the buffer and fsyncs per policy. `now_ms` is a monotonic clock.
  // With everysec, a background fsync still running postpones the write (up to 2 s, then it
  // writes anyway and counts a delayed fsync), because write() on a file being fsynced can
  // block. `force` writes regardless (shutdown).
  FlushResult Flush(int64_t now_ms, bool force = false);
  // Shutdown: writes what is buffered, waits for a background fsync, fsyncs. False on error.
  bool Close();

  // INFO persistence.
  uint64_t current_size() const { return current_size_; }
  uint64_t base_size() const { return base_size_; }
  void set_base_size(uint64_t n) { base_size_ = n; }
  size_t buffer_length() const { return buffer_.size(); }
  int pending_bio_fsync() const { return fsync_.Busy() ? 1 : 0; }
  uint64_t delayed_fsync() const { return delayed_fsync_; }
  // aof_last_write_status: the last write and the last background fsync both succeeded.
  bool last_write_ok() const { return last_write_errno_ == 0 && fsync_.last_ok(); }
  int last_write_errno() const {
    return last_write_errno_ != 0 ? last_write_errno_ : fsync_.last_errno();
  }
  // Bytes written to the file but not yet covered by a finished or started fsync.
  uint64_t unsynced_bytes() const { return current_size_ - synced_size_; }
  // How much of the file a finished fsync covers (WAITAOF).
  uint64_t durable_size() const { return fsync_.Busy() ? durable_size_ : synced_size_; }
  // What the last Flush's write() and appendfsync-always fsync took, in microseconds (-1: not
  // done), and whether a background fsync was running during the write: the latency monitor's
  // aof-write, aof-write-pending-fsync and aof-fsync-always events.
  struct FlushTimes {
    int64_t write_us = -1;
    int64_t fsync_us = -1;
    bool fsync_pending = false;
  };
  const FlushTimes& last_flush_times() const { return flush_times_; }

  // --- AOF rewrite (src/aof_rewrite.h). While a child writes the snapshot, every record
  // appended also goes to the rewrite buffer, encoded as the tail of a file of its own (its
  // first record gets a SELECT).
  void StartRewriteBuffer();
  // The rewrite failed or was cancelled: the buffer is dropped, the current file stays.
  void DropRewriteBuffer();
  bool rewrite_buffering() const { return rewrite_buffering_; }
  const std::string& rewrite_buffer() const { return rewrite_buffer_; }
  // The rewritten file (snapshot + rewrite buffer, synced, renamed over path()) is now the
  // AOF: `fd` is open on it for appending and holds `size` bytes. Records still buffered for
  // the old file are dropped: the snapshot has those from before the fork, the rewrite buffer
  // those after. Waits for a background fsync of the old file before closing it.
  void AdoptRewrittenFile(UniqueFd fd, uint64_t size, int64_t now_ms);

 private:
  AofWriter(std::string path, UniqueFd fd, uint64_t size, FsyncPolicy policy);
  // write()s the whole buffer; false (with last_write_errno_ set) on error.
  bool WriteBuffer(int64_t now_ms);
  void LogWriteError(int64_t now_ms, const std::string& message);

  std::string path_;
  UniqueFd fd_;
  FsyncPolicy policy_;
  std::string buffer_;
  int selected_db_ = -1;  // the db the file's last SELECT chose; -1 = none yet
  uint64_t current_size_ = 0;
  uint64_t base_size_ = 0;
  uint64_t synced_size_ = 0;  // file size when the last fsync started
  uint64_t durable_size_ = 0;  // file size the last finished fsync covered
  int64_t last_fsync_ms_ = 0;
  int64_t postponed_since_ms_ = 0;  // 0 = no write is waiting for a background fsync
  uint64_t delayed_fsync_ = 0;
  int last_write_errno_ = 0;
  int64_t last_error_log_ms_ = -1;
  bool rewrite_buffering_ = false;
  std::string rewrite_buffer_;
  int rewrite_selected_db_ = -1;
  FlushTimes flush_times_;
  // Declared last so it is destroyed first: its thread must be gone before fd_ closes.
  BackgroundFsync fsync_;
};

}  // namespace server
