// Chained hash table from byte-string keys to V, hashed with XXH3. Bucket counts are powers of
// two and SCAN walks buckets in reverse-binary cursor order, so an element present for a
// whole scan is returned at least once even if the table grows or shrinks in between (it may
// be returned more than once). Lookups take string_view: no key copy on the read path.
// A node is one allocation, {next, value, key length} followed by the key's bytes (no second
// block for long keys, no 32-byte std::string), and never moves while it is in the table. The
// key starts right after the length, inside the node's tail padding when it has some: for the
// keyspace's 40-byte values a key of up to 12 bytes keeps the node in a 64-byte block.
#pragma once

#include <xxhash.h>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace types {

inline uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

// Bytes a string holds on the heap beyond its own object: none while it fits the small-string
// buffer, else its capacity and terminator.
inline size_t StringHeapBytes(const std::string& s) {
  static const size_t kInline = std::string().capacity();
  return s.capacity() > kInline ? s.capacity() + 1 : 0;
}

template <typename V>
class HashTable {
 public:
  struct Node {
    Node* next = nullptr;  // first: a chain step reads one cache line
    V value;
    uint32_t key_size = 0;
    // The key's bytes follow key_size in the same block.
    std::string_view key() const {
      return {reinterpret_cast<const char*>(this) + kKeyOffset, key_size};
    }
  };
  // Where the key's bytes start: just past key_size, which follows the value (at offset 8, as
  // no value type is more aligned than a pointer).
  static_assert(alignof(V) <= alignof(Node*));
  static constexpr size_t kKeyOffset =
      (sizeof(Node*) + sizeof(V) + alignof(uint32_t) - 1) / alignof(uint32_t) * alignof(uint32_t) +
      sizeof(uint32_t);
  // Frees a node the table has handed out (Extract).
  struct NodeDeleter {
    void operator()(Node* n) const { DestroyNode(n); }
  };
  using NodePtr = std::unique_ptr<Node, NodeDeleter>;
  // The bytes one node takes for a key of `key_size` bytes (before allocator rounding).
  static constexpr size_t NodeBytes(size_t key_size) {
    return kKeyOffset + key_size > sizeof(Node) ? kKeyOffset + key_size : sizeof(Node);
  }

