// A packed run of consecutive stream entries: the payload of one radix-tree leaf. Each entry's
// milliseconds are delta-encoded against the previous entry's, a zero sequence number costs no
// byte, field names are shared with the master (first) entry, canonical integers are varints;
// deletion flags an entry in place until Compact(). A sealed block (no more appends) may be
// LZ4-compressed whole: Compress() / Decompress() / Inflated().
//
// Invariants:
//  - IDs in a block are strictly increasing (deleted entries included) and all >= master_id().
//  - A block never spans two radix leaves: the tree's key for a block is <= its master ID and
//    every ID in it is below the next block's key.
//  - live_count() + deleted_count() == number of entries in the buffer; LastId() is the last
//    entry's ID, live or deleted (kept in the object, so it needs no decoding).
//  - The master entry's field list stays the dictionary for "same fields" entries even after
//    the master is deleted; only Compact() picks a new master (and re-encodes everything).
//  - compressed() exactly when the buffer holds the LZ4 form, which is then smaller than the
//    plain form (EncodedBytes() stays the plain size); it decompresses only with the dictionary
//    it was compressed with (the owning stream's, fixed once chosen). A compressed block is read
//    only through Inflated() (a plain copy) and must be Decompress()ed before any change; the
//    metadata above (counts, master_id(), LastId(), BytesUsed()) stays readable either way.
//
// Byte layout of the plain buffer (all integers varints unless said otherwise; nothing else is
// stored in it: the master and last IDs and the counts live in the EntryBlock object):
//
//   entry := head [wide_delta] [seq] [count] item...
//     head    = (ms - previous ms) << 3 | has_seq << 2 | same_fields << 1 | deleted
//               "previous ms" is the previous entry's in the buffer, deleted or not; the first
//               entry's is its own (it is the master), so its delta is 0. Walks add the
//               deltas up from the master's ms. The deleted bit is bit 0 of the first byte, so
//               deleting never moves bytes. A delta of 2^61 - 1 or more (IDs far apart) puts
//               2^61 - 1 in the head and the delta itself, as a varint, right after.
//     seq     = the ID's sequence number; present only when has_seq (it is not 0)
//     count   = number of field/value pairs; absent when same_fields
//     item... = field value field value ...      when not same_fields
//             = value value ...  (names taken from the master entry, in order) when same_fields
//   item := tag [bytes]
//     tag even: a byte string of length tag >> 1 follows
//     tag odd:  a canonical int64 (round-trips through decimal formatting: "12", "-5", not "007",
//               "+1", "-0") whose zigzag is tag >> 1; integers whose zigzag needs 64 bits
//               (|v| >= 2^62) fall back to the string form. Decoded back to the same bytes.
//
//   An entry is "same fields" when its field names equal the master's: same count, same names,
//   same order. The master entry itself always carries its names.
//
//   Entries carry no back-pointer: a walk backward first indexes the block's entry offsets in one
//   forward pass (a cursor does it once, the first time it steps back); the last entry's offset
//   is kept in the object, so XREVRANGE's first step and appends need no pass.
//
// Shipping a block (the AOF snapshot, a replica's full sync): Image() gives a block's plain
// bytes without deleted entries plus the metadata the object keeps outside them (BlockImage);
// Import() checks an image byte by byte (every varint inside the buffer and in its shortest
// form, IDs strictly increasing from the master to the last ID, the entry count, same-fields
// entries against the master's names, item lengths, integers in their canonical form, no
// deleted flag) and makes a block of it without re-encoding, or says why it will not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "streams/seek_op.h"
#include "streams/stream_id.h"

namespace streams {

// stream-node-max-entries / stream-node-max-bytes; 0 means no limit, as in Redis. `compress`
// (stream-compression lz4) asks the stream to Compress() each block it seals.
struct BlockLimits {
  size_t max_entries = 100;
  size_t max_bytes = 4096;
  bool compress = false;
};

// One decoded entry. The views point into the block or into the cursor's scratch buffer
// (integers), and are valid until the cursor moves or the block is mutated (see Cursor).
struct EntryView {
  StreamID id;
  std::span<const std::string_view> field_values;  // field0, value0, field1, value1, ...

  size_t pair_count() const { return field_values.size() / 2; }
  std::string_view field(size_t i) const { return field_values[2 * i]; }
  std::string_view value(size_t i) const { return field_values[2 * i + 1]; }
};

// A block as it travels: the plain buffer and what the EntryBlock object keeps beside it.
// Images never carry deleted entries, so every entry counts.
struct BlockImage {
  StreamID master_id;
  StreamID last_id;
  uint64_t entries = 0;
  std::string_view bytes;  // the plain layout above
};

class EntryBlock;

// Import()'s answer: the block, or (block empty) why the image was refused, a fixed text.
struct ImportedBlock;

class EntryBlock {
 public:
  class Cursor;

