// Encoding and decoding of the packed entry block; the layout is drawn in entry_block.h.
#include "streams/entry_block.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "streams/varint.h"

namespace streams {

namespace {

constexpr size_t kMaxIntChars = 20;  // "-9223372036854775808"

// Redis treats a value as an integer only when formatting it back gives the same bytes, so
// "007", "+1", "-0" and " 1" stay strings; that is exactly the round-trip test.
bool CanonicalInt(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > kMaxIntChars) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  if (ec != std::errc() || ptr != end) return false;
  char buf[kMaxIntChars];
  auto r = std::to_chars(buf, buf + sizeof(buf), out);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf)) == s;
}

uint64_t ItemTag(std::string_view s) {
  int64_t v;
  if (CanonicalInt(s, v)) {
    uint64_t zz = varint::ZigZag(v);
    if ((zz >> 63) == 0) return (zz << 1) | 1;
  }
  return static_cast<uint64_t>(s.size()) << 1;
}

bool IsIntTag(uint64_t tag) { return (tag & 1) != 0; }

size_t ItemSize(uint64_t tag, std::string_view s) {
  return varint::Size(tag) + (IsIntTag(tag) ? 0 : s.size());
}

uint8_t* PutItem(uint8_t* p, uint64_t tag, std::string_view s) {
  p = varint::Put(p, tag);
  if (!IsIntTag(tag)) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  return p;
}

void SkipItem(const uint8_t*& p) {
  uint64_t tag = varint::Get(p);
  if (!IsIntTag(tag)) p += tag >> 1;
}

// The encoding is a function of the string, so equal strings have equal encodings: comparing
// against the stored form needs no decoding. Advances p past the stored item either way.
bool ItemEquals(const uint8_t*& p, uint64_t tag, std::string_view s) {
  uint64_t stored = varint::Get(p);
  if (IsIntTag(stored)) return stored == tag;
  size_t len = stored >> 1;
  bool equal = stored == tag && (len == 0 || std::memcmp(p, s.data(), len) == 0);
  p += len;
  return equal;
}

}  // namespace

bool EntryBlock::Append(StreamID id, std::span<const std::string_view> field_values,
                        BlockLimits limits) {
  assert(field_values.size() % 2 == 0);
  const bool first = entry_count() == 0;
  assert(first || id > *LastId());
  const StreamID base = first ? id : master_;
  const uint64_t ms_delta = id.ms - base.ms;
  if ((ms_delta >> (64 - kFlagBits)) != 0) return false;  // never for a first entry
  const uint64_t seq = ms_delta == 0 ? id.seq - base.seq : id.seq;
  const size_t pairs = field_values.size() / 2;

  bool same_fields = false;
  if (!first) {
    uint64_t master_pairs;
    const uint8_t* p = data_.get() + MasterItems(master_pairs);
    if (master_pairs == pairs) {
      same_fields = true;
      for (size_t i = 0; i < pairs && same_fields; i++) {
        std::string_view name = field_values[2 * i];
        same_fields = ItemEquals(p, ItemTag(name), name);
        SkipItem(p);  // the master's value
      }
    }
  }

  const uint64_t head = (ms_delta << kFlagBits) | (same_fields ? kSameFields : 0);
  size_t body = varint::Size(head) + varint::Size(seq) + (same_fields ? 0 : varint::Size(pairs));
  for (size_t i = same_fields ? 1 : 0; i < field_values.size(); i += same_fields ? 2 : 1) {
    body += ItemSize(ItemTag(field_values[i]), field_values[i]);
  }
  const size_t total = body + varint::Size(body);

  if (!first) {
    if (limits.max_entries != 0 && entry_count() >= limits.max_entries) return false;
    if (limits.max_bytes != 0 && size_ + total > limits.max_bytes) return false;
  }
  if (total > UINT32_MAX - size_) throw std::length_error("stream entry block over 4 GiB");
  Reserve(size_ + total, limits);

  uint8_t* const start = data_.get() + size_;
  uint8_t* p = varint::Put(start, head);
  p = varint::Put(p, seq);
  if (!same_fields) p = varint::Put(p, pairs);
  for (size_t i = same_fields ? 1 : 0; i < field_values.size(); i += same_fields ? 2 : 1) {
    p = PutItem(p, ItemTag(field_values[i]), field_values[i]);
  }
  p = varint::PutReverse(p, body);
  assert(static_cast<size_t>(p - start) == total);

  size_ += static_cast<uint32_t>(total);
  if (first) master_ = id;
  live_++;
  return true;
}

