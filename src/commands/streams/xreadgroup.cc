// XREADGROUP GROUP g c [COUNT n] [MAXCOUNT n] [MAXSIZE bytes] [BLOCK ms] [CLAIM min-idle]
// [NOACK] STREAMS key [key ...] id [id ...], parsed and checked as Redis 7.0.15 does (plus
// 8.4's CLAIM and 8.10's MAXCOUNT / MAXSIZE). ">" delivers new entries (and, with CLAIM, idle
// pending ones first); any other ID re-reads the consumer's own pending entries. With nothing to
// deliver and BLOCK, the client is parked (src/commands/streams/xreadgroup_block.cc). What a read
// changes is recorded for the AOF as Redis 7.0 propagates it (src/delivery/records.h), consumers it
// creates included; a read that changed nothing records nothing.
#include <string>
#include <utility>
#include <vector>

#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/streams/xreadgroup.h"
#include "src/commands/util.h"
#include "src/delivery/records.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

struct GroupTarget {
  std::string_view key;
  streams::Stream* stream;
  streams::ConsumerGroup* group;
  bool history;              // an explicit ID: the consumer's own pending entries
  streams::StreamID after;   // history only
};

// Everything up to STREAMS.
struct ParsedOptions {
  GroupReadOptions opts;
  int64_t block_ms = -1;  // BLOCK ms; -1 when not given
  size_t first_key = 0;   // argv index of the first key
};

// The checks come in Redis's order: each option as met, then STREAMS' balance, GROUP.
Result<ParsedOptions> ParseOptions(const CommandContext& ctx) {
  ParsedOptions parsed;
  GroupReadOptions& opts = parsed.opts;
  bool have_group = false;
  size_t first_key = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    const size_t more = ctx.argc() - i - 1;
    std::string_view opt = ctx.arg(i);
    Result<bool> is_limit = more > 0 ? ParseReadLimit(ctx, i, opts.limits) : Result<bool>(false);
    if (!is_limit) return std::move(is_limit).failure();
    if (*is_limit) {
      i++;
    } else if (EqualsIgnoreCase(opt, "BLOCK") && more > 0) {
      auto n = Int64Arg(ctx, i + 1, err::kTimeoutNotInteger);
      if (!n) return std::move(n).failure();
      if (*n < 0) return Failure(err::kTimeoutNegative);
      parsed.block_ms = *n;
      i++;
    } else if (EqualsIgnoreCase(opt, "CLAIM") && more > 0) {
      // Takes the next argument whatever it is: "CLAIM STREAMS ..." is a bad min-idle-time.
      auto n = Int64Arg(ctx, i + 1, err::kClaimMinIdleNotInteger);
      if (!n) return std::move(n).failure();
      if (*n < 0) return Failure(err::kClaimMinIdleNegative);
      opts.claim_min_idle = *n;
      i++;
    } else if (EqualsIgnoreCase(opt, "NOACK")) {
      opts.noack = true;
    } else if (EqualsIgnoreCase(opt, "GROUP") && more >= 2) {
      opts.group = ctx.arg(i + 1);
      opts.consumer = ctx.arg(i + 2);
      have_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(opt, "STREAMS") && more > 0) {
      first_key = i + 1;
      break;
    } else {
      return Failure(err::kSyntax);
    }
  }
  if (first_key == 0) return Failure(err::kSyntax);
  if ((ctx.argc() - first_key) % 2 != 0) return Failure(err::kXReadGroupUnbalanced);
  if (!have_group) return Failure(err::kXReadGroupMissingGroup);
  if (auto checked = CheckReadLimits(opts.limits); !checked) return std::move(checked).failure();
  parsed.first_key = first_key;
  return parsed;
}

// Resolves each key's stream, group and ID, key by key as Redis does: type, then group, then
// the ID. The error is the first one met.
Result<std::vector<GroupTarget>> ResolveTargets(CommandContext& ctx, const GroupReadOptions& opts,
                                                size_t first_key) {
  const size_t nkeys = (ctx.argc() - first_key) / 2;
  std::vector<GroupTarget> targets;
  targets.reserve(nkeys);
  for (size_t k = 0; k < nkeys; k++) {
    std::string_view key = ctx.arg(first_key + k);
    std::string_view id_arg = ctx.arg(first_key + nkeys + k);
    auto found = ReadStream(ctx, key);
    if (!found) return std::move(found).failure();
    streams::Stream* s = *found;
    streams::ConsumerGroup* g = s != nullptr ? s->FindGroup(opts.group) : nullptr;
    if (g == nullptr) return Failure(err::NoGroupInXReadGroup(key, opts.group));
    GroupTarget t{key, s, g, true, {}};
    switch (streams::ClassifyReadToken(id_arg)) {
      case streams::ReadToken::kNewOnly:
        return Failure(err::kXReadGroupDollarId);
      case streams::ReadToken::kLastEntry:
        return Failure(err::kXReadGroupPlusId);
      case streams::ReadToken::kUndelivered:
        t.history = false;
        break;
      case streams::ReadToken::kNone: {
        auto id = streams::ParseStrictId(id_arg);
        if (!id.ok()) return Failure(IdStatusText(id.status));
        t.after = id.value;
        // Redis marks ">" internally with the largest ID, so that ID given explicitly reads
        // new entries too (redis/redis#7406).
        t.history = id.value != streams::StreamID::Max();
        break;
      }
    }
    targets.push_back(t);
  }
  return targets;
}

