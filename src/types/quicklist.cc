#include "src/types/quicklist.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

namespace types {

namespace {

// A positive fill bounds entries per node; bytes are then bounded by this safety limit, so a
// node of a few huge entries does not grow without end (Redis's SIZE_SAFETY_LIMIT).
constexpr size_t kSafetyBytes = 8192;

// A node's buffer is a std::string, allocated one byte longer than its capacity (the
// terminator): keeping it a byte under the bound makes a full, shrunk node fill a power-of-two
// allocation exactly instead of spilling into the next size class (25% more with mimalloc).
constexpr size_t kTerminator = 1;

size_t ByteLimit(int fill) {
  if (fill >= 0) return kSafetyBytes - kTerminator;
  const int shift = std::min(-fill - 1, 4);  // -1..-5: 4 KB..64 KB; below -5 as -5
  return (size_t{4096} << shift) - kTerminator;
}

size_t CountLimit(int fill) {
  if (fill > 0) return static_cast<size_t>(fill);
  if (fill == 0) return 1;
  return std::numeric_limits<uint16_t>::max();
}

size_t VarintBytes(size_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) n++;
  return n;
}

// Bytes one entry of `len` bytes adds to a listpack: length varint, data, back-length.
size_t EntryBytes(size_t len) {
  const size_t head = VarintBytes(len) + len;
  return head + VarintBytes(head);
}

}  // namespace

size_t List::bytes() const {
  size_t n = 0;
  for (const Node& node : nodes_) n += node.lp.bytes();
  return n;
}

size_t List::MemoryUsage() const {
  size_t n = nodes_.size() * (sizeof(Node) + 2 * sizeof(void*));
  for (const Node& node : nodes_) n += node.lp.capacity();
  return n;
}

bool List::Fits(const Node& node, size_t len) const {
  if (node.lp.empty()) return true;
  return node.lp.size() < CountLimit(fill_) &&
         node.lp.bytes() + EntryBytes(len) <= ByteLimit(fill_);
}

void List::PushFront(std::string_view value) {
  if (nodes_.empty() || !Fits(nodes_.front(), value.size())) {
    // The full node is done growing: give back its buffer's slack (up to half of it).
    if (!nodes_.empty()) nodes_.front().lp.ShrinkToFit();
    nodes_.emplace_front();
  }
  nodes_.front().lp.PushFront(value);
  count_++;
  AfterGrowth();
}

void List::PushBack(std::string_view value) {
  if (nodes_.empty() || !Fits(nodes_.back(), value.size())) {
    if (!nodes_.empty()) nodes_.back().lp.ShrinkToFit();
    nodes_.emplace_back();
  }
  nodes_.back().lp.PushBack(value);
  count_++;
  AfterGrowth();
}

std::string List::PopFront() {
  Listpack& lp = nodes_.front().lp;
  std::string out(lp.At(lp.begin()));
  lp.Erase(lp.begin());
  count_--;
  AfterRemoval(nodes_.begin());
  return out;
}

std::string List::PopBack() {
  Listpack& lp = nodes_.back().lp;
  std::string out(lp.At(lp.last()));
  lp.Erase(lp.last());
  count_--;
  AfterRemoval(std::prev(nodes_.end()));
  return out;
}

List::NodeList::const_iterator List::Locate(size_t index, size_t& offset) const {
  if (index < count_ / 2) {
    auto it = nodes_.begin();
    while (index >= it->lp.size()) {
      index -= it->lp.size();
      ++it;
    }
    offset = index;
    return it;
  }
  size_t from_end = count_ - index;  // 1 = the last entry
  auto it = std::prev(nodes_.end());
  while (from_end > it->lp.size()) {
    from_end -= it->lp.size();
    --it;
  }
  offset = it->lp.size() - from_end;
  return it;
}

List::NodeList::iterator List::Locate(size_t index, size_t& offset) {
  auto it = std::as_const(*this).Locate(index, offset);
  return nodes_.erase(it, it);  // the same position, non-const
}

bool List::Get(int64_t index, std::string& out) const {
  const auto n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  size_t offset;
  auto it = Locate(static_cast<size_t>(index), offset);
  out.assign(it->lp.At(it->lp.Seek(static_cast<int64_t>(offset))));
  return true;
}

bool List::Set(int64_t index, std::string_view value) {
  const auto n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  size_t offset;
  auto it = Locate(static_cast<size_t>(index), offset);
  Listpack& lp = it->lp;
  const Listpack::Pos p = lp.Seek(static_cast<int64_t>(offset));
  const size_t old_len = lp.At(p).size();
  if (lp.size() == 1 || value.size() <= old_len ||
      lp.bytes() + EntryBytes(value.size()) - old_len <= ByteLimit(fill_)) {
    lp.Replace(p, value);
    return true;
  }
  // The node would outgrow its bound: take the entry out and insert it where it was, which
  // splits the node.
  Erase(static_cast<size_t>(index), 1);
  Insert(static_cast<size_t>(index), value);
  return true;
}

