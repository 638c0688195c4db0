#include "src/ascii.h"
#include "src/config.h"
#include "resp/strict_int.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <fstream>
#include <sstream>

#include "resp/parser.h"
#include "resp/strict_int.h"
#include "src/command_stats.h"
#include "src/notify.h"

namespace server {

namespace {

using Mut = ConfigMutability;

std::string RangeError(int64_t min, int64_t max) {
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
         " inclusive";
}

ConfigOption IntOption(std::string_view name, int64_t Config::*field, int64_t min, int64_t max,
                       Mut mut, std::string_view description) {
  return ConfigOption{
      name, {}, mut, description,
      [field](const Config& c) { return std::to_string(c.*field); },
      [field, min, max](Config& c, std::string_view v) -> std::string {
        int64_t n;
        if (!resp::ParseStrictInt64(v, n)) return "argument couldn't be parsed into an integer";
        if (n < min || n > max) return RangeError(min, max);
        c.*field = n;
        return "";
      }};
}

ConfigOption MemoryOption(std::string_view name, int64_t Config::*field, int64_t min, Mut mut,
                          std::string_view description) {
  return ConfigOption{
      name, {}, mut, description,
      [field](const Config& c) { return std::to_string(c.*field); },
      [field, min](Config& c, std::string_view v) -> std::string {
        int64_t n;
        if (!ParseMemory(v, n)) return "argument must be a memory value";
        if (n < min) return RangeError(min, INT64_MAX);
        c.*field = n;
        return "";
      }};
}

ConfigOption BoolOption(std::string_view name, bool Config::*field, Mut mut,
                        std::string_view description) {
  return ConfigOption{
      name, {}, mut, description,
      [field](const Config& c) { return std::string(c.*field ? "yes" : "no"); },
      [field](Config& c, std::string_view v) -> std::string {
        std::string l = AsciiLower(v);
        if (l == "yes") {
          c.*field = true;
        } else if (l == "no") {
          c.*field = false;
        } else {
          return "argument must be 'yes' or 'no'";
        }
        return "";
      }};
}

ConfigOption StringOption(std::string_view name, std::string Config::*field, Mut mut,
                          std::string_view description) {
  return ConfigOption{name, {}, mut, description,
                      [field](const Config& c) { return c.*field; },
                      [field](Config& c, std::string_view v) -> std::string {
                        c.*field = std::string(v);
                        return "";
                      }};
}

// An option whose value is one of `allowed` (stored lower-cased, matched case-insensitively).
ConfigOption EnumOption(std::string_view name, std::string Config::*field,
                        std::vector<std::string_view> allowed, std::string_view description) {
  return ConfigOption{
      name, {}, Mut::kMutable, description,
      [field](const Config& c) { return c.*field; },
      [field, allowed](Config& c, std::string_view v) -> std::string {
        std::string l = AsciiLower(v);
        if (std::find(allowed.begin(), allowed.end(), l) == allowed.end()) {
          std::string list;
          for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
          return "argument(s) must be one of the following: " + list;
        }
        c.*field = l;
        return "";
      }};
}

// "save" takes pairs of <seconds> <changes>, or nothing. We keep the text for clients that
// read it; persistence is by AOF only.
std::string SetSave(Config& c, std::string_view v) {
  std::vector<std::string> words;
  if (!resp::SplitInlineArgs(v, words)) return "Invalid save parameters";
  if (words.size() == 1 && words[0].empty()) words.clear();
  if (words.size() % 2 != 0) return "Invalid save parameters";
  for (const auto& w : words) {
    int64_t n;
    if (!resp::ParseStrictInt64(w, n) || n < 0) return "Invalid save parameters";
  }
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
  c.save = joined;
  return "";
}

// stream-default-backoff: a space-separated list of positive milliseconds; "" is none.
std::string SetDefaultBackoff(Config& c, std::string_view v) {
  std::vector<int64_t> list;
  size_t i = 0;
  while (i < v.size()) {
    if (v[i] == ' ') {
      i++;
      continue;
    }
    size_t end = std::min(v.find(' ', i), v.size());
    int64_t ms;
    if (!resp::ParseStrictInt64(v.substr(i, end - i), ms) || ms <= 0) {
      return "argument must be a list of positive integers (milliseconds)";
    }
    list.push_back(ms);
    i = end;
  }
  if (!list.empty() && c.stream_default_policy.backoff_exp_base_ms > 0) {
    return "cannot be used together with stream-default-backoff-exp";
  }
  c.stream_default_policy.backoff_ms = std::move(list);
  return "";
}

// "base max" (ms), or "" for none: the default BACKOFF-EXP.
std::string SetDefaultBackoffExp(Config& c, std::string_view v) {
  streams::DeliveryPolicy& p = c.stream_default_policy;
  const size_t first = v.find_first_not_of(' ');
  if (first == std::string_view::npos) {
    p.backoff_exp_base_ms = 0;
    p.backoff_exp_max_ms = 0;
    return "";
  }
  const size_t sep = v.find(' ', first);
  const size_t second = sep == std::string_view::npos ? sep : v.find_first_not_of(' ', sep);
  int64_t base, max;
  if (second == std::string_view::npos ||
      !resp::ParseStrictInt64(v.substr(first, sep - first), base)) {
    return "argument must be two integers: base and max milliseconds";
  }
  std::string_view rest = v.substr(second);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (!resp::ParseStrictInt64(rest, max)) {
    return "argument must be two integers: base and max milliseconds";
  }
  if (base <= 0 || max < base) return "base must be > 0 and max must be >= base";
  if (!p.backoff_ms.empty()) return "cannot be used together with stream-default-backoff";
  p.backoff_exp_base_ms = base;
  p.backoff_exp_max_ms = max;
  return "";
}

std::string GetDefaultBackoffExp(const Config& c) {
  const streams::DeliveryPolicy& p = c.stream_default_policy;
  if (p.backoff_exp_base_ms <= 0) return "";
  return std::to_string(p.backoff_exp_base_ms) + " " + std::to_string(p.backoff_exp_max_ms);
}

std::string GetDefaultBackoff(const Config& c) {
  std::string out;
  for (int64_t ms : c.stream_default_policy.backoff_ms) {
    if (!out.empty()) out += ' ';
    out += std::to_string(ms);
  }
  return out;
}

// A non-negative integer option stored in the default delivery policy.
template <typename T>
ConfigOption DefaultPolicyIntOption(std::string_view name, T streams::DeliveryPolicy::*field,
                                    std::string_view description) {
  return ConfigOption{
      name, {}, Mut::kMutable, description,
      [field](const Config& c) { return std::to_string(c.stream_default_policy.*field); },
      [field](Config& c, std::string_view v) -> std::string {
        int64_t n;
        if (!resp::ParseStrictInt64(v, n)) return "argument couldn't be parsed into an integer";
        if (n < 0) return RangeError(0, INT64_MAX);
        c.stream_default_policy.*field = static_cast<T>(n);
        return "";
      }};
}

// TLS (src/tls.h). Values are checked when the context is built (at start, or by CONFIG SET
// while TLS is on), as Redis does: a bad file or protocol list fails there, with the reason
// logged.
void AddTlsOptions(std::vector<ConfigOption>& o) {
  o.push_back(IntOption("tls-port", &Config::tls_port, 0, 65535, Mut::kImmutable,
                        "TCP port to serve TLS on (0 = none); with port 0, the only one."));
  o.push_back(StringOption("tls-cert-file", &Config::tls_cert_file, Mut::kMutable,
                           "The server's X.509 certificate (PEM, may hold the chain)."));
  o.push_back(StringOption("tls-key-file", &Config::tls_key_file, Mut::kMutable,
                           "The private key of tls-cert-file (PEM)."));
  o.push_back(StringOption("tls-key-file-pass", &Config::tls_key_file_pass, Mut::kMutable,
                           "Passphrase of an encrypted tls-key-file."));
  o.push_back(StringOption("tls-ca-cert-file", &Config::tls_ca_cert_file, Mut::kMutable,
                           "CA certificates (PEM bundle) client certificates are verified "
                           "against."));
  o.push_back(StringOption("tls-ca-cert-dir", &Config::tls_ca_cert_dir, Mut::kMutable,
                           "A directory of CA certificates (c_rehash layout), as "
                           "tls-ca-cert-file."));
  o.push_back(StringOption("tls-dh-params-file", &Config::tls_dh_params_file, Mut::kMutable,
                           "DH parameters (PEM) for DHE ciphers; empty = OpenSSL's own."));
  o.push_back(EnumOption("tls-auth-clients", &Config::tls_auth_clients, {"no", "yes", "optional"},
                         "Client certificates: yes = required and verified by the CA, optional "
                         "= verified when offered, no = not asked for."));
  o.push_back(StringOption("tls-protocols", &Config::tls_protocols, Mut::kMutable,
                           "Protocol versions allowed, e.g. \"TLSv1.2 TLSv1.3\"; empty = "
                           "TLSv1.2 and TLSv1.3."));
  o.back().multi_word = true;
  o.push_back(StringOption("tls-ciphers", &Config::tls_ciphers, Mut::kMutable,
                           "Cipher list for TLSv1.2 and below (OpenSSL syntax); empty = "
                           "OpenSSL's default."));
  o.push_back(StringOption("tls-ciphersuites", &Config::tls_ciphersuites, Mut::kMutable,
                           "TLSv1.3 cipher suites (OpenSSL syntax); empty = OpenSSL's default."));
  o.push_back(BoolOption("tls-prefer-server-ciphers", &Config::tls_prefer_server_ciphers,
                         Mut::kMutable,
                         "Choose the cipher by the server's order of preference, not the "
                         "client's."));
  o.push_back(BoolOption("tls-session-caching", &Config::tls_session_caching, Mut::kMutable,
                         "Let clients resume TLS sessions (faster reconnects)."));
  o.push_back(IntOption("tls-session-cache-size", &Config::tls_session_cache_size, 0, INT32_MAX,
                        Mut::kMutable, "Most TLS sessions cached for resumption."));
  o.push_back(IntOption("tls-session-cache-timeout", &Config::tls_session_cache_timeout, 0,
                        INT32_MAX, Mut::kMutable,
                        "Seconds a cached TLS session may be resumed."));
}

// The HTTP listener (src/http/http_server.h). Where and how it listens is read at start, as
// Redis's port and bind are; its limits apply to the next request or connection.
void AddHttpOptions(std::vector<ConfigOption>& o) {
  o.push_back(IntOption("http-port", &Config::http_port, 0, 65535, Mut::kImmutable,
                        "TCP port of the HTTP listener (GET /metrics, the dashboard); 0 = off."));
  o.push_back(StringOption("http-bind", &Config::http_bind, Mut::kImmutable,
                           "Addresses the HTTP listener binds, space separated; empty = those "
                           "of `bind`."));
  o.back().multi_word = true;
  o.push_back(BoolOption("http-tls", &Config::http_tls, Mut::kImmutable,
                         "Serve HTTPS on http-port with the tls-port's certificate and client "
                         "authentication rules (needs a tls-port)."));
  o.push_back(IntOption("http-maxclients", &Config::http_maxclients, 1, 65535, Mut::kMutable,
                        "Concurrent HTTP connections; more are answered 503 and closed."));
  o.push_back(IntOption("http-request-timeout", &Config::http_request_timeout, 1, 3600,
                        Mut::kMutable,
                        "Seconds an HTTP client has to send a whole request once it began "
                        "one; then 408 and close."));
  o.push_back(IntOption("http-keepalive-timeout", &Config::http_keepalive_timeout, 1, 86400,
                        Mut::kMutable,
                        "Seconds an idle keep-alive HTTP connection is kept open."));
}

// Latency tracking (src/command_stats.h): INFO latencystats and LATENCY HISTOGRAM.
void AddLatencyTrackingOptions(std::vector<ConfigOption>& o) {
  o.push_back(BoolOption("latency-tracking", &Config::latency_tracking, Mut::kMutable,
                         "Keep a latency histogram per command (INFO latencystats, LATENCY "
                         "HISTOGRAM)."));
  o.push_back(ConfigOption{
      "latency-tracking-info-percentiles", {}, Mut::kMutable,
      "The percentiles INFO latencystats reports, space separated (default \"50 99 99.9\").",
      [](const Config& c) {
        std::string out;
        for (double p : c.latency_tracking_info_percentiles) {
          if (!out.empty()) out += ' ';
          out += PercentileLabel(p);
        }
        return out;
      },
      [](Config& c, std::string_view v) -> std::string {
        PercentileParse parsed = ParsePercentiles(v);
        if (parsed.invalid) return "Invalid latency-tracking-info-percentiles parameters";
        if (parsed.out_of_range) {
          return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        }
        c.latency_tracking_info_percentiles = std::move(parsed.values);
        return "";
      }});
  o.back().multi_word = true;
}

// SLOWLOG's and LATENCY's knobs, with Redis's ranges.
void AddSlowlogLatencyOptions(std::vector<ConfigOption>& o) {
  o.push_back(IntOption("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1,
                        INT64_MAX, Mut::kMutable,
                        "Commands running at least this many microseconds go to the slow log "
                        "(-1 = none, 0 = every command)."));
  o.push_back(IntOption("slowlog-max-len", &Config::slowlog_max_len, 0, INT64_MAX, Mut::kMutable,
                        "Entries the slow log keeps; older ones are dropped."));
  o.push_back(IntOption("latency-monitor-threshold", &Config::latency_monitor_threshold, 0,
                        INT64_MAX, Mut::kMutable,
                        "Events taking at least this many milliseconds are sampled by the "
                        "latency monitor (0 = off)."));
}

std::vector<ConfigOption> BuildOptions() {
  std::vector<ConfigOption> o;
  o.push_back(StringOption("bind", &Config::bind, Mut::kImmutable,
                           "Addresses to listen on, space separated; a leading '-' makes one "
                           "optional."));
  o.back().multi_word = true;
  o.push_back(IntOption("port", &Config::port, 0, 65535, Mut::kImmutable,
                        "TCP port to listen on (0 picks a free port; with a tls-port, 0 means no plain "
                        "port, as in Redis)."));
  o.push_back(StringOption("dir", &Config::dir, Mut::kProtected,
                           "Directory holding the AOF; created at start if missing."));
  o.push_back(StringOption("requirepass", &Config::requirepass, Mut::kMutable,
                           "Password of the default user; empty means clients need no AUTH."));
  o.push_back(BoolOption("protected-mode", &Config::protected_mode, Mut::kMutable,
                         "While the default user has no password, accept only loopback "
                         "clients; others get Redis's DENIED explanation."));
  o.push_back(StringOption("aclfile", &Config::aclfile, Mut::kImmutable,
                           "File of ACL users (ACL LOAD / ACL SAVE); loaded at start when set."));
  o.push_back(IntOption("acllog-max-len", &Config::acllog_max_len, 0, INT64_MAX, Mut::kMutable,
                        "Entries kept in the ACL LOG."));
  o.push_back(EnumOption("acl-pubsub-default", &Config::acl_pubsub_default,
                         {"allchannels", "resetchannels"},
                         "Channels a new ACL user starts with: allchannels or resetchannels."));
  o.push_back(IntOption("maxclients", &Config::maxclients, 1, 4294967295LL, Mut::kMutable,
                        "Maximum number of connected clients; more are refused."));
  o.push_back(IntOption("databases", &Config::databases, 1, 1024, Mut::kImmutable,
                        "Number of logical databases (SELECT 0..n-1)."));
  o.push_back(ConfigOption{
      "hz", {}, Mut::kMutable, "Server cron frequency per second (active expiry, timeouts); "
      "clamped to 1..500.",
      [](const Config& c) { return std::to_string(c.hz); },
      [](Config& c, std::string_view v) -> std::string {
        int64_t n;
        if (!resp::ParseStrictInt64(v, n)) return "argument couldn't be parsed into an integer";
        if (n < 0 || n > INT32_MAX) return RangeError(0, INT32_MAX);
        c.hz = std::clamp<int64_t>(n, 1, 500);  // as Redis: out-of-range values are clamped
        return "";
      }});
  o.push_back(IntOption("timeout", &Config::timeout, 0, INT32_MAX, Mut::kMutable,
                        "Close a client idle for this many seconds (0 = never)."));
  o.push_back(IntOption("tcp-backlog", &Config::tcp_backlog, 0, INT32_MAX, Mut::kImmutable,
                        "Backlog of the listening sockets."));
  o.push_back(IntOption("tcp-keepalive", &Config::tcp_keepalive, 0, INT32_MAX, Mut::kMutable,
                        "TCP keepalive period in seconds for new connections (0 = off)."));
  o.push_back(BoolOption("appendonly", &Config::appendonly, Mut::kImmutable,
                         "Log every write to the append-only file and replay it at start."));
  o.push_back(EnumOption("appendfsync", &Config::appendfsync, {"always", "everysec", "no"},
                         "When the AOF is fsynced: always, everysec or no (left to the OS)."));
  o.push_back(StringOption("appendfilename", &Config::appendfilename, Mut::kImmutable,
                           "Name of the append-only file inside dir."));
  o.push_back(BoolOption("aof-load-truncated", &Config::aof_load_truncated, Mut::kMutable,
                         "Load an AOF whose last command was cut short (crash mid-write), "
                         "dropping that command with a warning; no = refuse to start."));
  o.push_back(BoolOption("aof-stream-blocks", &Config::aof_stream_blocks, Mut::kMutable,
                         "The AOF rewrite writes streams as their encoded blocks "
                         "(RUNNEL.XLOADBLOCK, fast to load); no = as XADDs, which Redis loads."));
  o.push_back(IntOption("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0,
                        INT32_MAX, Mut::kMutable,
                        "Rewrite the AOF when it has grown this much (percent) over its size "
                        "after the last rewrite; 0 = never automatically."));
  o.push_back(MemoryOption("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0,
                           Mut::kMutable, "No automatic rewrite below this AOF size."));
  o.push_back(MemoryOption("maxmemory", &Config::maxmemory, 0, Mut::kMutable,
                           "Memory limit in bytes (k, kb, m, mb, g, gb accepted); 0 = none."));
  o.push_back(EnumOption("maxmemory-policy", &Config::maxmemory_policy,
                         {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                          "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"},
                         "What to do when maxmemory is reached."));
  o.push_back(IntOption("maxmemory-samples", &Config::maxmemory_samples, 1, 64, Mut::kMutable,
                        "Keys sampled per eviction round; more is closer to true LRU/LFU."));
  o.push_back(IntOption("maxmemory-eviction-tenacity", &Config::maxmemory_eviction_tenacity, 0,
                        100, Mut::kMutable,
                        "Accepted for compatibility; eviction runs until memory fits."));
  o.push_back(ConfigOption{
      "maxmemory-clients", {}, Mut::kMutable,
      "Bound on the memory of all clients together (bytes, or N% of maxmemory; 0 = none): past "
      "it, the clients holding most are closed.",
      [](const Config& c) {
        return c.maxmemory_clients < 0 ? std::to_string(-c.maxmemory_clients) + "%"
                                       : std::to_string(c.maxmemory_clients);
      },
      [](Config& c, std::string_view v) -> std::string {
        if (!v.empty() && v.back() == '%') {
          int64_t pct = 0;
          const std::string_view digits = v.substr(0, v.size() - 1);
          auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pct);
          if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
              pct < 0) {
            return "argument must be a memory or percent value";
          }
          if (pct > 100) return "percentage argument must be less or equal to 100";
          c.maxmemory_clients = -pct;
          return "";
        }
        int64_t n = 0;
        if (!ParseMemory(v, n) || n < 0) return "argument must be a memory or percent value";
        c.maxmemory_clients = n;
        return "";
      }});
  o.push_back(IntOption("stream-node-max-entries", &Config::stream_node_max_entries, 0,
                        INT64_MAX, Mut::kMutable,
                        "Most entries in one stream block (0 = no limit)."));
  o.push_back(MemoryOption("stream-node-max-bytes", &Config::stream_node_max_bytes, 0,
                           Mut::kMutable, "Most bytes in one stream block (0 = no limit)."));
  o.push_back(EnumOption("stream-compression", &Config::stream_compression, {"no", "lz4"},
                         "Compress each stream block with LZ4 when it is sealed (a new block is "
                         "opened after it), if that shrinks it: no | lz4. Applies to blocks "
                         "sealed from then on."));
  o.push_back(IntOption("stream-idmp-duration", &Config::stream_idmp_duration, 1, 86400,
                        Mut::kMutable,
                        "Seconds an idempotent id (XADD IDMP) is remembered, for streams without "
                        "their own XCFGSET IDMP-DURATION."));
  o.push_back(IntOption("stream-idmp-maxsize", &Config::stream_idmp_maxsize, 1, 10000,
                        Mut::kMutable,
                        "Most idempotent ids remembered per producer, for streams without their "
                        "own XCFGSET IDMP-MAXSIZE."));
  o.push_back(IntOption("set-max-intset-entries", &Config::set_max_intset_entries, 0, INT64_MAX,
                        Mut::kMutable,
                        "Largest set kept as a sorted integer array (intset) while every member "
                        "is an integer."));
  o.push_back(IntOption("set-max-listpack-entries", &Config::set_max_listpack_entries, 0,
                        INT64_MAX, Mut::kMutable,
                        "Largest set kept in one packed buffer (listpack)."));
  o.push_back(IntOption("set-max-listpack-value", &Config::set_max_listpack_value, 0, INT64_MAX,
                        Mut::kMutable,
                        "Longest member (bytes) a listpack-encoded set may hold."));
  o.push_back(IntOption("list-max-listpack-size", &Config::list_max_listpack_size, INT32_MIN,
                        INT32_MAX, Mut::kMutable,
                        "Bound of one list node: -1..-5 = 4/8/16/32/64 KB, a positive number = "
                        "entries a node; a list of one small node reports listpack."));
  o.back().aliases = {"list-max-ziplist-size"};
  o.push_back(IntOption("list-compress-depth", &Config::list_compress_depth, 0, INT32_MAX,
                        Mut::kMutable,
                        "List nodes kept raw at each end; inner nodes are LZ4-compressed (0 = none). "
                        "Taken by a list when it grows past one node."));
  o.push_back(ConfigOption{
      "notify-keyspace-events", {}, Mut::kMutable,
      "Keyspace notification classes, Redis's letters (K E g $ l s h z x e t m d n o c, A): "
      "empty = off.",
      [](const Config& c) { return NotifyClassesString(c.notify_keyspace_events); },
      [](Config& c, std::string_view v) -> std::string {
        auto flags = ParseNotifyClasses(v);
        if (!flags) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        c.notify_keyspace_events = *flags;
        return "";
      }});
  o.push_back(IntOption("stream-retention-ms", &Config::stream_retention_ms, 0, INT64_MAX,
                        Mut::kMutable,
                        "Streams without an XRETENTION of their own drop entries older than "
                        "this many ms, in the background (0 = off)."));
  o.push_back(BoolOption("stream-retention-deadletter-pending",
                         &Config::stream_retention_dead_letter_pending, Mut::kMutable,
                         "Under stream-retention-ms, entries still pending in a group go to the "
                         "group's dead-letter stream instead of being dropped."));
  o.push_back(IntOption("busy-reply-threshold", &Config::busy_reply_threshold, 0, INT64_MAX,
                        Mut::kMutable,
                        "Milliseconds a script may run before other clients are answered -BUSY "
                        "and SCRIPT KILL can stop it."));
  o.back().aliases = {"lua-time-limit"};
  o.push_back(IntOption("tracking-table-max-keys", &Config::tracking_table_max_keys, 0,
                        INT64_MAX, Mut::kMutable,
                        "Most keys remembered for client-side caching (CLIENT TRACKING); past it, "
                        "random keys are invalidated. 0 = no limit."));
  o.push_back(IntOption("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0,
                        INT64_MAX, Mut::kMutable,
                        "Most members of a sorted set kept in one packed listpack."));
  o.back().aliases = {"zset-max-ziplist-entries"};
  o.push_back(MemoryOption("zset-max-listpack-value", &Config::zset_max_listpack_value, 0,
                           Mut::kMutable,
                           "Longest member (bytes) of a sorted set kept in one packed listpack."));
  o.back().aliases = {"zset-max-ziplist-value"};
  o.push_back(DefaultPolicyIntOption(
      "stream-default-ack-timeout", &streams::DeliveryPolicy::ack_timeout_ms,
      "Ack timeout in ms of consumer groups without a delivery policy of their own (XGROUP "
      "SETPOLICY): unacknowledged entries become due for redelivery after it (0 = none)."));
  o.push_back(DefaultPolicyIntOption(
      "stream-default-max-deliveries", &streams::DeliveryPolicy::max_deliveries,
      "Deliveries after which an entry is dead-lettered, for groups without a policy of their "
      "own (0 = no limit)."));
  o.push_back(ConfigOption{"stream-default-backoff", {}, Mut::kMutable,
                           "Redelivery backoff in ms for groups without a policy of their own: "
                           "a space-separated list, the k-th wait after the k-th delivery, the "
                           "last one repeating (\"\" = none: the ack timeout applies).",
                           GetDefaultBackoff, SetDefaultBackoff, true});
  o.push_back(ConfigOption{"stream-default-backoff-exp", {}, Mut::kMutable,
                           "Exponential redelivery backoff for groups without a policy of their "
                           "own: \"base max\" in ms, the wait after delivery k being "
                           "min(base * 2^(k-1), max) (\"\" = none); not with "
                           "stream-default-backoff.",
                           GetDefaultBackoffExp, SetDefaultBackoffExp, true});
  o.push_back(ConfigOption{
      "stream-default-dead-letter-suffix", {}, Mut::kMutable,
      "Dead letters of stream <key> go to <key><suffix> unless the group's policy names a "
      "DEAD-LETTER stream; must not be empty.",
      [](const Config& c) { return c.stream_default_dead_letter_suffix; },
      [](Config& c, std::string_view v) -> std::string {
        if (v.empty()) return "argument must not be empty";
        c.stream_default_dead_letter_suffix = std::string(v);
        return "";
      }});
  o.push_back(IntOption("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0,
                        INT64_MAX, Mut::kMutable,
                        "A hash with more fields than this leaves the compact listpack "
                        "encoding for a hash table (and never goes back)."));
  o.back().aliases = {"hash-max-ziplist-entries"};
  o.push_back(MemoryOption("hash-max-listpack-value", &Config::hash_max_listpack_value, 0,
                           Mut::kMutable,
                           "A hash holding a field or value longer than this (bytes) leaves "
                           "the listpack encoding for a hash table."));
  o.back().aliases = {"hash-max-ziplist-value"};
  o.push_back(MemoryOption("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024,
                           Mut::kMutable, "Largest bulk string a request may carry."));
  o.push_back(MemoryOption("client-query-buffer-limit", &Config::client_query_buffer_limit,
                           1024 * 1024, Mut::kMutable,
                           "A client whose unparsed input exceeds this is disconnected."));
  o.push_back(MemoryOption("client-output-soft-limit", &Config::client_output_soft_limit, 0,
                           Mut::kMutable,
                           "Stop reading a client whose pending replies exceed this (0 = never)."));
  o.push_back(MemoryOption("client-output-hard-limit", &Config::client_output_hard_limit, 0,
                           Mut::kMutable,
                           "Disconnect a client whose pending replies exceed this (0 = never)."));
  o.push_back(ConfigOption{
      "client-output-buffer-limit", {}, Mut::kMutable,
      "Per class (normal, replica/slave, pubsub): <class> <hard> <soft> <soft seconds>; a client "
      "past hard, or past soft for that long, is disconnected.",
      [](const Config& c) {
        static constexpr std::string_view kNames[] = {"normal", "slave", "pubsub"};
        std::string out;
        for (int i = 0; i < Config::kOutputClasses; i++) {
          const auto& l = c.output_limits[i];
          if (i > 0) out += ' ';
          out += std::string(kNames[i]) + " " + std::to_string(l.hard) + " " +
                 std::to_string(l.soft) + " " + std::to_string(l.soft_seconds);
        }
        return out;
      },
      [](Config& c, std::string_view v) -> std::string {
        const auto words = SplitSpaces(v);
        if (words.size() % 4 != 0) {
          return "Wrong number of arguments in buffer limit configuration.";
        }
        Config::OutputBufferLimit limits[Config::kOutputClasses];
        std::copy(std::begin(c.output_limits), std::end(c.output_limits), std::begin(limits));
        for (size_t i = 0; i < words.size(); i += 4) {
          const std::string name = AsciiLower(words[i]);
          int cls;
          if (name == "normal") {
            cls = Config::kOutputNormal;
          } else if (name == "slave" || name == "replica") {
            cls = Config::kOutputReplica;
          } else if (name == "pubsub") {
            cls = Config::kOutputPubSub;
          } else {
            return "Invalid client class specified in buffer limit configuration.";
          }
          Config::OutputBufferLimit l;
          if (!ParseMemory(words[i + 1], l.hard) || !ParseMemory(words[i + 2], l.soft) ||
              !resp::ParseStrictInt64(words[i + 3], l.soft_seconds) || l.hard < 0 ||
              l.soft < 0 || l.soft_seconds < 0) {
            return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
          }
          limits[cls] = l;
        }
        std::copy(std::begin(limits), std::end(limits), std::begin(c.output_limits));
        return "";
      },
      true});
  o.push_back(EnumOption("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning"},
                         "Log verbosity: debug, verbose, notice or warning."));
  o.push_back(StringOption("logfile", &Config::logfile, Mut::kImmutable,
                           "Log file path; empty logs to standard output."));
  o.push_back(StringOption("pidfile", &Config::pidfile, Mut::kImmutable,
                           "File to write the process id to; empty writes none."));
  o.push_back(BoolOption("daemonize", &Config::daemonize, Mut::kImmutable,
                         "Accepted for compatibility; Runnel stays in the foreground."));
  o.push_back(ConfigOption{"save", {}, Mut::kMutable,
                           "Accepted for compatibility (RDB snapshots are not written).",
                           [](const Config& c) { return c.save; }, SetSave, true});
  o.push_back(BoolOption("replica-read-only", &Config::replica_read_only, Mut::kMutable,
                         "A replica refuses writes from its clients (-READONLY)."));
  o.back().aliases = {"slave-read-only"};
  o.push_back(ConfigOption{
      "replicaof", {}, Mut::kImmutable,
      "\"host port\": replicate that primary from start (REPLICAOF changes it at run time).",
      [](const Config& c) { return c.replicaof; },
      [](Config& c, std::string_view v) -> std::string {
        const size_t space = v.find(' ');
        int64_t port = 0;
        if (!v.empty() && (space == std::string_view::npos ||
                           !resp::ParseStrictInt64(v.substr(space + 1), port) || port <= 0 || port > 65535)) {
          return "Invalid master port";
        }
        c.replicaof = std::string(v);
        return "";
      }});
  o.back().aliases = {"slaveof"};
  o.back().multi_word = true;  // CONFIG REWRITE writes `replicaof host port`, as Redis
  o.push_back(StringOption("masterauth", &Config::masterauth, Mut::kMutable,
                           "Password a replica gives its primary (AUTH)."));
  o.push_back(StringOption("masteruser", &Config::masteruser, Mut::kMutable,
                           "ACL user a replica authenticates as (with masterauth)."));
  o.push_back(MemoryOption("repl-backlog-size", &Config::repl_backlog_size, 16 * 1024,
                           Mut::kMutable,
                           "Bytes of the replication stream kept for partial resyncs."));
  o.push_back(IntOption("repl-backlog-ttl", &Config::repl_backlog_ttl, 0, INT32_MAX,
                        Mut::kMutable,
                        "Seconds without replicas after which a primary frees its backlog "
                        "(0 = never)."));
  o.push_back(IntOption("repl-ping-replica-period", &Config::repl_ping_replica_period, 1,
                        INT32_MAX, Mut::kMutable, "Seconds between the primary's PINGs."));
  o.back().aliases = {"repl-ping-slave-period"};
  o.push_back(IntOption("repl-timeout", &Config::repl_timeout, 1, INT32_MAX, Mut::kMutable,
                        "Seconds of silence after which a replication link is dropped."));
  o.push_back(BoolOption("replica-serve-stale-data", &Config::replica_serve_stale_data,
                         Mut::kMutable,
                         "A replica whose link is down still answers reads (yes) or only "
                         "-MASTERDOWN (no)."));
  o.back().aliases = {"slave-serve-stale-data"};
  o.push_back(IntOption("replica-priority", &Config::replica_priority, 0, INT32_MAX,
                        Mut::kMutable, "Sentinel's preference when promoting (0 = never)."));
  o.back().aliases = {"slave-priority"};
  o.push_back(StringOption("replica-announce-ip", &Config::replica_announce_ip, Mut::kMutable,
                           "Address a replica tells its primary to report."));
  o.back().aliases = {"slave-announce-ip"};
  o.push_back(IntOption("replica-announce-port", &Config::replica_announce_port, 0, 65535,
                        Mut::kMutable, "Port a replica tells its primary to report (0 = its own)."));
  o.back().aliases = {"slave-announce-port"};
  o.push_back(BoolOption("replica-announced", &Config::replica_announced, Mut::kMutable,
                         "Whether Sentinel should list this replica."));
  o.push_back(IntOption("min-replicas-to-write", &Config::min_replicas_to_write, 0, INT32_MAX,
                        Mut::kMutable,
                        "Writes are refused unless this many replicas ACKed recently (0 = off)."));
  o.back().aliases = {"min-slaves-to-write"};
  o.push_back(IntOption("min-replicas-max-lag", &Config::min_replicas_max_lag, 0, INT32_MAX,
                        Mut::kMutable, "Seconds within which a replica's ACK counts as recent."));
  o.back().aliases = {"min-slaves-max-lag"};
  AddTlsOptions(o);
  AddHttpOptions(o);
  AddLatencyTrackingOptions(o);
  AddSlowlogLatencyOptions(o);
  return o;
}

}  // namespace

