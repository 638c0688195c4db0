// Per-field expiry (Redis 7.4): HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT set it under NX/XX/GT/LT,
// HTTL HPTTL HEXPIRETIME HPEXPIRETIME read it, HPERSIST removes it. Per field the reply is a
// code: -2 no such field (or key), and for the setters 0 condition not met, 1 set, 2 deleted
// (a time already past); HPERSIST -1 no expiry, 1 removed. What is recorded is absolute: the
// fields set as one HPEXPIREAT, the fields deleted as one HDEL.
#include <limits>
#include <string>
#include <vector>

#include "src/commands/hashes/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server::hashes {

namespace {

using types::Hash;

enum class Condition { kAlways, kNx, kXx, kGt, kLt };

constexpr int64_t kNoField = -2;
constexpr int64_t kConditionNotMet = 0;
constexpr int64_t kSet = 1;
constexpr int64_t kDeleted = 2;

// The time argument as absolute ms, with Redis's bounds: negative is refused, and so is an
// absolute time past kMaxFieldExpiry.
Result<int64_t> ParseFieldTime(const CommandContext& ctx, bool seconds, bool absolute) {
  auto n = Int64Arg(ctx, 2);
  if (!n) return std::move(n).failure();
  if (*n < 0) return Failure(err::kFieldExpireNegative);
  int64_t at = *n;
  if (seconds) {
    if (at > kMaxFieldExpiry / 1000) return Failure(err::InvalidExpireTime(ctx.spec->name));
    at *= 1000;
  }
  if (!absolute) {
    if (at > kMaxFieldExpiry - ctx.now_ms) return Failure(err::InvalidExpireTime(ctx.spec->name));
    at += ctx.now_ms;
  }
  if (at > kMaxFieldExpiry) return Failure(err::InvalidExpireTime(ctx.spec->name));
  return at;
}

void SetFieldExpiry(CommandContext& ctx, bool seconds, bool absolute) {
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  auto at = ParseFieldTime(ctx, seconds, absolute);
  if (!at) return ctx.reply.Error(at.error());
  size_t pos = 3;
  Condition cond = Condition::kAlways;
  if (pos < ctx.argc()) {
    std::string_view opt = ctx.arg(pos);
    if (EqualsIgnoreCase(opt, "NX")) cond = Condition::kNx;
    if (EqualsIgnoreCase(opt, "XX")) cond = Condition::kXx;
    if (EqualsIgnoreCase(opt, "GT")) cond = Condition::kGt;
    if (EqualsIgnoreCase(opt, "LT")) cond = Condition::kLt;
    if (cond != Condition::kAlways) pos++;
  }
  auto fields = ParseFields(ctx, pos, /*exact=*/true, err::kFieldsMissing);
  if (!fields) return ctx.reply.Error(fields.error());
  ctx.reply.Array(fields->count);
  Propagation& propagation = ctx.server.propagation;
  if (*v == nullptr) {
    for (size_t i = 0; i < fields->count; i++) ctx.reply.Integer(kNoField);
    return propagation.Suppress();
  }
  Hash& h = (*v)->hash();
  std::vector<std::string_view> set, deleted;
  for (size_t i = fields->first; i < fields->first + fields->count; i++) {
    std::string_view field = ctx.arg(i);
    auto current = h.ExpiryOf(field);
    if (!current) {
      ctx.reply.Integer(kNoField);
      continue;
    }
    // A field without an expiry counts as expiring never: GT fails, LT succeeds.
    const bool has = *current != Hash::kNoExpiry;
    const bool ok = cond == Condition::kAlways || (cond == Condition::kNx && !has) ||
                    (cond == Condition::kXx && has) ||
                    (cond == Condition::kGt && has && *at > *current) ||
                    (cond == Condition::kLt && (!has || *at < *current));
    if (!ok) {
      ctx.reply.Integer(kConditionNotMet);
    } else if (*at <= ctx.now_ms) {
      h.Erase(field);
      deleted.push_back(field);
      ctx.reply.Integer(kDeleted);
    } else {
      h.SetExpiry(field, *at);
      set.push_back(field);
      ctx.reply.Integer(kSet);
    }
  }
  if (set.empty() && deleted.empty()) return propagation.Suppress();
  if (!set.empty()) {
    ctx.db().TrackFieldExpiry(ctx.arg(1));
    std::vector<std::string> argv{"HPEXPIREAT", std::string(ctx.arg(1)), std::to_string(*at),
                                  "FIELDS", std::to_string(set.size())};
    argv.insert(argv.end(), set.begin(), set.end());
    propagation.Add(std::move(argv));
  }
  if (!deleted.empty()) {
    std::vector<std::string> argv{"HDEL", std::string(ctx.arg(1))};
    argv.insert(argv.end(), deleted.begin(), deleted.end());
    propagation.Add(std::move(argv));
  }
  // hexpire for expiries set; a time already past deletes instead: hdel (Redis 7.4.1+), then
  // del if the hash emptied.
  if (!set.empty()) Notify(ctx, kNotifyHash, "hexpire", ctx.arg(1));
  if (!deleted.empty()) Notify(ctx, kNotifyHash, "hdel", ctx.arg(1));
  AfterWrite(ctx, ctx.arg(1), h);
}

// What the readers reply for a field with an expiry.
enum class Report { kTtlSeconds, kTtlMs, kAtSeconds, kAtMs };

void ReadFieldExpiry(CommandContext& ctx, Report report) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  auto fields = ParseFields(ctx, 2, /*exact=*/true, err::kFieldsMissing);
  if (!fields) return ctx.reply.Error(fields.error());
  ctx.reply.Array(fields->count);
  for (size_t i = fields->first; i < fields->first + fields->count; i++) {
    auto at = *v ? (*v)->hash().ExpiryOf(ctx.arg(i)) : std::nullopt;
    if (!at) {
      ctx.reply.Integer(kNoField);
    } else if (*at == Hash::kNoExpiry) {
      ctx.reply.Integer(-1);
    } else {
      const int64_t left = *at - ctx.now_ms;
      switch (report) {
        case Report::kTtlSeconds:
          ctx.reply.Integer((left + 999) / 1000);
          break;
        case Report::kTtlMs:
          ctx.reply.Integer(left);
          break;
        case Report::kAtSeconds:
          // Rounded up, like the TTL: a field is never reported as gone before it is.
          ctx.reply.Integer((*at + 999) / 1000);
          break;
        case Report::kAtMs:
          ctx.reply.Integer(*at);
          break;
      }
    }
  }
}

}  // namespace

