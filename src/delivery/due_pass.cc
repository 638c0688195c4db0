#include "src/delivery/due_pass.h"

#include <utility>

#include "src/delivery/dead_letter.h"
#include "src/delivery/group_due.h"
#include "src/delivery/policy.h"
#include "src/server_state.h"
#include "streams/delivery_plan.h"

namespace server {

namespace {

// A timer pass dead-letters at most this many entries per group, then re-arms at once: a
// backlog coming due together does not stall the loop.
constexpr size_t kDeadLettersPerPass = 1000;
constexpr size_t kGroupsPerPass = 256;

}  // namespace

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
    std::vector<Record> records;
    DeliveryContext dc{state, ref.db, now_ms, state.propagation.enabled() ? &records : nullptr};
    const streams::DuePassPlan plan =
        streams::PlanDuePass(*g, policy, t.armed_ms, now_ms, kDeadLettersPerPass,
                             [&] { return DeadLetterAccepted(dc, ref.key, policy); });
    size_t moved = 0;
    for (streams::PendingEntry* e : plan.dead_letter) {
      if (DeadLetter(dc, ref.key, s, ref.group, *g, policy, *e, kDlqReasonMaxDeliveries)) moved++;
    }
    if (moved > 0) {
      did = true;
      if (dc.records != nullptr) records.push_back(CountersRecord(ref.key, ref.group, *g));
      RecordAllOutside(state.propagation, ref.db, std::move(records));
    }
    if (plan.ready) {
      state.blocking.SignalKeyReady(ref.db, ref.key);
      did = true;
    }
    if (plan.resume_at >= 0) {
      state.due.Arm(ref.db, ref.key, ref.group, plan.resume_at);
    } else if (auto next = g->NextDue(policy.UniformWait(), now_ms)) {
      state.due.Arm(ref.db, ref.key, ref.group, *next);
    }
  }
  return did;
}

}  // namespace server
