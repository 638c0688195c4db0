// The blocking sorted-set pops: BZPOPMIN BZPOPMAX BZMPOP, on the same BlockingRegistry as the
// list family's BLPOP. With data they act at once as their plain form and record that form
// (BZPOPMIN -> ZPOPMIN key 1, BZMPOP -> ZPOPMIN/ZPOPMAX key count); inside MULTI they never
// block. Otherwise the client is parked on its keys, first come first served; a write that
// signals one of them (dispatch signals every key a write names, so ZADD, ZUNIONSTORE, RENAME
// ... all do) lets BlockedZSetPop take the data, reply and record the plain form then. A key
// deleted or turned into another type keeps the client waiting, as for lists.
#include "src/blocking.h"

#include <memory>
#include <string>
#include <vector>

#include "src/commands/registry.h"
#include "src/commands/sortedsets/handlers.h"
#include "src/commands/sortedsets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/server_state.h"

namespace server::zsets {

namespace {

// What a parked pop will do once one of its keys holds a sorted set.
struct BlockedPopOp {
  bool max = false;
  bool mpop = false;  // BZMPOP: [key, [[member, score]...]] and up to `count` items
  size_t count = 1;
};

// BZPOPMIN/BZPOPMAX's reply: key, member, score in one array (the score a double in RESP3).
void PopOneFrom(ServerState& state, int db_index, std::string_view key, types::ZSet& z, bool max,
                resp::Writer& w) {
  const types::ZSet::Item top = z.At(max ? z.size() - 1 : 0);
  w.Array(3);
  w.Bulk(key);
  w.Bulk(top.member);
  w.Double(top.score);
  const std::string member(top.member);
  z.Remove(member);
  AfterPop(state, db_index, key, z, max);
}

class BlockedZSetPop : public BlockedCommand {
 public:
  explicit BlockedZSetPop(BlockedPopOp op) : op_(op) {}

  bool TryServe(ServerState& state, Client& client, std::string_view key, resp::Writer& reply,
                const WakeTime& now) override {
    const int db_index = client.db_index;
    Db& db = *state.dbs[static_cast<size_t>(db_index)];
    Value* v = db.Find(key, now.wall_ms);
    if (v == nullptr || !v->is_zset()) return false;  // deleted or retyped: keep waiting
    types::ZSet& z = v->zset();
    const size_t n = op_.mpop ? std::min(op_.count, z.size()) : 1;
    state.propagation.AddOutside(db_index, PopRecord(key, op_.max, n));
    if (!op_.mpop) {
      PopOneFrom(state, db_index, key, z, op_.max, reply);
      return true;
    }
    reply.Array(2);
    reply.Bulk(key);
    PopFrom(state, db_index, key, z, n, op_.max, PopShape::kNested, reply);
    return true;
  }

  void ReplyTimeout(resp::Writer& reply) override { reply.NullArray(); }

 private:
  BlockedPopOp op_;
};

// Nothing to take now: inside MULTI the null reply at once, otherwise the client waits.
void BlockOrAnswerEmpty(CommandContext& ctx, const std::vector<std::string>& keys,
                        int64_t timeout_ms, BlockedPopOp op) {
  server::BlockOrAnswerEmpty(ctx, keys, timeout_ms, std::make_unique<BlockedZSetPop>(op),
                             &resp::Writer::NullArray);
}

// BZPOPMIN / BZPOPMAX key... timeout.
void BlockingPop(CommandContext& ctx, bool max) {
  auto timeout = ParseTimeout(ctx.arg(ctx.argc() - 1));
  if (!timeout) return ctx.reply.Error(timeout.error());
  std::vector<std::string> keys;
  for (size_t i = 1; i + 1 < ctx.argc(); i++) {
    const std::string_view key = ctx.arg(i);
    auto z = WriteZSet(ctx, key);
    if (!z) return ctx.reply.Error(z.error());
    if (*z != nullptr) {
      ctx.server.propagation.Add(PopRecord(key, max, 1));
      return PopOneFrom(ctx.server, ctx.client.db_index, key, **z, max, ctx.reply);
    }
    keys.emplace_back(key);
  }
  BlockOrAnswerEmpty(ctx, std::move(keys), *timeout, {max, false, 1});
}

}  // namespace

void BZPopMin(CommandContext& ctx) { BlockingPop(ctx, /*max=*/false); }
void BZPopMax(CommandContext& ctx) { BlockingPop(ctx, /*max=*/true); }

// BZMPOP timeout numkeys key... MIN|MAX [COUNT count].
void BZMPop(CommandContext& ctx) {
  auto timeout = ParseTimeout(ctx.arg(1));
  if (!timeout) return ctx.reply.Error(timeout.error());
  auto args = ParseMPop(ctx, 2);
  if (!args) return ctx.reply.Error(args.error());
  if (MPopNow(ctx, *args)) return;
  std::vector<std::string> keys(args->keys.begin(), args->keys.end());
  BlockOrAnswerEmpty(ctx, std::move(keys), *timeout, {args->max, true, args->count});
}

}  // namespace server::zsets
