#include "src/value.h"

#include "src/types/zset.h"

namespace server {

namespace {

// Redis's defaults for lfu-log-factor and lfu-decay-time.
constexpr unsigned kLfuLogFactor = 10;
constexpr unsigned kLfuDecayMinutes = 1;

uint16_t MinuteOf(int64_t now_ms) { return static_cast<uint16_t>(now_ms / 60000); }

// A small xorshift generator: LFU increments only need to be roughly random, and cheap.
uint64_t NextRandom() {
  static uint64_t state = 0x9e3779b97f4a7c15ULL;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace

Value::~Value() = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(Value&&) noexcept = default;

Value Value::String(std::string s) {
  Value v;
  v.data_ = std::move(s);
  return v;
}

Value Value::NewStream() {
  Value v;
  v.data_ = std::make_unique<streams::Stream>();
  return v;
}

Value Value::NewZSet() {
  Value v;
  v.data_ = std::make_unique<types::ZSet>();
  return v;
}

Value::Value(const Value& other)
    : lru_ms_(other.lru_ms_), lfu_minute_(other.lfu_minute_), lfu_count_(other.lfu_count_) {
  if (other.is_stream()) {
    data_ = std::make_unique<streams::Stream>(other.stream().Clone());
  } else if (other.is_zset()) {
    data_ = std::make_unique<types::ZSet>(other.zset());
  } else {
    data_ = other.str();
  }
}

uint8_t Value::LfuCount(int64_t now_ms) const {
  unsigned elapsed = static_cast<uint16_t>(MinuteOf(now_ms) - lfu_minute_);
  unsigned decay = elapsed / kLfuDecayMinutes;
  return decay >= lfu_count_ ? 0 : static_cast<uint8_t>(lfu_count_ - decay);
}

void Value::RecordAccess(int64_t now_ms) {
  lru_ms_ = static_cast<uint32_t>(now_ms);
  uint8_t count = LfuCount(now_ms);
  if (count < 255) {
    unsigned base = count > kLfuInitial ? count - kLfuInitial : 0;
    // Bump with probability 1 / (base * factor + 1).
    if (NextRandom() % (base * kLfuLogFactor + 1) == 0) count++;
  }
  lfu_count_ = count;
  lfu_minute_ = MinuteOf(now_ms);
}

}  // namespace server
