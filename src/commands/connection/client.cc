// CLIENT and its subcommands: identity (ID, SETNAME, GETNAME, SETINFO), introspection (LIST,
// INFO), KILL, UNBLOCK, PAUSE / UNPAUSE (src/client_pause.h), the per-connection modes REPLY,
// NO-EVICT and NO-TOUCH, and client-side caching (TRACKING, CACHING, GETREDIR, TRACKINGINFO;
// the mechanics are src/tracking.h). REPLY and PAUSE only set state here: the connection drops
// the replies and holds the requests (src/connection.cc).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "src/commands/registry.h"
#include "src/ascii.h"
#include "resp/strict_int.h"
#include "src/client_info.h"
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/aof_writer.h"
#include "src/replication.h"
#include "src/tracking.h"
#include "streams/saturating.h"

namespace server {

namespace {

// One CLIENT LIST line; the caller is running this very subcommand ("client|list").
std::string ClientLine(const CommandContext& ctx, const Client& c) {
  size_t argv_mem = 0;
  for (auto a : ctx.argv) argv_mem += a.size();
  const std::string cmd = ctx.spec != nullptr ? "client|" + std::string(ctx.spec->name) : "";
  return ClientListLine(ctx.server, c, ctx.now_ms, {&ctx.client, cmd, argv_mem});
}

// The TYPE filter of CLIENT LIST and CLIENT KILL, as Redis classifies a client: our primary's
// link is "master", a replica attached to us "replica" (also spelled "slave"), a client with
// any subscription "pubsub", every other one "normal".
enum class ClientType { kNormal, kPubSub, kReplica, kMaster };
ClientType TypeOf(const Client& c) {
  if (c.is_master) return ClientType::kMaster;
  if (c.is_replica) return ClientType::kReplica;
  return c.subscriptions > 0 ? ClientType::kPubSub : ClientType::kNormal;
}
Result<ClientType> ParseClientType(std::string_view t) {
  std::string l = AsciiLower(t);
  if (l == "normal") return ClientType::kNormal;
  if (l == "pubsub") return ClientType::kPubSub;
  if (l == "replica" || l == "slave") return ClientType::kReplica;
  if (l == "master") return ClientType::kMaster;
  return Failure(err::UnknownClientType(t));
}

void ClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

void ClientSetName(CommandContext& ctx) {
  if (!ValidClientName(ctx.arg(2))) return ctx.reply.Error(err::kClientNameInvalid);
  ctx.client.name = std::string(ctx.arg(2));
  ctx.reply.Ok();
}

void ClientGetName(CommandContext& ctx) {
  if (ctx.client.name.empty()) return ctx.reply.Null();
  ctx.reply.Bulk(ctx.client.name);
}

void ClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2);
  std::string* field = nullptr;
  if (EqualsIgnoreCase(attr, "LIB-NAME")) {
    field = &ctx.client.lib_name;
  } else if (EqualsIgnoreCase(attr, "LIB-VER")) {
    field = &ctx.client.lib_ver;
  } else {
    return ctx.reply.Error(err::UnrecognizedOption(attr));
  }
  // Same rule as client names: the value shows up unquoted in CLIENT LIST.
  if (!ValidClientName(ctx.arg(3))) return ctx.reply.Error(err::ClientInfoInvalid(attr));
  *field = std::string(ctx.arg(3));
  ctx.reply.Ok();
}

void ClientInfo(CommandContext& ctx) { ctx.reply.Verbatim(ClientLine(ctx, ctx.client), "txt"); }

