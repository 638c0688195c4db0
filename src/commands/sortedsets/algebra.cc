// ZUNION ZINTER ZDIFF, their STORE forms, and ZINTERCARD. Inputs are sorted sets or plain sets
// (a set member scores 1), a missing key being empty; any other type is WRONGTYPE. As Redis
// 7.0: numkeys is checked, then every key's type, then the options. A score times its weight
// that is NaN (0 * inf) counts as 0, and so does a SUM that is NaN (inf + -inf). The result is
// planned in full (member -> score), then replied in (score, member) order or stored as a new
// sorted set; a STORE is deterministic given the data, so it is recorded as sent.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/commands/keys/util.h"
#include "src/commands/sortedsets/handlers.h"
#include "src/commands/sortedsets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/types/set.h"

namespace server::zsets {

namespace {

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set, a plain set, or nothing (a missing key).
struct Source {
  const types::ZSet* zset = nullptr;
  const types::Set* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  std::optional<double> Score(std::string_view member) const {
    if (zset) return zset->Score(member);
    if (set && set->Contains(member)) return 1.0;
    return std::nullopt;
  }
  // fn(member, score) for every member, unweighted.
  template <typename F>
  void ForEach(F&& fn) const {
    if (zset) {
      zset->Walk(0, zset->size(), false, [&](const types::ZSet::Item& item) {
        fn(item.member, item.score);
        return true;
      });
    } else if (set) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
  double Weighted(double score) const {
    const double v = score * weight;
    return std::isnan(v) ? 0 : v;
  }
};

struct AlgebraRequest {
  std::vector<Source> sources;
  Aggregate aggregate = Aggregate::kSum;
  bool with_scores = false;
};

// numkeys at argv[at]: the number of keys after it, or the error ("at least 1 input key",
// then a syntax error when fewer arguments follow).
Result<size_t> ParseNumKeys(const CommandContext& ctx, size_t at) {
  auto n = Int64Arg(ctx, at);
  if (!n) return std::move(n).failure();
  if (*n < 1) return Failure(err::ZInputKeyNeeded(ctx.arg(0)));
  if (static_cast<uint64_t>(*n) > ctx.argc() - at - 1) return Failure(err::kSyntax);
  return static_cast<size_t>(*n);
}

// The keys argv[first, first + n): each looked up and type-checked, in order, up to the first
// of another type. Every form (the STORE ones too) reads its sources as Redis 7.0 does: each
// counts a keyspace hit or miss, and a missing one raises keymiss.
Result<std::vector<Source>> LookupSources(CommandContext& ctx, size_t first, size_t n) {
  std::vector<Source> sources(n);
  for (size_t i = 0; i < n; i++) {
    Value* v = LookupRead(ctx, ctx.arg(first + i));
    if (v == nullptr) continue;
    if (v->is_zset()) {
      sources[i].zset = &v->zset();
    } else if (v->is_set()) {
      sources[i].set = &v->set();
    } else {
      return Failure(err::kWrongType);
    }
  }
  return sources;
}

// The whole request: numkeys at argv[at], keys, then WEIGHTS / AGGREGATE (not for ZDIFF) and
// WITHSCORES (not for the STORE forms), each allowed more than once.
Result<AlgebraRequest> ParseAlgebra(CommandContext& ctx, size_t at, SetOp op, bool store) {
  auto n = ParseNumKeys(ctx, at);
  if (!n) return std::move(n).failure();
  auto sources = LookupSources(ctx, at + 1, *n);
  if (!sources) return std::move(sources).failure();
  AlgebraRequest r;
  r.sources = std::move(*sources);
  for (size_t i = at + 1 + *n; i < ctx.argc(); i++) {
    const std::string_view a = ctx.arg(i);
    const size_t left = ctx.argc() - i - 1;
    if (op != SetOp::kDiff && EqualsIgnoreCase(a, "WEIGHTS") && left >= *n) {
      for (Source& s : r.sources) {
        auto w = ParseScore(ctx.arg(++i));
        if (!w) return Failure(err::kZWeightNotFloat);
        s.weight = *w;
      }
    } else if (op != SetOp::kDiff && EqualsIgnoreCase(a, "AGGREGATE") && left >= 1) {
      const std::string_view how = ctx.arg(++i);
      if (EqualsIgnoreCase(how, "SUM")) {
        r.aggregate = Aggregate::kSum;
      } else if (EqualsIgnoreCase(how, "MIN")) {
        r.aggregate = Aggregate::kMin;
      } else if (EqualsIgnoreCase(how, "MAX")) {
        r.aggregate = Aggregate::kMax;
      } else {
        return Failure(err::kSyntax);
      }
    } else if (!store && EqualsIgnoreCase(a, "WITHSCORES")) {
      r.with_scores = true;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return r;
}

double Combine(Aggregate how, double acc, double v) {
  switch (how) {
    case Aggregate::kMin:
      return std::min(acc, v);
    case Aggregate::kMax:
      return std::max(acc, v);
    case Aggregate::kSum:
      break;
  }
  const double sum = acc + v;
  return std::isnan(sum) ? 0 : sum;
}

using Scored = std::vector<std::pair<std::string, double>>;

// The sources in the order they are combined: smallest first (as Redis orders them; the order
// can matter only to floating-point sums of three or more inputs).
std::vector<const Source*> BySize(const std::vector<Source>& sources) {
  std::vector<const Source*> out;
  for (const Source& s : sources) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(),
                   [](const Source* a, const Source* b) { return a->size() < b->size(); });
  return out;
}

Scored Plan(const AlgebraRequest& r, SetOp op) {
  Scored out;
  switch (op) {
    case SetOp::kInter: {
      const auto order = BySize(r.sources);
      if (order.front()->size() == 0) break;
      order.front()->ForEach([&](std::string_view m, double score) {
        double acc = order.front()->Weighted(score);
        for (size_t j = 1; j < order.size(); j++) {
          const std::optional<double> s = order[j]->Score(m);
          if (!s) return;
          acc = Combine(r.aggregate, acc, order[j]->Weighted(*s));
        }
        out.emplace_back(std::string(m), acc);
      });
      break;
    }
    case SetOp::kUnion: {
      std::unordered_map<std::string, double> acc;
      for (const Source* src : BySize(r.sources)) {
        src->ForEach([&](std::string_view m, double score) {
          const double v = src->Weighted(score);
          auto [it, added] = acc.try_emplace(std::string(m), v);
          if (!added) it->second = Combine(r.aggregate, it->second, v);
        });
      }
      out.assign(acc.begin(), acc.end());
      break;
    }
    case SetOp::kDiff: {
      const Source& first = r.sources.front();
      first.ForEach([&](std::string_view m, double score) {
        for (size_t j = 1; j < r.sources.size(); j++) {
          if (r.sources[j].Score(m)) return;
        }
        out.emplace_back(std::string(m), score);
      });
      break;
    }
  }
  // A sorted set's order: by score, then by member bytes.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second < b.second : a.first < b.first;
  });
  return out;
}

void ReplyAlgebra(CommandContext& ctx, SetOp op) {
  auto r = ParseAlgebra(ctx, 1, op, /*store=*/false);
  if (!r) return ctx.reply.Error(r.error());
  const Scored result = Plan(*r, op);
  if (!r->with_scores) {
    ctx.reply.Array(result.size());
    for (const auto& [member, score] : result) ctx.reply.Bulk(member);
    return;
  }
  ReplyPairHeader(ctx.reply, result.size(), /*flat=*/false);
  for (const auto& [member, score] : result) {
    ReplyPair(ctx.reply, types::ZSet::Item{member, score}, /*flat=*/false);
  }
}

// <OP>STORE destination numkeys key...: the result replaces whatever the destination held; an
// empty result deletes it.
void StoreAlgebra(CommandContext& ctx, SetOp op, std::string_view event) {
  auto r = ParseAlgebra(ctx, 2, op, /*store=*/true);
  if (!r) return ctx.reply.Error(r.error());
  const Scored result = Plan(*r, op);
  const std::string_view dst = ctx.arg(1);
  if (result.empty()) {
    const bool deleted = ctx.db().Delete(dst, ctx.now_ms);
    if (!deleted) ctx.server.propagation.Suppress();
    ctx.reply.Integer(0);
    return NotifyStored(ctx, dst, /*stored=*/false, deleted, event);
  }
  // Built member by member from an empty listpack, so it ends in the encoding Redis gives it.
  Value value = Value::NewZSet();
  const types::ZSet::Limits limits = Limits(ctx);
  for (const auto& [member, score] : result) value.zset().Set(member, score, limits);
  ctx.db().Set(dst, std::move(value));
  ctx.reply.Integer(static_cast<int64_t>(result.size()));
  NotifyStored(ctx, dst, /*stored=*/true, /*deleted=*/false, event);
}

}  // namespace

void ZUnion(CommandContext& ctx) { ReplyAlgebra(ctx, SetOp::kUnion); }
void ZInter(CommandContext& ctx) { ReplyAlgebra(ctx, SetOp::kInter); }
void ZDiff(CommandContext& ctx) { ReplyAlgebra(ctx, SetOp::kDiff); }
void ZUnionStore(CommandContext& ctx) { StoreAlgebra(ctx, SetOp::kUnion, "zunionstore"); }
void ZInterStore(CommandContext& ctx) { StoreAlgebra(ctx, SetOp::kInter, "zinterstore"); }
void ZDiffStore(CommandContext& ctx) { StoreAlgebra(ctx, SetOp::kDiff, "zdiffstore"); }

// ZINTERCARD numkeys key... [LIMIT limit]: the intersection's size, counting stopped at the
// limit (0: none).
void ZInterCard(CommandContext& ctx) {
  auto n = ParseNumKeys(ctx, 1);
  if (!n) return ctx.reply.Error(n.error());
  auto sources = LookupSources(ctx, 2, *n);
  if (!sources) return ctx.reply.Error(sources.error());
  uint64_t limit = 0;
  for (size_t i = 2 + *n; i < ctx.argc(); i += 2) {
    if (EqualsIgnoreCase(ctx.arg(i), "LIMIT") && i + 1 < ctx.argc()) {
      auto l = Int64Arg(ctx, i + 1);
      if (!l || *l < 0) return ctx.reply.Error(err::kLimitCantBeNegative);
      limit = static_cast<uint64_t>(*l);
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  const auto order = BySize(*sources);
  uint64_t count = 0;
  bool done = false;
  order.front()->ForEach([&](std::string_view m, double) {
    if (done) return;
    for (size_t j = 1; j < order.size(); j++) {
      if (!order[j]->Score(m)) return;
    }
    count++;
    done = limit != 0 && count >= limit;
  });
  ctx.reply.Integer(static_cast<int64_t>(count));
}

}  // namespace server::zsets
