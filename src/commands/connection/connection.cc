// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, READONLY, READWRITE.
#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/client_info.h"
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/monitor.h"
#include "src/transactions.h"

namespace server {

namespace {

void Ping(CommandContext& ctx) {
  if (ctx.argc() > 2) return ctx.reply.Error(err::WrongArity("ping"));
  if (ctx.client.in_subscribed_mode()) {
    // A subscribed RESP2 client reads every frame as a message: PING answers as one.
    ctx.reply.Array(2);
    ctx.reply.Bulk("pong");
    return ctx.reply.Bulk(ctx.argc() == 2 ? ctx.arg(1) : "");
  }
  if (ctx.argc() == 2) return ctx.reply.Bulk(ctx.arg(1));
  ctx.reply.Simple("PONG");
}

void Echo(CommandContext& ctx) { ctx.reply.Bulk(ctx.arg(1)); }

// The user a password authenticates, or null (a failure is logged, as Redis's ACL LOG "auth"
// entries).
const acl::User* Authenticate(CommandContext& ctx, std::string_view name, std::string_view pass) {
  acl::Registry& registry = ctx.server.Acl();
  const acl::User* user = registry.Find(name);
  if (user != nullptr && registry.Authenticate(*user, pass)) return user;
  registry.Log("auth", ctx.client.command_depth > 1 ? "multi" : "toplevel", "AUTH",
               std::string(name),
               ClientListLine(ctx.server, ctx.client, ctx.now_ms, {&ctx.client, "auth", 0}),
               ctx.now_ms, static_cast<size_t>(ctx.server.config.acllog_max_len));
  return nullptr;
}

void SignIn(Client& client, const acl::User* user) {
  client.user = user->name == "default" ? nullptr : user;
  client.authenticated = true;
}

void Auth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.Error(err::kSyntax);
  if (ctx.argc() == 2 && ctx.server.Acl().Default().nopass) {
    return ctx.reply.Error(err::kAuthNotConfigured);
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  std::string_view pass = ctx.argc() == 3 ? ctx.arg(2) : ctx.arg(1);
  const acl::User* signed_in = Authenticate(ctx, user, pass);
  if (signed_in == nullptr) return ctx.reply.Error(err::kWrongPass);
  SignIn(ctx.client, signed_in);
  ctx.reply.Ok();
}

void Hello(CommandContext& ctx) {
  int protocol = ctx.client.protocol;
  size_t i = 1;
  if (ctx.argc() >= 2) {
    int64_t ver;
    if (!resp::ParseStrictInt64(ctx.arg(1), ver)) {
      return ctx.reply.Error(err::kProtocolVersionNotInteger);
    }
    if (ver < 2 || ver > 3) return ctx.reply.Error(err::kNoProto);
    protocol = static_cast<int>(ver);
    i = 2;
  }
  std::string_view setname;
  bool has_setname = false;
  const acl::User* signed_in = nullptr;
  for (; i < ctx.argc(); i++) {
    size_t more = ctx.argc() - i - 1;
    if (EqualsIgnoreCase(ctx.arg(i), "AUTH") && more >= 2) {
      signed_in = Authenticate(ctx, ctx.arg(i + 1), ctx.arg(i + 2));
      if (signed_in == nullptr) return ctx.reply.Error(err::kWrongPass);
      i += 2;
    } else if (EqualsIgnoreCase(ctx.arg(i), "SETNAME") && more >= 1) {
      setname = ctx.arg(i + 1);
      if (!ValidClientName(setname)) return ctx.reply.Error(err::kClientNameInvalid);
      has_setname = true;
      i += 1;
    } else {
      return ctx.reply.Error(err::HelloSyntax(ctx.arg(i)));
    }
  }
  if (signed_in != nullptr) SignIn(ctx.client, signed_in);
  if (ctx.server.NeedsAuth(ctx.client)) return ctx.reply.Error(err::kHelloNoAuth);
  if (has_setname) ctx.client.name = std::string(setname);
  ctx.client.protocol = protocol;
  ctx.reply.set_protocol(protocol);
  ctx.reply.Map(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(protocol);
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk("standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.Array(0);
}

void Select(CommandContext& ctx) {
  int64_t index;
  if (!resp::ParseStrictInt64(ctx.arg(1), index)) return ctx.reply.Error(err::kNotInteger);
  if (index < 0 || index >= static_cast<int64_t>(ctx.server.dbs.size())) {
    return ctx.reply.Error(err::kDbIndexOutOfRange);
  }
  ctx.client.db_index = static_cast<int>(index);
  ctx.reply.Ok();
}

void Quit(CommandContext& ctx) {
  ctx.client.close_after_reply = true;
  ctx.reply.Ok();
}

void Reset(CommandContext& ctx) {
  EndTransaction(ctx.server, ctx.client);
  ctx.client.db_index = 0;
  ctx.client.protocol = 2;
  ctx.reply.set_protocol(2);
  ctx.client.name.clear();
  ctx.client.no_evict = false;
  ctx.client.no_touch = false;
  // CLIENT REPLY OFF ends (RESET's own reply goes out); a SKIP already in force still drops it.
  ctx.client.reply_off = ctx.client.reply_skip_next = false;
  ctx.client.authenticated = false;
  ctx.client.user = nullptr;
  ctx.server.pubsub.RemoveClient(ctx.client.id);
  ctx.client.subscriptions = 0;
  DisableTracking(ctx.server, ctx.client);
  StopMonitoring(ctx.server, ctx.client);
  ctx.reply.Simple("RESET");
}

void ClusterOnly(CommandContext& ctx) { ctx.reply.Error(err::kClusterDisabled); }

constexpr CommandSpec kConnectionCommands[] = {
    {"ping", -1, kFast | kSentinel, 0, 0, 0, Ping, "Returns the server's liveliness response.",
     "1.0.0", "connection",
     {"O(1)", "[message]", "request_policy:all_shards response_policy:all_succeeded"}},
    {"echo", 2, kFast, 0, 0, 0, Echo, "Returns the given string.", "1.0.0", "connection",
     {"O(1)", "message"}},
    {"hello", -1, kNoScript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy, 0, 0, 0,
     Hello, "Handshakes with the Redis server.", "6.0.0", "connection",
     {"O(1)", "[arguments=protover:integer [username_password=AUTH (username password)] [SETNAME "
      "clientname]]"}},
    {"auth", -2, kNoScript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy, 0, 0, 0,
     Auth, "Authenticates the connection.", "1.0.0", "connection",
     {"O(N) where N is the number of passwords defined for the user", "[username] password"}},
    {"select", 2, kLoading | kStale | kFast, 0, 0, 0, Select, "Changes the selected database.",
     "1.0.0", "connection", {"O(1)", "index:integer"}},
    {"quit", -1, kAllowBusy | kNoAuth | kNoScript | kLoading | kStale | kFast | kMultiImmediate, 0,
     0, 0, Quit, "Closes the connection.", "1.0.0", "connection", {"O(1)"}},
    {"reset", 1, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kMultiImmediate, 0,
     0, 0, Reset, "Resets the connection.", "6.2.0", "connection", {"O(1)"}},
    {"readonly", 1, kFast | kLoading | kStale, 0, 0, 0, ClusterOnly,
     "Enables read-only queries for a connection to a Redis Cluster replica node.", "3.0.0",
     "cluster"},
    {"readwrite", 1, kFast | kLoading | kStale, 0, 0, 0, ClusterOnly,
     "Enables read-write queries for a connection to a Reids Cluster replica node.", "3.0.0",
     "cluster"},
};

}  // namespace

std::span<const CommandSpec> ConnectionRows() { return kConnectionCommands; }

}  // namespace server
