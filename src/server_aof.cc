// The server's side of writing the append-only file: open it after loading, hand it each check
// point's records before any reply leaves (the writer fsyncs per appendfsync), flush and fsync
// it at exit. With appendonly no the records are dropped. Also runs the AOF rewrite: starts
// the child (BGREWRITEAOF, or automatically past auto-aof-rewrite-percentage), reaps it from the
// cron and installs its file, kills it at shutdown.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "src/aof_rewrite.h"
#include "src/aof_writer.h"
#include "src/blocking.h"
#include "src/log.h"
#include "src/memory.h"
#include "src/server.h"

namespace server {

namespace {

FsyncPolicy PolicyOf(const Config& config) {
  return ParseFsyncPolicy(config.appendfsync).value_or(FsyncPolicy::kEverysec);
}

// The latency monitor's AOF events for one check point's flush: every write as "aof-write",
// and again under what it competed with (a rewrite child, a background fsync, nothing), as
// Redis names them; the appendfsync-always fsync as "aof-fsync-always".
void SampleAofLatency(ServerState& state, const AofWriter::FlushTimes& t, bool child) {
  if (t.write_us >= 0) {
    state.SampleLatency("aof-write", t.write_us);
    state.SampleLatency(child              ? "aof-write-active-child"
                        : t.fsync_pending ? "aof-write-pending-fsync"
                                          : "aof-write-alone",
                        t.write_us);
  }
  if (t.fsync_us >= 0) state.SampleLatency("aof-fsync-always", t.fsync_us);
}

}  // namespace

bool Server::OpenAof() {
  // Whatever replaying the file recorded is in the file already.
  state_.propagation.Clear();
  UpdatePropagation();
  if (!state_.config.appendonly) return true;
  std::string error;
  state_.aof = AofWriter::Open(state_.config.dir + "/" + state_.config.appendfilename,
                               PolicyOf(state_.config), error);
  if (!state_.aof) {
    Log(LogLevel::kWarning, error);
    return false;
  }
  return true;
}

void Server::FeedAof() {
  DrainRecords();
  AnswerPsyncRequests();
  ServeWaiters();
  if (!state_.aof) return;
  AofWriter& aof = *state_.aof;
  // CONFIG SET appendfsync only edits the config: pick it up here.
  aof.set_policy(PolicyOf(state_.config));
  // BGREWRITEAOF asked for a rewrite: fork here, where every write so far is in the writer and
  // none after it, so the snapshot and the rewrite buffer neither miss nor repeat a record.
  if (state_.aof_rewrite.scheduled && !aof_rewrite_child_) StartAofRewrite();
  if (aof.Flush(SteadyMs()) == AofWriter::FlushResult::kFatal) {
    // appendfsync always promises that no reply acknowledges a write that is not on disk; the
    // replies of this check point have not left yet, so exiting keeps that promise.
    std::exit(1);
  }
  SampleAofLatency(state_, aof.last_flush_times(), aof_rewrite_child_ != nullptr);
  TrackAofDurability();
  ServeWaiters();  // appendfsync always: WAITAOF's local fsync is done now
}

void Server::StartAofRewrite() {
  AofRewriteStats& rw = state_.aof_rewrite;
  rw.scheduled = false;
  DrainRecords();
  std::string error;
  {
    LatencyTimer fork_timer(state_, "fork");
    aof_rewrite_child_ = AofRewriteChild::Start(state_, error);
    if (const int64_t us = fork_timer.ElapsedUs(); us > 0) {  // DOCTOR's "fork rate"
      state_.latency.fork_rate_gb_per_sec =
          static_cast<double>(UsedMemory()) / (1024.0 * 1024 * 1024) / (us / 1e6);
    }
  }
  if (!aof_rewrite_child_) {
    Log(LogLevel::kWarning, error);
    rw.last_ok = false;
    rw.consecutive_failures++;
    aof_rewrite_failed_ms_ = SteadyMs();
    return;
  }
  if (state_.aof) state_.aof->StartRewriteBuffer();
  rw.in_progress = true;
  rw.current_start_ms = WallClockMs();
  rw.rewrites++;
  Log(LogLevel::kNotice, "Background append only file rewriting started by pid " +
                             std::to_string(aof_rewrite_child_->pid()));
}

void Server::FinishAofRewrite() {
  AofRewriteStats& rw = state_.aof_rewrite;
  std::string detail;
  const AofRewriteChild::Status status = aof_rewrite_child_->Poll(detail);
  if (status == AofRewriteChild::Status::kRunning) return;
  bool ok = false;
  if (status == AofRewriteChild::Status::kSucceeded) {
    Log(LogLevel::kNotice, "Background AOF rewrite terminated with success");
    const std::string target = state_.config.dir + "/" + state_.config.appendfilename;
    const std::string tail = state_.aof ? state_.aof->rewrite_buffer() : std::string();
    UniqueFd fd;
    uint64_t size = 0;
    std::string error;
    ok = InstallRewrittenFile(aof_rewrite_child_->temp_path(), target, tail, fd, size, error);
    if (!error.empty()) Log(LogLevel::kWarning, error);
    if (ok) {
      char mb[32];
      snprintf(mb, sizeof(mb), "%.2f", static_cast<double>(tail.size()) / (1024 * 1024));
      Log(LogLevel::kNotice, std::string("Residual parent diff successfully flushed to the "
                                         "rewritten AOF (") + mb + " MB)");
      if (state_.aof) state_.aof->AdoptRewrittenFile(std::move(fd), size, SteadyMs());
      Log(LogLevel::kNotice, "Background AOF rewrite finished successfully");
    }
  } else {
    Log(LogLevel::kWarning, "Background AOF rewrite terminated with error (" + detail + ")");
  }
  if (!ok) {
    if (state_.aof) state_.aof->DropRewriteBuffer();
    aof_rewrite_failed_ms_ = SteadyMs();
  }
  aof_rewrite_child_->Kill();  // reaped already: only removes a temporary file left behind
  aof_rewrite_child_.reset();
  rw.in_progress = false;
  rw.last_ok = ok;
  rw.consecutive_failures = ok ? 0 : rw.consecutive_failures + 1;
  rw.last_time_sec = (WallClockMs() - rw.current_start_ms) / 1000;
  rw.current_start_ms = -1;
}

void Server::AofRewriteCron() {
  if (aof_rewrite_child_) return FinishAofRewrite();
  if (state_.aof_rewrite.scheduled) return StartAofRewrite();
  const Config& c = state_.config;
  if (!state_.aof || c.auto_aof_rewrite_percentage <= 0) return;
  // After a failure the automatic rewrite waits a minute rather than forking every tick.
  if (aof_rewrite_failed_ms_ >= 0 && SteadyMs() - aof_rewrite_failed_ms_ < 60000) return;
  const uint64_t size = state_.aof->current_size();
  if (size <= static_cast<uint64_t>(std::max<int64_t>(0, c.auto_aof_rewrite_min_size))) return;
  const uint64_t base = std::max<uint64_t>(1, state_.aof->base_size());
  const uint64_t growth = (size * 100 / base) - 100;
  if (size * 100 / base < 100 || growth < static_cast<uint64_t>(c.auto_aof_rewrite_percentage)) {
    return;
  }
  Log(LogLevel::kNotice,
      "Starting automatic rewriting of AOF on " + std::to_string(growth) + "% growth");
  StartAofRewrite();
}

void Server::CloseAof() {
  if (aof_rewrite_child_) {
    Log(LogLevel::kWarning, "There is a child rewriting the AOF. Killing it!");
    aof_rewrite_child_->Kill();
    aof_rewrite_child_.reset();
    if (state_.aof) state_.aof->DropRewriteBuffer();
    state_.aof_rewrite.in_progress = false;
    state_.aof_rewrite.current_start_ms = -1;
  }
  // Records left after the last check point (the shutdown's own iteration) still go in.
  DrainRecords();
  if (!state_.aof) return;
  Log(LogLevel::kNotice, "Calling fsync() on the AOF file.");
  state_.aof->Close();
  state_.aof.reset();
}

}  // namespace server
