// CLIENT and its subcommands: identity (ID, SETNAME, GETNAME, SETINFO), introspection (LIST,
// INFO), KILL, and the per-connection modes NO-EVICT and NO-TOUCH. Subcommands we do not
// implement (TRACKING, CACHING, PAUSE, REPLY...) are left out of the table on purpose, so the
// dispatcher answers Redis's "unknown subcommand" error and clients fall back cleanly.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "src/commands/registry.h"
#include "src/ascii.h"
#include "resp/strict_int.h"
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

// The "cmd=" field: the caller is running this very subcommand; for other clients we only
// know the name they last sent.
std::string CommandField(const CommandContext& ctx, const Client& c) {
  if (&c == &ctx.client && ctx.spec != nullptr) return "client|" + std::string(ctx.spec->name);
  return c.last_command == "NULL" ? c.last_command : AsciiLower(c.last_command);
}

std::string FlagsField(const Client& c) {
  std::string flags;
  if (c.subscriptions > 0) flags += 'P';
  if (c.in_multi) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.watch_dirty) flags += 'd';
  if (c.close_after_reply) flags += 'c';
  if (c.no_evict) flags += 'e';
  if (c.no_touch) flags += 'T';
  return flags.empty() ? "N" : flags;
}

// One CLIENT LIST line in Redis 7's field order, ending in "\n".
std::string ClientLine(const CommandContext& ctx, const Client& c) {
  size_t argv_mem = 0;
  if (&c == &ctx.client) {
    for (auto a : ctx.argv) argv_mem += a.size();
  }
  size_t multi_mem = 0;
  for (const auto& q : c.multi_queue) {
    for (const auto& a : q.argv) multi_mem += a.size();
  }
  size_t tot_mem = sizeof(Client) + c.query_buffer_size + c.output_buffer_size + argv_mem +
                   multi_mem;
  auto n = [](auto v) { return std::to_string(v); };
  std::string line;
  line.reserve(320);
  line += "id=" + n(c.id);
  line += " addr=" + c.addr;
  line += " laddr=" + c.laddr;
  line += " fd=" + n(c.fd);
  line += " name=" + c.name;
  line += " age=" + n((ctx.now_ms - c.created_ms) / 1000);
  line += " idle=" + n(std::max<int64_t>(0, ctx.now_ms - c.last_interaction_ms) / 1000);
  line += " flags=" + FlagsField(c);
  line += " db=" + n(c.db_index);
  const PubSub& ps = ctx.server.pubsub;
  line += " sub=" + n(ps.KindCount(PubSub::Kind::kChannel, c.id));
  line += " psub=" + n(ps.KindCount(PubSub::Kind::kPattern, c.id));
  line += " ssub=" + n(ps.KindCount(PubSub::Kind::kShard, c.id));
  line += " multi=" + (c.in_multi ? n(c.multi_queue.size()) : std::string("-1"));
  line += " qbuf=" + n(c.query_buffer_size);
  line += " qbuf-free=0";
  line += " argv-mem=" + n(argv_mem);
  line += " multi-mem=" + n(multi_mem);
  line += " rbs=0 rbp=0 obl=0 oll=0";
  line += " omem=" + n(c.output_buffer_size);
  line += " tot-mem=" + n(tot_mem);
  line += " events=r";
  line += " cmd=" + CommandField(ctx, c);
  line += " user=default redir=-1";
  line += " resp=" + n(c.protocol);
  line += " lib-name=" + c.lib_name;
  line += " lib-ver=" + c.lib_ver;
  line += "\n";
  return line;
}

// The TYPE filter of CLIENT LIST and CLIENT KILL: a client with any subscription is "pubsub",
// every other one of ours "normal" (no replicas or masters yet).
enum class ClientType { kNormal, kPubSub, kReplication };
ClientType TypeOf(const Client& c) {
  return c.subscriptions > 0 ? ClientType::kPubSub : ClientType::kNormal;
}
Result<ClientType> ParseClientType(std::string_view t) {
  std::string l = AsciiLower(t);
  if (l == "normal") return ClientType::kNormal;
  if (l == "pubsub") return ClientType::kPubSub;
  if (l == "master" || l == "replica" || l == "slave") return ClientType::kReplication;
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
      // "default" is the only user, and every client is logged in as it.
      if (value != "default") return ctx.reply.Error(err::NoSuchUser(value));
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
    if (skipme && c == &ctx.client) continue;
    Kill(ctx, *c);
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
void ClientNoTouch(CommandContext& ctx) { SetMode(ctx, ctx.client.no_touch); }

void ClientHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
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
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
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
    {"no-evict", 3, kAdmin | kClientFlags, 0, 0, 0, ClientNoEvict,
     "Sets the client eviction mode of the connection.", "7.0.0", "connection",
     {"O(1)", "(enabled=ON|OFF)"}},
    {"no-touch", 3, kClientFlags, 0, 0, 0, ClientNoTouch,
     "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", "7.2.0",
     "connection", {"O(1)", "(enabled=ON|OFF)"}},
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
