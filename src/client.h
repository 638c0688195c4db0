// Protocol-level state of one connected client: what a handler may read or change (selected
// db, protocol version, name, auth, MULTI queue, WATCHed keys). It knows nothing of sockets;
// the Connection that owns it does the I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace server {

struct CommandSpec;

namespace acl {
struct User;
}

// CLIENT TRACKING: what this client asked for. Which keys it may hold lives in the server's
// TrackingTable (src/tracking_table.h); this is only the mode.
struct ClientTracking {
  bool on = false;
  bool bcast = false;   // invalidations for every key under `prefixes`, nothing remembered
  bool optin = false;   // keys are remembered only after CLIENT CACHING yes
  bool optout = false;  // keys are remembered unless CLIENT CACHING no
  bool noloop = false;  // no invalidations for this client's own writes
  // CLIENT CACHING yes (OPTIN) or no (OPTOUT) was given: it holds for the next command (all of
  // a transaction's), and through other CLIENT commands.
  bool caching = false;
  bool broken_redirect = false;  // the redirect target has gone
  uint64_t redirect = 0;         // the client that gets the invalidations; 0 = this one
  std::vector<std::string> prefixes;  // BCAST, sorted ("" = every key)
};

struct QueuedCommand {
  std::vector<std::string> argv;
};

struct Client {
  uint64_t id = 0;
  std::string addr;        // "127.0.0.1:54321"
  std::string laddr;       // "127.0.0.1:6379"
  int fd = -1;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  int db_index = 0;
  int protocol = 2;
  bool authenticated = false;
  // The ACL user AUTH or HELLO AUTH chose; null: "default". Cleared (and the client closed)
  // when the user is deleted.
  const acl::User* user = nullptr;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string last_command = "NULL";
  // The row last_command was made from: a pipeline repeating it costs no name compare.
  const CommandSpec* last_command_spec = nullptr;
  bool no_evict = false;
  bool no_touch = false;
  // MONITOR: every command the server runs is shown to this client (CLIENT LIST flag O).
  bool monitor = false;
  // CLIENT REPLY: OFF drops every reply to this client's commands; SKIP drops the next
  // command's (reply_skip_next is set by SKIP itself, reply_skip while that next one runs).
  // Pushes (pub/sub messages, invalidations) are still delivered, as in Redis 7.2.
  bool reply_off = false;
  bool reply_skip_next = false;
  bool reply_skip = false;
  // A command silenced by OFF / SKIP blocked (BLPOP): its reply, when served or timed out, is
  // dropped too, as in Redis. Cleared when the client runs its next request.
  bool drop_blocked_reply = false;
  // Held back by CLIENT PAUSE: its next request waits in the buffer until the pause ends
  // (CLIENT LIST shows it blocked, flag b).
  bool postponed = false;

  // Set by a handler; the connection closes once the reply has been written (QUIT, CLIENT
  // KILL on self, protocol errors).
  bool close_after_reply = false;

  // MULTI/EXEC.
  bool in_multi = false;
  bool multi_error = false;   // a command failed to queue: EXEC answers EXECABORT
  bool watch_dirty = false;   // a WATCHed key changed: EXEC answers a null array
  std::vector<QueuedCommand> multi_queue;
  std::vector<std::pair<int, std::string>> watched;  // (db, key)

  // Parked by a blocking command (BlockingRegistry owns the wait): the connection runs none of
  // its further requests until it is served or times out.
  bool blocked = false;
  // Commands being executed for this client: 1 for a request, 2 inside EXEC. Blocking commands
  // only park at depth 1, as Redis replies at once inside a transaction.
  int command_depth = 0;

  // Channels, patterns and shard channels subscribed to (PubSub holds which): a RESP2 client
  // with any is in subscribed mode, where only the subscribe family, PING, QUIT and RESET run.
  size_t subscriptions = 0;
  bool in_subscribed_mode() const { return subscriptions > 0 && protocol == 2; }

  ClientTracking tracking;
  // Set on the client a script's commands run as: the client that called the script (its
  // tracking remembers the keys the script read).
  Client* on_behalf_of = nullptr;

  // Buffer figures the connection reports for CLIENT LIST: qbuf, qbuf-free, rbs, rbp, obl,
  // oll, omem, events.
  size_t query_buffer_size = 0;
  size_t query_buffer_free = 0;
  size_t read_buffer_size = 0;
  size_t read_buffer_peak = 0;
  size_t output_buffer_size = 0;
  size_t output_first_block = 0;  // bytes of the block being written (Redis's obl)
  size_t output_more_blocks = 0;  // blocks queued behind it (Redis's oll)
  bool reading = false;           // events=r
  bool writing = false;           // events=w: a write waits for the socket
  // Bytes of the arguments queued inside MULTI (CLIENT LIST's multi-mem; client eviction).
  size_t multi_mem = 0;
  // Replication: this connection is a replica attached to us (after its PSYNC), or the
  // pseudo-client our primary's stream runs as (no replies, no ACL, writes on a replica).
  bool is_replica = false;
  bool is_master = false;
  int repl_listening_port = 0;  // REPLCONF listening-port
  std::string repl_ip;          // REPLCONF ip-address
  bool repl_capa_runnel = false;  // REPLCONF capa runnel: it loads our snapshot format
};

}  // namespace server
