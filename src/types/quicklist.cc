#include "src/types/quicklist.h"

#include <lz4.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
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

// Redis's compression rules (LZF there, LZ4 here): a node under kMinCompressBytes is not worth
// compressing, and a compressed node must be at least kMinCompressGain bytes smaller.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressGain = 8;

// How many nodes one change can push from an end's raw window into the inner, compressed part:
// an insert splits one node into at most three.
constexpr size_t kShift = 3;

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

List::Node::Node(const Node& other)
    : lp_(other.lp_),
      packed_(other.packed_ ? new char[other.packed_size_] : nullptr),
      packed_size_(other.packed_size_),
      raw_size_(other.raw_size_),
      count_(other.count_),
      incompressible_(other.incompressible_) {
  if (packed_) std::memcpy(packed_.get(), other.packed_.get(), packed_size_);
}

List::Node& List::Node::operator=(const Node& other) {
  if (this != &other) *this = Node(other);
  return *this;
}

Listpack List::Node::Unpacked() const {
  assert(compressed());
  std::unique_ptr<char[]> raw(new char[raw_size_]);
  [[maybe_unused]] const int n = LZ4_decompress_safe(
      packed_.get(), raw.get(), static_cast<int>(packed_size_), static_cast<int>(raw_size_));
  assert(n == static_cast<int>(raw_size_));
  return Listpack::FromRaw({raw.get(), raw_size_}, count_);
}

void List::Node::Compress() {
  if (compressed() || incompressible_ || lp_.bytes() < kMinCompressBytes) return;
  const std::string_view raw = lp_.raw();
  // Output that would not save kMinCompressGain bytes does not fit, and LZ4 gives up early.
  const size_t limit = raw.size() - kMinCompressGain;
  std::unique_ptr<char[]> out(new char[limit]);
  const int n = LZ4_compress_default(raw.data(), out.get(), static_cast<int>(raw.size()),
                                     static_cast<int>(limit));
  if (n <= 0 || static_cast<size_t>(n) + kMinCompressGain >= raw.size()) {
    incompressible_ = true;  // until its entries change
    return;
  }
  packed_.reset(new char[n]);  // exact, so MEMORY USAGE counts what is held
  std::memcpy(packed_.get(), out.get(), static_cast<size_t>(n));
  packed_size_ = static_cast<uint32_t>(n);
  raw_size_ = static_cast<uint32_t>(raw.size());
  count_ = static_cast<uint32_t>(lp_.size());
  lp_.Clear();
}

void List::Node::Decompress() {
  if (!compressed()) return;
  lp_ = Unpacked();
  packed_.reset();
  packed_size_ = raw_size_ = count_ = 0;
}

size_t List::bytes() const {
  size_t n = 0;
  for (const Node& node : nodes_) n += node.stored_bytes();
  return n;
}

size_t List::raw_bytes() const {
  size_t n = 0;
  for (const Node& node : nodes_) n += node.raw_bytes();
  return n;
}

size_t List::compressed_nodes() const {
  size_t n = 0;
  for (const Node& node : nodes_) n += node.compressed() ? 1 : 0;
  return n;
}

size_t List::MemoryUsage() const {
  size_t n = nodes_.size() * (sizeof(Node) + 2 * sizeof(void*));
  for (const Node& node : nodes_) n += node.allocated();
  return n;
}

bool List::Fits(const Node& node, size_t len) const {
  if (node.size() == 0) return true;
  return node.size() < CountLimit(fill_) && node.raw_bytes() + EntryBytes(len) <= ByteLimit(fill_);
}

void List::Settle(std::initializer_list<NodeList::iterator> touched) {
  if (depth_ == 0) return;
  if (nodes_.size() <= 2 * depth_) {
    for (Node& node : nodes_) node.Decompress();
    return;
  }
  // Which of `touched` sit in a raw window (those stay raw).
  std::array<bool, 4> in_window{};
  assert(touched.size() <= in_window.size());
  auto note_window = [&](NodeList::iterator node) {
    size_t i = 0;
    for (auto t : touched) in_window[i++] |= t == node;
  };
  auto front_edge = nodes_.begin();
  for (size_t i = 0; i < depth_; i++, ++front_edge) {
    front_edge->Decompress();
    note_window(front_edge);
  }
  auto back_edge = nodes_.end();
  for (size_t i = 0; i < depth_; i++) {
    (--back_edge)->Decompress();
    note_window(back_edge);
  }
  // The inner nodes are [front_edge, back_edge), at least one.
  auto f = front_edge;
  for (size_t i = 0; i < kShift && f != back_edge; i++, ++f) f->Compress();
  auto b = back_edge;
  for (size_t i = 0; i < kShift && b != front_edge; i++) (--b)->Compress();
  size_t i = 0;
  for (auto t : touched) {
    if (t != nodes_.end() && !in_window[i]) t->Compress();
    i++;
  }
}

