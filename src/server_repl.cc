// The server's side of replication (state in src/replication.h). As a primary: each check
// point's records become the stream (into the backlog and to every online replica); a PSYNC is
// answered at the check point, where every write so far is in the stream and none after, with
// +CONTINUE and the backlog's bytes or with +FULLRESYNC and a snapshot that a forked child
// writes into a pipe the loop forwards to the replica (no temporary file); the stream made
// meanwhile waits in the replica's record until the snapshot is out. As a replica: the link
// (src/replica_link.h) applies the primary's stream, and this side keeps the same bytes in the
// backlog for its own replicas and for a partial resync after a failover.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "src/aof_loader.h"
#include "src/aof_rewrite.h"
#include "src/aof_snapshot.h"
#include "src/dispatch.h"
#include "src/log.h"
#include "src/server.h"

namespace server {

// One full sync in flight: the child writing the snapshot and the pipe it writes into.
struct Server::SnapshotTransfer {
  uv_pipe_t pipe;
  Server* server = nullptr;  // null once the server let go of it
  uint64_t client_id = 0;
  pid_t pid = -1;
  uint64_t bytes = 0;
  bool paused = false;  // the replica has kSnapshotHighWater unsent: the pipe is not read
  char buf[64 * 1024];
};

namespace {

// Backpressure on a full sync: past this much unsent output the snapshot pipe is not read (the
// child then blocks on it), and reading resumes below the low mark; a slow replica does not make
// the primary hold its whole snapshot in memory.
constexpr size_t kSnapshotHighWater = 16 * 1024 * 1024;
constexpr size_t kSnapshotLowWater = 4 * 1024 * 1024;
// Check points remembered until the AOF's fsync covers them (a replica's FACK).
constexpr size_t kMaxAofMarks = 4096;

std::string PeerIp(const Client& c) {
  if (!c.repl_ip.empty()) return c.repl_ip;
  const size_t colon = c.addr.rfind(':');
  return colon == std::string::npos ? c.addr : c.addr.substr(0, colon);
}

}  // namespace

void Server::UpdatePropagation() {
  const Replication& repl = state_.repl;
  state_.propagation.set_enabled(state_.config.appendonly ||
                                 (!repl.is_replica() && repl.backlog.active()));
}

void Server::DrainRecords() {
  Propagation& records = state_.propagation;
  if (records.empty()) return;
  Replication& repl = state_.repl;
  if (!repl.is_replica() && repl.backlog.active()) {
    // Each run goes out as it is in the record buffer (no copy into a stream of its own).
    records.ForEachRun([&](int db, bool, std::string_view resp) {
      if (db != repl.stream_db) {
        std::string select;
        AppendSelect(select, db);
        FeedStream(select);
        repl.stream_db = db;
      }
      FeedStream(resp);
    });
    repl.data_offset = repl.offset;
  }
  if (state_.aof) {
    records.ForEachRun([&](int db, bool replication_only, std::string_view resp) {
      if (!replication_only) state_.aof->Append(db, resp);
    });
  }
  records.Clear();
}

void Server::FeedStream(std::string_view bytes) {
  Replication& repl = state_.repl;
  repl.backlog.Append(bytes);
  repl.offset += bytes.size();
  for (auto& [id, peer] : repl.replicas) {
    if (peer.state != ReplicaPeer::State::kOnline) {
      peer.held.append(bytes);
      continue;
    }
    Connection* c = OpenConnection(id);
    if (c == nullptr) continue;
    c->writer().Raw(bytes);
    if (repl_unflushed_ == 0) repl_unflushed_since_ms_ = uv_now(&loop_);
    repl_unflushed_ += bytes.size();
  }
}

bool Server::FlushReplicas() {
  // A busy primary's check points come every few clients: writing the stream to every replica
  // at each of them would cost a syscall per replica per handful of requests. The bytes wait
  // while clients keep the loop busy, up to a size and an age; a check point with no new
  // input (the loop would sleep next) or a WAIT, or a shutdown, writes them at once.
  const uint64_t input = state_.stats.net_input_bytes;
  const bool busy = input != input_at_last_check_;
  input_at_last_check_ = input;
  if (repl_unflushed_ == 0) return false;
  const bool due = !busy || repl_unflushed_ >= kReplicaWriteBatch ||
                   uv_now(&loop_) - repl_unflushed_since_ms_ >= kReplicaWriteDelayMs ||
                   !state_.repl.waiters.empty() || state_.shutdown_requested || shutting_down_;
  if (!due) return true;
  for (auto& [id, peer] : state_.repl.replicas) {
    if (peer.state != ReplicaPeer::State::kOnline) continue;
    if (Connection* c = OpenConnection(id)) c->RequestFlush();
  }
  repl_unflushed_ = 0;
  return false;
}

void Server::AnswerPsyncRequests() {
  Replication& repl = state_.repl;
  if (repl.psync_requests.empty()) return;
  auto requests = std::move(repl.psync_requests);
  repl.psync_requests.clear();
  for (const Replication::PsyncRequest& req : requests) {
    Connection* open = OpenConnection(req.client_id);
    if (open == nullptr) continue;
    Connection& conn = *open;
    Client& c = conn.client();
    ReplicaPeer& peer = repl.replicas[c.id];
    peer.ip = PeerIp(c);
    peer.port = c.repl_listening_port;
    peer.ack_ms = WallClockMs();
    repl.backlog_idle_since_ms = -1;
    const std::string who = "replica " + peer.ip + ":" + std::to_string(peer.port);
    const bool known = req.replid == repl.replid ||
                       (req.replid == repl.replid2 && req.offset <= repl.second_offset);
    resp::Writer& w = conn.writer();
    if (req.offset >= 0 && known && repl.backlog.CanServeFrom(static_cast<uint64_t>(req.offset))) {
      const std::string tail = repl.backlog.CopyFrom(static_cast<uint64_t>(req.offset));
      w.Raw("+CONTINUE " + repl.replid + "\r\n");
      w.Raw(tail);
      peer.state = ReplicaPeer::State::kOnline;
      Log(LogLevel::kNotice, "Partial resynchronization request from " + who +
                                 " accepted. Sending " + std::to_string(tail.size()) +
                                 " bytes of backlog starting from offset " +
                                 std::to_string(req.offset) + ".");
      conn.RequestFlush();
      continue;
    }
    if (!repl.backlog.active()) {
      repl.backlog.Reset(static_cast<size_t>(state_.config.repl_backlog_size), repl.offset);
      UpdatePropagation();
    }
    // The replica starts from db 0 after loading: the next record says its db.
    repl.stream_db = -1;
    Log(LogLevel::kNotice, "Full resync requested by " + who + " (asked for " + req.replid +
                               " " + std::to_string(req.offset) + ")");
    w.Raw("+FULLRESYNC " + repl.replid + " " + std::to_string(repl.offset) + "\r\n");
    peer.state = ReplicaPeer::State::kWaitSnapshot;
    conn.RequestFlush();
    StartSnapshotTransfer(c.id);
  }
}

void Server::ServeWaiters() {
  Replication& repl = state_.repl;
  if (repl.waiters.empty()) return;
  bool ask = false;
  for (Replication::Waiter& w : repl.waiters) {
    if (w.targeted) continue;
    // Every write before the WAIT is in the stream by now.
    w.target = repl.data_offset;
    w.targeted = true;
    if (state_.aof) w.aof_target = state_.aof->current_size() + state_.aof->buffer_length();
    ask = true;
  }
  // The replicas answer a GETACK at once rather than at their next second's ACK.
  if (ask && !repl.replicas.empty()) FeedStream("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
  const int64_t now = WallClockMs();
  std::erase_if(repl.waiters, [&](const Replication::Waiter& w) {
    const bool aof = w.numlocal >= 0;
    const size_t acked = ReplicasAcked(repl, w.target, aof);
    const int64_t local =
        aof && state_.aof && state_.aof->durable_size() >= w.aof_target ? 1 : 0;
    const bool done = acked >= static_cast<size_t>(w.numreplicas) && local >= std::max<int64_t>(w.numlocal, 0);
    if (!done && (w.deadline_ms < 0 || now < w.deadline_ms)) return false;
    auto it = connections_.find(w.client_id);
    if (it == connections_.end()) return true;
    Connection& conn = *it->second;
    if (aof) {
      conn.writer().Array(2);
      conn.writer().Integer(local);
    }
    conn.writer().Integer(static_cast<int64_t>(acked));
    conn.client().blocked = false;
    conn.RequestFlush();
    unblocked_.push_back(w.client_id);
    return true;
  });
}

void Server::TrackAofDurability() {
  // Only a replica reports an fsynced stream offset (FACK); a primary's WAITAOF compares AOF
  // lengths directly.
  Replication& repl = state_.repl;
  if (!state_.aof || !repl.is_replica()) return;
  // The stream offset that the AOF's content stands at after this check point's records.
  const uint64_t length = state_.aof->current_size() + state_.aof->buffer_length();
  if (repl.aof_marks.empty() || repl.aof_marks.back().second != repl.offset) {
    // With appendfsync no nothing is ever fsynced: dropping the oldest marks keeps the queue
    // bounded and only makes FACK more conservative.
    if (repl.aof_marks.size() >= kMaxAofMarks) repl.aof_marks.pop_front();
    repl.aof_marks.emplace_back(length, repl.offset);
  }
  const uint64_t durable = state_.aof->durable_size();
  while (!repl.aof_marks.empty() && repl.aof_marks.front().first <= durable) {
    repl.fsynced_offset = std::max(repl.fsynced_offset, repl.aof_marks.front().second);
    repl.aof_marks.pop_front();
  }
}

void Server::StartSnapshotTransfer(uint64_t client_id) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    Log(LogLevel::kWarning, std::string("Can't open a pipe for the full sync: ") + strerror(errno));
    if (auto it = connections_.find(client_id); it != connections_.end()) it->second->Close();
    return;
  }
  const std::vector<std::string> libraries = state_.FunctionLibraryCodes();
  const int64_t now_ms = WallClockMs();
  const int64_t key_delay_us = RewriteKeyDelayFromEnv();
  const pid_t parent = getpid();
  pid_t pid;
  {
    // LATENCY's "fork" event, as for the AOF rewrite (the child's copy records into itself).
    LatencyTimer fork_timer(state_, "fork");
    pid = fork();
  }
  if (pid < 0) {
    Log(LogLevel::kWarning, std::string("Can't fork for the full sync: ") + strerror(errno));
    close(fds[0]);
    close(fds[1]);
    if (auto it = connections_.find(client_id); it != connections_.end()) it->second->Close();
    return;
  }
  if (pid == 0) {
    PrepareSnapshotChild(fds[1], parent);
    signal(SIGPIPE, SIG_IGN);
    // The payload: "$EOF:<mark>\r\n", the commands, the mark (Redis's diskless framing).
    const std::string mark = NewReplid();
    bool ok = WriteAll(fds[1], "$EOF:" + mark + "\r\n");
    ok = ok && StreamSnapshot(state_.dbs, now_ms, fds[1], libraries, key_delay_us);
    ok = ok && WriteAll(fds[1], mark);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  auto* t = new SnapshotTransfer();
  t->server = this;
  t->client_id = client_id;
  t->pid = pid;
  uv_pipe_init(&loop_, &t->pipe, 0);
  t->pipe.data = t;
  uv_pipe_open(&t->pipe, fds[0]);
  transfers_.push_back(t);
  if (auto it = state_.repl.replicas.find(client_id); it != state_.repl.replicas.end()) {
    it->second.state = ReplicaPeer::State::kSendSnapshot;
  }
  Log(LogLevel::kNotice, "Starting the full sync's snapshot, streamed to the replica by pid " +
                             std::to_string(pid));
  ReadSnapshotPipe(*t);
}

void Server::ReadSnapshotPipe(SnapshotTransfer& t) {
  t.paused = false;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&t.pipe),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* t = static_cast<SnapshotTransfer*>(h->data);
        *buf = uv_buf_init(t->buf, sizeof(t->buf));
      },
      [](uv_stream_t* h, ssize_t n, const uv_buf_t* buf) {
        auto* t = static_cast<SnapshotTransfer*>(h->data);
        if (t->server == nullptr || n == 0) return;
        if (n > 0) return t->server->ForwardSnapshot(*t, std::string_view(buf->base, n));
        t->server->FinishSnapshotTransfer(*t);
      });
}