  EntryBlock() = default;
  EntryBlock(EntryBlock&&) noexcept = default;
  EntryBlock& operator=(EntryBlock&&) noexcept = default;

  // Appends an entry. `field_values` alternates field, value (even length; may be empty).
  // Precondition: not compressed(), and `id` is greater than every ID already in the block.
  // Returns false, leaving the block unchanged, when the entry would exceed `limits` (entries
  // counted including deleted ones, bytes as EncodedBytes()): the caller then opens a new block. The first entry of an empty block always fits.
  [[nodiscard]] bool Append(StreamID id, std::span<const std::string_view> field_values,
                            BlockLimits limits = {});

  // Flags the entry deleted. Returns true when it existed and was live. Not compressed().
  [[nodiscard]] bool MarkDeleted(StreamID id);

  // True when `id` is in the block and live. Not compressed().
  [[nodiscard]] bool Contains(StreamID id) const;

  // Rewrites the buffer without deleted entries, exactly sized. When the master was deleted the
  // first live entry becomes the master. An all-deleted block becomes an empty one.
  // Not compressed().
  void Compact();
  // Mostly deleted: worth a Compact() (an all-deleted block should be freed instead).
  [[nodiscard]] bool ShouldCompact() const { return live_ > 0 && deleted_ > live_; }
  // Drops growth slack; the stream calls this when it closes a block for appends.
  void ShrinkToFit();

  // Replaces the plain buffer by its LZ4 form when that is smaller; returns compressed().
  // Drops growth slack first. A no-op on a compressed block. `dict` (up to 64 KB; LZ4 may
  // refer back into it) primes the compressor: small blocks of similar entries compress far
  // better against a sample of earlier ones. Decompress() and Inflated() need the same bytes.
  bool Compress(std::string_view dict = {});
  // Back to the plain buffer, exactly sized (before a change). A no-op on a plain block.
  void Decompress(std::string_view dict = {});
  // A plain copy of this block, compressed or not (what readers of a compressed block walk).
  [[nodiscard]] EntryBlock Inflated(std::string_view dict = {}) const;
  bool compressed() const { return capacity_ < size_; }
  // The plain buffer (a dictionary sample). Not compressed().
  std::string_view PlainBytes() const {
    return {reinterpret_cast<const char*>(data_.get()), size_};
  }

  // The checked inverse of Image(): a plain, exactly sized block holding `image`'s entries, or
  // the first rule the image breaks. Never trusts a byte of it: a corrupt or hostile image is
  // refused, and an accepted one keeps every invariant above and reads back consistently.
  [[nodiscard]] static ImportedBlock Import(const BlockImage& image);
  // This block's image: a view of its own buffer when plain without deleted entries, else of
  // `scratch`, which receives a decompressed (with `dict`) and compacted copy. Requires
  // !Empty(); the image stays valid while this block and `scratch` are unchanged.
  [[nodiscard]] BlockImage Image(EntryBlock& scratch, std::string_view dict = {}) const;

  // No live entries (never filled, or everything deleted).
  [[nodiscard]] bool Empty() const { return live_ == 0; }
  size_t live_count() const { return live_; }
  size_t deleted_count() const { return deleted_; }
  size_t entry_count() const { return size_t{live_} + deleted_; }

  // Meaningful only when entry_count() > 0.
  StreamID master_id() const { return master_; }
  // Last entry in the buffer, live or deleted: the bound the next Append must exceed.
  std::optional<StreamID> LastId() const {
    return size_ == 0 ? std::nullopt : std::optional<StreamID>(last_);
  }
  // Not compressed().
  std::optional<StreamID> FirstLiveId() const;
  std::optional<StreamID> LastLiveId() const;

  // Encoded payload size, plain form (what max_bytes limits).
  size_t EncodedBytes() const { return size_; }
  // Everything this block costs: the object plus its allocated buffer (for memory accounting;
  // the compressed size when compressed).
  size_t BytesUsed() const { return sizeof(*this) + capacity_; }

 private:
  friend class Cursor;

  static constexpr uint64_t kDeleted = 1;
  static constexpr uint64_t kSameFields = 2;
  static constexpr uint64_t kHasSeq = 4;
  static constexpr int kFlagBits = 3;
  // The head's delta field at its widest: the delta itself follows the head.
  static constexpr uint64_t kWideDelta = (uint64_t{1} << (64 - kFlagBits)) - 1;

