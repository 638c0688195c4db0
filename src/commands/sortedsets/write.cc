// Sorted-set writes. Each parses fully (Redis's error order), then looks the key up, plans,
// replies and applies. A write that changed nothing records nothing; an emptied set deletes
// its key. ZINCRBY and ZADD INCR are recorded as sent: adding the same doubles replays to the
// same score.
#include <cmath>
#include <string>
#include <vector>

#include "src/commands/sortedsets/handlers.h"
#include "src/commands/sortedsets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server::zsets {

namespace {

struct ZAddOptions {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
  size_t first_pair = 2;
};

Result<ZAddOptions> ParseZAddOptions(const CommandContext& ctx) {
  ZAddOptions o;
  size_t i = 2;
  for (; i < ctx.argc(); i++) {
    const std::string_view a = ctx.arg(i);
    if (EqualsIgnoreCase(a, "NX")) {
      o.nx = true;
    } else if (EqualsIgnoreCase(a, "XX")) {
      o.xx = true;
    } else if (EqualsIgnoreCase(a, "GT")) {
      o.gt = true;
    } else if (EqualsIgnoreCase(a, "LT")) {
      o.lt = true;
    } else if (EqualsIgnoreCase(a, "CH")) {
      o.ch = true;
    } else if (EqualsIgnoreCase(a, "INCR")) {
      o.incr = true;
    } else {
      break;
    }
  }
  o.first_pair = i;
  const size_t rest = ctx.argc() - i;
  if (rest == 0 || rest % 2 != 0) return Failure(err::kSyntax);
  if (o.nx && o.xx) return Failure(err::kZAddXxNx);
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt)) return Failure(err::kZAddGtLtNx);
  if (o.incr && rest > 2) return Failure(err::kZAddIncrPair);
  return o;
}

// Removes the members of ranks [w.first, w.first + w.count) and replies their number.
void RemoveWindow(CommandContext& ctx, types::ZSet* z, RankWindow w) {
  if (z == nullptr || w.count == 0) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  std::vector<std::string> doomed;
  doomed.reserve(w.count);
  z->Walk(w.first, w.count, false, [&](const types::ZSet::Item& item) {
    doomed.emplace_back(item.member);
    return true;
  });
  for (const std::string& m : doomed) z->Remove(m);
  ctx.reply.Integer(static_cast<int64_t>(doomed.size()));
  AfterWrite(ctx, ctx.arg(1), *z);
}

// Pops up to `count` items from the low (or high) end of `z` at `key`, writing them as pairs
// (`flat`: one flat array, as ZPOPMIN without COUNT). The caller replies the header.
void PopItems(CommandContext& ctx, std::string_view key, types::ZSet& z, size_t count,
              bool max, bool flat) {
  const size_t n = std::min(count, z.size());
  std::vector<std::string> popped;
  popped.reserve(n);
  ReplyPairHeader(ctx.reply, n, flat);
  // Lowest first for MIN, highest first for MAX.
  z.Walk(max ? z.size() - 1 : 0, n, /*reverse=*/max, [&](const types::ZSet::Item& item) {
    ReplyPair(ctx.reply, item, flat);
    popped.emplace_back(item.member);
    return true;
  });
  for (const std::string& m : popped) z.Remove(m);
  AfterWrite(ctx, key, z);
}

void Pop(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.reply.Error(err::kSyntax);
  int64_t count = 1;
  if (ctx.argc() == 3) {
    auto c = Int64Arg(ctx, 2, err::kOutOfRangePositive);
    if (!c || *c < 0) return ctx.reply.Error(err::kOutOfRangePositive);
    count = *c;
  }
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  if (*z == nullptr || count == 0) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Array(0);
  }
  PopItems(ctx, ctx.arg(1), **z, static_cast<size_t>(count), max, ctx.argc() == 2);
}

}  // namespace

