// Encoding and decoding of the packed entry block; the layout is drawn in entry_block.h.
#include "streams/entry_block.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <iterator>
#include <tuple>
#include <vector>

#include <lz4.h>

#include "streams/canonical_int.h"
#include "streams/varint.h"

namespace streams {

namespace {

constexpr size_t kMaxIntChars = 20;  // "-9223372036854775808"

uint64_t ItemTag(std::string_view s) {
  int64_t v;
  if (ParseCanonicalInt64(s, v)) {
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

// Only EntryBlock::Compress() wrote `packed`, with this dictionary: a failure here is memory
// corruption (or the wrong dictionary).
void UnpackLz4(const uint8_t* packed, uint32_t packed_size, uint8_t* out, uint32_t out_size,
               std::string_view dict) {
  const char* src = reinterpret_cast<const char*>(packed);
  char* dst = reinterpret_cast<char*>(out);
  const int n =
      dict.empty()
          ? LZ4_decompress_safe(src, dst, static_cast<int>(packed_size), static_cast<int>(out_size))
          : LZ4_decompress_safe_usingDict(src, dst, static_cast<int>(packed_size),
                                          static_cast<int>(out_size), dict.data(),
                                          static_cast<int>(dict.size()));
  if (n != static_cast<int>(out_size)) throw std::logic_error("stream entry block: bad LZ4 data");
}

}  // namespace

bool EntryBlock::Append(StreamID id, std::span<const std::string_view> field_values,
                        BlockLimits limits) {
  assert(field_values.size() % 2 == 0);
  assert(!compressed());
  const bool first = entry_count() == 0;
  assert(first || id > last_);
  const uint64_t ms_delta = first ? 0 : id.ms - last_.ms;
  const bool wide = ms_delta >= kWideDelta;
  const size_t pairs = field_values.size() / 2;
  // Each item's tag once (it parses the item as an integer): the master comparison, the size
  // and the write below all need it.
  uint64_t few_tags[16];
  std::vector<uint64_t> many_tags;
  uint64_t* tags = few_tags;
  if (field_values.size() > std::size(few_tags)) {
    many_tags.resize(field_values.size());
    tags = many_tags.data();
  }
  for (size_t i = 0; i < field_values.size(); i++) tags[i] = ItemTag(field_values[i]);

  bool same_fields = false;
  if (!first) {
    uint64_t master_pairs;
    const uint8_t* p = data_.get() + MasterItems(master_pairs);
    if (master_pairs == pairs) {
      same_fields = true;
      for (size_t i = 0; i < pairs && same_fields; i++) {
        std::string_view name = field_values[2 * i];
        same_fields = ItemEquals(p, tags[2 * i], name);
        SkipItem(p);  // the master's value
      }
    }
  }

  const uint64_t head = ((wide ? kWideDelta : ms_delta) << kFlagBits) |
                        (same_fields ? kSameFields : 0) | (id.seq != 0 ? kHasSeq : 0);
  size_t body = varint::Size(head) + (wide ? varint::Size(ms_delta) : 0) +
                (id.seq != 0 ? varint::Size(id.seq) : 0) + (same_fields ? 0 : varint::Size(pairs));
  for (size_t i = same_fields ? 1 : 0; i < field_values.size(); i += same_fields ? 2 : 1) {
    body += ItemSize(tags[i], field_values[i]);
  }
  const size_t total = body;

  if (!first) {
    if (limits.max_entries != 0 && entry_count() >= limits.max_entries) return false;
    if (limits.max_bytes != 0 && size_ + total > limits.max_bytes) return false;
  }
  if (total > UINT32_MAX - size_) throw std::length_error("stream entry block over 4 GiB");
  Reserve(size_ + total, limits);

  uint8_t* const start = data_.get() + size_;
  uint8_t* p = varint::Put(start, head);
  if (wide) p = varint::Put(p, ms_delta);
  if (id.seq != 0) p = varint::Put(p, id.seq);
  if (!same_fields) p = varint::Put(p, pairs);
  for (size_t i = same_fields ? 1 : 0; i < field_values.size(); i += same_fields ? 2 : 1) {
    p = PutItem(p, tags[i], field_values[i]);
  }
  assert(static_cast<size_t>(p - start) == total);

  last_start_ = size_;
  size_ += static_cast<uint32_t>(total);
  if (first) master_ = id;
  last_ = id;
  live_++;
  return true;
}

bool EntryBlock::MarkDeleted(StreamID id) {
  assert(!compressed());
  std::optional<Pos> at = FindPos(id);
  if (!at || DeletedAt(at->start)) return false;
  data_[at->start] |= kDeleted;
  live_--;
  deleted_++;
  return true;
}

bool EntryBlock::Contains(StreamID id) const {
  assert(!compressed());
  std::optional<Pos> at = FindPos(id);
  return at && !DeletedAt(at->start);
}

void EntryBlock::Compact() {
  assert(!compressed());
  if (deleted_ == 0) {
    ShrinkToFit();
    return;
  }
  // Re-appending every live entry re-derives the deltas and the same-fields flags against the
  // new master.
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
  if (capacity_ <= size_) return;  // exact already, or compressed
  std::unique_ptr<uint8_t[]> exact;
  if (size_ > 0) {
    exact.reset(new uint8_t[size_]);
    std::memcpy(exact.get(), data_.get(), size_);
  }
  data_ = std::move(exact);
  capacity_ = size_;
}

bool EntryBlock::Compress(std::string_view dict) {
  if (compressed() || size_ == 0) return compressed();
  ShrinkToFit();
  const int bound = LZ4_compressBound(static_cast<int>(size_));
  if (bound <= 0) return false;  // over LZ4's input limit: stays plain
  std::unique_ptr<char[]> out(new char[static_cast<size_t>(bound)]);
  const char* src = reinterpret_cast<const char*>(data_.get());
  int n;
  if (dict.empty()) {
    n = LZ4_compress_default(src, out.get(), static_cast<int>(size_), bound);
  } else {
    std::unique_ptr<LZ4_stream_t, int (*)(LZ4_stream_t*)> state(LZ4_createStream(),
                                                                &LZ4_freeStream);
    if (!state) throw std::bad_alloc();
    LZ4_loadDict(state.get(), dict.data(), static_cast<int>(dict.size()));
    n = LZ4_compress_fast_continue(state.get(), src, out.get(), static_cast<int>(size_), bound, 1);
  }
  if (n <= 0 || static_cast<uint32_t>(n) >= size_) return false;  // would not shrink
  std::unique_ptr<uint8_t[]> packed(new uint8_t[static_cast<size_t>(n)]);
  std::memcpy(packed.get(), out.get(), static_cast<size_t>(n));
  data_ = std::move(packed);
  capacity_ = static_cast<uint32_t>(n);
  return true;
}

void EntryBlock::Decompress(std::string_view dict) {
  if (!compressed()) return;
  std::unique_ptr<uint8_t[]> plain(new uint8_t[size_]);
  UnpackLz4(data_.get(), capacity_, plain.get(), size_, dict);
  data_ = std::move(plain);
  capacity_ = size_;
}

EntryBlock EntryBlock::Inflated(std::string_view dict) const {
  EntryBlock copy;
  std::tie(copy.size_, copy.master_, copy.last_, copy.last_start_, copy.live_, copy.deleted_) =
      std::tie(size_, master_, last_, last_start_, live_, deleted_);
  copy.capacity_ = size_;
  if (size_ == 0) return copy;
  copy.data_.reset(new uint8_t[size_]);
  if (compressed()) {
    UnpackLz4(data_.get(), capacity_, copy.data_.get(), size_, dict);
  } else {
    std::memcpy(copy.data_.get(), data_.get(), size_);
  }
  return copy;
}

std::optional<StreamID> EntryBlock::FirstLiveId() const {
  assert(!compressed());
  if (size_ == 0) return std::nullopt;
  for (std::optional<Pos> pos = FirstPos(); pos; pos = NextPos(*pos, EntryEnd(pos->start))) {
    if (!DeletedAt(pos->start)) return ParseHeader(*pos).id;
  }
  return std::nullopt;
}

std::optional<StreamID> EntryBlock::LastLiveId() const {
  assert(!compressed());
  if (size_ == 0) return std::nullopt;
  if (!DeletedAt(last_start_)) return last_;
  std::optional<StreamID> last_live;
  for (std::optional<Pos> pos = FirstPos(); pos; pos = NextPos(*pos, EntryEnd(pos->start))) {
    if (!DeletedAt(pos->start)) last_live = ParseHeader(*pos).id;
  }
  return last_live;
}

EntryBlock::Header EntryBlock::ParseHeader(Pos pos) const {
  const uint8_t* p = data_.get() + pos.start;
  uint64_t head = varint::Get(p);
  if ((head >> kFlagBits) == kWideDelta) varint::Get(p);
  Header h;
  h.id.ms = pos.ms;
  h.id.seq = (head & kHasSeq) != 0 ? varint::Get(p) : 0;
  h.deleted = (head & kDeleted) != 0;
  h.same_fields = (head & kSameFields) != 0;
  h.body = static_cast<uint32_t>(p - data_.get());
  return h;
}

uint64_t EntryBlock::MsDelta(uint32_t start) const {
  const uint8_t* p = data_.get() + start;
  uint64_t delta = varint::Get(p) >> kFlagBits;
  return delta == kWideDelta ? varint::Get(p) : delta;
}

std::optional<EntryBlock::Pos> EntryBlock::NextPos(Pos pos, uint32_t end) const {
  if (end >= size_) return std::nullopt;
  return Pos{end, pos.ms + MsDelta(end)};
}

uint32_t EntryBlock::EntryEnd(uint32_t start) const {
  Header h = ParseHeader({start, 0});
  const uint8_t* p = data_.get() + h.body;
  uint64_t items;
  if (h.same_fields) {
    MasterItems(items);  // one stored item per pair: the value
  } else {
    items = varint::Get(p) * 2;
  }
  for (uint64_t i = 0; i < items; i++) SkipItem(p);
  return static_cast<uint32_t>(p - data_.get());
}

std::vector<EntryBlock::Pos> EntryBlock::AllPos() const {
  std::vector<Pos> all;
  all.reserve(entry_count());
  if (size_ == 0) return all;
  for (std::optional<Pos> pos = FirstPos(); pos; pos = NextPos(*pos, EntryEnd(pos->start))) {
    all.push_back(*pos);
  }
  return all;
}

uint32_t EntryBlock::MasterItems(uint64_t& pairs) const {
  const uint8_t* p = data_.get() + ParseHeader(FirstPos()).body;
  pairs = varint::Get(p);  // the master always stores its names
  return static_cast<uint32_t>(p - data_.get());
}

std::optional<EntryBlock::Pos> EntryBlock::FindPos(StreamID id) const {
  if (size_ == 0 || id > last_ || id < master_) return std::nullopt;
  if (id == last_) return LastPos();  // the newest entry: no walk
  for (std::optional<Pos> pos = WalkStart(id); pos; pos = NextPos(*pos, EntryEnd(pos->start))) {
    StreamID here = ParseHeader(*pos).id;
    if (here == id) {
      Remember(*pos);
      return pos;
    }
    if (here > id) break;
  }
  return std::nullopt;
}

EntryBlock::Pos EntryBlock::WalkStart(StreamID id) const {
  if (hint_start_ != 0) {
    const Pos hint{hint_start_, master_.ms + hint_ms_};
    if (ParseHeader(hint).id <= id) return hint;
  }
  return FirstPos();
}

void EntryBlock::Remember(Pos pos) const {
  const uint64_t ms = pos.ms - master_.ms;
  if (ms > UINT32_MAX) return;
  hint_start_ = pos.start;
  hint_ms_ = static_cast<uint32_t>(ms);
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

// ---- Import / Image ----

namespace {

// Reads an untrusted buffer: every read is bounds-checked and every varint must be in its
// shortest form (what varint::Put writes), so a block made from it decodes with the trusting
// readers above exactly as the checks here did.
class CheckedReader {
 public:
  CheckedReader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

  bool Varint(uint64_t& out) {
    uint64_t v = 0;
    for (size_t i = 0; i < varint::kMaxBytes; i++) {
      if (p_ == end_) return false;
      const uint8_t b = *p_++;
      if (i == varint::kMaxBytes - 1 && b > 1) return false;  // past 64 bits
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        out = v;
        return i == 0 || b != 0;  // a trailing zero group is not the shortest form
      }
    }
    return false;
  }
  // Skips `n` bytes, false when fewer are left.
  bool Skip(uint64_t n, const uint8_t** start = nullptr) {
    if (n > static_cast<uint64_t>(end_ - p_)) return false;
    if (start != nullptr) *start = p_;
    p_ += n;
    return true;
  }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const uint8_t* pos() const { return p_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// One item as Append would have written it: a string item never holds what encodes as an
// integer (equal strings must have equal encodings: the same-fields test compares tags).
bool CheckItem(CheckedReader& r) {
  uint64_t tag;
  if (!r.Varint(tag)) return false;
  if (IsIntTag(tag)) return true;  // any 63-bit zigzag formats back to a canonical integer
  const uint8_t* bytes;
  if (!r.Skip(tag >> 1, &bytes)) return false;
  const std::string_view s(reinterpret_cast<const char*>(bytes), tag >> 1);
  return !IsIntTag(ItemTag(s));
}

}  // namespace

ImportedBlock EntryBlock::Import(const BlockImage& image) {
  auto refuse = [](std::string_view why) { return ImportedBlock{std::nullopt, why}; };
  const std::string_view bytes = image.bytes;
  if (image.entries == 0 || bytes.empty()) return refuse("empty block");
  if (bytes.size() > UINT32_MAX || image.entries > UINT32_MAX) return refuse("block too large");
  if (image.master_id > image.last_id) return refuse("master ID above the last ID");
  const uint8_t* const base = reinterpret_cast<const uint8_t*>(bytes.data());
  CheckedReader r(base, base + bytes.size());
  StreamID prev;
  uint64_t master_pairs = 0;
  uint64_t count = 0;
  const uint8_t* last_start = base;
  while (r.left() > 0) {
    if (count == image.entries) return refuse("more entries than counted");
    const bool first = count == 0;
    last_start = r.pos();
    uint64_t head;
    if (!r.Varint(head)) return refuse("bad entry head");
    if ((head & kDeleted) != 0) return refuse("deleted entry");
    uint64_t delta = head >> kFlagBits;
    if (delta == kWideDelta && (!r.Varint(delta) || delta < kWideDelta)) {
      return refuse("bad wide ms delta");
    }
    StreamID id;
    if (first) {
      if (delta != 0) return refuse("master entry with an ms delta");
      id.ms = image.master_id.ms;
    } else {
      if (delta > UINT64_MAX - prev.ms) return refuse("ms overflow");
      id.ms = prev.ms + delta;
    }
    if ((head & kHasSeq) != 0) {
      if (!r.Varint(id.seq) || id.seq == 0) return refuse("bad sequence number");
    }
    if (first ? id != image.master_id : id <= prev) return refuse("IDs not increasing");
    if (id > image.last_id) return refuse("ID above the last ID");
    uint64_t values;  // items stored after the head: values only when same fields
    if ((head & kSameFields) != 0) {
      if (first) return refuse("master entry without field names");
      values = master_pairs;
    } else {
      uint64_t pairs;
      if (!r.Varint(pairs)) return refuse("bad pair count");
      if (pairs > r.left() / 2) return refuse("pair count past the end");  // >= 1 byte an item
      if (first) master_pairs = pairs;
      values = 2 * pairs;
    }
    for (uint64_t i = 0; i < values; i++) {
      if (!CheckItem(r)) return refuse("bad item");
    }
    prev = id;
    count++;
  }
  if (count != image.entries) return refuse("fewer entries than counted");
  if (prev != image.last_id) return refuse("last entry is not the last ID");

  ImportedBlock out;
  EntryBlock& b = out.block.emplace();
  b.data_.reset(new uint8_t[bytes.size()]);
  std::memcpy(b.data_.get(), bytes.data(), bytes.size());
  b.size_ = b.capacity_ = static_cast<uint32_t>(bytes.size());
  b.master_ = image.master_id;
  b.last_ = image.last_id;
  b.last_start_ = static_cast<uint32_t>(last_start - base);
  b.live_ = static_cast<uint32_t>(count);
  b.deleted_ = 0;
  return out;
}

BlockImage EntryBlock::Image(EntryBlock& scratch, std::string_view dict) const {
  assert(!Empty());
  const EntryBlock* plain = this;
  if (compressed() || deleted_ > 0) {
    scratch = Inflated(dict);
    scratch.Compact();
    plain = &scratch;
  }
  return {plain->master_, plain->last_, plain->live_, plain->PlainBytes()};
}

// ---- Cursor ----

bool EntryBlock::Cursor::SeekFirst() {
  return LandForward(block_->size_ == 0 ? std::nullopt : std::optional(block_->FirstPos()));
}

bool EntryBlock::Cursor::SeekLast() {
  const EntryBlock& b = *block_;
  if (b.size_ == 0) return valid_ = false;
  if (!b.DeletedAt(b.last_start_)) {  // the usual case: no index needed
    Decode(b.LastPos());
    return valid_ = true;
  }
  BuildIndex();
  return LandBackward(index_.size());
}

bool EntryBlock::Cursor::Seek(SeekOp op, StreamID id) {
  const EntryBlock& b = *block_;
  switch (op) {
    case SeekOp::kFirst:
      return SeekFirst();
    case SeekOp::kLast:
      return SeekLast();
    case SeekOp::kEqual: {
      std::optional<Pos> at = b.FindPos(id);
      if (!at || b.DeletedAt(at->start)) return valid_ = false;
      Decode(*at);
      return valid_ = true;
    }
    case SeekOp::kGreaterOrEqual:
    case SeekOp::kGreater:
      if (b.size_ == 0) return valid_ = false;
      // Past the block's last ID there is nothing to walk to: a read that starts after the
      // previous one ended (XREADGROUP's >) often asks the block before the one it wants.
      if (op == SeekOp::kGreaterOrEqual ? id > b.last_ : id >= b.last_) return valid_ = false;
      for (std::optional<Pos> pos = b.WalkStart(id); pos; pos = b.NextPos(*pos, b.EntryEnd(pos->start))) {
        StreamID here = b.ParseHeader(*pos).id;
        if (op == SeekOp::kGreaterOrEqual ? here >= id : here > id) {
          b.Remember(*pos);
          return LandForward(pos);
        }
      }
      return valid_ = false;
    case SeekOp::kLessOrEqual:
    case SeekOp::kLess:
      BuildIndex();
      for (size_t i = index_.size(); i > 0; i--) {
        StreamID here = b.ParseHeader(index_[i - 1]).id;
        if (op == SeekOp::kLessOrEqual ? here <= id : here < id) return LandBackward(i);
      }
      return valid_ = false;
  }
  return valid_ = false;
}

bool EntryBlock::Cursor::Next() {
  return valid_ && LandForward(block_->NextPos({start_, entry_.id.ms}, end_));
}

bool EntryBlock::Cursor::Prev() {
  if (!valid_) return false;
  BuildIndex();
  auto here = std::lower_bound(index_.begin(), index_.end(), start_,
                               [](const Pos& p, uint32_t start) { return p.start < start; });
  return LandBackward(static_cast<size_t>(here - index_.begin()));
}

void EntryBlock::Cursor::BuildIndex() {
  if (index_.empty()) index_ = block_->AllPos();
}

bool EntryBlock::Cursor::LandForward(std::optional<Pos> pos) {
  const EntryBlock& b = *block_;
  for (; pos; pos = b.NextPos(*pos, b.EntryEnd(pos->start))) {
    if (!b.DeletedAt(pos->start)) {
      Decode(*pos);
      return valid_ = true;
    }
  }
  return valid_ = false;
}

bool EntryBlock::Cursor::LandBackward(size_t n) {
  const EntryBlock& b = *block_;
  for (size_t i = n; i > 0; i--) {
    if (!b.DeletedAt(index_[i - 1].start)) {
      Decode(index_[i - 1]);
      return valid_ = true;
    }
  }
  return valid_ = false;
}

void EntryBlock::Cursor::Decode(Pos pos) {
  const EntryBlock& b = *block_;
  Header h = b.ParseHeader(pos);
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
  start_ = pos.start;
  end_ = body_end;
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
