// Publishing to subscribers' connections, for PUBLISH and SPUBLISH and for keyspace
// notifications (notify-keyspace-events): a write publishes its event on
// __keyspace@<db>__:<key> (the message is the event) and __keyevent@<db>__:<event> (the
// message is the key), each only when the configured classes include both the event's class
// and K or E. Commands call Notify after they changed the data, as Redis does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/pubsub.h"

namespace server {

struct ServerState;

// Redis's notification classes (the letters of notify-keyspace-events).
enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,     // K
  kNotifyKeyevent = 1u << 1,     // E
  kNotifyGeneric = 1u << 2,      // g: DEL, EXPIRE, RENAME...
  kNotifyString = 1u << 3,       // $
  kNotifyList = 1u << 4,         // l
  kNotifySet = 1u << 5,          // s
  kNotifyHash = 1u << 6,         // h
  kNotifyZSet = 1u << 7,         // z
  kNotifyExpired = 1u << 8,      // x
  kNotifyEvicted = 1u << 9,      // e
  kNotifyStream = 1u << 10,      // t
  kNotifyKeyMiss = 1u << 11,     // m (not in A)
  kNotifyModule = 1u << 12,      // d
  kNotifyNew = 1u << 13,         // n: a key was created (not in A)
  kNotifyOverwritten = 1u << 14,  // o: Redis 8.2, a key's value replaced (not in A)
  kNotifyTypeChanged = 1u << 15,  // c: Redis 8.2, a key's value replaced by another type (not in A)
  // A: every class of commands and of keys going away.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZSet | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// "KEA"-style classes as flags; nullopt when a character is no class.
std::optional<uint32_t> ParseNotifyClasses(std::string_view classes);
// The canonical string CONFIG GET shows ("A" for every class of A, then K, E, m, n, o, c).
std::string NotifyClassesString(uint32_t flags);

// Writes a message to every subscriber of `channel` (and, for kChannel, of matching patterns)
// on its connection; returns how many deliveries were made.
size_t PublishMessage(ServerState& state, PubSub::Kind kind, std::string_view channel,
                      std::string_view message);

// Publishes `event` of `type` (one NotifyClass) about `key` in db `db`, as configured.
void NotifyKeyspaceEvent(ServerState& state, uint32_t type, std::string_view event,
                         std::string_view key, int db);

}  // namespace server
