// Everything the command handlers may read or change that outlives one command: config,
// databases, stats, the registry of clients. No libuv here: the Server (src/server.h) owns a
// ServerState and acts on the requests handlers leave in it (clients to kill, shutdown).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "src/acl/acl.h"
#include "src/aof_writer.h"
#include "src/blocking.h"
#include "src/client.h"
#include "src/client_pause.h"
#include "src/command_stats.h"
#include "src/config.h"
#include "src/db.h"
#include "src/due_scheduler.h"
#include "src/http/queue_history.h"
#include "src/latency_monitor.h"
#include "src/propagation.h"
#include "src/pubsub.h"
#include "src/replication.h"
#include "src/slowlog.h"
#include "src/tracking.h"

namespace resp {
class Writer;
}

namespace server {

class CommandTable;
class TlsContext;

// How a command reaches other clients' connections (PUBLISH's messages): the server implements
// it over its connections; a unit test may install its own.
class ClientOutputs {
 public:
  // The writer of the client's connection, with a flush of it requested for this iteration
  // (what is written comes from outside its own commands); null when it is gone or closing.
  virtual resp::Writer* OutputFor(uint64_t client_id) = 0;

 protected:
  ~ClientOutputs() = default;
};

inline constexpr std::string_view kRedisVersion = "7.4.0";   // what we tell clients we speak
inline constexpr std::string_view kRunnelVersion = "0.1.0";

struct Stats {
  uint64_t retention_trimmed = 0;  // entries trimmed by retention by age (Runnel's)
  uint64_t total_connections_received = 0;
  uint64_t evicted_keys = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_output_limit_disconnections = 0;
  uint64_t client_query_limit_disconnections = 0;
  uint64_t evicted_clients = 0;  // closed by maxmemory-clients
  uint64_t expired_keys_reset_base = 0;  // expired_keys as of the last CONFIG RESETSTAT
};

// INFO's client_recent_max_input_buffer / _output_buffer: the largest query and output buffer
// seen in each of the last 8 seconds, as Redis keeps them.
class ClientPeaks {
 public:
  void Note(int64_t now_sec, size_t in, size_t out) {
    const size_t slot = static_cast<size_t>(now_sec) % kSlots;
    if (second_[slot] != now_sec) {
      second_[slot] = now_sec;
      in_[slot] = out_[slot] = 0;
    }
    if (in > in_[slot]) in_[slot] = in;
    if (out > out_[slot]) out_[slot] = out;
  }
  size_t MaxIn(int64_t now_sec) const { return Max(in_, now_sec); }
  size_t MaxOut(int64_t now_sec) const { return Max(out_, now_sec); }

 private:
  static constexpr size_t kSlots = 8;
  size_t Max(const std::array<size_t, kSlots>& v, int64_t now_sec) const {
    size_t m = 0;
    for (size_t i = 0; i < kSlots; i++) {
      if (now_sec - second_[i] < static_cast<int64_t>(kSlots)) m = std::max(m, v[i]);
    }
    return m;
  }
  std::array<size_t, kSlots> in_{}, out_{};
  std::array<int64_t, kSlots> second_{-100, -100, -100, -100, -100, -100, -100, -100};
};

// What the delivery policies did since start (INFO's deliverypolicy section; the per-group
// counters XINFO shows are persisted, these are not, as Redis's INFO stats are not).
struct PolicyStats {
  uint64_t redelivered = 0;           // due entries redelivered to a ">" read
  uint64_t dead_lettered = 0;         // entries moved to a dead-letter stream
  uint64_t dead_letter_failures = 0;  // dead letters refused: the dead-letter key is no stream
  uint64_t redriven = 0;              // dead letters moved back by XREDRIVE
};

// What INFO persistence reports about AOF rewrites; whoever runs a rewrite keeps it current.
struct AofRewriteStats {
  bool in_progress = false;
  bool scheduled = false;
  int64_t last_time_sec = -1;        // duration of the last rewrite
  int64_t current_start_ms = -1;     // wall-clock start of the running rewrite; -1 = none
  bool last_ok = true;               // aof_last_bgrewrite_status
  uint64_t rewrites = 0;
  uint64_t consecutive_failures = 0;
};

// A rate sampled over the last few cron ticks (instantaneous_ops_per_sec and friends): the
// average of per-interval rates, as Redis computes it.
class RateSampler {
 public:
  // Records the running total at `now_ms`; samples closer than 100 ms apart are ignored.
  void Sample(int64_t now_ms, uint64_t total);
  // Per-second rate averaged over the retained intervals.
  double PerSecond() const;
  void Reset();

