// Retention by age (Runnel's): the background pass that trims entries older than a stream's
// maximum age (its XRETENTION, else stream-retention-ms). Each pass looks at a bounded number
// of keys (walking the keyspace with a SCAN cursor) and trims a bounded number of entries, so
// the loop never stalls; what it did is recorded as plain commands (XTRIM MINID with a
// concrete ID, and the dead-letter records), so a replay never re-runs it.
#pragma once

#include <cstdint>

#include "streams/retention.h"

namespace server {

struct ServerState;
struct Config;

// Keys a pass looks at, and entries it may trim, at most.
inline constexpr uint64_t kRetentionKeysPerPass = 1000;
inline constexpr uint64_t kRetentionEntriesPerPass = 10000;

// The setting in force for a stream: its own, or the server's default.
streams::RetentionSetting EffectiveRetention(const Config& config, const streams::Stream& s);

// One pass (from the server's cron). Returns the number of entries trimmed.
uint64_t RunRetentionPass(ServerState& state, int64_t now_ms);

}  // namespace server
