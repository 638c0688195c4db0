// The value a stream key holds: entry blocks indexed by a radix tree, plus the metadata XINFO
// STREAM reports, kept exactly as Redis 7 keeps it. No RESP and no clock: callers pass now_ms
// and the node limits (config may change them between calls).
//
// Invariants (checked by Validate()):
//  - length() == the number of live entries across all blocks; no block is kept without one.
//  - A block's tree key is its first ID when it was created; Compact() may re-master a block
//    on a later ID but the key stays, so every key is <= every ID in its block.
//  - Blocks' ID ranges don't overlap and are ordered as their keys; the tail block (the only
//    one appended to) is the one with the largest key.
//  - last_id() >= every live ID (XSETID may set it below deleted ones still flagged in a block);
//    first_id() is the first live entry, 0-0 when empty.
//  - Only sealed blocks (never the tail) are compressed, and only when the limits at sealing
//    said so, all against one dictionary (dict_); reads go through a per-stream BlockCache of
//    plain copies, and a change to a compressed block decompresses it first and compresses it
//    again after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "streams/block_cache.h"
#include "streams/consumer_group.h"
#include "streams/entry_block.h"
#include "streams/idmp.h"
#include "streams/radix_tree.h"
#include "streams/seek_op.h"
#include "streams/retention.h"
#include "streams/schedule.h"
#include "streams/stream_id.h"

namespace streams {

// stream-node-max-entries / stream-node-max-bytes (0 = no limit), read at every append.
using StreamLimits = BlockLimits;

// Redis 8.2's reference modes: what deleting or trimming an entry does to consumer groups.
// With no groups all three delete alike.
enum class RefPolicy : uint8_t {
  kKeepRef,  // delete; the groups' PEL references stay (XDEL, the default everywhere)
  kDelRef,   // delete, and drop the ID from every group's PEL
  kAcked,    // delete only entries every group has read and acknowledged
};

// What DeleteEntry did (XDELEX / XACKDEL reply 1, -1, 2).
enum class DeleteOutcome : uint8_t { kDeleted, kNotFound, kReferenced };

// Why XSETID refused. Checked in this order; src/ maps each to its reply text (observed on
// redis-server 7.0.15):
enum class SetIdStatus : uint8_t {
  kOk,
  // "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
  kSmallerThanMaxDeleted,
  // "ERR The ID specified in XSETID is smaller than the target stream top item"
  // (the top item is the last live entry: an ID equal to it is accepted; no check when empty)
  kSmallerThanTopItem,
  // "ERR The entries_added specified in XSETID is smaller than the target stream length"
  kEntriesAddedTooSmall,
};

class Stream {
 public:
  class RangeIterator;

  Stream() = default;
  ~Stream() { FreeAllBlocks(); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  Stream(Stream&& other) noexcept;
  Stream& operator=(Stream&& other) noexcept;

  // A deep copy (COPY). Blocks are rewritten without their deleted entries, so a clone may
  // be smaller than the original; every observable figure but BytesUsed() is the same.
  [[nodiscard]] Stream Clone() const;

  // XADD: resolves `given` against last_id() (ResolveXAddId's rules and statuses) and appends.
  // `field_values` alternates field, value. On failure nothing changes.
  IdResult<StreamID> Add(const XAddId& given, std::span<const std::string_view> field_values,
                         uint64_t now_ms, StreamLimits limits = {});
  // Appends with an exact ID (replay, RESTORE): kXAddNotGreater unless id > last_id().
  [[nodiscard]] IdStatus AddWithId(StreamID id, std::span<const std::string_view> field_values,
                                   StreamLimits limits = {});

  // Appends an imported block (EntryBlock::Import) whole, without re-encoding it: it becomes
  // the tail under the key of its master ID, and the old tail is sealed (compressed when the
  // limits say so). kXAddNotGreater unless its master ID > last_id(); nothing changes then. A
  // block bigger than `limits` allow for one node is re-appended entry by entry instead, so
  // node sizes stay what Append would make. Images carry no deleted entries (Image() compacts),
  // so the whole block is live: length and entries-added grow by its entry count.
  [[nodiscard]] IdStatus AppendBlock(EntryBlock block, StreamLimits limits = {});
  // Every block's image (EntryBlock::Image), oldest first, until `fn` returns false; returns
  // whether it got to the end. What the AOF snapshot ships with AppendBlock on the other side.
  template <typename Fn>
  bool ForEachBlockImage(Fn fn) const {
    EntryBlock scratch;
    Tree::Iterator it(tree_);
    for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) {
      if (!fn(it.Value()->Image(scratch, dict_ ? std::string_view(*dict_) : std::string_view{}))) {
        return false;
      }
    }
    return true;
  }

