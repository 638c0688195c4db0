// Stream: block management, metadata bookkeeping, trimming and range walks (see stream.h).
#include "streams/stream.h"

#include <cassert>
#include <memory>
#include <utility>

namespace streams {

Stream::Stream(Stream&& other) noexcept { Swap(other); }

Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    Stream old(std::move(other));
    Swap(old);  // old now holds our previous blocks and frees them
  }
  return *this;
}

void Stream::Swap(Stream& other) noexcept {
  std::swap(tree_, other.tree_);
  std::swap(tail_, other.tail_);
  std::swap(block_bytes_, other.block_bytes_);
  std::swap(compressed_blocks_, other.compressed_blocks_);
  std::swap(cache_, other.cache_);
  std::swap(last_span_, other.last_span_);
  std::swap(dict_, other.dict_);
  std::swap(length_, other.length_);
  std::swap(entries_added_, other.entries_added_);
  std::swap(last_id_, other.last_id_);
  std::swap(first_id_, other.first_id_);
  std::swap(max_deleted_id_, other.max_deleted_id_);
  std::swap(groups_, other.groups_);
  std::swap(retention_, other.retention_);
  std::swap(schedule_, other.schedule_);
  std::swap(idmp_, other.idmp_);
}

void Stream::FreeAllBlocks() {
  Tree::Iterator it(tree_);
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) delete it.Value();
  tree_.Clear();
  last_span_ = {};
  tail_ = nullptr;
  block_bytes_ = 0;
  compressed_blocks_ = 0;
  if (cache_) cache_->Clear();
  dict_.reset();
}

const EntryBlock& Stream::Plain(const EntryBlock& block,
                                std::shared_ptr<const EntryBlock>& keep) const {
  if (!block.compressed()) return block;
  if (!cache_) cache_ = std::make_unique<BlockCache>();
  keep = cache_->Get(block, *dict_);
  return *keep;
}

bool Stream::Unseal(EntryBlock* block) {
  if (!block->compressed()) return false;
  if (cache_) cache_->Forget(block);
  size_t before = block->BytesUsed();
  block->Decompress(*dict_);
  block_bytes_ = block_bytes_ - before + block->BytesUsed();
  compressed_blocks_--;
  return true;
}

void Stream::Reseal(EntryBlock* block, bool was_compressed) {
  if (was_compressed && block != tail_) CompressBlock(block);
}

void Stream::CompressBlock(EntryBlock* block) {
  if (!dict_) {
    constexpr size_t kMaxDict = 64 * 1024;  // as far back as an LZ4 match reaches
    std::string_view sample = block->PlainBytes();
    if (sample.size() > kMaxDict) sample.remove_prefix(sample.size() - kMaxDict);
    dict_ = std::make_shared<const std::string>(sample);
  }
  size_t before = block->BytesUsed();
  if (block->Compress(*dict_)) compressed_blocks_++;
  block_bytes_ = block_bytes_ - before + block->BytesUsed();
}

Stream Stream::Clone() const {
  Stream copy;
  copy.dict_ = dict_;  // immutable: the copy's blocks compress against the same bytes
  Tree::Iterator it(tree_);
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) {
    // EntryBlock is move-only; re-appending its live entries is the copy (and a compaction).
    auto block = std::make_unique<EntryBlock>();
    std::shared_ptr<const EntryBlock> keep;
    EntryBlock::Cursor cursor(Plain(*it.Value(), keep));
    for (bool e = cursor.SeekFirst(); e; e = cursor.Next()) {
      bool appended = block->Append(cursor.id(), cursor.entry().field_values, {0, 0});
      assert(appended);
      (void)appended;
    }
    block->ShrinkToFit();
    // The original key is still <= every ID of the copy.
    bool inserted = copy.tree_.TryInsert(it.Key(), block.get());
    assert(inserted);
    (void)inserted;
    copy.block_bytes_ += block->BytesUsed();
    if (it.Value()->compressed()) copy.CompressBlock(block.get());
    copy.tail_ = block.release();
  }
  copy.length_ = length_;
  copy.entries_added_ = entries_added_;
  copy.last_id_ = last_id_;
  copy.first_id_ = first_id_;
  copy.max_deleted_id_ = max_deleted_id_;
  copy.retention_ = retention_;
  copy.schedule_ = schedule_;
  for (const auto& [name, group] : groups_) copy.groups_.emplace(name, group->Clone());
  if (idmp_) copy.idmp_ = idmp_->Clone();
  return copy;
}

