// A keyspace value: one of the types Redis knows, held by the keyspace's hash table. Strings are
// stored as bytes (integers too: INCR parses and re-formats, as Redis's int encoding behaves
// identically on the wire). A stream is held by pointer so a Value stays small; copying a
// Value (COPY) deep-copies the stream. A sorted set (types::ZSet) is held the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "streams/stream.h"

namespace types {
class ZSet;
}  // namespace types

namespace server {

// In the order of the variant's alternatives.
enum class ValueType { kString, kStream, kZSet };

class Value {
 public:
  Value() = default;
  ~Value();
  Value(Value&&) noexcept;
  Value& operator=(Value&&) noexcept;
  Value(const Value& other);
  Value& operator=(const Value& other) {
    if (this != &other) *this = Value(other);
    return *this;
  }

  // Out of line: assigning the variant needs every alternative complete (types::ZSet is not
  // here).
  static Value String(std::string s);
  static Value NewStream();
  static Value NewZSet();

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_string() const { return type() == ValueType::kString; }
  std::string& str() { return std::get<std::string>(data_); }
  const std::string& str() const { return std::get<std::string>(data_); }
  bool is_stream() const { return type() == ValueType::kStream; }
  streams::Stream& stream() { return *std::get<std::unique_ptr<streams::Stream>>(data_); }
  const streams::Stream& stream() const {
    return *std::get<std::unique_ptr<streams::Stream>>(data_);
  }
  bool is_zset() const { return type() == ValueType::kZSet; }
  types::ZSet& zset() { return *std::get<std::unique_ptr<types::ZSet>>(data_); }
  const types::ZSet& zset() const { return *std::get<std::unique_ptr<types::ZSet>>(data_); }

  // Access bookkeeping for maxmemory eviction, updated on every lookup (Db::Find).
  // LRU: the low 32 bits of the last access time in ms, so idle times up to ~49 days are exact.
  // LFU: a logarithmic counter (Morris-style: the more accesses, the less likely each one bumps
  // it) that loses one point per minute without access. New values start at kLfuInitial so a
  // fresh key is not the first one evicted.
  static constexpr uint8_t kLfuInitial = 5;
  void RecordAccess(int64_t now_ms);
  uint32_t IdleMs(int64_t now_ms) const { return static_cast<uint32_t>(now_ms) - lru_ms_; }
  uint8_t LfuCount(int64_t now_ms) const;  // the counter after decay, without changing it

  // The name TYPE replies with.
  std::string_view TypeName() const {
    switch (type()) {
      case ValueType::kString: return "string";
      case ValueType::kStream: return "stream";
      case ValueType::kZSet: return "zset";
    }
    return "none";
  }

 private:
  std::variant<std::string, std::unique_ptr<streams::Stream>, std::unique_ptr<types::ZSet>>
      data_;
  uint32_t lru_ms_ = 0;
  uint16_t lfu_minute_ = 0;  // low 16 bits of the minute the counter was last updated
  uint8_t lfu_count_ = kLfuInitial;
};

}  // namespace server