void Server::ResumeSnapshotReads() {
  for (SnapshotTransfer* t : transfers_) {
    if (!t->paused) continue;
    auto it = connections_.find(t->client_id);
    if (it != connections_.end() && it->second->PendingOutput() < kSnapshotLowWater) {
      ReadSnapshotPipe(*t);
    }
  }
}

void Server::ForwardSnapshot(SnapshotTransfer& t, std::string_view bytes) {
  t.bytes += bytes.size();
  auto it = connections_.find(t.client_id);
  resp::Writer* w = OutputFor(t.client_id);
  if (w == nullptr || it == connections_.end()) return EndSnapshotTransfer(t, false);  // gone
  w->Raw(bytes);
  if (it->second->PendingOutput() > kSnapshotHighWater) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&t.pipe));
    t.paused = true;
  }
}

void Server::FinishSnapshotTransfer(SnapshotTransfer& t) {
  int status = 0;
  waitpid(t.pid, &status, 0);
  t.pid = -1;
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  EndSnapshotTransfer(t, ok);
}

void Server::EndSnapshotTransfer(SnapshotTransfer& t, bool ok) {
  if (t.pid > 0) {
    kill(t.pid, SIGKILL);
    waitpid(t.pid, nullptr, 0);
    t.pid = -1;
  }
  Replication& repl = state_.repl;
  auto it = repl.replicas.find(t.client_id);
  if (ok && it != repl.replicas.end()) {
    ReplicaPeer& peer = it->second;
    peer.state = ReplicaPeer::State::kOnline;
    peer.ack_ms = WallClockMs();
    if (resp::Writer* w = OutputFor(t.client_id)) w->Raw(peer.held);
    std::string().swap(peer.held);
    Log(LogLevel::kNotice, "Synchronization with replica " + peer.ip + ":" +
                               std::to_string(peer.port) + " succeeded (" +
                               std::to_string(t.bytes) + " bytes of snapshot)");
  } else if (auto c = connections_.find(t.client_id); c != connections_.end()) {
    Log(LogLevel::kWarning, "The full sync's snapshot failed: closing the replica's connection");
    c->second->Close();
  }
  transfers_.erase(std::remove(transfers_.begin(), transfers_.end(), &t), transfers_.end());
  t.server = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&t.pipe),
           [](uv_handle_t* h) { delete static_cast<SnapshotTransfer*>(h->data); });
}