EntryBlock* Stream::BlockFor(StreamID id, StreamID& key) const {
  const BlockSpan& span = last_span_;
  if (span.block != nullptr && id >= span.key && (id < span.next || span.next == StreamID::Max())) {
    key = span.key;
    return span.block;
  }
  Tree::Iterator it(tree_);
  if (!it.Seek(SeekOp::kLessOrEqual, id)) return nullptr;
  BlockSpan found{it.Value(), it.Id(), StreamID::Max()};
  if (it.Next()) found.next = it.Id();
  last_span_ = found;
  key = found.key;
  return found.block;
}

bool Stream::Contains(StreamID id) const {
  // The one block that may hold `id`, asked directly: a range iterator would decode entries on
  // its way (XCLAIM and its replay ask this for every ID).
  StreamID key;
  const EntryBlock* block = BlockFor(id, key);
  if (block == nullptr) return false;
  std::shared_ptr<const EntryBlock> keep;
  return Plain(*block, keep).Contains(id);
}

ConsumerGroup* Stream::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

ConsumerGroup* Stream::CreateGroup(std::string_view name, StreamID last_id,
                                   int64_t entries_read) {
  if (groups_.find(name) != groups_.end()) return nullptr;
  auto group = std::make_unique<ConsumerGroup>(last_id, entries_read);
  ConsumerGroup* raw = group.get();
  groups_.emplace(std::string(name), std::move(group));
  return raw;
}

bool Stream::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

size_t Stream::BytesUsedWithGroups() const {
  size_t n = BytesUsed();
  for (const auto& [name, group] : groups_) {
    n += 4 * sizeof(void*) + sizeof(name) + name.capacity() + group->BytesUsed();
  }
  if (idmp_) n += idmp_->BytesUsed();
  return n;
}

bool Stream::AcknowledgedByAllGroups(StreamID id) const {
  for (const auto& [name, group] : groups_) {
    if (group->last_id() < id || group->FindPending(id) != nullptr) return false;
  }
  return true;
}

void Stream::DropPendingReferences(StreamID id) {
  for (const auto& [name, group] : groups_) group->Ack(id);
}

IdResult<StreamID> Stream::Add(const XAddId& given, std::span<const std::string_view> field_values,
                               uint64_t now_ms, StreamLimits limits) {
  IdResult<StreamID> id = ResolveXAddId(given, last_id_, now_ms);
  if (id.ok()) Append(id.value, field_values, limits);
  return id;
}

IdStatus Stream::AddWithId(StreamID id, std::span<const std::string_view> field_values,
                           StreamLimits limits) {
  return Add({XAddId::Kind::kExplicit, id}, field_values, 0, limits).status;
}

void Stream::Append(StreamID id, std::span<const std::string_view> field_values,
                    StreamLimits limits) {
  bool appended = false;
  if (tail_ != nullptr) {
    size_t before = tail_->BytesUsed();
    // XSETID may have lowered last_id below deleted entries still flagged in the tail (never
    // below a live one): dropping them keeps the block's IDs increasing.
    if (*tail_->LastId() >= id) tail_->Compact();
    appended = tail_->Append(id, field_values, limits);
    if (!appended) tail_->ShrinkToFit();  // closed for good: no more appends will come
    block_bytes_ = block_bytes_ - before + tail_->BytesUsed();
    if (!appended && limits.compress) CompressBlock(tail_);
  }
  if (!appended) AppendToNewBlock(id, field_values, limits);
  length_++;
  entries_added_++;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
}

IdStatus Stream::AppendBlock(EntryBlock block, StreamLimits limits) {
  if (block.Empty() || block.deleted_count() > 0 || block.compressed()) {
    return IdStatus::kInvalid;  // not an image's block: Import never makes these
  }
  if (block.master_id() <= last_id_) return IdStatus::kXAddNotGreater;
  const size_t entries = block.entry_count();
  const bool oversized =
      (limits.max_entries != 0 && entries > limits.max_entries) ||
      (limits.max_bytes != 0 && entries > 1 && block.EncodedBytes() > limits.max_bytes);
  if (oversized) {
    EntryBlock::Cursor cursor(block);
    for (bool ok = cursor.SeekFirst(); ok; ok = cursor.Next()) {
      Append(cursor.id(), cursor.entry().field_values, limits);
    }
    return IdStatus::kOk;
  }
  if (tail_ != nullptr) {
    // Deleted entries still flagged above last_id_ (after XSETID) would overlap the new block.
    const size_t before = tail_->BytesUsed();
    if (*tail_->LastId() >= block.master_id()) tail_->Compact();
    tail_->ShrinkToFit();  // sealed: the new block takes the appends from now on
    block_bytes_ = block_bytes_ - before + tail_->BytesUsed();
    if (limits.compress) CompressBlock(tail_);
  }
  auto owned = std::make_unique<EntryBlock>(std::move(block));
  // master > last_id_ >= every ID >= every key: the key is new and the largest.
  bool inserted = tree_.TryInsert(owned->master_id(), owned.get());
  last_span_ = {};
  assert(inserted);
  (void)inserted;
  block_bytes_ += owned->BytesUsed();
  if (length_ == 0) first_id_ = owned->master_id();
  length_ += entries;
  entries_added_ += entries;
  last_id_ = *owned->LastId();
  tail_ = owned.release();
  return IdStatus::kOk;
}

