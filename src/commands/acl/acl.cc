// ACL and its subcommands (Redis 7): users (SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI),
// categories (CAT), checks without running (DRYRUN), GENPASS, the denial LOG, and the aclfile
// (LOAD, SAVE). The users and the permission check itself are src/acl/.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "resp/strict_int.h"
#include "src/acl/acl.h"
#include "src/client_info.h"
#include "src/command_table.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/dispatch.h"
#include "src/errors.h"

namespace server {

namespace {

std::string NoSuchUser(std::string_view name) {
  return std::string(err::kAclNoSuchUserPrefix) + std::string(name) + "' not found";
}

// A client whose user is gone is closed (after this reply, if it is the caller), as Redis
// does; until then it runs as nobody special.
void SignOut(CommandContext& ctx, Client& c) {
  c.user = nullptr;
  c.authenticated = false;
  if (&c == &ctx.client) {
    c.close_after_reply = true;
  } else {
    ctx.server.clients_to_close.push_back(c.id);
  }
}

void DisconnectUsersOf(CommandContext& ctx, const std::vector<std::string>& gone) {
  for (auto& [id, c] : ctx.server.clients) {
    if (c->user == nullptr) continue;
    for (const std::string& name : gone) {
      if (c->user != nullptr && c->user->name == name) SignOut(ctx, *c);
    }
  }
}

// After a user's channels changed (SETUSER, LOAD): a client holding a subscription its user may
// no longer make is closed, as Redis 7 does, so that no message reaches it past its rights.
void CloseDeniedSubscribers(CommandContext& ctx) {
  using Kind = PubSub::Kind;
  const acl::Registry& registry = ctx.server.Acl();
  for (auto& [id, c] : ctx.server.clients) {
    const PubSub& pubsub = ctx.server.pubsub;
    if (pubsub.CountOf(id) + pubsub.ShardCountOf(id) == 0) continue;
    const acl::User& user = ctx.server.UserOf(*c);
    bool denied = false;
    for (Kind kind : {Kind::kChannel, Kind::kPattern, Kind::kShard}) {
      for (const std::string& name : pubsub.SubscriptionsOf(kind, id)) {
        if (!registry.MayListen(user, name, kind == Kind::kPattern)) denied = true;
      }
    }
    if (!denied) continue;
    if (c == &ctx.client) {
      c->close_after_reply = true;
    } else {
      ctx.server.clients_to_close.push_back(id);
    }
  }
}

void AclSetUser(CommandContext& ctx) {
  auto rules = acl::GroupSelectorArgs(ctx.argv.subspan(3));
  if (!rules) return ctx.reply.Error(rules.error());
  std::vector<std::string_view> views(rules->begin(), rules->end());
  auto r = ctx.server.Acl().SetUser(ctx.arg(2), views);
  if (!r) return ctx.reply.Error(r.error());
  ctx.reply.Ok();
  CloseDeniedSubscribers(ctx);
}

void AclGetUser(CommandContext& ctx) {
  const acl::User* u = ctx.server.Acl().Find(ctx.arg(2));
  if (u == nullptr) return ctx.reply.Null();
  ctx.reply.Map(6);
  ctx.reply.Bulk("flags");
  const bool sanitize_said = u->sanitize != acl::Sanitize::kUnset;
  ctx.reply.Array(1 + (u->nopass ? 1 : 0) + (sanitize_said ? 1 : 0));
  ctx.reply.Bulk(u->enabled ? "on" : "off");
  if (u->nopass) ctx.reply.Bulk("nopass");
  if (u->sanitize == acl::Sanitize::kSkip) ctx.reply.Bulk("skip-sanitize-payload");
  if (u->sanitize == acl::Sanitize::kSanitize) ctx.reply.Bulk("sanitize-payload");
  ctx.reply.Bulk("passwords");
  ctx.reply.Array(u->passwords.size());
  for (const std::string& h : u->passwords) ctx.reply.Bulk(h);
  ctx.reply.Bulk("commands");
  ctx.reply.Bulk(acl::DescribeCommands(u->root));
  ctx.reply.Bulk("keys");
  ctx.reply.Bulk(acl::DescribeKeys(u->root));
  ctx.reply.Bulk("channels");
  ctx.reply.Bulk(acl::DescribeChannels(u->root));
  ctx.reply.Bulk("selectors");
  ctx.reply.Array(u->selectors.size());
  for (const acl::Selector& s : u->selectors) {
    ctx.reply.Map(3);
    ctx.reply.Bulk("commands");
    ctx.reply.Bulk(acl::DescribeCommands(s));
    ctx.reply.Bulk("keys");
    ctx.reply.Bulk(acl::DescribeKeys(s));
    ctx.reply.Bulk("channels");
    ctx.reply.Bulk(acl::DescribeChannels(s));
  }
}

void AclDelUser(CommandContext& ctx) {
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (ctx.arg(i) == "default") return ctx.reply.Error(err::kAclDeleteDefault);
  }
  std::vector<std::string> gone;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (ctx.server.Acl().Find(ctx.arg(i)) != nullptr) gone.emplace_back(ctx.arg(i));
  }
  DisconnectUsersOf(ctx, gone);
  for (const std::string& name : gone) ctx.server.Acl().Delete(name);
  ctx.reply.Integer(static_cast<int64_t>(gone.size()));
}

