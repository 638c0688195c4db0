// MEMORY and its subcommands: USAGE (one key's estimate, src/memory_usage.h), STATS (the
// figures behind INFO's memory section, broken down as Redis 7 names them), DOCTOR,
// MALLOC-STATS and PURGE (the allocator's report and release), HELP.
#include <algorithm>
#include <string>

#include "resp/strict_int.h"
#include "src/aof_writer.h"
#include "src/commands/registry.h"
#include "src/commands/server/admin.h"
#include "src/client_info.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/memory.h"
#include "src/memory_usage.h"

namespace server {

namespace {

// "SAMPLES <count>" pairs, the last one winning; a negative count is a syntax error in Redis.
Result<size_t> ParseSamples(const CommandContext& ctx) {
  size_t samples = kDefaultMemorySamples;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    if (!EqualsIgnoreCase(ctx.arg(i), "SAMPLES") || i + 1 >= ctx.argc()) {
      return Failure(err::kSyntax);
    }
    int64_t n;
    if (!resp::ParseStrictInt64(ctx.arg(i + 1), n)) return Failure(err::kNotInteger);
    if (n < 0) return Failure(err::kSyntax);
    samples = static_cast<size_t>(n);
  }
  return samples;
}

void MemoryUsage(CommandContext& ctx) {
  auto samples = ParseSamples(ctx);
  if (!samples) return ctx.reply.Error(samples.error());
  Db& db = ctx.db();
  db.set_access_tracking(false);  // looking at a key's size is not a use of it
  const Value* v = db.Find(ctx.arg(2), ctx.now_ms);
  db.set_access_tracking(true);
  if (v == nullptr) return ctx.reply.Null();
  ctx.reply.Integer(static_cast<int64_t>(KeyMemoryUsage(ctx.arg(2), *v, *samples)));
}

// What MEMORY STATS and DOCTOR read: one pass over the server's figures.
struct MemoryFigures {
  size_t used = 0;
  size_t peak = 0;
  size_t startup = 0;
  size_t rss = 0;
  size_t clients = 0;
  size_t aof_buffer = 0;
  size_t keys = 0;
  size_t overhead = 0;  // everything but the dataset
  size_t dataset = 0;
};

MemoryFigures Measure(ServerState& st) {
  MemoryFigures f;
  f.used = UsedMemoryBytes();
  st.peak_memory = std::max(st.peak_memory, f.used);
  f.peak = st.peak_memory;
  f.startup = std::min(st.startup_memory, f.used);
  f.rss = ResidentMemoryBytes();
  for (const auto& [id, c] : st.clients) {
    f.clients += ClientMemory(*c);
  }
  f.aof_buffer = st.aof ? st.aof->buffer_length() : 0;
  f.overhead = f.startup + f.clients + f.aof_buffer;
  for (const auto& db : st.dbs) {
    f.keys += db->size();
    f.overhead += db->main_table_bytes() + db->expires_table_bytes();
  }
  f.dataset = f.used > f.overhead ? f.used - f.overhead : 0;
  return f;
}

double Ratio(size_t a, size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0; }
int64_t Diff(size_t a, size_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); }

void MemoryStats(CommandContext& ctx) {
  ServerState& st = ctx.server;
  const MemoryFigures f = Measure(st);
  size_t nonempty_dbs = 0;
  for (const auto& db : st.dbs) nonempty_dbs += db->size() > 0 ? 1 : 0;

  resp::Writer& r = ctx.reply;
  auto num = [&](std::string_view name, int64_t v) {
    r.Bulk(name);
    r.Integer(v);
  };
  auto dbl = [&](std::string_view name, double v) {
    r.Bulk(name);
    r.Double(v);
  };
  // Allocator figures: we have one allocator view (used) and the resident set, so active and
  // allocated coincide and all fragmentation shows in the rss ratios.
  r.Map(27 + nonempty_dbs);
  num("peak.allocated", static_cast<int64_t>(f.peak));
  num("total.allocated", static_cast<int64_t>(f.used));
  num("startup.allocated", static_cast<int64_t>(f.startup));
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", static_cast<int64_t>(f.clients));
  num("cluster.links", 0);
  num("aof.buffer", static_cast<int64_t>(f.aof_buffer));
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (size_t i = 0; i < st.dbs.size(); i++) {
    const Db& db = *st.dbs[i];
    if (db.size() == 0) continue;
    r.Bulk("db." + std::to_string(i));
    r.Map(3);
    num("overhead.hashtable.main", static_cast<int64_t>(db.main_table_bytes()));
    num("overhead.hashtable.expires", static_cast<int64_t>(db.expires_table_bytes()));
    num("overhead.hashtable.slot-to-keys", 0);
  }
  num("overhead.total", static_cast<int64_t>(f.overhead));
  num("keys.count", static_cast<int64_t>(f.keys));
  num("keys.bytes-per-key", f.keys ? static_cast<int64_t>((f.used - f.startup) / f.keys) : 0);
  num("dataset.bytes", static_cast<int64_t>(f.dataset));
  dbl("dataset.percentage", 100.0 * Ratio(f.dataset, f.used - f.startup));
  dbl("peak.percentage", 100.0 * Ratio(f.used, f.peak));
  num("allocator.allocated", static_cast<int64_t>(f.used));
  num("allocator.active", static_cast<int64_t>(f.used));
  num("allocator.resident", static_cast<int64_t>(f.rss));
  dbl("allocator-fragmentation.ratio", 1.0);
  num("allocator-fragmentation.bytes", 0);
  dbl("allocator-rss.ratio", Ratio(f.rss, f.used));
  num("allocator-rss.bytes", Diff(f.rss, f.used));
  dbl("rss-overhead.ratio", 1.0);
  num("rss-overhead.bytes", 0);
  dbl("fragmentation", Ratio(f.rss, f.used));
  num("fragmentation.bytes", Diff(f.rss, f.used));
}

