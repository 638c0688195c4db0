// XPENDING, XCLAIM, XAUTOCLAIM: inspecting a group's pending-entries list and moving its entries
// between consumers. Every walk seeks the PEL's radix tree (logarithmic); none signals WATCH, as
// Redis never does for PEL changes. NACKed entries (XNACK, 8.8) have no owner and delivery time
// 0: XPENDING shows them with consumer "" and idle -1, and every claim may take them at once.
// For the AOF a claim records each entry it took as it left it (XCLAIM ... TIME RETRYCOUNT FORCE
// JUSTID, as Redis 7.0 propagates claims), a reference it dropped as XACK, a consumer it created
// as XGROUP CREATECONSUMER, and nothing when it changed nothing.
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/delivery/apply.h"
#include "src/delivery/policy.h"
#include "src/delivery/records.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/server_state.h"
#include "streams/delivery_plan.h"

namespace server {

namespace {

// The stream at `ctx.arg(1)` and its group `ctx.arg(2)`, both existing (never null); WRONGTYPE
// or NOGROUP otherwise. `s` is the key's read lookup (ReadStream: a miss raises keymiss), which
// XAUTOCLAIM makes before it parses its arguments and the others make here.
struct KeyGroup {
  streams::Stream* stream;
  streams::ConsumerGroup* group;
};
Result<KeyGroup> KeyGroupOf(CommandContext& ctx, Result<streams::Stream*> s) {
  if (!s) return std::move(s).failure();
  streams::ConsumerGroup* g = *s == nullptr ? nullptr : (*s)->FindGroup(ctx.arg(2));
  if (g == nullptr) return Failure(err::NoSuchKeyOrGroup(ctx.arg(1), ctx.arg(2)));
  return KeyGroup{*s, g};
}

// Milliseconds since the entry's last delivery (huge for a NACKed entry, whose time is 0).
int64_t IdleMs(const streams::PendingEntry& e, int64_t now_ms) {
  return now_ms - e.delivery_time_ms;
}

// XPENDING key group: [count, smallest ID, largest ID, [[consumer, "count"], ...]] listing the
// consumers that own entries (NACKed ones belong to none); [0, nil, nil, nil] when empty.
void ReplyPendingSummary(CommandContext& ctx, const streams::ConsumerGroup& g) {
  ctx.reply.Array(4);
  ctx.reply.Integer(static_cast<int64_t>(g.pending_count()));
  if (g.pending_count() == 0) {
    ctx.reply.Null();
    ctx.reply.Null();
    ctx.reply.NullArray();
    return;
  }
  streams::PendingIndex::Iterator it(g.pel());
  it.Seek(streams::SeekOp::kFirst);
  ReplyId(ctx.reply, it.Value()->id);
  it.Seek(streams::SeekOp::kLast);
  ReplyId(ctx.reply, it.Value()->id);
  size_t owners = 0;
  for (const auto& [name, c] : g.consumers()) owners += c->pel.size() > 0 ? 1 : 0;
  ctx.reply.Array(owners);
  for (const auto& [name, c] : g.consumers()) {
    if (c->pel.size() == 0) continue;
    ctx.reply.Array(2);
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(std::to_string(c->pel.size()));  // a string, as Redis sends it
  }
}

// XPENDING key group [[IDLE min-idle] start end count [consumer]]. Like Redis 7.0, the count is
// read before the IDs, everything is parsed before the key is looked up, a negative count or
// IDLE is accepted (as 0 / no filter), and up to two arguments after the consumer are ignored.
void XPending(CommandContext& ctx) {
  const size_t argc = ctx.argc();
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.reply.Error(err::kSyntax);
  std::optional<int64_t> min_idle;
  streams::StreamID start, end;
  int64_t count = 0;
  std::optional<std::string_view> consumer_name;
  if (argc > 3) {
    size_t at = 3;
    if (EqualsIgnoreCase(ctx.arg(3), "IDLE")) {
      auto idle = Int64Arg(ctx, 4);
      if (!idle) return ctx.reply.Error(idle.error());
      min_idle = *idle;
      if (argc < 8) return ctx.reply.Error(err::kSyntax);
      at = 5;
    }
    auto n = Int64Arg(ctx, at + 2);
    if (!n) return ctx.reply.Error(n.error());
    count = *n < 0 ? 0 : *n;
    auto s = streams::ParseRangeStart(ctx.arg(at));
    if (!s.ok()) return ctx.reply.Error(IdStatusText(s.status));
    auto e = streams::ParseRangeEnd(ctx.arg(at + 1));
    if (!e.ok()) return ctx.reply.Error(IdStatusText(e.status));
    start = s.value;
    end = e.value;
    if (at + 3 < argc) consumer_name = ctx.arg(at + 3);
  }
  auto target = KeyGroupOf(ctx, ReadStream(ctx, ctx.arg(1)));
  if (!target) return ctx.reply.Error(target.error());
  const streams::ConsumerGroup* g = target->group;
  if (argc == 3) return ReplyPendingSummary(ctx, *g);

  const streams::PendingIndex* pel = &g->pel();
  if (consumer_name) {
    streams::Consumer* c = g->FindConsumer(*consumer_name);
    if (c == nullptr) return ctx.reply.Array(0);
    pel = &c->pel;
  }
  std::vector<const streams::PendingEntry*> found;
  streams::PendingIndex::Iterator it(*pel);
  for (bool ok = start <= end && it.Seek(streams::SeekOp::kGreaterOrEqual, start);
       ok && static_cast<int64_t>(found.size()) < count && it.Value()->id <= end; ok = it.Next()) {
    const streams::PendingEntry* e = it.Value();
    if (min_idle && IdleMs(*e, ctx.now_ms) < *min_idle) continue;
    found.push_back(e);
  }
  ctx.reply.Array(found.size());
  for (const streams::PendingEntry* e : found) {
    ctx.reply.Array(4);
    ReplyId(ctx.reply, e->id);
    ctx.reply.Bulk(e->owner() == nullptr ? std::string_view() : std::string_view(e->owner()->name));
    ctx.reply.Integer(e->owner() == nullptr ? -1 : IdleMs(*e, ctx.now_ms));
    ctx.reply.Integer(static_cast<int64_t>(e->delivery_count()));
  }
}

// Replies the claimed entries: their IDs (JUSTID) or the entries themselves.
void ReplyClaimed(CommandContext& ctx, const streams::Stream& s,
                  const std::vector<streams::StreamID>& ids, bool just_id) {
  ctx.reply.Array(ids.size());
  for (streams::StreamID id : ids) {
    if (just_id) {
      ReplyId(ctx.reply, id);
      continue;
    }
    auto it = s.Range(id, id);  // claims only take entries still in the stream
    ReplyEntry(ctx.reply, id, it.entry());
  }
}

struct ClaimArgs {
  int64_t min_idle = 0;
  std::vector<streams::StreamID> ids;
  std::optional<int64_t> delivery_time;  // from IDLE ms or TIME unix-ms, the last one given
  std::optional<int64_t> retry_count;  // RETRYCOUNT n (negative: as if not given)
  bool force = false;
  bool just_id = false;
  std::optional<streams::StreamID> last_id;
};

// XCLAIM's arguments from min-idle-time on: IDs until the first argument that is not one, then
// options. Texts and leniency as Redis 7.0.15: negative values are accepted.
Result<ClaimArgs> ParseClaimArgs(const CommandContext& ctx) {
  ClaimArgs args;
  auto min_idle = Int64Arg(ctx, 4, err::kXClaimMinIdleInvalid);
  if (!min_idle) return std::move(min_idle).failure();
  args.min_idle = *min_idle < 0 ? 0 : *min_idle;
  size_t i = 5;
  for (; i < ctx.argc(); i++) {
    auto id = streams::ParseStrictId(ctx.arg(i));
    if (!id.ok()) break;
    args.ids.push_back(id.value);
  }
  for (; i < ctx.argc(); i++) {
    std::string_view opt = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(opt, "FORCE")) {
      args.force = true;
    } else if (EqualsIgnoreCase(opt, "JUSTID")) {
      args.just_id = true;
    } else if (EqualsIgnoreCase(opt, "IDLE") && has_value) {
      auto idle = Int64Arg(ctx, ++i, err::kXClaimIdleInvalid);
      if (!idle) return std::move(idle).failure();
      int64_t t;
      args.delivery_time = __builtin_sub_overflow(ctx.now_ms, *idle, &t) ? -1 : t;
    } else if (EqualsIgnoreCase(opt, "TIME") && has_value) {
      auto time = Int64Arg(ctx, ++i, err::kXClaimTimeInvalid);
      if (!time) return std::move(time).failure();
      args.delivery_time = *time;
    } else if (EqualsIgnoreCase(opt, "RETRYCOUNT") && has_value) {
      auto retry_count = Int64Arg(ctx, ++i, err::kXClaimRetryCountInvalid);
      if (!retry_count) return std::move(retry_count).failure();
      args.retry_count = *retry_count;
    } else if (EqualsIgnoreCase(opt, "LASTID") && has_value) {
      auto id = streams::ParseStrictId(ctx.arg(++i));
      if (!id.ok()) return Failure(IdStatusText(id.status));
      args.last_id = id.value;
    } else {
      return Failure(err::XClaimUnrecognizedOption(opt));
    }
  }
  return args;
}

// The delivery time XCLAIM records: now, or as IDLE/TIME say; a bogus one (negative, in the
// future, or an IDLE that overflows) becomes now, as Redis does rather than failing.
int64_t ClaimDeliveryTime(const ClaimArgs& args, int64_t now_ms) {
  const std::optional<int64_t>& t = args.delivery_time;
  if (!t || *t < 0 || *t > now_ms) return now_ms;
  return *t;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n]
// [FORCE] [JUSTID] [LASTID id]. Unlike XPENDING and XAUTOCLAIM, the key and group are looked
// up before the arguments are parsed (Redis 7.0's order). The consumer is created, and its
// seen-time set, even when nothing is claimed (7.2+); pending IDs whose entry left the stream
// are dropped from the PEL and not replied.
void XClaim(CommandContext& ctx) {
  auto target = KeyGroupOf(ctx, ReadStream(ctx, ctx.arg(1)));
  if (!target) return ctx.reply.Error(target.error());
  streams::Stream* s = target->stream;
  streams::ConsumerGroup* g = target->group;
  auto parsed = ParseClaimArgs(ctx);
  if (!parsed) return ctx.reply.Error(parsed.error());
  const ClaimArgs& args = *parsed;
  const int64_t now = ctx.now_ms;
  const int64_t delivery_time = ClaimDeliveryTime(args, now);
  // Records are built only when propagation keeps them (not while the AOF is replayed).
  const bool recording = ctx.server.propagation.enabled();
  std::vector<Record> records;
  if (args.last_id && *args.last_id > g->last_id()) {
    g->SetPosition(*args.last_id, g->entries_read());
    KeepRecord(ctx.server.propagation, recording ? &records : nullptr,
               [&] { return PositionRecord(ctx.arg(1), ctx.arg(2), *g); });
  }
  auto [consumer, created] = g->GetOrCreateConsumer(ctx.arg(3), now);
  consumer->seen_time_ms = now;
  if (created) {
    KeepRecord(ctx.server.propagation, recording ? &records : nullptr,
               [&] { return CreateConsumerRecord(ctx.arg(1), ctx.arg(2), ctx.arg(3)); });
    Notify(ctx, kNotifyStream, "xgroup-createconsumer", ctx.arg(1));
  }
  const std::vector<streams::XClaimStep> steps =
      streams::PlanClaim(*s, *g, args.ids, {now, args.min_idle, delivery_time, args.force});
  std::vector<streams::StreamID> claimed;
  for (const streams::XClaimStep& step : steps) {
    if (step.action != streams::XClaimAction::kDrop) claimed.push_back(step.id);
  }
  ReplyClaimed(ctx, *s, claimed, args.just_id);
  DeliveryContext dc{ctx.server, ctx.client.db_index, now, recording ? &records : nullptr};
  ApplyClaim(dc, {ctx.arg(1), ctx.arg(2), *s, *g}, *consumer, steps,
             {delivery_time, args.retry_count, args.just_id});
  RecordAll(ctx, std::move(records));
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID]: claims up to COUNT
// entries idle for min-idle-time, walking the PEL in ID order from `start` and looking at no
// more than COUNT*10 entries. Entries gone from the stream are dropped from the PEL, listed in
// the third element and count toward COUNT. The first element is where the next call should
// start (0-0 once the walk reached the end). As Redis 7.0, the key is looked up first (a miss
// raises keymiss), then everything is parsed, then the key's type and group are checked.
void XAutoClaim(CommandContext& ctx) {
  Result<streams::Stream*> found = ReadStream(ctx, ctx.arg(1));
  auto min_idle = Int64Arg(ctx, 4, err::kXAutoClaimMinIdleInvalid);
  if (!min_idle) return ctx.reply.Error(min_idle.error());
  if (*min_idle < 0) *min_idle = 0;
  auto start = streams::ParseRangeStart(ctx.arg(5));
  if (!start.ok()) return ctx.reply.Error(IdStatusText(start.status));
  // Redis caps COUNT so that COUNT * 16 bytes of scratch space cannot overflow.
  constexpr int64_t kMaxCount = INT64_MAX / 16;
  int64_t count = 100;
  bool just_id = false;
  for (size_t i = 6; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      auto n = Int64Arg(ctx, ++i, err::kXAutoClaimCountInvalid);
      if (!n) return ctx.reply.Error(n.error());
      if (*n < 1 || *n > kMaxCount) return ctx.reply.Error(err::kXAutoClaimCountInvalid);
      count = *n;
    } else if (EqualsIgnoreCase(ctx.arg(i), "JUSTID")) {
      just_id = true;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  auto target = KeyGroupOf(ctx, std::move(found));
  if (!target) return ctx.reply.Error(target.error());
  streams::Stream* s = target->stream;
  streams::ConsumerGroup* g = target->group;
  const int64_t now = ctx.now_ms;
  auto [consumer, created] = g->GetOrCreateConsumer(ctx.arg(3), now);
  consumer->seen_time_ms = now;
  const bool recording = ctx.server.propagation.enabled();
  std::vector<Record> records;
  if (created) {
    KeepRecord(ctx.server.propagation, recording ? &records : nullptr,
               [&] { return CreateConsumerRecord(ctx.arg(1), ctx.arg(2), ctx.arg(3)); });
    Notify(ctx, kNotifyStream, "xgroup-createconsumer", ctx.arg(1));
  }

  const streams::AutoClaimPlan plan =
      streams::PlanAutoClaim(*s, *g, EffectivePolicy(ctx.server.config, *g),
                             {now, ctx.server.loading, *min_idle, start.value, count, just_id});
  std::vector<streams::StreamID> claimed, deleted;
  for (const streams::ClaimStep& step : plan.steps) {
    if (step.action == streams::ClaimAction::kClaim) claimed.push_back(step.id);
    if (step.action == streams::ClaimAction::kDrop) deleted.push_back(step.id);
  }
  ctx.reply.Array(3);
  ReplyId(ctx.reply, plan.cursor);
  ReplyClaimed(ctx, *s, claimed, just_id);
  ctx.reply.Array(deleted.size());
  for (streams::StreamID id : deleted) ReplyId(ctx.reply, id);
  DeliveryContext dc{ctx.server, ctx.client.db_index, now, recording ? &records : nullptr};
  ApplyAutoClaim(dc, {ctx.arg(1), ctx.arg(2), *s, *g}, *consumer, plan, just_id);
  RecordAll(ctx, std::move(records));
}

constexpr CommandSpec kStreamPendingRows[] = {
    {"xpending", -3, kReadOnly, 1, 1, 1, XPending, "Return information and entries from a stream "
     "consumer group pending entries list, that are messages fetched but never acknowledged.",
     "5.0.0", "stream",
     {"O(N) with N being the number of elements returned, so asking for a small fixed number of "
      "entries per call is O(1). O(M), where M is the total number of entries scanned when used "
      "with the IDLE filter. When the command returns just the summary and the list of consumers "
      "is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every "
      "consumer.",
      "key group [filters=[IDLE min-idle-time:integer] start end count:integer [consumer]]",
      "nondeterministic_output", "RO access"}},
    {"xclaim", -6, kWrite | kFast, 1, 1, 1, XClaim, "Changes (or acquires) ownership of a message "
     "in a consumer group, as if the message was delivered to the specified consumer.", "5.0.0",
     "stream",
     {"O(log N) with N being the number of messages in the PEL of the consumer group.",
      "key group consumer min-idle-time id... [IDLE ms:integer] [TIME "
      "unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] [LASTID "
      "lastid]", "nondeterministic_output", "RW update"}},
    {"xautoclaim", -6, kWrite | kFast, 1, 1, 1, XAutoClaim, "Changes (or acquires) ownership of "
     "messages in a consumer group, as if the messages were delivered to the specified consumer.",
     "6.2.0", "stream",
     {"O(1) if COUNT is small.",
      "key group consumer min-idle-time start [COUNT count:integer] [JUSTID]",
      "nondeterministic_output", "RW delete"}},
};

}  // namespace

std::span<const CommandSpec> StreamPendingRows() { return kStreamPendingRows; }

}  // namespace server
