// The server process: one libuv loop with the TCP listeners (plain and TLS), a cron timer (active expiry,
// idle timeouts), signal handlers, and a check handle that runs after each poll phase to
// flush every connection with pending replies, so each client gets one write per iteration.
#pragma once

#include <uv.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "src/aof_rewrite.h"
#include "src/command_table.h"
#include "src/config.h"
#include "src/connection.h"
#include "src/replica_link.h"
#include "src/server_state.h"

namespace server {

namespace http {
class HttpServer;
}

class Server final : public ConnectionHost, public ClientOutputs, public ReplicaLinkHost {
 public:
  // `commands` (src/commands/registry.h's families, built by main) must outlive the server.
  Server(Config config, const CommandTable& commands);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, serves until SHUTDOWN or a signal, then closes everything. Returns an exit code.
  int Run();

  // ConnectionHost.
  uv_loop_t* loop() override { return &loop_; }
  ServerState& state() override { return state_; }
  void QueueFlush(Connection& c) override;
  void OnConnectionClosing(Connection& c) override;
  // Answers clients blocked on keys the last command made ready; they resume in OnCheck.
  void ServeReadyKeys() override;
  // ReplicaLinkHost (src/server_repl.cc).
  bool LoadSyncPayload(std::string_view payload) override;
  void FeedStream(std::string_view bytes) override;

 private:
  // A listening socket: the port's plain one, or the tls-port's, whose connections speak TLS
  // with state_.tls's context. Its handle's data points back at it.
  struct Listener {
    uv_tcp_t tcp;
    Server* server;
    bool tls;
  };

  static void OnConnection(uv_stream_t* listener, int status);
  static void OnCheck(uv_check_t* h);
  static void OnIdle(uv_idle_t* h);
  static void OnCron(uv_timer_t* h);
  static void OnSignal(uv_signal_t* h, int signum);
  static void OnBlockTimer(uv_timer_t* h);
  static void OnDueTimer(uv_timer_t* h);
  static void OnPauseTimer(uv_timer_t* h);

  bool Listen();
  // The HTTP listener (src/server_http.cc), when http-port is set; false (logged) stops start-up.
  bool ListenHttp();
  // Binds every bind address on `port`, as TLS listeners when `tls`. Returns the port bound
  // (the one picked for port 0), or -1 when a required address failed (logged).
  int ListenOn(int port, bool tls);
  // Builds the TLS context when a tls-port is set; false (the reason logged) stops start-up.
  bool ConfigureTls();
  // Makes an accepted connection a TLS one when it came through a TLS listener, and admits it
  // (or refuses it, when OpenSSL cannot make its session).
  void AdmitFrom(const Listener& listener, Connection* conn);
  // The append-only file. LoadAof (src/server_aof_load.cc) replays it before the port opens;
  // OpenAof, FeedAof and CloseAof (src/server_aof.cc) open it for appending, hand it each
  // check point's writes before any reply leaves, and flush it at shutdown. The two that
  // return false stop start-up (the reason is logged).
  // The config file's `user` directives or the aclfile, before anything else.
  bool LoadUsers();
  bool LoadAof();
  bool OpenAof();
  void FeedAof();
  void CloseAof();
  // AOF rewrite (src/server_aof.cc): StartAofRewrite forks the child (every record so far is
  // in the writer by then); AofRewriteCron reaps it and installs its file, and starts the
  // automatic rewrite when the file has grown enough.
  void StartAofRewrite();
  void AofRewriteCron();
  void FinishAofRewrite();
  // Replication (src/server_repl.cc). DrainRecords hands each check point's records to the
  // stream (a primary's) and to the AOF; AnswerPsyncRequests runs right after it.
  struct SnapshotTransfer;
  void UpdatePropagation();
  void DrainRecords();
  void AnswerPsyncRequests();
  void ServeWaiters();
  void TrackAofDurability();
  void StartSnapshotTransfer(uint64_t client_id);
  void ReadSnapshotPipe(SnapshotTransfer& t);
  // Every loop iteration: a paused snapshot whose replica has read enough is read again.
  void ResumeSnapshotReads();
  void ForwardSnapshot(SnapshotTransfer& t, std::string_view bytes);
  void FinishSnapshotTransfer(SnapshotTransfer& t);
  void EndSnapshotTransfer(SnapshotTransfer& t, bool ok);
  void ApplyLinkChange();
  void ReplicationCron();
  void ForgetReplica(uint64_t client_id);
  // The replication id and offset the AOF's content stands at, kept across a clean shutdown
  // (<dir>/runnel-repl.state) so that a restarted replica continues partially. Read once at
  // start and removed: after a crash the AOF may stand elsewhere, and a full sync is safe.
  void SaveReplState();
  void LoadReplState();
  void FlushAll();
  // At each check point, before FlushAll: queues the replicas' flushes when the stream bytes
  // they hold are due (FeedStream holds them back while clients keep the loop busy). Returns
  // true while bytes wait, so that the loop polls again without blocking.
  bool FlushReplicas();
  void CloseRequestedClients();
  void Cron();
  // maxmemory-clients: while the clients together hold more, closes the one holding most
  // (CLIENT NO-EVICT ones are spared), as Redis's client eviction does.
  void EvictClients();
  void BeginShutdown();
  void ArmBlockTimer();
  void ArmDueTimer();
  void ResumeUnblocked();
  // CLIENT PAUSE: once the pause is over (its timeout, or CLIENT UNPAUSE), the clients it held
  // run their buffered requests, in the order they were held; pause_timer_ fires at its end.
  void ResumePaused();
  void ArmPauseTimer();
  // state_.serve_while_busy: answers the other clients while a script runs long.
  void ServeWhileBusy();
  void AcceptWhileBusy(const Listener& listener);
  void Admit(Connection* conn);  // registers an accepted connection and starts reading
  // The client's connection, or null when it is gone or closing.
  Connection* OpenConnection(uint64_t client_id);
  resp::Writer* WriterFor(uint64_t client_id);
  resp::Writer* OutputFor(uint64_t client_id) override;

