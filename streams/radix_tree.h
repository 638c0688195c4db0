// Radix tree (compressed trie) from byte-string keys to small values, ordered bytewise: the index
// of a stream's entry blocks (keyed by StreamID::Key()).
// Invariants: every node holds a key or branches to >= 2 children (so every leaf holds a key and
// no chain of key-less single-child nodes exists, the root included); a node's child bytes are
// strictly increasing; an empty tree has no nodes at all.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "streams/seek_op.h"
#include "streams/stream_id.h"

namespace streams {

// Where RadixTree::Iterator::Seek lands: on a key, relative to a given key, or at an end.

// Why a template on V and not void*: callers keep their types (Block*, an object pointer, a small
// struct) with no casts. V must be trivially copyable because it is stored packed and unaligned
// inside a node and moved with memcpy; that packing is what keeps a leaf at 4 + sizeof(V) + its
// key-suffix bytes. Values are therefore read by copy (Find returns std::optional<V>), so keep V
// small: a pointer or a pair of integers.
//
// Node layout, one allocation per node, sized exactly (every change reallocates the node):
//   u32 header: child count (9 bits, 0..256) | has-value (1 bit) | prefix length (22 bits)
//   V value                     only if has-value
//   u8  prefix[prefix length]   bytes every key below this node shares after the parent's byte
//   u8  child_byte[count]       strictly increasing
//   ptr child[count]            unaligned, read and written with memcpy
// The key of a node is the concatenation, from the root, of each node's prefix and the child
// byte taken below it; a node's value belongs to the key ending right after its prefix.
//
// Iterators hold raw node pointers: any TryInsert, InsertOrAssign of a new key, Erase or Clear
// invalidates every iterator of the tree. InsertOrAssign of an existing key writes the value in
// place and leaves iterators valid. To erase while walking, copy the key, Erase it and
// Seek(kGreater, key): O(key length), the same as a Next that climbs.
//
// Cost, with k the key length (16 for IDs): Find, TryInsert, InsertOrAssign, Erase and Seek are
// O(k) node visits (child search is a binary search over <= 256 bytes) plus, on a structural
// change, one copy of the changed node (<= 256 * 9 bytes). Next/Prev are O(1) amortized over a
// full walk and O(k) at worst.
template <typename V>
class RadixTree {
  static_assert(std::is_trivially_copyable_v<V> && std::is_default_constructible_v<V>,
                "RadixTree values are stored packed and copied with memcpy");

 public:
  using Bytes = std::span<const uint8_t>;
  static constexpr size_t kMaxKeyLen = (size_t{1} << 22) - 1;

  RadixTree() = default;
  ~RadixTree() { Clear(); }
  RadixTree(const RadixTree&) = delete;
  RadixTree& operator=(const RadixTree&) = delete;
  RadixTree(RadixTree&& other) noexcept { Swap(other); }
  RadixTree& operator=(RadixTree&& other) noexcept {
    if (this != &other) {
      Clear();
      Swap(other);
    }
    return *this;
  }

  // Adds key -> value if the key is absent. Returns whether it was added (an existing value is
  // left unchanged). Throws std::length_error for keys longer than kMaxKeyLen.
  [[nodiscard]] bool TryInsert(Bytes key, V value) { return Insert(key, value, false); }
  [[nodiscard]] bool TryInsert(std::string_view key, V value) {
    return TryInsert(AsBytes(key), value);
  }
  [[nodiscard]] bool TryInsert(StreamID id, V value) {
    auto k = id.Key();
    return TryInsert(Bytes(k), value);
  }

  // Adds or overwrites. Returns whether the key was new.
  bool InsertOrAssign(Bytes key, V value) { return Insert(key, value, true); }
  bool InsertOrAssign(std::string_view key, V value) { return InsertOrAssign(AsBytes(key), value); }
  bool InsertOrAssign(StreamID id, V value) {
    auto k = id.Key();
    return InsertOrAssign(Bytes(k), value);
  }

