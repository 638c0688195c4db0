// XGROUP SETPOLICY's options (Runnel's delivery policy): parsing them into a policy. Which
// policy a group runs under, and the options that rebuild one, are the core's
// (src/delivery/policy.h).
#pragma once

#include <span>
#include <string_view>

#include "src/delivery/policy.h"
#include "src/result.h"
#include "streams/delivery_policy.h"

namespace server {

// Parses XGROUP SETPOLICY's options (everything after the group name) for stream `key` into a
// whole policy (what is not given stays unset), or the error to reply.
Result<streams::DeliveryPolicy> ParsePolicyOptions(std::span<const std::string_view> args,
                                                   std::string_view key);

}  // namespace server
