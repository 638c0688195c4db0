// The list commands that reach inside a list: LRANGE LINDEX LSET LREM LTRIM LPOS LINSERT, as
// Redis 7.0 answers them (each parses and looks its key up in Redis's order, so the error a
// bad call gets is Redis's), plus 7.2's refusal of LPOS RANK -2^63. Index access walks the
// quicklist's nodes from the nearer end; a write that changed nothing records nothing.
#include <string>

#include "src/commands/lists/util.h"
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

// Redis's clamp of [start, stop] to a list of `len`: empty when start > stop after it.
struct Span {
  size_t start;
  size_t count;
};
Span ClampRange(int64_t start, int64_t stop, size_t len) {
  const auto n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return {0, 0};
  if (stop >= n) stop = n - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(stop - start + 1)};
}

void LRange(CommandContext& ctx) {
  auto start = Int64Arg(ctx, 2);
  if (!start) return ctx.reply.Error(start.error());
  auto stop = Int64Arg(ctx, 3);
  if (!stop) return ctx.reply.Error(stop.error());
  auto list = lists::FindForRead(ctx, ctx.arg(1));
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr) return ctx.reply.Array(0);
  const Span span = ClampRange(*start, *stop, (*list)->size());
  ctx.reply.Array(span.count);
  auto c = (*list)->At(span.start);
  for (size_t i = 0; i < span.count; i++, c.Next()) ctx.reply.Bulk(c.Value());
}

void LIndex(CommandContext& ctx) {
  auto list = lists::FindForRead(ctx, ctx.arg(1));
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr) return ctx.reply.Null();
  auto index = Int64Arg(ctx, 2);
  if (!index) return ctx.reply.Error(index.error());
  std::string value;
  if (!(*list)->Get(*index, value)) return ctx.reply.Null();
  ctx.reply.Bulk(value);
}

void LSet(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  auto list = lists::FindForWrite(ctx.db(), key, ctx.now_ms);
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  auto index = Int64Arg(ctx, 2);
  if (!index) return ctx.reply.Error(index.error());
  if (!lists::Prepared(**list, ctx.server.config).Set(*index, ctx.arg(3))) {
    return ctx.reply.Error(err::kIndexOutOfRange);
  }
  ctx.db().Touch(key);
  Notify(ctx, kNotifyList, "lset", key);
  ctx.reply.Ok();
}

// After a removal: the command's event, then an emptied list deletes its key (and del is
// raised), otherwise its watchers are told.
void AfterRemoval(CommandContext& ctx, std::string_view key, const types::List& list,
                  std::string_view event) {
  AfterCollectionWrite(ctx, key, list.empty(), kNotifyList, event);
}

void LRem(CommandContext& ctx) {
  auto count = Int64Arg(ctx, 2);
  if (!count) return ctx.reply.Error(count.error());
  std::string_view key = ctx.arg(1);
  auto list = lists::FindForWrite(ctx.db(), key, ctx.now_ms);
  if (!list) return ctx.reply.Error(list.error());
  size_t removed = 0;
  if (*list != nullptr) {
    removed = lists::Prepared(**list, ctx.server.config).Remove(ctx.arg(3), *count);
  }
  if (removed == 0) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  AfterRemoval(ctx, key, **list, "lrem");
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

void LTrim(CommandContext& ctx) {
  auto start = Int64Arg(ctx, 2);
  if (!start) return ctx.reply.Error(start.error());
  auto stop = Int64Arg(ctx, 3);
  if (!stop) return ctx.reply.Error(stop.error());
  std::string_view key = ctx.arg(1);
  auto list = lists::FindForWrite(ctx.db(), key, ctx.now_ms);
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Ok();
  }
  types::List& l = lists::Prepared(**list, ctx.server.config);
  const Span keep = ClampRange(*start, *stop, l.size());
  const size_t tail = l.size() - keep.start - keep.count;
  if (keep.start + tail == 0) {
    // Nothing to drop: nothing recorded, but Redis still raises ltrim.
    ctx.server.propagation.Suppress();
    Notify(ctx, kNotifyList, "ltrim", key);
    return ctx.reply.Ok();
  }
  l.Erase(keep.start + keep.count, tail);
  l.Erase(0, keep.start);
  AfterRemoval(ctx, key, l, "ltrim");
  ctx.reply.Ok();
}

struct LPosOptions {
  int64_t rank = 1;
  bool has_count = false;
  int64_t count = 0;   // 0: every match
  int64_t maxlen = 0;  // 0: the whole list
};

Result<LPosOptions> ParseLPos(const CommandContext& ctx) {
  LPosOptions o;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) return Failure(err::kSyntax);
    if (EqualsIgnoreCase(opt, "RANK")) {
      auto rank = Int64Arg(ctx, i + 1);
      if (!rank) return std::move(rank).failure();
      if (*rank == 0) return Failure(err::kRankZero);
      if (*rank == INT64_MIN) return Failure(err::kRankOutOfRange);
      o.rank = *rank;
    } else if (EqualsIgnoreCase(opt, "COUNT")) {
      auto count = Int64Arg(ctx, i + 1);
      if (!count || *count < 0) return Failure(err::kLposCountNegative);
      o.has_count = true;
      o.count = *count;
    } else if (EqualsIgnoreCase(opt, "MAXLEN")) {
      auto maxlen = Int64Arg(ctx, i + 1);
      if (!maxlen || *maxlen < 0) return Failure(err::kLposMaxlenNegative);
      o.maxlen = *maxlen;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return o;
}

