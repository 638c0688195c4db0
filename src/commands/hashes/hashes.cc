// Hash commands: the family's CommandSpec table, the helpers every handler shares, and the
// plain field commands (set, get, delete, count, counters). HRANDFIELD and HSCAN live in
// random_scan.cc, field expiry in field_expiry.cc, HGETDEL/HGETEX/HSETEX in get_set_ex.cc.
// Writes record what they did: a call that changed nothing records nothing, HINCRBYFLOAT
// records the resulting value as HSET (plus the field's expiry, which HSET would clear).
#include <cmath>
#include <string>
#include <vector>

#include "resp/strict_int.h"
#include "src/commands/hashes/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/config.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/number_format.h"

namespace server::hashes {

Result<Value*> FindHashForWrite(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (auto t = CheckType(v, ValueType::kHash); !t) return std::move(t).failure();
  return v;
}

types::Hash& HashForWrite(CommandContext& ctx, std::string_view key, Value* existing) {
  if (existing != nullptr) return existing->hash();
  return ctx.db().Set(key, Value::NewHash()).hash();
}

void AfterWrite(CommandContext& ctx, std::string_view key, const types::Hash& hash) {
  AfterCollectionWrite(ctx, key, hash.empty(), kNotifyHash, "");
}

types::HashLimits Limits(const CommandContext& ctx) { return HashLimitsFrom(ctx.server.config); }

Result<FieldsSpan> ParseFields(const CommandContext& ctx, size_t at, bool exact,
                               std::string_view missing_error) {
  if (at >= ctx.argc() || !EqualsIgnoreCase(ctx.arg(at), "FIELDS")) {
    return Failure(missing_error);
  }
  if (at + 1 >= ctx.argc()) return Failure(err::WrongArity(ctx.spec->name));
  int64_t n;
  if (!resp::ParseStrictInt64(ctx.arg(at + 1), n) || n < 1) {
    return Failure(err::kNumFieldsNotPositive);
  }
  const size_t left = ctx.argc() - at - 2;
  if (exact && static_cast<uint64_t>(n) != left) return Failure(err::kNumFieldsMismatch);
  if (!exact && static_cast<uint64_t>(n) > left) return Failure(err::kNumFieldsTooMany);
  return FieldsSpan{at + 2, static_cast<size_t>(n)};
}

namespace {

Result<void> CheckPairs(const CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return {};
  return Failure(err::WrongArity(ctx.spec->name));
}

// HSET and HMSET: every pair is written; fields that existed lose their expiry.
Result<int64_t> SetPairs(CommandContext& ctx) {
  if (auto pairs = CheckPairs(ctx); !pairs) return std::move(pairs).failure();
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return std::move(v).failure();
  types::Hash& h = HashForWrite(ctx, ctx.arg(1), *v);
  const types::HashLimits limits = Limits(ctx);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) added += h.Set(ctx.arg(i), ctx.arg(i + 1), limits);
  ctx.db().Touch(ctx.arg(1));
  Notify(ctx, kNotifyHash, "hset", ctx.arg(1));  // even when no value changed, as Redis
  return added;
}

void HSet(CommandContext& ctx) {
  auto added = SetPairs(ctx);
  if (!added) return ctx.reply.Error(added.error());
  ctx.reply.Integer(*added);
}

void HMSet(CommandContext& ctx) {
  auto added = SetPairs(ctx);
  if (!added) return ctx.reply.Error(added.error());
  ctx.reply.Ok();
}

void HSetNx(CommandContext& ctx) {
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  if (*v != nullptr && (*v)->hash().Contains(ctx.arg(2))) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  types::Hash& h = HashForWrite(ctx, ctx.arg(1), *v);
  h.Set(ctx.arg(2), ctx.arg(3), Limits(ctx));
  ctx.db().Touch(ctx.arg(1));
  Notify(ctx, kNotifyHash, "hset", ctx.arg(1));
  ctx.reply.Integer(1);
}

void HGet(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  if (*v == nullptr) return ctx.reply.Null();
  auto value = (*v)->hash().Get(ctx.arg(2));
  value ? ctx.reply.Bulk(*value) : ctx.reply.Null();
}

void HMGet(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    auto value = *v ? (*v)->hash().Get(ctx.arg(i)) : std::nullopt;
    value ? ctx.reply.Bulk(*value) : ctx.reply.Null();
  }
}

