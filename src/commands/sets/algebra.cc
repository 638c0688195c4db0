// SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE. Every source key is
// looked up and type-checked first (a missing key is an empty set; any other type is
// WRONGTYPE, even after a missing key). Results that are stored, and the unions and
// differences that are replied, are built as a types::Set from an empty intset, member by
// member, as Redis builds them, so they take the encoding Redis would give them. A STORE
// records its own argv (deterministic given the data) unless it changed nothing.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "src/commands/sets/handlers.h"
#include "src/commands/sets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server::sets {

namespace {

using SetList = std::vector<const types::Set*>;  // null: a missing key

Result<SetList> SourceSets(CommandContext& ctx, size_t first, size_t end) {
  SetList sets;
  sets.reserve(end - first);
  for (size_t i = first; i < end; i++) {
    auto set = ReadSet(ctx, ctx.arg(i));
    if (!set) return std::move(set).failure();
    sets.push_back(*set);
  }
  return sets;
}

// Calls fn(member) for each member of the intersection, in the order of the smallest set,
// until fn returns false.
template <typename F>
void ForEachInIntersection(SetList sets, F&& fn) {
  if (std::any_of(sets.begin(), sets.end(), [](const types::Set* s) { return s == nullptr; })) {
    return;
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const types::Set* a, const types::Set* b) { return a->size() < b->size(); });
  bool more = true;
  sets[0]->ForEach([&](std::string_view m) {
    if (!more) return;
    for (size_t i = 1; i < sets.size(); i++) {
      if (!sets[i]->Contains(m)) return;
    }
    more = fn(m);
  });
}

enum class Op { kInter, kUnion, kDiff };

// The keyspace event of the STORE form.
std::string_view StoreEvent(Op op) {
  return op == Op::kInter ? "sinterstore" : op == Op::kUnion ? "sunionstore" : "sdiffstore";
}

types::Set Combine(const SetList& sets, Op op, const types::SetLimits& limits) {
  types::Set out;
  switch (op) {
    case Op::kInter:
      ForEachInIntersection(sets, [&](std::string_view m) {
        out.Add(m, limits);
        return true;
      });
      break;
    case Op::kUnion:
      for (const types::Set* s : sets) {
        if (s != nullptr) s->ForEach([&](std::string_view m) { out.Add(m, limits); });
      }
      break;
    case Op::kDiff:
      if (sets[0] == nullptr) break;
      sets[0]->ForEach([&](std::string_view m) {
        for (size_t i = 1; i < sets.size(); i++) {
          if (sets[i] != nullptr && sets[i]->Contains(m)) return;
        }
        out.Add(m, limits);
      });
      break;
  }
  return out;
}

void ReplyCombined(CommandContext& ctx, Op op) {
  auto sets = SourceSets(ctx, 1, ctx.argc());
  if (!sets) return ctx.reply.Error(sets.error());
  if (op == Op::kInter) {
    std::vector<std::string> members;  // copies: an intset's members are formatted views
    ForEachInIntersection(*sets, [&](std::string_view m) {
      members.emplace_back(m);
      return true;
    });
    return ReplyMembers(ctx.reply, members);
  }
  const types::Set result = Combine(*sets, op, LimitsOf(ctx));
  ctx.reply.Set(result.size());
  result.ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

// <OP>STORE destination key...: the result replaces the destination whatever it held; an
// empty result deletes it.
void StoreCombined(CommandContext& ctx, Op op) {
  auto sets = SourceSets(ctx, 2, ctx.argc());
  if (!sets) return ctx.reply.Error(sets.error());
  types::Set result = Combine(*sets, op, LimitsOf(ctx));
  std::string_view dst = ctx.arg(1);
  const auto size = static_cast<int64_t>(result.size());
  if (size == 0) {
    // An empty result deletes the destination (del), or changes nothing when it was missing.
    if (ctx.db().Delete(dst, ctx.now_ms)) {
      Notify(ctx, kNotifyGeneric, "del", dst);
    } else {
      ctx.server.propagation.Suppress();
    }
  } else {
    ctx.db().Set(dst, Value::NewSet(std::move(result)));
    Notify(ctx, kNotifySet, StoreEvent(op), dst);
  }
  ctx.reply.Integer(size);
}

}  // namespace

void SInter(CommandContext& ctx) { ReplyCombined(ctx, Op::kInter); }
void SUnion(CommandContext& ctx) { ReplyCombined(ctx, Op::kUnion); }
void SDiff(CommandContext& ctx) { ReplyCombined(ctx, Op::kDiff); }
void SInterStore(CommandContext& ctx) { StoreCombined(ctx, Op::kInter); }
void SUnionStore(CommandContext& ctx) { StoreCombined(ctx, Op::kUnion); }
void SDiffStore(CommandContext& ctx) { StoreCombined(ctx, Op::kDiff); }

// SINTERCARD numkeys key... [LIMIT limit]: the intersection's size, counting stopped at the
// limit (0: no limit). The arguments are all checked before any key is looked up.
void SInterCard(CommandContext& ctx) {
  auto numkeys = Int64Arg(ctx, 1);
  if (!numkeys || *numkeys <= 0) return ctx.reply.Error(err::kNumKeysNotPositive);
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 2) {
    return ctx.reply.Error(err::kNumKeysOverArgs);
  }
  const size_t keys_end = 2 + static_cast<size_t>(*numkeys);
  uint64_t limit = 0;
  for (size_t i = keys_end; i < ctx.argc(); i += 2) {
    if (EqualsIgnoreCase(ctx.arg(i), "LIMIT") && i + 1 < ctx.argc()) {
      auto n = Int64Arg(ctx, i + 1);
      if (!n || *n < 0) return ctx.reply.Error(err::kLimitCantBeNegative);
      limit = static_cast<uint64_t>(*n);
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  auto sets = SourceSets(ctx, 2, keys_end);
  if (!sets) return ctx.reply.Error(sets.error());
  uint64_t count = 0;
  ForEachInIntersection(*sets, [&](std::string_view) {
    count++;
    return limit == 0 || count < limit;
  });
  ctx.reply.Integer(static_cast<int64_t>(count));
}

}  // namespace server::sets