  HashTable() { buckets_.resize(kMinBuckets); }
  ~HashTable() { Clear(); }
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;
  HashTable(HashTable&& other) noexcept
      : buckets_(std::move(other.buckets_)), size_(std::exchange(other.size_, 0)) {
    other.buckets_.assign(kMinBuckets, nullptr);
  }
  HashTable& operator=(HashTable&& other) noexcept {
    if (this != &other) {
      Clear();
      buckets_ = std::move(other.buckets_);
      size_ = std::exchange(other.size_, 0);
      other.buckets_.assign(kMinBuckets, nullptr);
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t bucket_count() const { return buckets_.size(); }

  V* Find(std::string_view key) {
    Node* n = FindNode(key, HashKey(key));
    return n ? &n->value : nullptr;
  }
  const V* Find(std::string_view key) const {
    return const_cast<HashTable*>(this)->Find(key);
  }

  // The node holding `key`, or null. A node stays at its address until erased (rehashing
  // relinks nodes, never moves them), so its key may be pointed at from elsewhere.
  const Node* FindEntry(std::string_view key) const { return FindNode(key, HashKey(key)); }

  // Inserts or overwrites. Returns the stored value and whether the key was new.
  std::pair<V*, bool> Upsert(std::string_view key, V value) {
    auto [n, inserted] = UpsertEntry(key, std::move(value));
    return {&n->value, inserted};
  }
  std::pair<Node*, bool> UpsertEntry(std::string_view key, V value) {
    return UpsertEntry(key, std::move(value), [](const V&) {});
  }
  // The same, calling before_replace(old value) when the key exists, before it is replaced.
  template <typename F>
  std::pair<Node*, bool> UpsertEntry(std::string_view key, V value, F&& before_replace) {
    uint64_t h = HashKey(key);
    if (Node* n = FindNode(key, h)) {
      before_replace(static_cast<const V&>(n->value));
      n->value = std::move(value);
      return {n, false};
    }
    MaybeGrow();
    Node* n = NewNode(key, std::move(value));
    size_t b = h & Mask();
    n->next = buckets_[b];
    buckets_[b] = n;
    size_++;
    return {n, true};
  }

  bool Erase(std::string_view key) {
    uint64_t h = HashKey(key);
    Node** link = &buckets_[h & Mask()];
    while (*link) {
      Node* n = *link;
      if (n->key() == key) {
        *link = n->next;
        DestroyNode(n);
        size_--;
        MaybeShrink();
        return true;
      }
      link = &n->next;
    }
    return false;
  }

  // Removes the node for `key` without freeing its value: returns it, or null.
  NodePtr Extract(std::string_view key) {
    uint64_t h = HashKey(key);
    Node** link = &buckets_[h & Mask()];
    while (*link) {
      Node* n = *link;
      if (n->key() == key) {
        *link = n->next;
        n->next = nullptr;
        size_--;
        MaybeShrink();
        return NodePtr(n);
      }
      link = &n->next;
    }
    return nullptr;
  }

  void Clear() {
    for (Node*& head : buckets_) {
      while (head) {
        Node* next = head->next;
        DestroyNode(head);
        head = next;
      }
    }
    buckets_.assign(kMinBuckets, nullptr);
    size_ = 0;
  }

  template <typename F>
  void ForEach(F&& fn) const {
    for (Node* head : buckets_) {
      for (Node* n = head; n; n = n->next) fn(n->key(), n->value);
    }
  }

  // Estimated bytes of the table: its bucket array and nodes' fixed part exactly, plus what
  // each node holds beyond it (its key's bytes, and `payload(value)` for the value), measured
  // on the first `samples` nodes (0 = every node) and extrapolated to the rest, as Redis's
  // MEMORY USAGE samples.
  template <typename F>
  size_t EstimateBytes(size_t samples, F&& payload) const {
    const size_t fixed = buckets_.capacity() * sizeof(Node*) + size_ * kKeyOffset;
    size_t seen = 0;
    size_t heap = 0;
    for (const Node* head : buckets_) {
      for (const Node* n = head; n; n = n->next) {
        if (samples != 0 && seen == samples) break;
        heap += NodeBytes(n->key_size) - kKeyOffset + payload(n->value);
        seen++;
      }
      if (samples != 0 && seen == samples) break;
    }
    if (seen == 0) return fixed;
    return fixed + static_cast<size_t>(static_cast<double>(heap) / static_cast<double>(seen) *
                                       static_cast<double>(size_));
  }

  // Visits every node of the bucket(s) at `cursor` and returns the next cursor (0 = done).
  // The cursor is incremented in reverse-binary order over the high bits, which is what makes
  // a resize between calls harmless.
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& fn) const {
    const uint64_t mask = Mask();
    for (Node* n = buckets_[cursor & mask]; n; n = n->next) fn(n->key(), n->value);
    cursor |= ~mask;
    cursor = ReverseBits(cursor);
    cursor++;
    cursor = ReverseBits(cursor);
    return cursor;
  }

  // A random node (fair enough for eviction and expiry sampling: a random non-empty bucket,
  // then a random node of its chain). Null when empty.
  template <typename Rng>
  const Node* Random(Rng& rng) const {
    if (size_ == 0) return nullptr;
    std::uniform_int_distribution<size_t> pick(0, buckets_.size() - 1);
    Node* head = nullptr;
    while (!head) head = buckets_[pick(rng)];
    size_t len = 0;
    for (Node* n = head; n; n = n->next) len++;
    std::uniform_int_distribution<size_t> pos(0, len - 1);
    size_t skip = pos(rng);
    while (skip--) head = head->next;
    return head;
  }

 private:
  static constexpr size_t kMinBuckets = 4;

  static Node* NewNode(std::string_view key, V value) {
    assert(key.size() <= UINT32_MAX);
    void* block = ::operator new(NodeBytes(key.size()));
    Node* n = ::new (block) Node{nullptr, std::move(value), static_cast<uint32_t>(key.size())};
    assert(reinterpret_cast<char*>(&n->key_size) + sizeof(uint32_t) ==
           static_cast<char*>(block) + kKeyOffset);
    if (!key.empty()) std::memcpy(static_cast<char*>(block) + kKeyOffset, key.data(), key.size());
    return n;
  }
  static void DestroyNode(Node* n) {
    const size_t bytes = NodeBytes(n->key_size);
    n->~Node();
    ::operator delete(static_cast<void*>(n), bytes);
  }

  uint64_t Mask() const { return buckets_.size() - 1; }

  static uint64_t ReverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
  }

  Node* FindNode(std::string_view key, uint64_t h) const {
    for (Node* n = buckets_[h & Mask()]; n; n = n->next) {
      if (n->key_size == key.size() && n->key() == key) return n;
    }
    return nullptr;
  }

  void MaybeGrow() {
    if (size_ + 1 > buckets_.size()) Rehash(buckets_.size() * 2);
  }
  void MaybeShrink() {
    if (buckets_.size() > kMinBuckets && size_ < buckets_.size() / 8) {
      size_t target = kMinBuckets;
      while (target < size_ * 2) target *= 2;
      Rehash(target);
    }
  }

  void Rehash(size_t new_count) {
    std::vector<Node*> fresh(new_count, nullptr);
    const uint64_t mask = new_count - 1;
    for (Node* head : buckets_) {
      while (head) {
        Node* next = head->next;
        size_t b = HashKey(head->key()) & mask;
        head->next = fresh[b];
        fresh[b] = head;
        head = next;
      }
    }
    buckets_ = std::move(fresh);
  }

  std::vector<Node*> buckets_;
  size_t size_ = 0;
};

}  // namespace types
