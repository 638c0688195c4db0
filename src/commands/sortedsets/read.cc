// Sorted-set lookups: every one is O(1) or O(log n) on the set (Score, Rank, CountBelow*).
#include "src/commands/sortedsets/handlers.h"
#include "src/commands/sortedsets/util.h"
#include "src/errors.h"

namespace server::zsets {

namespace {

// ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE: Redis 7.2).
void Rank(CommandContext& ctx, bool reverse) {
  const bool with_score = ctx.argc() == 4;
  if (ctx.argc() > 4 || (with_score && !EqualsIgnoreCase(ctx.arg(3), "WITHSCORE"))) {
    return ctx.reply.Error(err::kSyntax);
  }
  auto z = ReadZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  const std::optional<size_t> rank = *z ? (*z)->Rank(ctx.arg(2)) : std::nullopt;
  if (!rank) return with_score ? ctx.reply.NullArray() : ctx.reply.Null();
  const auto r = static_cast<int64_t>(reverse ? (*z)->size() - 1 - *rank : *rank);
  if (!with_score) return ctx.reply.Integer(r);
  ctx.reply.Array(2);
  ctx.reply.Integer(r);
  ctx.reply.Double(*(*z)->Score(ctx.arg(2)));
}

}  // namespace

void ZCard(CommandContext& ctx) {
  auto z = ReadZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  ctx.reply.Integer(*z ? static_cast<int64_t>((*z)->size()) : 0);
}

void ZScore(CommandContext& ctx) {
  auto z = ReadZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  const std::optional<double> s = *z ? (*z)->Score(ctx.arg(2)) : std::nullopt;
  s ? ctx.reply.Double(*s) : ctx.reply.Null();
}

void ZMScore(CommandContext& ctx) {
  auto z = ReadZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    const std::optional<double> s = *z ? (*z)->Score(ctx.arg(i)) : std::nullopt;
    s ? ctx.reply.Double(*s) : ctx.reply.Null();
  }
}

void ZRank(CommandContext& ctx) { Rank(ctx, /*reverse=*/false); }
void ZRevRank(CommandContext& ctx) { Rank(ctx, /*reverse=*/true); }

void ZCount(CommandContext& ctx) {
  auto min = ParseScoreBound(ctx.arg(2));
  if (!min) return ctx.reply.Error(min.error());
  auto max = ParseScoreBound(ctx.arg(3));
  if (!max) return ctx.reply.Error(max.error());
  auto z = ReadZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  ctx.reply.Integer(*z ? static_cast<int64_t>(ScoreWindow(**z, *min, *max).count) : 0);
}

void ZLexCount(CommandContext& ctx) {
  auto min = ParseLexBound(ctx.arg(2));
  if (!min) return ctx.reply.Error(min.error());
  auto max = ParseLexBound(ctx.arg(3));
  if (!max) return ctx.reply.Error(max.error());
  auto z = ReadZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  ctx.reply.Integer(*z ? static_cast<int64_t>(LexWindow(**z, *min, *max).count) : 0);
}

}  // namespace server::zsets