void List::SettleAll() {
  if (depth_ == 0) return;
  const size_t n = nodes_.size();
  size_t i = 0;
  for (Node& node : nodes_) {
    if (i < depth_ || i + depth_ >= n) {
      node.Decompress();
    } else {
      node.Compress();
    }
    i++;
  }
}

void List::PushFront(std::string_view value) {
  const bool new_node = nodes_.empty() || !Fits(nodes_.front(), value.size());
  if (new_node) {
    // The full node is done growing: give back its buffer's slack (up to half of it).
    if (!nodes_.empty()) nodes_.front().Edit().ShrinkToFit();
    nodes_.emplace_front();
  }
  nodes_.front().Edit().PushFront(value);
  count_++;
  AfterGrowth();
  if (new_node) Settle({});  // the old head may have left the raw window
}

void List::PushBack(std::string_view value) {
  const bool new_node = nodes_.empty() || !Fits(nodes_.back(), value.size());
  if (new_node) {
    if (!nodes_.empty()) nodes_.back().Edit().ShrinkToFit();
    nodes_.emplace_back();
  }
  nodes_.back().Edit().PushBack(value);
  count_++;
  AfterGrowth();
  if (new_node) Settle({});
}

std::string List::PopFront() {
  Listpack& lp = nodes_.front().Edit();  // raw already: the head is in the window
  std::string out(lp.At(lp.begin()));
  lp.Erase(lp.begin());
  count_--;
  const size_t nodes = nodes_.size();
  AfterRemoval(nodes_.begin());
  if (nodes_.size() != nodes) Settle({});  // an inner node may have entered the window
  return out;
}

std::string List::PopBack() {
  Listpack& lp = nodes_.back().Edit();
  std::string out(lp.At(lp.last()));
  lp.Erase(lp.last());
  count_--;
  const size_t nodes = nodes_.size();
  AfterRemoval(std::prev(nodes_.end()));
  if (nodes_.size() != nodes) Settle({});
  return out;
}

List::NodeList::const_iterator List::Locate(size_t index, size_t& offset) const {
  if (index < count_ / 2) {
    auto it = nodes_.begin();
    while (index >= it->size()) {
      index -= it->size();
      ++it;
    }
    offset = index;
    return it;
  }
  size_t from_end = count_ - index;  // 1 = the last entry
  auto it = std::prev(nodes_.end());
  while (from_end > it->size()) {
    from_end -= it->size();
    --it;
  }
  offset = it->size() - from_end;
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
  if (it->compressed()) {
    const Listpack lp = it->Unpacked();
    out.assign(lp.At(lp.Seek(static_cast<int64_t>(offset))));
  } else {
    out.assign(it->lp().At(it->lp().Seek(static_cast<int64_t>(offset))));
  }
  return true;
}

