#include "streams/delivery_policy.h"

#include <algorithm>

namespace streams {

int64_t DeliveryPolicy::BackoffStep(uint64_t deliveries) const {
  const uint64_t k = std::max<uint64_t>(deliveries, 1);
  if (!backoff_ms.empty()) {
    return backoff_ms[static_cast<size_t>(std::min<uint64_t>(k, backoff_ms.size()) - 1)];
  }
  if (backoff_exp_base_ms <= 0) return 0;
  // base * 2^(k-1), stopping at max before it can overflow.
  int64_t step = backoff_exp_base_ms;
  for (uint64_t i = 1; i < k && step < backoff_exp_max_ms; i++) {
    step = step > backoff_exp_max_ms / 2 ? backoff_exp_max_ms : step * 2;
  }
  return std::min(step, backoff_exp_max_ms);
}

std::optional<int64_t> DeliveryPolicy::WaitAfterDelivery(uint64_t deliveries) const {
  if (has_backoff()) return BackoffStep(deliveries);
  if (ack_timeout_ms > 0) return ack_timeout_ms;
  return std::nullopt;
}

}  // namespace streams
