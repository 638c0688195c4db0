// An ordered multiset with ranks: a B+tree whose inner nodes count the entries below each child,
// so insert, erase, rank-of and entry-at-rank are O(log n) and a walk from any rank is a leaf
// scan. The index behind large sorted sets (entries ordered by score, then member). Pure data.
// Invariants: every leaf but the root holds at least kLeafMin entries, every inner node but the
// root at least kInnerMin children; count[i] is the number of entries under child i and last[i]
// a copy of its last entry (so a descent compares against one array); leaves are linked in
// order for walks. Entries are compared with `Less` only (no equality needed:
// erase looks for an entry neither less nor greater).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace types {

template <typename Entry, typename Less>
class OrderIndex {
  static constexpr size_t kLeafCap = 32;
  static constexpr size_t kLeafMin = kLeafCap / 2;
  static constexpr size_t kInnerCap = 32;
  static constexpr size_t kInnerMin = kInnerCap / 2;

  struct Node {
    bool leaf;
    uint16_t n = 0;  // entries (leaf) or children (inner)
    explicit Node(bool is_leaf) : leaf(is_leaf) {}
  };
  struct Leaf : Node {
    Leaf() : Node(true) {}
    Entry items[kLeafCap];
    Leaf* prev = nullptr;
    Leaf* next = nullptr;
  };
  struct Inner : Node {
    Inner() : Node(false) {}
    Node* child[kInnerCap];
    size_t count[kInnerCap];
    Entry last[kInnerCap];
  };

 public:
  // A position in the walk order: a leaf and an index in it. Invalid past either end.
  class Cursor {
   public:
    bool Valid() const { return leaf_ != nullptr; }
    const Entry& operator*() const { return leaf_->items[i_]; }
    const Entry* operator->() const { return &leaf_->items[i_]; }
    void Next() {
      if (++i_ < leaf_->n) return;
      leaf_ = leaf_->next;
      i_ = 0;
    }
    void Prev() {
      if (i_ > 0) {
        i_--;
        return;
      }
      leaf_ = leaf_->prev;
      i_ = leaf_ == nullptr ? 0 : leaf_->n - 1u;
    }

   private:
    friend class OrderIndex;
    Cursor(const Leaf* leaf, size_t i) : leaf_(leaf), i_(i) {}
    const Leaf* leaf_;
    size_t i_;
  };

