// CONFIG GET/SET/RESETSTAT/REWRITE/HELP over the option table of src/config.h. CONFIG SET is
// all-or-nothing, as in Redis: every pair is checked, applied to a copy, and the copy replaces
// the live config only when all succeeded; then the settings with side effects are applied.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "src/acl/acl.h"
#include "src/ascii.h"
#include "src/commands/registry.h"
#include "src/commands/server/admin.h"
#include "src/commands/util.h"
#include "src/delivery/group_due.h"
#include "src/errors.h"
#include "src/log.h"
#include "src/open_files.h"
#include "src/tls.h"

namespace server {

namespace {

// CONFIG GET: a pattern without glob characters is looked up by name (or alias) and answered
// under the spelling it was asked with, as Redis does; glob patterns match every name.
void ConfigGet(CommandContext& ctx) {
  std::vector<std::pair<std::string_view, std::string>> found;
  auto seen = [&](std::string_view name) {
    for (const auto& f : found) {
      if (EqualsIgnoreCase(f.first, name)) return true;
    }
    return false;
  };
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (ctx.arg(i).find_first_of("*?[") != std::string_view::npos) continue;
    const ConfigOption* opt = FindConfigOption(ctx.arg(i));
    if (opt != nullptr && !seen(ctx.arg(i))) {
      found.emplace_back(ctx.arg(i), opt->get(ctx.server.config));
    }
  }
  for (const ConfigOption& opt : ConfigOptions()) {
    std::vector<std::string_view> names{opt.name};
    names.insert(names.end(), opt.aliases.begin(), opt.aliases.end());
    for (std::string_view name : names) {
      for (size_t i = 2; i < ctx.argc(); i++) {
        bool glob = ctx.arg(i).find_first_of("*?[") != std::string_view::npos;
        if (glob && !seen(name) && GlobMatch(ctx.arg(i), name, true)) {
          found.emplace_back(name, opt.get(ctx.server.config));
        }
      }
    }
  }
  ctx.reply.Map(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// Logs why the new TLS settings failed, as Redis does, and returns CONFIG SET's error naming
// the first tls-* argument.
std::string TlsConfigFailed(CommandContext& ctx, const std::string& reason) {
  std::string_view name = ctx.arg(2);
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (AsciiLower(ctx.arg(i)).rfind("tls-", 0) == 0) {
      name = ctx.arg(i);
      break;
    }
  }
  Log(LogLevel::kWarning, reason);
  Log(LogLevel::kWarning, "Failed applying new configuration. Possibly related to new " +
                              AsciiLower(name) + " setting. Restoring previous settings.");
  return err::ConfigSetFailed(name, err::kTlsConfigFailed);
}

void ConfigSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) return ctx.reply.Error(err::kSyntax);
  std::vector<const ConfigOption*> options;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    const ConfigOption* opt = FindConfigOption(ctx.arg(i));
    if (opt == nullptr) {
      return ctx.reply.Error(err::ConfigSetUnknownOption(ctx.arg(i)));
    }
    if (opt->mutability == ConfigMutability::kImmutable) {
      return ctx.reply.Error(err::ConfigSetFailed(ctx.arg(i), kImmutableConfig));
    }
    if (opt->mutability == ConfigMutability::kProtected) {
      return ctx.reply.Error(err::ConfigSetFailed(ctx.arg(i), kProtectedConfig));
    }
    for (const ConfigOption* prev : options) {
      if (prev == opt) {
        return ctx.reply.Error(err::ConfigSetFailed(ctx.arg(i), "duplicate parameter"));
      }
    }
    options.push_back(opt);
  }
  Config updated = ctx.server.config;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    const ConfigOption* opt = options[(i - 2) / 2];
    std::string reason = opt->set(updated, ctx.arg(i + 1));
    // As Redis: more clients than the process may open files for are refused, naming how
    // many fit, rather than accepted and then dropped at accept for want of a descriptor.
    if (reason.empty() && opt->name == "maxclients" &&
        updated.maxclients > ctx.server.config.maxclients) {
      const int64_t fits = MaxClientsThatFit(updated.maxclients);
      if (fits < updated.maxclients) reason = err::MaxClientsUnsupported(fits);
    }
    if (!reason.empty()) return ctx.reply.Error(err::ConfigSetFailed(ctx.arg(i), reason));
  }
  std::shared_ptr<const TlsContext> tls;
  if (TlsEnabled(updated) && TlsContextSettingsDiffer(ctx.server.config, updated)) {
    // The new certificate (or protocols, ciphers...) must load before anything changes: on
    // failure the server keeps serving TLS with the old context, as Redis.
    TlsContext::Built built = TlsContext::Build(updated);
    if (!built.context) return ctx.reply.Error(TlsConfigFailed(ctx, built.error));
    tls = std::move(built.context);
  }
  Config& live = ctx.server.config;
  // Clients connected while there was no password were implicitly authenticated; setting one
  // must not lock them out, as in Redis.
  if (live.requirepass.empty() && !updated.requirepass.empty()) {
    for (auto& [id, client] : ctx.server.clients) client->authenticated = true;
    ctx.client.authenticated = true;
  }
  if (live.loglevel != updated.loglevel) SetLogLevel(updated.loglevel);
  const bool policy_changed = !(live.stream_default_policy == updated.stream_default_policy);
  const bool pass_changed = live.requirepass != updated.requirepass;
  live = std::move(updated);
  // requirepass is the default user's password; acl-pubsub-default what new users start with.
  if (pass_changed) ctx.server.Acl().SetRequirePass(live.requirepass);
  ctx.server.Acl().set_allchannels_default(live.acl_pubsub_default == "allchannels");
  if (tls) ctx.server.tls = std::move(tls);  // for connections accepted from now on
  // Pending entries of groups under the default policy get due times from the new one.
  if (policy_changed) RescheduleDefaultPolicyGroups(ctx.server, ctx.now_ms);
  ctx.reply.Ok();
}