bool Server::LoadSyncPayload(std::string_view payload) {
  // What this node wrote so far goes where it belongs before the dataset is replaced.
  DrainRecords();
  if (aof_rewrite_child_) {
    aof_rewrite_child_->Kill();
    aof_rewrite_child_.reset();
    if (state_.aof) state_.aof->DropRewriteBuffer();
    state_.aof_rewrite.in_progress = false;
  }
  Client loader;
  loader.id = state_.next_client_id++;
  loader.is_master = true;
  std::string discard;
  resp::Writer sink(discard, 2);
  for (std::vector<std::string_view> argv : {std::vector<std::string_view>{"FLUSHALL"},
                                             std::vector<std::string_view>{"FUNCTION", "FLUSH"}}) {
    Dispatch(state_, loader, argv, sink);
  }
  state_.propagation.Clear();
  const AofReplayResult result = ReplayAof(state_, payload);
  state_.propagation.Clear();
  if (result.ending != AofReplayResult::Ending::kClean) {
    Log(LogLevel::kWarning, "The master's snapshot does not load: " + result.error);
    return false;
  }
  if (state_.aof) {
    // The snapshot is the AOF's new content, as a rewrite would have made it.
    const std::string target = state_.config.dir + "/" + state_.config.appendfilename;
    const std::string temp = state_.config.dir + "/temp-repl-sync-" + std::to_string(getpid()) +
                             ".aof";
    FILE* f = std::fopen(temp.c_str(), "wb");
    bool ok = f != nullptr && std::fwrite(payload.data(), 1, payload.size(), f) == payload.size();
    if (f != nullptr) ok = std::fclose(f) == 0 && ok;
    UniqueFd fd;
    uint64_t size = 0;
    std::string error;
    state_.aof->StartRewriteBuffer();  // the new file ends in no particular db
    ok = ok && InstallRewrittenFile(temp, target, "", fd, size, error);
    if (!ok) {
      Log(LogLevel::kWarning, "Can't write the AOF after the full sync: " + error);
      unlink(temp.c_str());
      state_.aof->DropRewriteBuffer();
      return false;
    }
    state_.aof->AdoptRewrittenFile(std::move(fd), size, SteadyMs());
  }
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: loaded " + std::to_string(result.commands) +
                             " commands");
  return true;
}

