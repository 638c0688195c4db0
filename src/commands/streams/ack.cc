// XACK, XACKDEL (8.2) and XNACK (8.8): a consumer tells its group it is done with an entry,
// done with it and wants it deleted, or gives it back for someone else to claim at once.
// None of them signals WATCH unless an entry is deleted: Redis never does for PEL changes.
// XACK and XACKDEL replay as sent; XNACK records each release with the delivery count it left
// (RETRYCOUNT), FORCE and its due time (DUE-AT), so a replay gives the same counts, NACKed-zone
// order and deadlines; what it dead-lettered is recorded as the XADD and XACK that did it.
#include <optional>
#include <utility>
#include <vector>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/delivery/apply.h"
#include "src/delivery/dead_letter.h"
#include "src/delivery/policy.h"
#include "src/delivery/records.h"
#include "src/errors.h"
#include "src/notify.h"
#include "streams/delivery_plan.h"
#include "streams/saturating.h"

namespace server {

namespace {

// XACK key group id [id ...]: how many of the IDs were pending. A missing key or group acks
// nothing and replies 0 before the IDs are even looked at (as Redis 7.0 does).
void XAck(CommandContext& ctx) {
  auto found = ReadStream(ctx, ctx.arg(1));  // a miss raises keymiss, as Redis 7.0's XACK
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  streams::ConsumerGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  auto ids = ParseIds(ctx.argv.subspan(3));  // all checked before any is acked
  if (!ids) return ctx.reply.Error(ids.error());
  int64_t acked = 0;
  for (streams::StreamID id : *ids) acked += g->Ack(id) ? 1 : 0;
  if (acked == 0) ctx.server.propagation.Suppress();
  ctx.reply.Integer(acked);
  g->CompactPending();  // scattered acks give their memory back
}

// XACKDEL key group [KEEPREF|DELREF|ACKED] IDS numids id ... (8.2). Per ID: acked in the
// group, then deleted under the mode: 1 deleted, -1 no such entry, 2 kept because another
// group still references it (ACKED). A missing key or group replies -1 for every ID.
void XAckDel(CommandContext& ctx) {
  auto args = ParseRefDeleteArgs(ctx.argv.subspan(3));
  if (!args) return ctx.reply.Error(args.error());
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  streams::ConsumerGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) ctx.server.propagation.Suppress();  // all -1: nothing changed
  ctx.reply.Array(args->ids.size());
  bool deleted_any = false;
  for (streams::StreamID id : args->ids) {
    if (g == nullptr) {
      ctx.reply.Integer(-1);
      continue;
    }
    g->Ack(id);
    auto outcome = s->DeleteEntry(id, args->policy);
    deleted_any = deleted_any || outcome == streams::DeleteOutcome::kDeleted;
    ctx.reply.Integer(DeleteOutcomeCode(outcome));
  }
  if (g != nullptr) g->CompactPending();
  if (!deleted_any) return;
  ctx.db().Touch(ctx.arg(1));
  // Acks publish nothing (XACK has no event); the deletion publishes XDEL's.
  Notify(ctx, kNotifyStream, "xdel", ctx.arg(1));
}

struct NackArgs {
  streams::NackMode mode = streams::NackMode::kFail;
  std::vector<streams::StreamID> ids;
  std::optional<uint64_t> retry_count;  // RETRYCOUNT: overrides what the mode would set
  bool force = false;                   // FORCE: NACKed entries for IDs not pending yet
  std::optional<int64_t> delay_ms;      // DELAY ms (Runnel's): due only after it
  std::optional<int64_t> due_at_ms;     // DUE-AT unix-ms (Runnel's; what the AOF records)
};

// XNACK key group <SILENT|FAIL|FATAL> [options] IDS numids id ... [options]: the IDS block,
// FORCE and RETRYCOUNT n in any order after the mode (texts from Redis 8.8's test suite).
Result<NackArgs> ParseNackArgs(const CommandContext& ctx) {
  NackArgs args;
  std::string_view mode = ctx.arg(3);
  if (EqualsIgnoreCase(mode, "SILENT")) {
    args.mode = streams::NackMode::kSilent;
  } else if (EqualsIgnoreCase(mode, "FAIL")) {
    args.mode = streams::NackMode::kFail;
  } else if (EqualsIgnoreCase(mode, "FATAL")) {
    args.mode = streams::NackMode::kFatal;
  } else {
    return Failure(err::kXNackBadMode);
  }
  bool ids_seen = false;
  for (size_t i = 4; i < ctx.argc(); i++) {
    std::string_view opt = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (!ids_seen && EqualsIgnoreCase(opt, "IDS") && has_value) {
      int64_t n;
      if (!resp::ParseStrictInt64(ctx.arg(i + 1), n) || n < 1) {
        return Failure(err::kXNackNumIdsInvalid);
      }
      if (static_cast<uint64_t>(n) > ctx.argc() - (i + 2)) {
        return Failure(err::kXNackNumIdsMismatch);
      }
      const size_t from = i + 2, to = from + static_cast<size_t>(n);
      auto ids = ParseIds(ctx.argv.subspan(from, to - from));
      if (!ids) return std::move(ids).failure();
      args.ids = std::move(*ids);
      ids_seen = true;
      i = to - 1;
    } else if (EqualsIgnoreCase(opt, "FORCE")) {
      args.force = true;
    } else if (EqualsIgnoreCase(opt, "RETRYCOUNT") && has_value) {
      auto n = Int64Arg(ctx, i + 1);
      if (!n) return std::move(n).failure();
      if (*n < 0) return Failure(err::kXNackRetryCountNegative);
      args.retry_count = static_cast<uint64_t>(*n);
      i++;
    } else if ((EqualsIgnoreCase(opt, "DELAY") || EqualsIgnoreCase(opt, "DUE-AT")) && has_value) {
      const bool delay = EqualsIgnoreCase(opt, "DELAY");
      auto n = Int64Arg(ctx, i + 1);
      if (!n) return std::move(n).failure();
      if (*n < 0) return Failure(delay ? err::kXNackDelayNegative : err::kXNackDueAtNegative);
      (delay ? args.delay_ms : args.due_at_ms) = *n;
      if (args.delay_ms && args.due_at_ms) return Failure(err::kXNackDelayExclusive);
      i++;
    } else {
      return Failure(err::XNackUnrecognizedOption(opt));
    }
  }
  if (!ids_seen) return Failure(err::kXNackExpectedIds);
  return args;
}

// XNACK (8.8): releases pending entries to the group's NACKed zone (no owner, delivery time 0,
// claimable at once, first NACKed first claimed; a re-NACK moves an entry to the zone's tail).
// Replies how many IDs were released; IDs not pending are skipped unless FORCE finds them in
// the stream. Every occurrence of a repeated ID counts.
// Under a delivery policy (Runnel's), a released entry becomes due after its backoff step (at
// once without one), and one that FATAL marks, or that has had all the deliveries the policy
// allows, goes to the dead-letter stream instead (and counts as released). DELAY ms / DUE-AT
// make it due then, policy or not; until then no claim takes it.
void XNack(CommandContext& ctx) {
  auto parsed = ParseNackArgs(ctx);
  if (!parsed) return ctx.reply.Error(parsed.error());
  const NackArgs& args = *parsed;
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  streams::ConsumerGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.reply.Error(err::NoSuchKeyOrGroup(ctx.arg(1), ctx.arg(2)));
  std::optional<int64_t> due_at = args.due_at_ms;
  if (args.delay_ms) {
    due_at = streams::SaturatingAdd(ctx.now_ms, *args.delay_ms);
  }
  const streams::DeliveryPolicy& policy = EffectivePolicy(ctx.server.config, *g);
  std::vector<Record> records;
  DeliveryContext dc{ctx.server, ctx.client.db_index, ctx.now_ms, &records};
  streams::NackRequest req{args.mode, args.retry_count, args.force, ctx.server.loading,
                           [&] { return DeadLetterAccepted(dc, ctx.arg(1), policy); }};
  const std::vector<streams::NackStep> steps = streams::PlanNack(*s, *g, policy, args.ids, req);
  // Released entries are claimable at once: Dispatch offers the key of every write command to
  // blocked readers, so a waiting XREADGROUP ... CLAIM gets a look without more from here.
  ctx.reply.Integer(static_cast<int64_t>(steps.size()));
  ApplyNack(dc, {ctx.arg(1), ctx.arg(2), *s, *g}, steps, due_at);
  RecordAll(ctx, std::move(records));
}

constexpr CommandSpec kStreamAckRows[] = {
    {"xack", -4, kWrite | kFast, 1, 1, 1, XAck, "Marks a pending message as correctly processed, "
     "effectively removing it from the pending entries list of the consumer group. Return value of "
     "the command is the number of messages successfully acknowledged, that is, the IDs we were "
     "actually able to resolve in the PEL.", "5.0.0", "stream",
     {"O(1) for each message ID processed.", "key group id...", "", "RW update"}},
    {"xackdel", -6, kWrite | kFast, 1, 1, 1, XAckDel,
     "Acknowledges and conditionally deletes one or multiple entries for a stream consumer group.",
     "8.2.0", "stream",
     {"O(1) for each entry ID processed.",
      "key group [condition=KEEPREF|DELREF|ACKED] IDS numids:integer id...", "", "RW delete"}},
    {"xnack", -7, kWrite | kFast, 1, 1, 1, XNack, "Releases pending messages back to the group's "
     "PEL without acknowledging them, making them available for re-delivery.", "8.8.0", "stream",
     {"O(1) for each entry ID processed.", "key group (mode=SILENT|FAIL|FATAL) IDS numids:integer "
      "id... [RETRYCOUNT retrycount:integer] [FORCE] [due=DELAY milliseconds:integer|DUE-AT "
      "unix-time-milliseconds:integer]", "", "RW update"}},
};

}  // namespace

std::span<const CommandSpec> StreamAckRows() { return kStreamAckRows; }

}  // namespace server
