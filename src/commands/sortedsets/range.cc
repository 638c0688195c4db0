// ZRANGE in all its forms (by rank, score or lex, either direction, LIMIT, WITHSCORES), the
// older commands as fixed forms of it, and ZRANGESTORE. A range becomes a window of ascending
// ranks by O(log n) counts, then only the replied members are walked.
#include <string>
#include <utility>
#include <vector>

#include "src/commands/sortedsets/handlers.h"
#include "src/commands/sortedsets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/types/zset.h"

namespace server::zsets {

namespace {

enum class By { kAuto, kRank, kScore, kLex };
enum class Dir { kAuto, kForward, kReverse };

struct RangeRequest {
  By by = By::kAuto;
  Dir dir = Dir::kAuto;
  bool with_scores = false;
  int64_t offset = 0;
  int64_t limit = -1;  // negative: no limit
};

// The part of `request` after the fixed arguments: min/max at `first`, options after them.
// `store`: ZRANGESTORE, which takes no WITHSCORES.
Result<RangeRequest> ParseRangeOptions(const CommandContext& ctx, size_t first,
                                       RangeRequest r, bool store) {
  for (size_t i = first + 2; i < ctx.argc(); i++) {
    const std::string_view a = ctx.arg(i);
    if (!store && EqualsIgnoreCase(a, "WITHSCORES")) {
      r.with_scores = true;
    } else if (EqualsIgnoreCase(a, "LIMIT") && i + 2 < ctx.argc()) {
      auto offset = Int64Arg(ctx, i + 1);
      if (!offset) return std::move(offset).failure();
      auto limit = Int64Arg(ctx, i + 2);
      if (!limit) return std::move(limit).failure();
      r.offset = *offset;
      r.limit = *limit;
      i += 2;
    } else if (r.by == By::kAuto && EqualsIgnoreCase(a, "BYSCORE")) {
      r.by = By::kScore;
    } else if (r.by == By::kAuto && EqualsIgnoreCase(a, "BYLEX")) {
      r.by = By::kLex;
    } else if (r.dir == Dir::kAuto && EqualsIgnoreCase(a, "REV")) {
      r.dir = Dir::kReverse;
    } else {
      return Failure(err::kSyntax);
    }
  }
  if (r.by == By::kAuto) r.by = By::kRank;
  if (r.dir == Dir::kAuto) r.dir = Dir::kForward;
  if (r.by == By::kRank && (r.offset != 0 || r.limit != -1)) return Failure(err::kZLimitNeedsBy);
  if (r.by == By::kLex && r.with_scores) return Failure(err::kZWithScoresByLex);
  return r;
}

// Where a walk starts and how far it goes.
struct Walk {
  size_t start = 0;
  size_t count = 0;
  bool reverse = false;
};

// The bounds at argv[first], argv[first + 1] (max first for REV by score or lex), parsed.
struct Bounds {
  int64_t start = 0, stop = 0;
  ScoreBound min_score, max_score;
  LexBound min_lex, max_lex;
};

Result<Bounds> ParseBounds(const CommandContext& ctx, size_t first, const RangeRequest& r) {
  Bounds b;
  const bool swap = r.dir == Dir::kReverse && r.by != By::kRank;
  const std::string_view lo = ctx.arg(swap ? first + 1 : first);
  const std::string_view hi = ctx.arg(swap ? first : first + 1);
  switch (r.by) {
    case By::kScore: {
      auto min = ParseScoreBound(lo);
      if (!min) return std::move(min).failure();
      auto max = ParseScoreBound(hi);
      if (!max) return std::move(max).failure();
      b.min_score = *min;
      b.max_score = *max;
      break;
    }
    case By::kLex: {
      auto min = ParseLexBound(lo);
      if (!min) return std::move(min).failure();
      auto max = ParseLexBound(hi);
      if (!max) return std::move(max).failure();
      b.min_lex = std::move(*min);
      b.max_lex = std::move(*max);
      break;
    }
    default: {
      auto start = Int64Arg(ctx, first);
      if (!start) return std::move(start).failure();
      auto stop = Int64Arg(ctx, first + 1);
      if (!stop) return std::move(stop).failure();
      b.start = *start;
      b.stop = *stop;
    }
  }
  return b;
}

Walk PlanWalk(const types::ZSet& z, const RangeRequest& r, const Bounds& b) {
  const bool reverse = r.dir == Dir::kReverse;
  if (r.by == By::kRank) {
    const RankWindow w = IndexWindow(z.size(), b.start, b.stop);
    if (w.count == 0) return {};
    // REV counts ranks from the top.
    return {reverse ? z.size() - 1 - w.first : w.first, w.count, reverse};
  }
  const RankWindow w = r.by == By::kScore ? ScoreWindow(z, b.min_score, b.max_score)
                                          : LexWindow(z, b.min_lex, b.max_lex);
  if (r.offset < 0 || static_cast<uint64_t>(r.offset) >= w.count) return {};
  const size_t offset = static_cast<size_t>(r.offset);
  size_t count = w.count - offset;
  if (r.limit >= 0) count = std::min(count, static_cast<size_t>(r.limit));
  return {reverse ? w.first + w.count - 1 - offset : w.first + offset, count, reverse};
}

// Parses, looks up the source at argv[src] and plans: what a range command walks, or the
// error to reply. A missing source walks nothing.
struct Planned {
  const types::ZSet* z = nullptr;
  Walk walk;
  bool with_scores = false;
};

Result<Planned> PlanRange(CommandContext& ctx, size_t src, RangeRequest preset, bool store) {
  auto r = ParseRangeOptions(ctx, src + 1, preset, store);
  if (!r) return std::move(r).failure();
  auto b = ParseBounds(ctx, src + 1, *r);
  if (!b) return std::move(b).failure();
  auto z = ReadZSet(ctx, ctx.arg(src));
  if (!z) return std::move(z).failure();
  Planned p;
  p.with_scores = r->with_scores;
  if (*z == nullptr) return p;
  p.z = *z;
  p.walk = PlanWalk(**z, *r, *b);
  return p;
}

void RangeReply(CommandContext& ctx, RangeRequest preset) {
  auto p = PlanRange(ctx, 1, preset, /*store=*/false);
  if (!p) return ctx.reply.Error(p.error());
  const Walk& w = p->walk;
  if (!p->with_scores) {
    ctx.reply.Array(w.count);
  } else {
    ReplyPairHeader(ctx.reply, w.count, /*flat=*/false);
  }
  if (w.count == 0) return;
  p->z->Walk(w.start, w.count, w.reverse, [&](const types::ZSet::Item& item) {
    if (p->with_scores) {
      ReplyPair(ctx.reply, item, /*flat=*/false);
    } else {
      ctx.reply.Bulk(item.member);
    }
    return true;
  });
}

}  // namespace

void ZRange(CommandContext& ctx) { RangeReply(ctx, {}); }

void ZRangeByScore(CommandContext& ctx) {
  RangeReply(ctx, {.by = By::kScore, .dir = Dir::kForward});
}
void ZRevRangeByScore(CommandContext& ctx) {
  RangeReply(ctx, {.by = By::kScore, .dir = Dir::kReverse});
}
void ZRangeByLex(CommandContext& ctx) { RangeReply(ctx, {.by = By::kLex, .dir = Dir::kForward}); }
void ZRevRangeByLex(CommandContext& ctx) {
  RangeReply(ctx, {.by = By::kLex, .dir = Dir::kReverse});
}
void ZRevRange(CommandContext& ctx) { RangeReply(ctx, {.by = By::kRank, .dir = Dir::kReverse}); }

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]: dst becomes a new
// sorted set of the range (any old value replaced), or is deleted when the range is empty.
void ZRangeStore(CommandContext& ctx) {
  auto p = PlanRange(ctx, 2, {}, /*store=*/true);
  if (!p) return ctx.reply.Error(p.error());
  std::vector<std::pair<std::string, double>> items;
  items.reserve(p->walk.count);
  if (p->walk.count > 0) {
    p->z->Walk(p->walk.start, p->walk.count, p->walk.reverse,
               [&](const types::ZSet::Item& item) {
                 items.emplace_back(item.member, item.score);
                 return true;
               });
  }
  const std::string_view dst = ctx.arg(1);
  if (items.empty()) {
    const bool deleted = ctx.db().Delete(dst, ctx.now_ms);
    if (!deleted) ctx.server.propagation.Suppress();
    ctx.reply.Integer(0);
    return NotifyStored(ctx, dst, /*stored=*/false, deleted, "zrangestore");
  }
  Value value = Value::NewZSet();
  const types::ZSet::Limits limits = Limits(ctx);
  for (const auto& [member, score] : items) value.zset().Set(member, score, limits);
  ctx.db().Set(dst, std::move(value));
  ctx.reply.Integer(static_cast<int64_t>(items.size()));
  NotifyStored(ctx, dst, /*stored=*/true, /*deleted=*/false, "zrangestore");
}

}  // namespace server::zsets