 private:
  static constexpr size_t kSamples = 16;
  double rates_[kSamples] = {};
  size_t count_ = 0;
  size_t next_ = 0;
  int64_t last_ms_ = -1;
  uint64_t last_total_ = 0;
};

namespace scripting {
class ScriptEngine;
}

struct ServerState {
  explicit ServerState(Config cfg);
  ~ServerState();
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;

  Config config;
  std::vector<std::unique_ptr<Db>> dbs;
  Stats stats;
  // INFO commandstats / latencystats and errorstats (src/command_stats.h); every writer a
  // command replies through counts its errors into error_stats (Dispatch sets the sink).
  CommandStats command_stats;
  ErrorStats error_stats;
  // The sum of ClientMemory() over the connections, as each last reported it (client
  // eviction compares it with maxmemory-clients), and the recent peaks INFO shows.
  size_t clients_memory = 0;
  ClientPeaks client_peaks;
  // Wall-clock ms of the command being run: handlers get it as ctx.now_ms and the dbs stamp
  // stored values with it.
  int64_t command_time_ms = 0;
  // Unit tests pin the time commands see (the streams' injected clock, one level up); -1, the
  // only value the server uses, means the wall clock.
  int64_t pinned_time_ms = -1;
  // The commands of one socket read share one clock reading, taken again every
  // kBatchTimeUses commands, so a pipeline does not pay a clock read per command (a reading
  // is then at most a few dozen commands old). -1 outside a read.
  static constexpr uint32_t kBatchTimeUses = 32;
  int64_t batch_time_ms = -1;
  uint32_t batch_time_uses = 0;
  // While a script runs, every command it calls sees the time the script started at, as in
  // Redis (a key cannot expire half-way through a script). -1 otherwise.
  int64_t frozen_time_ms = -1;
  // The time the next command runs at (Dispatch sets command_time_ms from it).
  int64_t NextCommandTime();
  // The wall clock to the microsecond, for the commands that report the time itself (TIME,
  // INFO's server_time_usec and uptime); the pinned time when a test pins one.
  int64_t PreciseTimeUs() const;
  const CommandTable* commands = nullptr;
  // The ACL users, made from `commands` on first use (the default user takes requirepass).
  // Inline, as UserOf and NeedsAuth: every command asks.
  acl::Registry& Acl() {
    if (!acl_) [[unlikely]] MakeAcl();
    return *acl_;
  }
  // The user a client runs as: the one it authenticated as, else "default".
  const acl::User& UserOf(const Client& c) { return c.user != nullptr ? *c.user : Acl().Default(); }
  // Whether a client must AUTH before other commands: it has not, and the default user is off
  // or has passwords.
  bool NeedsAuth(const Client& c) {
    if (c.authenticated) return false;
    const acl::User& d = Acl().Default();
    return !(d.enabled && d.nopass);
  }
  int64_t start_ms = 0;
  std::string run_id;
  uint64_t next_client_id = 1;
  std::map<uint64_t, Client*> clients;  // by id, which is also connection order
  std::vector<uint64_t> clients_to_close;  // CLIENT KILL: closed by the server after this turn
  bool shutdown_requested = false;
  int tcp_port = 0;  // the port actually bound (config.port may be 0); the TLS one if alone
  // The TLS context new connections on the tls-port start with (src/tls.h); null while TLS is
  // off. CONFIG SET of a tls-* option replaces it; open connections keep the one they have.
  std::shared_ptr<const TlsContext> tls;
  Replication repl;  // both roles' replication state (src/replication.h)
  size_t peak_memory = 0;  // highest used_memory seen after a command, by INFO or the cron
  size_t startup_memory = 0;  // used_memory when the state was made, before any data
  // The random choices commands make (SPOP, SRANDMEMBER); a test may reseed it. What a choice
  // changed is recorded for the AOF as its effect, so replay never draws from it.
  std::mt19937_64 rng{0x73657473ULL};
  BlockingRegistry blocking;  // clients parked by XREAD BLOCK
  PubSub pubsub;              // channel and pattern subscriptions
  std::vector<uint64_t> monitors;  // clients in MONITOR mode, by id (src/monitor.h)
  TrackingState tracking;     // client-side caching (CLIENT TRACKING)
  // A script running past busy-reply-threshold: the server's serve_while_busy (called from the
  // script's hook) answers other clients -BUSY, but for the allow_busy commands; SCRIPT KILL
  // and SHUTDOWN NOSAVE ask the script to stop (script_kill_requested).
  bool script_busy = false;
  bool script_busy_function = false;  // the busy script is a function (FCALL), not EVAL
  bool script_kill_requested = false;
  // Dispatch found the server over maxmemory with nothing left to evict, before this command
  // (scripts decide from it what they may do, as Redis's do).
  bool over_maxmemory = false;
  // Retention by age (src/delivery/retention_pass.h): whether any stream has been given an
  // XRETENTION (the pass runs then, or when stream-retention-ms is set), and where the pass's
  // walk of the keyspace is.
  bool retention_in_use = false;
  // Delayed delivery: when each stream with scheduled entries next has one due (the group part
  // of the reference is empty). Shares the due timer with `due`.
  DueScheduler schedules;
  struct {
    size_t db = 0;
    uint64_t position = 0;
  } retention_cursor;
  std::function<void()> serve_while_busy;
  // The Lua engine and script cache (EVAL, SCRIPT), made on first use.
  std::unique_ptr<scripting::ScriptEngine> scripts;
  scripting::ScriptEngine& Scripts();
  // The code of every function library (FUNCTION LOAD), for the AOF rewrite.
  std::vector<std::string> FunctionLibraryCodes() const;
  // The client whose command is running (0: none, e.g. active expiry): NOLOOP and the
  // invalidations that must wait for its reply tell it apart.
  uint64_t executing_client = 0;
  ClientOutputs* outputs = nullptr;  // set by the server (null: messages go nowhere)
  Propagation propagation;    // what the writes since the last hand-over leave for the AOF
  // The open append-only file (appendonly yes), fed by the server at each check point; null
  // when the AOF is off.
  std::unique_ptr<AofWriter> aof;
  AofRewriteStats aof_rewrite;
  PolicyStats policy_stats;
  // Consumer groups whose delivery policy has deadlines: the server's due timer fires at the
  // earliest and runs the policy (src/delivery/due_pass.h).
  DueScheduler due;
  bool loading = false;  // the AOF is being replayed: policies take no action of their own
  // The queue dashboard's rates over the last minutes, fed by the cron
  // (src/http/dashboard_overview.h).
  http::QueueHistory queue_history;

