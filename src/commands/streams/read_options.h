// What XREAD and XREADGROUP share: their per-stream and total read limits (COUNT, and 8.10's
// MAXCOUNT and MAXSIZE), the budget that applies them while a reply is built, and where their
// keys are (after STREAMS: COMMAND INFO / GETKEYS and signalling blocked readers read it).
#pragma once

#include <cstdint>
#include <limits>

#include "src/command_table.h"
#include "src/result.h"
#include "streams/entry_block.h"

namespace server {

struct ReadLimits {
  int64_t count = 0;  // COUNT: entries per stream, 0 = no limit (also what a negative COUNT means)
  int64_t max_count = std::numeric_limits<int64_t>::max();  // MAXCOUNT: entries in all
  int64_t max_size = std::numeric_limits<int64_t>::max();   // MAXSIZE: bytes in all
};

// Parses COUNT, MAXCOUNT or MAXSIZE at argv[i] (its value at argv[i + 1]) into `limits`.
// False when argv[i] is none of them; the error when its value is bad.
Result<bool> ParseReadLimit(const CommandContext& ctx, size_t i, ReadLimits& limits);
// The checks that need every option seen (MAXCOUNT against COUNT).
Result<void> CheckReadLimits(const ReadLimits& limits);

// Applies a ReadLimits over one reply. The first entry of a reply is always admitted, so a
// MAXSIZE smaller than one entry still returns that entry, as the Redis documentation says.
class ReadBudget {
 public:
  explicit ReadBudget(const ReadLimits& limits)
      : per_stream_(limits.count), entries_left_(limits.max_count), bytes_left_(limits.max_size) {}

  // Call before each stream's entries.
  void StartStream() { in_stream_ = 0; }
  // True when `entry` may go into the reply (and it is then counted); false ends this stream.
  bool Admit(const streams::EntryView& entry);
  // True when no further entry can be admitted in any stream.
  bool Exhausted() const { return entries_left_ <= 0 || bytes_left_ <= 0; }

 private:
  int64_t per_stream_;
  int64_t entries_left_;
  int64_t bytes_left_;
  int64_t in_stream_ = 0;
  bool admitted_any_ = false;
};

// The size an entry counts against MAXSIZE: the bytes of its field names and values.
size_t EntryPayloadBytes(const streams::EntryView& entry);

// The key spec of XREAD (keyword STREAMS searched from argument 1) and XREADGROUP (from 4).
inline constexpr MovableKeys kXReadKeys = {"STREAMS", 1, -1, 1, 2};
inline constexpr MovableKeys kXReadGroupKeys = {"STREAMS", 4, -1, 1, 2};

}  // namespace server
