// Delayed delivery (Runnel's): the due timer's pass over streams whose scheduled entries came
// due. Each entry joins its stream with a `*` ID at the time it joins (offered to blocked
// readers, an "xadd" event); it is recorded as the XADD with its concrete ID and the
// XUNSCHEDULE of its handle, so a replay never re-runs the pass. Bounded per pass.
#pragma once

#include <cstdint>

namespace server {

struct ServerState;

inline constexpr uint64_t kScheduledStreamsPerPass = 256;
inline constexpr uint64_t kScheduledEntriesPerStream = 1000;

// Moves what came due at now_ms into the streams and re-arms for what is left. Returns the
// number of entries that joined their streams (the caller then serves ready keys).
uint64_t RunScheduledEntries(ServerState& state, int64_t now_ms);

}  // namespace server