void ZAdd(CommandContext& ctx) {
  auto opts = ParseZAddOptions(ctx);
  if (!opts) return ctx.reply.Error(opts.error());
  std::vector<std::pair<double, std::string_view>> pairs;
  for (size_t i = opts->first_pair; i < ctx.argc(); i += 2) {
    auto score = ParseScore(ctx.arg(i));
    if (!score) return ctx.reply.Error(err::kNotFloat);
    pairs.emplace_back(*score, ctx.arg(i + 1));
  }
  auto found = WriteZSet(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  types::ZSet* z = *found;
  if (z == nullptr && opts->xx) {
    ctx.server.propagation.Suppress();
    return opts->incr ? ctx.reply.Null() : ctx.reply.Integer(0);
  }
  // Plan: the new score of each pair, or none when an option skips it.
  std::vector<std::optional<double>> plan;
  for (const auto& [score, member] : pairs) {
    const std::optional<double> cur = z ? z->Score(member) : std::nullopt;
    double next = score;
    if (cur && opts->incr) {
      next = *cur + score;
      if (std::isnan(next)) return ctx.reply.Error(err::kZScoreNaN);
    }
    const bool skip = cur ? (opts->nx || (opts->gt && !(next > *cur)) ||
                             (opts->lt && !(next < *cur)))
                          : opts->xx;
    plan.push_back(skip ? std::nullopt : std::optional<double>(next));
  }
  if (z == nullptr) z = &CreateZSet(ctx, ctx.arg(1));
  const types::ZSet::Limits limits = Limits(ctx);
  int64_t added = 0, changed = 0;
  for (size_t i = 0; i < pairs.size(); i++) {
    if (!plan[i]) continue;
    const std::string_view member = pairs[i].second;
    const std::optional<double> cur = z->Score(member);
    if (cur && *cur == *plan[i]) continue;
    if (z->Set(member, *plan[i], limits)) {
      added++;
    } else {
      changed++;
    }
  }
  if (opts->incr) {
    plan[0] ? ctx.reply.Double(*plan[0]) : ctx.reply.Null();
  } else {
    ctx.reply.Integer(opts->ch ? added + changed : added);
  }
  if (added + changed == 0) ctx.server.propagation.Suppress();
  AfterWrite(ctx, ctx.arg(1), *z);
}

void ZIncrBy(CommandContext& ctx) {
  auto inc = ParseScore(ctx.arg(2));
  if (!inc) return ctx.reply.Error(err::kNotFloat);
  auto found = WriteZSet(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  types::ZSet* z = *found;
  const std::optional<double> cur = z ? z->Score(ctx.arg(3)) : std::nullopt;
  const double next = cur ? *cur + *inc : *inc;
  if (std::isnan(next)) return ctx.reply.Error(err::kZScoreNaN);
  if (z == nullptr) z = &CreateZSet(ctx, ctx.arg(1));
  z->Set(ctx.arg(3), next, Limits(ctx));
  ctx.reply.Double(next);
  AfterWrite(ctx, ctx.arg(1), *z);
}

void ZRem(CommandContext& ctx) {
  auto found = WriteZSet(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  types::ZSet* z = *found;
  int64_t removed = 0;
  for (size_t i = 2; z != nullptr && i < ctx.argc(); i++) removed += z->Remove(ctx.arg(i));
  ctx.reply.Integer(removed);
  if (removed == 0) return ctx.server.propagation.Suppress();
  AfterWrite(ctx, ctx.arg(1), *z);
}

void ZRemRangeByRank(CommandContext& ctx) {
  auto start = Int64Arg(ctx, 2);
  if (!start) return ctx.reply.Error(start.error());
  auto stop = Int64Arg(ctx, 3);
  if (!stop) return ctx.reply.Error(stop.error());
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  RemoveWindow(ctx, *z, *z ? IndexWindow((*z)->size(), *start, *stop) : RankWindow{});
}

void ZRemRangeByScore(CommandContext& ctx) {
  auto min = ParseScoreBound(ctx.arg(2));
  if (!min) return ctx.reply.Error(min.error());
  auto max = ParseScoreBound(ctx.arg(3));
  if (!max) return ctx.reply.Error(max.error());
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  RemoveWindow(ctx, *z, *z ? ScoreWindow(**z, *min, *max) : RankWindow{});
}

void ZRemRangeByLex(CommandContext& ctx) {
  auto min = ParseLexBound(ctx.arg(2));
  if (!min) return ctx.reply.Error(min.error());
  auto max = ParseLexBound(ctx.arg(3));
  if (!max) return ctx.reply.Error(max.error());
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  RemoveWindow(ctx, *z, *z ? LexWindow(**z, *min, *max) : RankWindow{});
}

void ZPopMin(CommandContext& ctx) { Pop(ctx, /*max=*/false); }
void ZPopMax(CommandContext& ctx) { Pop(ctx, /*max=*/true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty key.
void ZMPop(CommandContext& ctx) {
  auto numkeys = Int64Arg(ctx, 1, err::kNumKeysPositive);
  if (!numkeys || *numkeys <= 0) return ctx.reply.Error(err::kNumKeysPositive);
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 3) return ctx.reply.Error(err::kSyntax);
  const size_t where = 2 + static_cast<size_t>(*numkeys);
  const bool is_min = EqualsIgnoreCase(ctx.arg(where), "MIN");
  if (!is_min && !EqualsIgnoreCase(ctx.arg(where), "MAX")) return ctx.reply.Error(err::kSyntax);
  int64_t count = 1;
  bool has_count = false;
  for (size_t i = where + 1; i < ctx.argc(); i++) {
    if (!has_count && EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      auto c = Int64Arg(ctx, ++i, err::kCountPositive);
      if (!c || *c <= 0) return ctx.reply.Error(err::kCountPositive);
      count = *c;
      has_count = true;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  for (size_t k = 2; k < where; k++) {
    auto z = WriteZSet(ctx, ctx.arg(k));
    if (!z) return ctx.reply.Error(z.error());
    if (*z == nullptr) continue;
    ctx.reply.Array(2);
    ctx.reply.Bulk(ctx.arg(k));
    // The pairs are nested in both protocols.
    const size_t n = std::min(static_cast<size_t>(count), (*z)->size());
    ctx.reply.Array(n);
    std::vector<std::string> popped;
    (*z)->Walk(is_min ? 0 : (*z)->size() - 1, n, !is_min, [&](const types::ZSet::Item& item) {
      ctx.reply.Array(2);
      ctx.reply.Bulk(item.member);
      ctx.reply.Double(item.score);
      popped.emplace_back(item.member);
      return true;
    });
    for (const std::string& m : popped) (*z)->Remove(m);
    const std::string key(ctx.arg(k));
    // Recorded as its deterministic effect, as Redis 7.0 propagates it.
    ctx.server.propagation.Add({is_min ? "ZPOPMIN" : "ZPOPMAX", key, std::to_string(n)});
    AfterWrite(ctx, key, **z);
    return;
  }
  ctx.server.propagation.Suppress();
  ctx.reply.NullArray();
}

}  // namespace server::zsets
