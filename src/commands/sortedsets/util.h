// Helpers of the sorted-set family: Redis's score and range parsing (scores as strtod reads
// them, never NaN; "(" for exclusive bounds; "[", "(", "-" and "+" for lex bounds), a range
// resolved to a window of ascending ranks (so every lookup is O(log n) on the index, never a
// walk), the sorted-set lookups with WRONGTYPE, and replies of members with scores.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/command_table.h"
#include "src/db.h"
#include "src/result.h"
#include "src/types/zset.h"
#include "src/value.h"

namespace server::zsets {

// A score argument as Redis reads it: all of the text as a double ("inf", "-inf", "1e3"), no
// leading space, no NaN.
std::optional<double> ParseScore(std::string_view text);

struct ScoreBound {
  double value = 0;
  bool exclusive = false;
};
struct LexBound {
  enum class Kind { kMin, kMax, kValue } kind = Kind::kValue;  // "-", "+", or a member
  std::string member;
  bool exclusive = false;
};
Result<ScoreBound> ParseScoreBound(std::string_view text);  // ERR min or max is not a float
Result<LexBound> ParseLexBound(std::string_view text);      // ERR min or max not valid ...

// A window of ascending ranks [first, first + count).
struct RankWindow {
  size_t first = 0;
  size_t count = 0;
};
RankWindow ScoreWindow(const types::ZSet& z, const ScoreBound& min, const ScoreBound& max);
RankWindow LexWindow(const types::ZSet& z, const LexBound& min, const LexBound& max);
// ZRANGE start stop with Redis's negative indexes and clamping.
RankWindow IndexWindow(size_t size, int64_t start, int64_t stop);

// The sorted set at `key` (null when missing), or WRONGTYPE; the read form counts a keyspace
// hit or miss.
Result<types::ZSet*> ReadZSet(CommandContext& ctx, std::string_view key);
Result<types::ZSet*> WriteZSet(CommandContext& ctx, std::string_view key);
// The sorted set at `key`, created empty when missing (its Value is stored now).
types::ZSet& CreateZSet(CommandContext& ctx, std::string_view key);
// After a write that changed the set: publishes `event` (class z) about `key`, then deletes
// `key` if its set is now empty (with its "del" event, as Redis orders them) or marks WATCH.
void AfterWrite(CommandContext& ctx, std::string_view key, const types::ZSet& z,
                std::string_view event);
// A *STORE command's end: "<event>" when it stored a set, "del" when an empty result removed
// the destination; nothing when the destination was missing and stays so.
void NotifyStored(CommandContext& ctx, std::string_view dst, bool stored, bool deleted,
                  std::string_view event);

types::ZSet::Limits Limits(const CommandContext& ctx);

// Member/score pairs: RESP3 an array of [member, double] pairs; RESP2 (and `flat`) one flat
// array member, score, ...
void ReplyPairHeader(resp::Writer& w, size_t pairs, bool flat);
void ReplyPair(resp::Writer& w, const types::ZSet::Item& item, bool flat);

// ZMPOP / BZMPOP: numkeys at argv[numkeys_index], the keys, MIN|MAX, [COUNT count].
struct MPopArgs {
  std::vector<std::string_view> keys;
  bool max = false;
  size_t count = 1;
};
Result<MPopArgs> ParseMPop(const CommandContext& ctx, size_t numkeys_index);

// How popped items are replied: ZPOPMIN without COUNT and BZPOPMIN's one flat array; with
// COUNT, pairs (RESP3 nested); ZMPOP's pairs, nested in both protocols.
enum class PopShape { kFlat, kPairs, kNested };
// Pops up to `count` items from the low (`max`: high) end of `z` at `key` in db `db_index`,
// writing them as `shape` says (the header too), publishes zpopmin/zpopmax, then deletes the
// emptied key (and publishes "del") or marks WATCH. Blocked pops served later use it too.
void PopFrom(ServerState& state, int db_index, std::string_view key, types::ZSet& z, size_t count,
             bool max, PopShape shape, resp::Writer& w);
// After `z` at `key` lost popped items: zpopmin/zpopmax, then "del" and the key's removal if
// it emptied, or WATCH marked.
void AfterPop(ServerState& state, int db_index, std::string_view key, const types::ZSet& z,
              bool max);
// The plain form a pop of `count` items is recorded as: ZPOPMIN/ZPOPMAX key count.
std::vector<std::string> PopRecord(std::string_view key, bool max, size_t count);
// ZMPOP's work when some key holds a sorted set: pops, replies [key, pairs], records, and
// returns true; true also after replying WRONGTYPE. False: nothing to pop, nothing replied.
bool MPopNow(CommandContext& ctx, const MPopArgs& args);

}  // namespace server::zsets
