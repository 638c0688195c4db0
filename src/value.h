// A keyspace value: one of the types Redis knows, held by the keyspace's hash table. Strings are
// stored as bytes (integers too: INCR parses and re-formats, as Redis's int encoding behaves
// identically on the wire). A hash lives inside the Value (most hashes are small: their one
// listpack block is then all they cost); every other type is held by pointer. The Value is 40
// bytes, a tagged union plus the eviction counters, so a keyspace node with a short key fits a
// 64-byte block. Copying a Value (COPY) deep-copies it. The collection types are only declared
// here; value.cc, where they are complete, creates, moves and frees them, so this header
// (included everywhere) pulls in none of them.
#pragma once

#include <cassert>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "streams/stream.h"

namespace types {
class List;
class Hash;
class Set;
class ZSet;
}  // namespace types

namespace server {

// In the order Redis's OBJECT/TYPE code lists them (the values are stable: tests and the AOF
// snapshot switch on them).
enum class ValueType : uint8_t { kString, kStream, kList, kHash, kSet, kZSet };

class Value {
 public:
  Value() : str_() {}
  ~Value() {
    if (type_ == ValueType::kString) {
      str_.~basic_string();
    } else {
      DestroyCollection();
    }
  }
  Value(Value&& other) noexcept
      : lru_ms_(other.lru_ms_),
        lfu_minute_(other.lfu_minute_),
        lfu_count_(other.lfu_count_),
        type_(other.type_) {
    if (type_ == ValueType::kString) {
      ::new (&str_) std::string(std::move(other.str_));
    } else if (type_ == ValueType::kHash) {
      MoveHashFrom(other);
    } else {
      ptr_ = std::exchange(other.ptr_, nullptr);  // the moved-from Value frees nothing
    }
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      this->~Value();
      ::new (this) Value(std::move(other));
    }
    return *this;
  }
  Value(const Value& other);
  Value& operator=(const Value& other) {
    if (this != &other) *this = Value(other);
    return *this;
  }

  static Value String(std::string s) {
    Value v;
    v.str_ = std::move(s);
    return v;
  }
  static Value NewStream();
  // An empty list whose nodes hold up to `fill` (list-max-listpack-size) each.
  static Value NewList(int fill);
  static Value NewHash();
  // Takes a set (non-empty: an emptied collection is deleted, never stored).
  static Value NewSet(types::Set set);
  static Value NewZSet();

  ValueType type() const { return type_; }
  bool is_string() const { return type_ == ValueType::kString; }
  std::string& str() {
    Checked(ValueType::kString);
    return str_;
  }
  const std::string& str() const {
    Checked(ValueType::kString);
    return str_;
  }
  bool is_stream() const { return type_ == ValueType::kStream; }
  streams::Stream& stream() { return *Pointer<streams::Stream>(ValueType::kStream); }
  const streams::Stream& stream() const { return *Pointer<streams::Stream>(ValueType::kStream); }
  bool is_list() const { return type_ == ValueType::kList; }
  types::List& list() { return *Pointer<types::List>(ValueType::kList); }
  const types::List& list() const { return *Pointer<types::List>(ValueType::kList); }
  bool is_hash() const { return type_ == ValueType::kHash; }
  // Templates only so that std::launder sees types::Hash where hash() is called, where it is
  // complete: clang wants a complete type there, and this header only declares it.
  template <typename H = types::Hash>
  H& hash() {
    Checked(ValueType::kHash);
    return *std::launder(reinterpret_cast<H*>(hash_));
  }
  template <typename H = types::Hash>
  const H& hash() const {
    Checked(ValueType::kHash);
    return *std::launder(reinterpret_cast<const H*>(hash_));
  }
  bool is_set() const { return type_ == ValueType::kSet; }
  types::Set& set() { return *Pointer<types::Set>(ValueType::kSet); }
  const types::Set& set() const { return *Pointer<types::Set>(ValueType::kSet); }
  bool is_zset() const { return type_ == ValueType::kZSet; }
  types::ZSet& zset() { return *Pointer<types::ZSet>(ValueType::kZSet); }
  const types::ZSet& zset() const { return *Pointer<types::ZSet>(ValueType::kZSet); }

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
  // types::Hash's size and alignment (value.cc checks them against the real type).
  static constexpr size_t kHashBytes = 32;

  // A Value of type `t` holding `p` (a collection other than a hash, owned from now on).
  Value(ValueType t, void* p) : ptr_(p), type_(t) {}
  void Checked([[maybe_unused]] ValueType t) const { assert(type_ == t); }
  template <typename T>
  T* Pointer(ValueType t) const {
    Checked(t);
    return static_cast<T*>(ptr_);
  }
  void DestroyCollection();           // frees what a non-string Value holds
  void MoveHashFrom(Value& other);    // constructs hash_ from other's hash

  union {
    std::string str_;
    void* ptr_;                                   // Stream, List, Set or ZSet
    alignas(8) unsigned char hash_[kHashBytes];  // a types::Hash, constructed in value.cc
  };
  uint32_t lru_ms_ = 0;
  uint16_t lfu_minute_ = 0;  // low 16 bits of the minute the counter was last updated
  uint8_t lfu_count_ = kLfuInitial;
  ValueType type_ = ValueType::kString;
};

}  // namespace server