bool ParseMemory(std::string_view s, int64_t& out) {
  std::string l = AsciiLower(s);
  int64_t mul = 1;
  auto ends = [&](std::string_view suf) {
    return l.size() > suf.size() && l.compare(l.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (ends("kb")) { mul = 1024; l.resize(l.size() - 2); }
  else if (ends("mb")) { mul = 1024 * 1024; l.resize(l.size() - 2); }
  else if (ends("gb")) { mul = 1024LL * 1024 * 1024; l.resize(l.size() - 2); }
  else if (ends("k")) { mul = 1000; l.resize(l.size() - 1); }
  else if (ends("m")) { mul = 1000 * 1000; l.resize(l.size() - 1); }
  else if (ends("g")) { mul = 1000LL * 1000 * 1000; l.resize(l.size() - 1); }
  int64_t n;
  if (!resp::ParseStrictInt64(l, n) || n < 0) return false;
  if (n > INT64_MAX / mul) return false;
  out = n * mul;
  return true;
}

const std::vector<ConfigOption>& ConfigOptions() {
  static const std::vector<ConfigOption> options = BuildOptions();
  return options;
}

const ConfigOption* FindConfigOption(std::string_view name) {
  std::string l = AsciiLower(name);
  for (const auto& o : ConfigOptions()) {
    if (o.name == l) return &o;
    for (auto a : o.aliases) {
      if (a == l) return &o;
    }
  }
  return nullptr;
}

namespace {

std::string ApplyDirective(Config& config, const std::vector<std::string>& words) {
  // "user alice on >pw ~* +@all": an ACL user, as many times as there are users (the rules
  // are checked when the server builds its users).
  if (EqualsIgnoreCase(words[0], "user")) {
    if (words.size() < 2) return "Bad directive or wrong number of arguments";
    std::string line;
    for (size_t i = 1; i < words.size(); i++) line += (i > 1 ? " " : "") + words[i];
    config.users.push_back(std::move(line));
    return "";
  }
  const ConfigOption* opt = FindConfigOption(words[0]);
  if (!opt) return "Bad directive or wrong number of arguments";
  std::string value;
  for (size_t i = 1; i < words.size(); i++) value += (i > 1 ? " " : "") + words[i];
  return opt->set(config, value);
}

}  // namespace

std::string LoadConfigText(Config& config, std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  std::vector<std::string> words;
  while (std::getline(in, line)) {
    lineno++;
    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    if (!resp::SplitInlineArgs(line, words)) {
      return "line " + std::to_string(lineno) + ": unbalanced quotes";
    }
    if (words.empty()) continue;
    std::string err = ApplyDirective(config, words);
    if (!err.empty()) return "line " + std::to_string(lineno) + ": '" + line + "': " + err;
  }
  return "";
}

std::string LoadConfigArgs(Config& config, int argc, char** argv) {
  int i = 1;
  if (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") {
    std::ifstream f(argv[i]);
    if (!f) return std::string("cannot open config file '") + argv[i] + "'";
    std::stringstream ss;
    ss << f.rdbuf();
    std::string err = LoadConfigText(config, ss.str());
    if (!err.empty()) return std::string(argv[i]) + ": " + err;
    config.config_file = argv[i];
    i++;
  }
  while (i < argc) {
    std::string_view a = argv[i];
    if (a.substr(0, 2) != "--" || a.size() < 3) return "unexpected argument '" + std::string(a) + "'";
    std::vector<std::string> words{std::string(a.substr(2))};
    i++;
    while (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") words.emplace_back(argv[i++]);
    std::string err = ApplyDirective(config, words);
    if (!err.empty()) return "--" + words[0] + ": " + err;
  }
  return "";
}

std::string QuoteConfigValue(std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '\'' || c == '\\' || c >= 0x7f) plain = false;
  }
  if (plain) return std::string(value);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < ' ' || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {

std::string DirectiveLine(const Config& config, const ConfigOption& opt) {
  std::string value = opt.get(config);
  if (!opt.multi_word) return std::string(opt.name) + " " + QuoteConfigValue(value);
  // The words were joined with single spaces when read (ApplyDirective): each piece between
  // two spaces is one word again, quoted if it needs it (an empty word, a quote, a tab), so
  // the line reads back to the same value.
  std::string line(opt.name);
  size_t start = 0;
  while (true) {
    const size_t space = value.find(' ', start);
    line += " " + QuoteConfigValue(std::string_view(value).substr(start, space - start));
    if (space == std::string::npos) return line;
    start = space + 1;
  }
}

}  // namespace

std::string RewriteConfigText(const Config& config, std::string_view original,
                              const std::vector<std::string>* user_lines) {
  const Config defaults;
  std::vector<const ConfigOption*> written;
  auto was_written = [&](const ConfigOption* o) {
    return std::find(written.begin(), written.end(), o) != written.end();
  };
  std::string out;
  std::istringstream in{std::string(original)};
  std::vector<std::string> words;
  size_t users_written = 0;
  for (std::string line; std::getline(in, line);) {
    size_t start = line.find_first_not_of(" \t\r");
    const ConfigOption* opt = nullptr;
    bool user = false;
    if (start != std::string::npos && line[start] != '#' && resp::SplitInlineArgs(line, words) &&
        !words.empty()) {
      opt = FindConfigOption(words[0]);
      user = EqualsIgnoreCase(words[0], "user");
    }
    if (user && user_lines != nullptr) {
      if (users_written < user_lines->size()) out += (*user_lines)[users_written++] + "\n";
    } else if (opt == nullptr) {
      out += line + "\n";
    } else if (!was_written(opt)) {
      // A primary has no replicaof line (Redis drops it after REPLICAOF NO ONE).
      if (opt->name != "replicaof" || !opt->get(config).empty()) {
        out += DirectiveLine(config, *opt) + "\n";
      }
      written.push_back(opt);
    }
  }
  for (const auto& opt : ConfigOptions()) {
    if (was_written(&opt) || opt.get(config) == opt.get(defaults)) continue;
    out += DirectiveLine(config, opt) + "\n";
  }
  if (user_lines != nullptr) {
    for (; users_written < user_lines->size(); users_written++) {
      out += (*user_lines)[users_written] + "\n";
    }
  }
  return out;
}

int64_t MaxmemoryClientsBytes(const Config& config) {
  if (config.maxmemory_clients >= 0) return config.maxmemory_clients;
  return config.maxmemory * -config.maxmemory_clients / 100;
}

streams::StreamLimits StreamLimitsFrom(const Config& config) {
  streams::StreamLimits limits;
  limits.max_entries = static_cast<size_t>(config.stream_node_max_entries);
  limits.max_bytes = static_cast<size_t>(config.stream_node_max_bytes);
  limits.compress = config.stream_compression == "lz4";
  return limits;
}

types::ZSet::Limits ZSetLimitsFrom(const Config& config) {
  types::ZSet::Limits limits;
  limits.max_listpack_entries = static_cast<size_t>(config.zset_max_listpack_entries);
  limits.max_listpack_value = static_cast<size_t>(config.zset_max_listpack_value);
  return limits;
}

}  // namespace server