  // XDEL of one ID: true when it was a live entry. Raises max_deleted_id() to it; frees its
  // block when that empties, compacts it when mostly deleted (the block's key stays).
  bool Delete(StreamID id);
  // Delete under a reference mode. kDelRef drops the ID from every PEL even when the entry is
  // gone already; kAcked deletes only when AcknowledgedByAllGroups(id), else kReferenced.
  DeleteOutcome DeleteEntry(StreamID id, RefPolicy policy);

  // XTRIM / XADD trimming; return the number of entries removed. Exact trimming removes from the
  // head until length() <= maxlen (resp. no ID < minid is left) and ignores `limit` (Redis
  // refuses LIMIT without "~"). Approximate trimming removes only whole blocks from the head:
  // never one that would leave fewer than maxlen entries, never one whose last entry (deleted
  // ones included, as Redis) is >= minid, and, when limit > 0, never one that would take the
  // count removed past limit (live entries counted). limit == 0 means none; XTRIM's default for
  // "~" without LIMIT (100 * stream-node-max-entries) is the caller's to pass. Trimming never
  // changes max_deleted_id() or last_id().
  // `policy` (Redis 8.2): kDelRef also drops every trimmed ID from every group's PEL. kAcked
  // keeps entries some group has not read or still holds pending: an exact trim steps over them
  // and goes on deleting later entries until the threshold is met (MAXLEN) or no entry below
  // minid is left (MINID); an approximate one removes a block only when all of its entries may
  // go, and stops at the first block that may not.
  size_t TrimMaxLen(uint64_t maxlen, bool approx, uint64_t limit,
                    RefPolicy policy = RefPolicy::kKeepRef);
  size_t TrimMinId(StreamID minid, bool approx, uint64_t limit,
                   RefPolicy policy = RefPolicy::kKeepRef);

  // XSETID. A max_deleted_id of 0-0 counts as not given (Redis ignores "MAXDELETEDID 0-0").
  // On kOk sets last_id, and entries_added / max_deleted_id when given; else changes nothing.
  [[nodiscard]] SetIdStatus SetId(StreamID last_id, std::optional<uint64_t> entries_added,
                                  std::optional<StreamID> max_deleted_id);

  uint64_t length() const { return length_; }
  bool empty() const { return length_ == 0; }
  // last-generated-id: kept through deletes and trims.
  StreamID last_id() const { return last_id_; }
  // recorded-first-entry-id: the first live entry, 0-0 when empty.
  StreamID first_id() const { return first_id_; }
  // max-deleted-entry-id: the largest ID XDEL removed (trimming does not count).
  StreamID max_deleted_id() const { return max_deleted_id_; }
  // entries-added: every entry ever added, deleted ones included.
  uint64_t entries_added() const { return entries_added_; }

  // Whether `id` is a live entry.
  [[nodiscard]] bool Contains(StreamID id) const;
  // The first / last live entry's ID.
  [[nodiscard]] std::optional<StreamID> FirstEntryId() const;
  [[nodiscard]] std::optional<StreamID> LastEntryId() const;

  // Live entries with start <= ID <= end, ascending (XRANGE) or descending (XREVRANGE,
  // still given as start <= end). Empty when start > end.
  [[nodiscard]] RangeIterator Range(StreamID start, StreamID end, bool reverse = false) const;
  // XINFO's first-entry / last-entry: an iterator on it, not Valid() when the stream is empty.
  [[nodiscard]] RangeIterator FirstEntry() const;
  [[nodiscard]] RangeIterator LastEntry() const;
  // XREAD: entries with ID > after, ascending.
  [[nodiscard]] RangeIterator After(StreamID after) const;

