// The blocking list pops: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP. With data they act at once as
// their plain form and record that form (BLPOP -> LPOP, BLMOVE -> LMOVE...); inside MULTI they
// never block. Otherwise the client is parked in the BlockingRegistry on its keys, first come
// first served; a later write that signals one of them lets BlockedListPop take the data, reply
// and record the plain form then. A key deleted or turned into another type keeps the client
// waiting (as Redis 7.2 does for lists); a BLMOVE whose destination became another type by
// then is answered WRONGTYPE (7.2, which re-runs the command).
#include <memory>
#include <string>
#include <vector>

#include "src/blocking.h"
#include "src/commands/lists/handlers.h"
#include "src/commands/lists/util.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

using lists::End;

enum class BlockKind { kPop, kMove, kMPop };

// What a parked list command will do once one of its keys holds a list.
struct BlockedListOp {
  BlockKind kind;
  End from = End::kLeft;
  End to = End::kLeft;  // kMove
  std::string dst;      // kMove
  size_t count = 1;     // kMPop
  bool rpoplpush = false;  // kMove: recorded as RPOPLPUSH rather than LMOVE
};

std::vector<std::string> MoveRecord(const BlockedListOp& op, std::string_view src) {
  if (op.rpoplpush) return {"RPOPLPUSH", std::string(src), op.dst};
  return {"LMOVE", std::string(src), op.dst, std::string(lists::EndName(op.from)),
          std::string(lists::EndName(op.to))};
}

std::string_view PopName(End end) { return end == End::kLeft ? "LPOP" : "RPOP"; }

class BlockedListPop : public BlockedCommand {
 public:
  explicit BlockedListPop(BlockedListOp op) : op_(std::move(op)) {}

  bool TryServe(ServerState& state, Client& client, std::string_view key, resp::Writer& reply,
                const WakeTime& now) override {
    const int db_index = client.db_index;
    Db& db = *state.dbs[static_cast<size_t>(db_index)];
    auto found = lists::FindForWrite(db, key, now.wall_ms);
    if (!found || *found == nullptr) return false;  // deleted or retyped: keep waiting
    types::List& list = **found;
    switch (op_.kind) {
      case BlockKind::kPop: {
        auto values = lists::Pop(state, db_index, key, list, op_.from, 1);
        reply.Array(2);
        reply.Bulk(key);
        reply.Bulk(values.front());
        state.propagation.AddOutside(db_index, {std::string(PopName(op_.from)), std::string(key)});
        return true;
      }
      case BlockKind::kMPop: {
        auto values = lists::Pop(state, db_index, key, list, op_.from, op_.count);
        reply.Array(2);
        reply.Bulk(key);
        reply.Array(values.size());
        for (const std::string& v : values) reply.Bulk(v);
        state.propagation.AddOutside(db_index, {std::string(PopName(op_.from)), std::string(key),
                                                std::to_string(values.size())});
        return true;
      }
      case BlockKind::kMove: {
        auto dst = lists::FindForWrite(db, op_.dst, now.wall_ms);
        if (!dst) {
          reply.Error(dst.error());
          return true;
        }
        reply.Bulk(
            lists::Move(state, db_index, key, list, op_.dst, *dst, op_.from, op_.to));
        state.propagation.AddOutside(db_index, MoveRecord(op_, key));
        // The pushed entry may serve a client waiting on the destination.
        state.blocking.SignalKeyReady(db_index, op_.dst);
        return true;
      }
    }
    return false;
  }

  // Redis answers every timed-out list pop with a null array, BLMOVE's too.
  void ReplyTimeout(resp::Writer& reply) override { reply.NullArray(); }

 private:
  BlockedListOp op_;
};

// Nothing to take now: inside MULTI the plain form's empty answer, otherwise the client waits.
void BlockOrAnswerEmpty(CommandContext& ctx, const std::vector<std::string>& keys,
                        int64_t timeout_ms, BlockedListOp op) {
  const auto empty = op.kind == BlockKind::kMove ? &resp::Writer::Null : &resp::Writer::NullArray;
  server::BlockOrAnswerEmpty(ctx, keys, timeout_ms,
                             std::make_unique<BlockedListPop>(std::move(op)), empty);
}

void BlockingPop(CommandContext& ctx, End end) {
  auto timeout = ParseTimeout(ctx.arg(ctx.argc() - 1));
  if (!timeout) return ctx.reply.Error(timeout.error());
  Db& db = ctx.db();
  std::vector<std::string> keys;
  for (size_t i = 1; i + 1 < ctx.argc(); i++) {
    std::string_view key = ctx.arg(i);
    auto list = lists::FindForWrite(db, key, ctx.now_ms);
    if (!list) return ctx.reply.Error(list.error());
    if (*list != nullptr) {
      auto values = lists::Pop(ctx.server, ctx.client.db_index, key, **list, end, 1);
      ctx.server.propagation.Add({PopName(end), key});
      ctx.reply.Array(2);
      ctx.reply.Bulk(key);
      return ctx.reply.Bulk(values.front());
    }
    keys.emplace_back(key);
  }
  BlockOrAnswerEmpty(ctx, std::move(keys), *timeout, {BlockKind::kPop, end, End::kLeft, {}, 1});
}

