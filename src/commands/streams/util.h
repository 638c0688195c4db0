// Helpers shared by the stream command files: finding a stream key with Redis's WRONGTYPE
// rule, mapping streams/ statuses to Redis's error texts, and writing entries as replies.
// Parsers return the error (Result); the handler writes the reply.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "src/command_table.h"
#include "src/result.h"
#include "src/value.h"
#include "streams/stream.h"

namespace server {

// The stream at `key`, or null when the key is missing; WRONGTYPE when it holds another type.
Result<streams::Stream*> FindStream(CommandContext& ctx, std::string_view key);

// FindStream as a read command's lookup (Redis's lookupKeyRead): it counts a keyspace hit or
// miss, and a miss raises "keymiss". XLEN, XRANGE, XREAD, XREADGROUP, XINFO, XPENDING, XACK,
// XCLAIM and XAUTOCLAIM look up this way in Redis 7.0; the other writes use FindStream.
Result<streams::Stream*> ReadStream(CommandContext& ctx, std::string_view key);

// The Redis error text for a failed ID parse or XADD resolution.
std::string_view IdStatusText(streams::IdStatus status);

// [id, [field, value, ...]], as XRANGE and XREAD spell one entry.
void ReplyEntry(resp::Writer& reply, streams::StreamID id, const streams::EntryView& entry);
void ReplyId(resp::Writer& reply, streams::StreamID id);

// Parses `args` as stream IDs; the error is the first bad one's.
Result<std::vector<streams::StreamID>> ParseIds(std::span<const std::string_view> args);

// Redis 8.2's reference modes say what deleting an entry does to consumer groups' pending
// lists (streams::RefPolicy). Returns false when `word` is not one of them.
bool ParseRefMode(std::string_view word, streams::RefPolicy& policy);

// "[KEEPREF|DELREF|ACKED] IDS numids id ..." (`args`, to the end of the command), in any order,
// as XDELEX and XACKDEL take it.
struct RefDeleteArgs {
  streams::RefPolicy policy = streams::RefPolicy::kKeepRef;
  std::vector<streams::StreamID> ids;
};
Result<RefDeleteArgs> ParseRefDeleteArgs(std::span<const std::string_view> args);

// XDELEX / XACKDEL's per-ID reply: 1 deleted, -1 no such entry, 2 kept while referenced.
int64_t DeleteOutcomeCode(streams::DeleteOutcome outcome);

// Parses an optional "COUNT n" tail at argv[from...] as XRANGE does: the count, -1 when none
// is given (a negative one counts as 0); anything else is an error.
Result<int64_t> ParseRangeCount(const CommandContext& ctx, size_t from);

}  // namespace server
