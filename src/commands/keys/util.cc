#include "src/commands/keys/util.h"

#include <limits>

#include "resp/strict_int.h"
#include "src/delivery/group_due.h"
#include "src/errors.h"
#include "src/server_state.h"

namespace server {

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

}  // namespace

Value* LookupRead(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (v != nullptr) {
    ctx.server.stats.keyspace_hits++;
  } else {
    ctx.server.stats.keyspace_misses++;
  }
  return v;
}

bool CheckType(CommandContext& ctx, const Value* v, ValueType type) {
  if (v == nullptr || v->type() == type) return true;
  ctx.reply.Error(err::kWrongType);
  return false;
}

std::optional<int64_t> ParseExpire(CommandContext& ctx, std::string_view arg, bool seconds,
                                   bool absolute, bool positive_only) {
  int64_t t;
  if (!resp::ParseStrictInt64(arg, t)) {
    ctx.reply.Error(err::kNotInteger);
    return std::nullopt;
  }
  bool valid = !positive_only || t > 0;
  if (valid && seconds) {
    valid = t <= kMax / 1000 && t >= kMin / 1000;
    if (valid) t *= 1000;
  }
  if (valid && !absolute) {
    // now_ms is positive, so only the upper end can overflow.
    valid = t <= kMax - ctx.now_ms;
    if (valid) t += ctx.now_ms;
  }
  if (!valid) {
    ctx.reply.Error(err::InvalidExpireTime(ctx.spec->name));
    return std::nullopt;
  }
  return t;
}

void ArmMovedStream(CommandContext& ctx, int db, std::string_view key) {
  Value* v = ctx.server.dbs[static_cast<size_t>(db)]->Find(key, ctx.now_ms);
  if (v != nullptr && v->is_stream()) ArmStreamGroups(ctx.server, db, key, v->stream());
}

}  // namespace server
