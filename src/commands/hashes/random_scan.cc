// HRANDFIELD and HSCAN. HRANDFIELD with a positive count returns distinct fields (the whole
// hash when the count reaches its size), with a negative count |count| picks that may repeat;
// it is read-only, so nothing is recorded. HSCAN returns a listpack-encoded hash whole in one
// call (cursor 0), a table-encoded one bucket by bucket, as Redis does.
#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "src/commands/hashes/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/glob.h"

namespace server::hashes {

namespace {

// Random picks need no reproducibility: they are never replayed (HRANDFIELD writes nothing).
std::mt19937_64& HashRng() {
  static std::mt19937_64 rng{0x68726e64ULL};
  return rng;
}

void ReplyPair(CommandContext& ctx, std::string_view f, std::string_view v, bool with_values) {
  // RESP3 nests each field and value as a pair; RESP2 flattens them.
  if (with_values && ctx.client.protocol >= 3) ctx.reply.Array(2);
  ctx.reply.Bulk(f);
  if (with_values) ctx.reply.Bulk(v);
}

}  // namespace

void HRandField(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
    if (!v) return ctx.reply.Error(v.error());
    if (*v == nullptr) return ctx.reply.Null();
    return ctx.reply.Bulk((*v)->hash().Random(HashRng()).first);
  }
  auto args = ParseRandomCount(ctx, "WITHVALUES");
  if (!args) return ctx.reply.Error(args.error());
  const int64_t count = args->count;
  const bool with_values = args->with_values;
  const auto magnitude = static_cast<int64_t>(args->magnitude());
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  if (*v == nullptr || count == 0) return ctx.reply.Array(0);
  const types::Hash& h = (*v)->hash();
  const size_t size = h.size();
  const size_t reply_len = with_values && ctx.client.protocol < 3 ? 2 : 1;
  if (count < 0) {
    if (args->magnitude() > kMaxRandomDraws) return ctx.reply.Error(err::kValueOutOfRange);
    ctx.reply.Array(static_cast<size_t>(magnitude) * reply_len);
    for (int64_t i = 0; i < magnitude; i++) {
      auto [f, val] = h.Random(HashRng());
      ReplyPair(ctx, f, val, with_values);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= size) {
    ctx.reply.Array(size * reply_len);
    h.ForEach([&](std::string_view f, std::string_view val, int64_t) {
      ReplyPair(ctx, f, val, with_values);
    });
    return;
  }
  const size_t want = static_cast<size_t>(count);
  std::vector<std::pair<std::string_view, std::string_view>> picked;
  picked.reserve(want);
  if (want * 3 > size) {
    // Most of the hash: shuffle the front of the whole list.
    std::vector<std::pair<std::string_view, std::string_view>> all;
    all.reserve(size);
    h.ForEach([&](std::string_view f, std::string_view val, int64_t) { all.emplace_back(f, val); });
    for (size_t i = 0; i < want; i++) {
      std::uniform_int_distribution<size_t> pick(i, size - 1);
      std::swap(all[i], all[pick(HashRng())]);
      picked.push_back(all[i]);
    }
  } else {
    // A small part of it: random picks, repeats skipped.
    std::unordered_set<std::string_view> seen;
    while (picked.size() < want) {
      auto pair = h.Random(HashRng());
      if (seen.insert(pair.first).second) picked.push_back(pair);
    }
  }
  ctx.reply.Array(want * reply_len);
  for (const auto& [f, val] : picked) ReplyPair(ctx, f, val, with_values);
}

void HScan(CommandContext& ctx) {
  auto cursor = ParseScanCursor(ctx.arg(2));
  if (!cursor) return ctx.reply.Error(cursor.error());
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  // A missing key answers an empty scan before the options are read (as Redis does).
  if (*v == nullptr) {
    ctx.reply.Array(2);
    ctx.reply.Bulk("0");
    return ctx.reply.Array(0);
  }
  auto opts = ParseScanOptions(ctx, 3, kScanNoValues);
  if (!opts) return ctx.reply.Error(opts.error());
  const int64_t count = opts->count;
  const std::optional<std::string_view> match = opts->match;
  const bool no_values = opts->no_values;
  const types::Hash& h = (*v)->hash();
  std::vector<std::pair<std::string_view, std::string_view>> found;
  uint64_t next = *cursor;
  // Buckets until `count` fields are gathered, at most about 10 * count steps.
  int64_t steps_left = count > std::numeric_limits<int64_t>::max() / 10 ? count : count * 10;
  do {
    next =
        h.Scan(next, [&](std::string_view f, std::string_view val) { found.emplace_back(f, val); });
  } while (next != 0 && steps_left-- > 0 && static_cast<int64_t>(found.size()) < count);
  std::optional<GlobPattern> pattern;
  if (match && *match != "*") pattern.emplace(*match);
  if (pattern) {
    std::erase_if(found, [&](const auto& p) { return !pattern->Match(p.first); });
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.Array(found.size() * (no_values ? 1 : 2));
  for (const auto& [f, val] : found) {
    ctx.reply.Bulk(f);
    if (!no_values) ctx.reply.Bulk(val);
  }
}

}  // namespace server::hashes
