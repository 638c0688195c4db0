// A list value as Redis's quicklist: a doubly linked chain of listpack nodes, each bounded by
// list-max-listpack-size (the `fill`: negative -1..-5 = 4/8/16/32/64 KB of entries per node,
// positive = entries per node, then also at most 8 KB). Invariants: no node is empty; count_
// is the sum of the nodes' sizes; an entry larger than a node's bound sits alone in its node.
// Index access walks nodes (not entries) from the nearer end, so LINDEX/LSET near either end
// cost O(1) nodes. Pure data: the fill and compress depth are handed in by the caller (the
// config knobs). With a compress depth d > 0 (list-compress-depth), the d nodes at each end
// are always raw, so pushes and pops never decompress; every inner node is LZ4-compressed
// unless it is under 48 bytes or would not shrink by 8 bytes (Redis's LZF rules).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "src/types/listpack.h"

namespace types {

class List {
  // One node: its entries as a listpack, or, compressed, the listpack's bytes packed with LZ4
  // (the listpack then empty). size() and raw_bytes() answer either way, so the node bounds
  // and index walks never decompress.
  class Node {
   public:
    Node() = default;
    Node(const Node& other);
    Node& operator=(const Node& other);
    Node(Node&&) noexcept = default;
    Node& operator=(Node&&) noexcept = default;

    bool compressed() const { return packed_ != nullptr; }
    size_t size() const { return compressed() ? count_ : lp_.size(); }
    // The listpack's bytes, compressed or not (the node bounds).
    size_t raw_bytes() const { return compressed() ? raw_size_ : lp_.bytes(); }
    // The bytes held: compressed size or listpack bytes (bytes()).
    size_t stored_bytes() const { return compressed() ? packed_size_ : lp_.bytes(); }
    // The bytes allocated (MEMORY USAGE).
    size_t allocated() const { return compressed() ? packed_size_ : lp_.capacity(); }
    // A raw node's entries.
    const Listpack& lp() const { return lp_; }
    // A copy of a compressed node's entries: reads in the middle leave the node as it is.
    Listpack Unpacked() const;
    // The entries, to change them: decompresses in place, and forgets a failed compression.
    Listpack& Edit() {
      Decompress();
      incompressible_ = false;
      return lp_;
    }
    // Compresses a raw node that is big enough and shrinks enough (tried once per content).
    void Compress();
    void Decompress();
    bool incompressible() const { return incompressible_; }

   private:
    Listpack lp_;
    std::unique_ptr<char[]> packed_;  // the LZ4 block while compressed, else null
    uint32_t packed_size_ = 0;
    uint32_t raw_size_ = 0;  // while compressed: the listpack's bytes and entries
    uint32_t count_ = 0;
    bool incompressible_ = false;  // raw, and the last try did not shrink it by enough
  };
  using NodeList = std::list<Node>;

 public:
  static constexpr int kDefaultFill = -2;

  explicit List(int fill = kDefaultFill, int compress_depth = 0)
      : fill_(fill), depth_(compress_depth > 0 ? compress_depth : 0) {}

  // The node bound for later writes (CONFIG SET list-max-listpack-size takes effect on the
  // next write, as in Redis).
  void set_fill(int fill) { fill_ = fill; }
  int fill() const { return fill_; }
  // The compress depth. A quicklist keeps the depth it had when it became one (Redis 7.2
  // takes list-compress-depth when it converts a listpack, 7.0 when it creates the list), so
  // CONFIG SET applies to lists that grow past one node afterwards; while the list is a
  // listpack (one node, never compressed) this sets the depth it will use.
  void set_compress_depth(int depth) {
    if (listpack_) depth_ = depth > 0 ? static_cast<size_t>(depth) : 0;
  }
  int compress_depth() const { return static_cast<int>(depth_); }
  // Nodes held compressed (tests, MEMORY figures).
  size_t compressed_nodes() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_.size(); }
  // Bytes of all nodes' buffers, compressed nodes at their compressed size (the bench's bytes
  // per element).
  size_t bytes() const;
  // Bytes of all nodes' listpacks as if none were compressed.
  size_t raw_bytes() const;
  // MEMORY USAGE's figure: the nodes (with their links) and their buffers' capacity,
  // compressed nodes at their compressed size.
  size_t MemoryUsage() const;
  // Redis 7.2's encodings: a list starts as one listpack; it becomes a quicklist once it needs
  // a second node, and is a listpack again when a removal leaves one node at most half the
  // bound (the hysteresis keeps a list at the edge from converting back and forth).
  bool is_listpack() const { return listpack_; }