  [[nodiscard]] std::optional<V> Find(Bytes key) const;
  [[nodiscard]] std::optional<V> Find(std::string_view key) const { return Find(AsBytes(key)); }
  [[nodiscard]] std::optional<V> Find(StreamID id) const {
    auto k = id.Key();
    return Find(Bytes(k));
  }
  [[nodiscard]] bool Contains(Bytes key) const { return Find(key).has_value(); }
  [[nodiscard]] bool Contains(std::string_view key) const { return Find(key).has_value(); }
  [[nodiscard]] bool Contains(StreamID id) const { return Find(id).has_value(); }

  // Removes the key; returns its value (so the caller can free what it points to), or nullopt
  // if it was absent. Nodes left key-less with one child are merged back into their child.
  std::optional<V> Erase(Bytes key);
  std::optional<V> Erase(std::string_view key) { return Erase(AsBytes(key)); }
  std::optional<V> Erase(StreamID id) {
    auto k = id.Key();
    return Erase(Bytes(k));
  }

  void Clear() {
    FreeSubtree(root_);
    root_ = nullptr;
    size_ = 0;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // XINFO's radix-tree-nodes.
  size_t node_count() const { return nodes_; }
  // Bytes requested from operator new for all nodes (allocator rounding not included).
  size_t AllocatedBytes() const { return bytes_; }

  // Walks the whole tree checking the invariants above and the size/node/byte counters.
  // Returns "" if all hold, else a description of the first violation. O(n); for tests.
  [[nodiscard]] std::string Validate() const;

  // A position in key order. Starts invalid; Seek places it, Next/Prev move it. Once it falls
  // off either end it stays invalid until the next Seek.
  class Iterator {
   public:
    explicit Iterator(const RadixTree& tree) : tree_(&tree) {}

    // Returns Valid(). `key` is ignored for kFirst and kLast.
    bool Seek(SeekOp op, Bytes key = {});
    bool Seek(SeekOp op, std::string_view key) { return Seek(op, AsBytes(key)); }
    bool Seek(SeekOp op, StreamID id) {
      auto k = id.Key();
      return Seek(op, Bytes(k));
    }
    bool Next();
    bool Prev();

    [[nodiscard]] bool Valid() const { return !stack_.empty(); }
    // The current key; only while Valid(), and only until the iterator moves.
    [[nodiscard]] Bytes Key() const {
      return {reinterpret_cast<const uint8_t*>(key_.data()), key_.size()};
    }
    [[nodiscard]] std::string_view KeyView() const { return key_; }
    // The current key as an ID; the tree must hold 16-byte ID keys.
    [[nodiscard]] StreamID Id() const {
      return StreamID::FromKey(reinterpret_cast<const uint8_t*>(key_.data()));
    }
    [[nodiscard]] V Value() const { return LoadValue(stack_.back().node); }

   private:
    struct Frame {
      const uint8_t* node;
      int child;         // index of the child the next frame descends into; -1 on the top frame
      uint32_t key_end;  // key_.size() right after this node's prefix
    };

    void PushNode(const uint8_t* n);
    void PushChild(int i);
    bool DescendFirst();
    bool DescendLast();
    bool AscendNext();
    bool LowerBound(Bytes key);
    bool Invalidate() {
      stack_.clear();
      key_.clear();
      return false;
    }
    bool AtKey(Bytes key) const {
      return key_.size() == key.size() &&
             (key.empty() || std::memcmp(key_.data(), key.data(), key.size()) == 0);
    }

    const RadixTree* tree_;
    std::vector<Frame> stack_;  // root first; the top frame is the node holding the current key
    std::string key_;
  };

 private:
  using Node = uint8_t;  // raw bytes in the layout described above

  static constexpr uint32_t kCountMask = 0x1ff;
  static constexpr uint32_t kValueBit = 0x200;
  static constexpr int kLenShift = 10;
  static constexpr size_t kPtr = sizeof(Node*);

  static Bytes AsBytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
  }