void BLPop(CommandContext& ctx) { BlockingPop(ctx, End::kLeft); }
void BRPop(CommandContext& ctx) { BlockingPop(ctx, End::kRight); }

void BlockingMove(CommandContext& ctx, End from, End to, std::string_view timeout_arg,
                  bool rpoplpush) {
  auto timeout = ParseTimeout(timeout_arg);
  if (!timeout) return ctx.reply.Error(timeout.error());
  BlockedListOp op{BlockKind::kMove, from, to, std::string(ctx.arg(2)), 1, rpoplpush};
  const resp::Writer::Mark mark = ctx.reply.mark();
  if (lists::TryMove(ctx, from, to) == lists::MoveOutcome::kReplied) {
    // Moved: the plain form is what happened (a WRONGTYPE records nothing).
    if (!ctx.reply.IsErrorSince(mark)) ctx.server.propagation.Add(MoveRecord(op, ctx.arg(1)));
    return;
  }
  BlockOrAnswerEmpty(ctx, {std::string(ctx.arg(1))}, *timeout, std::move(op));
}

void BLMove(CommandContext& ctx) {
  auto from = lists::ParseEnd(ctx.arg(3));
  if (!from) return ctx.reply.Error(from.error());
  auto to = lists::ParseEnd(ctx.arg(4));
  if (!to) return ctx.reply.Error(to.error());
  BlockingMove(ctx, *from, *to, ctx.arg(5), false);
}

void BRPopLPush(CommandContext& ctx) {
  BlockingMove(ctx, End::kRight, End::kLeft, ctx.arg(3), true);
}

void BLMPop(CommandContext& ctx) {
  auto timeout = ParseTimeout(ctx.arg(1));
  if (!timeout) return ctx.reply.Error(timeout.error());
  auto args = lists::ParseMPop(ctx, 2);
  if (!args) return ctx.reply.Error(args.error());
  if (lists::MPopNow(ctx, *args)) return;
  std::vector<std::string> keys(args->keys.begin(), args->keys.end());
  BlockOrAnswerEmpty(ctx, std::move(keys), *timeout,
                     {BlockKind::kMPop, args->end, End::kLeft, {}, args->count});
}

// Not noscript: as in Redis 7.2 and later, a script may call them and they answer at once,
// as inside MULTI (Redis 7.0 refused them).
constexpr uint32_t kBlockingWrite = kWrite | kBlocking;

// "numkeys key...": keys counted by an argument, as Redis's keynum key spec.
constexpr MovableKeys kBLMPopKeys = MovableKeys::KeyNum(2, 0, 1, 1);

constexpr CommandSpec kListBlockingRows[] = {
    {"blpop", -3, kBlockingWrite, 1, -2, 1, BLPop,
     "Remove and get the first element in a list, or block until one is available", "2.0.0",
     "list",
     {"O(N) where N is the number of provided keys.", "key... timeout:double", "",
      "RW access delete"}},
    {"brpop", -3, kBlockingWrite, 1, -2, 1, BRPop,
     "Remove and get the last element in a list, or block until one is available", "2.0.0",
     "list",
     {"O(N) where N is the number of provided keys.", "key... timeout:double", "",
      "RW access delete"}},
    {"blmove", 6, kBlockingWrite | kDenyOom, 1, 2, 1, BLMove,
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available", "6.2.0", "list",
     {"O(1)",
      "source:key destination:key (wherefrom=LEFT|RIGHT) (whereto=LEFT|RIGHT) timeout:double", "",
      "RW access delete|RW insert"}},
    {"brpoplpush", 4, kBlockingWrite | kDenyOom, 1, 2, 1, BRPopLPush,
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available", "2.2.0", "list",
     {"O(1)", "source:key destination:key timeout:double", "", "RW access delete|RW insert"}},
    {"blmpop", -5, kWrite | kBlocking, 0, 0, 0, BLMPop,
     "Pop elements from a list, or block until one is available", "7.0.0", "list",
     {"O(N+M) where N is the number of provided keys and M is the number of elements returned.",
      "timeout:double numkeys:integer key... (where=LEFT|RIGHT) [COUNT count:integer]", "",
      "RW access delete"}, {}, &kBLMPopKeys},
};

}  // namespace

std::span<const CommandSpec> ListBlockingRows() { return kListBlockingRows; }

}  // namespace server
