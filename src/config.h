// Server configuration: every knob a user can set, with Redis's names where Redis has one.
// Sources, later ones winning: built-in defaults, a redis.conf-style file (first argument),
// `--name value` command-line options, then CONFIG SET at run time. CONFIG GET/SET read the
// same table, so a knob exists once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/types/hash.h"
#include "streams/delivery_policy.h"
#include "src/types/zset.h"
#include "streams/stream.h"

namespace server {

struct Config {
  std::string bind = "127.0.0.1";
  int64_t port = 6379;
  std::string dir = "./data";
  std::string requirepass;
  // ACL: the users file (ACL LOAD / SAVE), `user` directives from the config file (kept as
  // given: "alice on >pw ~* +@all"), the ACL LOG's length, and what new users get for channels.
  bool protected_mode = true;  // only loopback peers while the default user has no password
  std::string aclfile;
  std::vector<std::string> users;
  int64_t acllog_max_len = 128;
  std::string acl_pubsub_default = "resetchannels";
  int64_t maxclients = 10000;
  int64_t databases = 16;
  int64_t hz = 10;
  int64_t timeout = 0;  // idle client timeout in seconds, 0 = never
  int64_t tcp_backlog = 511;
  int64_t tcp_keepalive = 300;
  bool appendonly = true;
  std::string appendfsync = "everysec";
  std::string appendfilename = "appendonly.aof";
  bool aof_load_truncated = true;  // a torn last command is cut off with a warning
  // The rewrite writes stream blocks as their bytes (RUNNEL.XLOADBLOCK); no: as XADDs, a file
  // Redis can load too.
  bool aof_stream_blocks = true;
  int64_t auto_aof_rewrite_percentage = 100;  // growth over the last rewrite that triggers one
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  int64_t stream_node_max_entries = 100;  // entries per stream block (0 = no limit)
  int64_t stream_node_max_bytes = 4096;   // bytes per stream block (0 = no limit)
  std::string stream_compression = "no";  // "no" | "lz4": how stream blocks are sealed
  int64_t stream_idmp_duration = 100;     // IDMP-DURATION (s) of streams without XCFGSET
  int64_t stream_idmp_maxsize = 100;      // IDMP-MAXSIZE of streams without XCFGSET
  // A list node's bound: negative -1..-5 = 4..64 KB, positive = entries (types::List's fill).
  int64_t list_max_listpack_size = -2;
  // Raw nodes at each end of a list; inner nodes are compressed (0: none). types::List takes
  // it when it becomes a quicklist, as Redis does at creation.
  int64_t list_compress_depth = 0;
  uint32_t notify_keyspace_events = 0;        // NotifyClass flags (src/notify.h); 0 = off
  int64_t tracking_table_max_keys = 1000000;  // CLIENT TRACKING's table bound; 0 = none
  int64_t busy_reply_threshold = 5000;        // ms a script runs before others get -BUSY
  // Retention by age for streams without a setting of their own (XRETENTION): 0 = off.
  int64_t stream_retention_ms = 0;
  bool stream_retention_dead_letter_pending = false;
  // A sorted set leaves its listpack for the skiplist encoding past either (as Redis).
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;  // bytes of the longest member
  // The delivery policy of consumer groups that set none of their own (XGROUP SETPOLICY), from
  // stream-default-ack-timeout, -backoff and -max-deliveries; empty = such groups behave as
  // Redis's. Its dead_letter_key is always empty: dead letters go to <key> + the suffix.
  // (Initialised explicitly: with a plain declaration GCC 12 reports a false
  // -Wmaybe-uninitialized when a Config{} temporary is destroyed.)
  streams::DeliveryPolicy stream_default_policy = streams::DeliveryPolicy();
  std::string stream_default_dead_letter_suffix = ":dlq";
  // Set encodings (types::SetLimits): an intset up to this many integers, a listpack up to
  // this many members of at most this many bytes each, else a hash table.
  int64_t set_max_intset_entries = 512;
  int64_t set_max_listpack_entries = 128;
  int64_t set_max_listpack_value = 64;
  // A hash stays a listpack up to this many fields, each field and value up to this many bytes.
  int64_t hash_max_listpack_entries = 512;  // Redis's default (not 128 as for sets and zsets)
  int64_t hash_max_listpack_value = 64;
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int64_t maxmemory_samples = 5;             // keys sampled per eviction round
  int64_t maxmemory_eviction_tenacity = 10;  // how long one eviction cycle may run (0..100)
  // Client eviction's bound: bytes, or a percentage of maxmemory when negative (-10 = "10%");
  // 0 = none. MaxmemoryClientsBytes() resolves it.
  int64_t maxmemory_clients = 0;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  // Output buffer: past `soft` bytes pending, the server stops reading the client (backpressure);
  // past `hard` it disconnects it. 0 = no limit.
  int64_t client_output_soft_limit = 64LL * 1024 * 1024;
  int64_t client_output_hard_limit = 1024LL * 1024 * 1024;
  // client-output-buffer-limit, Redis's per-class limits: a client past `hard` pending bytes,
  // or past `soft` for `soft_seconds` on end, is disconnected (0 = no limit).
  struct OutputBufferLimit {
    int64_t hard = 0;
    int64_t soft = 0;
    int64_t soft_seconds = 0;
  };
  enum OutputClass { kOutputNormal, kOutputReplica, kOutputPubSub, kOutputClasses };
  OutputBufferLimit output_limits[kOutputClasses] = {
      {0, 0, 0}, {256LL << 20, 64LL << 20, 60}, {32LL << 20, 8LL << 20, 60}};
  std::string loglevel = "notice";
  std::string logfile;  // empty = stdout
  std::string pidfile;
  std::string config_file;  // absolute path of the file we were started with, if any
  bool daemonize = false;
  std::string save;  // accepted for compatibility; we persist with the AOF only
  bool replica_read_only = true;
  // Replication (src/replication.h): "host port" of the primary, empty on a primary. REPLICAOF
  // keeps it current, so CONFIG REWRITE records the role.
  std::string replicaof;
  std::string masterauth;
  std::string masteruser;
  int64_t repl_backlog_size = 1024 * 1024;
  int64_t repl_backlog_ttl = 3600;
  int64_t repl_ping_replica_period = 10;
  int64_t repl_timeout = 60;
  bool replica_serve_stale_data = true;
  int64_t replica_priority = 100;
  std::string replica_announce_ip;
  int64_t replica_announce_port = 0;
  bool replica_announced = true;
  int64_t min_replicas_to_write = 0;
  int64_t min_replicas_max_lag = 10;
  // TLS (src/tls.h), Redis's options: a listener on tls_port (0 = none) speaks only TLS; with
  // port 0 it is the only one. The rest build the SSL_CTX, rebuilt when CONFIG SET changes them.
  int64_t tls_port = 0;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_key_file_pass;  // passphrase of an encrypted tls_key_file
  std::string tls_ca_cert_file;   // CA bundle client certificates are verified against
  std::string tls_ca_cert_dir;    // or a directory of hashed CA certificates
  std::string tls_dh_params_file;  // empty: OpenSSL's built-in DH parameters
  std::string tls_auth_clients = "yes";  // yes (certificate required), optional, no
  std::string tls_protocols;     // "" = TLSv1.2 and TLSv1.3
  std::string tls_ciphers;       // TLSv1.2 and older, OpenSSL's syntax; "" = OpenSSL's default
  std::string tls_ciphersuites;  // TLSv1.3; "" = OpenSSL's default
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int64_t tls_session_cache_size = 20480;   // sessions kept for resumption
  int64_t tls_session_cache_timeout = 300;  // seconds a cached session may be resumed
  // The HTTP listener (src/http/http_server.h): /metrics and the dashboard. Off while
  // http_port is 0; http_bind empty = the addresses of `bind`; http_tls serves HTTPS with the
  // tls-port's context. The limits bound what one HTTP client may cost the loop.
  int64_t http_port = 0;
  std::string http_bind;
  bool http_tls = false;
  int64_t http_maxclients = 128;        // concurrent HTTP connections; more get 503
  int64_t http_request_timeout = 10;    // seconds to send a whole request once begun (408)
  int64_t http_keepalive_timeout = 60;  // seconds an idle keep-alive connection is kept

  // Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM), and the
  // percentiles INFO prints from them.
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  // SLOWLOG (src/slowlog.h) and LATENCY (src/latency_monitor.h).
  int64_t slowlog_log_slower_than = 10000;  // microseconds; -1 = log nothing, 0 = everything
  int64_t slowlog_max_len = 128;            // entries kept, newest first
  int64_t latency_monitor_threshold = 0;    // milliseconds; 0 = monitoring off
};

// Whether CONFIG SET may change an option; the last two give Redis's two refusal texts.
enum class ConfigMutability { kMutable, kImmutable, kProtected };

// One CONFIG-visible option.
struct ConfigOption {
  std::string_view name;
  std::vector<std::string_view> aliases;
  ConfigMutability mutability;
  std::string_view description;  // one line, for the README's table of knobs
  std::function<std::string(const Config&)> get;
  // Returns an empty string on success, else the reason (e.g. "argument must be a number").
  std::function<std::string(Config&, std::string_view)> set;
  // The value is several words (bind, save): written unquoted by CONFIG REWRITE.
  bool multi_word = false;

  bool runtime_settable() const { return mutability == ConfigMutability::kMutable; }
};

const std::vector<ConfigOption>& ConfigOptions();
// Finds an option by name or alias, case-insensitively.
const ConfigOption* FindConfigOption(std::string_view name);

// CONFIG SET's refusal reasons for options that cannot change at run time.
inline constexpr std::string_view kImmutableConfig = "can't set immutable config";
inline constexpr std::string_view kProtectedConfig = "can't set protected config";

// The text of a config file after CONFIG REWRITE: `original` with every known directive set to
// its current value (later duplicates dropped), unknown lines and comments kept, and options
// that differ from the defaults but were absent appended. With `user_lines` ("user alice on
// ..."), the file's user directives are replaced by them, one line for one line, the rest
// appended (Redis's way); without, they are kept as they are.
std::string RewriteConfigText(const Config& config, std::string_view original,
                              const std::vector<std::string>* user_lines = nullptr);
// Quotes a value for a config file when it is empty or holds spaces, quotes or control bytes.
std::string QuoteConfigValue(std::string_view value);
// maxmemory-clients in bytes (a percentage taken of maxmemory; 0 when there is no bound).
int64_t MaxmemoryClientsBytes(const Config& config);

// Parses a redis.conf-style text ("name value..." lines, # comments, quoted values).
// Returns an error message naming the line, or empty on success.
std::string LoadConfigText(Config& config, std::string_view text);
// Parses argv: optional config file first, then "--name value [value...]" pairs.
std::string LoadConfigArgs(Config& config, int argc, char** argv);

// Parses memory sizes as Redis does: "100", "1k" (1000), "1kb" (1024), "1mb", "1gb".
bool ParseMemory(std::string_view s, int64_t& out);

// The stream block limits (stream-node-max-entries / stream-node-max-bytes) every append to a
// stream takes: XADD's and a dead letter's alike.
streams::StreamLimits StreamLimitsFrom(const Config& config);
// stream-idmp-duration / stream-idmp-maxsize: the IDMP settings of a stream without XCFGSET's.
inline streams::IdmpConfig IdmpDefaultsFrom(const Config& config) {
  return {config.stream_idmp_duration, config.stream_idmp_maxsize};
}
// zset-max-listpack-entries / -value, as the sorted-set type takes them.
types::ZSet::Limits ZSetLimitsFrom(const Config& config);

// The listpack thresholds every write to a hash takes.
inline types::HashLimits HashLimitsFrom(const Config& config) {
  return {static_cast<size_t>(config.hash_max_listpack_entries),
          static_cast<size_t>(config.hash_max_listpack_value)};
}

}  // namespace server
