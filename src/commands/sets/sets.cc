// Set commands: the family's CommandSpec table, and the single-key reads and writes (SADD SREM
// SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SSCAN). Random picks live in random.cc, the
// intersections, unions and differences in algebra.cc.
// Encodings follow Redis 7.2+ (types::Set); a write that changed nothing records nothing for
// the AOF, an emptied set deletes its key.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "src/commands/keys/util.h"
#include "src/commands/registry.h"
#include "src/commands/sets/handlers.h"
#include "src/commands/sets/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/glob.h"

namespace server::sets {

namespace {

void SAdd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  auto found = WriteSet(ctx, key);
  if (!found) return ctx.reply.Error(found.error());
  const types::SetLimits limits = LimitsOf(ctx);
  const size_t members = ctx.argc() - 2;
  types::Set* set = *found;
  if (set == nullptr) {
    Value& v = ctx.db().Set(key, Value::NewSet(types::Set::Create(ctx.arg(2), members, limits)));
    set = &v.set();
  } else {
    set->ReserveFor(members, limits);
  }
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); i++) added += set->Add(ctx.arg(i), limits) ? 1 : 0;
  if (added == 0) {
    ctx.server.propagation.Suppress();
  } else {
    ctx.db().Touch(key);
    Notify(ctx, kNotifySet, "sadd", key);
  }
  ctx.reply.Integer(added);
}

void SRem(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  auto found = WriteSet(ctx, key);
  if (!found) return ctx.reply.Error(found.error());
  types::Set* set = *found;
  int64_t removed = 0;
  for (size_t i = 2; set != nullptr && i < ctx.argc() && !set->empty(); i++) {
    removed += set->Remove(ctx.arg(i)) ? 1 : 0;
  }
  if (removed == 0) {
    ctx.server.propagation.Suppress();
  } else {
    AfterRemove(ctx, key, *set, "srem");
  }
  ctx.reply.Integer(removed);
}

void SCard(CommandContext& ctx) {
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  ctx.reply.Integer(*set ? static_cast<int64_t>((*set)->size()) : 0);
}

void SIsMember(CommandContext& ctx) {
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  ctx.reply.Integer(*set && (*set)->Contains(ctx.arg(2)) ? 1 : 0);
}

void SMIsMember(CommandContext& ctx) {
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    ctx.reply.Integer(*set && (*set)->Contains(ctx.arg(i)) ? 1 : 0);
  }
}

