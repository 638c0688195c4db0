// A client's MULTI/EXEC and WATCH state lives in its Client (the queue, the error flag, the
// watched keys and their dirty flag); this module owns every change to it, so dispatch, EXEC,
// DISCARD, RESET, the AOF loader and a closing connection all end a transaction the same way.
// Invariant: a key is in Client::watched exactly when its Db holds the client's dirty flag.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "src/client.h"
#include "src/server_state.h"

namespace server {

// MULTI: an empty queue, no error yet. Watches stay.
void BeginTransaction(Client& client);
// Queues one command of a MULTI (a copy: the request buffer is reused).
void QueueCommand(Client& client, std::span<const std::string_view> argv);
// A command inside MULTI was refused before it could be queued: EXEC will answer EXECABORT.
inline void FlagTransactionError(Client& client) {
  if (client.in_multi) client.multi_error = true;
}
// Drops a MULTI in progress (queued commands, error flag). Keeps WATCHes.
void DiscardTransaction(Client& client);
// WATCH key in the client's selected db; a key already watched is not watched twice. A key
// already expired is deleted first, so its deletion is not taken for a change.
void WatchKey(ServerState& state, Client& client, std::string_view key, int64_t now_ms);
// Looks every watched key up, so one that expired since WATCH is deleted now and flags the
// client dirty (Redis 7 counts an expiry as a change).
void ExpireWatchedKeys(ServerState& state, Client& client, int64_t now_ms);
// Forgets every WATCHed key of the client and clears its dirty flag.
void UnwatchAll(ServerState& state, Client& client);
// DISCARD, EXEC's end, RESET and a refused EXEC: no transaction and no watches left.
inline void EndTransaction(ServerState& state, Client& client) {
  DiscardTransaction(client);
  UnwatchAll(state, client);
}

}  // namespace server