void AclList(CommandContext& ctx) {
  const auto users = ctx.server.Acl().Users();
  ctx.reply.Array(users.size());
  for (const acl::User* u : users) ctx.reply.Bulk(ctx.server.Acl().Line(*u));
}

void AclUsers(CommandContext& ctx) {
  const auto users = ctx.server.Acl().Users();
  ctx.reply.Array(users.size());
  for (const acl::User* u : users) ctx.reply.Bulk(u->name);
}

void AclWhoAmI(CommandContext& ctx) { ctx.reply.Bulk(ctx.server.UserOf(ctx.client).name); }

void AclCat(CommandContext& ctx) {
  const acl::CommandIndex& index = ctx.server.Acl().index();
  if (ctx.argc() == 2) {
    const auto cats = acl::CommandIndex::Categories();
    ctx.reply.Array(cats.size());
    for (std::string_view c : cats) ctx.reply.Bulk(c);
    return;
  }
  if (ctx.argc() > 3) return ctx.reply.Error(err::WrongArity("acl|cat"));
  const std::vector<int>* ids = index.InCategory(ctx.arg(2));
  if (ids == nullptr) {
    return ctx.reply.Error("ERR Unknown category '" + std::string(ctx.arg(2)) + "'");
  }
  ctx.reply.Array(ids->size());
  for (int id : *ids) ctx.reply.Bulk(index.Name(id));
}

