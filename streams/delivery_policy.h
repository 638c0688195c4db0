// A consumer group's delivery policy (Runnel's extension, not Redis's): how long a delivered
// entry may stay unacknowledged before it is due for redelivery, the backoff between attempts,
// how many deliveries an entry gets before it is dead-lettered, and where dead letters go.
// A group without a policy (or with an empty one) behaves exactly as in Redis.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace streams {

struct DeliveryPolicy {
  // ACK-TIMEOUT: how long after a delivery an unacknowledged entry becomes due (0: never by
  // time alone). BACKOFF / BACKOFF-EXP, when given, replace it per delivery (as JetStream's
  // BackOff replaces AckWait).
  int64_t ack_timeout_ms = 0;
  // BACKOFF ms [ms ...]: the wait after delivery k is backoff_ms[min(k, size) - 1].
  std::vector<int64_t> backoff_ms;
  // BACKOFF-EXP base max: the wait after delivery k is min(base * 2^(k-1), max).
  int64_t backoff_exp_base_ms = 0;
  int64_t backoff_exp_max_ms = 0;
  // MAX-DELIVERIES: an entry that would be delivered more often is dead-lettered (0: no limit).
  uint64_t max_deliveries = 0;
  // DEAD-LETTER: the stream dead letters are appended to; empty means "<key>:dlq".
  std::string dead_letter_key;

  bool has_backoff() const { return !backoff_ms.empty() || backoff_exp_base_ms > 0; }
  // No field set: the group behaves as in Redis.
  bool empty() const {
    return ack_timeout_ms == 0 && !has_backoff() && max_deliveries == 0 &&
           dead_letter_key.empty();
  }

  // The backoff step after delivery number `deliveries` (>= 1); 0 without a backoff.
  int64_t BackoffStep(uint64_t deliveries) const;
  // How long after its latest delivery (its `deliveries`-th) an unacknowledged entry becomes
  // due: the backoff step when there is a backoff, else the ack timeout; nullopt when neither
  // is set (never due by time).
  std::optional<int64_t> WaitAfterDelivery(uint64_t deliveries) const;
  // The wait every delivery gets when it is the same for all (an ack timeout without backoff),
  // else nullopt: then due times follow delivery times and need no index of their own.
  std::optional<int64_t> UniformWait() const {
    if (has_backoff() || ack_timeout_ms <= 0) return std::nullopt;
    return ack_timeout_ms;
  }
  // How long after XNACK FAIL/SILENT an entry becomes due: its backoff step, or 0 (at once).
  int64_t WaitAfterNack(uint64_t deliveries) const { return BackoffStep(deliveries); }
  // Whether one more delivery would exceed MAX-DELIVERIES.
  bool ExhaustedAfter(uint64_t deliveries) const {
    return max_deliveries > 0 && deliveries >= max_deliveries;
  }
  // The dead-letter stream of source stream `key`.
  std::string DeadLetterKeyFor(const std::string& key) const {
    return dead_letter_key.empty() ? key + ":dlq" : dead_letter_key;
  }

  friend bool operator==(const DeliveryPolicy&, const DeliveryPolicy&) = default;
};

}  // namespace streams
