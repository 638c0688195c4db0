#include "src/commands/streams/delivery.h"

#include <string>
#include <utility>

#include "src/commands/streams/dead_letter.h"
#include "src/commands/streams/policy.h"
#include "src/server_state.h"
#include "streams/saturating.h"

namespace server {

namespace {

// A timer pass dead-letters at most this many entries per group, then re-arms at once: a
// backlog coming due together does not stall the loop.
constexpr size_t kDeadLettersPerPass = 1000;
constexpr size_t kGroupsPerPass = 256;

}  // namespace

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
  const std::optional<int64_t> wait = policy_.WaitAfterDelivery(e.delivery_count);
  Set(e, wait ? streams::SaturatingAdd(e.delivery_time_ms, *wait) : -1);
}

void GroupDue::AfterNack(streams::PendingEntry& e, int64_t now_ms, std::optional<int64_t> due_at) {
  if (due_at) return Set(e, *due_at);
  if (!active()) return;
  Set(e, streams::SaturatingAdd(now_ms, policy_.WaitAfterNack(e.delivery_count)));
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
    } else if (e.due_ms >= 0) {
      // A NACKed entry keeps the due time its XNACK gave it (the AOF has it as DUE-AT), and one
      // without stays claimable at once: a policy change never invents a time a replay, running
      // at another time, could not rebuild.
      Set(e, e.due_ms);  // counted for the timer
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
}

void RescheduleDefaultPolicyGroups(ServerState& state, int64_t now_ms) {
  for (size_t db = 0; db < state.dbs.size(); db++) {
    // Groups are owned through unique_ptr, so a const walk of the db may still reschedule them.
    state.dbs[db]->ForEach(now_ms, [&](const std::string& key, const Value& v) {
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

bool RunDueGroups(ServerState& state, int64_t now_ms) {
  bool did = false;
  for (DueScheduler::Taken& t : state.due.TakeDue(now_ms, kGroupsPerPass)) {
    const DueScheduler::GroupRef& ref = t.ref;
    if (ref.db < 0 || static_cast<size_t>(ref.db) >= state.dbs.size()) continue;
    Value* v = state.dbs[static_cast<size_t>(ref.db)]->Find(ref.key, now_ms);
    if (v == nullptr || !v->is_stream()) continue;
    streams::Stream& s = v->stream();
    streams::ConsumerGroup* g = s.FindGroup(ref.group);
    if (g == nullptr) continue;
    const streams::DeliveryPolicy& policy = EffectivePolicy(state.config, *g);
    const std::optional<int64_t> wait = policy.UniformWait();
    std::vector<Record> records;
    DeliveryContext dc{state, ref.db, now_ms,
                       state.propagation.enabled() ? &records : nullptr};
    bool ready = false;
    size_t moved = 0;
    int64_t resume_at = -1;  // a due time left for the next pass
    // Only what came due since the deadline was armed: older due entries were looked at then
    // and wait for a reader.
    g->ForEachDue(t.armed_ms, now_ms, wait, [&](streams::PendingEntry& e) {
      if (!policy.ExhaustedAfter(e.delivery_count)) {
        ready = true;
        return true;
      }
      if (moved == kDeadLettersPerPass) {
        resume_at = streams::ConsumerGroup::DueOf(e, wait);
        return false;
      }
      if (DeadLetter(dc, ref.key, s, ref.group, *g, policy, e, kDlqReasonMaxDeliveries)) {
        moved++;
      }
      return true;
    });
    if (moved > 0) {
      did = true;
      if (dc.records != nullptr) records.push_back(CountersRecord(ref.key, ref.group, *g));
      RecordAllOutside(state.propagation, ref.db, std::move(records));
    }
    if (ready) {
      state.blocking.SignalKeyReady(ref.db, ref.key);
      did = true;
    }
    if (resume_at >= 0) {
      state.due.Arm(ref.db, ref.key, ref.group, resume_at);
    } else if (auto next = g->NextDue(wait, now_ms)) {
      state.due.Arm(ref.db, ref.key, ref.group, *next);
    }
  }
  return did;
}

}  // namespace server
