// Server-assisted client-side caching (CLIENT TRACKING), as Redis 7 does it: the keys a
// tracking client reads are remembered, and the first change to one sends that client an
// invalidation, as a RESP3 push or, redirected to a RESP2 client in subscribed mode, as a
// message on __redis__:invalidate. Broadcast clients get every changed key under their prefixes
// once per loop turn. A message for the client whose command is running waits until that
// command (a whole transaction) has replied, so it never lands inside a reply.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/client.h"
#include "src/tracking_table.h"

namespace server {

struct ServerState;

struct TrackingState {
  TrackingTable table;
  size_t clients = 0;  // clients with tracking on (INFO tracking_clients)
  // Frames for the running command's own connection: (client id, bytes), sent after it.
  std::vector<std::pair<uint64_t, std::string>> deferred;
};

// CLIENT TRACKING ON's options, parsed (the prefixes view the command's arguments).
struct TrackingOptions {
  uint64_t redirect = 0;
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  std::vector<std::string_view> prefixes;
};

// The error CLIENT TRACKING ON answers for these options given the client's current mode, as
// Redis checks them; empty when they are acceptable.
std::string TrackingConflict(const Client& client, const TrackingOptions& opts);
// Turns tracking on (or changes its options; BCAST adds the prefixes, "" when none are given).
void EnableTracking(ServerState& state, Client& client, const TrackingOptions& opts);
// Turns it off (CLIENT TRACKING OFF, RESET, disconnect); the keys it tracked are left to be
// dropped when they change, as Redis does.
void DisableTracking(ServerState& state, Client& client);

// After a read-only command of a tracking client: remembers its keys (unless BCAST, or OPTIN
// without CACHING yes, or OPTOUT with CACHING no), keeping the table within
// tracking-table-max-keys by invalidating random keys.
void TrackingRememberKeys(ServerState& state, Client& client, std::span<const std::string_view> keys);
// Every change to a key (Db::Touch): invalidates it for its trackers and notes it for the
// broadcast clients whose prefixes it matches.
void TrackingKeyModified(ServerState& state, std::string_view key);
// FLUSHALL / FLUSHDB: every tracking client is told to drop everything (a null invalidation).
void TrackingInvalidateAll(ServerState& state);
// Sends the broadcast clients the keys changed since the last call (once per loop turn).
void TrackingBroadcast(ServerState& state);
// Sends what waited for the command that just finished to reply.
void TrackingSendDeferred(ServerState& state);

}  // namespace server
