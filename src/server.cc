#include "src/server.h"

#include <poll.h>
#include <sys/socket.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "src/client_info.h"
#include "src/connection.h"
#include "src/delivery/due_pass.h"
#include "src/delivery/retention_pass.h"
#include "src/delivery/schedule_pass.h"
#include "src/errors.h"
#include "src/http/dashboard_overview.h"
#include "src/http/http_server.h"
#include "src/log.h"
#include "src/monitor.h"
#include "src/open_files.h"
#include "src/tls.h"
#include "src/transactions.h"

namespace server {

namespace {

// Redis's `port 0` with a tls-port serves TLS only; without one, port 0 picks a free port.
bool ServesPlain(const Config& config) { return config.port != 0 || !TlsEnabled(config); }

void MakeDirs(const std::string& path) {
  std::string partial;
  std::istringstream in(path);
  if (!path.empty() && path[0] == '/') partial.push_back('/');
  for (std::string part; std::getline(in, part, '/');) {
    if (part.empty()) continue;
    partial += part;
    partial += '/';
    mkdir(partial.c_str(), 0755);
  }
}

}  // namespace

Server::Server(Config config, const CommandTable& commands) : state_(std::move(config)) {
  uv_loop_init(&loop_);
  state_.commands = &commands;
  state_.outputs = this;
}

Server::~Server() { uv_loop_close(&loop_); }

bool Server::Listen() {
  const Config& config = state_.config;
  if (ServesPlain(config)) {
    const int bound = ListenOn(static_cast<int>(config.port), false);
    if (bound < 0) return false;
    state_.tcp_port = bound;
  }
  if (TlsEnabled(config)) {
    const int bound = ListenOn(static_cast<int>(config.tls_port), true);
    if (bound < 0) return false;
    if (!ServesPlain(config)) state_.tcp_port = bound;  // INFO's tcp_port, as Redis
  }
  return true;
}

int Server::ListenOn(int port, bool tls) {
  auto addresses = SplitSpaces(state_.config.bind);
  if (addresses.empty()) addresses.push_back("127.0.0.1");
  int bound_port = -1;
  for (const auto& addr : addresses) {
    std::string host = addr[0] == '-' ? addr.substr(1) : addr;  // "-::1" = optional in Redis
    sockaddr_storage ss;
    int rc;
    if (host.find(':') != std::string::npos) {
      rc = uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss));
    } else {
      rc = uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss));
    }
    if (rc != 0) {
      Log(LogLevel::kWarning, "Invalid bind address '" + host + "'");
      return -1;
    }
    auto listener = std::make_unique<Listener>();
    listener->server = this;
    listener->tls = tls;
    uv_tcp_t* tcp = &listener->tcp;
    uv_tcp_init(&loop_, tcp);
    tcp->data = listener.get();
    rc = uv_tcp_bind(tcp, reinterpret_cast<sockaddr*>(&ss), 0);
    if (rc == 0) {
      rc = uv_listen(reinterpret_cast<uv_stream_t*>(tcp),
                     static_cast<int>(state_.config.tcp_backlog), OnConnection);
    }
    if (rc != 0) {
      Log(LogLevel::kWarning, "Warning: Could not create server " + std::string(tls ? "TLS" : "TCP") +
                                  " listening socket " + host + ":" + std::to_string(port) + ": " +
                                  uv_strerror(rc));
      uv_close(reinterpret_cast<uv_handle_t*>(tcp),
               [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
      listener.release();  // the close callback deletes it
      if (addr[0] == '-') continue;
      return -1;
    }
    if (bound_port < 0) {
      sockaddr_storage bound;
      int len = sizeof(bound);
      uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&bound), &len);
      bound_port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
    listeners_.push_back(std::move(listener));
  }
  return bound_port;
}

bool Server::ConfigureTls() {
  if (!TlsEnabled(state_.config)) return true;
  TlsContext::Built built = TlsContext::Build(state_.config);
  if (!built.context) {
    Log(LogLevel::kWarning, built.error);
    Log(LogLevel::kWarning, "Failed to configure TLS. Check logs for more info.");
    return false;
  }
  state_.tls = std::move(built.context);
  return true;
}

