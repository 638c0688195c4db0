// Runnel's consumer-group delivery policy at the command layer: which policy a group runs under
// (its own, else the server-wide default from the config), where its dead letters go, and the
// XGROUP SETPOLICY options that parse into a policy or rebuild one (AOF rewrite).
#pragma once

#include <span>
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

// Parses XGROUP SETPOLICY's options (everything after the group name) for stream `key` into
// `out` (a whole policy: what is not given stays unset). Returns "" or the error to reply.
std::string ParsePolicyOptions(std::span<const std::string_view> args, std::string_view key,
                               streams::DeliveryPolicy& out);

// The options that rebuild `policy` with XGROUP SETPOLICY (none for an empty policy), in a
// fixed order: ACK-TIMEOUT, BACKOFF / BACKOFF-EXP, MAX-DELIVERIES, DEAD-LETTER.
std::vector<std::string> PolicyOptionArgs(const streams::DeliveryPolicy& policy);

// XINFO's policy-backoff: "" (none), "100 200 400" (BACKOFF) or "exp 100 5000" (BACKOFF-EXP).
std::string BackoffText(const streams::DeliveryPolicy& policy);

}  // namespace server
