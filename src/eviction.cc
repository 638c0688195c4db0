#include "src/eviction.h"

#include <limits>
#include <string>

#include "src/memory.h"
#include "src/notify.h"

namespace server {

std::optional<EvictionPolicy> ParseEvictionPolicy(std::string_view name) {
  if (name == "noeviction") return EvictionPolicy::kNoEviction;
  if (name == "allkeys-lru") return EvictionPolicy::kAllKeysLru;
  if (name == "allkeys-lfu") return EvictionPolicy::kAllKeysLfu;
  if (name == "allkeys-random") return EvictionPolicy::kAllKeysRandom;
  if (name == "volatile-lru") return EvictionPolicy::kVolatileLru;
  if (name == "volatile-lfu") return EvictionPolicy::kVolatileLfu;
  if (name == "volatile-random") return EvictionPolicy::kVolatileRandom;
  if (name == "volatile-ttl") return EvictionPolicy::kVolatileTtl;
  return std::nullopt;
}

namespace {

bool IsVolatile(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

// Higher means a better key to evict.
int64_t Score(EvictionPolicy p, const Value& v, int64_t expire_at, int64_t now_ms) {
  switch (p) {
    case EvictionPolicy::kAllKeysLru:
    case EvictionPolicy::kVolatileLru:
      return v.IdleMs(now_ms);
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu:
      return 255 - v.LfuCount(now_ms);
    case EvictionPolicy::kVolatileTtl:
      return std::numeric_limits<int64_t>::max() - expire_at;  // nearest expiry first
    default:
      return 0;  // random: the first sample wins
  }
}

}  // namespace

bool EnforceMaxmemory(ServerState& state, int64_t now_ms,
                      const std::function<size_t()>& used_memory) {
  if (state.config.maxmemory <= 0) return true;
  auto used = [&] { return used_memory ? used_memory() : UsedMemory(); };
  const size_t limit = static_cast<size_t>(state.config.maxmemory);
  if (used() <= limit) return true;
  auto policy = ParseEvictionPolicy(state.config.maxmemory_policy);
  if (!policy || *policy == EvictionPolicy::kNoEviction) return false;
  const bool volatile_only = IsVolatile(*policy);
  const size_t samples = static_cast<size_t>(std::max<int64_t>(1, state.config.maxmemory_samples));
  LatencyTimer cycle_timer(state, "eviction-cycle");
  while (used() > limit) {
    Db* best_db = nullptr;
    int best_index = 0;
    std::string best_key;
    int64_t best_score = std::numeric_limits<int64_t>::min();
    for (size_t i = 0; i < state.dbs.size(); i++) {
      Db* db = state.dbs[i].get();
      db->SampleKeys(volatile_only, samples,
                     [&](std::string_view key, const Value& v, int64_t expire_at) {
                       int64_t score = Score(*policy, v, expire_at, now_ms);
                       if (best_db == nullptr || score > best_score) {
                         best_db = db;
                         best_index = static_cast<int>(i);
                         best_key = key;
                         best_score = score;
                       }
                     });
    }
    if (best_db == nullptr) return false;  // nothing left that the policy may evict
    {
      LatencyTimer del_timer(state, "eviction-del");
      best_db->Evict(best_key);
    }
    // Eviction runs before a command, outside it: the AOF gets the DEL, as Redis writes it.
    state.propagation.AddOutside(best_index, {"DEL", best_key});
    state.stats.evicted_keys++;
    NotifyKeyspaceEvent(state, kNotifyEvicted, "evicted", best_key, best_index);
  }
  return true;
}

}  // namespace server