  // XINFO radix-tree-keys / radix-tree-nodes. Our tree is not Redis's rax: an empty stream has
  // 0 nodes (Redis says 1) and the node counts differ in general.
  size_t tree_keys() const { return tree_.size(); }
  size_t tree_nodes() const { return tree_.node_count(); }
  // Memory figure: this object, the tree nodes, every block (object plus buffer, compressed
  // size when compressed) and the block cache's plain copies.
  size_t BytesUsed() const {
    return sizeof(*this) + tree_.AllocatedBytes() + block_bytes_ +
           (cache_ ? cache_->BytesUsed() : 0) + (dict_ ? sizeof(*dict_) + dict_->capacity() : 0);
  }
  // Blocks held compressed, of tree_keys() (XINFO STREAM FULL's and tests' figure).
  size_t compressed_blocks() const { return compressed_blocks_; }
  // Bounds the plain copies kept for reading compressed blocks (default
  // BlockCache::kDefaultSlots); drops the ones held. For tests and tuning.
  void SetBlockCacheSlots(size_t slots) { cache_ = std::make_unique<BlockCache>(slots); }
  const BlockCache* block_cache() const { return cache_.get(); }
  // BytesUsed() plus every consumer group's (MEMORY USAGE).
  size_t BytesUsedWithGroups() const;

  // Consumer groups, by name in bytewise order (as Redis lists them).
  using GroupMap = std::map<std::string, std::unique_ptr<ConsumerGroup>, std::less<>>;
  const GroupMap& groups() const { return groups_; }
  ConsumerGroup* FindGroup(std::string_view name) const;
  // XGROUP CREATE: null when the name is taken.
  ConsumerGroup* CreateGroup(std::string_view name, StreamID last_id, int64_t entries_read);
  // XGROUP DESTROY: whether there was such a group.
  bool DestroyGroup(std::string_view name);
  // Whether every group has read `id` (last-delivered ID >= id) and none holds it pending:
  // the condition under which ACKED lets an entry go. True when there are no groups.
  bool AcknowledgedByAllGroups(StreamID id) const;
  // Removes `id` from every group's PEL (DELREF).
  void DropPendingReferences(StreamID id);

  // Retention by age (Runnel's, see retention.h): the stream's setting and what it trimmed.
  RetentionState& retention() { return retention_; }
  const RetentionState& retention() const { return retention_; }
  // Delayed delivery (Runnel's, see schedule.h): entries waiting for their due time.
  ScheduleQueue& schedule() { return schedule_; }
  const ScheduleQueue& schedule() const { return schedule_; }
  // Idempotent producers (Redis 8.6's IDMP): null until the stream first uses them (XADD IDMP
  // or IDMPAUTO, XCFGSET, XIDMPRECORD), so a stream that never does costs one pointer.
  IdmpTable* idmp() const { return idmp_.get(); }
  IdmpTable& EnsureIdmp() {
    if (!idmp_) idmp_ = std::make_unique<IdmpTable>();
    return *idmp_;
  }

  // Checks every invariant above; "" when all hold, else the first violation. O(n), for tests.
  [[nodiscard]] std::string Validate() const;

 private:
  using Tree = RadixTree<EntryBlock*>;

