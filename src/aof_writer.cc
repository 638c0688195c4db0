#include "src/aof_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <utility>

#include "src/log.h"

namespace server {

namespace {

// How long an everysec write may wait for a running background fsync before it goes ahead
// anyway, and how often a failing write is logged.
constexpr int64_t kMaxPostponeMs = 2000;

// The monotonic clock the flush's write and fsync are timed with (FlushTimes).
int64_t FlushClockUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
constexpr int64_t kErrorLogPeriodMs = 30000;

}  // namespace

std::optional<FsyncPolicy> ParseFsyncPolicy(std::string_view name) {
  if (name == "always") return FsyncPolicy::kAlways;
  if (name == "everysec") return FsyncPolicy::kEverysec;
  if (name == "no") return FsyncPolicy::kNo;
  return std::nullopt;
}


UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    Reset();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void UniqueFd::Reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

BackgroundFsync::BackgroundFsync() : thread_([this] { Loop(); }) {}

BackgroundFsync::~BackgroundFsync() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();  // a queued job still runs first: shutdown wants it on disk
}

void BackgroundFsync::Start(int fd) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_fd_ = fd;
    busy_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

void BackgroundFsync::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !busy_.load(std::memory_order_acquire); });
}

void BackgroundFsync::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || job_fd_ >= 0; });
    if (job_fd_ < 0) return;  // stopping with nothing queued
    int fd = job_fd_;
    job_fd_ = -1;
    lock.unlock();
    int rc;
    do {
      rc = fdatasync(fd);
    } while (rc != 0 && errno == EINTR);
    last_errno_.store(rc == 0 ? 0 : errno, std::memory_order_release);
    lock.lock();
    busy_.store(false, std::memory_order_release);
    cv_.notify_all();
  }
}

std::unique_ptr<AofWriter> AofWriter::Open(const std::string& path, FsyncPolicy policy,
                                           std::string& error) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) {
    error = "Can't open the append-only file " + path + ": " + ErrnoText(errno);
    return nullptr;
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) {
    error = "Can't stat the append-only file " + path + ": " + ErrnoText(errno);
    return nullptr;
  }
  return std::unique_ptr<AofWriter>(
      new AofWriter(path, std::move(fd), static_cast<uint64_t>(st.st_size), policy));
}

AofWriter::AofWriter(std::string path, UniqueFd fd, uint64_t size, FsyncPolicy policy)
    : path_(std::move(path)),
      fd_(std::move(fd)),
      policy_(policy),
      current_size_(size),
      base_size_(size),
      synced_size_(size),
      durable_size_(size) {}

AofWriter::~AofWriter() = default;

void AofWriter::Append(int db, std::string_view resp) {
  auto append = [&](std::string& out, int& selected) {
    if (db != selected) {
      AppendSelect(out, db);
      selected = db;
    }
    out.append(resp);
  };
  append(buffer_, selected_db_);
  if (rewrite_buffering_) append(rewrite_buffer_, rewrite_selected_db_);
}

void AofWriter::Append(const PropagatedCommand& cmd) {
  std::string resp;
  AppendMultibulk(resp, cmd.argv);
  Append(cmd.db, resp);
}

void AofWriter::StartRewriteBuffer() {
  rewrite_buffering_ = true;
  rewrite_buffer_.clear();
  rewrite_selected_db_ = -1;
}

void AofWriter::DropRewriteBuffer() {
  rewrite_buffering_ = false;
  std::string().swap(rewrite_buffer_);
  rewrite_selected_db_ = -1;
}

void AofWriter::AdoptRewrittenFile(UniqueFd fd, uint64_t size, int64_t now_ms) {
  fsync_.Wait();  // its job may be on the old descriptor, which closes here
  // The rename unlinked the old file: its last close frees all its blocks, which takes long
  // for a big file, so it happens on a thread of its own rather than in the event loop.
  if (fd_) std::thread([old = fd_.Release()] { close(old); }).detach();
  fd_ = std::move(fd);
  std::string().swap(buffer_);
  selected_db_ = rewrite_selected_db_;
  current_size_ = size;
  base_size_ = size;
  synced_size_ = durable_size_ = size;  // the installer fsynced it
  last_fsync_ms_ = now_ms;
  postponed_since_ms_ = 0;
  last_write_errno_ = 0;
  last_error_log_ms_ = -1;
  DropRewriteBuffer();
}

void AofWriter::LogWriteError(int64_t now_ms, const std::string& message) {
  // A full disk fails every check point: say so once in a while, not thousands of times.
  if (last_error_log_ms_ >= 0 && now_ms - last_error_log_ms_ < kErrorLogPeriodMs) return;
  last_error_log_ms_ = now_ms;
  Log(LogLevel::kWarning, message);
}

