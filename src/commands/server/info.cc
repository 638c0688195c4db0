// INFO: the server's report, one "# Section" per concern, "field:value" lines ending in \r\n.
// Fields we have no equivalent for (RDB, replication, cluster) report what an idle standalone
// Redis master reports, so clients that parse them (ioredis' loading:0 check, redis-cli,
// StackExchange.Redis' role) behave.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "src/commands/registry.h"
#include "src/ascii.h"
#include "src/commands/server/admin.h"
#include "src/lazy_free.h"
#include "src/memory.h"
#include "src/scripting/script_engine.h"

namespace server {

namespace {

// Redis's human-readable sizes: "512B", "1.50K", "2.00M"...
std::string BytesToHuman(size_t n) {
  static constexpr char kUnits[] = "KMGTP";
  if (n < 1024) return std::to_string(n) + "B";
  double v = static_cast<double>(n);
  size_t unit = 0;
  v /= 1024;
  while (v >= 1024 && unit + 1 < sizeof(kUnits) - 1) {
    v /= 1024;
    unit++;
  }
  char buf[32];
  snprintf(buf, sizeof(buf), "%.2f%c", v, kUnits[unit]);
  return buf;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string TimevalSeconds(const timeval& tv) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
           static_cast<long>(tv.tv_usec));
  return buf;
}

class InfoBuilder {
 public:
  void Section(std::string_view name) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += name;
    out_ += "\r\n";
  }
  void Field(std::string_view key, std::string_view value) {
    out_ += key;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  template <typename T>
  void Num(std::string_view key, T value) {
    Field(key, std::to_string(value));
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string OsName() {
  utsname u;
  if (uname(&u) != 0) return "Linux";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

std::string ExecutablePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty()) return path;
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

size_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : 0;
}

void ServerSection(InfoBuilder& b, ServerState& st, int64_t now_us) {
  b.Section("Server");
  b.Field("redis_version", kRedisVersion);
  b.Field("redis_git_sha1", "00000000");
  b.Field("redis_git_dirty", "0");
  b.Field("redis_build_id", "0");
  b.Field("redis_mode", "standalone");
  b.Field("os", OsName());
  b.Num("arch_bits", sizeof(void*) * 8);
  b.Field("monotonic_clock", "POSIX clock_gettime");
  b.Field("multiplexing_api", "epoll");
  b.Field("atomicvar_api", "c11-builtin");
  b.Field("gcc_version", __VERSION__);
  b.Num("process_id", getpid());
  b.Field("process_supervised", "no");
  b.Field("run_id", st.run_id);
  b.Num("tcp_port", st.tcp_port != 0 ? st.tcp_port : st.config.port);
  b.Num("server_time_usec", now_us);
  int64_t uptime = (now_us / 1000 - st.start_ms) / 1000;
  b.Num("uptime_in_seconds", uptime);
  b.Num("uptime_in_days", uptime / 86400);
  b.Num("hz", st.config.hz);
  b.Num("configured_hz", st.config.hz);
  b.Num("lru_clock", (now_us / 1000000) & ((1 << 24) - 1));
  b.Field("executable", ExecutablePath());
  b.Field("config_file", AbsolutePath(st.config.config_file));
  b.Field("io_threads_active", "0");
  b.Field("runnel_version", kRunnelVersion);
}

void ClientsSection(InfoBuilder& b, ServerState& st) {
  size_t pubsub_clients = 0;
  for (const auto& [id, c] : st.clients) {
    if (c->subscriptions > 0) pubsub_clients++;
  }
  const int64_t now_sec = SteadyMs() / 1000;
  const size_t max_in = st.client_peaks.MaxIn(now_sec);
  const size_t max_out = st.client_peaks.MaxOut(now_sec);
  b.Section("Clients");
  b.Num("connected_clients", st.clients.size());
  b.Field("cluster_connections", "0");
  b.Num("maxclients", st.config.maxclients);
  b.Num("client_recent_max_input_buffer", max_in);
  b.Num("client_recent_max_output_buffer", max_out);
  b.Num("blocked_clients", st.blocking.blocked_count());
  b.Num("pubsub_clients", pubsub_clients);  // Redis 7.2
  b.Num("tracking_clients", st.tracking.clients);
  b.Field("clients_in_timeout_table", "0");
}

// What FUNCTION's libraries hold, for INFO memory. FUNCTION is not implemented yet: all zero.
// Its engine fills this in (and nothing else in INFO needs to change).
struct FunctionsMemory {
  size_t functions = 0;
  size_t libraries = 0;
  size_t vm_bytes = 0;      // its Lua state (used_memory_vm_functions)
  size_t struct_bytes = 0;  // its libraries' and functions' records (used_memory_functions)
};

// The functions' figures; their records are estimated from the code they keep and a map node
// per function and per library.
FunctionsMemory FunctionsMemoryOf(const ServerState& st) {
  FunctionsMemory m;
  const scripting::ScriptEngine* engine = st.scripts.get();
  if (engine == nullptr) return m;
  m.functions = engine->function_count();
  m.libraries = engine->libraries().size();
  m.vm_bytes = engine->functions_lua_bytes();
  constexpr size_t kNode = 4 * sizeof(void*) + sizeof(std::string);  // a map node and its key
  for (const auto& [name, library] : engine->libraries()) {
    m.struct_bytes += kNode + sizeof(scripting::Library) + library.code.capacity();
    m.struct_bytes += library.functions.size() * (kNode + sizeof(scripting::LibraryFunction));
  }
  m.struct_bytes += m.functions * (kNode + sizeof(std::string));  // the function -> library map
  return m;
}

// The scripting fields of INFO memory, named and ordered as Redis 7.0 prints them. The eval
// engine is made on first use: before that there is no Lua state, and its figures are 0
// (Redis has one from the start, about 32 KB). As in Redis, the Lua states' memory is outside
// used_memory (Lua allocates with malloc, which the counting allocator does not see).
void ScriptsMemorySection(InfoBuilder& b, const ServerState& st) {
  const scripting::ScriptEngine* eval = st.scripts.get();
  const size_t vm_eval = eval != nullptr ? eval->lua_bytes() : 0;
  const size_t scripts_eval = eval != nullptr ? eval->cache_bytes() : 0;
  const FunctionsMemory fn = FunctionsMemoryOf(st);
  b.Num("used_memory_lua", vm_eval);
  b.Num("used_memory_vm_eval", vm_eval);
  b.Field("used_memory_lua_human", BytesToHuman(vm_eval));
  b.Num("used_memory_scripts_eval", scripts_eval);
  b.Num("number_of_cached_scripts", eval != nullptr ? eval->scripts() : 0);
  b.Num("number_of_functions", fn.functions);
  b.Num("number_of_libraries", fn.libraries);
  b.Num("used_memory_vm_functions", fn.vm_bytes);
  b.Num("used_memory_vm_total", vm_eval + fn.vm_bytes);
  b.Field("used_memory_vm_total_human", BytesToHuman(vm_eval + fn.vm_bytes));
  b.Num("used_memory_functions", fn.struct_bytes);
  b.Num("used_memory_scripts", scripts_eval + fn.struct_bytes);
  b.Field("used_memory_scripts_human", BytesToHuman(scripts_eval + fn.struct_bytes));
}

void MemorySection(InfoBuilder& b, ServerState& st) {
  size_t used = UsedMemoryBytes();
  size_t rss = ResidentMemoryBytes();
  st.peak_memory = std::max(st.peak_memory, used);
  size_t total = TotalSystemMemory();
  b.Section("Memory");
  b.Num("used_memory", used);
  b.Field("used_memory_human", BytesToHuman(used));
  b.Num("used_memory_rss", rss);
  b.Field("used_memory_rss_human", BytesToHuman(rss));
  b.Num("used_memory_peak", st.peak_memory);
  b.Field("used_memory_peak_human", BytesToHuman(st.peak_memory));
  double peak_perc = st.peak_memory ? 100.0 * static_cast<double>(used) /
                                          static_cast<double>(st.peak_memory)
                                    : 100.0;
  b.Field("used_memory_peak_perc", Fixed(peak_perc, 2) + "%");
  b.Num("total_system_memory", total);
  b.Field("total_system_memory_human", BytesToHuman(total));
  ScriptsMemorySection(b, st);
  b.Num("maxmemory", st.config.maxmemory);
  b.Field("maxmemory_human", BytesToHuman(static_cast<size_t>(st.config.maxmemory)));
  b.Field("maxmemory_policy", st.config.maxmemory_policy);
  double frag = used ? static_cast<double>(rss) / static_cast<double>(used) : 0;
  b.Field("mem_fragmentation_ratio", Fixed(frag, 2));
  b.Field("mem_allocator", CountingAllocatorActive() ? "mimalloc" : "libc");
  b.Field("active_defrag_running", "0");
  b.Num("lazyfree_pending_objects", LazyFreer::Instance().pending());
  b.Num("lazyfreed_objects", LazyFreer::Instance().freed());
}

void PersistenceSection(InfoBuilder& b, ServerState& st, int64_t now_us) {
  // Field set and order as Redis 7.0 prints them; no fork, no RDB, so those stay idle.
  b.Section("Persistence");
  b.Field("loading", "0");
  b.Field("async_loading", "0");
  b.Field("current_cow_peak", "0");
  b.Field("current_cow_size", "0");
  b.Field("current_cow_size_age", "0");
  b.Field("current_fork_perc", "0.00");
  b.Field("current_save_keys_processed", "0");
  b.Field("current_save_keys_total", "0");
  b.Num("rdb_changes_since_last_save", st.propagation.changes());
  b.Field("rdb_bgsave_in_progress", "0");
  b.Num("rdb_last_save_time", st.start_ms / 1000);
  b.Field("rdb_last_bgsave_status", "ok");
  b.Field("rdb_last_bgsave_time_sec", "-1");
  b.Field("rdb_current_bgsave_time_sec", "-1");
  b.Field("rdb_saves", "0");
  b.Field("rdb_last_cow_size", "0");
  b.Field("rdb_last_load_keys_expired", "0");
  b.Field("rdb_last_load_keys_loaded", "0");
  const AofRewriteStats& rw = st.aof_rewrite;
  b.Num("aof_enabled", st.aof ? 1 : 0);
  b.Num("aof_rewrite_in_progress", rw.in_progress ? 1 : 0);
  b.Num("aof_rewrite_scheduled", rw.scheduled ? 1 : 0);
  b.Num("aof_last_rewrite_time_sec", rw.last_time_sec);
  b.Num("aof_current_rewrite_time_sec",
        rw.current_start_ms >= 0 ? (now_us / 1000 - rw.current_start_ms) / 1000 : -1);
  b.Field("aof_last_bgrewrite_status", rw.last_ok ? "ok" : "err");
  b.Num("aof_rewrites", rw.rewrites);
  b.Num("aof_rewrites_consecutive_failures", rw.consecutive_failures);
  b.Field("aof_last_write_status", !st.aof || st.aof->last_write_ok() ? "ok" : "err");
  b.Field("aof_last_cow_size", "0");
  b.Field("module_fork_in_progress", "0");
  b.Field("module_fork_last_cow_size", "0");
  if (!st.aof) return;
  const AofWriter& aof = *st.aof;
  b.Num("aof_current_size", aof.current_size());
  b.Num("aof_base_size", aof.base_size());
  b.Num("aof_pending_rewrite", rw.scheduled ? 1 : 0);
  b.Num("aof_buffer_length", aof.buffer_length());
  b.Num("aof_pending_bio_fsync", aof.pending_bio_fsync());
  b.Num("aof_delayed_fsync", aof.delayed_fsync());
}

void StatsSection(InfoBuilder& b, ServerState& st) {
  const Stats& s = st.stats;
  b.Section("Stats");
  b.Num("total_connections_received", s.total_connections_received);
  b.Num("total_commands_processed", s.total_commands_processed);
  b.Num("instantaneous_ops_per_sec", static_cast<int64_t>(st.ops_rate.PerSecond()));
  b.Num("total_net_input_bytes", s.net_input_bytes);
  b.Num("total_net_output_bytes", s.net_output_bytes);
  b.Field("instantaneous_input_kbps", Fixed(st.net_input_rate.PerSecond() / 1024, 2));
  b.Field("instantaneous_output_kbps", Fixed(st.net_output_rate.PerSecond() / 1024, 2));
  b.Num("rejected_connections", s.rejected_connections);
  b.Field("sync_full", "0");
  b.Field("sync_partial_ok", "0");
  b.Field("sync_partial_err", "0");
  b.Num("expired_keys", st.TotalExpiredKeys());
  b.Num("evicted_keys", st.stats.evicted_keys);
  b.Num("evicted_clients", s.evicted_clients);
  b.Num("keyspace_hits", s.keyspace_hits);
  b.Num("keyspace_misses", s.keyspace_misses);
  b.Num("pubsub_channels", st.pubsub.channel_count());
  b.Num("pubsub_patterns", st.pubsub.NumPat());
  b.Num("pubsubshard_channels", st.pubsub.shard_channel_count());
  b.Field("latest_fork_usec", "0");
  b.Field("total_forks", "0");
  b.Num("tracking_total_keys", st.tracking.table.keys());
  b.Num("tracking_total_items", st.tracking.table.items());
  b.Num("tracking_total_prefixes", st.tracking.table.prefixes());
  b.Num("unexpected_error_replies", s.unexpected_error_replies);
  b.Num("total_error_replies", st.error_stats.total());
  b.Num("client_query_buffer_limit_disconnections", s.client_query_limit_disconnections);
  b.Num("client_output_buffer_limit_disconnections", s.client_output_limit_disconnections);
  const acl::Registry::Denials& denied = st.Acl().denials();
  b.Num("acl_access_denied_auth", denied.auth);
  b.Num("acl_access_denied_cmd", denied.command);
  b.Num("acl_access_denied_key", denied.key);
  b.Num("acl_access_denied_channel", denied.channel);
}

void ReplicationSection(InfoBuilder& b, ServerState& st) {
  const Replication& repl = st.repl;
  const int64_t now_ms = WallClockMs();
  b.Section("Replication");
  b.Field("role", repl.is_replica() ? "slave" : "master");
  if (repl.is_replica()) {
    const bool up = repl.link == LinkState::kConnected;
    b.Field("master_host", repl.master_host);
    b.Num("master_port", repl.master_port);
    b.Field("master_link_status", up ? "up" : "down");
    b.Num("master_last_io_seconds_ago",
          repl.last_io_ms < 0 || !up ? int64_t{-1} : (now_ms - repl.last_io_ms) / 1000);
    b.Num("master_sync_in_progress", repl.link == LinkState::kTransfer ? 1 : 0);
    b.Num("slave_read_repl_offset", repl.read_offset);
    b.Num("slave_repl_offset", repl.offset);
    if (!up) {
      b.Num("master_link_down_since_seconds",
            repl.link_down_since_ms < 0 ? int64_t{-1} : (now_ms - repl.link_down_since_ms) / 1000);
    }
    b.Num("slave_priority", st.config.replica_priority);
    b.Num("slave_read_only", st.config.replica_read_only ? 1 : 0);
    b.Num("replica_announced", st.config.replica_announced ? 1 : 0);
  }
  size_t online = 0;
  for (const auto& [id, peer] : repl.replicas) online += peer.state == ReplicaPeer::State::kOnline;
  b.Num("connected_slaves", online);
  size_t n = 0;
  for (const auto& [id, peer] : repl.replicas) {
    if (peer.state != ReplicaPeer::State::kOnline) continue;
    b.Field("slave" + std::to_string(n++),
            "ip=" + peer.ip + ",port=" + std::to_string(peer.port) + ",state=online,offset=" +
                std::to_string(peer.ack_offset) +
                ",lag=" + std::to_string(std::max<int64_t>(0, now_ms - peer.ack_ms) / 1000));
  }
  if (st.config.min_replicas_to_write > 0) {
    b.Num("min_slaves_good_slaves",
          GoodReplicas(repl, now_ms, st.config.min_replicas_max_lag));
  }
  b.Field("master_failover_state", "no-failover");
  b.Field("master_replid", repl.replid);
  b.Field("master_replid2", repl.replid2);
  b.Num("master_repl_offset", repl.offset);
  b.Num("second_repl_offset", repl.second_offset);
  b.Num("repl_backlog_active", repl.backlog.active() ? 1 : 0);
  b.Num("repl_backlog_size", st.config.repl_backlog_size);
  b.Num("repl_backlog_first_byte_offset",
        repl.backlog.active() ? repl.backlog.first_offset() : 0);
  b.Num("repl_backlog_histlen", repl.backlog.size());
}

void CpuSection(InfoBuilder& b) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  b.Section("CPU");
  b.Field("used_cpu_sys", TimevalSeconds(self.ru_stime));
  b.Field("used_cpu_user", TimevalSeconds(self.ru_utime));
  b.Field("used_cpu_sys_children", TimevalSeconds(children.ru_stime));
  b.Field("used_cpu_user_children", TimevalSeconds(children.ru_utime));
  b.Field("used_cpu_sys_main_thread", TimevalSeconds(thread.ru_stime));
  b.Field("used_cpu_user_main_thread", TimevalSeconds(thread.ru_utime));
}

void KeyspaceSection(InfoBuilder& b, ServerState& st) {
  b.Section("Keyspace");
  for (size_t i = 0; i < st.dbs.size(); i++) {
    const Db& db = *st.dbs[i];
    if (db.size() == 0) continue;
    b.Field("db" + std::to_string(i), "keys=" + std::to_string(db.size()) +
                                          ",expires=" + std::to_string(db.expires_size()) +
                                          ",avg_ttl=0");
  }
}

// Runnel's: what the consumer groups' delivery policies did since start (or CONFIG RESETSTAT),
// and the due timer's state.
void DeliveryPolicySection(InfoBuilder& b, ServerState& st, int64_t now_us) {
  b.Section("Deliverypolicy");
  const PolicyStats& p = st.policy_stats;
  b.Num("redelivered_entries", p.redelivered);
  b.Num("dead_lettered_entries", p.dead_lettered);
  b.Num("dead_letter_failures", p.dead_letter_failures);
  b.Num("redriven_entries", p.redriven);
  b.Num("retention_trimmed_entries", st.stats.retention_trimmed);  // XRETENTION's trims
  b.Num("groups_with_deadlines", st.due.size());
  const int64_t next = st.due.NextAt();
  b.Num("next_deadline_in_ms", next < 0 ? -1 : std::max<int64_t>(0, next - now_us / 1000));
}

// Per command: calls, time and outcomes ("cmdstat_xadd:calls=3,usec=9,usec_per_call=3.00,
// rejected_calls=0,failed_calls=0"), those with any count, by name.
void CommandStatsSection(InfoBuilder& b, ServerState& st) {
  b.Section("Commandstats");
  char buf[256];
  for (const CommandStat* c : st.command_stats.Sorted()) {
    if (c->calls == 0 && c->rejected_calls == 0 && c->failed_calls == 0) continue;
    const uint64_t usec = c->duration_ns / 1000;
    const double per_call =
        c->calls ? static_cast<double>(usec) / static_cast<double>(c->calls) : 0.0;
    snprintf(buf, sizeof(buf),
             "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
             static_cast<unsigned long long>(c->calls), static_cast<unsigned long long>(usec),
             per_call, static_cast<unsigned long long>(c->rejected_calls),
             static_cast<unsigned long long>(c->failed_calls));
    b.Field("cmdstat_" + c->name, buf);
  }
}

// Error replies by code ("errorstat_WRONGTYPE:count=2").
void ErrorStatsSection(InfoBuilder& b, ServerState& st) {
  b.Section("Errorstats");
  for (const auto& [code, count] : st.error_stats.by_code()) {
    b.Field("errorstat_" + code, "count=" + std::to_string(count));
  }
}

// Per command, the configured percentiles of its latency in microseconds
// ("latency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=5.023").
void LatencyStatsSection(InfoBuilder& b, ServerState& st) {
  b.Section("Latencystats");
  char buf[64];
  for (const CommandStat* c : st.command_stats.Sorted()) {
    if (c->latency.count() == 0) continue;
    std::string value;
    for (double p : st.config.latency_tracking_info_percentiles) {
      if (!value.empty()) value += ',';
      const double usec = static_cast<double>(c->latency.ValueAtPercentile(p)) / 1000.0;
      snprintf(buf, sizeof(buf), "%.3f", usec);
      value += "p" + PercentileLabel(p) + "=" + buf;
    }
    b.Field("latency_percentiles_usec_" + c->name, value);
  }
}

// Sections in the order Redis prints them, then Runnel's own (not in a bare INFO, which stays
// as Redis's); `in_default` ones make up a bare INFO.
struct SectionDef {
  std::string_view name;
  bool in_default;
};
constexpr SectionDef kSections[] = {
    {"server", true},      {"clients", true},      {"memory", true},   {"persistence", true},
    {"stats", true},       {"replication", true},  {"cpu", true},      {"modules", true},
    {"commandstats", false}, {"errorstats", true}, {"latencystats", false},
    {"cluster", true},     {"keyspace", true},     {"deliverypolicy", false},
};

void WriteSection(InfoBuilder& b, ServerState& st, std::string_view name, int64_t now_us) {
  if (name == "server") ServerSection(b, st, now_us);
  else if (name == "clients") ClientsSection(b, st);
  else if (name == "memory") MemorySection(b, st);
  else if (name == "persistence") PersistenceSection(b, st, now_us);
  else if (name == "stats") StatsSection(b, st);
  else if (name == "replication") ReplicationSection(b, st);
  else if (name == "cpu") CpuSection(b);
  else if (name == "modules") b.Section("Modules");
  else if (name == "commandstats") CommandStatsSection(b, st);
  else if (name == "errorstats") ErrorStatsSection(b, st);
  else if (name == "latencystats") LatencyStatsSection(b, st);
  else if (name == "cluster") {
    b.Section("Cluster");
    b.Field("cluster_enabled", "0");
  } else if (name == "keyspace") {
    KeyspaceSection(b, st);
  } else if (name == "deliverypolicy") {
    DeliveryPolicySection(b, st, now_us);
  }
}

void Info(CommandContext& ctx) {
  std::string text = InfoText(ctx.server, ctx.argv.subspan(1));
  ctx.reply.Verbatim(text, "txt");
}

constexpr CommandSpec kInfoRows[] = {
    {"info", -1, kLoading | kStale, 0, 0, 0, Info,
     "Returns information and statistics about the server.", "1.0.0", "server",
     {"O(1)", "[section...]",
      "nondeterministic_output request_policy:all_shards response_policy:special", "",
      "@dangerous"}},
};

}  // namespace

size_t UsedMemoryBytes() { return UsedMemory(); }

size_t ResidentMemoryBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string InfoText(ServerState& state, std::span<const std::string_view> sections) {
  const int64_t now_us = state.PreciseTimeUs();
  state.SampleRates(now_us / 1000);
  bool all = false, everything = false, defaults = sections.empty();
  std::vector<std::string> wanted;
  for (auto s : sections) {
    std::string l = AsciiLower(s);
    if (l == "all") all = true;
    else if (l == "everything") everything = true;
    else if (l == "default") defaults = true;
    else wanted.push_back(std::move(l));
  }
  InfoBuilder b;
  for (const SectionDef& sec : kSections) {
    bool include = all || everything || (defaults && sec.in_default) ||
                   std::find(wanted.begin(), wanted.end(), sec.name) != wanted.end();
    if (include) WriteSection(b, state, sec.name, now_us);
  }
  return b.Take();
}

std::span<const CommandSpec> InfoRows() { return kInfoRows; }

}  // namespace server