bool EntryBlock::MarkDeleted(StreamID id) {
  std::optional<uint32_t> at = FindOffset(id);
  if (!at || (data_[*at] & kDeleted) != 0) return false;
  data_[*at] |= kDeleted;
  live_--;
  deleted_++;
  return true;
}

bool EntryBlock::Contains(StreamID id) const {
  std::optional<uint32_t> at = FindOffset(id);
  return at && (data_[*at] & kDeleted) == 0;
}

void EntryBlock::Compact() {
  if (deleted_ == 0) {
    ShrinkToFit();
    return;
  }
  // Re-appending every live entry re-derives the deltas and the same-fields flags against the
  // new master. IDs only move closer to it, so every entry fits again.
  EntryBlock fresh;
  Cursor cursor(*this);
  for (bool ok = cursor.SeekFirst(); ok; ok = cursor.Next()) {
    bool appended = fresh.Append(cursor.id(), cursor.entry().field_values, {0, 0});
    assert(appended);
    (void)appended;
  }
  fresh.ShrinkToFit();
  *this = std::move(fresh);
}

void EntryBlock::ShrinkToFit() {
  if (capacity_ == size_) return;
  std::unique_ptr<uint8_t[]> exact;
  if (size_ > 0) {
    exact.reset(new uint8_t[size_]);
    std::memcpy(exact.get(), data_.get(), size_);
  }
  data_ = std::move(exact);
  capacity_ = size_;
}

std::optional<StreamID> EntryBlock::LastId() const {
  if (size_ == 0) return std::nullopt;
  return ParseHeader(EntryStart(size_)).id;
}

std::optional<StreamID> EntryBlock::FirstLiveId() const {
  for (uint32_t at = 0; at < size_; at = EntryEnd(at)) {
    if ((data_[at] & kDeleted) == 0) return ParseHeader(at).id;
  }
  return std::nullopt;
}

std::optional<StreamID> EntryBlock::LastLiveId() const {
  for (uint32_t end = size_; end > 0;) {
    uint32_t at = EntryStart(end);
    if ((data_[at] & kDeleted) == 0) return ParseHeader(at).id;
    end = at;
  }
  return std::nullopt;
}

EntryBlock::Header EntryBlock::ParseHeader(uint32_t start) const {
  const uint8_t* p = data_.get() + start;
  uint64_t head = varint::Get(p);
  uint64_t seq = varint::Get(p);
  uint64_t ms_delta = head >> kFlagBits;
  Header h;
  h.id.ms = master_.ms + ms_delta;
  h.id.seq = ms_delta == 0 ? master_.seq + seq : seq;
  h.deleted = (head & kDeleted) != 0;
  h.same_fields = (head & kSameFields) != 0;
  h.body = static_cast<uint32_t>(p - data_.get());
  return h;
}

uint32_t EntryBlock::EntryEnd(uint32_t start) const {
  Header h = ParseHeader(start);
  const uint8_t* p = data_.get() + h.body;
  uint64_t items;
  if (h.same_fields) {
    MasterItems(items);  // one stored item per pair: the value
  } else {
    items = varint::Get(p) * 2;
  }
  for (uint64_t i = 0; i < items; i++) SkipItem(p);
  uint32_t body_end = static_cast<uint32_t>(p - data_.get());
  return body_end + static_cast<uint32_t>(varint::Size(body_end - start));
}

uint32_t EntryBlock::EntryStart(uint32_t end) const {
  size_t backlen_size;
  uint64_t body = varint::GetReverse(data_.get() + end, backlen_size);
  return end - static_cast<uint32_t>(backlen_size + body);
}

uint32_t EntryBlock::MasterItems(uint64_t& pairs) const {
  const uint8_t* p = data_.get() + ParseHeader(0).body;
  pairs = varint::Get(p);  // the master always stores its names
  return static_cast<uint32_t>(p - data_.get());
}

std::optional<uint32_t> EntryBlock::FindOffset(StreamID id) const {
  // Backwards: only headers are read on the way, never bodies.
  for (uint32_t end = size_; end > 0;) {
    uint32_t at = EntryStart(end);
    StreamID here = ParseHeader(at).id;
    if (here == id) return at;
    if (here < id) break;
    end = at;
  }
  return std::nullopt;
}

void EntryBlock::Reserve(size_t needed, BlockLimits limits) {
  if (needed <= capacity_) return;
  // Geometric growth, but never past the byte limit the block will be closed at.
  size_t grown = std::max<size_t>(needed, capacity_ + capacity_ / 2);
  if (limits.max_bytes != 0) grown = std::min(grown, std::max(needed, limits.max_bytes));
  grown = std::min<size_t>(grown, UINT32_MAX);
  std::unique_ptr<uint8_t[]> bigger(new uint8_t[grown]);
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = static_cast<uint32_t>(grown);
}

