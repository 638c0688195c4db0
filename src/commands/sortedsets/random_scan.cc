// ZRANDMEMBER and ZSCAN. ZRANDMEMBER draws ranks with the server's generator (ServerState::rng)
// and reads each pick by rank (O(log n) on the large encoding); a positive count gives distinct
// members (the whole set when it has no more), a negative one |count| independent draws. It
// is read-only: nothing is recorded. ZSCAN returns a listpack-encoded set whole in one call
// (cursor 0) and a large one bucket by bucket of its hash table, as Redis does; scores are
// bulk strings in both protocols.
#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "resp/writer.h"
#include "src/commands/keys/util.h"
#include "src/commands/sortedsets/handlers.h"
#include "src/commands/sortedsets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/glob.h"

namespace server::zsets {

namespace {

size_t RandomRank(size_t size, std::mt19937_64& rng) {
  std::uniform_int_distribution<size_t> pick(0, size - 1);
  return pick(rng);
}

// `want` (< size) distinct ranks in random order.
std::vector<size_t> DistinctRanks(size_t size, size_t want, std::mt19937_64& rng) {
  std::vector<size_t> ranks;
  if (want * 3 > size) {
    // Most of the set: the front of a partial shuffle of every rank.
    ranks.resize(size);
    std::iota(ranks.begin(), ranks.end(), size_t{0});
    for (size_t i = 0; i < want; i++) {
      std::uniform_int_distribution<size_t> pick(i, size - 1);
      std::swap(ranks[i], ranks[pick(rng)]);
    }
    ranks.resize(want);
    return ranks;
  }
  // A small part of it: random draws, repeats skipped.
  std::unordered_set<size_t> seen;
  ranks.reserve(want);
  while (ranks.size() < want) {
    const size_t r = RandomRank(size, rng);
    if (seen.insert(r).second) ranks.push_back(r);
  }
  return ranks;
}

void ReplyItem(resp::Writer& w, const types::ZSet::Item& item, bool with_scores) {
  if (with_scores) return ReplyPair(w, item, /*flat=*/false);
  w.Bulk(item.member);
}

}  // namespace

// ZRANDMEMBER key [count [WITHSCORES]]. Replies are arrays (RESP3: of [member, score] pairs
// with WITHSCORES).
void ZRandMember(CommandContext& ctx) {
  std::mt19937_64& rng = ctx.server.rng;
  if (ctx.argc() == 2) {
    auto z = ReadZSet(ctx, ctx.arg(1));
    if (!z) return ctx.reply.Error(z.error());
    if (*z == nullptr) return ctx.reply.Null();
    return ctx.reply.Bulk((*z)->At(RandomRank((*z)->size(), rng)).member);
  }
  auto args = ParseRandomCount(ctx, "WITHSCORES");
  if (!args) return ctx.reply.Error(args.error());
  auto found = ReadZSet(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  if (*found == nullptr || args->count == 0) return ctx.reply.Array(0);
  const types::ZSet& z = **found;
  const bool with_scores = args->with_values;
  auto header = [&](size_t n) {
    with_scores ? ReplyPairHeader(ctx.reply, n, /*flat=*/false) : ctx.reply.Array(n);
  };
  if (args->count < 0) {
    if (args->magnitude() > kMaxRandomDraws) return ctx.reply.Error(err::kValueOutOfRange);
    const auto draws = static_cast<size_t>(args->magnitude());
    header(draws);
    for (size_t i = 0; i < draws; i++)
      ReplyItem(ctx.reply, z.At(RandomRank(z.size(), rng)), with_scores);
    return;
  }
  if (args->magnitude() >= z.size()) {
    header(z.size());
    z.Walk(0, z.size(), false, [&](const types::ZSet::Item& item) {
      ReplyItem(ctx.reply, item, with_scores);
      return true;
    });
    return;
  }
  const std::vector<size_t> ranks = DistinctRanks(z.size(), static_cast<size_t>(args->count), rng);
  header(ranks.size());
  for (size_t r : ranks) ReplyItem(ctx.reply, z.At(r), with_scores);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count].
void ZScan(CommandContext& ctx) {
  auto cursor = ParseScanCursor(ctx.arg(2));
  if (!cursor) return ctx.reply.Error(cursor.error());
  auto found = ReadZSet(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  // A missing key answers an empty scan before the options are read (as Redis does).
  if (*found == nullptr) {
    ctx.reply.Array(2);
    ctx.reply.Bulk("0");
    return ctx.reply.Array(0);
  }
  auto opts = ParseScanOptions(ctx, 3);
  if (!opts) return ctx.reply.Error(opts.error());
  const int64_t count = opts->count;
  const std::optional<std::string_view> match = opts->match;
  const types::ZSet& z = **found;
  std::vector<std::pair<std::string, double>> items;
  uint64_t next = 0;
  auto keep = [&](const types::ZSet::Item& item) { items.emplace_back(item.member, item.score); };
  if (z.packed()) {
    z.Walk(0, z.size(), false, [&](const types::ZSet::Item& item) {
      keep(item);
      return true;
    });
  } else {
    next = *cursor;
    // Buckets until `count` members are gathered, at most about 10 * count steps.
    int64_t steps_left = count > std::numeric_limits<int64_t>::max() / 10 ? count : count * 10;
    do {
      next = z.Scan(next, keep);
    } while (next != 0 && steps_left-- > 0 && static_cast<int64_t>(items.size()) < count);
  }
  std::optional<GlobPattern> pattern;
  if (match && *match != "*") pattern.emplace(*match);
  if (pattern) std::erase_if(items, [&](const auto& it) { return !pattern->Match(it.first); });
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.Array(items.size() * 2);
  for (const auto& [member, score] : items) {
    ctx.reply.Bulk(member);
    ctx.reply.Bulk(resp::FormatDouble(score));
  }
}

}  // namespace server::zsets
