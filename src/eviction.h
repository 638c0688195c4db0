// maxmemory enforcement: when used memory is over the limit, delete keys the policy picks
// until it is not, as Redis does before running a command. Candidates are sampled
// (maxmemory-samples per database per round) rather than kept in an exact order, so the
// policies are approximations of LRU/LFU, like Redis's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "src/server_state.h"

namespace server {

enum class EvictionPolicy {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

std::optional<EvictionPolicy> ParseEvictionPolicy(std::string_view name);

// Returns true when used memory is within maxmemory (or there is no limit), after evicting
// what the policy allows; false when the server is still over the limit. `used_memory`
// defaults to the counting allocator's figure; tests pass their own.
bool EnforceMaxmemory(ServerState& state, int64_t now_ms,
                      const std::function<size_t()>& used_memory = {});

}  // namespace server