void LPos(CommandContext& ctx) {
  auto opts = ParseLPos(ctx);
  if (!opts) return ctx.reply.Error(opts.error());
  auto list = lists::FindForRead(ctx, ctx.arg(1));
  if (!list) return ctx.reply.Error(list.error());
  const types::List* l = *list;
  std::vector<int64_t> matches;
  if (l != nullptr && !l->empty()) {
    const bool forward = opts->rank > 0;
    uint64_t skip = static_cast<uint64_t>(forward ? opts->rank : -opts->rank) - 1;
    const size_t len = l->size();
    const auto limit = opts->maxlen == 0 ? len : std::min(len, static_cast<size_t>(opts->maxlen));
    const size_t wanted = !opts->has_count ? 1
                          : opts->count == 0 ? len
                                             : static_cast<size_t>(opts->count);
    auto c = l->At(forward ? 0 : len - 1);
    std::string_view element = ctx.arg(2);
    for (size_t i = 0; i < limit && matches.size() < wanted; i++) {
      if (c.Value() == element) {
        if (skip == 0) {
          matches.push_back(static_cast<int64_t>(forward ? i : len - 1 - i));
        } else {
          skip--;
        }
      }
      if (forward) {
        c.Next();
      } else {
        c.Prev();
      }
    }
  }
  if (!opts->has_count) {
    return matches.empty() ? ctx.reply.Null() : ctx.reply.Integer(matches.front());
  }
  ctx.reply.Array(matches.size());
  for (int64_t m : matches) ctx.reply.Integer(m);
}

void LInsert(CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(ctx.arg(2), "BEFORE")) {
    after = false;
  } else if (EqualsIgnoreCase(ctx.arg(2), "AFTER")) {
    after = true;
  } else {
    return ctx.reply.Error(err::kSyntax);
  }
  std::string_view key = ctx.arg(1);
  auto list = lists::FindForWrite(ctx.db(), key, ctx.now_ms);
  if (!list) return ctx.reply.Error(list.error());
  if (*list == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  types::List& l = lists::Prepared(**list, ctx.server.config);
  size_t index = 0;
  auto c = l.At(0);
  for (; c.Valid() && c.Value() != ctx.arg(3); c.Next()) index++;
  if (!c.Valid()) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(-1);
  }
  l.Insert(after ? index + 1 : index, ctx.arg(4));
  ctx.db().Touch(key);
  Notify(ctx, kNotifyList, "linsert", key);
  ctx.reply.Integer(static_cast<int64_t>(l.size()));
}

constexpr CommandSpec kListAccessRows[] = {
    {"lrange", 4, kReadOnly, 1, 1, 1, LRange, "Get a range of elements from a list", "1.0.0",
     "list",
     {"O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
      "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
      "range.", "key start:integer stop:integer", "", "RO access"}},
    {"lindex", 3, kReadOnly, 1, 1, 1, LIndex, "Get an element from a list by its index", "1.0.0",
     "list",
     {"O(N) where N is the number of elements to traverse to get to the element at index. This "
      "makes asking for the first or the last element of the list O(1).", "key index:integer",
      "", "RO access"}},
    {"lset", 4, kWrite | kDenyOom, 1, 1, 1, LSet,
     "Set the value of an element in a list by its index", "1.0.0", "list",
     {"O(N) where N is the length of the list. Setting either the first or the last element of "
      "the list is O(1).", "key index:integer element", "", "RW update"}},
    {"lrem", 4, kWrite, 1, 1, 1, LRem, "Remove elements from a list", "1.0.0", "list",
     {"O(N+M) where N is the length of the list and M is the number of elements removed.",
      "key count:integer element", "", "RW delete"}},
    {"ltrim", 4, kWrite, 1, 1, 1, LTrim, "Trim a list to the specified range", "1.0.0", "list",
     {"O(N) where N is the number of elements to be removed by the operation.",
      "key start:integer stop:integer", "", "RW delete"}},
    {"lpos", -3, kReadOnly, 1, 1, 1, LPos, "Return the index of matching elements on a list",
     "6.0.6", "list",
     {"O(N) where N is the number of elements in the list, for the average case. When searching "
      "for elements near the head or the tail of the list, or when the MAXLEN option is "
      "provided, the command may run in constant time.",
      "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]", "",
      "RO access"}},
    {"linsert", 5, kWrite | kDenyOom, 1, 1, 1, LInsert,
     "Insert an element before or after another element in a list", "2.2.0", "list",
     {"O(N) where N is the number of elements to traverse before seeing the value pivot. This "
      "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
      "and inserting somewhere on the right end (tail) is O(N).",
      "key (where=BEFORE|AFTER) pivot element", "", "RW insert"}},
};

}  // namespace

std::span<const CommandSpec> ListAccessRows() { return kListAccessRows; }

}  // namespace server
