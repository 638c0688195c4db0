// Helpers shared by the command families: argument parsing (returning Redis's error for the
// handler to reply) and HELP replies. (Transaction and WATCH state is the core's:
// src/transactions.h.)
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/client.h"
#include "src/command_table.h"
#include "src/errors.h"
#include "src/result.h"
#include "src/server_state.h"

namespace server {

// Client names may not contain spaces, newlines or other characters outside '!'..'~'.
bool ValidClientName(std::string_view name);

// Parses argv[index] strictly as a 64-bit integer. The failure is `error`, one of errors.h's
// constants: by default "ERR value is not an integer or out of range".
Result<int64_t> Int64Arg(const CommandContext& ctx, size_t index,
                         std::string_view error = err::kNotInteger);

// A blocking command's timeout in seconds (a double, as Redis 7.0 reads it) as milliseconds,
// rounded up; 0 waits forever (BLPOP and the other list pops, BZPOPMIN BZPOPMAX BZMPOP).
Result<int64_t> ParseTimeout(std::string_view arg);

// Publishes a keyspace notification of `type` (a NotifyClass, src/notify.h) about `key` in the
// client's db, as notify-keyspace-events allows. Call it after the change, as Redis does.
void Notify(CommandContext& ctx, uint32_t type, std::string_view event, std::string_view key);

// After a write to the collection at `key` in db `db`: its event of class `type` (none when
// `event` is empty), then, if the write emptied it, the key goes and "del" is announced, as
// Redis deletes an emptied collection; otherwise the key's watchers are told.
void AfterCollectionWrite(ServerState& state, int db, std::string_view key, bool emptied,
                          uint32_t type, std::string_view event);
inline void AfterCollectionWrite(CommandContext& ctx, std::string_view key, bool emptied,
                                 uint32_t type, std::string_view event) {
  AfterCollectionWrite(ctx.server, ctx.client.db_index, key, emptied, type, event);
}

// A blocking pop or move that found nothing to take: nothing is recorded for the AOF; inside
// MULTI it answers at once with its plain form's empty reply (`empty`), otherwise the client
// waits on `keys` (the connection holds it until `op` is served or times out).
void BlockOrAnswerEmpty(CommandContext& ctx, const std::vector<std::string>& keys,
                        int64_t timeout_ms, std::unique_ptr<BlockedCommand> op,
                        void (resp::Writer::*empty)());

// HRANDFIELD / ZRANDMEMBER key count [WITHVALUES|WITHSCORES]: the count (never INT64_MIN) and
// whether values come too (then |count| may not exceed INT64_MAX / 2), checked as Redis does
// before the key is looked up. `with_word` is the option's name.
struct RandomCountArgs {
  int64_t count = 0;
  bool with_values = false;
  uint64_t magnitude() const {
    return count < 0 ? static_cast<uint64_t>(-count) : static_cast<uint64_t>(count);
  }
};
Result<RandomCountArgs> ParseRandomCount(const CommandContext& ctx, std::string_view with_word);
// The largest negative |count| served. Redis 7.0 tries to build any reply asked for (and a
// count near 2^63 exhausts its memory); Runnel refuses such a request with "value is out of
// range" instead.
inline constexpr uint64_t kMaxRandomDraws = uint64_t{1} << 32;

// A HELP subcommand's reply: one simple string per line, as Redis sends it.
void ReplyHelp(resp::Writer& reply, std::span<const std::string_view> lines);

}  // namespace server