void HDel(CommandContext& ctx) {
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  int64_t deleted = 0;
  if (*v != nullptr) {
    types::Hash& h = (*v)->hash();
    for (size_t i = 2; i < ctx.argc() && !h.empty(); i++) deleted += h.Erase(ctx.arg(i));
    if (deleted > 0) {
      Notify(ctx, kNotifyHash, "hdel", ctx.arg(1));
      AfterWrite(ctx, ctx.arg(1), h);
    }
  }
  if (deleted == 0) ctx.server.propagation.Suppress();
  ctx.reply.Integer(deleted);
}

void HLen(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Integer(*v ? static_cast<int64_t>((*v)->hash().size()) : 0);
}

void HStrLen(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  auto value = *v ? (*v)->hash().Get(ctx.arg(2)) : std::nullopt;
  ctx.reply.Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

void HExists(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Integer(*v && (*v)->hash().Contains(ctx.arg(2)) ? 1 : 0);
}

// HKEYS, HVALS, HGETALL: what each field contributes.
enum class Part { kKeys, kValues, kBoth };

void ReplyAll(CommandContext& ctx, Part part) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  const size_t n = *v ? (*v)->hash().size() : 0;
  part == Part::kBoth ? ctx.reply.Map(n) : ctx.reply.Array(n);
  if (n == 0) return;
  (*v)->hash().ForEach([&](std::string_view f, std::string_view value, int64_t) {
    if (part != Part::kValues) ctx.reply.Bulk(f);
    if (part != Part::kKeys) ctx.reply.Bulk(value);
  });
}

void HKeys(CommandContext& ctx) { ReplyAll(ctx, Part::kKeys); }
void HVals(CommandContext& ctx) { ReplyAll(ctx, Part::kValues); }
void HGetAll(CommandContext& ctx) { ReplyAll(ctx, Part::kBoth); }

void HIncrBy(CommandContext& ctx) {
  auto delta = Int64Arg(ctx, 3);
  if (!delta) return ctx.reply.Error(delta.error());
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  int64_t current = 0;
  if (*v != nullptr) {
    if (auto old = (*v)->hash().Get(ctx.arg(2))) {
      if (!resp::ParseStrictInt64(*old, current)) {
        return ctx.reply.Error(err::kHashValueNotInteger);
      }
    }
  }
  int64_t result;
  if (__builtin_add_overflow(current, *delta, &result)) {
    return ctx.reply.Error(err::kIncrOverflow);
  }
  types::Hash& h = HashForWrite(ctx, ctx.arg(1), *v);
  // The value changes in place: the field keeps its expiry.
  h.Set(ctx.arg(2), std::to_string(result), Limits(ctx), /*keep_expiry=*/true);
  ctx.db().Touch(ctx.arg(1));
  Notify(ctx, kNotifyHash, "hincrby", ctx.arg(1));
  ctx.reply.Integer(result);
}

void HIncrByFloat(CommandContext& ctx) {
  auto delta = ParseLongDouble(ctx.arg(3));
  if (!delta) return ctx.reply.Error(err::kNotFloat);
  if (std::isnan(*delta) || std::isinf(*delta)) return ctx.reply.Error(err::kIncrNanOrInfinity);
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  long double current = 0;
  if (*v != nullptr) {
    if (auto old = (*v)->hash().Get(ctx.arg(2))) {
      auto parsed = ParseLongDouble(*old);
      if (!parsed) return ctx.reply.Error(err::kHashValueNotFloat);
      current = *parsed;
    }
  }
  const long double result = current + *delta;
  if (std::isnan(result) || std::isinf(result)) return ctx.reply.Error(err::kIncrFloatNanOrInf);
  const std::string text = FormatLongDouble(result);
  types::Hash& h = HashForWrite(ctx, ctx.arg(1), *v);
  h.Set(ctx.arg(2), text, Limits(ctx), /*keep_expiry=*/true);
  ctx.db().Touch(ctx.arg(1));
  Notify(ctx, kNotifyHash, "hincrbyfloat", ctx.arg(1));
  // The result, not the increment (float arithmetic replayed elsewhere may round differently);
  // HSET clears a field's expiry, so an expiry the field keeps is recorded after it.
  ctx.server.propagation.Add({"HSET", ctx.arg(1), ctx.arg(2), text});
  const int64_t at = h.ExpiryOf(ctx.arg(2)).value_or(types::Hash::kNoExpiry);
  if (at != types::Hash::kNoExpiry) {
    ctx.server.propagation.Add(
        {"HPEXPIREAT", ctx.arg(1), std::to_string(at), "FIELDS", "1", ctx.arg(2)});
  }
  ctx.reply.Bulk(text);
}

