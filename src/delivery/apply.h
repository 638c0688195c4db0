// Applying a delivery plan (streams/delivery_plan.h) to the server: the PEL, dead letters, the
// policy's counters, the AOF records and the due timer. A handler parses, plans, writes its reply
// from the plan, then calls one of these, so the reply never disagrees with what was applied and
// the AOF records exactly that. Each Apply* takes the plan made just before on the same group,
// with nothing changed in between; none replies.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "src/delivery/context.h"
#include "streams/consumer_group.h"
#include "streams/delivery_plan.h"
#include "streams/delivery_policy.h"
#include "streams/stream.h"

namespace server {

// Which stream key and group a plan was made for.
struct GroupRef {
  std::string_view key;
  std::string_view group;
  streams::Stream& stream;
  streams::ConsumerGroup& g;
};

// XREADGROUP ">": due and claimed entries redelivered to `c` (due ones counted as redelivered),
// undeliverable ones dropped, exhausted ones dead-lettered, new ones delivered (entering the PEL
// unless `noack`); then the group's position and counters are recorded and the timer armed.
void ApplyGroupRead(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                    const streams::GroupReadPlan& plan, bool noack);

// XREADGROUP with an ID: every step still in the stream redelivered to `c`.
void ApplyHistoryRead(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                      const std::vector<streams::HistoryStep>& steps);

// XAUTOCLAIM: drops, dead letters and claims to `c` in PEL order.
void ApplyAutoClaim(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                    const streams::AutoClaimPlan& plan, bool just_id);

// XCLAIM's per-entry options beyond the plan's.
struct ClaimOptions {
  int64_t delivery_time = 0;
  std::optional<int64_t> retry_count;  // RETRYCOUNT (negative: as if not given)
  bool just_id = false;
};
// XCLAIM: drops, FORCE creations and claims to `c`, in argument order.
void ApplyClaim(DeliveryContext& dc, const GroupRef& ref, streams::Consumer& c,
                const std::vector<streams::XClaimStep>& steps, const ClaimOptions& opts);

// XNACK: releases to the NACKed zone (due at `due_at` when given, else after the policy's
// backoff) and dead letters; a refused dead letter is released instead.
void ApplyNack(DeliveryContext& dc, const GroupRef& ref,
               const std::vector<streams::NackStep>& steps, std::optional<int64_t> due_at);

}  // namespace server