void HExpire(CommandContext& ctx) { SetFieldExpiry(ctx, true, false); }
void HPExpire(CommandContext& ctx) { SetFieldExpiry(ctx, false, false); }
void HExpireAt(CommandContext& ctx) { SetFieldExpiry(ctx, true, true); }
void HPExpireAt(CommandContext& ctx) { SetFieldExpiry(ctx, false, true); }
void HTtl(CommandContext& ctx) { ReadFieldExpiry(ctx, Report::kTtlSeconds); }
void HPTtl(CommandContext& ctx) { ReadFieldExpiry(ctx, Report::kTtlMs); }
void HExpireTime(CommandContext& ctx) { ReadFieldExpiry(ctx, Report::kAtSeconds); }
void HPExpireTime(CommandContext& ctx) { ReadFieldExpiry(ctx, Report::kAtMs); }

void HPersist(CommandContext& ctx) {
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  auto fields = ParseFields(ctx, 2, /*exact=*/true, err::kFieldsMissing);
  if (!fields) return ctx.reply.Error(fields.error());
  ctx.reply.Array(fields->count);
  bool changed = false;
  for (size_t i = fields->first; i < fields->first + fields->count; i++) {
    auto at = *v ? (*v)->hash().ExpiryOf(ctx.arg(i)) : std::nullopt;
    if (!at) {
      ctx.reply.Integer(kNoField);
    } else if (*at == Hash::kNoExpiry) {
      ctx.reply.Integer(-1);
    } else {
      (*v)->hash().Persist(ctx.arg(i));
      changed = true;
      ctx.reply.Integer(1);
    }
  }
  if (changed) {
    ctx.db().Touch(ctx.arg(1));
    Notify(ctx, kNotifyHash, "hpersist", ctx.arg(1));
  } else {
    ctx.server.propagation.Suppress();
  }
}

}  // namespace server::hashes