bool List::Set(int64_t index, std::string_view value) {
  const auto n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  size_t offset;
  auto it = Locate(static_cast<size_t>(index), offset);
  Listpack& lp = it->Edit();
  const Listpack::Pos p = lp.Seek(static_cast<int64_t>(offset));
  const size_t old_len = lp.At(p).size();
  if (lp.size() == 1 || value.size() <= old_len ||
      lp.bytes() + EntryBytes(value.size()) - old_len <= ByteLimit(fill_)) {
    lp.Replace(p, value);
    Settle({it});
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
  // The nodes this insert changed or made, to compress if they are inner ones.
  auto changed = it, made = nodes_.end(), split_off = nodes_.end();
  if (offset == 0) {
    // Between two nodes: the end of the previous one, the head of this one, or a new node.
    auto prev = std::prev(it);
    if (Fits(*prev, value.size())) {
      prev->Edit().PushBack(value);
      changed = prev;
    } else if (Fits(*it, value.size())) {
      it->Edit().PushFront(value);
    } else {
      made = nodes_.emplace(it);
      made->Edit().PushBack(value);
    }
  } else if (Fits(*it, value.size())) {
    Listpack& lp = it->Edit();
    lp.Insert(lp.Seek(static_cast<int64_t>(offset)), value);
  } else {
    // Split the full node at the insertion point: the tail moves to a node of its own.
    auto tail = nodes_.emplace(std::next(it));
    split_off = tail;
    Listpack& lp = it->Edit();
    Listpack& tail_lp = tail->Edit();
    const Listpack::Pos split = lp.Seek(static_cast<int64_t>(offset));
    for (auto p = split; p != lp.end(); p = lp.Next(p)) tail_lp.PushBack(lp.At(p));
    lp.EraseRange(split, lp.size() - offset);
    if (Fits(*it, value.size())) {
      lp.PushBack(value);
    } else if (Fits(*tail, value.size())) {
      tail_lp.PushFront(value);
    } else {
      made = nodes_.emplace(tail);
      made->Edit().PushBack(value);
    }
  }
  count_++;
  AfterGrowth();
  Settle({changed, made, split_off});
}

void List::Erase(size_t index, size_t n) {
  if (index >= count_ || n == 0) return;
  size_t offset;
  auto it = Locate(index, offset);
  // The node before the range, which may merge with what follows it afterwards.
  auto before = offset > 0 ? it : (it == nodes_.begin() ? nodes_.end() : std::prev(it));
  while (n > 0 && it != nodes_.end()) {
    const size_t take = std::min(n, it->size() - offset);
    count_ -= take;
    n -= take;
    if (offset == 0 && take == it->size()) {
      it = nodes_.erase(it);  // a whole node goes without being decompressed
    } else {
      Listpack& lp = it->Edit();
      lp.EraseRange(lp.Seek(static_cast<int64_t>(offset)), take);
      ++it;
    }
    offset = 0;
  }
  // Only the node before the range and the one after it changed (merged, or partly erased).
  if (before == nodes_.end()) before = nodes_.begin();
  if (before != nodes_.end()) {
    MergeWithNext(before);
    Settle({before, std::next(before)});
  }
  MaybeBecomeListpack();
}

bool List::Holds(const Node& node, std::string_view value) {
  if (!node.compressed()) return node.lp().Find(value) != Listpack::kNone;
  return node.Unpacked().Find(value) != Listpack::kNone;
}

size_t List::Remove(std::string_view value, int64_t count) {
  const size_t limit =
      count == 0 ? count_ : static_cast<size_t>(count < 0 ? -(count + 1) : count - 1) + 1;
  size_t removed = 0;
  if (count >= 0) {
    for (auto it = nodes_.begin(); it != nodes_.end() && removed < limit;) {
      if (depth_ > 0 && !Holds(*it, value)) {
        ++it;
        continue;
      }
      Listpack& lp = it->Edit();
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
      if (depth_ > 0 && !Holds(*it, value)) continue;
      Listpack& lp = it->Edit();
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
    SettleAll();
    MaybeBecomeListpack();
  }
  return removed;
}

void List::MergeWithNext(NodeList::iterator it) {
  if (it == nodes_.end()) return;
  for (auto next = std::next(it); next != nodes_.end(); next = std::next(it)) {
    const size_t count = it->size() + next->size();
    if (count > CountLimit(fill_) || it->raw_bytes() + next->raw_bytes() > ByteLimit(fill_)) {
      return;
    }
    Listpack& into = it->Edit();
    const Listpack& lp = next->Edit();
    for (auto p = lp.begin(); p != lp.end(); p = lp.Next(p)) into.PushBack(lp.At(p));
    nodes_.erase(next);
  }
}

void List::AfterRemoval(NodeList::iterator it) {
  if (it->size() == 0) {
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
  const size_t bytes = nodes_.empty() ? 0 : nodes_.front().raw_bytes();
  if (bytes <= ByteLimit(fill_) / 2 && count_ <= CountLimit(fill_) / 2) listpack_ = true;
}

List::Cursor List::At(size_t index) const {
  if (index >= count_) return Cursor(nodes_.end(), 0, nodes_.begin(), nodes_.end());
  size_t offset;
  auto it = Locate(index, offset);
  return Cursor(it, offset, nodes_.begin(), nodes_.end());
}

List::Cursor::Cursor(NodeIt node, size_t offset, NodeIt begin, NodeIt end)
    : node_(node), begin_(begin), end_(end) {
  if (node_ == end_) return;
  Load();
  pos_ = lp().Seek(static_cast<int64_t>(offset));
}

void List::Cursor::Load() {
  unpacked_ = node_ != end_ && node_->compressed();
  if (unpacked_) {
    copy_ = node_->Unpacked();
  } else {
    copy_.Clear();
  }
}

void List::Cursor::Next() {
  pos_ = lp().Next(pos_);
  if (pos_ == lp().end()) {
    ++node_;
    pos_ = 0;
    Load();
  }
}

void List::Cursor::Prev() {
  if (pos_ == 0) {
    if (node_ == begin_) {
      node_ = end_;
      Load();
      return;
    }
    --node_;
    Load();
    pos_ = lp().last();
  } else {
    pos_ = lp().Prev(pos_);
  }
}

bool List::Valid() const {
  size_t total = 0;
  const size_t n = nodes_.size();
  size_t i = 0;
  for (const Node& node : nodes_) {
    if (node.size() == 0) return false;
    total += node.size();
    // The compression invariant: the ends raw, every inner node compressed unless too small or
    // known not to shrink.
    const bool window = depth_ == 0 || i < depth_ || i + depth_ >= n;
    if (window && node.compressed()) return false;
    if (!window && !node.compressed() && node.raw_bytes() >= kMinCompressBytes &&
        !node.incompressible()) {
      return false;
    }
    if (node.compressed() && node.Unpacked().size() != node.size()) return false;
    i++;
  }
  if (total != count_) return false;
  return !listpack_ || nodes_.size() <= 1;
}

}  // namespace types