  uv_loop_t loop_;
  // Owned here until BeginShutdown hands each to uv_close, whose callback deletes it.
  std::vector<std::unique_ptr<Listener>> listeners_;
  uv_check_t check_;
  // Active only while flushes are queued: an active idle handle makes the loop poll without
  // blocking, so output queued outside an I/O callback is written in the next iteration
  // instead of after the next cron tick.
  uv_idle_t idle_;
  uv_timer_t cron_;
  uv_signal_t sigint_;
  uv_signal_t sigterm_;
  // Fires at the earliest deadline of a blocked client (one timer for all of them, re-armed
  // whenever the earliest deadline changes), so idle blocked clients cost no wake-ups.
  uv_timer_t block_timer_;
  int64_t block_timer_deadline_ = -1;  // what block_timer_ is armed for; -1 = stopped
  // Fires at the earliest deadline of the consumer groups' delivery policies (ServerState::due,
  // wall-clock ms): one timer, however many pending entries have deadlines.
  uv_timer_t due_timer_;
  int64_t due_timer_deadline_ = -1;
  uv_timer_t pause_timer_;
  int64_t pause_timer_deadline_ = -1;
  // Clients just served or timed out: their buffered requests run in the next OnCheck (not
  // inside the command that woke them).
  std::vector<uint64_t> unblocked_;
  // Where WriterFor sends the replies of blocked commands that CLIENT REPLY silenced.
  std::string dropped_reply_;
  resp::Writer drop_writer_{dropped_reply_};
  ServerState state_;
  std::unordered_map<uint64_t, Connection*> connections_;
  std::vector<Connection*> pending_flush_;
  bool shutting_down_ = false;
  std::unique_ptr<AofRewriteChild> aof_rewrite_child_;  // the running rewrite, if any
  std::unique_ptr<ReplicaLink> link_;            // to our primary, when a replica
  std::vector<SnapshotTransfer*> transfers_;     // full syncs in flight (freed by libuv)
  int64_t last_repl_ping_ms_ = 0;
  // The stream's bytes in online replicas' output since their last flush, and since when
  // (uv_now); FlushReplicas writes them at kReplicaWriteBatch bytes or kReplicaWriteDelayMs.
  static constexpr size_t kReplicaWriteBatch = 64 * 1024;
  static constexpr uint64_t kReplicaWriteDelayMs = 1;
  size_t repl_unflushed_ = 0;
  uint64_t repl_unflushed_since_ms_ = 0;
  uint64_t input_at_last_check_ = 0;  // stats.net_input_bytes at the previous check point
  int64_t aof_rewrite_failed_ms_ = -1;  // when the last rewrite failed (auto retry backs off)
  std::unique_ptr<http::HttpServer> http_;  // /metrics and the dashboard; null while http-port is 0
};

}  // namespace server
