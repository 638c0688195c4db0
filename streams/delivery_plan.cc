#include "streams/delivery_plan.h"

#include <climits>
#include <limits>
#include <map>

#include "streams/saturating.h"

namespace streams {

namespace {

bool InStream(const Stream& s, const PendingEntry& e) { return s.Range(e.id, e.id).Valid(); }

// Due entries, earliest due first: exhausted ones set aside for the dead-letter stream, deleted
// ones for dropping, the others admitted until the budget refuses one.
void PlanDue(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
             const GroupReadRequest& req, const AdmitFn& admit, GroupReadPlan& plan) {
  const std::optional<int64_t> wait = policy.UniformWait();
  const std::optional<int64_t> first_due = g.NextDue(wait);
  if (!first_due || *first_due > req.now_ms) return;
  g.ForEachDue(0, req.now_ms, wait, [&](PendingEntry& e) {
    // Live only (the walk does not run while loading), so exhausted means dead-lettered.
    if (ExhaustionOf(policy, e.delivery_count(), req.loading) != Exhaustion::kNone) {
      plan.dead_letter.push_back(&e);
      return true;
    }
    auto it = s.Range(e.id, e.id);
    if (!it.Valid()) {
      plan.undeliverable.push_back(&e);
      return true;
    }
    if (!admit(it.entry())) return false;
    plan.due.push_back(&e);
    return true;
  });
}

// Claimable entries in claiming order (NACKed first, whatever min-idle-time says, then idle
// longest first). Due entries are PlanDue's; a NACKed entry whose due time (XNACK DELAY, a
// backoff) has not come waits for it; deleted ones stay in the PEL as they are.
void PlanClaimable(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                   const GroupReadRequest& req, const AdmitFn& admit, GroupReadPlan& plan) {
  const std::optional<int64_t> wait = policy.UniformWait();
  bool full = false;
  auto visit = [&](PendingEntry& e) {
    const int64_t due_at = ConsumerGroup::DueOf(e, wait);
    if (due_at >= 0 && (due_at <= req.now_ms || e.owner() == nullptr)) return true;
    switch (ExhaustionOf(policy, e.delivery_count(), req.loading)) {
      case Exhaustion::kDeadLetter:
        plan.dead_letter.push_back(&e);
        return true;
      case Exhaustion::kReplaying:
        return true;  // neither claimed nor moved: the AOF says what became of it
      case Exhaustion::kNone:
        break;
    }
    auto it = s.Range(e.id, e.id);
    if (!it.Valid()) return true;
    if (!admit(it.entry())) {
      full = true;
      return false;
    }
    plan.claimed.push_back(&e);
    return true;
  };
  g.ForEachNacked(visit);
  if (!full) g.ForEachIdle(req.now_ms - req.claim_min_idle, visit);
}

}  // namespace

Exhaustion ExhaustionOf(const DeliveryPolicy& policy, uint64_t deliveries, bool loading) {
  if (!policy.ExhaustedAfter(deliveries)) return Exhaustion::kNone;
  return loading ? Exhaustion::kReplaying : Exhaustion::kDeadLetter;
}

GroupReadPlan PlanGroupRead(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                            const GroupReadRequest& req, const AdmitFn& admit) {
  GroupReadPlan plan;
  // The policy redelivers on its own only live, never while the AOF replays (XNACK DELAY gives
  // due times without a policy too).
  if (!req.loading) PlanDue(s, g, policy, req, admit, plan);
  if (req.claim_min_idle >= 0) PlanClaimable(s, g, policy, req, admit, plan);
  for (auto it = s.After(g.last_id()); it.Valid() && admit(it.entry()); it.Next()) {
    plan.fresh.push_back(it.id());
  }
  return plan;
}

bool GroupReadMayDeliver(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                         int64_t now_ms, int64_t claim_min_idle) {
  if (s.After(g.last_id()).Valid()) return true;
  // Entries the delivery policy made due are delivered to ">" readers too.
  const std::optional<int64_t> due = g.NextDue(policy.UniformWait());
  if (due && *due <= now_ms) return true;
  if (claim_min_idle < 0) return false;
  const int64_t at = NextClaimableAt(s, g, claim_min_idle);
  return at >= 0 && at <= now_ms;
}

int64_t NextClaimableAt(const Stream& s, const ConsumerGroup& g, int64_t min_idle) {
  int64_t at = -1;
  auto earlier = [&at](int64_t t) {
    if (at < 0 || t < at) at = t;
  };
  // A NACKed entry is claimable at once, or at its due time (XNACK DELAY, a backoff).
  g.ForEachNacked([&](PendingEntry& e) {
    if (!InStream(s, e)) return true;
    earlier(e.due_ms() >= 0 ? e.due_ms() : 0);
    return at != 0;
  });
  if (at == 0) return at;
  g.ForEachIdle(std::numeric_limits<int64_t>::max(), [&](PendingEntry& e) {
    if (!InStream(s, e)) return true;
    earlier(SaturatingAdd(e.delivery_time_ms, min_idle));
    return false;
  });
  return at;
}

std::vector<HistoryStep> PlanHistoryRead(const Stream& s, const Consumer& c, StreamID after,
                                         const AdmitFn& admit) {
  std::vector<HistoryStep> steps;
  if (after == StreamID::Max()) return steps;  // nothing can follow it
  PendingIndex::Iterator pel(c.pel);
  for (pel.Seek(SeekOp::kGreater, after); pel.Valid(); pel.Next()) {
    PendingEntry* e = pel.Value();
    auto it = s.Range(e->id, e->id);
    const bool deleted = !it.Valid();
    if (!admit(deleted ? EntryView{e->id, {}} : it.entry())) break;
    steps.push_back({e, deleted});
  }
  return steps;
}

AutoClaimPlan PlanAutoClaim(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                            const AutoClaimRequest& req) {
  AutoClaimPlan plan;
  int64_t attempts = req.count * 10;
  int64_t count = req.count;
  PendingIndex::Iterator it(g.pel());
  bool more = it.Seek(SeekOp::kGreaterOrEqual, req.start);
  for (; more && attempts > 0 && count > 0; more = it.Next()) {
    attempts--;
    const PendingEntry& e = *it.Value();
    if (!s.Contains(e.id)) {
      plan.steps.push_back({ClaimAction::kDrop, e.id});
      count--;
      continue;
    }
    // A NACKed entry waits for its due time (XNACK DELAY, the policy's backoff).
    if (e.owner() == nullptr && e.due_ms() > req.now_ms) continue;
    if (req.min_idle > 0 && req.now_ms - e.delivery_time_ms < req.min_idle) continue;
    // One more delivery would exceed the policy's limit: a dead letter, not a claim. JUSTID is
    // not a delivery.
    if (!req.just_id &&
        ExhaustionOf(policy, e.delivery_count(), req.loading) == Exhaustion::kDeadLetter) {
      plan.steps.push_back({ClaimAction::kDeadLetter, e.id});
      continue;
    }
    plan.steps.push_back({ClaimAction::kClaim, e.id});
    count--;
  }
  // Nothing this plan does touches the PEL past the last entry it looked at, so the next one
  // is where the next call starts, before and after applying.
  if (more) plan.cursor = it.Value()->id;
  return plan;
}

std::vector<XClaimStep> PlanClaim(const Stream& s, const ConsumerGroup& g,
                                  const std::vector<StreamID>& ids, const ClaimRequest& req) {
  std::vector<XClaimStep> steps;
  // What earlier steps made of a repeated ID: true claimed (or created), false dropped.
  std::map<StreamID, bool> done;
  for (size_t i = 0; i < ids.size(); i++) {
    const StreamID id = ids[i];
    // The last ID has no later step to tell (and a lone ID, XCLAIM's usual call and every
    // replayed one, needs no map at all).
    const bool last = i + 1 == ids.size();
    auto seen = done.find(id);
    const PendingEntry* e = g.FindPending(id);
    const bool pending = seen != done.end() ? seen->second : e != nullptr;
    if (!s.Contains(id)) {
      if (pending) {
        steps.push_back({XClaimAction::kDrop, id});  // a reference to a deleted entry
        if (!last) done[id] = false;
      }
      continue;
    }
    if (!pending) {
      if (!req.force) continue;
      // FORCE makes the PEL entry; no idle test, it had none.
      steps.push_back({XClaimAction::kCreate, id});
      if (!last) done[id] = true;
      continue;
    }
    const int64_t delivery_time = seen != done.end() ? req.delivery_time : e->delivery_time_ms;
    if (req.min_idle > 0 && req.now_ms - delivery_time < req.min_idle) continue;
    steps.push_back({XClaimAction::kClaim, id});
    if (!last) done[id] = true;
  }
  return steps;
}

uint64_t NackedCount(const NackRequest& req, uint64_t count) {
  if (req.retry_count) return *req.retry_count;
  switch (req.mode) {
    case NackMode::kSilent:
      return count == 0 ? 0 : count - 1;
    case NackMode::kFatal:
      return static_cast<uint64_t>(LLONG_MAX);
    case NackMode::kFail:
      break;
  }
  return count;
}

std::vector<NackStep> PlanNack(const Stream& s, const ConsumerGroup& g,
                               const DeliveryPolicy& policy, const std::vector<StreamID>& ids,
                               const NackRequest& req) {
  std::vector<NackStep> steps;
  // The delivery count earlier steps left a repeated ID with; nullopt: dead-lettered (gone).
  std::map<StreamID, std::optional<uint64_t>> left;
  const bool fatal = req.mode == NackMode::kFatal;
  for (StreamID id : ids) {
    std::optional<uint64_t> before;
    if (auto seen = left.find(id); seen != left.end()) {
      before = seen->second;
    } else if (const PendingEntry* e = g.FindPending(id)) {
      before = e->delivery_count();
    }
    bool create = false;
    if (!before) {
      if (!req.force || !s.Contains(id)) continue;
      create = true;
      before = 0;
    }
    const uint64_t count = NackedCount(req, *before);
    // Under a policy, live: FATAL always, else once it had all its deliveries.
    const bool dead_letter =
        fatal ? !policy.empty() && !req.loading
              : ExhaustionOf(policy, count, req.loading) == Exhaustion::kDeadLetter;
    if (dead_letter) {
      steps.push_back({NackAction::kDeadLetter, id, create, count, fatal});
      // A refused dead letter stays pending, released with the count it has.
      const bool accepted = !req.dead_letter_ok || req.dead_letter_ok();
      left[id] = accepted ? std::nullopt : std::optional<uint64_t>(count);
      continue;
    }
    steps.push_back({NackAction::kRelease, id, create, count, fatal});
    left[id] = count;
  }
  return steps;
}

DuePassPlan PlanDuePass(const ConsumerGroup& g, const DeliveryPolicy& policy, int64_t from_ms,
                        int64_t now_ms, size_t max_dead_letters,
                        const DeadLetterCheck& dead_letter_ok) {
  DuePassPlan plan;
  const std::optional<int64_t> wait = policy.UniformWait();
  // Only what came due since `from_ms`: older due entries were looked at then and wait for a
  // reader. The timer never runs while the AOF replays.
  g.ForEachDue(from_ms, now_ms, wait, [&](PendingEntry& e) {
    if (ExhaustionOf(policy, e.delivery_count(), false) == Exhaustion::kNone) {
      plan.ready = true;
      return true;
    }
    if (plan.dead_letter.size() == max_dead_letters && (!dead_letter_ok || dead_letter_ok())) {
      plan.resume_at = ConsumerGroup::DueOf(e, wait);
      return false;
    }
    plan.dead_letter.push_back(&e);
    return true;
  });
  return plan;
}

}  // namespace streams