void Stream::AppendToNewBlock(StreamID id, std::span<const std::string_view> field_values,
                              StreamLimits limits) {
  auto block = std::make_unique<EntryBlock>();
  bool appended = block->Append(id, field_values, limits);  // a first entry always fits
  assert(appended);
  (void)appended;
  // id > last_id_ >= every ID >= every key, so the key is new and the largest.
  bool inserted = tree_.TryInsert(id, block.get());
  last_span_ = {};
  assert(inserted);
  (void)inserted;
  block_bytes_ += block->BytesUsed();
  tail_ = block.release();
}

void Stream::FreeBlock(StreamID key, EntryBlock* block) {
  std::optional<EntryBlock*> erased = tree_.Erase(key);
  last_span_ = {};
  assert(erased && *erased == block);
  (void)erased;
  block_bytes_ -= block->BytesUsed();
  if (block->compressed()) compressed_blocks_--;
  if (cache_) cache_->Forget(block);
  if (block == tail_) {
    // The previous block becomes the tail and takes appends again while its limits allow,
    // as Redis appends to whatever node is last; so it is plain again.
    Tree::Iterator it(tree_);
    tail_ = it.Seek(SeekOp::kLast) ? it.Value() : nullptr;
    if (tail_ != nullptr) Unseal(tail_);
  }
  delete block;
}

void Stream::CompactBlock(EntryBlock* block) {
  size_t before = block->BytesUsed();
  block->Compact();
  block_bytes_ = block_bytes_ - before + block->BytesUsed();
}

void Stream::RefreshFirstId() {
  std::optional<StreamID> first = FirstEntryId();
  first_id_ = first ? *first : StreamID{};
}

bool Stream::Delete(StreamID id) {
  StreamID key;
  EntryBlock* block = BlockFor(id, key);
  if (block == nullptr) return false;
  if (block->compressed()) {
    std::shared_ptr<const EntryBlock> keep;
    if (!Plain(*block, keep).Contains(id)) return false;  // no need to decompress
  }
  const bool was_compressed = Unseal(block);
  if (!block->MarkDeleted(id)) return false;
  length_--;
  if (id > max_deleted_id_) max_deleted_id_ = id;
  if (block->Empty()) {
    FreeBlock(key, block);
  } else {
    // The block keeps its tree key, which may now be below its new master ID.
    if (block->ShouldCompact()) CompactBlock(block);
    Reseal(block, was_compressed);
  }
  if (id == first_id_) RefreshFirstId();
  return true;
}

DeleteOutcome Stream::DeleteEntry(StreamID id, RefPolicy policy) {
  if (policy == RefPolicy::kDelRef) DropPendingReferences(id);  // dangling ones too
  if (policy == RefPolicy::kAcked) {
    if (!Range(id, id).Valid()) return DeleteOutcome::kNotFound;
    if (!AcknowledgedByAllGroups(id)) return DeleteOutcome::kReferenced;
  }
  return Delete(id) ? DeleteOutcome::kDeleted : DeleteOutcome::kNotFound;
}

bool Stream::BlockAcknowledged(const EntryBlock& block) const {
  std::shared_ptr<const EntryBlock> keep;
  EntryBlock::Cursor cursor(Plain(block, keep));
  for (bool ok = cursor.SeekFirst(); ok; ok = cursor.Next()) {
    if (!AcknowledgedByAllGroups(cursor.id())) return false;
  }
  return true;
}

void Stream::DropBlockReferences(const EntryBlock& block) {
  std::shared_ptr<const EntryBlock> keep;
  EntryBlock::Cursor cursor(Plain(block, keep));
  for (bool ok = cursor.SeekFirst(); ok; ok = cursor.Next()) DropPendingReferences(cursor.id());
}