void Server::ApplyLinkChange() {
  Replication& repl = state_.repl;
  if (repl.link_restart && !repl.link_change && link_ != nullptr) {
    repl.link_restart = false;
    link_ = std::make_unique<ReplicaLink>(*this, state_.next_client_id++);
    link_->Cron(WallClockMs());
    return;
  }
  repl.link_restart = false;
  if (!repl.link_change) return;
  repl.link_change = false;
  link_.reset();
  if (repl.is_replica()) {
    // Our own replicas follow a history that is about to change: they resync.
    for (auto& [id, peer] : repl.replicas) state_.clients_to_close.push_back(id);
    for (SnapshotTransfer* t : std::vector<SnapshotTransfer*>(transfers_)) EndSnapshotTransfer(*t, false);
    repl.psync_requests.clear();
    link_ = std::make_unique<ReplicaLink>(*this, state_.next_client_id++);
    link_->Cron(WallClockMs());
  } else {
    repl.stream_db = -1;
    repl.data_offset = repl.offset;  // WAIT counts from what this node holds now
  }
  if (!repl.backlog.active()) {
    repl.backlog.Reset(static_cast<size_t>(state_.config.repl_backlog_size), repl.offset);
  }
  UpdatePropagation();
}

void Server::ReplicationCron() {
  Replication& repl = state_.repl;
  const int64_t now = WallClockMs();
  if (link_) link_->Cron(now);
  TrackAofDurability();  // an everysec fsync finishes between check points
  ServeWaiters();  // deadlines pass even when nothing else happens
  if (repl.backlog.active() &&
      repl.backlog.capacity() != static_cast<size_t>(state_.config.repl_backlog_size)) {
    repl.backlog.Resize(static_cast<size_t>(state_.config.repl_backlog_size));
  }
  if (repl.replicas.empty()) {
    // A primary without replicas frees its backlog after repl-backlog-ttl.
    if (repl.is_replica() || !repl.backlog.active() || state_.config.repl_backlog_ttl == 0) return;
    if (repl.backlog_idle_since_ms < 0) repl.backlog_idle_since_ms = now;
    if (now - repl.backlog_idle_since_ms > state_.config.repl_backlog_ttl * 1000) {
      repl.backlog.Reset(0, repl.offset);
      repl.ShiftReplid(NewReplid());
      repl.replid2 = std::string(40, '0');
      repl.second_offset = -1;
      UpdatePropagation();
    }
    return;
  }
  if (!repl.is_replica() && now - last_repl_ping_ms_ >= state_.config.repl_ping_replica_period * 1000) {
    last_repl_ping_ms_ = now;
    FeedStream("*1\r\n$4\r\nPING\r\n");
  }
  for (auto& [id, peer] : repl.replicas) {
    if (peer.state == ReplicaPeer::State::kOnline &&
        now - peer.ack_ms > state_.config.repl_timeout * 1000) {
      Log(LogLevel::kWarning, "Disconnecting timedout replica: " + peer.ip + ":" +
                                  std::to_string(peer.port));
      state_.clients_to_close.push_back(id);
    }
  }
}