void ClientList(CommandContext& ctx) {
  std::vector<const Client*> shown;
  if (ctx.argc() == 2) {
    for (const auto& [id, c] : ctx.server.clients) shown.push_back(c);
  } else if (ctx.argc() == 4 && EqualsIgnoreCase(ctx.arg(2), "TYPE")) {
    auto type = ParseClientType(ctx.arg(3));
    if (!type) return ctx.reply.Error(type.error());
    for (const auto& [id, c] : ctx.server.clients) {
      if (TypeOf(*c) == *type) shown.push_back(c);
    }
  } else if (ctx.argc() >= 4 && EqualsIgnoreCase(ctx.arg(2), "ID")) {
    std::vector<uint64_t> ids;
    for (size_t i = 3; i < ctx.argc(); i++) {
      int64_t id;
      if (!resp::ParseStrictInt64(ctx.arg(i), id) || id < 0) {
        return ctx.reply.Error(err::kInvalidClientId);
      }
      ids.push_back(static_cast<uint64_t>(id));
    }
    for (uint64_t id : ids) {
      auto it = ctx.server.clients.find(id);
      if (it != ctx.server.clients.end()) shown.push_back(it->second);
    }
  } else {
    return ctx.reply.Error(err::kSyntax);
  }
  // The link to our primary is not a connection of ours, but Redis lists it (flags=M).
  if (const Client* m = ctx.server.repl.master_client) {
    const bool all = ctx.argc() == 2;
    const bool by_type = ctx.argc() == 4 && EqualsIgnoreCase(ctx.arg(2), "TYPE") &&
                         EqualsIgnoreCase(ctx.arg(3), "master");
    bool by_id = false;
    if (ctx.argc() >= 4 && EqualsIgnoreCase(ctx.arg(2), "ID")) {
      for (size_t i = 3; i < ctx.argc(); i++) by_id |= ctx.arg(i) == std::to_string(m->id);
    }
    if (all || by_type || by_id) {
      shown.push_back(m);
      std::sort(shown.begin(), shown.end(),
                [](const Client* a, const Client* b) { return a->id < b->id; });
    }
  }
  std::string text;
  for (const Client* c : shown) text += ClientLine(ctx, *c);
  ctx.reply.Verbatim(text, "txt");
}

void Kill(CommandContext& ctx, Client& victim) {
  if (&victim == &ctx.client) {
    ctx.client.close_after_reply = true;
  } else {
    ctx.server.clients_to_close.push_back(victim.id);
  }
}

// CLIENT KILL <ip:port> (old form: OK or "No such client") or CLIENT KILL <filter> <value>...
// (new form: the number of clients killed; SKIPME defaults to yes).
void ClientKill(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    for (const auto& [id, c] : ctx.server.clients) {
      if (c->addr == ctx.arg(2)) {
        Kill(ctx, *c);
        return ctx.reply.Ok();
      }
    }
    return ctx.reply.Error(err::kNoSuchClient);
  }
  if (ctx.argc() % 2 != 0) return ctx.reply.Error(err::kSyntax);
  bool skipme = true;
  bool by_id = false, by_addr = false, by_laddr = false;
  std::optional<ClientType> type;
  uint64_t id = 0;
  std::string_view addr, laddr;
  std::optional<std::string_view> user;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i), value = ctx.arg(i + 1);
    if (EqualsIgnoreCase(opt, "ID")) {
      int64_t v;
      if (!resp::ParseStrictInt64(value, v) || v <= 0) {
        return ctx.reply.Error(err::kClientIdNotPositive);
      }
      by_id = true;
      id = static_cast<uint64_t>(v);
    } else if (EqualsIgnoreCase(opt, "TYPE")) {
      auto parsed = ParseClientType(value);
      if (!parsed) return ctx.reply.Error(parsed.error());
      type = *parsed;
    } else if (EqualsIgnoreCase(opt, "ADDR")) {
      by_addr = true;
      addr = value;
    } else if (EqualsIgnoreCase(opt, "LADDR")) {
      by_laddr = true;
      laddr = value;
    } else if (EqualsIgnoreCase(opt, "USER")) {
      if (ctx.server.Acl().Find(value) == nullptr) return ctx.reply.Error(err::NoSuchUser(value));
      user = value;
    } else if (EqualsIgnoreCase(opt, "SKIPME")) {
      if (EqualsIgnoreCase(value, "YES")) {
        skipme = true;
      } else if (EqualsIgnoreCase(value, "NO")) {
        skipme = false;
      } else {
        return ctx.reply.Error(err::kSyntax);
      }
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  int64_t killed = 0;
  for (const auto& [cid, c] : ctx.server.clients) {
    if (by_id && cid != id) continue;
    if (type && TypeOf(*c) != *type) continue;
    if (by_addr && c->addr != addr) continue;
    if (by_laddr && c->laddr != laddr) continue;
    if (user && ctx.server.UserOf(*c).name != *user) continue;
    if (skipme && c == &ctx.client) continue;
    Kill(ctx, *c);
    killed++;
  }
  // Our primary's link is not one of the connections above: TYPE master (with no filter that
  // names a connection) drops it, and the link reconnects and continues as after any drop.
  Replication& repl = ctx.server.repl;
  if (type == ClientType::kMaster && !by_id && !by_addr && !by_laddr && !user &&
      repl.is_replica() && repl.link == LinkState::kConnected) {
    repl.link_restart = true;
    killed++;
  }
  ctx.reply.Integer(killed);
}

