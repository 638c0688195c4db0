// maxmemory eviction with an injected memory measure: each live key "costs" 100 bytes, so the
// tests say exactly how many keys must go.
#include <catch2/catch.hpp>

#include <string>

#include "src/eviction.h"
#include "src/server_state.h"

using server::Config;
using server::EnforceMaxmemory;
using server::ServerState;
using server::Value;

namespace {

constexpr int64_t kEvictionT0 = 1'700'000'000'000;

ServerState MakeState(const std::string& policy, int64_t maxmemory) {
  Config config;
  config.maxmemory = maxmemory;
  config.maxmemory_policy = policy;
  return ServerState(config);
}

size_t KeyCount(ServerState& st) {
  size_t n = 0;
  for (auto& db : st.dbs) n += db->size();
  return n;
}

void Fill(ServerState& st, int count, int64_t at_ms, const std::string& prefix = "k") {
  st.command_time_ms = at_ms;
  for (int i = 0; i < count; i++) {
    st.dbs[0]->Set(prefix + std::to_string(i), Value::String("v"));
  }
}

}  // namespace

TEST_CASE("Without a maxmemory limit nothing is evicted", "[eviction]") {
  ServerState st = MakeState("allkeys-random", 0);
  Fill(st, 50, kEvictionT0);
  CHECK(EnforceMaxmemory(st, kEvictionT0, [&] { return KeyCount(st) * 100; }));
  CHECK(KeyCount(st) == 50);
}

TEST_CASE("noeviction reports being over the limit and keeps every key", "[eviction]") {
  ServerState st = MakeState("noeviction", 1000);
  Fill(st, 50, kEvictionT0);
  CHECK_FALSE(EnforceMaxmemory(st, kEvictionT0, [&] { return KeyCount(st) * 100; }));
  CHECK(KeyCount(st) == 50);
  CHECK(st.stats.evicted_keys == 0);
}

TEST_CASE("allkeys-random evicts until memory is back under the limit", "[eviction]") {
  ServerState st = MakeState("allkeys-random", 2000);
  Fill(st, 50, kEvictionT0);
  st.dbs[3]->Set("other-db", Value::String("v"));
  CHECK(EnforceMaxmemory(st, kEvictionT0, [&] { return KeyCount(st) * 100; }));
  CHECK(KeyCount(st) == 20);
  CHECK(st.stats.evicted_keys == 31);
}

TEST_CASE("allkeys-lru keeps the key read most recently", "[eviction]") {
  ServerState st = MakeState("allkeys-lru", 3000);
  Fill(st, 100, kEvictionT0);
  REQUIRE(st.dbs[0]->Find("k42", kEvictionT0 + 60'000) != nullptr);  // the only recent access
  CHECK(EnforceMaxmemory(st, kEvictionT0 + 61'000, [&] { return KeyCount(st) * 100; }));
  CHECK(KeyCount(st) == 30);
  CHECK(st.dbs[0]->Find("k42", kEvictionT0 + 61'000) != nullptr);
}

TEST_CASE("allkeys-lfu keeps the key read most often", "[eviction]") {
  ServerState st = MakeState("allkeys-lfu", 3000);
  Fill(st, 100, kEvictionT0);
  for (int i = 0; i < 200; i++) st.dbs[0]->Find("k7", kEvictionT0 + i);
  CHECK(EnforceMaxmemory(st, kEvictionT0 + 1000, [&] { return KeyCount(st) * 100; }));
  CHECK(KeyCount(st) == 30);
  CHECK(st.dbs[0]->Find("k7", kEvictionT0 + 1000) != nullptr);
}

TEST_CASE("An LFU counter grows with accesses and decays a point per idle minute",
          "[eviction]") {
  Value v = Value::String("x");
  v.RecordAccess(kEvictionT0);
  uint8_t fresh = v.LfuCount(kEvictionT0);
  for (int i = 0; i < 1000; i++) v.RecordAccess(kEvictionT0);
  uint8_t hot = v.LfuCount(kEvictionT0);
  CHECK(hot > fresh);
  CHECK(v.LfuCount(kEvictionT0 + 3 * 60'000) == hot - 3);
  CHECK(v.LfuCount(kEvictionT0 + 600 * 60'000) == 0);
}

TEST_CASE("volatile-ttl evicts the nearest expiry first and never a key without TTL",
          "[eviction]") {
  ServerState st = MakeState("volatile-ttl", 1000);
  Fill(st, 10, kEvictionT0, "persistent");
  for (int i = 0; i < 5; i++) {
    std::string key = "ttl" + std::to_string(i);
    st.dbs[0]->Set(key, Value::String("v"));
    st.dbs[0]->SetExpire(key, kEvictionT0 + 100'000 + i * 1000);  // ttl0 expires first
  }
  // 15 keys, room for 14: exactly one must go, and it is the one expiring soonest.
  st.config.maxmemory = 1400;
  CHECK(EnforceMaxmemory(st, kEvictionT0, [&] { return KeyCount(st) * 100; }));
  CHECK(st.dbs[0]->Find("ttl0", kEvictionT0) == nullptr);
  CHECK(st.dbs[0]->Find("ttl1", kEvictionT0) != nullptr);
  // Asking for room for 5 keys: the volatile ones run out first and the rest stay.
  st.config.maxmemory = 500;
  CHECK_FALSE(EnforceMaxmemory(st, kEvictionT0, [&] { return KeyCount(st) * 100; }));
  CHECK(KeyCount(st) == 10);
  CHECK(st.dbs[0]->expires_size() == 0);
}

TEST_CASE("volatile-random and volatile-lru only evict keys with a TTL", "[eviction]") {
  for (const char* policy : {"volatile-random", "volatile-lru", "volatile-lfu"}) {
    ServerState st = MakeState(policy, 100);
    Fill(st, 20, kEvictionT0, "keep");
    Fill(st, 20, kEvictionT0, "tmp");
    for (int i = 0; i < 20; i++) st.dbs[0]->SetExpire("tmp" + std::to_string(i), kEvictionT0 + 1'000'000);
    CHECK_FALSE(EnforceMaxmemory(st, kEvictionT0, [&] { return KeyCount(st) * 100; }));
    CHECK(KeyCount(st) == 20);
    for (int i = 0; i < 20; i++) CHECK(st.dbs[0]->Find("keep" + std::to_string(i), kEvictionT0));
  }
}

TEST_CASE("With access tracking off a lookup leaves the key's idle time alone", "[eviction]") {
  ServerState st = MakeState("allkeys-lru", 0);
  Fill(st, 1, kEvictionT0);
  st.dbs[0]->set_access_tracking(false);
  REQUIRE(st.dbs[0]->Find("k0", kEvictionT0 + 5000) != nullptr);
  st.dbs[0]->set_access_tracking(true);
  CHECK(st.dbs[0]->Find("k0", kEvictionT0 + 6000)->IdleMs(kEvictionT0 + 6000) == 0);
  st.dbs[0]->set_access_tracking(false);
  CHECK(st.dbs[0]->Find("k0", kEvictionT0 + 9000)->IdleMs(kEvictionT0 + 9000) == 3000);
}
