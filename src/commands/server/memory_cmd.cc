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
#include "src/scripting/script_engine.h"

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
  size_t clients_normal = 0;
  size_t clients_replicas = 0;  // replicas attached to us, their output included
  size_t normal_count = 0;      // clients that are not replicas
  size_t replica_count = 0;
  size_t backlog = 0;
  size_t lua_caches = 0;
  size_t scripts = 0;
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
    (c->is_replica ? f.clients_replicas : f.clients_normal) += ClientMemory(*c);
    (c->is_replica ? f.replica_count : f.normal_count)++;
  }
  f.backlog = st.repl.backlog.size();
  if (st.scripts) {
    f.lua_caches = st.scripts->cache_bytes();
    f.scripts = st.scripts->scripts();
  }
  f.aof_buffer = st.aof ? st.aof->buffer_length() : 0;
  f.overhead = f.startup + f.backlog + f.clients_normal + f.clients_replicas + f.aof_buffer +
               f.lua_caches;
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
  num("replication.backlog", static_cast<int64_t>(f.backlog));
  num("clients.slaves", static_cast<int64_t>(f.clients_replicas));
  num("clients.normal", static_cast<int64_t>(f.clients_normal));
  num("cluster.links", 0);
  num("aof.buffer", static_cast<int64_t>(f.aof_buffer));
  num("lua.caches", static_cast<int64_t>(f.lua_caches));
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

// Redis's report, in its words (the texts are Redis's replies): below 5 MB nothing can be
// judged; otherwise each finding from the figures we have. Our allocator view is one figure
// (used), so Redis's allocator-level checks show as the total RSS one.
constexpr std::string_view kDoctorEmpty =
    "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be "
    "used in these conditions. Please, leave for your mission on Earth and fill it with some "
    "data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
constexpr std::string_view kDoctorFine =
    "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs "
    "on this base.\n";
constexpr std::string_view kDoctorIssues =
    "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
constexpr std::string_view kDoctorPeak =
    " * Peak memory: In the past this instance used more than 150% the memory that is currently "
    "using. The allocator is normally not able to release memory after a peak, so you can expect "
    "to see a big fragmentation ratio, however this is actually harmless and is only due to the "
    "memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than "
    "expected, the memory will be used as soon as you fill the Redis instance with more data. If "
    "the memory peak was only occasional and you want to try to reclaim memory, please try the "
    "MEMORY PURGE command, otherwise the only other option is to shutdown and restart the "
    "instance.\n\n";
// Followed by the allocator's name and kDoctorRssEnd.
constexpr std::string_view kDoctorRss =
    " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than "
    "1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum "
    "of the logical allocations Redis performed). This problem is usually due either to a large "
    "peak memory (check if there is a peak memory entry above in the report) or may result from "
    "a workload that causes the allocator to fragment memory a lot. If the problem is a large "
    "peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc "
    "allocator and not the default libc malloc. Note: The currently used allocator is \"";
constexpr std::string_view kDoctorRssEnd = "\".\n\n";
constexpr std::string_view kDoctorReplicaBuffers =
    " * Big replica buffers: The replica output buffers in this instance are greater than 10MB "
    "for each replica (on average). This likely means that there is some replica instance that "
    "is struggling receiving data, either because it is too slow or because of networking "
    "issues. As a result, data piles on the master output buffers. Please try to identify what "
    "replica is not receiving data correctly and why. You can use the INFO output in order to "
    "check the replicas delays and the CLIENT LIST command to check the output buffers of each "
    "replica.\n\n";
constexpr std::string_view kDoctorClientBuffers =
    " * Big client buffers: The clients output buffers in this instance are greater than 200K "
    "per client (on average). This may result from different causes, like Pub/Sub clients "
    "subscribed to channels bot not receiving data fast enough, so that data piles on the Redis "
    "instance output buffer, or clients sending commands with large replies or very large "
    "sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to "
    "investigate the issue if it causes problems in your instance, or to understand better why "
    "certain clients are using a big amount of memory.\n\n";
constexpr std::string_view kDoctorScripts =
    " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). "
    "This may be because scripts are generated and `EVAL`ed, instead of being parameterized "
    "(with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called "
    "periodically, the scripts' caches may end up consuming most of your memory.\n\n";
constexpr std::string_view kDoctorEnd = "I'm here to keep you safe, Sam. I want to help you.\n";

std::string MemoryDoctorReport(const MemoryFigures& f) {
  if (f.used < (5u << 20)) return std::string(kDoctorEmpty);
  std::string issues;
  if (static_cast<double>(f.peak) / static_cast<double>(f.used) > 1.5) issues += kDoctorPeak;
  if (Ratio(f.rss, f.used) > 1.4 && f.rss > f.used + (10u << 20)) {
    issues += kDoctorRss;
    // What Redis names its ZMALLOC_LIB: the counting allocator is mimalloc underneath.
    issues += CountingAllocatorActive() ? "mimalloc" : "libc";
    issues += kDoctorRssEnd;
  }
  if (f.replica_count > 0 && f.clients_replicas > (10u << 20)) issues += kDoctorReplicaBuffers;
  if (f.normal_count > 0 && f.clients_normal / f.normal_count > 200 * 1024) {
    issues += kDoctorClientBuffers;
  }
  if (f.scripts > 1000) issues += kDoctorScripts;
  if (issues.empty()) return std::string(kDoctorFine);
  return std::string(kDoctorIssues) + issues + std::string(kDoctorEnd);
}

void MemoryDoctor(CommandContext& ctx) {
  ctx.reply.Verbatim(MemoryDoctorReport(Measure(ctx.server)));
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
