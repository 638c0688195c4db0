#include "src/dispatch.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "src/client_info.h"
#include "src/command_stats.h"
#include "src/cycle_clock.h"
#include "src/errors.h"
#include "src/eviction.h"
#include "src/memory.h"
#include "src/monitor.h"
#include "src/transactions.h"

namespace server {

namespace {

bool ArityOk(int arity, size_t argc) {
  return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

// A command refused before it runs (its error reply reaches the error statistics through the
// writer's sink; `spec`, when the name resolved, counts a rejected call). Like Redis, it
// poisons a MULTI in progress; EXEC itself being refused aborts the transaction outright, with
// the reason in the EXECABORT text.
void Reject(ServerState& state, Client& client, const CommandSpec* spec, std::string_view name,
            std::string_view error, resp::Writer& reply) {
  if (spec != nullptr) CountRejected(state, *spec, name);
  if (EqualsIgnoreCase(name, "exec")) {
    if (error.starts_with("ERR ")) error.remove_prefix(4);
    EndTransaction(state, client);
    reply.Error(std::string(err::kExecAbortBecause) + std::string(error));
    return;
  }
  FlagTransactionError(client);
  reply.Error(error);
}

// The row a call that failed to resolve named, when it named one (an arity error), so that its
// rejection counts against it as in Redis.
const CommandSpec* RowNamed(const CommandTable& table, std::span<const std::string_view> argv) {
  const CommandSpec* spec = table.Find(argv[0]);
  if (spec == nullptr || spec->subcommands.empty()) return spec;
  return argv.size() >= 2 ? CommandTable::FindSubcommand(*spec, argv[1]) : spec;
}

// What a RESP2 client in subscribed mode may still send (top-level commands only: a
// subcommand such as SLOWLOG RESET is refused).
bool AllowedWhileSubscribed(const CommandSpec& spec, std::string_view name) {
  if (!EqualsIgnoreCase(spec.name, name)) return false;
  return IsSubscribeCommand(spec.name) || spec.name == "ping" || spec.name == "quit" ||
         spec.name == "reset";
}

// "get", or "pubsub|numsub" for a subcommand, as Redis names a command in its errors.
std::string FullName(const CommandSpec& spec, std::string_view name) {
  if (EqualsIgnoreCase(spec.name, name)) return std::string(spec.name);
  return AsciiLower(name) + "|" + std::string(spec.name);
}

}  // namespace

acl::Verdict CheckAclAndLog(ServerState& state, Client& client, const CommandSpec& spec,
                            std::span<const std::string_view> argv, std::string_view context) {
  const acl::User& user = state.UserOf(client);
  if (user.unrestricted || (spec.flags & kNoAuth)) return {};
  const acl::Verdict v = state.Acl().Check(user, spec, argv);
  if (v.ok()) return v;
  const std::string name = FullName(spec, argv[0]);
  const char* reason = v.denial == acl::Denial::kKey       ? "key"
                       : v.denial == acl::Denial::kChannel ? "channel"
                                                           : "command";
  std::string object = v.denial == acl::Denial::kCommand ? name : std::string(argv[v.arg]);
  const int64_t now = state.NextCommandTime();
  state.Acl().Log(reason, std::string(context), std::move(object), user.name,
                  ClientListLine(state, client, now, {&client, name, 0}), now,
                  static_cast<size_t>(state.config.acllog_max_len));
  return v;
}

Result<void> CheckAcl(ServerState& state, Client& client, const CommandSpec& spec,
                      std::span<const std::string_view> argv, std::string_view context) {
  const acl::Verdict v = CheckAclAndLog(state, client, spec, argv, context);
  switch (v.denial) {
    case acl::Denial::kNone:
      return {};
    case acl::Denial::kKey:
      return Failure(err::kNoPermKey);
    case acl::Denial::kChannel:
      return Failure(err::kNoPermChannel);
    default:
      return Failure(err::NoPermCommand(state.UserOf(client).name, FullName(spec, argv[0])));
  }
}

Result<const CommandSpec*> Resolve(const CommandTable& table,
                                   std::span<const std::string_view> argv) {
  const CommandSpec* spec = table.Find(argv[0]);
  if (spec == nullptr) {
    return Failure(err::UnknownCommand(argv[0], argv.data() + 1, argv.size() - 1));
  }
  if (!spec->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = CommandTable::FindSubcommand(*spec, argv[1]);
    if (sub == nullptr) return Failure(err::UnknownSubcommand(argv[1], spec->name));
    if (!ArityOk(sub->arity, argv.size())) {
      return Failure(err::WrongArity(std::string(spec->name) + "|" + std::string(sub->name)));
    }
    return sub;
  }
  if (!ArityOk(spec->arity, argv.size())) return Failure(err::WrongArity(spec->name));
  return spec;
}

void Execute(ServerState& state, Client& client, const CommandSpec& spec,
             std::span<const std::string_view> argv, resp::Writer& reply) {
  // CLIENT LIST's cmd=: the command's table name, "container|sub" for a subcommand. The same
  // row gives the same name (a subcommand's row belongs to one container): a pipeline
  // repeating one command makes it once.
  if (client.last_command_spec != &spec) {
    client.last_command_spec = &spec;
    if (EqualsIgnoreCase(spec.name, argv[0])) {
      client.last_command = spec.name;
    } else {
      client.last_command = AsciiLower(argv[0]);
      client.last_command.append("|").append(spec.name);
    }
  }
  state.command_time_ms = state.NextCommandTime();
  CommandContext ctx{argv, client, state, reply, state.command_time_ms, &spec};
  state.stats.total_commands_processed++;
  // CLIENT NO-TOUCH: this client's reads leave the keys' access time alone (TOUCH still counts).
  Db* untracked = client.no_touch && spec.name != "touch" ? &ctx.db() : nullptr;
  if (untracked) untracked->set_access_tracking(false);
  client.command_depth++;
  const uint64_t outer_client = state.executing_client;
  state.executing_client = client.id;
  state.propagation.BeginCommand(client.db_index);
  reply.set_error_sink(&state.error_stats);
  const resp::Writer::Mark reply_start = reply.mark();
  const bool monitored = !state.monitors.empty() && MonitorShows(state, spec);
  if (monitored && MonitorShowsBeforeRunning(spec)) FeedMonitors(state, client, argv);
  const uint64_t started = CycleClock::Now();
  spec.handler(ctx);
  const int64_t duration_ns = CycleClock::ToNs(CycleClock::Now() - started);
  // A write that answered an error changed nothing (Redis's commands check before they write).
  const bool failed = reply.IsErrorSince(reply_start);
  ObserveCommand(state, client, spec, argv, duration_ns, failed);
  if (monitored && !MonitorShowsBeforeRunning(spec)) FeedMonitors(state, client, argv);
  state.propagation.EndCommand(argv, (spec.flags & kWrite) && !failed);
  // Client-side caching: a read remembers its keys for the client (each command of a
  // transaction for itself, as Redis).
  Client& reader = client.on_behalf_of != nullptr ? *client.on_behalf_of : client;
  if (reader.tracking.on && (spec.flags & kReadOnly) && !(spec.flags & kRunsScript)) {
    std::vector<std::string_view> keys;
    for (size_t pos : KeyPositions(spec, argv)) keys.push_back(argv[pos]);
    TrackingRememberKeys(state, reader, keys);
  }
  client.command_depth--;
  state.executing_client = outer_client;
  SamplePeakMemory(state);
  // Like Redis, a write that creates a key someone blocks on (RENAME, COPY, RESTORE onto it)
  // gives the waiters a look; each one checks for itself whether there is data now.
  if ((spec.flags & kWrite) && state.blocking.blocked_count() > 0) {
    for (size_t pos : KeyPositions(spec, argv)) {
      state.blocking.SignalKeyReady(client.db_index, argv[pos]);
    }
  }
  if (untracked) untracked->set_access_tracking(true);
  if (client.command_depth == 0) {
    // CLIENT CACHING covers the next command, a whole transaction, and any CLIENT command.
    if (client.tracking.caching && !client.in_multi && !EqualsIgnoreCase(argv[0], "client")) {
      client.tracking.caching = false;
    }
    if (!state.tracking.deferred.empty()) TrackingSendDeferred(state);
  }
}

void Dispatch(ServerState& state, Client& client, std::span<const std::string_view> argv,
              resp::Writer& reply) {
  if (argv.empty()) return;
  reply.set_error_sink(&state.error_stats);
  // Most calls name a command without subcommands, with the right arity: no Result to build.
  // Everything else (subcommands, errors and their wording) goes through Resolve.
  const CommandSpec* spec = state.commands->Find(argv[0]);
  if (spec == nullptr || !spec->subcommands.empty() || !ArityOk(spec->arity, argv.size())) {
    auto resolved = Resolve(*state.commands, argv);
    if (!resolved) {
      return Reject(state, client, RowNamed(*state.commands, argv), argv[0], resolved.error(),
                    reply);
    }
    spec = *resolved;
  }
  if (!(spec->flags & kNoAuth) && !client.is_master) {
    if (state.NeedsAuth(client)) return Reject(state, client, spec, argv[0], err::kNoAuth, reply);
    // Most connections run as a user with every permission: no check to make.
    if (!state.UserOf(client).unrestricted) {
      auto denied = CheckAcl(state, client, *spec, argv, "toplevel");
      if (!denied) return Reject(state, client, spec, argv[0], denied.error(), reply);
    }
  }
  // A MONITOR client or an attached replica may not touch keys, as in Redis.
  if ((client.monitor || client.is_replica) &&
      (spec->flags & (kWrite | kReadOnly | kMayReplicate))) {
    return Reject(state, client, spec, argv[0], err::kReplicaKeyspace, reply);
  }
  if (client.in_subscribed_mode() && !AllowedWhileSubscribed(*spec, argv[0])) {
    return Reject(state, client, spec, argv[0],
                  err::NotInSubscribedContext(FullName(*spec, argv[0])), reply);
  }
  if (state.script_busy && !(spec->flags & kAllowBusy)) {
    return Reject(state, client, spec, argv[0],
                  state.script_busy_function ? err::kBusyFunction : err::kBusyScript, reply);
  }
  if ((spec->flags & kWrite) && state.aof != nullptr && !state.aof->last_write_ok()) {
    // As Redis: no write is accepted that could not be logged.
    const std::string text =
        std::string(err::kMisconfAofPrefix) + std::strerror(state.aof->last_write_errno());
    return Reject(state, client, spec, argv[0], text, reply);
  }
  if (client.in_multi && (spec->flags & kNoMulti)) {
    return Reject(state, client, spec, argv[0], err::kNotInMulti, reply);
  }
  if (state.repl.is_replica() && !client.is_master && !state.loading) {
    // A replica serves reads; writes come from its primary only.
    if ((spec->flags & kWrite) && state.config.replica_read_only) {
      return Reject(state, client, spec, argv[0], err::kReadOnlyReplica, reply);
    }
    if (!state.config.replica_serve_stale_data && state.repl.link != LinkState::kConnected &&
        !(spec->flags & kStale)) {
      return Reject(state, client, spec, argv[0], err::kMasterDown, reply);
    }
  }
  if ((spec->flags & kWrite) && state.config.min_replicas_to_write > 0 &&
      !state.repl.is_replica() && !client.is_master && !state.loading &&
      GoodReplicas(state.repl, WallClockMs(), state.config.min_replicas_max_lag) <
          static_cast<size_t>(state.config.min_replicas_to_write)) {
    return Reject(state, client, spec, argv[0], err::kNoReplicas, reply);
  }
  const bool queue = client.in_multi && !(spec->flags & kMultiImmediate);
  state.over_maxmemory =
      state.config.maxmemory > 0 && !EnforceMaxmemory(state, state.NextCommandTime());
  if (state.over_maxmemory) {
    // Over maxmemory with nothing evictable: refuse what may grow memory, including anything
    // queued in MULTI (a queue can grow without bound), as Redis does.
    if ((spec->flags & kDenyOom) || queue) {
      return Reject(state, client, spec, argv[0], err::kOom, reply);
    }
  }
  if (queue) {
    QueueCommand(client, argv);
    reply.Simple("QUEUED");
    return;
  }
  Execute(state, client, *spec, argv, reply);
}

}  // namespace server