bool Server::LoadUsers() {
  const Config& c = state_.config;
  acl::Registry& registry = state_.Acl();
  if (!c.users.empty() && !c.aclfile.empty()) {
    Log(LogLevel::kWarning,
        "Configuring Runnel with users defined in the config file and at the same time an ACL "
        "file path is invalid. This setup is very likely to lead to configuration errors and "
        "security holes, please define either an ACL file or declare users directly in your "
        "config file, but not both.");
    return false;
  }
  for (const std::string& line : c.users) {
    const std::vector<std::string> words = SplitSpaces(line);
    std::vector<std::string_view> views(words.begin() + 1, words.end());
    auto rules = acl::GroupSelectorArgs(views);
    std::vector<std::string_view> rule_views;
    if (rules) rule_views.assign(rules->begin(), rules->end());
    auto r = rules ? registry.SetUser(words[0], rule_views) : Result<void>(rules.failure());
    if (!r) {
      Log(LogLevel::kWarning, "Error in user declaration '" + line + "': " + std::string(r.error()));
      return false;
    }
  }
  if (!c.aclfile.empty()) {
    std::ifstream in(c.aclfile);
    if (!in) {
      Log(LogLevel::kWarning, "Aborting startup: cannot open the ACL file '" + c.aclfile + "'");
      return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto r = registry.LoadText(text.str());
    if (!r) {
      Log(LogLevel::kWarning, "Aborting startup because of ACL errors: " + std::string(r.error()));
      return false;
    }
  }
  return true;
}

int Server::Run() {
  SetLogLevel(state_.config.loglevel);
  SetLogFile(state_.config.logfile);
  if (!AdjustOpenFilesLimit(state_.config)) return 1;
  MakeDirs(state_.config.dir);
  if (!ConfigureTls()) return 1;
  if (!LoadUsers() || !LoadAof() || !OpenAof()) return 1;
  LoadReplState();
  if (!state_.config.replicaof.empty()) {
    // `replicaof host port` in the config: follow that primary from the start.
    const std::string& r = state_.config.replicaof;
    state_.repl.master_host = r.substr(0, r.find(' '));
    state_.repl.master_port = std::stoi(r.substr(r.find(' ') + 1));
    state_.repl.link_change = true;
  }
  if (!Listen() || !ListenHttp()) {
    uv_run(&loop_, UV_RUN_NOWAIT);
    return 1;
  }
  Log(LogLevel::kNotice, "Runnel " + std::string(kRunnelVersion) + " (Redis protocol " +
                             std::string(kRedisVersion) + ") pid=" + std::to_string(getpid()));
  if (ServesPlain(state_.config)) {
    Log(LogLevel::kNotice, "Ready to accept connections tcp on port " +
                               std::to_string(state_.tcp_port));
  }
  if (TlsEnabled(state_.config)) {
    Log(LogLevel::kNotice, "Ready to accept connections tls on port " +
                               std::to_string(state_.config.tls_port));
  }

  state_.serve_while_busy = [this] { ServeWhileBusy(); };
  uv_check_init(&loop_, &check_);
  check_.data = this;
  uv_check_start(&check_, OnCheck);
  uv_idle_init(&loop_, &idle_);
  idle_.data = this;
  uv_timer_init(&loop_, &cron_);
  cron_.data = this;
  uint64_t period = static_cast<uint64_t>(1000 / std::max<int64_t>(1, state_.config.hz));
  uv_timer_start(&cron_, OnCron, period, period);
  uv_timer_init(&loop_, &block_timer_);
  block_timer_.data = this;
  uv_timer_init(&loop_, &due_timer_);
  due_timer_.data = this;
  uv_timer_init(&loop_, &pause_timer_);
  pause_timer_.data = this;
  uv_signal_init(&loop_, &sigint_);
  sigint_.data = this;
  uv_signal_start(&sigint_, OnSignal, SIGINT);
  uv_signal_init(&loop_, &sigterm_);
  sigterm_.data = this;
  uv_signal_start(&sigterm_, OnSignal, SIGTERM);
  signal(SIGPIPE, SIG_IGN);

  const std::string& pidfile = state_.config.pidfile;
  if (!pidfile.empty()) {
    if (FILE* f = fopen(pidfile.c_str(), "w")) {
      fprintf(f, "%d\n", static_cast<int>(getpid()));
      fclose(f);
    } else {
      Log(LogLevel::kWarning, "Failed to write PID file: " + pidfile);
    }
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  CloseAof();
  SaveReplState();
  if (!pidfile.empty()) {
    Log(LogLevel::kNotice, "Removing the pid file.");
    unlink(pidfile.c_str());
  }
  Log(LogLevel::kWarning, "Runnel is now ready to exit, bye bye...");
  return 0;
}

void Server::OnConnection(uv_stream_t* handle, int status) {
  const auto* listener = static_cast<const Listener*>(handle->data);
  Server* self = listener->server;
  if (status < 0) return;
  auto* conn = new Connection(*self, self->state_.next_client_id++);
  if (uv_accept(handle, reinterpret_cast<uv_stream_t*>(conn->handle())) != 0) {
    conn->Refuse({});
    return;
  }
  self->AdmitFrom(*listener, conn);
}

void Server::AdmitFrom(const Listener& listener, Connection* conn) {
  // The context of the moment: a CONFIG SET that reloads it affects the connections after it.
  if (listener.tls && (!state_.tls || !conn->UseTls(*state_.tls))) {
    conn->Refuse({});
    return;
  }
  Admit(conn);
}

void Server::Admit(Connection* conn) {
  ServerState& st = state_;
  st.stats.total_connections_received++;
  if (static_cast<int64_t>(st.clients.size()) >= st.config.maxclients) {
    st.stats.rejected_connections++;
    // Best effort, as Redis: one write of the error, then close.
    conn->Refuse("-" + std::string(err::kMaxClients) + "\r\n");
    return;
  }
  // Protected mode, as Redis: while the default user needs no password, only loopback peers
  // may connect; others get the explanation and are closed.
  if (st.config.protected_mode && st.Acl().Default().nopass && !conn->PeerIsLoopback()) {
    conn->Refuse(std::string(err::kProtectedMode));
    return;
  }
  connections_[conn->client().id] = conn;
  st.clients[conn->client().id] = &conn->client();
  conn->Start();
}

void Server::QueueFlush(Connection& c) {
  if (pending_flush_.empty() && !shutting_down_) uv_idle_start(&idle_, OnIdle);
  pending_flush_.push_back(&c);
}

void Server::OnConnectionClosing(Connection& c) {
  Client& client = c.client();
  UnwatchAll(state_, client);
  state_.blocking.Unblock(client);
  if (client.postponed) state_.pause.Forget(client.id);
  state_.pubsub.RemoveClient(client.id);
  DisableTracking(state_, client);
  StopMonitoring(state_, client);
  connections_.erase(client.id);
  state_.clients.erase(client.id);
  ForgetReplica(client.id);
  if (c.flush_queued()) {
    pending_flush_.erase(std::remove(pending_flush_.begin(), pending_flush_.end(), &c),
                         pending_flush_.end());
  }
}

void Server::FlushAll() {
  // Flush may close a connection, which edits pending_flush_: iterate over a copy.
  std::vector<Connection*> batch;
  batch.swap(pending_flush_);
  for (Connection* c : batch) c->Flush();
}

void Server::CloseRequestedClients() {
  if (state_.clients_to_close.empty()) return;
  auto ids = std::move(state_.clients_to_close);
  state_.clients_to_close.clear();
  for (uint64_t id : ids) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    Connection* c = it->second;
    // A client killing itself still gets its reply first.
    if (c->client().close_after_reply) continue;
    c->Close();
  }
}

Connection* Server::OpenConnection(uint64_t client_id) {
  auto it = connections_.find(client_id);
  return it == connections_.end() || it->second->closing() ? nullptr : it->second;
}

resp::Writer* Server::WriterFor(uint64_t client_id) {
  Connection* c = OpenConnection(client_id);
  if (c == nullptr) return nullptr;
  if (c->client().drop_blocked_reply) {
    dropped_reply_.clear();
    return &drop_writer_;  // CLIENT REPLY OFF / SKIP silenced the blocked command
  }
  return &c->writer();
}

resp::Writer* Server::OutputFor(uint64_t client_id) {
  Connection* c = OpenConnection(client_id);
  if (c == nullptr) return nullptr;
  c->RequestFlush();
  return &c->writer();
}

void Server::ServeReadyKeys() {
  auto served = state_.blocking.ServeReadyKeys(state_, WakeTime::Now(),
                                               [this](uint64_t id) { return WriterFor(id); });
  for (uint64_t id : served) {
    unblocked_.push_back(id);
    if (auto it = connections_.find(id); it != connections_.end()) it->second->RequestFlush();
  }
}

void Server::ServeWhileBusy() {
  // The loop cannot run (libuv is not re-entrant and we are inside one of its callbacks), so
  // this polls the sockets itself: new connections are accepted, and every client but the
  // script's own (in the middle of its request) is read and answered, mostly -BUSY.
  std::vector<pollfd> fds;
  std::vector<const Listener*> polled;
  for (const auto& listener : listeners_) {
    uv_os_fd_t fd;
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(&listener->tcp), &fd) == 0) {
      fds.push_back({fd, POLLIN, 0});
      polled.push_back(listener.get());
    }
  }
  const size_t first_client = fds.size();
  std::vector<Connection*> conns;
  for (auto& [id, c] : connections_) {
    if (id == state_.executing_client || c->closing() || c->client().fd < 0) continue;
    fds.push_back({c->client().fd, POLLIN, 0});
    conns.push_back(c);
  }
  if (fds.empty() || poll(fds.data(), fds.size(), 0) <= 0) return;
  for (size_t i = 0; i < first_client; i++) {
    if (fds[i].revents & POLLIN) AcceptWhileBusy(*polled[i]);
  }
  for (size_t i = first_client; i < fds.size(); i++) {
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) conns[i - first_client]->ServeWhileBusy();
  }
}

