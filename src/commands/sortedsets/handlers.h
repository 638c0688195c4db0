// Handlers of the sorted-set family, split across this folder by concern; the CommandSpec rows
// that register them all live in sortedsets.cc so the family stays one table.
#pragma once

#include "src/command_table.h"

namespace server::zsets {

// write.cc: ZADD ZINCRBY ZREM ZREMRANGEBYRANK/SCORE/LEX ZPOPMIN ZPOPMAX ZMPOP.
void ZAdd(CommandContext& ctx);
void ZIncrBy(CommandContext& ctx);
void ZRem(CommandContext& ctx);
void ZRemRangeByRank(CommandContext& ctx);
void ZRemRangeByScore(CommandContext& ctx);
void ZRemRangeByLex(CommandContext& ctx);
void ZPopMin(CommandContext& ctx);
void ZPopMax(CommandContext& ctx);
void ZMPop(CommandContext& ctx);

// read.cc: ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT.
void ZCard(CommandContext& ctx);
void ZScore(CommandContext& ctx);
void ZMScore(CommandContext& ctx);
void ZRank(CommandContext& ctx);
void ZRevRank(CommandContext& ctx);
void ZCount(CommandContext& ctx);
void ZLexCount(CommandContext& ctx);

// range.cc: ZRANGE and its older forms, ZRANGESTORE.
void ZRange(CommandContext& ctx);
void ZRangeStore(CommandContext& ctx);
void ZRangeByScore(CommandContext& ctx);
void ZRevRangeByScore(CommandContext& ctx);
void ZRangeByLex(CommandContext& ctx);
void ZRevRangeByLex(CommandContext& ctx);
void ZRevRange(CommandContext& ctx);

// algebra.cc: ZUNION ZINTER ZDIFF, their STORE forms, ZINTERCARD.
void ZUnion(CommandContext& ctx);
void ZInter(CommandContext& ctx);
void ZDiff(CommandContext& ctx);
void ZUnionStore(CommandContext& ctx);
void ZInterStore(CommandContext& ctx);
void ZDiffStore(CommandContext& ctx);
void ZInterCard(CommandContext& ctx);

// random_scan.cc: ZRANDMEMBER ZSCAN.
void ZRandMember(CommandContext& ctx);
void ZScan(CommandContext& ctx);

// blocking.cc: BZPOPMIN BZPOPMAX BZMPOP.
void BZPopMin(CommandContext& ctx);
void BZPopMax(CommandContext& ctx);
void BZMPop(CommandContext& ctx);

}  // namespace server::zsets