  void PushFront(std::string_view value);
  void PushBack(std::string_view value);
  // Both require a non-empty list.
  std::string PopFront();
  std::string PopBack();

  // The entry at `index` (negative counts from the end); false when out of range.
  bool Get(int64_t index, std::string& out) const;
  // Replaces the entry at `index` (negative from the end); false when out of range.
  bool Set(int64_t index, std::string_view value);
  // Inserts before entry `index` (0..size(); size() appends).
  void Insert(size_t index, std::string_view value);
  // Removes `n` entries from `index` on (fewer if the list ends first).
  void Erase(size_t index, size_t n);
  // LREM: removes up to |count| entries equal to `value` (count > 0 from the head, < 0 from
  // the tail, 0 all); returns how many were removed.
  size_t Remove(std::string_view value, int64_t count);

  // A cursor over the entries, either way. Invalidated by any write.
  // On a compressed node the cursor reads a decompressed copy of it (Value() is valid until
  // the cursor moves to another node).
  class Cursor {
   public:
    bool Valid() const { return node_ != end_; }
    std::string_view Value() const { return lp().At(pos_); }
    void Next();
    void Prev();

   private:
    friend class List;
    using NodeIt = NodeList::const_iterator;
    Cursor(NodeIt node, size_t offset, NodeIt begin, NodeIt end);
    const Listpack& lp() const { return unpacked_ ? copy_ : node_->lp(); }
    // Takes a copy of the current node's entries when it is compressed.
    void Load();
    NodeIt node_;
    Listpack::Pos pos_ = 0;
    NodeIt begin_;
    NodeIt end_;  // the chain's end: the cursor ran off either side
    Listpack copy_;
    bool unpacked_ = false;
  };
  // A cursor on entry `index` (0..size()-1), walking nodes from the nearer end; invalid past
  // the end.
  Cursor At(size_t index) const;

  // Checks the invariants (tests).
  bool Valid() const;

 private:
  // Whether `node` may take one more entry of `len` bytes.
  bool Fits(const Node& node, size_t len) const;
  // The node holding `index` and the index within it.
  NodeList::iterator Locate(size_t index, size_t& offset);
  NodeList::const_iterator Locate(size_t index, size_t& offset) const;
  // Whether `node` has an entry equal to `value`: under a compress depth, LREM changes (so
  // decompresses, or clears the failed-compression mark of) only the nodes that have one.
  static bool Holds(const Node& node, std::string_view value);
  // Joins `it` with its next node when both fit in one.
  void MergeWithNext(NodeList::iterator it);
  // After a removal: drops `it` if empty, merges small neighbours, updates the encoding.
  void AfterRemoval(NodeList::iterator it);
  void AfterGrowth() {
    if (nodes_.size() > 1) listpack_ = false;
  }
  void MaybeBecomeListpack();
  // Restores the compression invariant after a change: the depth_ nodes at each end raw, the
  // few nodes just inside them compressed (one change moves at most kShift nodes inwards),
  // and each of `touched` (changed nodes) compressed when it is an inner node. O(depth).
  void Settle(std::initializer_list<NodeList::iterator> touched);
  // The same over every node (after changes anywhere, as LREM's). O(nodes).
  void SettleAll();

  NodeList nodes_;
  size_t count_ = 0;
  int fill_;
  size_t depth_;
  bool listpack_ = true;
};

}  // namespace types
