// What XREADGROUP's handler (src/commands/streams/xreadgroup.cc) and its blocked-client side
// (src/commands/streams/xreadgroup_block.cc) share: the parsed options, the per-stream reads
// that deliver entries to a consumer (plan, reply, apply), and how the reply is framed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/command_table.h"
#include "src/commands/streams/read_options.h"
#include "src/delivery/context.h"
#include "streams/stream.h"

namespace server {

struct GroupReadOptions {
  std::string group;
  std::string consumer;
  ReadLimits limits;
  bool noack = false;
  int64_t claim_min_idle = -1;  // CLAIM min-idle-time (8.4); -1 when not given
};

// The stream, group and consumer one part of a read is for.
struct GroupReadTarget {
  std::string_view key;
  std::string_view group_name;
  streams::Stream& stream;
  streams::ConsumerGroup& group;
  streams::Consumer& consumer;
};

// One stream's ">" read, all admitted by `budget` (COUNT counts per stream; StartStream() is
// called here), planned by streams::PlanGroupRead: due entries (live only), then with CLAIM the
// claimable ones, then new entries. Under CLAIM every entry is written as [id, fields,
// ms-since-last-delivery, previous-delivery-count] ("0, 0" for new ones), else as [id, fields].
// Then the plan is applied (src/delivery/apply.h): deliveries, dead letters, and their records
// in dc.records. Returns how many entries were written to `w`.
size_t ReadNew(resp::Writer& w, const GroupReadTarget& t, const GroupReadOptions& opts,
               ReadBudget& budget, DeliveryContext& dc);

// A history read: the consumer's own pending entries with ID > `after`, each redelivered (count
// + 1, time now, recorded as an XCLAIM: Redis 7.0 records none, so its replay loses the
// delivery counts; ours keeps them); an entry deleted from the stream meanwhile is written as
// [id, nil] and left as it is.
size_t ReadHistory(resp::Writer& w, const GroupReadTarget& t, streams::StreamID after,
                   ReadBudget& budget, DeliveryContext& dc);

// The reply frame: a header for `parts` streams (RESP2 array, RESP3 map), then per stream
// [key, entries] (RESP2) or key => entries (RESP3); `entries` holds `n` written entries.
void WriteReadGroupHeader(resp::Writer& w, size_t parts);
void WriteReadGroupPart(resp::Writer& w, std::string_view key, size_t n, std::string_view entries);

// Parks the client for XREADGROUP ... BLOCK on `keys` (all with ">"); replies nothing now.
void BlockXReadGroup(CommandContext& ctx, std::vector<std::string> keys, GroupReadOptions opts,
                     int64_t block_ms);

}  // namespace server