  static uint32_t Header(const Node* n) {
    uint32_t h;
    std::memcpy(&h, n, 4);
    return h;
  }
  static size_t Count(const Node* n) { return Header(n) & kCountMask; }
  static bool HasValue(const Node* n) { return Header(n) & kValueBit; }
  static size_t PrefixLen(const Node* n) { return Header(n) >> kLenShift; }
  static size_t ValueBytes(bool has_value) { return has_value ? sizeof(V) : 0; }
  static size_t SizeOf(size_t prefix_len, bool has_value, size_t count) {
    return 4 + ValueBytes(has_value) + prefix_len + count * (1 + kPtr);
  }
  static size_t SizeOf(const Node* n) { return SizeOf(PrefixLen(n), HasValue(n), Count(n)); }
  static Node* Prefix(Node* n) { return n + 4 + ValueBytes(HasValue(n)); }
  static const Node* Prefix(const Node* n) { return n + 4 + ValueBytes(HasValue(n)); }
  static Node* ChildBytes(Node* n) { return Prefix(n) + PrefixLen(n); }
  static const Node* ChildBytes(const Node* n) { return Prefix(n) + PrefixLen(n); }
  static Node* ChildSlot(Node* n, size_t i) { return ChildBytes(n) + Count(n) + i * kPtr; }
  static const Node* ChildSlot(const Node* n, size_t i) {
    return ChildBytes(n) + Count(n) + i * kPtr;
  }
  static Node* LoadSlot(const uint8_t* slot) {
    Node* c;
    std::memcpy(&c, slot, kPtr);
    return c;
  }
  static void StoreSlot(uint8_t* slot, Node* c) { std::memcpy(slot, &c, kPtr); }
  static Node* Child(const Node* n, size_t i) { return LoadSlot(ChildSlot(n, i)); }
  static V LoadValue(const Node* n) {
    V v;
    std::memcpy(&v, n + 4, sizeof(V));
    return v;
  }
  static void StoreValue(Node* n, const V& v) { std::memcpy(n + 4, &v, sizeof(V)); }
  // Index of the first child byte >= b (Count(n) if none).
  static size_t LowerChild(const Node* n, uint8_t b) {
    const uint8_t* bytes = ChildBytes(n);
    return std::lower_bound(bytes, bytes + Count(n), b) - bytes;
  }
  // Length of the common run of the node's prefix and key[pos..].
  static size_t Matching(const Node* n, Bytes key, size_t pos) {
    size_t m = std::min(PrefixLen(n), key.size() - pos);
    const uint8_t* p = Prefix(n);
    size_t j = 0;
    while (j < m && p[j] == key[pos + j]) j++;
    return j;
  }

  uint8_t* RootSlot() { return reinterpret_cast<uint8_t*>(&root_); }

  // A node whose prefix is a + [mid if >= 0] + b, with room for `count` children (filled by the
  // caller) and the value if `value` is non-null.
  Node* Make(Bytes a, int mid, Bytes b, const V* value, size_t count) {
    size_t plen = a.size() + (mid >= 0 ? 1 : 0) + b.size();
    size_t size = SizeOf(plen, value != nullptr, count);
    Node* n = static_cast<Node*>(::operator new(size));
    uint32_t h = static_cast<uint32_t>(count) | (value ? kValueBit : 0) |
                 static_cast<uint32_t>(plen << kLenShift);
    std::memcpy(n, &h, 4);
    if (value) StoreValue(n, *value);
    uint8_t* p = Prefix(n);
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    p += a.size();
    if (mid >= 0) *p++ = static_cast<uint8_t>(mid);
    if (!b.empty()) std::memcpy(p, b.data(), b.size());
    bytes_ += size;
    nodes_++;
    return n;
  }
  void Free(Node* n) {
    size_t size = SizeOf(n);
    bytes_ -= size;
    nodes_--;
    ::operator delete(n, size);
  }
  void FreeSubtree(Node* n) {
    if (!n) return;
    for (size_t i = 0; i < Count(n); i++) FreeSubtree(Child(n, i));
    Free(n);
  }
  static Bytes PrefixBytes(const Node* n) { return {Prefix(n), PrefixLen(n)}; }
  static void SetChild(Node* n, size_t i, uint8_t byte, Node* c) {
    ChildBytes(n)[i] = byte;
    StoreSlot(ChildSlot(n, i), c);
  }
  // Copies `len` children of src from src_i on into dst from dst_i on.
  static void CopyChildren(Node* dst, size_t dst_i, const Node* src, size_t src_i, size_t len) {
    if (len == 0) return;
    std::memcpy(ChildBytes(dst) + dst_i, ChildBytes(src) + src_i, len);
    std::memcpy(ChildSlot(dst, dst_i), ChildSlot(src, src_i), len * kPtr);
  }
  static std::optional<V> ValueOf(const Node* n) {
    return HasValue(n) ? std::optional<V>(LoadValue(n)) : std::nullopt;
  }

