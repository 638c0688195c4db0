// Redis 8.0's HGETDEL, HGETEX and HSETEX: reads and writes of several fields with their
// expiry in one command. What they record is what Redis 7.x can replay too: HDEL for fields
// deleted, HPEXPIREAT with the absolute time for expiries set, HPERSIST, HSET for values.
#include <map>
#include <optional>
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
using Argv = std::vector<std::string>;

// EX/PX/EXAT/PXAT (and PERSIST or KEEPTTL) as these commands take them.
struct ExpiryOption {
  bool given = false;
  bool seconds = false;
  bool absolute = false;
  std::string_view arg;
  bool persist = false;   // HGETEX
  bool keep_ttl = false;  // HSETEX
  bool any() const { return given || persist || keep_ttl; }
};

// Reads one expiry option at argv[i] (advancing past its argument); nullopt if argv[i] is not
// one. `other` is PERSIST or KEEPTTL, whichever the command takes.
std::optional<Result<void>> ParseExpiryOption(const CommandContext& ctx, size_t& i, ExpiryOption& o,
                                              std::string_view other, std::string_view one_error) {
  std::string_view a = ctx.arg(i);
  const bool is_ex = EqualsIgnoreCase(a, "EX"), is_px = EqualsIgnoreCase(a, "PX");
  const bool is_exat = EqualsIgnoreCase(a, "EXAT"), is_pxat = EqualsIgnoreCase(a, "PXAT");
  if (is_ex || is_px || is_exat || is_pxat) {
    if (o.any()) return Result<void>(Failure(one_error));
    if (i + 1 >= ctx.argc()) return Result<void>(Failure(err::kSyntax));
    o.given = true;
    o.seconds = is_ex || is_exat;
    o.absolute = is_exat || is_pxat;
    o.arg = ctx.arg(++i);
    return Result<void>();
  }
  if (EqualsIgnoreCase(a, other)) {
    if (o.any()) return Result<void>(Failure(one_error));
    (other == "PERSIST" ? o.persist : o.keep_ttl) = true;
    return Result<void>();
  }
  return std::nullopt;
}

// The option's time as absolute ms: positive, and within the field-expiry bound.
Result<int64_t> ExpiryTime(const CommandContext& ctx, const ExpiryOption& o) {
  auto at = ParsePositiveExpire(ctx, o.arg, o.seconds, o.absolute);
  if (!at) return std::move(at).failure();
  if (*at > kMaxFieldExpiry) return Failure(err::InvalidExpireTime(ctx.spec->name));
  return *at;
}

void RecordExpiries(CommandContext& ctx, std::string_view key,
                    const std::map<int64_t, Argv>& by_time) {
  for (const auto& [at, fields] : by_time) {
    Argv argv{"HPEXPIREAT", std::string(key), std::to_string(at), "FIELDS",
              std::to_string(fields.size())};
    argv.insert(argv.end(), fields.begin(), fields.end());
    ctx.server.propagation.Add(std::move(argv));
  }
}

}  // namespace

void HGetDel(CommandContext& ctx) {
  auto fields = ParseFields(ctx, 2, /*exact=*/true, err::kFieldsMissing);
  if (!fields) return ctx.reply.Error(fields.error());
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Array(fields->count);
  Argv hdel{"HDEL", std::string(ctx.arg(1))};
  for (size_t i = fields->first; i < fields->first + fields->count; i++) {
    auto value = *v ? (*v)->hash().Get(ctx.arg(i)) : std::nullopt;
    if (!value) {
      ctx.reply.Null();
      continue;
    }
    ctx.reply.Bulk(*value);
    (*v)->hash().Erase(ctx.arg(i));
    hdel.emplace_back(ctx.arg(i));
  }
  if (hdel.size() == 2) return ctx.server.propagation.Suppress();
  ctx.server.propagation.Add(std::move(hdel));
  Notify(ctx, kNotifyHash, "hdel", ctx.arg(1));
  AfterWrite(ctx, ctx.arg(1), (*v)->hash());
}

void HGetEx(CommandContext& ctx) {
  ExpiryOption o;
  size_t i = 2;
  for (; i < ctx.argc() && !EqualsIgnoreCase(ctx.arg(i), "FIELDS"); i++) {
    auto parsed = ParseExpiryOption(ctx, i, o, "PERSIST", err::kHGetExOneExpiry);
    if (!parsed) return ctx.reply.Error(err::kFieldsMissing);
    if (!*parsed) return ctx.reply.Error(parsed->error());
  }
  auto fields = ParseFields(ctx, i, /*exact=*/true, err::kFieldsMissing);
  if (!fields) return ctx.reply.Error(fields.error());
  std::optional<int64_t> at;
  if (o.given) {
    auto t = ExpiryTime(ctx, o);
    if (!t) return ctx.reply.Error(t.error());
    at = *t;
  }
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kHash);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Array(fields->count);
  Argv hdel{"HDEL", std::string(ctx.arg(1))};
  Argv persisted;
  std::map<int64_t, Argv> expiries;
  for (size_t f = fields->first; f < fields->first + fields->count; f++) {
    std::string_view field = ctx.arg(f);
    auto value = *v ? (*v)->hash().Get(field) : std::nullopt;
    if (!value) {
      ctx.reply.Null();
      continue;
    }
    ctx.reply.Bulk(*value);
    Hash& h = (*v)->hash();
    if (at && *at <= ctx.now_ms) {
      h.Erase(field);
      hdel.emplace_back(field);
    } else if (at) {
      h.SetExpiry(field, *at);
      expiries[*at].emplace_back(field);
    } else if (o.persist && h.Persist(field)) {
      persisted.emplace_back(field);
    }
  }
  if (hdel.size() == 2 && expiries.empty() && persisted.empty()) {
    return ctx.server.propagation.Suppress();
  }
  if (!expiries.empty()) {
    ctx.db().TrackFieldExpiry(ctx.arg(1));
    RecordExpiries(ctx, ctx.arg(1), expiries);
  }
  if (!persisted.empty()) {
    Argv argv{"HPERSIST", std::string(ctx.arg(1)), "FIELDS", std::to_string(persisted.size())};
    argv.insert(argv.end(), persisted.begin(), persisted.end());
    ctx.server.propagation.Add(std::move(argv));
  }
  // Events as Redis 8.0 documents them: hexpire, hpersist, or hdel for a time already past,
  // then del if the hash emptied (fields found expired raised hexpired in the lookup).
  if (!expiries.empty()) Notify(ctx, kNotifyHash, "hexpire", ctx.arg(1));
  if (!persisted.empty()) Notify(ctx, kNotifyHash, "hpersist", ctx.arg(1));
  if (hdel.size() > 2) {
    ctx.server.propagation.Add(std::move(hdel));
    Notify(ctx, kNotifyHash, "hdel", ctx.arg(1));
  }
  AfterWrite(ctx, ctx.arg(1), (*v)->hash());
}

