// What the queue dashboard shows, read from the keyspace without changing it: every stream the
// user may read (all dbs), its groups and consumers, the dead-letter streams the groups'
// delivery policies name, and the rate history. Also the cron's feed of that history. A view is
// a copy: it stays valid whatever the keyspace does afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/http/queue_history.h"

namespace server {

struct Client;
struct ServerState;

namespace http {

struct ConsumerView {
  std::string name;
  uint64_t pending = 0;
  int64_t idle_ms = 0;  // since its last read or claim attempt (XINFO CONSUMERS idle)
};

struct GroupView {
  std::string name;
  std::string last_delivered_id;
  int64_t entries_read = -1;   // -1: unknown (XINFO's null)
  std::optional<int64_t> lag;  // nullopt: the stream's metadata cannot tell (XINFO's null)
  uint64_t pending = 0;
  // How long the longest-waiting owned pending entry has waited since its last delivery (its
  // XPENDING idle); nullopt when nothing is pending with a consumer.
  std::optional<int64_t> oldest_pending_ms;
  uint64_t redelivered = 0;  // by the delivery policy (XINFO policy counters)
  uint64_t dead_lettered = 0;
  uint64_t max_deliveries = 0;    // 0: no limit
  std::string dead_letter_key;    // "" when the group runs no delivery policy
  std::vector<ConsumerView> consumers;  // by name
  std::vector<QueueHistory::Rate> rates;  // in: deliveries/s, done: acks (and dead letters)/s
};

struct StreamView {
  int db = 0;
  std::string key;
  uint64_t length = 0;
  uint64_t entries_added = 0;
  std::string last_id;
  bool is_dead_letter = false;  // some group's policy names it as its dead-letter stream
  std::vector<GroupView> groups;  // by name
  std::vector<QueueHistory::Rate> rates;  // in: entries added/s
};

// A dead-letter stream some group's policy names, whether it exists yet or not.
struct DeadLetterView {
  int db = 0;
  std::string key;
  uint64_t length = 0;  // 0 while it does not exist
  std::vector<std::string> sources;  // "stream/group" of the groups sending to it, sorted
};

struct Overview {
  int64_t now_ms = 0;
  std::vector<StreamView> streams;  // by (db, key)
  std::vector<DeadLetterView> dead_letters;  // by (db, key)
  bool truncated = false;  // more than max_streams streams: the first ones by (db, key) shown
};

// The streams (at most max_streams) and dead-letter streams `client`'s ACL user may read with
// XINFO STREAM, in the dbs it may SELECT (db 0 always, as every connection starts there).
// `client` null means the default user.
inline constexpr size_t kMaxOverviewStreams = 500;
Overview BuildOverview(ServerState& state, const Client* client, int64_t now_ms,
                       size_t max_streams = kMaxOverviewStreams);

// The overview as the API's JSON (GET /api/overview).
std::string OverviewJson(const Overview& overview);

// The cron's step of the rate history: walks the next `budget` keys of the keyspace (all dbs
// in turn, by SCAN cursor, so a tick costs the same whatever the keyspace's size) and records a
// sample of each stream and group met; after a whole pass, forgets what was not seen again.
inline constexpr size_t kHistoryScanBudget = 1000;
void FeedQueueHistory(ServerState& state, int64_t now_ms, size_t budget = kHistoryScanBudget);

}  // namespace http
}  // namespace server
