// A keyspace value: one of the types Redis knows, held by the keyspace's hash table. Strings are
// stored as bytes (integers too: INCR parses and re-formats, as Redis's int encoding behaves
// identically on the wire). Every other type is held by pointer so a Value stays small; copying
// a Value (COPY) deep-copies it. The collection types are only declared here: their pointers
// free them through Owned's deleter, defined in value.cc where the types are complete, so this
// header (included everywhere) pulls in none of them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "streams/stream.h"

namespace types {
class List;
class Hash;
class Set;
class ZSet;
}  // namespace types

namespace server {

// Deletes a T where T is complete (value.cc instantiates it for each collection type).
template <typename T>
struct OutOfLineDelete {
  void operator()(T* p) const;
};
template <typename T>
using Owned = std::unique_ptr<T, OutOfLineDelete<T>>;

// In the order of the variant's alternatives.
enum class ValueType { kString, kStream, kList, kHash, kSet, kZSet };

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
  // An empty list whose nodes hold up to `fill` (list-max-listpack-size) each.
  static Value NewList(int fill);
  static Value NewHash();
  // Takes a set (non-empty: an emptied collection is deleted, never stored).
  static Value NewSet(types::Set set);
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
  bool is_list() const { return type() == ValueType::kList; }
  types::List& list() { return *std::get<Owned<types::List>>(data_); }
  const types::List& list() const { return *std::get<Owned<types::List>>(data_); }
  bool is_hash() const { return type() == ValueType::kHash; }
  types::Hash& hash() { return *std::get<Owned<types::Hash>>(data_); }
  const types::Hash& hash() const { return *std::get<Owned<types::Hash>>(data_); }
  bool is_set() const { return type() == ValueType::kSet; }
  types::Set& set() { return *std::get<Owned<types::Set>>(data_); }
  const types::Set& set() const { return *std::get<Owned<types::Set>>(data_); }
  bool is_zset() const { return type() == ValueType::kZSet; }
  types::ZSet& zset() { return *std::get<Owned<types::ZSet>>(data_); }
  const types::ZSet& zset() const { return *std::get<Owned<types::ZSet>>(data_); }

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
      case ValueType::kHash: return "hash";
      case ValueType::kSet: return "set";
      case ValueType::kZSet: return "zset";
    }
    return "none";
  }

 private:
  std::variant<std::string, std::unique_ptr<streams::Stream>, Owned<types::List>,
               Owned<types::Hash>, Owned<types::Set>, Owned<types::ZSet>>
      data_;
  uint32_t lru_ms_ = 0;
  uint16_t lfu_minute_ = 0;  // low 16 bits of the minute the counter was last updated
  uint8_t lfu_count_ = kLfuInitial;
};

}  // namespace server
