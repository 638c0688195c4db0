// Clients parked by a blocking command (XREAD BLOCK): who waits on which (db, key), in the order
// they blocked, and when each one times out. No libuv and no sockets here: the Server arms its
// timer from NextDeadline() and hands in each connection's writer when a client is served.
// Invariants: a client is blocked at most once (Client::blocked mirrors membership); every wait
// record is on the FIFO of each of its keys and, when it has a deadline, in the deadline set.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "resp/writer.h"
#include "src/client.h"

namespace server {

struct ServerState;

// When the blocking machinery wakes a parked command: wall-clock ms for stream data (delivery
// and idle times, key expiry), steady ms for deadlines. The wake-up's caller reads both clocks
// once (Now()); a blocked command reads none.
struct WakeTime {
  int64_t wall_ms;
  int64_t steady_ms;
  static WakeTime Now();
};

// The part of a blocked command that outlives its handler call.
class BlockedCommand {
 public:
  virtual ~BlockedCommand() = default;
  // `key` in the client's db may now satisfy the command: writes the reply and returns true, or
  // returns false (nothing written) to keep waiting.
  virtual bool TryServe(ServerState& state, Client& client, std::string_view key,
                        resp::Writer& reply, const WakeTime& now) = 0;
  virtual void ReplyTimeout(resp::Writer& reply) = 0;

  // What OnDeadline did: answered the client (it leaves the registry), or keeps it waiting
  // until `next_deadline` (steady ms; -1 = no deadline).
  struct DeadlineOutcome {
    bool replied;
    int64_t next_deadline;
  };
  // The wait's deadline passed (now.steady_ms). By default the command times out. A command
  // that also waits for time itself to pass (XREADGROUP CLAIM: pending entries become claimable
  // while it waits) may serve the client now, or keep waiting to a later deadline.
  virtual DeadlineOutcome OnDeadline(Client& /*client*/, const WakeTime& /*now*/,
                                     resp::Writer& reply) {
    ReplyTimeout(reply);
    return {true, -1};
  }
};

// Monotonic milliseconds: block deadlines must not move with the wall clock.
int64_t SteadyMs();

class BlockingRegistry {
 public:
  // The writer of a client's connection, or null if it has none (then it is not served).
  using WriterFor = std::function<resp::Writer*(uint64_t client_id)>;

  // Parks `client` on `keys` of its current db. timeout_ms 0 waits forever. Returns the steady
  // time the wait started at (its deadline is that plus timeout_ms).
  int64_t Block(Client& client, const std::vector<std::string>& keys, int64_t timeout_ms,
                std::unique_ptr<BlockedCommand> command);
  // Forgets the client's wait without replying (disconnect, kill). No-op if not blocked.
  void Unblock(Client& client);

  // A write command changed `key`: clients waiting on it get a chance at the end of that
  // command (ServeReadyKeys). Cheap when nobody waits on the key.
  void SignalKeyReady(int db, std::string_view key);
  // FLUSHDB / FLUSHALL (db -1: every db) deleted every key: all waited-on keys of that db are
  // signalled, so waiters that end on a vanished key (XREADGROUP) are answered.
  void SignalDbFlushed(int db);
  bool HasReadyKeys() const { return !ready_.empty(); }

  // Offers every ready key to its waiters, oldest first. Returns the ids of clients that were
  // served (and so unblocked); their input processing should resume.
  std::vector<uint64_t> ServeReadyKeys(ServerState& state, const WakeTime& now,
                                       const WriterFor& writer_for);
  // Calls OnDeadline for every client whose deadline is <= now.steady_ms (by default: replies
  // the timeout); returns the ids of those answered.
  std::vector<uint64_t> ExpireDue(const WakeTime& now, const WriterFor& writer_for);
  // Moves a blocked client's deadline (steady ms; -1 = none), e.g. when a blocked XREADGROUP
  // CLAIM learns of a pending entry that becomes claimable sooner. No-op if not blocked.
  void SetDeadline(uint64_t client_id, int64_t deadline);
  // The earliest deadline, or -1 when no blocked client has one.
  int64_t NextDeadline() const;

  size_t blocked_count() const { return waits_.size(); }

  // CLIENT UNBLOCK: answers a blocked client now, as if its wait timed out (`reply` gets the
  // command's timeout reply) or with the UNBLOCKED error, and lets it go. False when it is not
  // blocked here. The server resumes its buffered requests (TakeReleased).
  enum class ReleaseAs { kTimeout, kError };
  bool Release(uint64_t client_id, ReleaseAs how, resp::Writer& reply);
  bool IsBlocked(uint64_t client_id) const { return waits_.contains(client_id); }
  // The clients Release let go since the last call, and those other waits (WAIT's, in the
  // replication state) let go and noted here for the server to resume.
  std::vector<uint64_t> TakeReleased();
  void NoteReleased(uint64_t client_id) { released_.push_back(client_id); }

 private:
  using KeyId = std::pair<int, std::string>;  // (db, key)
  struct Wait {
    Client* client;
    std::unique_ptr<BlockedCommand> command;
    int64_t deadline;  // -1: none
    // Where this client sits in each of its keys' FIFOs, for O(1) removal.
    std::vector<std::pair<KeyId, std::list<uint64_t>::iterator>> positions;
  };

  void Remove(uint64_t client_id);

  std::unordered_map<uint64_t, Wait> waits_;
  std::map<KeyId, std::list<uint64_t>> waiters_;
  std::set<std::pair<int64_t, uint64_t>> deadlines_;
  std::vector<KeyId> ready_;  // in signal order, without duplicates
  std::set<KeyId> ready_set_;
  std::vector<uint64_t> released_;
};

}  // namespace server