 private:
  std::unique_ptr<acl::Registry> acl_;
  void MakeAcl();

 public:

  RateSampler ops_rate;        // commands per second
  RateSampler net_input_rate;  // bytes per second
  RateSampler net_output_rate;

  uint64_t TotalExpiredKeys() const;
  // Feeds the rate samplers; the server's cron calls it, INFO too so the rates stay fresh.
  void SampleRates(int64_t now_ms);
  // CONFIG RESETSTAT: zeroes the counters INFO reports.
  void ResetStats();

  // CLIENT PAUSE: the pause in force and the clients it holds (src/client_pause.h).
  ClientPause pause;

  // SLOWLOG and LATENCY: what ObserveCommand and the server's timed steps recorded. CONFIG
  // RESETSTAT leaves both alone, as in Redis.
  SlowLog slowlog;
  LatencyMonitor latency;
  // Samples a timed step of the server for `event` (latency-monitor-threshold, this second).
  void SampleLatency(std::string_view event, int64_t duration_us);
  // After client `c` ran a command (row flags `flags`) for `duration_us` (ObserveCommand): the
  // slow log, and the latency monitor's "command" or "fast-command" event.
  void ObserveSlowCommand(const Client& c, uint32_t flags, std::span<const std::string_view> argv,
                          int64_t duration_us);
};

// Times one step of the server for the latency monitor ("expire-cycle", "fork"...): samples
// `event` when it goes out of scope. Reads no clock while monitoring is off.
class LatencyTimer {
 public:
  LatencyTimer(ServerState& state, std::string_view event);
  ~LatencyTimer();
  LatencyTimer(const LatencyTimer&) = delete;
  LatencyTimer& operator=(const LatencyTimer&) = delete;
  // Microseconds since the timer was made (0 while monitoring is off).
  int64_t ElapsedUs() const;

 private:
  ServerState& state_;
  std::string_view event_;
  bool on_;           // monitoring was on when the step began
  uint64_t started_;  // CycleClock reading (the same cheap clock as the commands' timing)
};

int64_t WallClockMs();
int64_t WallClockUs();

}  // namespace server