  OrderIndex() = default;
  OrderIndex(const OrderIndex&) = delete;
  OrderIndex& operator=(const OrderIndex&) = delete;
  OrderIndex(OrderIndex&& o) noexcept : root_(o.root_), size_(o.size_) {
    o.root_ = nullptr;
    o.size_ = 0;
  }
  OrderIndex& operator=(OrderIndex&& o) noexcept {
    if (this != &o) {
      Clear();
      std::swap(root_, o.root_);
      std::swap(size_, o.size_);
    }
    return *this;
  }
  ~OrderIndex() { Clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void Insert(const Entry& e) {
    if (root_ == nullptr) root_ = new Leaf();
    Node* split = InsertInto(root_, e);
    if (split != nullptr) {
      auto* r = new Inner();
      r->n = 0;
      InsertChild(r, 0, root_, Count(root_));
      InsertChild(r, 1, split, Count(split));
      root_ = r;
    }
    size_++;
  }

  // Removes one entry equivalent to `e`; false if there is none.
  bool Erase(const Entry& e) {
    if (root_ == nullptr || !EraseFrom(root_, e)) return false;
    size_--;
    if (!root_->leaf && root_->n == 1) {
      Inner* old = static_cast<Inner*>(root_);
      root_ = old->child[0];
      delete old;
    } else if (root_->leaf && root_->n == 0) {
      delete static_cast<Leaf*>(root_);
      root_ = nullptr;
    }
    return true;
  }

  // The number of entries less than `e` (its rank if present).
  template <typename Key, typename Cmp>
  size_t CountLess(const Key& key, Cmp less) const {
    size_t rank = 0;
    const Node* node = root_;
    while (node != nullptr && !node->leaf) {
      const Inner* in = static_cast<const Inner*>(node);
      size_t i = 0;
      // Descend into the first child whose last entry is not less than the key.
      while (i + 1 < in->n && less(in->last[i], key)) {
        rank += in->count[i];
        i++;
      }
      node = in->child[i];
    }
    if (node == nullptr) return 0;
    const Leaf* leaf = static_cast<const Leaf*>(node);
    size_t i = 0;
    while (i < leaf->n && less(leaf->items[i], key)) i++;
    return rank + i;
  }
  size_t Rank(const Entry& e) const { return CountLess(e, Less{}); }

  // The entry at rank `r` (< size()), as a cursor to walk on from.
  Cursor At(size_t r) const {
    if (r >= size_) return Cursor(nullptr, 0);
    const Node* node = root_;
    while (!node->leaf) {
      const Inner* in = static_cast<const Inner*>(node);
      size_t i = 0;
      while (r >= in->count[i]) r -= in->count[i++];
      node = in->child[i];
    }
    return Cursor(static_cast<const Leaf*>(node), r);
  }
  Cursor First() const { return At(0); }
  Cursor Last() const { return empty() ? Cursor(nullptr, 0) : At(size_ - 1); }

  void Clear() {
    Free(root_);
    root_ = nullptr;
    size_ = 0;
  }

  // Structure check for tests: counts, fill bounds, order, and the leaf chain.
  bool Valid() const {
    if (root_ == nullptr) return size_ == 0;
    const Leaf* prev = nullptr;
    size_t seen = 0;
    return Check(root_, true, prev, seen) == size_ && seen == size_ &&
           (prev == nullptr || prev->next == nullptr);
  }

 private:
  static size_t Count(const Node* node) {
    if (node->leaf) return node->n;
    const Inner* in = static_cast<const Inner*>(node);
    size_t c = 0;
    for (size_t i = 0; i < in->n; i++) c += in->count[i];
    return c;
  }
  static const Entry& LastOf(const Node* node) {
    if (node->leaf) return static_cast<const Leaf*>(node)->items[node->n - 1];
    return static_cast<const Inner*>(node)->last[node->n - 1];
  }
  // Re-reads the separators of children [from, to) after they changed.
  static void Refresh(Inner* in, size_t from, size_t to) {
    for (size_t k = from; k < to && k < in->n; k++) in->last[k] = LastOf(in->child[k]);
  }

  // The child an entry equal to or after `e` goes into: the first whose last entry is not less.
  static size_t ChildFor(const Inner* in, const Entry& e) {
    size_t i = 0;
    while (i + 1 < in->n && Less{}(in->last[i], e)) i++;
    return i;
  }

  // Inserts into the subtree; returns a new right sibling if the node split.
  Node* InsertInto(Node* node, const Entry& e) {
    if (node->leaf) {
      Leaf* leaf = static_cast<Leaf*>(node);
      size_t pos = static_cast<size_t>(
          std::upper_bound(leaf->items, leaf->items + leaf->n, e, Less{}) - leaf->items);
      if (leaf->n < kLeafCap) {
        std::move_backward(leaf->items + pos, leaf->items + leaf->n, leaf->items + leaf->n + 1);
        leaf->items[pos] = e;
        leaf->n++;
        return nullptr;
      }
      auto* right = new Leaf();
      const size_t half = kLeafCap / 2;
      std::move(leaf->items + half, leaf->items + kLeafCap, right->items);
      right->n = static_cast<uint16_t>(kLeafCap - half);
      leaf->n = static_cast<uint16_t>(half);
      right->next = leaf->next;
      if (right->next != nullptr) right->next->prev = right;
      right->prev = leaf;
      leaf->next = right;
      Leaf* target = pos <= half ? leaf : right;
      if (target == right) pos -= half;
      std::move_backward(target->items + pos, target->items + target->n,
                         target->items + target->n + 1);
      target->items[pos] = e;
      target->n++;
      return right;
    }
    Inner* in = static_cast<Inner*>(node);
    const size_t i = ChildFor(in, e);
    Node* split = InsertInto(in->child[i], e);
    in->count[i]++;
    Refresh(in, i, i + 1);
    if (split == nullptr) return nullptr;
    const size_t moved = Count(split);
    in->count[i] -= moved;
    // Room for the new child right after child i.
    if (in->n < kInnerCap) {
      InsertChild(in, i + 1, split, moved);
      return nullptr;
    }
    auto* right = new Inner();
    const size_t half = kInnerCap / 2;
    std::move(in->child + half, in->child + kInnerCap, right->child);
    std::move(in->count + half, in->count + kInnerCap, right->count);
    std::move(in->last + half, in->last + kInnerCap, right->last);
    right->n = static_cast<uint16_t>(kInnerCap - half);
    in->n = static_cast<uint16_t>(half);
    if (i + 1 <= half) {
      InsertChild(in, i + 1, split, moved);
    } else {
      InsertChild(right, i + 1 - half, split, moved);
    }
    return right;
  }

  static void InsertChild(Inner* in, size_t pos, Node* child, size_t count) {
    std::move_backward(in->child + pos, in->child + in->n, in->child + in->n + 1);
    std::move_backward(in->count + pos, in->count + in->n, in->count + in->n + 1);
    std::move_backward(in->last + pos, in->last + in->n, in->last + in->n + 1);
    in->child[pos] = child;
    in->count[pos] = count;
    in->last[pos] = LastOf(child);
    in->n++;
  }
  static void RemoveChild(Inner* in, size_t pos) {
    std::move(in->child + pos + 1, in->child + in->n, in->child + pos);
    std::move(in->count + pos + 1, in->count + in->n, in->count + pos);
    std::move(in->last + pos + 1, in->last + in->n, in->last + pos);
    in->n--;
  }

  // Erases from the subtree; the caller repairs an underfull child.
  bool EraseFrom(Node* node, const Entry& e) {
    if (node->leaf) {
      Leaf* leaf = static_cast<Leaf*>(node);
      Entry* it = std::lower_bound(leaf->items, leaf->items + leaf->n, e, Less{});
      if (it == leaf->items + leaf->n || Less{}(e, *it)) return false;
      std::move(it + 1, leaf->items + leaf->n, it);
      leaf->n--;
      return true;
    }
    Inner* in = static_cast<Inner*>(node);
    // Equal entries may straddle children: try each child that may hold it.
    for (size_t i = ChildFor(in, e); i < in->n; i++) {
      if (EraseFrom(in->child[i], e)) {
        in->count[i]--;
        Rebalance(in, i);
        return true;
      }
      if (Less{}(e, in->last[i])) break;
    }
    return false;
  }

  // Child i of `in` may be underfull: borrow from a sibling or merge with one.
  void Rebalance(Inner* in, size_t i) {
    Node* c = in->child[i];
    const size_t min = c->leaf ? kLeafMin : kInnerMin;
    if (c->n >= min || in->n == 1) {
      // Full enough (or the root's only child, which the caller collapses); an empty root
      // leaf has no last entry.
      if (c->n > 0) Refresh(in, i, i + 1);
      return;
    }
    const size_t l = i > 0 ? i - 1 : i;  // merge or borrow across children l and l+1
    Node* a = in->child[l];
    Node* b = in->child[l + 1];
    const size_t cap = c->leaf ? kLeafCap : kInnerCap;
    if (a->n + b->n <= cap) {
      Merge(a, b);
      in->count[l] += in->count[l + 1];
      RemoveChild(in, l + 1);
      Refresh(in, l, l + 1);
      return;
    }
    // Borrow one from the fuller side into the underfull one.
    if (a == c) {
      in->count[l + 1] -= MoveFirst(b, a);
      in->count[l] = Count(a);
    } else {
      in->count[l] -= MoveLast(a, b);
      in->count[l + 1] = Count(b);
    }
    Refresh(in, l, l + 2);
  }

  // Appends all of b to a and frees b (a and b adjacent, a first).
  static void Merge(Node* a, Node* b) {
    if (a->leaf) {
      Leaf* la = static_cast<Leaf*>(a);
      Leaf* lb = static_cast<Leaf*>(b);
      std::move(lb->items, lb->items + lb->n, la->items + la->n);
      la->n = static_cast<uint16_t>(la->n + lb->n);
      la->next = lb->next;
      if (la->next != nullptr) la->next->prev = la;
      delete lb;
      return;
    }
    Inner* ia = static_cast<Inner*>(a);
    Inner* ib = static_cast<Inner*>(b);
    std::move(ib->child, ib->child + ib->n, ia->child + ia->n);
    std::move(ib->count, ib->count + ib->n, ia->count + ia->n);
    std::move(ib->last, ib->last + ib->n, ia->last + ia->n);
    ia->n = static_cast<uint16_t>(ia->n + ib->n);
    delete ib;
  }
  // Moves b's first item or child to the end of a; returns how many entries moved.
  static size_t MoveFirst(Node* b, Node* a) {
    if (a->leaf) {
      Leaf* la = static_cast<Leaf*>(a);
      Leaf* lb = static_cast<Leaf*>(b);
      la->items[la->n++] = std::move(lb->items[0]);
      std::move(lb->items + 1, lb->items + lb->n, lb->items);
      lb->n--;
      return 1;
    }
    Inner* ia = static_cast<Inner*>(a);
    Inner* ib = static_cast<Inner*>(b);
    const size_t moved = ib->count[0];
    InsertChild(ia, ia->n, ib->child[0], moved);
    RemoveChild(ib, 0);
    return moved;
  }
  // Moves a's last item or child to the front of b; returns how many entries moved.
  static size_t MoveLast(Node* a, Node* b) {
    if (a->leaf) {
      Leaf* la = static_cast<Leaf*>(a);
      Leaf* lb = static_cast<Leaf*>(b);
      std::move_backward(lb->items, lb->items + lb->n, lb->items + lb->n + 1);
      lb->items[0] = std::move(la->items[--la->n]);
      lb->n++;
      return 1;
    }
    Inner* ia = static_cast<Inner*>(a);
    Inner* ib = static_cast<Inner*>(b);
    const size_t moved = ia->count[ia->n - 1];
    InsertChild(ib, 0, ia->child[ia->n - 1], moved);
    ia->n--;
    return moved;
  }

  static void Free(Node* node) {
    if (node == nullptr) return;
    if (node->leaf) {
      delete static_cast<Leaf*>(node);
      return;
    }
    Inner* in = static_cast<Inner*>(node);
    for (size_t i = 0; i < in->n; i++) Free(in->child[i]);
    delete in;
  }

  size_t Check(const Node* node, bool is_root, const Leaf*& prev, size_t& seen) const {
    if (node->leaf) {
      const Leaf* leaf = static_cast<const Leaf*>(node);
      if (!is_root && leaf->n < kLeafMin) return SIZE_MAX;
      if (leaf->prev != prev) return SIZE_MAX;
      if (prev != nullptr && (prev->next != leaf || Less{}(leaf->items[0], prev->items[prev->n - 1]))) {
        return SIZE_MAX;
      }
      for (size_t i = 1; i < leaf->n; i++) {
        if (Less{}(leaf->items[i], leaf->items[i - 1])) return SIZE_MAX;
      }
      prev = leaf;
      seen += leaf->n;
      return leaf->n;
    }
    const Inner* in = static_cast<const Inner*>(node);
    if (!is_root && in->n < kInnerMin) return SIZE_MAX;
    if (is_root && in->n < 2) return SIZE_MAX;
    size_t total = 0;
    for (size_t i = 0; i < in->n; i++) {
      const size_t c = Check(in->child[i], false, prev, seen);
      if (c == SIZE_MAX || c != in->count[i]) return SIZE_MAX;
      const Entry& last = LastOf(in->child[i]);
      if (Less{}(last, in->last[i]) || Less{}(in->last[i], last)) return SIZE_MAX;
      total += c;
    }
    return total;
  }

  Node* root_ = nullptr;
  size_t size_ = 0;
};

}  // namespace types