  // Opens a new tail block holding (id, field_values).
  void AppendToNewBlock(StreamID id, std::span<const std::string_view> field_values,
                        StreamLimits limits);
  void Append(StreamID id, std::span<const std::string_view> field_values, StreamLimits limits);
  // Erases the tree key and frees the block; re-finds the tail if it was the tail.
  void FreeBlock(StreamID key, EntryBlock* block);
  void CompactBlock(EntryBlock* block);
  void RefreshFirstId();
  // Removes entries from the head while more() holds: whole blocks while block_goes(block)
  // holds (an approximate trim stops there, and at `limit` entries), then, trimming exactly,
  // the leading entries of the next block while entry_goes(id) holds. Under kAcked, entries
  // still referenced are stepped over (a block with one goes entry by entry) and the walk goes
  // on into later blocks. Both trims are this walk.
  template <typename More, typename BlockGoes, typename EntryGoes>
  size_t TrimHead(bool approx, uint64_t limit, RefPolicy policy, More more, BlockGoes block_goes,
                  EntryGoes entry_goes);
  // Whether every live entry of `block` may go under kAcked.
  bool BlockAcknowledged(const EntryBlock& block) const;
  // kDelRef for a whole block: drops each live entry's ID from every PEL.
  void DropBlockReferences(const EntryBlock& block);
  void FreeAllBlocks();
  void Swap(Stream& other) noexcept;
  // The block whose key is the greatest at or below `id` (the only one that may hold it), and
  // that key; null when every key is above `id`. Remembers the block's span of keys, so that
  // lookups in the same block (an AOF's XCLAIMs in ID order) skip the tree.
  EntryBlock* BlockFor(StreamID id, StreamID& key) const;
  // `block` itself when plain, else its cached plain copy, which `keep` then holds.
  const EntryBlock& Plain(const EntryBlock& block, std::shared_ptr<const EntryBlock>& keep) const;
  // Before changing a block: decompresses it (dropping its cached copy); returns whether it was
  // compressed, for Reseal().
  bool Unseal(EntryBlock* block);
  // After the change: compresses it again when it was, unless it has become the tail.
  void Reseal(EntryBlock* block, bool was_compressed);
  // Compresses a block being sealed (or cloned) and keeps the byte and block counts.
  void CompressBlock(EntryBlock* block);

  Tree tree_;                    // block key -> owned block
  EntryBlock* tail_ = nullptr;   // block of the largest key, or null when there are none
  size_t block_bytes_ = 0;       // sum of BytesUsed() of every block
  size_t compressed_blocks_ = 0;  // blocks whose compressed() holds
  mutable std::unique_ptr<BlockCache> cache_;  // made on the first read of a compressed block
  // BlockFor's memory: `block` (key `key`) takes the IDs in [key, next), next being the next
  // block's key (Max() for the tail). Reset whenever a block enters or leaves the tree.
  struct BlockSpan {
    EntryBlock* block = nullptr;
    StreamID key;
    StreamID next;
  };
  mutable BlockSpan last_span_;
  // LZ4 dictionary of every compressed block: the plain bytes of the first block this stream
  // compressed (its tail end, up to 64 KB), fixed from then until the blocks are all freed.
  std::shared_ptr<const std::string> dict_;
  uint64_t length_ = 0;
  uint64_t entries_added_ = 0;
  StreamID last_id_;
  StreamID first_id_;
  StreamID max_deleted_id_;
  GroupMap groups_;
  RetentionState retention_;
  ScheduleQueue schedule_;
  std::unique_ptr<IdmpTable> idmp_;
};

// A walk over a stream's live entries between two IDs. Entry views are valid until the next
// step; Add, Delete and the trims invalidate it (SetId does not: it touches no block).
// Usage: for (auto it = s.Range(a, b); it.Valid(); it.Next()) Use(it.entry());
class Stream::RangeIterator {
 public:
  bool Valid() const { return valid_; }
  // Requires Valid().
  const EntryView& entry() const { return cursor_->entry(); }
  StreamID id() const { return cursor_->id(); }
  // Moves one entry on, in the iterator's direction; returns Valid().
  bool Next();

 private:
  friend class Stream;
  RangeIterator(const Stream& stream, StreamID start, StreamID end, bool reverse);
  // Steps the tree to the neighbouring block until a cursor lands; then checks the far bound.
  bool SettleAcrossBlocks(bool landed);
  bool CheckBound();
  // Points the cursor at the block under tree_it_ (its plain copy when compressed).
  void OpenBlock();

  const Stream* stream_;
  Tree::Iterator tree_it_;
  std::shared_ptr<const EntryBlock> plain_;  // the compressed block's copy the cursor walks
  std::optional<EntryBlock::Cursor> cursor_;
  StreamID start_;
  StreamID end_;
  bool reverse_ = false;
  bool valid_ = false;
};

}  // namespace streams
