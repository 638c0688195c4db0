#include "src/delivery/group_due.h"

#include <string>
#include <utility>

#include "src/delivery/policy.h"
#include "src/server_state.h"
#include "streams/saturating.h"

namespace server {

GroupDue::GroupDue(const Config& config, streams::ConsumerGroup& g)
    : policy_(EffectivePolicy(config, g)),
      owned_wait_(policy_.UniformWait()),
      g_(g),
      counters_before_(g.counters()) {}

void GroupDue::Note(int64_t due_ms) {
  if (due_ms >= 0 && (earliest_ < 0 || due_ms < earliest_)) earliest_ = due_ms;
}

void GroupDue::Set(streams::PendingEntry& e, int64_t due_ms) {
  g_.SetDue(e, due_ms);
  Note(due_ms);
}

void GroupDue::AfterDelivery(streams::PendingEntry& e) {
  if (!active()) return;
  if (owned_wait_) {
    // Due at delivery time + the wait, which the delivery-time index already orders.
    g_.SetDue(e, -1);
    return Note(streams::ConsumerGroup::DueOf(e, owned_wait_));
  }
  const std::optional<int64_t> wait = policy_.WaitAfterDelivery(e.delivery_count());
  Set(e, wait ? streams::SaturatingAdd(e.delivery_time_ms, *wait) : -1);
}

void GroupDue::AfterNack(streams::PendingEntry& e, int64_t now_ms, std::optional<int64_t> due_at) {
  if (due_at) return Set(e, *due_at);
  if (!active()) return;
  Set(e, streams::SaturatingAdd(now_ms, policy_.WaitAfterNack(e.delivery_count())));
}

void GroupDue::RescheduleAll() {
  streams::PendingIndex::Iterator it(g_.pel());
  for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) {
    streams::PendingEntry& e = *it.Value();
    if (e.owner() != nullptr) {
      if (active()) {
        AfterDelivery(e);
      } else {
        g_.SetDue(e, -1);
      }
    } else if (e.due_ms() >= 0) {
      // A NACKed entry keeps the due time its XNACK gave it (the AOF has it as DUE-AT), and one
      // without stays claimable at once: a policy change never invents a time a replay, running
      // at another time, could not rebuild.
      Set(e, e.due_ms());  // counted for the timer
    }
  }
}

void GroupDue::Commit(ServerState& state, int db, std::string_view key, std::string_view group,
                      std::vector<Record>* records) {
  state.due.Arm(db, key, group, earliest_);
  earliest_ = -1;
  const streams::ConsumerGroup::PolicyCounters& now = g_.counters();
  if (records != nullptr && (now.redelivered != counters_before_.redelivered ||
                             now.dead_lettered != counters_before_.dead_lettered)) {
    records->push_back(CountersRecord(key, group, g_));
  }
}

void ArmStreamGroups(ServerState& state, int db, std::string_view key, const streams::Stream& s) {
  for (const auto& [name, g] : s.groups()) {
    const std::optional<int64_t> wait = EffectivePolicy(state.config, *g).UniformWait();
    if (auto at = g->NextDue(wait)) state.due.Arm(db, key, name, *at);
  }
  // Its scheduled entries too (delayed delivery): their deadline follows the key.
  if (auto next = s.schedule().NextDue()) state.schedules.Arm(db, key, "", *next);
}

void RescheduleDefaultPolicyGroups(ServerState& state, int64_t now_ms) {
  for (size_t db = 0; db < state.dbs.size(); db++) {
    // Groups are owned through unique_ptr, so a const walk of the db may still reschedule them.
    state.dbs[db]->ForEach(now_ms, [&](std::string_view key, const Value& v) {
      if (!v.is_stream()) return;
      for (const auto& [name, g] : v.stream().groups()) {
        if (!g->policy().empty()) continue;
        GroupDue due(state.config, *g);
        due.RescheduleAll();
        due.Commit(state, static_cast<int>(db), key, name);
      }
    });
  }
}

}  // namespace server