void Server::AcceptWhileBusy(const Listener& listener) {
  uv_os_fd_t listen_fd;
  if (uv_fileno(reinterpret_cast<const uv_handle_t*>(&listener.tcp), &listen_fd) != 0) return;
  // Bounded, so that a flood of connections cannot keep the script from its next instruction.
  for (int i = 0; i < 64; i++) {
    const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto* conn = new Connection(*this, state_.next_client_id++);
    if (uv_tcp_open(conn->handle(), fd) != 0) {
      ::close(fd);
      conn->Refuse({});
      continue;
    }
    AdmitFrom(listener, conn);
    // Its first request (or handshake) arrives with the next poll.
  }
}

void Server::ResumeUnblocked() {
  // CLIENT UNBLOCK answered these from inside a command.
  for (uint64_t id : state_.blocking.TakeReleased()) unblocked_.push_back(id);
  // Resumed clients may run commands that unblock others: drain until nobody is left.
  while (!unblocked_.empty()) {
    std::vector<uint64_t> ids;
    ids.swap(unblocked_);
    for (uint64_t id : ids) {
      auto it = connections_.find(id);
      if (it == connections_.end() || it->second->closing() || it->second->client().blocked) {
        continue;
      }
      it->second->ProcessInput();
    }
  }
}

namespace {

// (Re)starts a one-shot timer for deadline `next` of clock `now_ms` (-1: stop it); `armed` is
// the deadline it is set for, so re-arming for the same one costs nothing.
void ArmOneShot(uv_loop_t* loop, uv_timer_t* timer, uv_timer_cb cb, int64_t& armed, int64_t next,
                int64_t (*now_ms)()) {
  if (next < 0) {
    if (armed >= 0) uv_timer_stop(timer);
    armed = -1;
    return;
  }
  if (next == armed) return;
  // The loop's cached time can lag behind after long callbacks; a stale base fires early.
  uv_update_time(loop);
  const int64_t delay = std::max<int64_t>(0, next - now_ms());
  uv_timer_start(timer, cb, static_cast<uint64_t>(delay), 0);
  armed = next;
}

}  // namespace

