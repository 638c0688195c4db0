// The list commands that work at the ends: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LMOVE
// RPOPLPUSH LMPOP, as Redis 7.0 answers them. Pops with a count reply an array, and a null array
// (RESP2 *-1, RESP3 _) for a missing key. LMPOP records itself as the LPOP/RPOP of what it took;
// a call that changed nothing records nothing.
#include <string>
#include <vector>

#include "src/commands/lists/handlers.h"
#include "src/commands/lists/util.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

using lists::End;

void PushCommand(CommandContext& ctx, End end, bool only_existing) {
  std::string_view key = ctx.arg(1);
  auto list = lists::FindForWrite(ctx.db(), key, ctx.now_ms);
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr && only_existing) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  const size_t len =
      lists::Push(ctx.server, ctx.client.db_index, key, *list, end, ctx.argv.subspan(2));
  ctx.reply.Integer(static_cast<int64_t>(len));
}

void LPush(CommandContext& ctx) { PushCommand(ctx, End::kLeft, false); }
void RPush(CommandContext& ctx) { PushCommand(ctx, End::kRight, false); }
void LPushX(CommandContext& ctx) { PushCommand(ctx, End::kLeft, true); }
void RPushX(CommandContext& ctx) { PushCommand(ctx, End::kRight, true); }

void PopCommand(CommandContext& ctx, End end) {
  // The table says "at least 2": Redis takes at most one count.
  if (ctx.argc() > 3) return ctx.reply.Error(err::WrongArity(ctx.spec->name));
  const bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count) {
    auto n = Int64Arg(ctx, 2, err::kMustBePositive);
    if (!n || *n < 0) return ctx.reply.Error(err::kMustBePositive);
    count = *n;
  }
  std::string_view key = ctx.arg(1);
  auto list = lists::FindForWrite(ctx.db(), key, ctx.now_ms);
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr || count == 0) {
    ctx.server.propagation.Suppress();
    if (!has_count) return ctx.reply.Null();
    return *list == nullptr ? ctx.reply.NullArray() : ctx.reply.Array(0);
  }
  auto values = lists::Pop(ctx.server, ctx.client.db_index, key, **list, end,
                           static_cast<size_t>(count));
  if (!has_count) return ctx.reply.Bulk(values.front());
  ctx.reply.Array(values.size());
  for (const std::string& v : values) ctx.reply.Bulk(v);
}

void LPop(CommandContext& ctx) { PopCommand(ctx, End::kLeft); }
void RPop(CommandContext& ctx) { PopCommand(ctx, End::kRight); }

void LLen(CommandContext& ctx) {
  auto list = lists::FindForRead(ctx, ctx.arg(1));
  if (!list) return ctx.reply.Error(list.error());
  ctx.reply.Integer(*list == nullptr ? 0 : static_cast<int64_t>((*list)->size()));
}

void LMove(CommandContext& ctx) {
  auto from = lists::ParseEnd(ctx.arg(3));
  if (!from) return ctx.reply.Error(from.error());
  auto to = lists::ParseEnd(ctx.arg(4));
  if (!to) return ctx.reply.Error(to.error());
  if (lists::TryMove(ctx, *from, *to) == lists::MoveOutcome::kReplied) return;
  ctx.server.propagation.Suppress();
  ctx.reply.Null();
}

void RPopLPush(CommandContext& ctx) {
  if (lists::TryMove(ctx, End::kRight, End::kLeft) == lists::MoveOutcome::kReplied) return;
  ctx.server.propagation.Suppress();
  ctx.reply.Null();
}

void LMPop(CommandContext& ctx) {
  auto args = lists::ParseMPop(ctx, 1);
  if (!args) return ctx.reply.Error(args.error());
  if (lists::MPopNow(ctx, *args)) return;
  ctx.server.propagation.Suppress();
  ctx.reply.NullArray();
}

constexpr uint32_t kWriteOom = kWrite | kDenyOom;
constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";

// "numkeys key...": keys counted by an argument, as Redis's keynum key spec.
constexpr MovableKeys kLMPopKeys = MovableKeys::KeyNum(1, 0, 1, 1);