template <typename More, typename BlockGoes, typename EntryGoes>
size_t Stream::TrimHead(bool approx, uint64_t limit, RefPolicy policy, More more,
                        BlockGoes block_goes, EntryGoes entry_goes) {
  // Without groups nothing is referenced: every mode is KEEPREF.
  if (groups_.empty()) policy = RefPolicy::kKeepRef;
  const bool acked = policy == RefPolicy::kAcked;
  size_t removed = 0;
  Tree::Iterator it(tree_);
  // Freeing a block invalidates the iterator: every round seeks again, after the key of the
  // block just handled (under ACKED earlier blocks may have been kept).
  for (bool ok = it.Seek(SeekOp::kFirst); ok && more();) {
    EntryBlock* block = it.Value();
    const StreamID key = it.Id();
    const uint64_t live = block->live_count();
    if (block_goes(*block) && (!acked || BlockAcknowledged(*block))) {
      if (approx && limit != 0 && removed + live > limit) break;
      if (policy == RefPolicy::kDelRef) DropBlockReferences(*block);
      length_ -= live;
      removed += live;
      FreeBlock(key, block);
      ok = it.Seek(SeekOp::kGreater, key);
      continue;
    }
    if (approx) break;
    bool reached_threshold = false;
    const bool was_compressed = Unseal(block);
    EntryBlock::Cursor cursor(*block);
    for (bool e = cursor.SeekFirst(); e; e = cursor.Next()) {
      const StreamID id = cursor.id();
      if (!more() || !entry_goes(id)) {
        reached_threshold = true;
        break;
      }
      if (acked && !AcknowledgedByAllGroups(id)) continue;  // still referenced: stays
      if (policy == RefPolicy::kDelRef) DropPendingReferences(id);
      bool marked = block->MarkDeleted(id);  // leaves the cursor usable
      assert(marked);
      (void)marked;
      length_--;
      removed++;
    }
    // A MINID trim can empty the block when only its deleted last entry was >= minid. (Redis
    // keeps such an empty node around; we free it.)
    if (block->Empty()) {
      FreeBlock(key, block);
    } else {
      if (block->ShouldCompact()) CompactBlock(block);
      Reseal(block, was_compressed);
    }
    if (reached_threshold) break;
    ok = it.Seek(SeekOp::kGreater, key);
  }
  if (removed > 0) RefreshFirstId();
  return removed;
}

size_t Stream::TrimMaxLen(uint64_t maxlen, bool approx, uint64_t limit, RefPolicy policy) {
  // A partially trimmed block keeps at least one entry, since length_ - live < maxlen there.
  auto more = [&] { return length_ > maxlen; };
  return TrimHead(
      approx, limit, policy, more,
      [&](const EntryBlock& block) { return length_ - block.live_count() >= maxlen; },
      [&](StreamID) { return more(); });
}

size_t Stream::TrimMinId(StreamID minid, bool approx, uint64_t limit, RefPolicy policy) {
  // Redis decides on a block's last entry even when that one is deleted.
  return TrimHead(
      approx, limit, policy, [&] { return length_ > 0; },
      [&](const EntryBlock& block) { return *block.LastId() < minid; },
      [&](StreamID id) { return id < minid; });
}

SetIdStatus Stream::SetId(StreamID last_id, std::optional<uint64_t> entries_added,
                          std::optional<StreamID> max_deleted_id) {
  if (max_deleted_id && *max_deleted_id == StreamID{}) max_deleted_id.reset();
  if (max_deleted_id && last_id < *max_deleted_id) return SetIdStatus::kSmallerThanMaxDeleted;
  if (length_ > 0 && last_id < *LastEntryId()) return SetIdStatus::kSmallerThanTopItem;
  if (entries_added && *entries_added < length_) return SetIdStatus::kEntriesAddedTooSmall;
  last_id_ = last_id;
  if (entries_added) entries_added_ = *entries_added;
  if (max_deleted_id) max_deleted_id_ = *max_deleted_id;
  return SetIdStatus::kOk;
}

std::optional<StreamID> Stream::FirstEntryId() const {
  Tree::Iterator it(tree_);
  if (!it.Seek(SeekOp::kFirst)) return std::nullopt;
  std::shared_ptr<const EntryBlock> keep;
  return Plain(*it.Value(), keep).FirstLiveId();
}

std::optional<StreamID> Stream::LastEntryId() const {
  if (tail_ == nullptr) return std::nullopt;
  return tail_->LastLiveId();
}

Stream::RangeIterator Stream::Range(StreamID start, StreamID end, bool reverse) const {
  return RangeIterator(*this, start, end, reverse);
}