void Server::ArmBlockTimer() {
  ArmOneShot(&loop_, &block_timer_, OnBlockTimer, block_timer_deadline_,
             state_.blocking.NextDeadline(), SteadyMs);
}

void Server::OnBlockTimer(uv_timer_t* h) {
  auto* self = static_cast<Server*>(h->data);
  self->block_timer_deadline_ = -1;
  auto expired = self->state_.blocking.ExpireDue(
      WakeTime::Now(), [self](uint64_t id) { return self->WriterFor(id); });
  for (uint64_t id : expired) {
    self->unblocked_.push_back(id);
    if (auto it = self->connections_.find(id); it != self->connections_.end()) {
      it->second->RequestFlush();
    }
  }
  self->ArmBlockTimer();
}

void Server::ResumePaused() {
  if (state_.pause.held() == 0) return;
  for (uint64_t id : state_.pause.TakeResumable(WallClockMs())) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    it->second->client().postponed = false;
    // A resumed request may pause again (CLIENT PAUSE pipelined behind it): the rest wait.
    if (!it->second->closing()) it->second->ProcessInput();
  }
}

void Server::ArmPauseTimer() {
  ArmOneShot(&loop_, &pause_timer_, OnPauseTimer, pause_timer_deadline_, state_.pause.end_ms(),
             WallClockMs);
}

