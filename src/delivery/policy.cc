// See src/delivery/policy.h.
#include "src/delivery/policy.h"

namespace server {

PolicySource EffectivePolicySource(const Config& config, const streams::ConsumerGroup& g) {
  if (!g.policy().empty()) return PolicySource::kGroup;
  if (!config.stream_default_policy.empty()) return PolicySource::kDefault;
  return PolicySource::kNone;
}

std::string_view PolicySourceName(PolicySource source) {
  switch (source) {
    case PolicySource::kGroup:
      return "group";
    case PolicySource::kDefault:
      return "default";
    case PolicySource::kNone:
      break;
  }
  return "none";
}

const streams::DeliveryPolicy& EffectivePolicy(const Config& config,
                                               const streams::ConsumerGroup& g) {
  return g.policy().empty() ? config.stream_default_policy : g.policy();
}

std::string DeadLetterKey(const Config& config, const streams::DeliveryPolicy& policy,
                          std::string_view key) {
  if (!policy.dead_letter_key.empty()) return policy.dead_letter_key;
  std::string out(key);
  out += config.stream_default_dead_letter_suffix;
  return out;
}

std::vector<std::string> PolicyOptionArgs(const streams::DeliveryPolicy& policy) {
  std::vector<std::string> out;
  if (policy.ack_timeout_ms > 0) {
    out.emplace_back("ACK-TIMEOUT");
    out.push_back(std::to_string(policy.ack_timeout_ms));
  }
  if (!policy.backoff_ms.empty()) {
    out.emplace_back("BACKOFF");
    for (int64_t ms : policy.backoff_ms) out.push_back(std::to_string(ms));
  } else if (policy.backoff_exp_base_ms > 0) {
    out.emplace_back("BACKOFF-EXP");
    out.push_back(std::to_string(policy.backoff_exp_base_ms));
    out.push_back(std::to_string(policy.backoff_exp_max_ms));
  }
  if (policy.max_deliveries > 0) {
    out.emplace_back("MAX-DELIVERIES");
    out.push_back(std::to_string(policy.max_deliveries));
  }
  if (!policy.dead_letter_key.empty()) {
    out.emplace_back("DEAD-LETTER");
    out.push_back(policy.dead_letter_key);
  }
  return out;
}

std::string BackoffText(const streams::DeliveryPolicy& policy) {
  std::string out;
  if (!policy.backoff_ms.empty()) {
    for (int64_t ms : policy.backoff_ms) {
      if (!out.empty()) out += ' ';
      out += std::to_string(ms);
    }
  } else if (policy.backoff_exp_base_ms > 0) {
    out = "exp " + std::to_string(policy.backoff_exp_base_ms) + " " +
          std::to_string(policy.backoff_exp_max_ms);
  }
  return out;
}

}  // namespace server