void SMembers(CommandContext& ctx) {
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  if (*set == nullptr) return ctx.reply.Set(0);
  ctx.reply.Set((*set)->size());
  (*set)->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

// SMOVE source destination member. A missing source answers 0 before the destination's type
// is looked at; source == destination answers whether the member is there and changes nothing.
void SMove(CommandContext& ctx) {
  std::string_view src_key = ctx.arg(1);
  std::string_view dst_key = ctx.arg(2);
  std::string_view member = ctx.arg(3);
  auto src = WriteSet(ctx, src_key);
  if (!src) return ctx.reply.Error(src.error());
  auto dst = WriteSet(ctx, dst_key);
  Propagation& propagation = ctx.server.propagation;
  if (*src == nullptr) {
    propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  if (!dst) return ctx.reply.Error(dst.error());
  if (*src == *dst) {
    propagation.Suppress();
    return ctx.reply.Integer((*src)->Contains(member) ? 1 : 0);
  }
  if (!(*src)->Remove(member)) {
    propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  // May delete the source (srem, del); the destination is another key. sadd only when the
  // member was new there, as Redis.
  AfterRemove(ctx, src_key, **src, "srem");
  const types::SetLimits limits = LimitsOf(ctx);
  if (*dst == nullptr) {
    ctx.db()
        .Set(dst_key, Value::NewSet(types::Set::Create(member, 1, limits)))
        .set()
        .Add(member, limits);
    Notify(ctx, kNotifySet, "sadd", dst_key);
  } else if ((*dst)->Add(member, limits)) {
    ctx.db().Touch(dst_key);
    Notify(ctx, kNotifySet, "sadd", dst_key);
  }
  ctx.reply.Integer(1);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]. A missing key answers an empty page before
// the options are read (as Redis does); small encodings come back whole with cursor 0.
void SScan(CommandContext& ctx) {
  auto cursor = ParseScanCursor(ctx.arg(2));
  if (!cursor) return ctx.reply.Error(cursor.error());
  auto set = ReadSet(ctx, ctx.arg(1));
  if (!set) return ctx.reply.Error(set.error());
  if (*set == nullptr) {
    ctx.reply.Array(2);
    ctx.reply.Bulk("0");
    return ctx.reply.Array(0);
  }
  auto opts = ParseScanOptions(ctx, 3);
  if (!opts) return ctx.reply.Error(opts.error());
  const int64_t count = opts->count;
  const std::string_view match = opts->match.value_or("*");
  // Like SCAN: COUNT bounds the buckets visited (about 10 per member asked for), and MATCH
  // filters what they held.
  std::vector<std::string> found;
  uint64_t next = *cursor;
  int64_t steps_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  do {
    next = (*set)->Scan(next, [&](std::string_view m) { found.emplace_back(m); });
  } while (next != 0 && static_cast<int64_t>(found.size()) < count && --steps_left > 0);
  GlobPattern pattern(match);
  if (!pattern.matches_all()) {
    std::erase_if(found, [&](const std::string& m) { return !pattern.Match(m); });
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.Array(found.size());
  for (const auto& m : found) ctx.reply.Bulk(m);
}

constexpr uint32_t kWriteOom = kWrite | kDenyOom;

// "numkeys key...": keys counted by an argument, as Redis's keynum key spec.
constexpr MovableKeys kSInterCardKeys = MovableKeys::KeyNum(1, 0, 1, 1);

constexpr CommandSpec kSetCommands[] = {
    {"sadd",
     -3,
     kWriteOom | kFast,
     1,
     1,
     1,
     SAdd,
     "Add one or more members to a set",
     "1.0.0",
     "set",
     {"O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      "key member...", "", "RW insert"}},
    {"srem",
     -3,
     kWrite | kFast,
     1,
     1,
     1,
     SRem,
     "Remove one or more members from a set",
     "1.0.0",
     "set",
     {"O(N) where N is the number of members to be removed.", "key member...", "", "RW delete"}},
    {"scard",
     2,
     kReadOnly | kFast,
     1,
     1,
     1,
     SCard,
     "Get the number of members in a set",
     "1.0.0",
     "set",
     {"O(1)", "key", "", "RO"}},
    {"sismember",
     3,
     kReadOnly | kFast,
     1,
     1,
     1,
     SIsMember,
     "Determine if a given value is a member of a set",
     "1.0.0",
     "set",
     {"O(1)", "key member", "", "RO"}},
    {"smismember",
     -3,
     kReadOnly | kFast,
     1,
     1,
     1,
     SMIsMember,
     "Returns the membership associated with the given elements for a set",
     "6.2.0",
     "set",
     {"O(N) where N is the number of elements being checked for membership", "key member...", "",
      "RO access"}},
    {"smembers",
     2,
     kReadOnly,
     1,
     1,
     1,
     SMembers,
     "Get all the members in a set",
     "1.0.0",
     "set",
     {"O(N) where N is the set cardinality.", "key", "nondeterministic_output_order", "RO access"}},
    {"smove",
     4,
     kWrite | kFast,
     1,
     2,
     1,
     SMove,
     "Move a member from one set to another",
     "1.0.0",
     "set",
     {"O(1)", "source:key destination:key member", "", "RW access delete|RW insert"}},
    {"sscan",
     -3,
     kReadOnly,
     1,
     1,
     1,
     SScan,
     "Incrementally iterate Set elements",
     "2.8.0",
     "set",
     {"O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection.",
      "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]", "nondeterministic_output",
      "RO access"}},
    {"srandmember",
     -2,
     kReadOnly,
     1,
     1,
     1,
     SRandMember,
     "Get one or multiple random members from a set",
     "1.0.0",
     "set",
     {"Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
      "passed count.",
      "key [count:integer]", "nondeterministic_output", "RO access"}},
    {"spop",
     -2,
     kWrite | kFast,
     1,
     1,
     1,
     SPop,
     "Remove and return one or multiple random members from a set",
     "1.0.0",
     "set",
     {"Without the count argument O(1), otherwise O(N) where N is the value of the passed "
      "count.",
      "key [count:integer]", "nondeterministic_output", "RW access delete"}},
    {"sinter",
     -2,
     kReadOnly,
     1,
     -1,
     1,
     SInter,
     "Intersect multiple sets",
     "1.0.0",
     "set",
     {"O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      "key...", "nondeterministic_output_order", "RO access"}},
    {"sintercard",
     -3,
     kReadOnly,
     0,
     0,
     0,
     SInterCard,
     "Intersect multiple sets and return the cardinality of the result",
     "7.0.0",
     "set",
     {"O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      "numkeys:integer key... [LIMIT limit:integer]", "", "RO access"}, {}, &kSInterCardKeys},
    {"sinterstore",
     -3,
     kWriteOom,
     1,
     -1,
     1,
     SInterStore,
     "Intersect multiple sets and store the resulting set in a key",
     "1.0.0",
     "set",
     {"O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      "destination:key key...", "", "RW update|RO access"}},
    {"sunion",
     -2,
     kReadOnly,
     1,
     -1,
     1,
     SUnion,
     "Add multiple sets",
     "1.0.0",
     "set",
     {"O(N) where N is the total number of elements in all given sets.", "key...",
      "nondeterministic_output_order", "RO access"}},
    {"sunionstore",
     -3,
     kWriteOom,
     1,
     -1,
     1,
     SUnionStore,
     "Add multiple sets and store the resulting set in a key",
     "1.0.0",
     "set",
     {"O(N) where N is the total number of elements in all given sets.", "destination:key key...",
      "", "OW update|RO access"}},
    {"sdiff",
     -2,
     kReadOnly,
     1,
     -1,
     1,
     SDiff,
     "Subtract multiple sets",
     "1.0.0",
     "set",
     {"O(N) where N is the total number of elements in all given sets.", "key...",
      "nondeterministic_output_order", "RO access"}},
    {"sdiffstore",
     -3,
     kWriteOom,
     1,
     -1,
     1,
     SDiffStore,
     "Subtract multiple sets and store the resulting set in a key",
     "1.0.0",
     "set",
     {"O(N) where N is the total number of elements in all given sets.", "destination:key key...",
      "", "OW update|RO access"}},
};

}  // namespace

}  // namespace server::sets

namespace server {

std::span<const CommandSpec> SetRows() { return sets::kSetCommands; }

}  // namespace server