// A short report in our own words: nothing to say below a few megabytes, else the figures a
// person would check first (peak against now, fragmentation, client buffers).
void MemoryDoctor(CommandContext& ctx) {
  const MemoryFigures f = Measure(ctx.server);
  constexpr size_t kTooSmall = 5 << 20;
  std::string text;
  if (f.used < kTooSmall) {
    text = "This instance uses very little memory (" + std::to_string(f.used) +
           " bytes): there is nothing to diagnose yet.\n";
  } else {
    std::vector<std::string> issues;
    if (f.peak > f.used + f.used / 2) {
      issues.push_back("Peak memory (" + std::to_string(f.peak) + " bytes) is more than 150% of "
                       "what is used now: memory was freed, and the resident set may lag.");
    }
    if (Ratio(f.rss, f.used) > 1.4) {
      issues.push_back("The resident set is " + std::to_string(Ratio(f.rss, f.used)) +
                       " times used memory: fragmentation. MEMORY PURGE may return some.");
    }
    if (f.clients > f.used / 5) {
      issues.push_back("Client buffers hold " + std::to_string(f.clients) +
                       " bytes: look for clients that do not read their replies (CLIENT LIST).");
    }
    if (issues.empty()) {
      text = "No memory issue found: used " + std::to_string(f.used) + " bytes, peak " +
             std::to_string(f.peak) + ", resident " + std::to_string(f.rss) + ".\n";
    } else {
      text = "Memory issues found:\n";
      for (const std::string& s : issues) text += " * " + s + "\n";
    }
  }
  ctx.reply.Verbatim(text);
}

void MemoryMallocStats(CommandContext& ctx) { ctx.reply.Verbatim(AllocatorStatsText()); }

void MemoryPurge(CommandContext& ctx) {
  PurgeAllocator();
  ctx.reply.Ok();
}

void MemoryHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr CommandSpec kMemorySubcommands[] = {
    {"doctor", 2, 0, 0, 0, 0, MemoryDoctor, "Outputs memory problems report", "4.0.0", "server",
     {"O(1)", "", "nondeterministic_output request_policy:all_shards response_policy:special"}},
    {"help", 2, kLoading | kStale, 0, 0, 0, MemoryHelp,
     "Show helpful text about the different subcommands", "4.0.0", "server", {"O(1)"}},
    {"malloc-stats", 2, 0, 0, 0, 0, MemoryMallocStats, "Show allocator internal stats", "4.0.0",
     "server",
     {"Depends on how much memory is allocated, could be slow", "",
      "nondeterministic_output request_policy:all_shards response_policy:special"}},
    {"purge", 2, 0, 0, 0, 0, MemoryPurge, "Ask the allocator to release memory", "4.0.0",
     "server",
     {"Depends on how much memory is allocated, could be slow", "",
      "request_policy:all_shards response_policy:all_succeeded"}},
    {"stats", 2, 0, 0, 0, 0, MemoryStats, "Show memory usage details", "4.0.0", "server",
     {"O(1)", "", "nondeterministic_output request_policy:all_shards response_policy:special"}},
    {"usage", -3, kReadOnly, 2, 2, 1, MemoryUsage, "Estimate the memory usage of a key", "4.0.0",
     "server", {"O(N) where N is the number of samples.", "key [SAMPLES count]", "", "RO"}},
};

constexpr CommandSpec kMemoryCommands[] = {
    {"memory", -2, 0, 0, 0, 0, nullptr, "A container for memory diagnostics commands", "4.0.0",
     "server", {"Depends on subcommand."}, kMemorySubcommands},
};

}  // namespace

std::span<const CommandSpec> MemoryRows() { return kMemoryCommands; }

}  // namespace server
