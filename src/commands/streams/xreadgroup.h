// What XREADGROUP's handler (src/commands/streams/xreadgroup.cc) and its blocked-client side
// (src/commands/streams/xreadgroup_block.cc) share: the parsed options, the per-stream reads that deliver
// entries to a consumer (moving the group and its PEL), and how the reply is framed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/command_table.h"
#include "src/commands/streams/read_options.h"
#include "src/delivery/context.h"
#include "src/delivery/group_due.h"
#include "src/delivery/records.h"
#include "streams/stream.h"

namespace server {

struct GroupReadOptions {
  std::string group;
  std::string consumer;
  ReadLimits limits;
  bool noack = false;
  int64_t claim_min_idle = -1;  // CLAIM min-idle-time (8.4); -1 when not given
};

// One stream's ">" read for consumer `c` of group `g`, all admitted by `budget` (COUNT counts
// per stream; budget.StartStream() is called here). First, unless the AOF is replaying, the
// entries the group's delivery policy made due (earliest due first), redelivered to `c` and
// counted as redelivered; then with CLAIM the pending entries that may be claimed (NACKed ones,
// then those idle >= min-idle-time, longest idle first), redelivered to `c`; under CLAIM both
// are written as [id, fields, ms-since-last-delivery, previous-delivery-count], else as
// [id, fields]. Entries the policy has exhausted go to the dead-letter stream instead. Then the
// entries after the group's last-delivered ID (written as [id, fields], or with "0, 0" appended
// under CLAIM), each advancing the group and, unless NOACK, entering the PEL. Every delivery
// gets its due time from the policy. Appends the entries' RESP to `out` and returns how many
// were written. What the read changed goes to dc.records for the AOF: each entry that entered
// or moved in the PEL as the XCLAIM that puts it there, dead letters as XADD and XACK, then the
// group's new position (XGROUP SETID ... ENTRIESREAD) and policy counters when they changed.
size_t ReadUndelivered(std::string& out, int protocol, std::string_view key, streams::Stream& s,
                       streams::ConsumerGroup& g, streams::Consumer& c,
                       const GroupReadOptions& opts, ReadBudget& budget, DeliveryContext& dc);

// A history read: `c`'s own pending entries with ID > `after`, each redelivered (count + 1, time
// now); an entry deleted from the stream meanwhile is written as [id, nil] and left as it is.
// Each redelivery gets its due time and is appended to dc.records as an XCLAIM (Redis 7.0 records none, so its replay
// loses the delivery counts; ours keeps them).
size_t ReadHistory(std::string& out, int protocol, std::string_view key, streams::Stream& s,
                   streams::ConsumerGroup& g, streams::Consumer& c, streams::StreamID after,
                   const GroupReadOptions& opts, ReadBudget& budget, DeliveryContext& dc);

// When (wall-clock ms) the first pending entry of `g` still in the stream becomes claimable with
// CLAIM `min_idle`, or -1 when there is none. May be <= now when one already is.
int64_t NextClaimableAt(const streams::Stream& s, const streams::ConsumerGroup& g,
                        int64_t min_idle);

// The reply frame: a header for `parts` streams (RESP2 array, RESP3 map), then per stream
// [key, entries] (RESP2) or key => entries (RESP3); `entries` holds `n` written entries.
void WriteReadGroupHeader(resp::Writer& w, size_t parts);
void WriteReadGroupPart(resp::Writer& w, std::string_view key, size_t n, std::string_view entries);

// Parks the client for XREADGROUP ... BLOCK on `keys` (all with ">"); replies nothing now.
void BlockXReadGroup(CommandContext& ctx, std::vector<std::string> keys, GroupReadOptions opts,
                     int64_t block_ms);

}  // namespace server