  // Each of these returns the replacement of n and frees n.
  Node* WithValue(Node* n, const V* value) {
    Node* r = Make(PrefixBytes(n), -1, {}, value, Count(n));
    CopyChildren(r, 0, n, 0, Count(n));
    Free(n);
    return r;
  }
  Node* WithChildAdded(Node* n, size_t i, uint8_t byte, Node* c) {
    std::optional<V> v = ValueOf(n);
    size_t count = Count(n);
    Node* r = Make(PrefixBytes(n), -1, {}, v ? &*v : nullptr, count + 1);
    CopyChildren(r, 0, n, 0, i);
    SetChild(r, i, byte, c);
    CopyChildren(r, i + 1, n, i, count - i);
    Free(n);
    return r;
  }
  Node* WithChildRemoved(Node* n, size_t i) {
    std::optional<V> v = ValueOf(n);
    size_t count = Count(n);
    Node* r = Make(PrefixBytes(n), -1, {}, v ? &*v : nullptr, count - 1);
    CopyChildren(r, 0, n, 0, i);
    CopyChildren(r, i, n, i + 1, count - i - 1);
    Free(n);
    return r;
  }
  // n has one child: both become one node (frees the child too); n's own value is dropped.
  Node* MergedWithChild(Node* n) {
    Node* c = Child(n, 0);
    std::optional<V> v = ValueOf(c);
    Node* r = Make(PrefixBytes(n), ChildBytes(n)[0], PrefixBytes(c), v ? &*v : nullptr, Count(c));
    CopyChildren(r, 0, c, 0, Count(c));
    Free(n);
    Free(c);
    return r;
  }

  bool Insert(Bytes key, const V& value, bool assign);
  size_t ValidateNode(const Node* n, size_t* nodes, size_t* bytes, std::string* error) const;

  void Swap(RadixTree& other) noexcept {
    std::swap(root_, other.root_);
    std::swap(size_, other.size_);
    std::swap(nodes_, other.nodes_);
    std::swap(bytes_, other.bytes_);
  }