// NO-EVICT / NO-TOUCH ON|OFF.
void SetMode(CommandContext& ctx, bool& mode) {
  if (EqualsIgnoreCase(ctx.arg(2), "ON")) {
    mode = true;
  } else if (EqualsIgnoreCase(ctx.arg(2), "OFF")) {
    mode = false;
  } else {
    return ctx.reply.Error(err::kSyntax);
  }
  ctx.reply.Ok();
}

void ClientNoEvict(CommandContext& ctx) { SetMode(ctx, ctx.client.no_evict); }

// CLIENT REPLY ON|OFF|SKIP. Only ON answers (+OK); OFF and SKIP are silent themselves. SKIP
// while OFF changes nothing.
void ClientReply(CommandContext& ctx) {
  Client& c = ctx.client;
  if (EqualsIgnoreCase(ctx.arg(2), "ON")) {
    c.reply_off = c.reply_skip = c.reply_skip_next = false;
    return ctx.reply.Ok();
  }
  if (EqualsIgnoreCase(ctx.arg(2), "OFF")) {
    c.reply_off = true;
  } else if (EqualsIgnoreCase(ctx.arg(2), "SKIP")) {
    if (!c.reply_off) c.reply_skip_next = true;
  } else {
    return ctx.reply.Error(err::kSyntax);
  }
  // Inside EXEC, Redis 7.0 writes nothing here and leaves the transaction's array one element
  // short, a stream no client can read; Runnel answers +OK there, and the mode takes effect
  // after EXEC, as it would have from the top level.
  if (c.command_depth > 1) ctx.reply.Ok();
}

// CLIENT PAUSE timeout [WRITE|ALL]: milliseconds from now; ALL by default.
void ClientPauseCommand(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "client"));
  int64_t timeout;
  if (!resp::ParseStrictInt64(ctx.arg(2), timeout)) {
    return ctx.reply.Error(err::kTimeoutNotInteger);
  }
  if (timeout < 0) return ctx.reply.Error(err::kTimeoutNegative);
  PauseMode mode = PauseMode::kAll;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "WRITE")) {
      mode = PauseMode::kWrite;
    } else if (!EqualsIgnoreCase(ctx.arg(3), "ALL")) {
      return ctx.reply.Error(err::kPauseMode);
    }
  }
  ctx.reply.Ok();
  ctx.server.pause.Pause(mode, streams::SaturatingAdd(ctx.now_ms, timeout));
}

void ClientUnpause(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.server.pause.Unpause();
}

// Where CLIENT UNBLOCK answers client `id`: its connection's output, or `drop` when CLIENT
// REPLY silenced the command it blocked in; null when it has no connection.
resp::Writer* UnblockReplyTo(ServerState& st, uint64_t id, resp::Writer& drop) {
  resp::Writer* out = st.outputs != nullptr ? st.outputs->OutputFor(id) : nullptr;
  auto client = st.clients.find(id);
  if (out == nullptr || client == st.clients.end()) return out;
  out->set_protocol(client->second->protocol);
  return client->second->drop_blocked_reply ? &drop : out;
}

