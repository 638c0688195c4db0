// SRANDMEMBER and SPOP: members chosen with the server's generator (ServerState::rng, which a
// test can seed). SPOP records its choice, not the draw: SREM of the members it took (in
// batches), or DEL when it took the whole set, so replaying the AOF never draws again.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "src/commands/sets/handlers.h"
#include "src/commands/sets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server::sets {

namespace {

// Members per SREM record of SPOP's effect (Redis 7.2+ batches them the same way).
constexpr size_t kSRemBatch = 1024;

void SRandMemberOne(CommandContext& ctx) {
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  if (*set == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk((*set)->RandomMember(ctx.server.rng));
}

void SPopOne(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  auto set = WriteSet(ctx, key);
  if (!set) return ctx.reply.Error(set.error());
  if (*set == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Null();
  }
  std::string member = (*set)->RandomMember(ctx.server.rng);
  ctx.reply.Bulk(member);
  (*set)->Remove(member);
  AfterRemove(ctx, key, **set, "spop");
  ctx.server.propagation.Add({"SREM", key, member});
}

}  // namespace

// SRANDMEMBER key [count]: a positive count gives distinct members (the whole set when it has
// no more), a negative one |count| independent draws. Replies are arrays in RESP3 too.
void SRandMember(CommandContext& ctx) {
  if (ctx.argc() == 2) return SRandMemberOne(ctx);
  if (ctx.argc() > 3) return ctx.reply.Error(err::kSyntax);
  auto count = Int64Arg(ctx, 2);
  if (!count) return ctx.reply.Error(count.error());
  if (*count == std::numeric_limits<int64_t>::min()) {
    return ctx.reply.Error(err::kSRandMemberCountRange);
  }
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  if (*set == nullptr || *count == 0) return ctx.reply.Array(0);
  const types::Set& s = **set;
  if (*count < 0) {
    const auto draws = static_cast<uint64_t>(-*count);
    ctx.reply.Array(draws);
    for (uint64_t i = 0; i < draws; i++) ctx.reply.Bulk(s.RandomMember(ctx.server.rng));
    return;
  }
  const auto picked = s.RandomDistinct(static_cast<size_t>(*count), ctx.server.rng);
  ctx.reply.Array(picked.size());
  for (const auto& m : picked) ctx.reply.Bulk(m);
}

// SPOP key [count]: removes and returns random distinct members (a set reply in RESP3).
void SPop(CommandContext& ctx) {
  if (ctx.argc() == 2) return SPopOne(ctx);
  if (ctx.argc() > 3) return ctx.reply.Error(err::kSyntax);
  auto count = Int64Arg(ctx, 2, err::kOutOfRangeMustBePositive);
  if (!count || *count < 0) return ctx.reply.Error(err::kOutOfRangeMustBePositive);
  std::string_view key = ctx.arg(1);
  auto set = WriteSet(ctx, key);
  if (!set) return ctx.reply.Error(set.error());
  Propagation& propagation = ctx.server.propagation;
  if (*set == nullptr || *count == 0) {
    propagation.Suppress();
    return ctx.reply.Set(0);
  }
  types::Set& s = **set;
  if (static_cast<uint64_t>(*count) >= s.size()) {
    ctx.reply.Set(s.size());
    s.ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
    ctx.db().Delete(key, ctx.now_ms);
    Notify(ctx, kNotifySet, "spop", key);
    Notify(ctx, kNotifyGeneric, "del", key);
    propagation.Add({"DEL", key});
    return;
  }
  const auto picked = s.RandomDistinct(static_cast<size_t>(*count), ctx.server.rng);
  ReplyMembers(ctx.reply, picked);
  for (const auto& m : picked) s.Remove(m);
  AfterRemove(ctx, key, s, "spop");
  for (size_t i = 0; i < picked.size(); i += kSRemBatch) {
    std::vector<std::string> argv = {"SREM", std::string(key)};
    const size_t end = std::min(picked.size(), i + kSRemBatch);
    argv.insert(argv.end(), picked.begin() + static_cast<std::ptrdiff_t>(i),
                picked.begin() + static_cast<std::ptrdiff_t>(end));
    propagation.Add(std::move(argv));
  }
}

}  // namespace server::sets
