// XREADGROUP ... BLOCK: the parked command. A write to one of its keys offers it that key
// (TryServe): new entries are delivered to the first waiter in blocking order, so consumers of
// one group never get the same entry; a deleted key or destroyed group ends the wait with the
// error the command would give if sent again now (Redis 7.2 on: NOGROUP, or WRONGTYPE for a key
// of another type; 7.0 answered "UNBLOCKED the stream key no longer exists"). With CLAIM the wait also has a deadline for the moment the first pending
// entry becomes claimable (OnDeadline), moved whenever the PEL may have changed. A read served
// here runs outside any command: what it changed is recorded for the AOF with AddOutside.
#include <algorithm>
#include <memory>
#include <optional>

#include "src/blocking.h"
#include "src/commands/streams/xreadgroup.h"
#include "src/delivery/policy.h"
#include "src/delivery/records.h"
#include "src/errors.h"
#include "src/notify.h"
#include "streams/delivery_plan.h"
#include "streams/saturating.h"

namespace server {

namespace {

class BlockedXReadGroup : public BlockedCommand {
 public:
  BlockedXReadGroup(ServerState& state, std::vector<std::string> keys, GroupReadOptions opts)
      : state_(state), keys_(std::move(keys)), opts_(std::move(opts)) {}

  // The wait began at `now` (steady: the registry's own time, so BLOCK's timeout here is the
  // registry's deadline). With CLAIM, aims the deadline at the first claimable moment.
  void Start(Client& client, const WakeTime& now, int64_t block_ms) {
    timeout_at_ = block_ms > 0 ? streams::SaturatingAdd(now.steady_ms, block_ms) : -1;
    if (claiming()) state_.blocking.SetDeadline(client.id, NextDeadline(client, now));
  }

  bool TryServe(ServerState& state, Client& client, std::string_view key, resp::Writer& reply,
                const WakeTime& now) override {
    Value* v = Lookup(client, key, now);
    if (v != nullptr && !v->is_stream()) {
      reply.Error(err::kWrongType);
      return true;
    }
    streams::ConsumerGroup* g = v == nullptr ? nullptr : v->stream().FindGroup(opts_.group);
    if (g == nullptr) {
      reply.Error(err::NoGroupInXReadGroup(key, opts_.group));
      return true;
    }
    // Like Redis 7.0, the reply holds the one stream that was written to.
    Pass pass{client.db_index, now.wall_ms, ReadBudget(opts_.limits), {}};
    std::string entries;
    resp::Writer w(entries, reply.protocol());
    const size_t n = Read(pass, key, v->stream(), *g, w);
    RecordAllOutside(state.propagation, client.db_index, std::move(pass.records));
    if (n > 0) {
      WriteReadGroupHeader(reply, 1);
      WriteReadGroupPart(reply, key, n, entries);
      return true;
    }
    // The write may have changed the PEL (a delivery to another consumer, an XNACK, a claim):
    // the next claimable moment may have moved.
    if (claiming()) state.blocking.SetDeadline(client.id, NextDeadline(client, now));
    return false;
  }

  void ReplyTimeout(resp::Writer& reply) override { reply.NullArray(); }

  DeadlineOutcome OnDeadline(Client& client, const WakeTime& now, resp::Writer& reply) override {
    if (!claiming() || (timeout_at_ >= 0 && now.steady_ms >= timeout_at_)) {
      ReplyTimeout(reply);
      return {true, -1};
    }
    // A pending entry may have become claimable: read as the command would now, every stream.
    std::string body;
    resp::Writer body_writer(body, reply.protocol());
    size_t parts = 0;
    Pass pass{client.db_index, now.wall_ms, ReadBudget(opts_.limits), {}};
    for (const std::string& key : keys_) {
      if (pass.budget.Exhausted()) break;
      Value* v = Lookup(client, key, now);
      streams::ConsumerGroup* g =
          v != nullptr && v->is_stream() ? v->stream().FindGroup(opts_.group) : nullptr;
      if (g == nullptr) continue;
      std::string entries;
      resp::Writer w(entries, reply.protocol());
      const size_t n = Read(pass, key, v->stream(), *g, w);
      if (n == 0) continue;
      WriteReadGroupPart(body_writer, key, n, entries);
      parts++;
    }
    RecordAllOutside(state_.propagation, client.db_index, std::move(pass.records));
    if (parts == 0) return {false, NextDeadline(client, now)};
    WriteReadGroupHeader(reply, parts);
    reply.Raw(body);
    return {true, -1};
  }