constexpr CommandSpec kListPushPopRows[] = {
    {"lpush", -3, kWriteOom | kFast, 1, 1, 1, LPush,
     "Prepend one or multiple elements to a list", "1.0.0", "list",
     {kPushComplexity, "key element...", "", "RW insert"}},
    {"rpush", -3, kWriteOom | kFast, 1, 1, 1, RPush, "Append one or multiple elements to a list",
     "1.0.0", "list", {kPushComplexity, "key element...", "", "RW insert"}},
    {"lpushx", -3, kWriteOom | kFast, 1, 1, 1, LPushX,
     "Prepend an element to a list, only if the list exists", "2.2.0", "list",
     {kPushComplexity, "key element...", "", "RW insert"}},
    {"rpushx", -3, kWriteOom | kFast, 1, 1, 1, RPushX,
     "Append an element to a list, only if the list exists", "2.2.0", "list",
     {kPushComplexity, "key element...", "", "RW insert"}},
    {"lpop", -2, kWrite | kFast, 1, 1, 1, LPop, "Remove and get the first elements in a list",
     "1.0.0", "list",
     {"O(N) where N is the number of elements returned", "key [count:integer]", "",
      "RW access delete"}},
    {"rpop", -2, kWrite | kFast, 1, 1, 1, RPop, "Remove and get the last elements in a list",
     "1.0.0", "list",
     {"O(N) where N is the number of elements returned", "key [count:integer]", "",
      "RW access delete"}},
    {"llen", 2, kReadOnly | kFast, 1, 1, 1, LLen, "Get the length of a list", "1.0.0", "list",
     {"O(1)", "key", "", "RO"}},
    {"lmove", 5, kWriteOom, 1, 2, 1, LMove,
     "Pop an element from a list, push it to another list and return it", "6.2.0", "list",
     {"O(1)", "source:key destination:key (wherefrom=LEFT|RIGHT) (whereto=LEFT|RIGHT)", "",
      "RW access delete|RW insert"}},
    {"rpoplpush", 3, kWriteOom, 1, 2, 1, RPopLPush,
     "Remove the last element in a list, prepend it to another list and return it", "1.2.0",
     "list", {"O(1)", "source:key destination:key", "", "RW access delete|RW insert"}},
    {"lmpop", -4, kWrite, 0, 0, 0, LMPop, "Pop elements from a list", "7.0.0", "list",
     {"O(N+M) where N is the number of provided keys and M is the number of elements returned.",
      "numkeys:integer key... (where=LEFT|RIGHT) [COUNT count:integer]", "", "RW access delete"},
     {}, &kLMPopKeys},
};

}  // namespace

namespace lists {

MoveOutcome TryMove(CommandContext& ctx, End from, End to) {
  std::string_view src_key = ctx.arg(1);
  std::string_view dst_key = ctx.arg(2);
  Db& db = ctx.db();
  auto src = FindForWrite(db, src_key, ctx.now_ms);
  if (!src) {
    ctx.reply.Error(src.error());
    return MoveOutcome::kReplied;
  }
  if (*src == nullptr) return MoveOutcome::kSourceMissing;
  auto dst = FindForWrite(db, dst_key, ctx.now_ms);
  if (!dst) {
    ctx.reply.Error(dst.error());
    return MoveOutcome::kReplied;
  }
  ctx.reply.Bulk(
      Move(ctx.server, ctx.client.db_index, src_key, **src, dst_key, *dst, from, to));
  return MoveOutcome::kReplied;
}

Result<MPopArgs> ParseMPop(const CommandContext& ctx, size_t numkeys_index) {
  auto numkeys = Int64Arg(ctx, numkeys_index, err::kNumkeysNotPositive);
  if (!numkeys || *numkeys <= 0) return Failure(err::kNumkeysNotPositive);
  const size_t first = numkeys_index + 1;
  // The keys and the direction must all be there.
  if (static_cast<uint64_t>(*numkeys) >= ctx.argc() - first) {
    return Failure(err::kSyntax);
  }
  MPopArgs args;
  const auto n = static_cast<size_t>(*numkeys);
  for (size_t i = 0; i < n; i++) args.keys.push_back(ctx.arg(first + i));
  auto end = ParseEnd(ctx.arg(first + n));
  if (!end) return std::move(end).failure();
  args.end = *end;
  bool has_count = false;
  for (size_t i = first + n + 1; i < ctx.argc(); i++) {
    if (!has_count && EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      auto count = Int64Arg(ctx, i + 1, err::kCountNotPositive);
      if (!count || *count <= 0) return Failure(err::kCountNotPositive);
      args.count = static_cast<size_t>(*count);
      has_count = true;
      i++;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return args;
}

bool MPopNow(CommandContext& ctx, const MPopArgs& args) {
  Db& db = ctx.db();
  for (std::string_view key : args.keys) {
    auto list = FindForWrite(db, key, ctx.now_ms);
    if (!list) {
      ctx.reply.Error(list.error());
      return true;
    }
    if (*list == nullptr) continue;
    auto values = Pop(ctx.server, ctx.client.db_index, key, **list, args.end, args.count);
    ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    ctx.reply.Array(values.size());
    for (const std::string& v : values) ctx.reply.Bulk(v);
    ctx.server.propagation.Add({args.end == End::kLeft ? "LPOP" : "RPOP", key,
                                std::to_string(values.size())});
    return true;
  }
  return false;
}

}  // namespace lists

std::span<const CommandSpec> ListPushPopRows() { return kListPushPopRows; }

}  // namespace server
