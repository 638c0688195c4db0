// Sorted-set writes. Each parses fully (Redis's error order), then looks the key up, plans,
// replies and applies. A write that changed nothing records nothing; an emptied set deletes
// its key. ZINCRBY and ZADD INCR are recorded as sent: adding the same doubles replays to the
// same score.
#include <algorithm>
#include <climits>
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

// Removes the members of ranks [w.first, w.first + w.count), replies their number and
// publishes `event` when some went.
void RemoveWindow(CommandContext& ctx, types::ZSet* z, RankWindow w, std::string_view event) {
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
  AfterWrite(ctx, ctx.arg(1), *z, event);
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
  PopFrom(ctx.server, ctx.client.db_index, ctx.arg(1), **z, static_cast<size_t>(count), max,
          ctx.argc() == 2 ? PopShape::kFlat : PopShape::kPairs, ctx.reply);
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
  // A ZADD that changed nothing is not recorded and publishes nothing, as in Redis.
  if (added + changed == 0) {
    ctx.server.propagation.Suppress();
    return ctx.db().Touch(ctx.arg(1));
  }
  AfterWrite(ctx, ctx.arg(1), *z, opts->incr ? "zincr" : "zadd");
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
  // An increment that leaves the score as it was changes nothing: no event (Redis's rule).
  const bool unchanged = cur == next;
  if (z == nullptr) z = &CreateZSet(ctx, ctx.arg(1));
  z->Set(ctx.arg(3), next, Limits(ctx));
  ctx.reply.Double(next);
  if (unchanged) return ctx.db().Touch(ctx.arg(1));
  AfterWrite(ctx, ctx.arg(1), *z, "zincr");
}

void ZRem(CommandContext& ctx) {
  auto found = WriteZSet(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  types::ZSet* z = *found;
  int64_t removed = 0;
  for (size_t i = 2; z != nullptr && i < ctx.argc(); i++) removed += z->Remove(ctx.arg(i));
  ctx.reply.Integer(removed);
  if (removed == 0) return ctx.server.propagation.Suppress();
  AfterWrite(ctx, ctx.arg(1), *z, "zrem");
}

void ZRemRangeByRank(CommandContext& ctx) {
  auto start = Int64Arg(ctx, 2);
  if (!start) return ctx.reply.Error(start.error());
  auto stop = Int64Arg(ctx, 3);
  if (!stop) return ctx.reply.Error(stop.error());
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  RemoveWindow(ctx, *z, *z ? IndexWindow((*z)->size(), *start, *stop) : RankWindow{},
               "zremrangebyrank");
}

void ZRemRangeByScore(CommandContext& ctx) {
  auto min = ParseScoreBound(ctx.arg(2));
  if (!min) return ctx.reply.Error(min.error());
  auto max = ParseScoreBound(ctx.arg(3));
  if (!max) return ctx.reply.Error(max.error());
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  RemoveWindow(ctx, *z, *z ? ScoreWindow(**z, *min, *max) : RankWindow{}, "zremrangebyscore");
}

void ZRemRangeByLex(CommandContext& ctx) {
  auto min = ParseLexBound(ctx.arg(2));
  if (!min) return ctx.reply.Error(min.error());
  auto max = ParseLexBound(ctx.arg(3));
  if (!max) return ctx.reply.Error(max.error());
  auto z = WriteZSet(ctx, ctx.arg(1));
  if (!z) return ctx.reply.Error(z.error());
  RemoveWindow(ctx, *z, *z ? LexWindow(**z, *min, *max) : RankWindow{}, "zremrangebylex");
}

void ZPopMin(CommandContext& ctx) { Pop(ctx, /*max=*/false); }
void ZPopMax(CommandContext& ctx) { Pop(ctx, /*max=*/true); }

Result<MPopArgs> ParseMPop(const CommandContext& ctx, size_t numkeys_index) {
  auto numkeys = Int64Arg(ctx, numkeys_index, err::kNumKeysPositive);
  if (!numkeys || *numkeys <= 0) return Failure(err::kNumKeysPositive);
  const size_t first = numkeys_index + 1;
  if (static_cast<uint64_t>(*numkeys) >= ctx.argc() - first) return Failure(err::kSyntax);
  MPopArgs args;
  const size_t where = first + static_cast<size_t>(*numkeys);
  for (size_t k = first; k < where; k++) args.keys.push_back(ctx.arg(k));
  args.max = EqualsIgnoreCase(ctx.arg(where), "MAX");
  if (!args.max && !EqualsIgnoreCase(ctx.arg(where), "MIN")) return Failure(err::kSyntax);
  bool has_count = false;
  for (size_t i = where + 1; i < ctx.argc(); i++) {
    if (!has_count && EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      auto c = Int64Arg(ctx, ++i, err::kCountPositive);
      if (!c || *c <= 0) return Failure(err::kCountPositive);
      args.count = static_cast<size_t>(*c);
      has_count = true;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return args;
}

void PopFrom(ServerState& state, int db_index, std::string_view key, types::ZSet& z, size_t count,
             bool max, PopShape shape, resp::Writer& w) {
  const size_t n = std::min(count, z.size());
  // ZMPOP nests its pairs in both protocols; ZPOPMIN without COUNT is one flat array.
  const bool flat = shape == PopShape::kFlat;
  if (shape == PopShape::kNested) {
    w.Array(n);
  } else {
    ReplyPairHeader(w, n, flat);
  }
  std::vector<std::string> popped;
  popped.reserve(n);
  // Lowest first for MIN, highest first for MAX.
  z.Walk(max ? z.size() - 1 : 0, n, /*reverse=*/max, [&](const types::ZSet::Item& item) {
    if (shape == PopShape::kNested) {
      w.Array(2);
      w.Bulk(item.member);
      w.Double(item.score);
    } else {
      ReplyPair(w, item, flat);
    }
    popped.emplace_back(item.member);
    return true;
  });
  for (const std::string& m : popped) z.Remove(m);
  AfterPop(state, db_index, key, z, max);
}

std::vector<std::string> PopRecord(std::string_view key, bool max, size_t count) {
  return {max ? "ZPOPMAX" : "ZPOPMIN", std::string(key), std::to_string(count)};
}

bool MPopNow(CommandContext& ctx, const MPopArgs& args) {
  for (std::string_view key : args.keys) {
    auto z = WriteZSet(ctx, key);
    if (!z) {
      ctx.reply.Error(z.error());
      return true;
    }
    if (*z == nullptr) continue;
    const size_t n = std::min(args.count, (*z)->size());
    ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    // Recorded as its deterministic effect, as Redis 7.0 propagates it.
    ctx.server.propagation.Add(PopRecord(key, args.max, n));
    PopFrom(ctx.server, ctx.client.db_index, key, **z, n, args.max, PopShape::kNested, ctx.reply);
    return true;
  }
  return false;
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty key.
void ZMPop(CommandContext& ctx) {
  auto args = ParseMPop(ctx, 1);
  if (!args) return ctx.reply.Error(args.error());
  if (MPopNow(ctx, *args)) return;
  ctx.server.propagation.Suppress();
  ctx.reply.NullArray();
}

}  // namespace server::zsets