namespace {

std::string ReplStatePath(const Config& config) { return config.dir + "/runnel-repl.state"; }

}  // namespace

void Server::SaveReplState() {
  // Only the AOF keeps the dataset across a restart; without it the offset means nothing. A
  // node that never replicated has no history anyone could continue.
  const Replication& history = state_.repl;
  if (!state_.config.appendonly || (!history.is_replica() && !history.backlog.active())) return;
  const std::string path = ReplStatePath(state_.config);
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return;
  const Replication& repl = state_.repl;
  const bool ok = std::fprintf(f, "%s %llu %d\n", repl.replid.c_str(),
                               static_cast<unsigned long long>(repl.offset), repl.applied_db) > 0 &&
                  std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  if (std::fclose(f) == 0 && ok && std::rename(tmp.c_str(), path.c_str()) == 0) return;
  unlink(tmp.c_str());
}

void Server::LoadReplState() {
  const std::string path = ReplStatePath(state_.config);
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return;
  char id[41] = {};
  unsigned long long offset = 0;
  int db = 0;
  const bool read = std::fscanf(f, "%40s %llu %d", id, &offset, &db) == 3;
  std::fclose(f);
  unlink(path.c_str());
  if (!read || std::strlen(id) != 40 || !state_.config.appendonly) return;
  Replication& repl = state_.repl;
  repl.replid = id;
  repl.offset = offset;
  repl.data_offset = offset;
  repl.fsynced_offset = offset;  // written at a clean shutdown, after the AOF's last fsync
  repl.applied_db = db >= 0 && db < state_.config.databases ? db : 0;
  Log(LogLevel::kNotice, "The AOF stands at replication offset " + std::to_string(offset) +
                             " of " + repl.replid + ": a partial resync can continue from it");
}

void Server::ForgetReplica(uint64_t client_id) {
  Replication& repl = state_.repl;
  std::erase_if(repl.waiters, [&](const auto& w) { return w.client_id == client_id; });
  if (repl.replicas.erase(client_id) == 0) return;
  for (SnapshotTransfer* t : std::vector<SnapshotTransfer*>(transfers_)) {
    if (t->client_id == client_id) EndSnapshotTransfer(*t, false);
  }
  if (repl.replicas.empty()) repl.backlog_idle_since_ms = WallClockMs();
}

}  // namespace server