void AclGenPass(CommandContext& ctx) {
  int64_t bits = 256;
  if (ctx.argc() > 3) return ctx.reply.Error(err::WrongArity("acl|genpass"));
  if (ctx.argc() == 3) {
    if (!resp::ParseStrictInt64(ctx.arg(2), bits) || bits <= 0 || bits > 4096) {
      return ctx.reply.Error(
          "ERR ACL GENPASS argument must be the number of bits for the output password, a "
          "positive number up to 4096");
    }
  }
  const size_t chars = static_cast<size_t>((bits + 3) / 4);
  std::string bytes((chars + 1) / 2, '\0');
  // The kernel's CSPRNG, as a password must not come from a seeded generator.
  const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  size_t got = 0;
  while (fd >= 0 && got < bytes.size()) {
    const ssize_t n = read(fd, bytes.data() + got, bytes.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (fd >= 0) close(fd);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  out.resize(chars);
  ctx.reply.Bulk(out);
}

void AclDryRun(CommandContext& ctx) {
  const acl::User* u = ctx.server.Acl().Find(ctx.arg(2));
  if (u == nullptr) return ctx.reply.Error(NoSuchUser(ctx.arg(2)));
  const auto argv = ctx.argv.subspan(3);
  auto resolved = Resolve(*ctx.server.commands, argv);
  if (!resolved) {
    if (ctx.server.commands->Find(argv[0]) == nullptr) {
      return ctx.reply.Error("ERR Command '" + std::string(argv[0]) + "' not found");
    }
    return ctx.reply.Error(resolved.error());
  }
  const CommandSpec& spec = **resolved;
  if (u->unrestricted || (spec.flags & kNoAuth)) return ctx.reply.Ok();
  const acl::Verdict v = ctx.server.Acl().Check(*u, spec, argv);
  if (v.ok()) return ctx.reply.Ok();
  std::string name = AsciiLower(argv[0]);
  if (!EqualsIgnoreCase(spec.name, argv[0])) name += "|" + std::string(spec.name);
  switch (v.denial) {
    case acl::Denial::kKey:
      return ctx.reply.Bulk("User " + u->name + " has no permissions to access the '" +
                            std::string(argv[v.arg]) + "' key");
    case acl::Denial::kChannel:
      return ctx.reply.Bulk("User " + u->name + " has no permissions to access the '" +
                            std::string(argv[v.arg]) + "' channel");
    default:
      return ctx.reply.Bulk("User " + u->name + " has no permissions to run the '" + name +
                            "' command");
  }
}

void AclLog(CommandContext& ctx) {
  acl::Registry& registry = ctx.server.Acl();
  size_t count = 10;
  if (ctx.argc() > 3) return ctx.reply.Error(err::WrongArity("acl|log"));
  if (ctx.argc() == 3) {
    if (EqualsIgnoreCase(ctx.arg(2), "reset")) {
      registry.ResetLog();
      return ctx.reply.Ok();
    }
    int64_t n = 0;
    if (!resp::ParseStrictInt64(ctx.arg(2), n) || n < 0) {
      return ctx.reply.Error(err::kNotInteger);
    }
    count = static_cast<size_t>(n);
  }
  const auto& log = registry.log();
  const size_t shown = std::min(count, log.size());
  ctx.reply.Array(shown);
  for (size_t i = 0; i < shown; i++) {
    const acl::LogEntry& e = log[i];
    ctx.reply.Map(10);
    ctx.reply.Bulk("count");
    ctx.reply.Integer(static_cast<int64_t>(e.count));
    ctx.reply.Bulk("reason");
    ctx.reply.Bulk(e.reason);
    ctx.reply.Bulk("context");
    ctx.reply.Bulk(e.context);
    ctx.reply.Bulk("object");
    ctx.reply.Bulk(e.object);
    ctx.reply.Bulk("username");
    ctx.reply.Bulk(e.username);
    ctx.reply.Bulk("age-seconds");
    ctx.reply.Double(static_cast<double>(ctx.now_ms - e.created_ms) / 1000.0);
    ctx.reply.Bulk("client-info");
    std::string info = e.client_info;
    if (!info.empty() && info.back() == '\n') info.pop_back();
    ctx.reply.Bulk(info);
    ctx.reply.Bulk("entry-id");
    ctx.reply.Integer(static_cast<int64_t>(e.id));
    ctx.reply.Bulk("timestamp-created");
    ctx.reply.Integer(e.created_ms);
    ctx.reply.Bulk("timestamp-last-updated");
    ctx.reply.Integer(e.updated_ms);
  }
}

// Re-points the signed-in clients at the users of the same names after a LOAD replaced them;
// clients whose user is gone are closed.
void AclLoad(CommandContext& ctx) {
  const std::string& path = ctx.server.config.aclfile;
  if (path.empty()) return ctx.reply.Error(err::kAclNoFile);
  std::ifstream in(path);
  if (!in) {
    return ctx.reply.Error("ERR Error loading ACLs, opening file '" + path +
                           "': " + std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::pair<Client*, std::string>> signed_in;
  for (auto& [id, c] : ctx.server.clients) {
    if (c->user != nullptr) signed_in.emplace_back(c, c->user->name);
  }
  auto r = ctx.server.Acl().LoadText(text.str());
  if (!r) return ctx.reply.Error(r.error());
  // requirepass does not override an aclfile's default user (Redis ignores it with one).
  for (auto& [c, name] : signed_in) {
    c->user = ctx.server.Acl().Find(name);
    if (c->user == nullptr) SignOut(ctx, *c);
  }
  ctx.reply.Ok();
  CloseDeniedSubscribers(ctx);
}

void AclSave(CommandContext& ctx) {
  const std::string& path = ctx.server.config.aclfile;
  if (path.empty()) return ctx.reply.Error(err::kAclNoFile);
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  const std::string text = ctx.server.Acl().SaveText();
  bool ok = false;
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    ok = static_cast<bool>(out);
  }
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return ctx.reply.Error("ERR There was an error trying to save the ACLs. Please check the "
                           "server logs for more information");
  }
  ctx.reply.Ok();
}

void AclHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kAclAdmin = kAdmin | kNoScript | kLoading | kStale;
constexpr uint32_t kAclPlain = kNoScript | kLoading | kStale;

constexpr CommandSpec kAclSubcommands[] = {
    {"cat", -2, kAclPlain, 0, 0, 0, AclCat,
     "Lists the ACL categories, or the commands inside a category.", "6.0.0", "server",
     {"O(1) since the categories and commands are a fixed set.", "[category]"}},
    {"deluser", -3, kAclAdmin, 0, 0, 0, AclDelUser, "Deletes ACL users, and terminates their "
     "connections.", "6.0.0", "server", {"O(1) amortized time considering the typical user.",
     "username..."}},
    {"dryrun", -4, kAclAdmin, 0, 0, 0, AclDryRun,
     "Simulates the execution of a command by a user, without executing the command.", "7.0.0",
     "server", {"O(1).", "username command [arg]..."}},
    {"genpass", -2, kAclPlain, 0, 0, 0, AclGenPass,
     "Generates a pseudorandom, secure password that can be used to identify ACL users.",
     "6.0.0", "server", {"O(N)", "[bits:integer]"}},
    {"getuser", 3, kAclAdmin, 0, 0, 0, AclGetUser, "Lists the ACL rules of a user.", "6.0.0",
     "server", {"O(N). Where N is the number of password, command and pattern rules that the "
     "user has.", "username"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, AclHelp, "Returns helpful text about the different "
     "subcommands.", "6.0.0", "server", {"O(1)"}},
    {"list", 2, kAclAdmin, 0, 0, 0, AclList, "Dumps the effective rules in ACL file format.",
     "6.0.0", "server", {"O(N). Where N is the number of configured users."}},
    {"load", 2, kAclAdmin, 0, 0, 0, AclLoad, "Reloads the rules from the configured ACL file.",
     "6.0.0", "server", {"O(N). Where N is the number of configured users."}},
    {"log", -2, kAclAdmin, 0, 0, 0, AclLog,
     "Lists recent security events generated due to ACL rules.", "6.0.0", "server",
     {"O(N) with N being the number of entries shown.", "[operation=count:integer|RESET]"}},
    {"save", 2, kAclAdmin, 0, 0, 0, AclSave,
     "Saves the effective ACL rules in the configured ACL file.", "6.0.0", "server",
     {"O(N). Where N is the number of configured users."}},
    {"setuser", -3, kAclAdmin, 0, 0, 0, AclSetUser,
     "Creates and modifies an ACL user and its rules.", "6.0.0", "server",
     {"O(N). Where N is the number of rules provided.", "username [rule]..."}},
    {"users", 2, kAclAdmin, 0, 0, 0, AclUsers, "Lists all ACL users.", "6.0.0", "server",
     {"O(N). Where N is the number of configured users."}},
    {"whoami", 2, kAclPlain, 0, 0, 0, AclWhoAmI,
     "Returns the authenticated username of the current connection.", "6.0.0", "server",
     {"O(1)"}},
};

constexpr CommandSpec kAclRows[] = {
    {"acl", -2, 0, 0, 0, 0, nullptr, "A container for Access List Control commands.", "6.0.0",
     "server", {"Depends on subcommand."}, kAclSubcommands},
};

}  // namespace

std::span<const CommandSpec> AclRows() { return kAclRows; }

}  // namespace server
