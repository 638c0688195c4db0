// INCR/DECR family and INCRBYFLOAT. Integers are kept as their decimal text and re-parsed
// strictly (no '+', spaces or leading zeros), which is what Redis accepts from a stored string.
#include <cmath>
#include <limits>

#include "resp/strict_int.h"
#include "src/commands/strings/handlers.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/number_format.h"

namespace server::strings {

namespace {

void IncrByValue(CommandContext& ctx, int64_t delta) {
  Db& db = ctx.db();
  Value* v = db.Find(ctx.arg(1), ctx.now_ms);
  int64_t current = 0;
  if (v != nullptr) {
    if (!v->is_string()) return ctx.reply.Error(err::kWrongType);
    if (!resp::ParseStrictInt64(v->str(), current)) return ctx.reply.Error(err::kNotInteger);
  }
  int64_t result;
  if (__builtin_add_overflow(current, delta, &result)) {
    return ctx.reply.Error(err::kIncrOverflow);
  }
  if (v != nullptr) {
    v->str() = std::to_string(result);
    db.Touch(ctx.arg(1));
  } else {
    db.Set(ctx.arg(1), Value::String(std::to_string(result)));
  }
  Notify(ctx, kNotifyString, "incrby", ctx.arg(1));
  ctx.reply.Integer(result);
}

}  // namespace

void Incr(CommandContext& ctx) { IncrByValue(ctx, 1); }
void Decr(CommandContext& ctx) { IncrByValue(ctx, -1); }

void IncrBy(CommandContext& ctx) {
  auto delta = Int64Arg(ctx, 2);
  if (!delta) return ctx.reply.Error(delta.error());
  IncrByValue(ctx, *delta);
}

void DecrBy(CommandContext& ctx) {
  auto delta = Int64Arg(ctx, 2);
  if (!delta) return ctx.reply.Error(delta.error());
  // Its negation does not exist; Redis reports it with a message of its own.
  if (*delta == std::numeric_limits<int64_t>::min()) {
    return ctx.reply.Error(err::kDecrementOverflow);
  }
  IncrByValue(ctx, -*delta);
}

void IncrByFloat(CommandContext& ctx) {
  Db& db = ctx.db();
  Value* v = db.Find(ctx.arg(1), ctx.now_ms);
  long double current = 0;
  if (v != nullptr) {
    if (!v->is_string()) return ctx.reply.Error(err::kWrongType);
    auto parsed = ParseLongDouble(v->str());
    if (!parsed) return ctx.reply.Error(err::kNotFloat);
    current = *parsed;
  }
  auto delta = ParseLongDouble(ctx.arg(2));
  if (!delta) return ctx.reply.Error(err::kNotFloat);
  long double result = current + *delta;
  if (std::isnan(result) || std::isinf(result)) return ctx.reply.Error(err::kIncrFloatNanOrInf);
  std::string text = FormatLongDouble(result);
  // Stays a bulk string in RESP3 too: Redis replies with the stored text, not a double.
  ctx.reply.Bulk(text);
  // The result, not the increment: float arithmetic replayed elsewhere may round differently.
  // KEEPTTL, as Redis writes it, because the key keeps its expiry.
  ctx.server.propagation.Add({"SET", ctx.arg(1), text, "KEEPTTL"});
  if (v != nullptr) {
    v->str() = std::move(text);
    db.Touch(ctx.arg(1));
  } else {
    db.Set(ctx.arg(1), Value::String(std::move(text)));
  }
  Notify(ctx, kNotifyString, "incrbyfloat", ctx.arg(1));
}

}  // namespace server::strings