  Node* root_ = nullptr;
  size_t size_ = 0;   // keys
  size_t nodes_ = 0;  // live nodes
  size_t bytes_ = 0;  // sum of live node sizes
};

template <typename V>
bool RadixTree<V>::Insert(Bytes key, const V& value, bool assign) {
  if (key.size() > kMaxKeyLen) throw std::length_error("radix tree key too long");
  uint8_t* slot = RootSlot();
  if (!root_) {
    root_ = Make(key, -1, {}, &value, 0);
    size_++;
    return true;
  }
  size_t pos = 0;
  for (;;) {
    Node* n = LoadSlot(slot);
    size_t plen = PrefixLen(n);
    size_t j = Matching(n, key, pos);
    if (j < plen) {
      // The key leaves (or ends inside) this node's prefix at j: split it there.
      const uint8_t* p = Prefix(n);
      std::optional<V> v = ValueOf(n);
      Node* lower = Make(Bytes(p + j + 1, plen - j - 1), -1, {}, v ? &*v : nullptr, Count(n));
      CopyChildren(lower, 0, n, 0, Count(n));
      Node* upper;
      if (pos + j == key.size()) {
        upper = Make(Bytes(p, j), -1, {}, &value, 1);
        SetChild(upper, 0, p[j], lower);
      } else {
        Node* leaf = Make(key.subspan(pos + j + 1), -1, {}, &value, 0);
        upper = Make(Bytes(p, j), -1, {}, nullptr, 2);
        uint8_t kb = key[pos + j];
        size_t leaf_i = kb < p[j] ? 0 : 1;
        SetChild(upper, leaf_i, kb, leaf);
        SetChild(upper, 1 - leaf_i, p[j], lower);
      }
      Free(n);
      StoreSlot(slot, upper);
      size_++;
      return true;
    }
    pos += plen;
    if (pos == key.size()) {
      if (HasValue(n)) {
        if (assign) StoreValue(n, value);
        return false;
      }
      StoreSlot(slot, WithValue(n, &value));
      size_++;
      return true;
    }
    uint8_t b = key[pos];
    size_t i = LowerChild(n, b);
    if (i < Count(n) && ChildBytes(n)[i] == b) {
      slot = ChildSlot(n, i);
      pos++;
      continue;
    }
    Node* leaf = Make(key.subspan(pos + 1), -1, {}, &value, 0);
    StoreSlot(slot, WithChildAdded(n, i, b, leaf));
    size_++;
    return true;
  }
}

template <typename V>
std::optional<V> RadixTree<V>::Find(Bytes key) const {
  const Node* n = root_;
  size_t pos = 0;
  while (n) {
    size_t plen = PrefixLen(n);
    if (key.size() - pos < plen || Matching(n, key, pos) < plen) return std::nullopt;
    pos += plen;
    if (pos == key.size()) return ValueOf(n);
    uint8_t b = key[pos];
    size_t i = LowerChild(n, b);
    if (i == Count(n) || ChildBytes(n)[i] != b) return std::nullopt;
    n = Child(n, i);
    pos++;
  }
  return std::nullopt;
}

template <typename V>
std::optional<V> RadixTree<V>::Erase(Bytes key) {
  uint8_t* parent_slot = nullptr;  // where the parent of n is stored
  size_t index_in_parent = 0;
  uint8_t* slot = RootSlot();
  Node* n = root_;
  size_t pos = 0;
  for (;;) {
    if (!n) return std::nullopt;
    size_t plen = PrefixLen(n);
    if (key.size() - pos < plen || Matching(n, key, pos) < plen) return std::nullopt;
    pos += plen;
    if (pos == key.size()) break;
    uint8_t b = key[pos];
    size_t i = LowerChild(n, b);
    if (i == Count(n) || ChildBytes(n)[i] != b) return std::nullopt;
    parent_slot = slot;
    index_in_parent = i;
    slot = ChildSlot(n, i);
    n = LoadSlot(slot);
    pos++;
  }
  if (!HasValue(n)) return std::nullopt;
  V old = LoadValue(n);
  size_--;
  size_t count = Count(n);
  if (count >= 2) {
    StoreSlot(slot, WithValue(n, nullptr));
  } else if (count == 1) {
    StoreSlot(slot, MergedWithChild(n));
  } else {
    Free(n);
    if (!parent_slot) {
      root_ = nullptr;
    } else {
      // The parent had a key or >= 2 children; losing one may leave it key-less with one.
      Node* parent = WithChildRemoved(LoadSlot(parent_slot), index_in_parent);
      if (!HasValue(parent) && Count(parent) == 1) parent = MergedWithChild(parent);
      StoreSlot(parent_slot, parent);
    }
  }
  return old;
}

template <typename V>
size_t RadixTree<V>::ValidateNode(const Node* n, size_t* nodes, size_t* bytes,
                                  std::string* error) const {
  size_t keys = HasValue(n) ? 1 : 0;
  size_t count = Count(n);
  *nodes += 1;
  *bytes += SizeOf(n);
  if (count > 256 && error->empty()) *error = "node with more than 256 children";
  if (!HasValue(n) && count < 2 && error->empty()) {
    *error = "key-less node with " + std::to_string(count) + " children";
  }
  const uint8_t* cb = ChildBytes(n);
  for (size_t i = 0; i < count; i++) {
    if (i > 0 && cb[i - 1] >= cb[i] && error->empty()) *error = "child bytes not increasing";
    const Node* c = Child(n, i);
    if (!c) {
      if (error->empty()) *error = "null child";
      continue;
    }
    keys += ValidateNode(c, nodes, bytes, error);
  }
  return keys;
}

template <typename V>
std::string RadixTree<V>::Validate() const {
  std::string error;
  size_t nodes = 0, bytes = 0, keys = 0;
  if (root_) keys = ValidateNode(root_, &nodes, &bytes, &error);
  if (!error.empty()) return error;
  if (keys != size_) {
    return "size() is " + std::to_string(size_) + " but " + std::to_string(keys) + " keys found";
  }
  if (nodes != nodes_) {
    return "node_count() is " + std::to_string(nodes_) + " but " + std::to_string(nodes) +
           " nodes found";
  }
  if (bytes != bytes_) return "AllocatedBytes() disagrees with the node sizes";
  return "";
}

// --- Iterator ---------------------------------------------------------------------------------

template <typename V>
void RadixTree<V>::Iterator::PushNode(const uint8_t* n) {
  key_.append(reinterpret_cast<const char*>(Prefix(n)), PrefixLen(n));
  stack_.push_back({n, -1, static_cast<uint32_t>(key_.size())});
}

template <typename V>
void RadixTree<V>::Iterator::PushChild(int i) {
  Frame& f = stack_.back();
  f.child = i;
  key_.resize(f.key_end);
  key_.push_back(static_cast<char>(ChildBytes(f.node)[i]));
  PushNode(Child(f.node, i));
}

template <typename V>
bool RadixTree<V>::Iterator::DescendFirst() {
  // A key-less node has >= 2 children, so this ends on a key.
  while (!HasValue(stack_.back().node)) PushChild(0);
  key_.resize(stack_.back().key_end);
  return true;
}

template <typename V>
bool RadixTree<V>::Iterator::DescendLast() {
  // A leaf always holds a key.
  while (Count(stack_.back().node) > 0) PushChild(static_cast<int>(Count(stack_.back().node)) - 1);
  key_.resize(stack_.back().key_end);
  return true;
}

template <typename V>
bool RadixTree<V>::Iterator::AscendNext() {
  for (;;) {
    stack_.pop_back();
    if (stack_.empty()) return Invalidate();
    Frame& p = stack_.back();
    if (static_cast<size_t>(p.child) + 1 < Count(p.node)) {
      PushChild(p.child + 1);
      return DescendFirst();
    }
  }
}

template <typename V>
bool RadixTree<V>::Iterator::Next() {
  if (!Valid()) return false;
  if (Count(stack_.back().node) > 0) {
    PushChild(0);
    return DescendFirst();
  }
  return AscendNext();
}

template <typename V>
bool RadixTree<V>::Iterator::Prev() {
  if (!Valid()) return false;
  for (;;) {
    stack_.pop_back();
    if (stack_.empty()) return Invalidate();
    Frame& p = stack_.back();
    if (p.child > 0) {
      PushChild(p.child - 1);
      return DescendLast();
    }
    p.child = -1;
    if (HasValue(p.node)) {
      key_.resize(p.key_end);
      return true;
    }
  }
}

template <typename V>
bool RadixTree<V>::Iterator::LowerBound(Bytes key) {
  Invalidate();
  if (!tree_->root_) return false;
  PushNode(tree_->root_);
  size_t pos = 0;
  for (;;) {
    const Node* n = stack_.back().node;
    size_t plen = PrefixLen(n);
    size_t j = Matching(n, key, pos);
    if (j < plen) {
      // Key ended inside the prefix: everything below is longer, so greater.
      if (pos + j == key.size() || Prefix(n)[j] > key[pos + j]) return DescendFirst();
      return AscendNext();
    }
    pos += plen;
    if (pos == key.size()) return DescendFirst();
    uint8_t b = key[pos];
    size_t i = LowerChild(n, b);
    if (i == Count(n)) return AscendNext();
    PushChild(static_cast<int>(i));
    if (ChildBytes(n)[i] != b) return DescendFirst();
    pos++;
  }
}

template <typename V>
bool RadixTree<V>::Iterator::Seek(SeekOp op, Bytes key) {
  switch (op) {
    case SeekOp::kFirst:
    case SeekOp::kLast:
      Invalidate();
      if (!tree_->root_) return false;
      PushNode(tree_->root_);
      return op == SeekOp::kFirst ? DescendFirst() : DescendLast();
    case SeekOp::kGreaterOrEqual:
      return LowerBound(key);
    case SeekOp::kGreater:
      if (LowerBound(key) && AtKey(key)) return Next();
      return Valid();
    case SeekOp::kEqual:
      if (LowerBound(key) && !AtKey(key)) return Invalidate();
      return Valid();
    case SeekOp::kLessOrEqual:
      if (LowerBound(key)) return AtKey(key) ? true : Prev();
      return Seek(SeekOp::kLast);
    case SeekOp::kLess:
      if (LowerBound(key)) return Prev();
      return Seek(SeekOp::kLast);
  }
  return false;
}

}  // namespace streams
