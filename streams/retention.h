// Retention by age (Runnel's extension): a stream may keep its entries for at most a maximum
// age, measured on the millisecond part of their IDs, and older ones are trimmed in the
// background in bounded steps. Pure: the caller passes the time and the step's budget.
#pragma once

#include <cstdint>
#include <optional>

#include "streams/stream_id.h"

namespace streams {

class Stream;

// A stream's own setting. max_age_ms < 0: the server's default applies; 0: off for this
// stream whatever the default; > 0: entries older than this many ms go.
struct RetentionSetting {
  int64_t max_age_ms = -1;
  bool dead_letter_pending = false;  // entries still pending in a group go to its dead letters
  bool operator==(const RetentionSetting&) const = default;
};

// What a stream keeps under retention: its setting and what the setting trimmed so far.
struct RetentionState {
  RetentionSetting setting;
  uint64_t trimmed = 0;
};

// The first ID young enough to stay at `now_ms` under `max_age_ms` (> 0): entries with a
// smaller ID are older than the maximum age. 0-0 when nothing can be that old yet.
StreamID RetentionCutoff(int64_t now_ms, int64_t max_age_ms);

// The MINID of one bounded step: `cutoff` itself when at most `budget` (> 0) entries are below
// it, else the ID of the entry after the first `budget` ones (so an exact MINID trim removes
// exactly `budget`). nullopt when no entry is below `cutoff`.
std::optional<StreamID> PlanRetentionStep(const Stream& s, StreamID cutoff, uint64_t budget);

}  // namespace streams