// WAIT / WAITAOF wait in the replication state, not in the blocking registry: answered as
// their timeout would (the acknowledgements so far) or with the UNBLOCKED error.
bool ReleaseWaiter(ServerState& st, uint64_t id, BlockingRegistry::ReleaseAs how) {
  Replication& repl = st.repl;
  auto it = std::find_if(repl.waiters.begin(), repl.waiters.end(),
                         [&](const Replication::Waiter& w) { return w.client_id == id; });
  if (it == repl.waiters.end()) return false;
  std::string dropped;
  resp::Writer drop(dropped);
  resp::Writer* out = UnblockReplyTo(st, id, drop);
  if (out == nullptr) return false;
  if (how == BlockingRegistry::ReleaseAs::kError) {
    out->Error(err::kUnblockedByClient);
  } else {
    const bool aof = it->numlocal >= 0;
    const uint64_t target = it->targeted ? it->target : repl.data_offset;
    if (aof) {
      out->Array(2);
      out->Integer(st.aof != nullptr && st.aof->durable_size() >= it->aof_target ? 1 : 0);
    }
    out->Integer(static_cast<int64_t>(ReplicasAcked(repl, target, aof)));
  }
  if (auto client = st.clients.find(id); client != st.clients.end()) {
    client->second->blocked = false;
  }
  repl.waiters.erase(it);
  st.blocking.NoteReleased(id);
  return true;
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the client was blocked in a command (BLPOP, XREAD,
// WAIT...) and has been answered; 0 otherwise, a client held by CLIENT PAUSE included.
void ClientUnblock(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "client"));
  int64_t id;
  if (!resp::ParseStrictInt64(ctx.arg(2), id)) return ctx.reply.Error(err::kNotInteger);
  auto how = BlockingRegistry::ReleaseAs::kTimeout;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "ERROR")) {
      how = BlockingRegistry::ReleaseAs::kError;
    } else if (!EqualsIgnoreCase(ctx.arg(3), "TIMEOUT")) {
      return ctx.reply.Error(err::kUnblockReason);
    }
  }
  BlockingRegistry& blocking = ctx.server.blocking;
  const uint64_t target = static_cast<uint64_t>(id);
  if (id > 0 && ReleaseWaiter(ctx.server, target, how)) return ctx.reply.Integer(1);
  std::string dropped;
  resp::Writer drop(dropped);
  resp::Writer* out =
      id > 0 && blocking.IsBlocked(target) ? UnblockReplyTo(ctx.server, target, drop) : nullptr;
  ctx.reply.Integer(out != nullptr && blocking.Release(target, how, *out) ? 1 : 0);
}
void ClientNoTouch(CommandContext& ctx) { SetMode(ctx, ctx.client.no_touch); }

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP]. As
// Redis: the options are read (and REDIRECT's target looked up) before ON/OFF is.
void ClientTrackingOnOff(CommandContext& ctx) {
  TrackingOptions opts;
  bool have_redirect = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    std::string_view opt = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(opt, "REDIRECT") && has_value) {
      if (have_redirect) return ctx.reply.Error(err::kTrackingOneRedirect);
      int64_t id;
      if (!resp::ParseStrictInt64(ctx.arg(++i), id)) return ctx.reply.Error(err::kNotInteger);
      if (id <= 0 || !ctx.server.clients.contains(static_cast<uint64_t>(id))) {
        return ctx.reply.Error(err::kTrackingNoRedirectTarget);
      }
      have_redirect = true;
      opts.redirect = static_cast<uint64_t>(id);
    } else if (EqualsIgnoreCase(opt, "PREFIX") && has_value) {
      opts.prefixes.push_back(ctx.arg(++i));
    } else if (EqualsIgnoreCase(opt, "BCAST")) {
      opts.bcast = true;
    } else if (EqualsIgnoreCase(opt, "OPTIN")) {
      opts.optin = true;
    } else if (EqualsIgnoreCase(opt, "OPTOUT")) {
      opts.optout = true;
    } else if (EqualsIgnoreCase(opt, "NOLOOP")) {
      opts.noloop = true;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (EqualsIgnoreCase(ctx.arg(2), "OFF")) {
    DisableTracking(ctx.server, ctx.client);
    return ctx.reply.Ok();
  }
  if (!EqualsIgnoreCase(ctx.arg(2), "ON")) return ctx.reply.Error(err::kSyntax);
  if (std::string conflict = TrackingConflict(ctx.client, opts); !conflict.empty()) {
    return ctx.reply.Error(conflict);
  }
  ctx.reply.Ok();
  EnableTracking(ctx.server, ctx.client, opts);
}