constexpr uint32_t kWriteOom = kWrite | kDenyOom;

constexpr CommandSpec kHashCommands[] = {
    {"hset", -4, kWriteOom | kFast, 1, 1, 1, HSet,
     "Creates or modifies the value of a field in a hash", "2.0.0", "hash",
     {"O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command "
      "is called with multiple field/value pairs.", "key (data=field value)...", "",
      "RW update insert"}},
    {"hsetnx", 4, kWriteOom | kFast, 1, 1, 1, HSetNx,
     "Sets the value of a field in a hash only when the field doesn't exist", "2.0.0", "hash",
     {"O(1)", "key field value", "", "RW insert"}},
    {"hmset", -4, kWriteOom | kFast, 1, 1, 1, HMSet, "Sets the values of multiple fields",
     "2.0.0", "hash",
     {"O(N) where N is the number of fields being set.", "key (data=field value)...", "",
      "RW update"}},
    {"hget", 3, kReadOnly | kFast, 1, 1, 1, HGet, "Returns the value of a field in a hash",
     "2.0.0", "hash", {"O(1)", "key field"}},
    {"hmget", -3, kReadOnly | kFast, 1, 1, 1, HMGet, "Returns the values of all fields in a hash",
     "2.0.0", "hash", {"O(N) where N is the number of fields being requested.", "key field..."}},
    {"hdel", -3, kWrite | kFast, 1, 1, 1, HDel,
     "Deletes one or more fields and their values from a hash. Deletes the hash if no fields "
     "remain.", "2.0.0", "hash",
     {"O(N) where N is the number of fields to be removed.", "key field...", "", "RW delete"}},
    {"hlen", 2, kReadOnly | kFast, 1, 1, 1, HLen, "Returns the number of fields in a hash",
     "2.0.0", "hash", {"O(1)", "key"}},
    {"hstrlen", 3, kReadOnly | kFast, 1, 1, 1, HStrLen,
     "Returns the length of the value of a field", "3.2.0", "hash", {"O(1)", "key field"}},
    {"hexists", 3, kReadOnly | kFast, 1, 1, 1, HExists,
     "Determines whether a field exists in a hash", "2.0.0", "hash", {"O(1)", "key field"}},
    {"hkeys", 2, kReadOnly, 1, 1, 1, HKeys, "Returns all fields in a hash", "2.0.0", "hash",
     {"O(N) where N is the size of the hash.", "key", "nondeterministic_output_order"}},
    {"hvals", 2, kReadOnly, 1, 1, 1, HVals, "Returns all values in a hash", "2.0.0", "hash",
     {"O(N) where N is the size of the hash.", "key", "nondeterministic_output_order"}},
    {"hgetall", 2, kReadOnly, 1, 1, 1, HGetAll, "Returns all fields and values in a hash",
     "2.0.0", "hash",
     {"O(N) where N is the size of the hash.", "key", "nondeterministic_output_order"}},
    {"hincrby", 4, kWriteOom | kFast, 1, 1, 1, HIncrBy,
     "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if "
     "the field doesn't exist.", "2.0.0", "hash",
     {"O(1)", "key field increment:integer", "", "RW access update"}},
    {"hincrbyfloat", 4, kWriteOom | kFast, 1, 1, 1, HIncrByFloat,
     "Increments the floating point value of a field by a number. Uses 0 as initial value if "
     "the field doesn't exist.", "2.6.0", "hash",
     {"O(1)", "key field increment:double", "", "RW access update"}},
    {"hrandfield", -2, kReadOnly, 1, 1, 1, HRandField,
     "Returns one or more random fields from a hash", "6.2.0", "hash",
     {"O(N) where N is the number of fields returned",
      "key [options=(count:integer [WITHVALUES])]", "nondeterministic_output"}},
    {"hscan", -3, kReadOnly, 1, 1, 1, HScan,
     "Iterates over fields and values of a hash", "2.8.0", "hash",
     {"O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection.",
      "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [NOVALUES]",
      "nondeterministic_output"}},
    {"hexpire", -6, kWrite | kFast, 1, 1, 1, HExpire,
     "Set expiry for hash field using relative time to expire (seconds)", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key seconds:integer [condition=NX|XX|GT|LT] fields=FIELDS numfields:integer field...", "",
      "RW update"}},
    {"hpexpire", -6, kWrite | kFast, 1, 1, 1, HPExpire,
     "Set expiry for hash field using relative time to expire (milliseconds)", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key milliseconds:integer [condition=NX|XX|GT|LT] fields=FIELDS numfields:integer field...",
      "", "RW update"}},
    {"hexpireat", -6, kWrite | kFast, 1, 1, 1, HExpireAt,
     "Set expiry for hash field using an absolute Unix timestamp (seconds)", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key unix-time-seconds:unix-time [condition=NX|XX|GT|LT] fields=FIELDS numfields:integer "
      "field...", "", "RW update"}},
    {"hpexpireat", -6, kWrite | kFast, 1, 1, 1, HPExpireAt,
     "Set expiry for hash field using an absolute Unix timestamp (milliseconds)", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key unix-time-milliseconds:unix-time [condition=NX|XX|GT|LT] fields=FIELDS "
      "numfields:integer field...", "", "RW update"}},
    {"httl", -5, kReadOnly | kFast, 1, 1, 1, HTtl,
     "Returns the TTL in seconds of a hash field.", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key fields=FIELDS numfields:integer field..."}},
    {"hpttl", -5, kReadOnly | kFast, 1, 1, 1, HPTtl,
     "Returns the TTL in milliseconds of a hash field.", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key fields=FIELDS numfields:integer field..."}},
    {"hexpiretime", -5, kReadOnly | kFast, 1, 1, 1, HExpireTime,
     "Returns the expiration time of a hash field as a Unix timestamp, in seconds.", "7.4.0",
     "hash", {"O(N) where N is the number of specified fields",
              "key fields=FIELDS numfields:integer field..."}},
    {"hpexpiretime", -5, kReadOnly | kFast, 1, 1, 1, HPExpireTime,
     "Returns the expiration time of a hash field as a Unix timestamp, in msec.", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key fields=FIELDS numfields:integer field..."}},
    {"hpersist", -5, kWrite | kFast, 1, 1, 1, HPersist,
     "Removes the expiration time for each specified field", "7.4.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key fields=FIELDS numfields:integer field...", "", "RW update"}},
    {"hgetdel", -5, kWrite | kFast, 1, 1, 1, HGetDel,
     "Returns the value of a field and deletes it from the hash", "8.0.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key fields=FIELDS numfields:integer field...", "", "RW access delete"}},
    {"hgetex", -5, kWrite | kFast, 1, 1, 1, HGetEx,
     "Get the value of one or more fields of a given hash key, and optionally set their "
     "expiration.", "8.0.0", "hash",
     {"O(N) where N is the number of specified fields",
      "key [expiration=EX seconds:integer|PX milliseconds:integer|EXAT "
      "unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST] "
      "fields=FIELDS numfields:integer field...", "", "RW access update"}},
    {"hsetex", -6, kWriteOom | kFast, 1, 1, 1, HSetEx,
     "Set the value of one or more fields of a given hash key, and optionally set their "
     "expiration.", "8.0.0", "hash",
     {"O(N) where N is the number of fields being set.",
      "key [condition=FNX|FXX] [expiration=EX seconds:integer|PX milliseconds:integer|EXAT "
      "unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|KEEPTTL] "
      "fields=FIELDS numfields:integer (data=field value)...", "", "RW update"}},
};

}  // namespace

}  // namespace server::hashes

namespace server {

std::span<const CommandSpec> HashRows() { return hashes::kHashCommands; }

}  // namespace server
