// Expiry commands. Times are stored absolute in ms (Db::SetExpire); the relative forms add
// now_ms. A time at or before now deletes the key at once and still counts as set (reply 1).
// For the AOF every form is recorded as PEXPIREAT with the absolute time (its NX/XX/GT/LT kept,
// as Redis writes it), or DEL when the key went; a call that changed nothing records nothing.
#include <string>
#include <vector>

#include "src/commands/keys/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/db.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/server_state.h"

namespace server::keys {

namespace {

struct ExpireFlags {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
};

// EXPIRE key time [NX|XX|GT|LT...]: options are checked before the time is parsed, and an
// unknown option before any conflict.
void ExpireGeneric(CommandContext& ctx, bool seconds, bool absolute) {
  ExpireFlags f;
  for (size_t i = 3; i < ctx.argc(); i++) {
    std::string_view a = ctx.arg(i);
    if (EqualsIgnoreCase(a, "NX")) {
      f.nx = true;
    } else if (EqualsIgnoreCase(a, "XX")) {
      f.xx = true;
    } else if (EqualsIgnoreCase(a, "GT")) {
      f.gt = true;
    } else if (EqualsIgnoreCase(a, "LT")) {
      f.lt = true;
    } else {
      return ctx.reply.Error(err::UnsupportedOption(a));
    }
  }
  if (f.nx && (f.xx || f.gt || f.lt)) return ctx.reply.Error(err::kExpireNxAndOthers);
  if (f.gt && f.lt) return ctx.reply.Error(err::kExpireGtAndLt);

  auto at = ParseAnyExpire(ctx, ctx.arg(2), seconds, absolute);
  if (!at) return ctx.reply.Error(at.error());
  Db& db = ctx.db();
  Propagation& propagation = ctx.server.propagation;
  std::string_view key = ctx.arg(1);
  if (!db.Exists(key, ctx.now_ms)) {
    propagation.Suppress();
    return ctx.reply.Integer(0);
  }

  const int64_t current = db.GetExpire(key);
  const bool has_ttl = current != kNoExpire;
  // For GT and LT a key without a TTL counts as expiring never (an infinite TTL).
  if ((f.nx && has_ttl) || (f.xx && !has_ttl) || (f.gt && (!has_ttl || *at <= current)) ||
      (f.lt && has_ttl && *at >= current)) {
    propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  if (*at <= ctx.now_ms) {
    db.Delete(key, ctx.now_ms);
    propagation.Add({"DEL", key});
    Notify(ctx, kNotifyGeneric, "del", key);
  } else {
    db.SetExpire(key, *at);
    std::vector<std::string> record{"PEXPIREAT", std::string(key), std::to_string(*at)};
    for (size_t i = 3; i < ctx.argc(); i++) record.emplace_back(ctx.arg(i));
    propagation.Add(std::move(record));
    Notify(ctx, kNotifyGeneric, "expire", key);
  }
  ctx.reply.Integer(1);
}

// Shared by TTL/PTTL/EXPIRETIME/PEXPIRETIME: -2 for a missing key, -1 without a TTL.
void ReplyExpiry(CommandContext& ctx, bool seconds, bool absolute) {
  Value* v = LookupRead(ctx, ctx.arg(1));
  if (v == nullptr) return ctx.reply.Integer(-2);
  int64_t at = ctx.db().GetExpire(ctx.arg(1));
  if (at == kNoExpire) return ctx.reply.Integer(-1);
  int64_t ms = absolute ? at : std::max<int64_t>(at - ctx.now_ms, 0);
  ctx.reply.Integer(seconds ? MsToRoundedSeconds(ms) : ms);
}

}  // namespace

void Expire(CommandContext& ctx) { ExpireGeneric(ctx, true, false); }
void PExpire(CommandContext& ctx) { ExpireGeneric(ctx, false, false); }
void ExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, true, true); }
void PExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, false, true); }

void Ttl(CommandContext& ctx) { ReplyExpiry(ctx, true, false); }
void PTtl(CommandContext& ctx) { ReplyExpiry(ctx, false, false); }
void ExpireTime(CommandContext& ctx) { ReplyExpiry(ctx, true, true); }
void PExpireTime(CommandContext& ctx) { ReplyExpiry(ctx, false, true); }

void Persist(CommandContext& ctx) {
  Db& db = ctx.db();
  const bool removed = db.Exists(ctx.arg(1), ctx.now_ms) && db.Persist(ctx.arg(1));
  if (removed) {
    Notify(ctx, kNotifyGeneric, "persist", ctx.arg(1));
  } else {
    ctx.server.propagation.Suppress();
  }
  ctx.reply.Integer(removed ? 1 : 0);
}

}  // namespace server::keys