void ClientCaching(CommandContext& ctx) {
  ClientTracking& t = ctx.client.tracking;
  if (!t.on) return ctx.reply.Error(err::kCachingNeedsOptMode);
  if (EqualsIgnoreCase(ctx.arg(2), "YES")) {
    if (!t.optin) return ctx.reply.Error(err::kCachingYesNeedsOptin);
  } else if (EqualsIgnoreCase(ctx.arg(2), "NO")) {
    if (!t.optout) return ctx.reply.Error(err::kCachingNoNeedsOptout);
  } else {
    return ctx.reply.Error(err::kSyntax);
  }
  t.caching = true;
  ctx.reply.Ok();
}

void ClientGetRedir(CommandContext& ctx) {
  const ClientTracking& t = ctx.client.tracking;
  ctx.reply.Integer(t.on ? static_cast<int64_t>(t.redirect) : -1);
}

void ClientTrackingInfo(CommandContext& ctx) {
  const ClientTracking& t = ctx.client.tracking;
  std::vector<std::string_view> flags;
  if (!t.on) {
    flags.push_back("off");
  } else {
    flags.push_back("on");
    if (t.bcast) flags.push_back("bcast");
    if (t.optin) flags.push_back("optin");
    if (t.optout) flags.push_back("optout");
    if (t.caching) flags.push_back(t.optin ? "caching-yes" : "caching-no");
    if (t.noloop) flags.push_back("noloop");
    if (t.broken_redirect) flags.push_back("broken_redirect");
  }
  ctx.reply.Map(3);
  ctx.reply.Bulk("flags");
  ctx.reply.Set(flags.size());
  for (auto f : flags) ctx.reply.Bulk(f);
  ctx.reply.Bulk("redirect");
  ctx.reply.Integer(t.on ? static_cast<int64_t>(t.redirect) : -1);
  ctx.reply.Bulk("prefixes");
  ctx.reply.Array(t.prefixes.size());
  for (const auto& p : t.prefixes) ctx.reply.Bulk(p);
}

void ClientHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "    * ID <client-id> [<client-id> ...]",
      "      Return clients with the specified IDs.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kClientFlags = kNoScript | kLoading | kStale;

