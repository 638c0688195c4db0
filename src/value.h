// A keyspace value: one of the types Redis knows, held by the keyspace's hash table. Strings are
// stored as bytes (integers too: INCR parses and re-formats, as Redis's int encoding behaves
// identically on the wire). A stream or list is held by pointer so a Value stays small; copying
// a Value (COPY) deep-copies it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "streams/stream.h"

namespace types {
class List;
}

namespace server {

// Deletes a list where its type is complete (value.cc), so this header needs only the name.
struct ListDeleter {
  void operator()(types::List* list) const;
};
using ListPtr = std::unique_ptr<types::List, ListDeleter>;

// In the order of the variant's alternatives.
enum class ValueType { kString, kStream, kList };

class Value {
 public:
  Value() = default;
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  Value(const Value& other);
  Value& operator=(const Value& other) {
    if (this != &other) *this = Value(other);
    return *this;
  }

  static Value String(std::string s) {
    Value v;
    v.data_ = std::move(s);
    return v;
  }
  static Value NewStream() {
    Value v;
    v.data_ = std::make_unique<streams::Stream>();
    return v;
  }

  static Value NewList(int fill);

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_string() const { return type() == ValueType::kString; }
  std::string& str() { return std::get<std::string>(data_); }
  const std::string& str() const { return std::get<std::string>(data_); }
  bool is_stream() const { return type() == ValueType::kStream; }
  streams::Stream& stream() { return *std::get<std::unique_ptr<streams::Stream>>(data_); }
  const streams::Stream& stream() const {
    return *std::get<std::unique_ptr<streams::Stream>>(data_);
  }

  bool is_list() const { return type() == ValueType::kList; }
  types::List& list() { return *std::get<ListPtr>(data_); }
  const types::List& list() const { return *std::get<ListPtr>(data_); }

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
      case ValueType::kList: return "list";
    }
    return "none";
  }

 private:
  std::variant<std::string, std::unique_ptr<streams::Stream>, ListPtr> data_;
  uint32_t lru_ms_ = 0;
  uint16_t lfu_minute_ = 0;  // low 16 bits of the minute the counter was last updated
  uint8_t lfu_count_ = kLfuInitial;
};

}  // namespace server