void Server::OnPauseTimer(uv_timer_t* h) {
  auto* self = static_cast<Server*>(h->data);
  self->pause_timer_deadline_ = -1;
  if (!self->state_.pause.ActiveAt(WallClockMs())) self->state_.pause.Unpause();
  self->ResumePaused();
  // Expiry, retention and the delivery policies' timers were held too: a check point comes
  // next, which re-arms the due timer.
  if (!self->shutting_down_) uv_idle_start(&self->idle_, OnIdle);
  self->ArmPauseTimer();
}

void Server::ArmDueTimer() {
  if (state_.repl.is_replica()) {
    // The primary's passes reach a replica through the stream.
    uv_timer_stop(&due_timer_);
    due_timer_deadline_ = -1;
    return;
  }
  // One timer for both: the delivery policies' group deadlines and the scheduled entries.
  const int64_t groups = state_.due.NextAt();
  const int64_t scheduled = state_.schedules.NextAt();
  int64_t next = groups < 0 ? scheduled : scheduled < 0 ? groups : std::min(groups, scheduled);
  // CLIENT PAUSE holds the policies' writes (as Redis holds expiry) until it ends.
  if (next >= 0 && state_.pause.end_ms() >= 0) next = std::max(next, state_.pause.end_ms());
  ArmOneShot(&loop_, &due_timer_, OnDueTimer, due_timer_deadline_, next, WallClockMs);
}

void Server::OnDueTimer(uv_timer_t* h) {
  auto* self = static_cast<Server*>(h->data);
  self->due_timer_deadline_ = -1;
  const int64_t now = WallClockMs();
  self->state_.command_time_ms = now;
  if (self->state_.repl.is_replica()) return;
  if (self->state_.pause.ActiveAt(now)) return self->ArmDueTimer();
  const bool joined = RunScheduledEntries(self->state_, now) > 0;
  if (RunDueGroups(self->state_, now) || joined) {
    self->ServeReadyKeys();
    // What the pass recorded goes to the AOF at the next check point: make sure one comes
    // even when no client is waiting for output.
    if (!self->shutting_down_) uv_idle_start(&self->idle_, OnIdle);
  }
  self->ArmDueTimer();
}

void Server::OnCheck(uv_check_t* h) {
  auto* self = static_cast<Server*>(h->data);
  self->ApplyLinkChange();
  self->CloseRequestedClients();
  self->ResumeUnblocked();
  self->ResumePaused();
  TrackingBroadcast(self->state_);
  // Writes are handed to the AOF before any reply goes out (with appendfsync always, that is
  // where the group commit's fsync belongs).
  self->FeedAof();
  const bool replicas_wait = self->FlushReplicas();
  self->FlushAll();
  if (self->http_ != nullptr) self->http_->FlushResponses();  // HTTP responses, likewise
  self->EvictClients();
  if (!self->transfers_.empty()) self->ResumeSnapshotReads();
  // Flushing can resume a client's buffered requests, which queues more output.
  // Replicas' output held back: the next poll must not block, so that it is written when
  // the input stops.
  if (replicas_wait && !self->shutting_down_) uv_idle_start(&self->idle_, OnIdle);
  else if (self->pending_flush_.empty() && !self->shutting_down_) uv_idle_stop(&self->idle_);
  if (self->state_.shutdown_requested && !self->shutting_down_) self->BeginShutdown();
  if (!self->shutting_down_) {
    self->ArmBlockTimer();
    self->ArmDueTimer();
    self->ArmPauseTimer();
  }
}

void Server::OnIdle(uv_idle_t*) {}

