// KEYS and SCAN. SCAN walks Db::Scan's reverse-binary cursor, so a key present for the whole
// iteration is returned at least once even if the table is resized between calls. Like Redis,
// COUNT bounds the buckets visited, not the keys returned: MATCH and TYPE filter afterwards.
#include <optional>
#include <string>
#include <vector>

#include "src/commands/keys/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/db.h"
#include "src/errors.h"
#include "src/glob.h"

namespace server::keys {


void Keys(CommandContext& ctx) {
  GlobPattern pattern(ctx.arg(1));
  std::vector<std::string_view> keys;
  ctx.db().ForEach(ctx.now_ms, [&](std::string_view key, const Value&) {
    if (pattern.matches_all() || pattern.Match(key)) keys.push_back(key);
  });
  ctx.reply.Array(keys.size());
  for (std::string_view k : keys) ctx.reply.Bulk(k);
}

void Scan(CommandContext& ctx) {
  auto cursor = ParseScanCursor(ctx.arg(1));
  if (!cursor) return ctx.reply.Error(cursor.error());
  auto opts = ParseScanOptions(ctx, 2, kScanType);
  if (!opts) return ctx.reply.Error(opts.error());
  const int64_t count = opts->count;
  const std::optional<std::string_view> match = opts->match;
  const std::optional<std::string_view> type = opts->type;

  // Visit buckets until `count` keys are gathered, giving up after about 10 * count steps so
  // a sparse table cannot make one call long.
  struct Candidate {
    std::string_view key;
    const Value* value;
  };
  std::vector<Candidate> found;
  uint64_t next = *cursor;
  int64_t steps_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  do {
    next = ctx.db().Scan(next, ctx.now_ms, [&](std::string_view key, const Value& v) {
      found.push_back({key, &v});
    });
  } while (next != 0 && steps_left-- > 0 && static_cast<int64_t>(found.size()) < count);

  std::optional<GlobPattern> pattern;
  if (match && *match != "*") pattern.emplace(*match);
  std::vector<std::string_view> keys;
  keys.reserve(found.size());
  for (const Candidate& c : found) {
    if (pattern && !pattern->Match(c.key)) continue;
    if (type) {
      // Redis looks each candidate up to learn its type, which counts as a keyspace hit.
      ctx.server.stats.keyspace_hits++;
      if (!EqualsIgnoreCase(c.value->TypeName(), *type)) continue;
    }
    keys.push_back(c.key);
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.Array(keys.size());
  for (std::string_view k : keys) ctx.reply.Bulk(k);
}

}  // namespace server::keys