void XReadGroup(CommandContext& ctx) {
  auto parsed = ParseOptions(ctx);
  if (!parsed) return ctx.reply.Error(parsed.error());
  GroupReadOptions& opts = parsed->opts;
  const int64_t block_ms = parsed->block_ms;
  auto resolved = ResolveTargets(ctx, opts, parsed->first_key);
  if (!resolved) return ctx.reply.Error(resolved.error());
  const std::vector<GroupTarget>& targets = *resolved;

  // History parts are always in the reply (empty or not); ">" parts only with entries. The
  // reply's header needs their number, so each part's entries wait in their own buffer.
  struct Part {
    std::string_view key;
    size_t n;
    std::string entries;
  };
  std::vector<Part> parts;
  parts.reserve(targets.size());
  ReadBudget budget(opts.limits);
  std::vector<Record> records;
  DeliveryContext dc{ctx.server, ctx.client.db_index, ctx.now_ms,
                     ctx.server.propagation.enabled() ? &records : nullptr};
  for (const GroupTarget& t : targets) {
    // Redis looks each key up again to serve it (every one exists by now): a second hit.
    ctx.server.stats.keyspace_hits++;
    // Every call creates the consumer and counts as an attempt (7.2's seen-time / XINFO idle).
    auto [consumer, created] = t.group->GetOrCreateConsumer(opts.consumer, ctx.now_ms);
    consumer->seen_time_ms = ctx.now_ms;
    if (created) {
      KeepRecord(ctx.server.propagation, dc.records, [&] { return CreateConsumerRecord(t.key, opts.group, opts.consumer); });
      Notify(ctx, kNotifyStream, "xgroup-createconsumer", t.key);
    }
    std::string entries;
    resp::Writer w(entries, ctx.reply.protocol());
    const GroupReadTarget target{t.key, opts.group, *t.stream, *t.group, *consumer};
    size_t n;
    if (t.history) {
      n = ReadHistory(w, target, t.after, budget, dc);
    } else {
      if (budget.Exhausted()) continue;
      n = ReadNew(w, target, opts, budget, dc);
      if (n == 0) continue;
    }
    parts.push_back({t.key, n, std::move(entries)});
  }
  RecordAll(ctx, std::move(records));
  if (!parts.empty()) {
    WriteReadGroupHeader(ctx.reply, parts.size());
    for (const Part& p : parts) WriteReadGroupPart(ctx.reply, p.key, p.n, p.entries);
    return;
  }
  // Inside MULTI or a script a blocking read does not block.
  if (block_ms < 0 || ctx.client.command_depth > 1) return ctx.reply.NullArray();
  std::vector<std::string> keys;
  keys.reserve(targets.size());
  for (const GroupTarget& t : targets) keys.emplace_back(t.key);
  BlockXReadGroup(ctx, std::move(keys), std::move(opts), block_ms);
}

constexpr CommandSpec kStreamReadGroupRows[] = {
    {"xreadgroup", -7, kWrite | kBlocking, 0, 0, 0, XReadGroup, "Return new entries from a stream "
     "using a consumer group, or access the history of the pending entries for a given consumer. "
     "Can block.", "5.0.0", "stream",
     {"For each stream mentioned: O(M) with M being the number of elements returned. If M is "
      "constant (e.g. always asking for the first 10 elements with COUNT), you can consider it "
      "O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to "
      "serve the N clients blocked on the stream getting new data.", "GROUP (group_consumer=group "
      "consumer) [COUNT count:integer] [MAXCOUNT maxcount:integer] [MAXSIZE maxsize:integer] "
      "[BLOCK milliseconds:integer] [CLAIM min-idle-time:integer] [NOACK] STREAMS (streams=key... "
      "id...)", "", "RO access"}, {}, &kXReadGroupKeys},
};

}  // namespace

std::span<const CommandSpec> StreamReadGroupRows() { return kStreamReadGroupRows; }

}  // namespace server
