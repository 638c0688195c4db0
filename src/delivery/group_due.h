// Due times: when the delivery policy (streams/delivery_policy.h; which one a group runs under:
// src/delivery/policy.h) makes a pending entry due again. Every site that delivers or releases a
// pending entry gives it its next due time through GroupDue, which arms the server's due timer
// (ServerState::due; its pass is src/delivery/due_pass.h). Under an empty policy no entry ever
// gets a due time, so a group without a policy behaves exactly as Redis's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "src/delivery/records.h"
#include "streams/consumer_group.h"
#include "streams/delivery_policy.h"
#include "streams/stream.h"

namespace server {

struct Config;
struct ServerState;

// The due times one command sets in one group, under the group's effective policy, and the
// policy counters it changed. Commit arms the server's timer and records the counters.
class GroupDue {
 public:
  GroupDue(const Config& config, streams::ConsumerGroup& g);
  const streams::DeliveryPolicy& policy() const { return policy_; }
  // Whether the policy does anything (else no due times: Redis's behaviour).
  bool active() const { return !policy_.empty(); }
  // The wait of every delivery when it is uniform (see ConsumerGroup::DueOf): owned entries'
  // due times are then implied by their delivery times, not indexed.
  std::optional<int64_t> owned_wait() const { return owned_wait_; }

  // After `e` was delivered or claimed: due at its delivery time plus the policy's wait for its
  // delivery count (implied, under a uniform wait), or never.
  void AfterDelivery(streams::PendingEntry& e);
  // After XNACK released `e`: at `due_at` when given (XNACK DELAY), else under a policy after
  // its backoff step (0: at once), else never.
  void AfterNack(streams::PendingEntry& e, int64_t now_ms, std::optional<int64_t> due_at);
  // XGROUP SETPOLICY / CONFIG SET changed the policy: owned entries' due times again, counted
  // from their delivery (none under an empty policy). NACKed entries keep what their XNACK gave
  // them, so a replay at another time rebuilds the same due times.
  void RescheduleAll();
  // Arms the server's timer for the earliest due time set, and (when `records` is given) records
  // the policy counters if this step changed them (XGROUP SETCOUNTERS).
  void Commit(ServerState& state, int db, std::string_view key, std::string_view group,
              std::vector<Record>* records = nullptr);

 private:
  void Set(streams::PendingEntry& e, int64_t due_ms);
  void Note(int64_t due_ms);

  const streams::DeliveryPolicy& policy_;
  const std::optional<int64_t> owned_wait_;
  streams::ConsumerGroup& g_;
  const streams::ConsumerGroup::PolicyCounters counters_before_;
  int64_t earliest_ = -1;
};

// Arms the due timer for every group of `s` with a due entry, and for its scheduled entries
// (the stream moved to `key`: RENAME, MOVE, COPY).
void ArmStreamGroups(ServerState& state, int db, std::string_view key, const streams::Stream& s);

// CONFIG SET changed a stream-default-* knob: reschedules every group without its own policy.
void RescheduleDefaultPolicyGroups(ServerState& state, int64_t now_ms);

}  // namespace server