Stream::RangeIterator Stream::FirstEntry() const {
  return Range(StreamID::Min(), StreamID::Max(), false);
}

Stream::RangeIterator Stream::LastEntry() const {
  return Range(StreamID::Min(), StreamID::Max(), true);
}

Stream::RangeIterator Stream::After(StreamID after) const {
  IdResult<StreamID> start = Increment(after);
  // Nothing is after Max(): an empty range.
  if (!start.ok()) return Range(StreamID::Max(), StreamID::Min());
  return Range(start.value, StreamID::Max());
}

std::string Stream::Validate() const {
  if (std::string e = tree_.Validate(); !e.empty()) return "tree: " + e;
  for (const auto& [name, group] : groups_) {
    if (std::string e = group->Validate(); !e.empty()) return "group " + name + ": " + e;
  }
  if (idmp_) {
    if (std::string e = idmp_->Validate(); !e.empty()) return "idmp: " + e;
  }
  Tree::Iterator it(tree_);
  uint64_t live = 0;
  size_t bytes = 0;
  size_t compressed = 0;
  std::optional<StreamID> prev_last;
  EntryBlock* last_block = nullptr;
  for (bool ok = it.Seek(SeekOp::kFirst); ok; ok = it.Next()) {
    const EntryBlock* b = it.Value();
    const StreamID key = it.Id();
    const std::string where = " (block " + key.ToString() + ")";
    if (b->Empty()) return "a block without live entries is kept" + where;
    if (b->master_id() < key) return "a block's master ID is below its key" + where;
    if (prev_last && *prev_last >= key) return "blocks overlap" + where;
    prev_last = b->LastId();
    std::shared_ptr<const EntryBlock> keep;
    const EntryBlock& plain = Plain(*b, keep);
    if (plain.LastId() != b->LastId() || plain.live_count() != b->live_count()) {
      return "a compressed block's plain copy disagrees with it" + where;
    }
    if (*plain.LastLiveId() > last_id_) return "a live ID above last_id" + where;
    live += b->live_count();
    bytes += b->BytesUsed();
    compressed += b->compressed() ? 1 : 0;
    last_block = it.Value();
  }
  if (live != length_) {
    return "length is " + std::to_string(length_) + " but blocks hold " + std::to_string(live);
  }
  if (last_block != tail_) return "the tail is not the block of the largest key";
  if (tail_ != nullptr && tail_->compressed()) return "the tail is compressed";
  if (bytes != block_bytes_) return "block byte count is stale";
  if (compressed != compressed_blocks_) return "compressed block count is stale";
  std::optional<StreamID> first = FirstEntryId();
  if (first_id_ != (first ? *first : StreamID{})) return "first_id is not the first live entry";
  return "";
}

// --- RangeIterator ----------------------------------------------------------------------------

Stream::RangeIterator::RangeIterator(const Stream& stream, StreamID start, StreamID end,
                                     bool reverse)
    : stream_(&stream), tree_it_(stream.tree_), start_(start), end_(end), reverse_(reverse) {
  if (start > end) return;
  if (!reverse) {
    // The block holding `start` has the last key <= start; if `start` precedes every key, the
    // range begins in the first block.
    if (!tree_it_.Seek(SeekOp::kLessOrEqual, start) && !tree_it_.Seek(SeekOp::kFirst)) return;
    OpenBlock();
    SettleAcrossBlocks(cursor_->Seek(SeekOp::kGreaterOrEqual, start));
  } else {
    if (!tree_it_.Seek(SeekOp::kLessOrEqual, end)) return;
    OpenBlock();
    SettleAcrossBlocks(cursor_->Seek(SeekOp::kLessOrEqual, end));
  }
}

bool Stream::RangeIterator::Next() {
  if (!valid_) return false;
  return SettleAcrossBlocks(reverse_ ? cursor_->Prev() : cursor_->Next());
}

bool Stream::RangeIterator::SettleAcrossBlocks(bool landed) {
  while (!landed) {
    if (!(reverse_ ? tree_it_.Prev() : tree_it_.Next())) return valid_ = false;
    OpenBlock();
    landed = reverse_ ? cursor_->SeekLast() : cursor_->SeekFirst();
  }
  return CheckBound();
}

void Stream::RangeIterator::OpenBlock() {
  cursor_.reset();  // before plain_ lets go of the copy it may walk
  cursor_.emplace(stream_->Plain(*tree_it_.Value(), plain_));
}

bool Stream::RangeIterator::CheckBound() {
  valid_ = reverse_ ? cursor_->id() >= start_ : cursor_->id() <= end_;
  return valid_;
}

}  // namespace streams