  // An entry's place: its first byte and its ID's ms, which the delta chain gives only to a
  // forward walk from the master (or, for the last entry, the object's last ID).
  struct Pos {
    uint32_t start;
    uint64_t ms;
  };
  struct Header {
    StreamID id;
    bool deleted;
    bool same_fields;
    uint32_t body;  // offset of the count (or first value when same_fields)
  };

  Header ParseHeader(Pos pos) const;
  // The ms delta stored in the head of the entry at `start`.
  uint64_t MsDelta(uint32_t start) const;
  bool DeletedAt(uint32_t start) const { return (data_[start] & kDeleted) != 0; }
  Pos FirstPos() const { return {0, master_.ms}; }
  Pos LastPos() const { return {last_start_, last_.ms}; }
  // The entry after the one at `pos` (which ends at `end`), if any.
  std::optional<Pos> NextPos(Pos pos, uint32_t end) const;
  // Offset just past the entry starting at `start` (parses its body).
  uint32_t EntryEnd(uint32_t start) const;
  // Every entry's position, in order (what a backward walk steps through).
  std::vector<Pos> AllPos() const;
  // Offset of the master entry's first field name, and its pair count.
  uint32_t MasterItems(uint64_t& pairs) const;
  // The entry with exactly `id`, if any.
  std::optional<Pos> FindPos(StreamID id) const;
  // Where a forward walk to `id` may start: the hint when its ID is at most `id`, else the
  // master. Remember() makes `pos` the hint (unless its ms is too far from the master's).
  Pos WalkStart(StreamID id) const;
  void Remember(Pos pos) const;
  void Reserve(size_t needed, BlockLimits limits);

  std::unique_ptr<uint8_t[]> data_;
  uint32_t size_ = 0;      // plain bytes
  uint32_t capacity_ = 0;  // allocated bytes; below size_ exactly when compressed
  StreamID master_;
  StreamID last_;
  uint32_t last_start_ = 0;  // offset of the last entry
  uint32_t live_ = 0;
  uint32_t deleted_ = 0;
  // The entry the last lookup (FindPos, a forward Seek) landed on, and its ms less the
  // master's: a lookup at or after its ID walks from there, so IDs looked up in order (an
  // AOF's XCLAIMs, XRANGE pages) cost a step each instead of a walk from the master. 0 is the
  // master, always valid. Appends and deletion flags leave positions as they are; Compact()
  // replaces the whole block, hint included.
  mutable uint32_t hint_start_ = 0;
  mutable uint32_t hint_ms_ = 0;
};

// Walks the live entries of one plain block in either direction, skipping deleted ones.
// Append, Compact, ShrinkToFit, Compress and moving the block invalidate it. MarkDeleted does
// not: it flips one bit in place, so the current entry's views and Next()/Prev() stay good,
// which is what deleting while iterating (XTRIM, XDEL ranges) relies on.
class EntryBlock::Cursor {
 public:
  explicit Cursor(const EntryBlock& block) : block_(&block) {}
  // A copy's views would point into the original's scratch buffer; moves keep the buffers.
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  Cursor(Cursor&&) noexcept = default;
  Cursor& operator=(Cursor&&) noexcept = default;

  // Each returns Valid(): whether the cursor now sits on a live entry.
  bool SeekFirst();
  bool SeekLast();
  bool Seek(SeekOp op, StreamID id);
  bool Next();
  bool Prev();

  bool Valid() const { return valid_; }
  // Requires Valid().
  const EntryView& entry() const { return entry_; }
  StreamID id() const { return entry_.id; }

 private:
  // Forward from `pos`: first live entry at or after it.
  bool LandForward(std::optional<Pos> pos);
  // Backward: the last live entry among the first `n` of index_.
  bool LandBackward(size_t n);
  // Fills index_ (once per cursor: MarkDeleted moves no entry).
  void BuildIndex();
  void Decode(Pos pos);
  // One item at p: a view into the block, or digits in scratch_ at `scratch_used`.
  std::string_view ReadItem(const uint8_t*& p, size_t& scratch_used);

  const EntryBlock* block_;
  bool valid_ = false;
  uint32_t start_ = 0;  // current entry's first byte
  uint32_t end_ = 0;    // one past its last item
  EntryView entry_;
  std::vector<std::string_view> items_;
  std::vector<char> scratch_;  // decimal digits of integer items
  std::vector<Pos> index_;     // every entry's position, once the cursor has stepped back
};

struct ImportedBlock {
  std::optional<EntryBlock> block;
  std::string_view error;  // set exactly when !block: which rule the image broke
};

}  // namespace streams
