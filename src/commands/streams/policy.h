// XGROUP SETPOLICY's options (Runnel's delivery policy): parsing them into a policy. Which
// policy a group runs under, and the options that rebuild one, are the core's
// (src/delivery/policy.h).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "src/delivery/policy.h"
#include "streams/delivery_policy.h"

namespace server {

// Parses XGROUP SETPOLICY's options (everything after the group name) for stream `key` into
// `out` (a whole policy: what is not given stays unset). Returns "" or the error to reply.
std::string ParsePolicyOptions(std::span<const std::string_view> args, std::string_view key,
                               streams::DeliveryPolicy& out);

}  // namespace server
