// Replication state, both roles. A primary turns each check point's records (what the AOF
// gets) into the replication stream (RESP commands, SELECT when the db changes, PINGs), keeps
// its last repl-backlog-size bytes in a ring for partial resyncs, and tracks its replicas'
// acknowledged offsets. A replica applies its primary's stream and keeps the same bytes in its
// own backlog, so offsets agree across a failover (replid2 / second offset, as Redis's PSYNC2).
// Pure data: the sockets, the snapshot child and the outgoing link live in the server.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/propagation.h"

namespace server {

struct Client;

// The last `capacity` bytes of the stream. Offsets are Redis's: the stream's byte count since
// the replication id began; the backlog holds bytes [first_offset(), end_offset()].
class ReplBacklog {
 public:
  // Starts empty at `offset` (the stream's current length): the next byte is offset + 1.
  void Reset(size_t capacity, uint64_t offset);
  // Keeps the newest bytes that fit when the capacity changes.
  void Resize(size_t capacity);
  void Append(std::string_view bytes);
  bool active() const { return capacity_ > 0; }
  size_t capacity() const { return capacity_; }
  size_t size() const { return size_; }                  // repl_backlog_histlen
  uint64_t end_offset() const { return end_; }           // the last byte's offset
  uint64_t first_offset() const { return end_ - size_ + 1; }
  // Whether a replica that wants every byte from `next` (PSYNC's offset) can be served.
  bool CanServeFrom(uint64_t next) const {
    return active() && next >= first_offset() && next <= end_ + 1;
  }
  // The bytes from `next` to the end (CanServeFrom must hold).
  std::string CopyFrom(uint64_t next) const;

 private:
  std::string ring_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t head_ = 0;  // where the next byte goes
  uint64_t end_ = 0;
};

// A replica attached to this node, as its connection's REPLCONF and PSYNC told it.
struct ReplicaPeer {
  enum class State { kWaitSnapshot, kSendSnapshot, kOnline };
  State state = State::kWaitSnapshot;
  std::string ip;
  int port = 0;                 // REPLCONF listening-port (or ip-address's announce)
  uint64_t ack_offset = 0;      // REPLCONF ACK
  uint64_t aof_ack_offset = 0;  // REPLCONF ACK ... FACK: what its AOF has fsynced
  int64_t ack_ms = 0;           // when that ACK came (wall clock)
  // The stream produced while its snapshot is in flight; sent once the snapshot is out.
  std::string held;
};

// A replica's link to its primary, as INFO and ROLE report it.
enum class LinkState { kNone, kConnect, kConnecting, kHandshake, kTransfer, kConnected };

struct Replication {
  std::string replid;                 // 40 hex characters
  std::string replid2 = std::string(40, '0');
  uint64_t offset = 0;                // master_repl_offset: bytes of the stream so far
  uint64_t data_offset = 0;           // the offset after the last writes (not PINGs, GETACKs)
  // WAITAOF: the stream offset this node's AOF has fsynced, and the (AOF length, offset) marks
  // of the check points not yet known to be fsynced.
  uint64_t fsynced_offset = 0;
  std::deque<std::pair<uint64_t, uint64_t>> aof_marks;
  int64_t second_offset = -1;         // replid2 is valid up to this offset (exclusive)
  ReplBacklog backlog;
  int64_t backlog_idle_since_ms = -1; // no replica since then (repl-backlog-ttl)
  int stream_db = -1;                 // the db the stream's last SELECT chose (primary)

  // Primary side: attached replicas by client id; PSYNCs to answer at the next check point.
  std::map<uint64_t, ReplicaPeer> replicas;
  struct PsyncRequest {
    uint64_t client_id;
    std::string replid;
    int64_t offset;  // -1: "?" (a full resync asked for)
  };
  std::vector<PsyncRequest> psync_requests;
  // WAIT: clients parked until enough replicas acknowledge `target` (the stream's length at
  // the check point after the WAIT, so every write before it counts), or their deadline.
  struct Waiter {
    uint64_t client_id;
    int64_t numreplicas;
    int64_t deadline_ms;  // wall clock; -1 = none
    uint64_t target = 0;
    bool targeted = false;
    int64_t numlocal = -1;  // WAITAOF's; -1 for WAIT
    uint64_t aof_target = 0;  // WAITAOF: the local AOF's length that must be fsynced
  };
  std::vector<Waiter> waiters;

  // Replica side: the primary named by replicaof / REPLICAOF (empty host: this is a primary),
  // and a change the server must act on at the next check point.
  std::string master_host;
  int master_port = 0;
  bool link_change = false;
  // CLIENT KILL TYPE master: drop the link and reconnect (a partial resync); our own replicas
  // keep following us.
  bool link_restart = false;
  LinkState link = LinkState::kNone;
  int64_t link_down_since_ms = -1;   // wall clock; -1 = never up (or up)
  int64_t last_io_ms = -1;           // last byte from the primary
  uint64_t read_offset = 0;          // bytes read from the stream (slave_read_repl_offset)
  // The db the primary's stream had selected at `offset`, as this replica applied it: a
  // partial resync continues in it (kept across a restart with the offset).
  int applied_db = 0;

  // The pseudo-client the primary's stream runs as, while the link is up (CLIENT LIST shows it
  // with flags=M, as Redis does).
  const Client* master_client = nullptr;

  bool is_replica() const { return !master_host.empty(); }
  // Forgets the replid the replica history came from and starts a new one (Redis's
  // shiftReplicationId when promoted): replid2 = replid, valid to offset + 1.
  void ShiftReplid(std::string fresh);
};

// Online replicas that acknowledged at least `offset` (in their AOF's fsync, with `aof`).
size_t ReplicasAcked(const Replication& repl, uint64_t offset, bool aof = false);

// Online replicas whose last ACK is at most `max_lag_s` seconds old (min-replicas-to-write).
size_t GoodReplicas(const Replication& repl, int64_t now_ms, int64_t max_lag_s);

// A fresh 40-character replication id.
std::string NewReplid();

}  // namespace server
