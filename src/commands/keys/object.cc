// MOVE and OBJECT (ENCODING, FREQ, IDLETIME, REFCOUNT, HELP).
#include <limits>

#include "resp/strict_int.h"
#include "src/commands/keys/handlers.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/types/set.h"
#include "src/types/hash.h"
#include "src/types/quicklist.h"
#include "src/types/zset.h"

namespace server::keys {

namespace {

bool LfuPolicy(const Config& config) {
  return config.maxmemory_policy.find("lfu") != std::string::npos;
}

// The value of OBJECT's key argument, looked up without touching its access time (as Redis's
// OBJECT does); null when missing (the subcommands then reply nil).
const Value* ObjectTarget(CommandContext& ctx) {
  Db& db = ctx.db();
  db.set_access_tracking(false);
  const Value* v = db.Find(ctx.arg(2), ctx.now_ms);
  db.set_access_tracking(true);
  return v;
}

// Redis's names for how a string is stored: integers that fit a long are "int", short strings
// live in one allocation with their header ("embstr", up to 44 bytes), longer ones are "raw".
std::string_view StringEncoding(const std::string& s) {
  int64_t n;
  if (s.size() <= 20 && resp::ParseStrictInt64(s, n)) return "int";
  return s.size() <= 44 ? "embstr" : "raw";
}

}  // namespace

void Move(CommandContext& ctx) {
  auto index = Int64Arg(ctx, 2);
  if (!index) return ctx.reply.Error(index.error());
  if (*index == ctx.client.db_index) return ctx.reply.Error(err::kSameObject);
  if (*index < 0 || *index >= static_cast<int64_t>(ctx.server.dbs.size())) {
    return ctx.reply.Error(err::kDbIndexOutOfRange);
  }
  Db& src = ctx.db();
  Db& dest = *ctx.server.dbs[static_cast<size_t>(*index)];
  if (src.Find(ctx.arg(1), ctx.now_ms) == nullptr || dest.Exists(ctx.arg(1), ctx.now_ms)) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  src.MoveTo(ctx.arg(1), dest, ctx.arg(1));
  // Readers blocked on the key in the target database may now be served.
  ctx.server.blocking.SignalKeyReady(static_cast<int>(*index), ctx.arg(1));
  ArmMovedStream(ctx, static_cast<int>(*index), ctx.arg(1));
  Notify(ctx, kNotifyGeneric, "move_from", ctx.arg(1));
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "move_to", ctx.arg(1), static_cast<int>(*index));
  ctx.reply.Integer(1);
}

void ObjectEncoding(CommandContext& ctx) {
  const Value* v = ObjectTarget(ctx);
  if (v == nullptr) return ctx.reply.Null();
  switch (v->type()) {
    case ValueType::kString: return ctx.reply.Bulk(StringEncoding(v->str()));
    case ValueType::kStream: return ctx.reply.Bulk("stream");
    case ValueType::kSet: return ctx.reply.Bulk(v->set().EncodingName());
    // A listpack with field expiries (Redis's "listpackex") is still reported as listpack.
    case ValueType::kHash:
      return ctx.reply.Bulk(v->hash().encoding() == types::Hash::Encoding::kListpack
                                ? "listpack"
                                : "hashtable");
    // Redis 7.2's names (7.0 says quicklist for every list).
    case ValueType::kList:
      return ctx.reply.Bulk(v->list().is_listpack() ? "listpack" : "quicklist");
    case ValueType::kZSet: return ctx.reply.Bulk(v->zset().EncodingName());
  }
}

void ObjectFreq(CommandContext& ctx) {
  const Value* v = ObjectTarget(ctx);
  if (v == nullptr) return ctx.reply.Null();
  if (!LfuPolicy(ctx.server.config)) return ctx.reply.Error(err::kLfuNotSelected);
  ctx.reply.Integer(v->LfuCount(ctx.now_ms));
}

void ObjectIdleTime(CommandContext& ctx) {
  const Value* v = ObjectTarget(ctx);
  if (v == nullptr) return ctx.reply.Null();
  if (LfuPolicy(ctx.server.config)) return ctx.reply.Error(err::kLfuSelected);
  ctx.reply.Integer(v->IdleMs(ctx.now_ms) / 1000);
}

void ObjectRefCount(CommandContext& ctx) {
  if (ObjectTarget(ctx) == nullptr) return ctx.reply.Null();
  ctx.reply.Integer(1);  // values are never shared here
}

void ObjectHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

}  // namespace server::keys
