#include "src/server_state.h"

#include <chrono>
#include <random>

#include "src/command_table.h"
#include "src/cycle_clock.h"
#include "src/memory.h"
#include "src/notify.h"
#include "src/scripting/script_engine.h"

namespace server {

ServerState::ServerState(Config cfg) : config(std::move(cfg)) {
  for (int64_t i = 0; i < config.databases; i++) {
    dbs.push_back(std::make_unique<Db>());
    dbs.back()->set_clock(&command_time_ms);
    // A key that expires is deleted outside any command: the AOF gets a DEL for it.
    dbs.back()->set_expired_hook([this, db = static_cast<int>(i)](std::string_view key) {
      propagation.AddOutside(db, {"DEL", std::string(key)});
      NotifyKeyspaceEvent(*this, kNotifyExpired, "expired", key, db);
    });
    dbs.back()->set_touched_hook([this](std::string_view key) {
      if (tracking.clients > 0 || tracking.table.keys() > 0) TrackingKeyModified(*this, key);
    });
    dbs.back()->set_stored_hook(
        [this, db = static_cast<int>(i)](std::string_view key, bool existed, bool type_changed) {
          if (!existed) return NotifyKeyspaceEvent(*this, kNotifyNew, "new", key, db);
          NotifyKeyspaceEvent(*this, kNotifyOverwritten, "overwritten", key, db);
          if (type_changed) {
            NotifyKeyspaceEvent(*this, kNotifyTypeChanged, "type_changed", key, db);
          }
        });
    // Expired hash fields go as one HDEL (Redis 7.4 propagates field expiry as HDEL), and the
    // key as DEL when its last field went.
    dbs.back()->set_fields_expired_hook([this, db = static_cast<int>(i)](
                                            std::string_view key,
                                            const std::vector<std::string>& fields,
                                            bool key_deleted) {
      std::vector<std::string> argv{"HDEL", std::string(key)};
      argv.insert(argv.end(), fields.begin(), fields.end());
      propagation.AddOutside(db, std::move(argv));
      NotifyKeyspaceEvent(*this, kNotifyHash, "hexpired", key, db);
      if (key_deleted) {
        propagation.AddOutside(db, {"DEL", std::string(key)});
        NotifyKeyspaceEvent(*this, kNotifyGeneric, "del", key, db);
      }
    });
  }
  start_ms = WallClockMs();
  startup_memory = UsedMemory();
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; i++) run_id.push_back(kHex[rd() % 16]);
  repl.replid = NewReplid();
}

void RateSampler::Sample(int64_t now_ms, uint64_t total) {
  if (last_ms_ >= 0 && now_ms - last_ms_ < 100) return;
  if (last_ms_ >= 0 && total >= last_total_) {
    double seconds = static_cast<double>(now_ms - last_ms_) / 1000.0;
    rates_[next_] = static_cast<double>(total - last_total_) / seconds;
    next_ = (next_ + 1) % kSamples;
    if (count_ < kSamples) count_++;
  }
  last_ms_ = now_ms;
  last_total_ = total;
}

double RateSampler::PerSecond() const {
  if (count_ == 0) return 0;
  double sum = 0;
  for (size_t i = 0; i < count_; i++) sum += rates_[i];
  return sum / static_cast<double>(count_);
}

void RateSampler::Reset() { *this = RateSampler(); }

void ServerState::SampleRates(int64_t now_ms) {
  ops_rate.Sample(now_ms, stats.total_commands_processed);
  net_input_rate.Sample(now_ms, stats.net_input_bytes);
  net_output_rate.Sample(now_ms, stats.net_output_bytes);
}

void ServerState::ResetStats() {
  uint64_t expired_total = TotalExpiredKeys() + stats.expired_keys_reset_base;
  stats = Stats();
  stats.expired_keys_reset_base = expired_total;
  ops_rate.Reset();
  net_input_rate.Reset();
  net_output_rate.Reset();
  peak_memory = 0;
  policy_stats = PolicyStats();
  command_stats.Reset();
  error_stats.Reset();
  if (acl_) acl_->ResetCounters();
}

uint64_t ServerState::TotalExpiredKeys() const {
  uint64_t total = 0;
  for (const auto& db : dbs) total += db->expired_keys();
  return total - stats.expired_keys_reset_base;
}

ServerState::~ServerState() = default;

void ServerState::MakeAcl() {
  acl_ = std::make_unique<acl::Registry>(*commands);
  acl_->set_allchannels_default(config.acl_pubsub_default == "allchannels");
  if (!config.requirepass.empty()) acl_->SetRequirePass(config.requirepass);
}

scripting::ScriptEngine& ServerState::Scripts() {
  if (!scripts) scripts = std::make_unique<scripting::ScriptEngine>();
  return *scripts;
}

std::vector<std::string> ServerState::FunctionLibraryCodes() const {
  std::vector<std::string> codes;
  if (!scripts) return codes;
  for (const auto& [name, library] : scripts->libraries()) codes.push_back(library.code);
  return codes;
}

int64_t ServerState::NextCommandTime() {
  if (pinned_time_ms >= 0) return pinned_time_ms;
  if (frozen_time_ms >= 0) return frozen_time_ms;
  if (batch_time_ms < 0) return WallClockMs();
  if (++batch_time_uses > kBatchTimeUses) {
    batch_time_ms = WallClockMs();
    batch_time_uses = 1;
  }
  return batch_time_ms;
}

int64_t ServerState::PreciseTimeUs() const {
  return pinned_time_ms >= 0 ? pinned_time_ms * 1000 : WallClockUs();
}

void ServerState::SampleLatency(std::string_view event, int64_t duration_us) {
  latency.Record(event, duration_us / 1000, config.latency_monitor_threshold,
                 WallClockMs() / 1000);
}

void ServerState::ObserveSlowCommand(const Client& c, uint32_t flags,
                                     std::span<const std::string_view> argv,
                                     int64_t duration_us) {
  const int64_t slower_than = config.slowlog_log_slower_than;
  if (!(flags & kSkipSlowlog) && slower_than >= 0 && duration_us >= slower_than) {
    slowlog.Consider(slower_than, static_cast<size_t>(config.slowlog_max_len),
                     WallClockMs() / 1000, duration_us, argv, c.addr, c.name);
  }
  if (config.latency_monitor_threshold > 0) {
    SampleLatency((flags & kFast) ? "fast-command" : "command", duration_us);
  }
}

LatencyTimer::LatencyTimer(ServerState& state, std::string_view event)
    : state_(state), event_(event), on_(state.config.latency_monitor_threshold > 0),
      started_(on_ ? CycleClock::Now() : 0) {}

LatencyTimer::~LatencyTimer() {
  if (on_) state_.SampleLatency(event_, ElapsedUs());
}

int64_t LatencyTimer::ElapsedUs() const {
  return on_ ? CycleClock::ToNs(CycleClock::Now() - started_) / 1000 : 0;
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