constexpr CommandSpec kClientSubcommands[] = {
    {"id", 2, kClientFlags, 0, 0, 0, ClientId, "Returns the unique client ID of the connection.",
     "5.0.0", "connection", {"O(1)"}},
    {"setname", 3, kClientFlags, 0, 0, 0, ClientSetName, "Sets the connection name.", "2.6.9",
     "connection", {"O(1)", "connection-name"}},
    {"getname", 2, kClientFlags, 0, 0, 0, ClientGetName, "Returns the name of the connection.",
     "2.6.9", "connection", {"O(1)"}},
    {"setinfo", 4, kClientFlags, 0, 0, 0, ClientSetInfo,
     "Sets information specific to the client or connection.", "7.2.0", "connection",
     {"O(1)", "(attr=LIB-NAME libname|LIB-VER libver)"}},
    {"info", 2, kClientFlags, 0, 0, 0, ClientInfo, "Returns information about the connection.",
     "6.2.0", "connection", {"O(1)", "", "nondeterministic_output"}},
    {"list", -2, kAdmin | kClientFlags, 0, 0, 0, ClientList, "Lists open connections.", "2.4.0",
     "connection",
     {"O(N) where N is the number of client connections",
      "[client-type=TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID client-id:integer...]",
      "nondeterministic_output"}},
    {"kill", -3, kAdmin | kClientFlags, 0, 0, 0, ClientKill, "Terminates open connections.",
     "2.4.0", "connection",
     {"O(N) where N is the number of client connections", "(filter=ip:port|(new-format=ID "
      "client-id:integer|TYPE (NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)|USER username|ADDR "
      "ip:port|LADDR ip:port|SKIPME (YES|NO))...)"}},
    {"pause", -3, kAdmin | kClientFlags, 0, 0, 0, ClientPauseCommand,
     "Suspends commands processing.", "3.0.0", "connection",
     {"O(1)", "timeout:integer [mode=WRITE|ALL]"}},
    {"unpause", 2, kAdmin | kClientFlags, 0, 0, 0, ClientUnpause,
     "Resumes processing commands from paused clients.", "6.2.0", "connection",
     {"O(N) Where N is the number of paused clients"}},
    {"reply", 3, kClientFlags, 0, 0, 0, ClientReply,
     "Instructs the server whether to reply to commands.", "3.2.0", "connection",
     {"O(1)", "(action=ON|OFF|SKIP)"}},
    {"unblock", -3, kAdmin | kClientFlags, 0, 0, 0, ClientUnblock,
     "Unblocks a client blocked by a blocking command from a different connection.", "5.0.0",
     "connection",
     {"O(log N) where N is the number of client connections",
      "client-id:integer [unblock-type=TIMEOUT|ERROR]"}},
    {"no-evict", 3, kAdmin | kClientFlags, 0, 0, 0, ClientNoEvict,
     "Sets the client eviction mode of the connection.", "7.0.0", "connection",
     {"O(1)", "(enabled=ON|OFF)"}},
    {"no-touch", 3, kClientFlags, 0, 0, 0, ClientNoTouch,
     "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", "7.2.0",
     "connection", {"O(1)", "(enabled=ON|OFF)"}},
    {"tracking", -3, kClientFlags, 0, 0, 0, ClientTrackingOnOff,
     "Controls server-assisted client-side caching for the connection.", "6.0.0", "connection",
     {"O(1). Some options may introduce additional complexity.",
      "(status=ON|OFF) [REDIRECT client-id:integer] [PREFIX prefix]... [BCAST] [OPTIN] "
      "[OPTOUT] [NOLOOP]"}},
    {"caching", 3, kClientFlags, 0, 0, 0, ClientCaching,
     "Instructs the server whether to track the keys in the next request.", "6.0.0",
     "connection", {"O(1)", "(mode=YES|NO)"}},
    {"getredir", 2, kClientFlags, 0, 0, 0, ClientGetRedir,
     "Returns the client ID to which the connection's tracking notifications are redirected.",
     "6.0.0", "connection", {"O(1)"}},
    {"trackinginfo", 2, kClientFlags, 0, 0, 0, ClientTrackingInfo,
     "Returns information about server-assisted client-side caching for the connection.",
     "6.2.0", "connection", {"O(1)"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, ClientHelp,
     "Returns helpful text about the different subcommands.", "5.0.0", "connection", {"O(1)"}},
};

constexpr CommandSpec kClientCommands[] = {
    {"client", -2, 0, 0, 0, 0, nullptr, "A container for client connection commands.", "2.4.0",
     "connection", {}, kClientSubcommands},
};

}  // namespace

std::span<const CommandSpec> ClientRows() { return kClientCommands; }

}  // namespace server
