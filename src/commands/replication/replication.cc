// REPLICAOF / SLAVEOF, REPLCONF, PSYNC / SYNC and ROLE. The handlers only parse and record
// what was asked in ServerState::repl: the server connects to a new primary, and answers a
// PSYNC (+CONTINUE with the backlog, or +FULLRESYNC and a snapshot), at its next check point,
// where every write so far is in the stream and none after (src/server_repl.cc).
#include <cstdint>
#include <string>

#include "resp/strict_int.h"
#include "src/ascii.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/aof_writer.h"
#include "src/errors.h"
#include "src/log.h"
#include "src/replication.h"

namespace server {

namespace {

void ReplicaOf(CommandContext& ctx) {
  Replication& repl = ctx.server.repl;
  if (EqualsIgnoreCase(ctx.arg(1), "no") && EqualsIgnoreCase(ctx.arg(2), "one")) {
    if (repl.is_replica()) {
      repl.master_host.clear();
      repl.master_port = 0;
      repl.link_change = true;
      ctx.server.config.replicaof.clear();
      // A promoted replica keeps its history as replid2, so its own replicas (and the old
      // primary, once it follows) can continue partially.
      repl.ShiftReplid(NewReplid());
      Log(LogLevel::kNotice, "MASTER MODE enabled (user request from '" + ctx.client.addr + "')");
    }
    return ctx.reply.Ok();
  }
  int64_t port = 0;
  if (!resp::ParseStrictInt64(ctx.arg(2), port) || port < 0 || port > 65535) {
    return ctx.reply.Error(err::kInvalidMasterPort);
  }
  const std::string host(ctx.arg(1));
  if (repl.is_replica() && repl.master_host == host && repl.master_port == port) {
    Log(LogLevel::kNotice, "REPLICAOF would result into synchronization with the master we "
                           "are already connected with. No operation performed.");
    return ctx.reply.Simple("OK Already connected to specified master");
  }
  repl.master_host = host;
  repl.master_port = static_cast<int>(port);
  repl.link_change = true;
  ctx.server.config.replicaof = host + " " + std::to_string(port);
  Log(LogLevel::kNotice, "REPLICAOF " + host + ":" + std::to_string(port) +
                             " enabled (user request from '" + ctx.client.addr + "')");
  ctx.reply.Ok();
}

void ReplConf(CommandContext& ctx) {
  if (ctx.argv.size() % 2 == 0) return ctx.reply.Error(err::kSyntax);
  Client& c = ctx.client;
  for (size_t i = 1; i + 1 < ctx.argv.size(); i += 2) {
    const std::string_view option = ctx.arg(i), value = ctx.arg(i + 1);
    if (EqualsIgnoreCase(option, "listening-port")) {
      int64_t port = 0;
      if (!resp::ParseStrictInt64(value, port)) return ctx.reply.Error(err::kNotInteger);
      c.repl_listening_port = static_cast<int>(port);
    } else if (EqualsIgnoreCase(option, "ip-address")) {
      c.repl_ip = std::string(value);
    } else if (EqualsIgnoreCase(option, "capa")) {
      if (EqualsIgnoreCase(value, "runnel")) c.repl_capa_runnel = true;
    } else if (EqualsIgnoreCase(option, "ack")) {
      // A replica's acknowledgement: no reply, as in Redis (from anyone else, nothing at all).
      int64_t offset = 0;
      if (!resp::ParseStrictInt64(value, offset)) return;
      auto it = ctx.server.repl.replicas.find(c.id);
      if (it == ctx.server.repl.replicas.end()) return;
      ReplicaPeer& peer = it->second;
      if (offset > 0 && static_cast<uint64_t>(offset) > peer.ack_offset) {
        peer.ack_offset = static_cast<uint64_t>(offset);
      }
      peer.ack_ms = ctx.now_ms;
      int64_t fack = 0;
      if (i + 3 < ctx.argv.size() && EqualsIgnoreCase(ctx.arg(i + 2), "fack") &&
          resp::ParseStrictInt64(ctx.arg(i + 3), fack) && fack > 0) {
        peer.aof_ack_offset = std::max(peer.aof_ack_offset, static_cast<uint64_t>(fack));
      }
      return;
    } else if (EqualsIgnoreCase(option, "getack")) {
      // Only the primary's link asks this, and the link answers it (src/replica_link.cc).
      return;
    } else if (EqualsIgnoreCase(option, "rdb-only") || EqualsIgnoreCase(option, "rdb-filter-only")) {
      // Redis's options for redis-cli --rdb: accepted, with nothing to change here.
    } else {
      return ctx.reply.Error("ERR Unrecognized REPLCONF option: " + std::string(option));
    }
  }
  ctx.reply.Ok();
}

// PSYNC replid offset, or SYNC (no +FULLRESYNC line, always a full sync).
void RequestSync(CommandContext& ctx, std::string replid, int64_t offset) {
  Replication& repl = ctx.server.repl;
  if (ctx.client.is_replica) return;  // already one: Redis ignores a second SYNC
  if (repl.is_replica() && repl.link != LinkState::kConnected) {
    return ctx.reply.Error(err::kNoMasterLink);
  }
  if (!ctx.client.repl_capa_runnel) return ctx.reply.Error(err::kNotRunnelReplica);
  ctx.client.is_replica = true;
  repl.psync_requests.push_back({ctx.client.id, std::move(replid), offset});
  // The reply (+CONTINUE or +FULLRESYNC, then the data) comes at the check point.
}

void Psync(CommandContext& ctx) {
  int64_t offset = -1;
  if (ctx.arg(1) != "?" && !resp::ParseStrictInt64(ctx.arg(2), offset)) {
    return ctx.reply.Error(err::kNotInteger);
  }
  RequestSync(ctx, std::string(ctx.arg(1)), ctx.arg(1) == "?" ? -1 : offset);
}

void Sync(CommandContext& ctx) { RequestSync(ctx, "?", -1); }

std::string_view LinkStateName(LinkState s) {
  switch (s) {
    case LinkState::kConnecting:
      return "connecting";
    case LinkState::kHandshake:
      return "handshake";
    case LinkState::kTransfer:
      return "sync";
    case LinkState::kConnected:
      return "connected";
    default:
      return "connect";
  }
}

void Role(CommandContext& ctx) {
  const Replication& repl = ctx.server.repl;
  if (repl.is_replica()) {
    ctx.reply.Array(5);
    ctx.reply.Bulk("slave");
    ctx.reply.Bulk(repl.master_host);
    ctx.reply.Integer(repl.master_port);
    ctx.reply.Bulk(LinkStateName(repl.link));
    ctx.reply.Integer(repl.link == LinkState::kConnected ? static_cast<int64_t>(repl.offset) : -1);
    return;
  }
  ctx.reply.Array(3);
  ctx.reply.Bulk("master");
  ctx.reply.Integer(static_cast<int64_t>(repl.offset));
  size_t online = 0;
  for (const auto& [id, peer] : repl.replicas) online += peer.state == ReplicaPeer::State::kOnline;
  ctx.reply.Array(online);
  for (const auto& [id, peer] : repl.replicas) {
    if (peer.state != ReplicaPeer::State::kOnline) continue;
    ctx.reply.Array(3);
    ctx.reply.Bulk(peer.ip);
    ctx.reply.Bulk(std::to_string(peer.port));
    ctx.reply.Bulk(std::to_string(peer.ack_offset));
  }
}

// WAIT's and WAITAOF's timeout argument (ms, 0 = none) as a wall-clock deadline; -1 for none,
// as for one too far off to represent.
Result<int64_t> WaitDeadlineArg(const CommandContext& ctx, size_t index) {
  auto timeout = Int64Arg(ctx, index, err::kTimeoutNotInteger);
  if (!timeout) return timeout;
  if (*timeout < 0) return Failure(std::string(err::kTimeoutNegative));
  if (*timeout == 0 || *timeout > INT64_MAX - ctx.now_ms) return int64_t{-1};
  return ctx.now_ms + *timeout;
}

// WAIT numreplicas timeout: parks the client; the server answers at a check point once enough
// replicas acknowledged every write made before it, or at the deadline, with how many did.
void Wait(CommandContext& ctx) {
  auto numreplicas = Int64Arg(ctx, 1);
  if (!numreplicas) return ctx.reply.Error(numreplicas.error());
  auto deadline = WaitDeadlineArg(ctx, 2);
  if (!deadline) return ctx.reply.Error(deadline.error());
  Replication& repl = ctx.server.repl;
  if (repl.is_replica()) return ctx.reply.Error(err::kWaitFromReplica);
  // Inside MULTI (or with nothing to wait for) the answer is what is known now, as in Redis.
  if (ctx.client.command_depth > 1 || *numreplicas <= 0) {
    return ctx.reply.Integer(static_cast<int64_t>(ReplicasAcked(repl, repl.data_offset)));
  }
  ctx.client.blocked = true;
  repl.waiters.push_back({ctx.client.id, *numreplicas, *deadline});
}

// WAITAOF numlocal numreplicas timeout (Redis 7.2): the same, counting fsyncs to the AOF of
// this node (0 or 1) and of the replicas; answers [local, replicas].
void WaitAof(CommandContext& ctx) {
  auto numlocal = Int64Arg(ctx, 1);
  if (!numlocal) return ctx.reply.Error(numlocal.error());
  auto numreplicas = Int64Arg(ctx, 2);
  if (!numreplicas) return ctx.reply.Error(numreplicas.error());
  auto deadline = WaitDeadlineArg(ctx, 3);
  if (!deadline) return ctx.reply.Error(deadline.error());
  Replication& repl = ctx.server.repl;
  if (repl.is_replica()) return ctx.reply.Error(err::kWaitAofFromReplica);
  if (*numlocal > 0 && !ctx.server.config.appendonly) return ctx.reply.Error(err::kWaitAofNoAof);
  if (ctx.client.command_depth > 1) {
    ctx.reply.Array(2);
    const AofWriter* aof = ctx.server.aof.get();
    ctx.reply.Integer(aof != nullptr &&
                      aof->durable_size() >= aof->current_size() + aof->buffer_length());
    ctx.reply.Integer(static_cast<int64_t>(ReplicasAcked(repl, repl.data_offset, true)));
    return;
  }
  ctx.client.blocked = true;
  repl.waiters.push_back(
      {ctx.client.id, *numreplicas, *deadline, 0, false, *numlocal});
}

constexpr uint32_t kReplAdmin = kAdmin | kNoScript;

constexpr CommandSpec kRows[] = {
    {"replicaof", 3, kReplAdmin | kStale | kNoAsyncLoading, 0, 0, 0, ReplicaOf,
     "Configures a server as replica of another, or promotes it to a master.", "5.0.0", "server",
     {"O(1)", "host port:integer"}},
    {"slaveof", 3, kReplAdmin | kStale | kNoAsyncLoading, 0, 0, 0, ReplicaOf,
     "Sets a Redis server as a replica of another, or promotes it to being a master.", "1.0.0",
     "server", {"O(1)", "host port:integer"}},
    {"replconf", -1, kReplAdmin | kLoading | kStale | kAllowBusy, 0, 0, 0, ReplConf,
     "An internal command for configuring the replication stream.", "3.0.0", "server",
     {"O(1)"}},
    {"psync", -3, kReplAdmin | kNoAsyncLoading | kNoMulti, 0, 0, 0, Psync,
     "An internal command used in replication.", "2.8.0", "server",
     {"", "replicationid offset:integer"}},
    {"sync", 1, kReplAdmin | kNoAsyncLoading | kNoMulti, 0, 0, 0, Sync,
     "An internal command used in replication.", "1.0.0", "server", {}},
    {"wait", 3, kNoScript, 0, 0, 0, Wait,
     "Blocks until the asynchronous replication of all preceding write commands sent by the "
     "connection is completed.", "3.0.0", "generic",
     {"O(1)", "numreplicas:integer timeout:integer", "request_policy:all_shards "
      "response_policy:agg_min", "", "@connection -@keyspace"}},
    {"waitaof", 4, kNoScript, 0, 0, 0, WaitAof,
     "Blocks until all of the preceding write commands sent by the connection are written to "
     "the append-only file of the master and/or replicas.", "7.2.0", "generic",
     {"O(1)", "numlocal:integer numreplicas:integer timeout:integer",
      "request_policy:all_shards response_policy:agg_min", "", "@connection -@keyspace"}},
    {"role", 1, kNoScript | kLoading | kStale | kFast, 0, 0, 0, Role,
     "Returns the replication role.", "2.8.12", "server", {"O(1)", "", "", "", "@admin @dangerous"}},
};

}  // namespace

std::span<const CommandSpec> ReplicationRows() { return kRows; }

}  // namespace server