void List::Insert(size_t index, std::string_view value) {
  if (index == 0) return PushFront(value);
  if (index >= count_) return PushBack(value);
  size_t offset;
  auto it = Locate(index, offset);
  if (offset == 0) {
    // Between two nodes: the end of the previous one, the head of this one, or a new node.
    auto prev = std::prev(it);
    if (Fits(*prev, value.size())) {
      prev->lp.PushBack(value);
    } else if (Fits(*it, value.size())) {
      it->lp.PushFront(value);
    } else {
      nodes_.emplace(it)->lp.PushBack(value);
    }
  } else if (Fits(*it, value.size())) {
    it->lp.Insert(it->lp.Seek(static_cast<int64_t>(offset)), value);
  } else {
    // Split the full node at the insertion point: the tail moves to a node of its own.
    auto tail = nodes_.emplace(std::next(it));
    Listpack& lp = it->lp;
    const Listpack::Pos split = lp.Seek(static_cast<int64_t>(offset));
    for (auto p = split; p != lp.end(); p = lp.Next(p)) tail->lp.PushBack(lp.At(p));
    lp.EraseRange(split, lp.size() - offset);
    if (Fits(*it, value.size())) {
      it->lp.PushBack(value);
    } else if (Fits(*tail, value.size())) {
      tail->lp.PushFront(value);
    } else {
      nodes_.emplace(tail)->lp.PushBack(value);
    }
  }
  count_++;
  AfterGrowth();
}

void List::Erase(size_t index, size_t n) {
  if (index >= count_ || n == 0) return;
  size_t offset;
  auto it = Locate(index, offset);
  // The node before the range, which may merge with what follows it afterwards.
  auto before = offset > 0 ? it : (it == nodes_.begin() ? nodes_.end() : std::prev(it));
  while (n > 0 && it != nodes_.end()) {
    Listpack& lp = it->lp;
    const size_t take = std::min(n, lp.size() - offset);
    lp.EraseRange(lp.Seek(static_cast<int64_t>(offset)), take);
    count_ -= take;
    n -= take;
    offset = 0;
    if (lp.empty()) {
      it = nodes_.erase(it);
    } else {
      ++it;
    }
  }
  if (before != nodes_.end()) {
    MergeWithNext(before);
  } else if (!nodes_.empty()) {
    MergeWithNext(nodes_.begin());
  }
  MaybeBecomeListpack();
}

size_t List::Remove(std::string_view value, int64_t count) {
  const size_t limit =
      count == 0 ? count_ : static_cast<size_t>(count < 0 ? -(count + 1) : count - 1) + 1;
  size_t removed = 0;
  if (count >= 0) {
    for (auto it = nodes_.begin(); it != nodes_.end() && removed < limit;) {
      Listpack& lp = it->lp;
      for (auto p = lp.begin(); p != lp.end() && removed < limit;) {
        if (lp.At(p) == value) {
          p = lp.Erase(p);
          removed++;
        } else {
          p = lp.Next(p);
        }
      }
      it = lp.empty() ? nodes_.erase(it) : std::next(it);
    }
  } else {
    for (auto it = nodes_.end(); it != nodes_.begin() && removed < limit;) {
      --it;
      Listpack& lp = it->lp;
      for (auto p = lp.last(); p != Listpack::kNone && removed < limit;) {
        const auto prev = lp.Prev(p);  // positions before an erase stay valid
        if (lp.At(p) == value) {
          lp.Erase(p);
          removed++;
        }
        p = prev;
      }
      if (lp.empty()) it = nodes_.erase(it);
    }
  }
  count_ -= removed;
  if (removed > 0) {
    for (auto it = nodes_.begin(); it != nodes_.end(); ++it) MergeWithNext(it);
    MaybeBecomeListpack();
  }
  return removed;
}

void List::MergeWithNext(NodeList::iterator it) {
  if (it == nodes_.end()) return;
  for (auto next = std::next(it); next != nodes_.end(); next = std::next(it)) {
    const size_t count = it->lp.size() + next->lp.size();
    if (count > CountLimit(fill_) || it->lp.bytes() + next->lp.bytes() > ByteLimit(fill_)) {
      return;
    }
    Listpack& lp = next->lp;
    for (auto p = lp.begin(); p != lp.end(); p = lp.Next(p)) it->lp.PushBack(lp.At(p));
    nodes_.erase(next);
  }
}

void List::AfterRemoval(NodeList::iterator it) {
  if (it->lp.empty()) {
    nodes_.erase(it);
  } else {
    // A node shrunk: it may now fit together with a neighbour.
    if (it != nodes_.begin()) {
      auto prev = std::prev(it);
      MergeWithNext(prev);
    } else {
      MergeWithNext(it);
    }
  }
  MaybeBecomeListpack();
}

void List::MaybeBecomeListpack() {
  if (listpack_ || nodes_.size() > 1) return;
  const size_t bytes = nodes_.empty() ? 0 : nodes_.front().lp.bytes();
  if (bytes <= ByteLimit(fill_) / 2 && count_ <= CountLimit(fill_) / 2) listpack_ = true;
}

List::Cursor List::At(size_t index) const {
  if (index >= count_) return Cursor(nodes_.end(), 0, nodes_.begin(), nodes_.end());
  size_t offset;
  auto it = Locate(index, offset);
  return Cursor(it, it->lp.Seek(static_cast<int64_t>(offset)), nodes_.begin(), nodes_.end());
}

void List::Cursor::Next() {
  pos_ = node_->lp.Next(pos_);
  if (pos_ == node_->lp.end()) {
    ++node_;
    pos_ = 0;
  }
}

void List::Cursor::Prev() {
  if (pos_ == 0) {
    if (node_ == begin_) {
      node_ = end_;
      return;
    }
    --node_;
    pos_ = node_->lp.last();
  } else {
    pos_ = node_->lp.Prev(pos_);
  }
}

bool List::Valid() const {
  size_t total = 0;
  for (const Node& node : nodes_) {
    if (node.lp.empty()) return false;
    total += node.lp.size();
  }
  if (total != count_) return false;
  return !listpack_ || nodes_.size() <= 1;
}

}  // namespace types
