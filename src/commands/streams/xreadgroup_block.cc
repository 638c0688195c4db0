// XREADGROUP ... BLOCK: the parked command. A write to one of its keys offers it that key
// (TryServe): new entries are delivered to the first waiter in blocking order, so consumers of
// one group never get the same entry; a deleted key or destroyed group ends the wait with
// Redis 7.0's errors. With CLAIM the wait also has a deadline for the moment the first pending
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
#include "streams/delivery_plan.h"
#include "streams/saturating.h"

namespace server {

namespace {

class BlockedXReadGroup : public BlockedCommand {
 public:
  // `timeout_at`: when BLOCK's time is up (steady ms), -1 for BLOCK 0.
  BlockedXReadGroup(ServerState& state, std::vector<std::string> keys, GroupReadOptions opts,
                    int64_t timeout_at)
      : state_(state), keys_(std::move(keys)), opts_(std::move(opts)), timeout_at_(timeout_at) {}

  bool TryServe(ServerState& state, Client& client, std::string_view key,
                resp::Writer& reply) override {
    Value* v = Lookup(client, key);
    if (v == nullptr || !v->is_stream()) {
      reply.Error(err::kXReadGroupKeyGone);
      return true;
    }
    streams::ConsumerGroup* g = v->stream().FindGroup(opts_.group);
    if (g == nullptr) {
      reply.Error(err::kXReadGroupGroupGone);
      return true;
    }
    // Like Redis 7.0, the reply holds the one stream that was written to.
    std::string entries;
    ReadBudget budget(opts_.limits);
    std::vector<Record> records;
    const size_t n = Read(client.db_index, key, v->stream(), *g, entries, reply.protocol(), budget, records);
    RecordAllOutside(state.propagation, client.db_index, std::move(records));
    if (n > 0) {
      WriteReadGroupHeader(reply, 1);
      WriteReadGroupPart(reply, key, n, entries);
      return true;
    }
    // The write may have changed the PEL (a delivery to another consumer, an XNACK, a claim):
    // the next claimable moment may have moved.
    if (claiming()) state.blocking.SetDeadline(client.id, NextDeadline(client));
    return false;
  }

  void ReplyTimeout(resp::Writer& reply) override { reply.NullArray(); }

  DeadlineOutcome OnDeadline(Client& client, int64_t now_ms, resp::Writer& reply) override {
    if (!claiming() || (timeout_at_ >= 0 && now_ms >= timeout_at_)) {
      ReplyTimeout(reply);
      return {true, -1};
    }
    // A pending entry may have become claimable: read as the command would now, every stream.
    std::string body;
    resp::Writer body_writer(body, reply.protocol());
    size_t parts = 0;
    ReadBudget budget(opts_.limits);
    std::vector<Record> records;
    for (const std::string& key : keys_) {
      if (budget.Exhausted()) break;
      Value* v = Lookup(client, key);
      streams::ConsumerGroup* g =
          v != nullptr && v->is_stream() ? v->stream().FindGroup(opts_.group) : nullptr;
      if (g == nullptr) continue;
      std::string entries;
      const size_t n = Read(client.db_index, key, v->stream(), *g, entries, reply.protocol(), budget, records);
      if (n == 0) continue;
      WriteReadGroupPart(body_writer, key, n, entries);
      parts++;
    }
    RecordAllOutside(state_.propagation, client.db_index, std::move(records));
    if (parts == 0) return {false, NextDeadline(client)};
    WriteReadGroupHeader(reply, parts);
    reply.Raw(body);
    return {true, -1};
  }

  bool claiming() const { return opts_.claim_min_idle >= 0; }

  // The earlier of BLOCK's timeout and the first moment a pending entry becomes claimable.
  int64_t NextDeadline(Client& client) const {
    int64_t claim_at = -1;  // wall clock
    for (const std::string& key : keys_) {
      Value* v = Lookup(client, key);
      if (v == nullptr || !v->is_stream()) continue;
      const streams::ConsumerGroup* g = v->stream().FindGroup(opts_.group);
      if (g == nullptr) continue;
      const int64_t at = streams::NextClaimableAt(v->stream(), *g, opts_.claim_min_idle);
      if (at >= 0 && (claim_at < 0 || at < claim_at)) claim_at = at;
    }
    if (claim_at < 0) return timeout_at_;
    // Pending times are wall-clock; deadlines are steady. At least 1 ms on, never a busy loop.
    const int64_t wait = std::max<int64_t>(1, claim_at - WallClockMs());
    const int64_t at = streams::SaturatingAdd(SteadyMs(), wait);
    return timeout_at_ < 0 ? at : std::min(at, timeout_at_);
  }

 private:
  Value* Lookup(const Client& client, std::string_view key) const {
    return state_.dbs[static_cast<size_t>(client.db_index)]->Find(key, WallClockMs());
  }

  // A ">" read of one stream, creating the consumer only when there is something for it.
  size_t Read(int db, std::string_view key, streams::Stream& s, streams::ConsumerGroup& g,
              std::string& entries, int protocol, ReadBudget& budget,
              std::vector<Record>& records) {
    const int64_t now = WallClockMs();
    if (!streams::GroupReadMayDeliver(s, g, EffectivePolicy(state_.config, g), now,
                                      opts_.claim_min_idle)) {
      return 0;
    }
    auto [consumer, created] = g.GetOrCreateConsumer(opts_.consumer, now);
    consumer->seen_time_ms = now;
    if (created) records.push_back(CreateConsumerRecord(key, opts_.group, opts_.consumer));
    DeliveryContext dc{state_, db, now, state_.propagation.enabled() ? &records : nullptr};
    resp::Writer w(entries, protocol);
    return ReadNew(w, {key, opts_.group, s, g, *consumer}, opts_, budget, dc);
  }

  ServerState& state_;
  std::vector<std::string> keys_;
  GroupReadOptions opts_;
  int64_t timeout_at_;
};

}  // namespace

void BlockXReadGroup(CommandContext& ctx, std::vector<std::string> keys, GroupReadOptions opts,
                     int64_t block_ms) {
  // Computed before Block() computes its own, so never later than the registry's deadline.
  const int64_t timeout_at = block_ms > 0 ? streams::SaturatingAdd(SteadyMs(), block_ms) : -1;
  auto blocked =
      std::make_unique<BlockedXReadGroup>(ctx.server, keys, std::move(opts), timeout_at);
  BlockedXReadGroup* command = blocked.get();
  ctx.server.blocking.Block(ctx.client, keys, block_ms, std::move(blocked));
  if (command->claiming()) {
    ctx.server.blocking.SetDeadline(ctx.client.id, command->NextDeadline(ctx.client));
  }
}

}  // namespace server