  bool claiming() const { return opts_.claim_min_idle >= 0; }

 private:
  // One wake-up's reads: where they happen, when, what they may still take, what they record.
  struct Pass {
    int db;
    int64_t now_ms;  // wall clock
    ReadBudget budget;
    std::vector<Record> records;
  };

  Value* Lookup(const Client& client, std::string_view key, const WakeTime& now) const {
    return state_.dbs[static_cast<size_t>(client.db_index)]->Find(key, now.wall_ms);
  }

  // The earlier of BLOCK's timeout and the first moment a pending entry becomes claimable.
  int64_t NextDeadline(Client& client, const WakeTime& now) const {
    int64_t claim_at = -1;  // wall clock
    for (const std::string& key : keys_) {
      Value* v = Lookup(client, key, now);
      if (v == nullptr || !v->is_stream()) continue;
      const streams::ConsumerGroup* g = v->stream().FindGroup(opts_.group);
      if (g == nullptr) continue;
      const int64_t at = streams::NextClaimableAt(v->stream(), *g, opts_.claim_min_idle);
      if (at >= 0 && (claim_at < 0 || at < claim_at)) claim_at = at;
    }
    if (claim_at < 0) return timeout_at_;
    // Pending times are wall-clock; deadlines are steady. At least 1 ms on, never a busy loop.
    const int64_t wait = std::max<int64_t>(1, claim_at - now.wall_ms);
    const int64_t at = streams::SaturatingAdd(now.steady_ms, wait);
    return timeout_at_ < 0 ? at : std::min(at, timeout_at_);
  }

  // A ">" read of one stream, creating the consumer only when there is something for it.
  size_t Read(Pass& pass, std::string_view key, streams::Stream& s, streams::ConsumerGroup& g,
              resp::Writer& w) {
    if (!streams::GroupReadMayDeliver(s, g, EffectivePolicy(state_.config, g), pass.now_ms,
                                      opts_.claim_min_idle)) {
      return 0;
    }
    auto [consumer, created] = g.GetOrCreateConsumer(opts_.consumer, pass.now_ms);
    consumer->seen_time_ms = pass.now_ms;
    if (created) {
      pass.records.push_back(CreateConsumerRecord(key, opts_.group, opts_.consumer));
      NotifyKeyspaceEvent(state_, kNotifyStream, "xgroup-createconsumer", key, pass.db);
    }
    DeliveryContext dc{state_, pass.db, pass.now_ms,
                       state_.propagation.enabled() ? &pass.records : nullptr};
    return ReadNew(w, {key, opts_.group, s, g, *consumer}, opts_, pass.budget, dc);
  }

  ServerState& state_;
  std::vector<std::string> keys_;
  GroupReadOptions opts_;
  int64_t timeout_at_ = -1;  // when BLOCK's time is up (steady ms); -1 for BLOCK 0
};

}  // namespace

void BlockXReadGroup(CommandContext& ctx, std::vector<std::string> keys, GroupReadOptions opts,
                     int64_t block_ms) {
  auto blocked = std::make_unique<BlockedXReadGroup>(ctx.server, keys, std::move(opts));
  BlockedXReadGroup* command = blocked.get();
  const int64_t steady_now =
      ctx.server.blocking.Block(ctx.client, keys, block_ms, std::move(blocked));
  command->Start(ctx.client, {ctx.now_ms, steady_now}, block_ms);
}

}  // namespace server
