// The open-file limit (RLIMIT_NOFILE) the server needs for maxclients, raised at start as Redis
// does: every client holds a descriptor, and the listeners, the AOF, the log and libuv hold a
// few more. Without it a server started under the common 1024 would fail to accept clients
// well below maxclients, dropping them without Redis's "max number of clients" error.
#pragma once

#include <cstdint>

namespace server {

struct Config;

// Descriptors kept beyond maxclients for everything that is not a client (Redis's
// CONFIG_MIN_RESERVED_FDS).
inline constexpr int64_t kReservedFds = 32;

// Raises the soft open-file limit to maxclients + kReservedFds when it is lower. When the
// system allows less, takes the most it allows and lowers config.maxclients to fit, logging
// why in Redis's words. Returns false (logged) when not even kReservedFds fit: the server
// cannot start.
bool AdjustOpenFilesLimit(Config& config);

// For CONFIG SET maxclients while the server runs: raises the soft open-file limit as far as
// `maxclients` needs, and returns `maxclients` when it fits, else how many clients do fit
// (Redis then refuses the new value, naming that number).
int64_t MaxClientsThatFit(int64_t maxclients);

}  // namespace server