// ---- Cursor ----

bool EntryBlock::Cursor::SeekFirst() { return LandForward(0); }

bool EntryBlock::Cursor::SeekLast() { return LandBackward(block_->size_); }

bool EntryBlock::Cursor::Seek(SeekOp op, StreamID id) {
  const EntryBlock& b = *block_;
  switch (op) {
    case SeekOp::kFirst:
      return SeekFirst();
    case SeekOp::kLast:
      return SeekLast();
    case SeekOp::kEqual: {
      std::optional<uint32_t> at = b.FindOffset(id);
      if (!at || (b.data_[*at] & kDeleted) != 0) return valid_ = false;
      Decode(*at);
      return valid_ = true;
    }
    case SeekOp::kGreaterOrEqual:
    case SeekOp::kGreater:
      for (uint32_t at = 0; at < b.size_; at = b.EntryEnd(at)) {
        StreamID here = b.ParseHeader(at).id;
        if (op == SeekOp::kGreaterOrEqual ? here >= id : here > id) return LandForward(at);
      }
      return valid_ = false;
    case SeekOp::kLessOrEqual:
    case SeekOp::kLess:
      for (uint32_t end = b.size_; end > 0;) {
        uint32_t at = b.EntryStart(end);
        StreamID here = b.ParseHeader(at).id;
        if (op == SeekOp::kLessOrEqual ? here <= id : here < id) return LandBackward(end);
        end = at;
      }
      return valid_ = false;
  }
  return valid_ = false;
}

bool EntryBlock::Cursor::Next() { return valid_ && LandForward(end_); }

bool EntryBlock::Cursor::Prev() { return valid_ && LandBackward(start_); }

bool EntryBlock::Cursor::LandForward(uint32_t start) {
  const EntryBlock& b = *block_;
  for (uint32_t at = start; at < b.size_; at = b.EntryEnd(at)) {
    if ((b.data_[at] & kDeleted) == 0) {
      Decode(at);
      return valid_ = true;
    }
  }
  return valid_ = false;
}

bool EntryBlock::Cursor::LandBackward(uint32_t end) {
  const EntryBlock& b = *block_;
  while (end > 0) {
    uint32_t at = b.EntryStart(end);
    if ((b.data_[at] & kDeleted) == 0) {
      Decode(at);
      return valid_ = true;
    }
    end = at;
  }
  return valid_ = false;
}

void EntryBlock::Cursor::Decode(uint32_t start) {
  const EntryBlock& b = *block_;
  Header h = b.ParseHeader(start);
  const uint8_t* p = b.data_.get() + h.body;
  const uint8_t* names = nullptr;
  uint64_t pairs;
  if (h.same_fields) {
    names = b.data_.get() + b.MasterItems(pairs);
  } else {
    pairs = varint::Get(p);
  }
  items_.resize(2 * pairs);
  // Sized before any view is taken: growing it later would move the digits already written.
  if (scratch_.size() < items_.size() * kMaxIntChars) scratch_.resize(items_.size() * kMaxIntChars);
  size_t used = 0;
  for (size_t i = 0; i < pairs; i++) {
    if (names != nullptr) {
      items_[2 * i] = ReadItem(names, used);
      SkipItem(names);  // the master's value
    } else {
      items_[2 * i] = ReadItem(p, used);
    }
    items_[2 * i + 1] = ReadItem(p, used);
  }
  uint32_t body_end = static_cast<uint32_t>(p - b.data_.get());
  start_ = start;
  end_ = body_end + static_cast<uint32_t>(varint::Size(body_end - start));
  entry_.id = h.id;
  entry_.field_values = std::span<const std::string_view>(items_.data(), items_.size());
}

std::string_view EntryBlock::Cursor::ReadItem(const uint8_t*& p, size_t& scratch_used) {
  uint64_t tag = varint::Get(p);
  if (!IsIntTag(tag)) {
    size_t len = tag >> 1;
    std::string_view s(reinterpret_cast<const char*>(p), len);
    p += len;
    return s;
  }
  char* out = scratch_.data() + scratch_used;
  auto r = std::to_chars(out, out + kMaxIntChars, varint::UnZigZag(tag >> 1));
  size_t len = static_cast<size_t>(r.ptr - out);
  scratch_used += len;
  return std::string_view(out, len);
}

}  // namespace streams