void HSetEx(CommandContext& ctx) {
  ExpiryOption o;
  bool fnx = false, fxx = false;
  size_t i = 2;
  for (; i < ctx.argc() && !EqualsIgnoreCase(ctx.arg(i), "FIELDS"); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "FNX") || EqualsIgnoreCase(ctx.arg(i), "FXX")) {
      if (fnx || fxx) return ctx.reply.Error(err::kHSetExOneCondition);
      (EqualsIgnoreCase(ctx.arg(i), "FNX") ? fnx : fxx) = true;
      continue;
    }
    auto parsed = ParseExpiryOption(ctx, i, o, "KEEPTTL", err::kHSetExOneExpiry);
    if (!parsed) return ctx.reply.Error(err::kFieldsMissing);
    if (!*parsed) return ctx.reply.Error(parsed->error());
  }
  auto fields = ParseFields(ctx, i, /*exact=*/false, err::kFieldsMissing);
  if (!fields) return ctx.reply.Error(fields.error());
  const size_t left = ctx.argc() - fields->first;
  if (fields->count > left / 2) return ctx.reply.Error(err::kNumFieldsTooMany);
  if (left != fields->count * 2) return ctx.reply.Error(err::kNumFieldsMismatch);
  std::optional<int64_t> at;
  if (o.given) {
    auto t = ExpiryTime(ctx, o);
    if (!t) return ctx.reply.Error(t.error());
    at = *t;
  }
  auto v = FindHashForWrite(ctx, ctx.arg(1));
  if (!v) return ctx.reply.Error(v.error());
  // FNX: none of the fields may exist; FXX: all must.
  const size_t end = fields->first + fields->count * 2;
  for (size_t f = fields->first; f < end && (fnx || fxx); f += 2) {
    const bool exists = *v != nullptr && (*v)->hash().Contains(ctx.arg(f));
    if ((fnx && exists) || (fxx && !exists)) {
      ctx.server.propagation.Suppress();
      return ctx.reply.Integer(0);
    }
  }
  Hash& h = HashForWrite(ctx, ctx.arg(1), *v);
  const types::HashLimits limits = Limits(ctx);
  Argv hset{"HSET", std::string(ctx.arg(1))};
  Argv hdel{"HDEL", std::string(ctx.arg(1))};
  std::map<int64_t, Argv> expiries;
  for (size_t f = fields->first; f < end; f += 2) {
    std::string_view field = ctx.arg(f);
    h.Set(field, ctx.arg(f + 1), limits, o.keep_ttl);
    hset.emplace_back(field);
    hset.emplace_back(ctx.arg(f + 1));
    if (at && *at <= ctx.now_ms) {
      h.Erase(field);
      hdel.emplace_back(field);
    } else if (at) {
      h.SetExpiry(field, *at);
      expiries[*at].emplace_back(field);
    } else if (o.keep_ttl) {
      // HSET clears an expiry when replayed: the one kept is recorded after it.
      const int64_t kept = h.ExpiryOf(field).value_or(Hash::kNoExpiry);
      if (kept != Hash::kNoExpiry) expiries[kept].emplace_back(field);
    }
  }
  ctx.server.propagation.Add(std::move(hset));
  if (!expiries.empty()) {
    ctx.db().TrackFieldExpiry(ctx.arg(1));
    RecordExpiries(ctx, ctx.arg(1), expiries);
  }
  // Events as Redis 8.0 documents them: hset, then hexpire for an expiry given (a kept TTL is
  // none), or hdel for a time already past, then del if the hash emptied.
  Notify(ctx, kNotifyHash, "hset", ctx.arg(1));
  if (at && *at > ctx.now_ms) Notify(ctx, kNotifyHash, "hexpire", ctx.arg(1));
  if (hdel.size() > 2) {
    ctx.server.propagation.Add(std::move(hdel));
    Notify(ctx, kNotifyHash, "hdel", ctx.arg(1));
  }
  AfterWrite(ctx, ctx.arg(1), h);
  ctx.reply.Integer(1);
}

}  // namespace server::hashes
