// Sorted-set commands: the family's CommandSpec table. Handlers live in write.cc (changes),
// read.cc (lookups) and range.cc (ZRANGE's forms and ZRANGESTORE).
#include "src/commands/registry.h"
#include "src/commands/sortedsets/handlers.h"

namespace server {

namespace {

using namespace zsets;  // NOLINT(build/namespaces): the table names every handler

constexpr uint32_t kWriteOom = kWrite | kDenyOom;
constexpr std::string_view kLogN = "O(log(N)) where N is the number of elements in the sorted set.";
constexpr std::string_view kRangeSyntax =
    "key start stop [sortby=BYSCORE|BYLEX] [REV] [LIMIT offset:integer count:integer] "
    "[WITHSCORES]";

// "numkeys key...": keys counted by an argument, as Redis's keynum key spec.
constexpr MovableKeys kZMPopKeys = MovableKeys::KeyNum(1, 0, 1, 1);
// ZUNION ZINTER ZDIFF ZINTERCARD: "numkeys key..."; the STORE forms: the destination (the
// row's fixed key), then "numkeys key..." read-only.
constexpr MovableKeys kBZMPopKeys = MovableKeys::KeyNum(2, 0, 1, 1);
constexpr MovableKeys kAlgebraKeys = MovableKeys::KeyNum(1, 0, 1, 1);
constexpr MovableKeys kAlgebraStoreKeys = MovableKeys::KeyNum(2, 0, 1, 1, "RO access");

constexpr std::string_view kUnionDoc =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
    "the number of elements in the resulting sorted set.";
constexpr std::string_view kInterDoc =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
    "number of input sorted sets and M being the number of elements in the resulting sorted "
    "set.";
constexpr std::string_view kDiffDoc =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
    "is the size of the first set, and K is the size of the result set.";

constexpr CommandSpec kZSetCommands[] = {
    {"zadd", -4, kWriteOom | kFast, 1, 1, 1, ZAdd,
     "Add one or more members to a sorted set, or update its score if it already exists",
     "1.2.0", "sorted-set",
     {"O(log(N)) for each item added, where N is the number of elements in the sorted set.",
      "key [condition=NX|XX] [comparison=GT|LT] [CH] [INCR] (data=score:double member)...", "",
      "RW update"}},
    {"zincrby", 4, kWriteOom | kFast, 1, 1, 1, ZIncrBy,
     "Increment the score of a member in a sorted set", "1.2.0", "sorted-set",
     {kLogN, "key increment:integer member", "", "RW access update"}},
    {"zrem", -3, kWrite | kFast, 1, 1, 1, ZRem, "Remove one or more members from a sorted set",
     "1.2.0", "sorted-set",
     {"O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
      "elements to be removed.", "key member...", "", "RW delete"}},
    {"zremrangebyrank", 4, kWrite, 1, 1, 1, ZRemRangeByRank,
     "Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.", "key start:integer stop:integer", "", "RW delete"}},
    {"zremrangebyscore", 4, kWrite, 1, 1, 1, ZRemRangeByScore,
     "Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.", "key min:double max:double", "", "RW delete"}},
    {"zremrangebylex", 4, kWrite, 1, 1, 1, ZRemRangeByLex,
     "Remove all members in a sorted set between the given lexicographical range", "2.8.9",
     "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.", "key min max", "", "RW delete"}},
    {"zpopmin", -2, kWrite | kFast, 1, 1, 1, ZPopMin,
     "Remove and return members with the lowest scores in a sorted set", "5.0.0", "sorted-set",
     {"O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.", "key [count:integer]", "", "RW access delete"}},
    {"zpopmax", -2, kWrite | kFast, 1, 1, 1, ZPopMax,
     "Remove and return members with the highest scores in a sorted set", "5.0.0", "sorted-set",
     {"O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.", "key [count:integer]", "", "RW access delete"}},
    // Keys given by numkeys: not expressible by the table's key positions yet (see README).
    {"zmpop", -4, kWrite, 0, 0, 0, ZMPop,
     "Remove and return members with scores in a sorted set", "7.0.0", "sorted-set",
     {"O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
      "elements in the sorted set, and M being the number of elements popped.",
      "numkeys:integer key... (where=MIN|MAX) [COUNT count:integer]", "", "RW access delete"},
     {}, &kZMPopKeys},
    {"zcard", 2, kReadOnly | kFast, 1, 1, 1, ZCard,
     "Get the number of members in a sorted set", "1.2.0", "sorted-set", {"O(1)", "key"}},
    {"zscore", 3, kReadOnly | kFast, 1, 1, 1, ZScore,
     "Get the score associated with the given member in a sorted set", "1.2.0", "sorted-set",
     {"O(1)", "key member"}},
    {"zmscore", -3, kReadOnly | kFast, 1, 1, 1, ZMScore,
     "Get the score associated with the given members in a sorted set", "6.2.0", "sorted-set",
     {"O(N) where N is the number of members being requested.", "key member..."}},
    {"zrank", -3, kReadOnly | kFast, 1, 1, 1, ZRank,
     "Determine the index of a member in a sorted set", "2.0.0", "sorted-set",
     {kLogN, "key member [WITHSCORE]"}},
    {"zrevrank", -3, kReadOnly | kFast, 1, 1, 1, ZRevRank,
     "Determine the index of a member in a sorted set, with scores ordered from high to low",
     "2.0.0", "sorted-set", {kLogN, "key member [WITHSCORE]"}},
    {"zcount", 4, kReadOnly | kFast, 1, 1, 1, ZCount,
     "Count the members in a sorted set with scores within the given values", "2.0.0",
     "sorted-set", {kLogN, "key min:double max:double"}},
    {"zlexcount", 4, kReadOnly | kFast, 1, 1, 1, ZLexCount,
     "Count the number of members in a sorted set between a given lexicographical range",
     "2.8.9", "sorted-set", {kLogN, "key min max"}},
    {"zrange", -4, kReadOnly, 1, 1, 1, ZRange, "Return a range of members in a sorted set",
     "1.2.0", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.", kRangeSyntax}},
    {"zrangestore", -5, kWriteOom, 1, 2, 1, ZRangeStore,
     "Store a range of members from sorted set into another key", "6.2.0", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements stored into the destination key.",
      "dst:key src:key min max [sortby=BYSCORE|BYLEX] [REV] "
      "[offset_count=LIMIT (offset:integer count:integer)]", "", "OW update|RO access"}},
    {"zrangebyscore", -4, kReadOnly, 1, 1, 1, ZRangeByScore,
     "Return a range of members in a sorted set, by score", "1.0.5", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned.",
      "key min:double max:double [WITHSCORES] [LIMIT offset:integer count:integer]"}},
    {"zrevrangebyscore", -4, kReadOnly, 1, 1, 1, ZRevRangeByScore,
     "Return a range of members in a sorted set, by score, with scores ordered from high to low",
     "2.2.0", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned.",
      "key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]"}},
    {"zrangebylex", -4, kReadOnly, 1, 1, 1, ZRangeByLex,
     "Return a range of members in a sorted set, by lexicographical range", "2.8.9",
     "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned.", "key min max [LIMIT offset:integer count:integer]"}},
    {"zrevrangebylex", -4, kReadOnly, 1, 1, 1, ZRevRangeByLex,
     "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
     "to lower strings.", "2.8.9", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned.", "key max min [LIMIT offset:integer count:integer]"}},
    {"zrevrange", -4, kReadOnly, 1, 1, 1, ZRevRange,
     "Return a range of members in a sorted set, by index, with scores ordered from high to low",
     "1.2.0", "sorted-set",
     {"O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.", "key start:integer stop:integer [WITHSCORES]"}},
    {"zunion", -3, kReadOnly, 0, 0, 0, ZUnion, "Add multiple sorted sets", "6.2.0", "sorted-set",
     {kUnionDoc,
      "numkeys:integer key... [WEIGHTS weight:integer...] [AGGREGATE (aggregate=SUM|MIN|MAX)] "
      "[WITHSCORES]"},
     {}, &kAlgebraKeys},
    {"zinter", -3, kReadOnly, 0, 0, 0, ZInter, "Intersect multiple sorted sets", "6.2.0",
     "sorted-set",
     {kInterDoc,
      "numkeys:integer key... [WEIGHTS weight:integer...] [AGGREGATE (aggregate=SUM|MIN|MAX)] "
      "[WITHSCORES]"},
     {}, &kAlgebraKeys},
    {"zdiff", -3, kReadOnly, 0, 0, 0, ZDiff, "Subtract multiple sorted sets", "6.2.0",
     "sorted-set", {kDiffDoc, "numkeys:integer key... [WITHSCORES]"}, {}, &kAlgebraKeys},
    {"zunionstore", -4, kWriteOom, 1, 1, 1, ZUnionStore,
     "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
     "sorted-set",
     {"O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.",
      "destination:key numkeys:integer key... [WEIGHTS weight:integer...] "
      "[AGGREGATE (aggregate=SUM|MIN|MAX)]", "", "OW update"},
     {}, &kAlgebraStoreKeys},
    {"zinterstore", -4, kWriteOom, 1, 1, 1, ZInterStore,
     "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
     "sorted-set",
     {kInterDoc,
      "destination:key numkeys:integer key... [WEIGHTS weight:integer...] "
      "[AGGREGATE (aggregate=SUM|MIN|MAX)]", "", "OW update"},
     {}, &kAlgebraStoreKeys},
    {"zdiffstore", -4, kWriteOom, 1, 1, 1, ZDiffStore,
     "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0",
     "sorted-set", {kDiffDoc, "destination:key numkeys:integer key...", "", "OW update"},
     {}, &kAlgebraStoreKeys},
    {"zintercard", -3, kReadOnly, 0, 0, 0, ZInterCard,
     "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
     "sorted-set",
     {"O(N*K) worst case with N being the smallest input sorted set, K being the number of "
      "input sorted sets.", "numkeys:integer key... [LIMIT limit:integer]"},
     {}, &kAlgebraKeys},
    {"zrandmember", -2, kReadOnly, 1, 1, 1, ZRandMember,
     "Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set",
     {"O(N) where N is the number of elements returned",
      "key [options=(count:integer [WITHSCORES])]", "nondeterministic_output"}},
    {"zscan", -3, kReadOnly, 1, 1, 1, ZScan,
     "Incrementally iterate sorted sets elements and associated scores", "2.8.0", "sorted-set",
     {"O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..",
      "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
      "nondeterministic_output"}},
    {"bzpopmin", -3, kWrite | kBlocking | kFast, 1, -2, 1, BZPopMin,
     "Remove and return the member with the lowest score from one or more sorted sets, or block "
     "until one is available", "5.0.0", "sorted-set",
     {kLogN, "key... timeout:double", "", "RW access delete"}},
    {"bzpopmax", -3, kWrite | kBlocking | kFast, 1, -2, 1, BZPopMax,
     "Remove and return the member with the highest score from one or more sorted sets, or "
     "block until one is available", "5.0.0", "sorted-set",
     {kLogN, "key... timeout:double", "", "RW access delete"}},
    {"bzmpop", -5, kWrite | kBlocking, 0, 0, 0, BZMPop,
     "Remove and return members with scores in a sorted set or block until one is available",
     "7.0.0", "sorted-set",
     {"O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
      "elements in the sorted set, and M being the number of elements popped.",
      "timeout:double numkeys:integer key... (where=MIN|MAX) [COUNT count:integer]", "",
      "RW access delete"},
     {}, &kBZMPopKeys},
};

}  // namespace

std::span<const CommandSpec> SortedSetRows() { return kZSetCommands; }

}  // namespace server
