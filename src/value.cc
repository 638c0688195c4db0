#include "src/value.h"

#include "src/types/hash.h"
#include "src/types/quicklist.h"
#include "src/types/set.h"
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

static_assert(sizeof(types::Hash) <= 32 && alignof(types::Hash) <= 8,
              "a hash must fit the Value's inline slot (kHashBytes)");
static_assert(sizeof(Value) == 40, "a keyspace node with a short key fits a 64-byte block");

Value Value::NewStream() { return Value(ValueType::kStream, new streams::Stream()); }

Value Value::NewList(int fill) { return Value(ValueType::kList, new types::List(fill)); }

Value Value::NewHash() {
  Value v;
  v.str_.~basic_string();
  ::new (v.hash_) types::Hash();
  v.type_ = ValueType::kHash;
  return v;
}

Value Value::NewSet(types::Set set) {
  return Value(ValueType::kSet, new types::Set(std::move(set)));
}

Value Value::NewZSet() { return Value(ValueType::kZSet, new types::ZSet()); }

void Value::DestroyCollection() {
  switch (type_) {
    case ValueType::kString: str_.~basic_string(); break;
    case ValueType::kStream: delete static_cast<streams::Stream*>(ptr_); break;
    case ValueType::kList: delete static_cast<types::List*>(ptr_); break;
    case ValueType::kHash: hash().~Hash(); break;
    case ValueType::kSet: delete static_cast<types::Set*>(ptr_); break;
    case ValueType::kZSet: delete static_cast<types::ZSet*>(ptr_); break;
  }
}

void Value::MoveHashFrom(Value& other) { ::new (hash_) types::Hash(std::move(other.hash())); }

Value::Value(const Value& other) : Value() {
  switch (other.type()) {
    case ValueType::kString:
      str_ = other.str();
      break;
    case ValueType::kStream:
      *this = Value(ValueType::kStream, new streams::Stream(other.stream().Clone()));
      break;
    case ValueType::kList:
      *this = Value(ValueType::kList, new types::List(other.list()));
      break;
    case ValueType::kHash:
      *this = NewHash();
      hash() = other.hash().Clone();
      break;
    case ValueType::kSet:
      *this = Value(ValueType::kSet, new types::Set(other.set().Clone()));
      break;
    case ValueType::kZSet:
      *this = Value(ValueType::kZSet, new types::ZSet(other.zset()));
      break;
  }
  lru_ms_ = other.lru_ms_;
  lfu_minute_ = other.lfu_minute_;
  lfu_count_ = other.lfu_count_;
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
