// A list value as Redis's quicklist: a doubly linked chain of listpack nodes, each bounded by
// list-max-listpack-size (the `fill`: negative -1..-5 = 4/8/16/32/64 KB of entries per node,
// positive = entries per node, then also at most 8 KB). Invariants: no node is empty; count_
// is the sum of the nodes' sizes; an entry larger than a node's bound sits alone in its node.
// Index access walks nodes (not entries) from the nearer end, so LINDEX/LSET near either end
// cost O(1) nodes. Pure data: the fill is handed in by the caller (the config knob).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>

#include "src/types/listpack.h"

namespace types {

class List {
  struct Node {
    Listpack lp;
  };
  using NodeList = std::list<Node>;

 public:
  static constexpr int kDefaultFill = -2;

  explicit List(int fill = kDefaultFill) : fill_(fill) {}

  // The node bound for later writes (CONFIG SET list-max-listpack-size takes effect on the
  // next write, as in Redis).
  void set_fill(int fill) { fill_ = fill; }
  int fill() const { return fill_; }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_.size(); }
  // Bytes of all nodes' buffers (MEMORY USAGE, the bench's bytes per element).
  size_t bytes() const;
  // MEMORY USAGE's figure: the nodes (with their links) and their buffers' capacity.
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
  class Cursor {
   public:
    bool Valid() const { return node_ != end_; }
    std::string_view Value() const { return node_->lp.At(pos_); }
    void Next();
    void Prev();

   private:
    friend class List;
    using NodeIt = NodeList::const_iterator;
    Cursor(NodeIt node, Listpack::Pos pos, NodeIt begin, NodeIt end)
        : node_(node), pos_(pos), begin_(begin), end_(end) {}
    NodeIt node_;
    Listpack::Pos pos_;
    NodeIt begin_;
    NodeIt end_;  // the chain's end: the cursor ran off either side
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
  // Joins `it` with its next node when both fit in one.
  void MergeWithNext(NodeList::iterator it);
  // After a removal: drops `it` if empty, merges small neighbours, updates the encoding.
  void AfterRemoval(NodeList::iterator it);
  void AfterGrowth() {
    if (nodes_.size() > 1) listpack_ = false;
  }
  void MaybeBecomeListpack();

  NodeList nodes_;
  size_t count_ = 0;
  int fill_;
  bool listpack_ = true;
};

}  // namespace types
