// Which delivery policy a consumer group runs under (its own, else the server-wide default from
// the config), where its dead letters go, and the options that rebuild a policy (AOF rewrite,
// XINFO). Every policy decision of the server goes through EffectivePolicy: a group without a
// policy of its own and no server default behaves exactly as Redis's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/config.h"
#include "streams/consumer_group.h"
#include "streams/delivery_policy.h"

namespace server {

// Where a group's effective policy comes from (XGROUP GETPOLICY's `source`).
enum class PolicySource { kGroup, kDefault, kNone };

PolicySource EffectivePolicySource(const Config& config, const streams::ConsumerGroup& g);
// "group", "default" or "none".
std::string_view PolicySourceName(PolicySource source);

// The policy `g` runs under: its own when it set one, else the server default (which may be
// empty: then the group behaves exactly as Redis's). Every policy decision goes through this.
// The reference lives in the group or the config: do not keep it past a SETPOLICY or a
// CONFIG SET.
const streams::DeliveryPolicy& EffectivePolicy(const Config& config,
                                               const streams::ConsumerGroup& g);

// Where dead letters of stream `key` under `policy` go: its DEAD-LETTER key, else `key` with
// stream-default-dead-letter-suffix appended. Use this, not DeliveryPolicy::DeadLetterKeyFor
// (which knows only the built-in ":dlq").
std::string DeadLetterKey(const Config& config, const streams::DeliveryPolicy& policy,
                          std::string_view key);

// The options that rebuild `policy` with XGROUP SETPOLICY (none for an empty policy), in a
// fixed order: ACK-TIMEOUT, BACKOFF / BACKOFF-EXP, MAX-DELIVERIES, DEAD-LETTER.
std::vector<std::string> PolicyOptionArgs(const streams::DeliveryPolicy& policy);

// XINFO's policy-backoff: "" (none), "100 200 400" (BACKOFF) or "exp 100 5000" (BACKOFF-EXP).
std::string BackoffText(const streams::DeliveryPolicy& policy);

}  // namespace server
