#include "src/server_state.h"

#include <chrono>
#include <random>

namespace server {

ServerState::ServerState(Config cfg) : config(std::move(cfg)) {
  for (int64_t i = 0; i < config.databases; i++) dbs.push_back(std::make_unique<Db>());
  start_ms = WallClockMs();
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; i++) run_id.push_back(kHex[rd() % 16]);
}

uint64_t ServerState::TotalExpiredKeys() const {
  uint64_t total = 0;
  for (const auto& db : dbs) total += db->expired_keys();
  return total - stats.expired_keys_reset_base;
}

int64_t WallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t WallClockUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace server