bool AofWriter::WriteBuffer(int64_t now_ms) {
  size_t done = 0;
  int err = 0;
  while (done < buffer_.size()) {
    ssize_t n = write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (n == 0) {
      err = ENOSPC;  // a regular file writing nothing means no room
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0) {
    current_size_ += done;
    buffer_.clear();
    if (buffer_.capacity() > 4 * 1024 * 1024) std::string().swap(buffer_);
    if (last_write_errno_ != 0) {
      Log(LogLevel::kWarning, "AOF write error looks solved, Runnel can write again.");
      last_write_errno_ = 0;
      last_error_log_ms_ = -1;
    }
    return true;
  }
  last_write_errno_ = err;
  if (done == 0) {
    LogWriteError(now_ms, "Error writing to the AOF file: " + ErrnoText(err));
    return false;
  }
  // Half a command in the file would corrupt it for the loader: cut the partial write off and
  // retry the whole buffer later. If even that fails, keep what landed and drop it from the
  // buffer so the retry continues exactly where the file ends.
  if (ftruncate(fd_.get(), static_cast<off_t>(current_size_)) == 0) {
    LogWriteError(now_ms, "Short write while writing to the AOF file (" + std::to_string(done) +
                              " of " + std::to_string(buffer_.size()) +
                              " bytes): " + ErrnoText(err) + "; partial write removed");
  } else {
    LogWriteError(now_ms, "Short write while writing to the AOF file and could not remove it "
                          "with ftruncate(): " + ErrnoText(errno));
    current_size_ += done;
    buffer_.erase(0, done);
  }
  return false;
}

AofWriter::FlushResult AofWriter::Flush(int64_t now_ms, bool force) {
  flush_times_ = FlushTimes{};
  if (buffer_.empty()) {
    // Writes that landed since the last fsync still get their fsync about a second later,
    // even when nothing new arrives.
    if (policy_ == FsyncPolicy::kEverysec && unsynced_bytes() > 0 && !fsync_.Busy() &&
        now_ms - last_fsync_ms_ >= 1000) {
      durable_size_ = synced_size_;  // not busy: the fsync started last has finished
      synced_size_ = current_size_;
      last_fsync_ms_ = now_ms;
      fsync_.Start(fd_.get());
    }
    return FlushResult::kOk;
  }
  if (policy_ == FsyncPolicy::kEverysec && fsync_.Busy() && !force) {
    if (postponed_since_ms_ == 0) {
      postponed_since_ms_ = now_ms;
      return FlushResult::kOk;
    }
    if (now_ms - postponed_since_ms_ < kMaxPostponeMs) return FlushResult::kOk;
    delayed_fsync_++;
    Log(LogLevel::kNotice, "Asynchronous AOF fsync is taking too long (disk is busy?). Writing "
                           "the AOF buffer without waiting for fsync to complete, this may slow "
                           "down Runnel.");
  }
  postponed_since_ms_ = 0;
  flush_times_.fsync_pending = fsync_.Busy();
  const int64_t write_start = FlushClockUs();
  const bool written = WriteBuffer(now_ms);
  flush_times_.write_us = FlushClockUs() - write_start;
  if (!written) {
    if (policy_ == FsyncPolicy::kAlways) {
      Log(LogLevel::kWarning, "Can't recover from AOF write error when the AOF fsync policy is "
                              "'always'. Exiting...");
      return FlushResult::kFatal;
    }
    return FlushResult::kOk;  // kept in the buffer, retried at the next check point
  }
  switch (policy_) {
    case FsyncPolicy::kAlways: {
      // One fdatasync for everything this check point wrote: the group commit.
      int rc;
      const int64_t fsync_start = FlushClockUs();
      do {
        rc = fdatasync(fd_.get());
      } while (rc != 0 && errno == EINTR);
      flush_times_.fsync_us = FlushClockUs() - fsync_start;
      if (rc != 0) {
        Log(LogLevel::kWarning, "Can't persist AOF for fsync error when the AOF fsync policy is "
                                "'always': " + ErrnoText(errno) + ". Exiting...");
        return FlushResult::kFatal;
      }
      synced_size_ = durable_size_ = current_size_;
      last_fsync_ms_ = now_ms;
      break;
    }
    case FsyncPolicy::kEverysec:
      if (!fsync_.Busy() && now_ms - last_fsync_ms_ >= 1000) {
        durable_size_ = synced_size_;
        synced_size_ = current_size_;
        last_fsync_ms_ = now_ms;
        fsync_.Start(fd_.get());
      }
      break;
    case FsyncPolicy::kNo:
      break;
  }
  return FlushResult::kOk;
}

bool AofWriter::Close() {
  last_error_log_ms_ = -1;  // the last word on a failure is always logged
  bool ok = buffer_.empty() || WriteBuffer(0);
  fsync_.Wait();
  if (fdatasync(fd_.get()) != 0) {
    Log(LogLevel::kWarning, "Fail to fsync the AOF file: " + ErrnoText(errno));
    ok = false;
  } else {
    synced_size_ = durable_size_ = current_size_;
  }
  return ok;
}

}  // namespace server