void ConfigResetStat(CommandContext& ctx) {
  ctx.server.ResetStats();
  ctx.reply.Ok();
}

// Writes the new text next to the file and renames it over, so a crash never leaves half a
// config file.
std::string WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp-rewrite";
  FILE* f = fopen(tmp.c_str(), "w");
  if (f == nullptr) return strerror(errno);
  bool ok = fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = fflush(f) == 0 && ok;
  int saved = errno;
  fclose(f);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    remove(tmp.c_str());
    return strerror(saved);
  }
  return "";
}

void ConfigRewrite(CommandContext& ctx) {
  const std::string& path = ctx.server.config.config_file;
  if (path.empty()) return ctx.reply.Error(err::kNoConfigFile);
  std::string original;
  {
    std::ifstream in(path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      original = ss.str();
    }
  }
  // The users go in as user directives, every one (default too), unless an aclfile holds them:
  // then the file keeps none.
  std::vector<std::string> users;
  if (ctx.server.config.aclfile.empty()) {
    for (const acl::User* u : ctx.server.Acl().Users()) users.push_back(ctx.server.Acl().Line(*u));
  }
  std::string error =
      WriteFileAtomically(path, RewriteConfigText(ctx.server.config, original, &users));
  if (!error.empty()) {
    Log(LogLevel::kWarning, "CONFIG REWRITE failed: " + error);
    return ctx.reply.Error(err::ConfigRewriteFailed(error));
  }
  Log(LogLevel::kNotice, "CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

void ConfigHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kConfigFlags = kAdmin | kNoScript | kLoading | kStale;

constexpr CommandSpec kConfigSubcommands[] = {
    {"get", -3, kConfigFlags, 0, 0, 0, ConfigGet,
     "Returns the effective values of configuration parameters.", "2.0.0", "server",
     {"O(N) when N is the number of configuration parameters provided",
      "(parameter=parameter)..."}},
    {"set", -4, kConfigFlags, 0, 0, 0, ConfigSet, "Sets configuration parameters in-flight.",
     "2.0.0", "server",
     {"O(N) when N is the number of configuration parameters provided", "(data=parameter value)...",
      "request_policy:all_nodes response_policy:all_succeeded"}},
    {"resetstat", 2, kConfigFlags, 0, 0, 0, ConfigResetStat, "Resets the server's statistics.",
     "2.0.0", "server", {"O(1)"}},
    {"rewrite", 2, kConfigFlags, 0, 0, 0, ConfigRewrite,
     "Persists the effective configuration to file.", "2.8.0", "server", {"O(1)"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, ConfigHelp,
     "Returns helpful text about the different subcommands.", "5.0.0", "server", {"O(1)"}},
};

constexpr CommandSpec kConfigRows[] = {
    {"config", -2, 0, 0, 0, 0, nullptr, "A container for server configuration commands.", "2.0.0",
     "server", {}, kConfigSubcommands},
};

}  // namespace

std::span<const CommandSpec> ConfigRows() { return kConfigRows; }

}  // namespace server