void Server::Cron() {
  int64_t now = WallClockMs();
  state_.SampleRates(now);
  // A replica leaves expiry, retention and the delivery policies to its primary, whose stream
  // carries what they did.
  // CLIENT PAUSE (WRITE or ALL) holds them too: nothing changes the dataset while it lasts.
  const bool may_write = !state_.repl.is_replica() && !state_.pause.ActiveAt(now);
  if (may_write) {
    LatencyTimer expire_timer(state_, "expire-cycle");
    for (auto& db : state_.dbs) db->ActiveExpire(now, 16);
  }
  state_.command_time_ms = now;
  if (may_write && RunRetentionPass(state_, now) > 0 && !shutting_down_) {
    uv_idle_start(&idle_, OnIdle);
  }
  ReplicationCron();
  TrackingBroadcast(state_);  // what expired goes out now, not after the next poll
  AofRewriteCron();
  http::FeedQueueHistory(state_, now);  // the dashboard's rates: a bounded walk per tick
  // CONFIG SET hz takes effect from the next tick.
  uint64_t period = static_cast<uint64_t>(1000 / std::max<int64_t>(1, state_.config.hz));
  if (uv_timer_get_repeat(&cron_) != period) uv_timer_set_repeat(&cron_, period);
  if (state_.config.timeout > 0) {
    std::vector<Connection*> idle;
    for (auto& [id, c] : connections_) {
      // As Redis: a blocked client waits on purpose (its own timeout is the BLOCK argument),
      // and so does one with subscriptions; a client inside MULTI gets no such grace.
      if (now - c->client().last_interaction_ms > state_.config.timeout * 1000 &&
          !c->client().blocked && !c->client().postponed && c->client().subscriptions == 0) {
        idle.push_back(c);
      }
    }
    for (Connection* c : idle) c->Close();
  }
  std::vector<Connection*> over_limit;
  for (auto& [id, c] : connections_) {
    c->AccountMemory();
    if (!c->closing() && c->OutputLimitReached()) over_limit.push_back(c);
    // Redis trims the query buffer of a client idle for more than 2 s.
    if (now - c->client().last_interaction_ms > 2000) c->ReleaseReadBuffer();
  }
  for (Connection* c : over_limit) c->CloseForOutputLimit();
  EvictClients();
}

void Server::EvictClients() {
  const int64_t limit = MaxmemoryClientsBytes(state_.config);
  if (limit <= 0 || state_.clients_memory <= static_cast<size_t>(limit)) return;
  std::vector<Connection*> candidates;
  for (auto& [id, c] : connections_) {
    if (!c->closing() && !c->client().no_evict) candidates.push_back(c);
  }
  std::sort(candidates.begin(), candidates.end(), [](Connection* a, Connection* b) {
    return ClientMemory(a->client()) > ClientMemory(b->client());
  });
  const int64_t now_ms = WallClockMs();
  for (Connection* c : candidates) {
    if (state_.clients_memory <= static_cast<size_t>(limit)) break;
    std::string line = ClientListLine(state_, c->client(), now_ms, {});
    if (!line.empty() && line.back() == '\n') line.pop_back();
    Log(LogLevel::kVerbose, "Evicting client: " + line);
    state_.stats.evicted_clients++;
    c->Close();
  }
}

void Server::OnCron(uv_timer_t* h) { static_cast<Server*>(h->data)->Cron(); }

void Server::OnSignal(uv_signal_t* h, int signum) {
  auto* self = static_cast<Server*>(h->data);
  Log(LogLevel::kWarning, std::string("Received ") + (signum == SIGINT ? "SIGINT" : "SIGTERM") +
                              " scheduling shutdown...");
  self->BeginShutdown();
}

void Server::BeginShutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  Log(LogLevel::kWarning, "User requested shutdown...");
  std::vector<Connection*> all;
  for (auto& [id, c] : connections_) all.push_back(c);
  for (Connection* c : all) c->Close();
  // The link to our primary and the snapshot pipes are handles too: the loop ends without them.
  const bool linked = link_ != nullptr;
  link_.reset();
  if (linked) state_.repl.link = LinkState::kConnect;  // still a replica, for INFO until exit
  for (SnapshotTransfer* t : std::vector<SnapshotTransfer*>(transfers_)) EndSnapshotTransfer(*t, false);
  for (auto& l : listeners_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&l.release()->tcp),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
  }
  listeners_.clear();
  if (http_ != nullptr) http_->Close();
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&cron_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&block_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&due_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&pause_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
}

}  // namespace server
