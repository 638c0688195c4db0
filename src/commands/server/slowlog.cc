// SLOWLOG GET/LEN/RESET/HELP over the server's slow log (src/slowlog.h). The entries are
// recorded after each command by ObserveCommand (src/command_stats.h).
#include <algorithm>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

constexpr int64_t kSlowlogDefaultCount = 10;

// SLOWLOG GET [count]: the newest `count` entries (-1: all), each as Redis shapes it.
void SlowlogGet(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.Error(err::SubcommandSyntax(ctx.arg(1), "slowlog"));
  int64_t count = kSlowlogDefaultCount;
  if (ctx.argc() == 3 && (!resp::ParseStrictInt64(ctx.arg(2), count) || count < -1)) {
    return ctx.reply.Error(err::kSlowlogCount);
  }
  const auto& entries = ctx.server.slowlog.entries();
  const size_t n = count < 0 ? entries.size()
                             : std::min(entries.size(), static_cast<size_t>(count));
  resp::Writer& r = ctx.reply;
  r.Array(n);
  for (size_t i = 0; i < n; i++) {
    const SlowLogEntry& e = entries[i];
    r.Array(6);
    r.Integer(static_cast<int64_t>(e.id));
    r.Integer(e.time_sec);
    r.Integer(e.duration_us);
    r.Array(e.argv.size());
    for (const std::string& a : e.argv) r.Bulk(a);
    r.Bulk(e.client_addr);
    r.Bulk(e.client_name);
  }
}

void SlowlogLen(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.slowlog.size()));
}

void SlowlogReset(CommandContext& ctx) {
  ctx.server.slowlog.Reset();
  ctx.reply.Ok();
}

void SlowlogHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr CommandSpec kSlowlogSubcommands[] = {
    {"get", -2, kAdmin | kLoading | kStale, 0, 0, 0, SlowlogGet, "Get the slow log's entries",
     "2.2.12", "server",
     {"O(N) where N is the number of entries returned", "[count:integer]",
      "request_policy:all_nodes nondeterministic_output"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, SlowlogHelp,
     "Show helpful text about the different subcommands", "6.2.0", "server", {"O(1)"}},
    {"len", 2, kAdmin | kLoading | kStale, 0, 0, 0, SlowlogLen, "Get the slow log's length",
     "2.2.12", "server",
     {"O(1)", "", "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"}},
    {"reset", 2, kAdmin | kLoading | kStale, 0, 0, 0, SlowlogReset,
     "Clear all entries from the slow log", "2.2.12", "server",
     {"O(N) where N is the number of entries in the slowlog", "",
      "request_policy:all_nodes response_policy:all_succeeded"}},
};

constexpr CommandSpec kSlowlogCommands[] = {
    {"slowlog", -2, 0, 0, 0, 0, nullptr, "A container for slow log commands", "2.2.12", "server",
     {"Depends on subcommand."}, kSlowlogSubcommands},
};

}  // namespace

std::span<const CommandSpec> SlowlogRows() { return kSlowlogCommands; }

}  // namespace server
