// streams::EntryBlock::Import / Image: a block's image imports back to a block that reads the
// same in both directions; images of compressed blocks and of blocks with deleted entries are
// plain and compacted; and every byte flip, truncation or wrong metadata of a valid image is
// either refused or gives a block whose every read is consistent (under ASan: never a bad read).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "streams/entry_block.h"

using streams::BlockImage;
using streams::EntryBlock;
using streams::ImportedBlock;
using streams::SeekOp;
using streams::StreamID;

namespace {

struct Entry {
  StreamID id;
  std::vector<std::string> fv;
  bool operator==(const Entry& o) const { return id == o.id && fv == o.fv; }
};

std::vector<Entry> Forward(const EntryBlock& b) {
  std::vector<Entry> out;
  EntryBlock::Cursor c(b);
  for (bool ok = c.SeekFirst(); ok; ok = c.Next()) {
    out.push_back({c.id(), {c.entry().field_values.begin(), c.entry().field_values.end()}});
  }
  return out;
}

std::vector<Entry> Backward(const EntryBlock& b) {
  std::vector<Entry> out;
  EntryBlock::Cursor c(b);
  for (bool ok = c.SeekLast(); ok; ok = c.Prev()) {
    out.push_back({c.id(), {c.entry().field_values.begin(), c.entry().field_values.end()}});
  }
  return out;
}

// A block of `n` entries mixing same-fields entries, other field lists, integers, empty
// strings, sequence numbers and a wide ms gap.
EntryBlock MakeBlock(std::mt19937_64& rng, size_t n) {
  EntryBlock b;
  StreamID id{1700000000000, 0};
  for (size_t i = 0; i < n; i++) {
    const uint64_t step = rng() % 4;
    if (step == 0) {
      id.seq++;
    } else if (i == n / 2 && rng() % 2 == 0) {
      id = {id.ms + (uint64_t{1} << 62), 0};  // a wide delta
    } else {
      id = {id.ms + step, rng() % 3};
    }
    std::vector<std::string> fv;
    if (rng() % 3 != 0) {
      fv = {"name", "item" + std::to_string(rng() % 100), "count", std::to_string(rng() % 1000)};
    } else {
      fv = {"k" + std::to_string(rng() % 5),
            std::string(rng() % 40, 'x'),
            "n",
            std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64)),
            "e",
            ""};
    }
    std::vector<std::string_view> views(fv.begin(), fv.end());
    REQUIRE(b.Append(id, views, {0, 0}));
  }
  return b;
}

// Every read the stream makes of a block, checked against each other: walks both ways agree,
// seeks land where the walk says, counts match. Returns false on an inconsistency.
bool ReadsConsistently(const EntryBlock& b) {
  const std::vector<Entry> fwd = Forward(b);
  std::vector<Entry> bwd = Backward(b);
  std::reverse(bwd.begin(), bwd.end());
  if (fwd != bwd || fwd.size() != b.live_count() || fwd.empty()) return false;
  for (size_t i = 1; i < fwd.size(); i++) {
    if (!(fwd[i - 1].id < fwd[i].id)) return false;
  }
  if (fwd.front().id != b.master_id() || fwd.back().id != *b.LastId()) return false;
  if (b.FirstLiveId() != fwd.front().id || b.LastLiveId() != fwd.back().id) return false;
  for (const Entry& e : fwd) {
    if (!b.Contains(e.id)) return false;
    EntryBlock::Cursor c(b);
    if (!c.Seek(SeekOp::kEqual, e.id) || c.id() != e.id) return false;
    if (!c.Seek(SeekOp::kLessOrEqual, e.id) || c.id() != e.id) return false;
  }
  return true;
}

BlockImage Image(const EntryBlock& b, EntryBlock& scratch) { return b.Image(scratch); }

}  // namespace

TEST_CASE("A block's image imports back to a block that reads the same both ways",
          "[entry_block][import]") {
  std::mt19937_64 rng(42);
  for (size_t n : {1, 2, 7, 100, 500}) {
    EntryBlock b = MakeBlock(rng, n);
    EntryBlock scratch;
    const BlockImage image = Image(b, scratch);
    CHECK(image.bytes.data() == b.PlainBytes().data());  // plain, no deletes: no copy
    ImportedBlock in = EntryBlock::Import(image);
    INFO(in.error);
    REQUIRE(in.block);
    CHECK(in.error.empty());
    CHECK(Forward(*in.block) == Forward(b));
    CHECK(Backward(*in.block) == Backward(b));
    CHECK(in.block->PlainBytes() == b.PlainBytes());
    CHECK(in.block->master_id() == b.master_id());
    CHECK(in.block->LastId() == b.LastId());
    CHECK(in.block->live_count() == n);
    CHECK(in.block->deleted_count() == 0);
    CHECK(in.block->BytesUsed() == sizeof(EntryBlock) + b.EncodedBytes());
    CHECK(ReadsConsistently(*in.block));
  }
}

TEST_CASE("An imported block takes appends, deletions and compression like any other",
          "[entry_block][import]") {
  std::mt19937_64 rng(7);
  EntryBlock b = MakeBlock(rng, 50);
  EntryBlock scratch;
  ImportedBlock in = EntryBlock::Import(Image(b, scratch));
  REQUIRE(in.block);
  EntryBlock& c = *in.block;
  const StreamID next{b.LastId()->ms + 1, 0};
  const std::vector<std::string_view> fv = {"name", "new", "count", "5"};
  REQUIRE(c.Append(next, fv, {0, 0}));
  REQUIRE(b.Append(next, fv, {0, 0}));
  CHECK(c.PlainBytes() == b.PlainBytes());  // same-fields found against the imported master
  const StreamID victim = Forward(b)[10].id;
  CHECK(c.MarkDeleted(victim));
  CHECK(!c.Contains(victim));
  CHECK(c.Compress());
  CHECK(Forward(c.Inflated()).size() == 50);
}

TEST_CASE(
    "Images of compressed blocks and of blocks with deleted entries are plain and "
    "compacted",
    "[entry_block][import]") {
  std::mt19937_64 rng(9);
  EntryBlock b = MakeBlock(rng, 80);
  const std::vector<Entry> all = Forward(b);
  // Delete the master and a few others: the image re-masters on the first live entry.
  for (size_t i : {0, 3, 4, 79}) REQUIRE(b.MarkDeleted(all[i].id));
  const std::vector<Entry> live = Forward(b);
  const std::string dict = "namecountitem12345";
  REQUIRE(b.Compress(dict));
  EntryBlock scratch;
  const BlockImage image = b.Image(scratch, dict);
  CHECK(image.entries == live.size());
  CHECK(image.master_id == live.front().id);
  CHECK(image.last_id == live.back().id);
  ImportedBlock in = EntryBlock::Import(image);
  REQUIRE(in.block);
  CHECK(Forward(*in.block) == live);
  CHECK(ReadsConsistently(*in.block));
}

TEST_CASE("Images that break a rule are refused with the rule", "[entry_block][import]") {
  std::mt19937_64 rng(11);
  EntryBlock b = MakeBlock(rng, 20);
  EntryBlock scratch;
  const BlockImage good = Image(b, scratch);
  auto refused = [](BlockImage image) {
    ImportedBlock in = EntryBlock::Import(image);
    return in.block ? std::string() : std::string(in.error);
  };
  BlockImage i = good;
  i.entries = 19;
  CHECK(refused(i) == "more entries than counted");
  i = good;
  i.entries = 21;
  CHECK(refused(i) == "fewer entries than counted");
  i = good;
  i.entries = 0;
  CHECK(refused(i) == "empty block");
  i = good;
  i.master_id.seq++;
  CHECK(!refused(i).empty());
  i = good;
  i.last_id.ms++;
  CHECK(refused(i) == "last entry is not the last ID");
  i = good;
  i.last_id = {good.master_id.ms, 0};
  i.master_id = {good.master_id.ms, 1};
  CHECK(refused(i) == "master ID above the last ID");
  i = good;
  i.bytes = good.bytes.substr(0, good.bytes.size() - 1);
  CHECK(!refused(i).empty());

  // A deleted flag, a non-shortest varint, an integer spelled as a string.
  std::string bytes(good.bytes);
  bytes[0] = static_cast<char>(bytes[0] | 1);
  i = good;
  i.bytes = bytes;
  CHECK(refused(i) == "deleted entry");

  EntryBlock one;
  const std::vector<std::string_view> fv = {"f", "v"};
  REQUIRE(one.Append({5, 0}, fv, {0, 0}));
  const BlockImage one_image = one.Image(scratch);
  std::string padded(one_image.bytes);
  padded.insert(1, 1, '\0');  // head 0x00 -> 0x80 0x00: the same value, longer
  padded[0] = static_cast<char>(padded[0] | 0x80);
  CHECK(refused({one_image.master_id, one_image.last_id, 1, padded}) == "bad entry head");
  // head 0, 1 pair, "12" as a string item: Append would have stored it as an integer.
  const std::string as_string = std::string(
      "\x00\x01\x04"
      "12"
      "\x02v",
      7);
  CHECK(refused({{5, 0}, {5, 0}, 1, as_string}) == "bad item");
  const std::string as_int = std::string("\x00\x01\x31\x02v", 5);  // zigzag(12) << 1 | 1 = 49
  ImportedBlock ok = EntryBlock::Import({{5, 0}, {5, 0}, 1, as_int});
  REQUIRE(ok.block);
  CHECK(Forward(*ok.block) == std::vector<Entry>{{{5, 0}, {"12", "v"}}});
  // A huge pair count must not be believed (it would size the cursor's buffers).
  const std::string huge = std::string("\x00\xff\xff\xff\xff\x0f\x02v", 8);
  CHECK(refused({{5, 0}, {5, 0}, 1, huge}) == "pair count past the end");
  // The master never takes its names from itself.
  const std::string same = std::string("\x02\x02v", 3);
  CHECK(refused({{5, 0}, {5, 0}, 1, same}) == "master entry without field names");
}

TEST_CASE("Flipped bytes and truncations of a valid image are refused or read consistently",
          "[entry_block][import][random]") {
  std::mt19937_64 rng(20261205);
  size_t accepted = 0;
  size_t refused = 0;
  for (int round = 0; round < 60; round++) {
    EntryBlock b = MakeBlock(rng, 1 + rng() % 60);
    EntryBlock scratch;
    const BlockImage good = Image(b, scratch);
    for (int m = 0; m < 200; m++) {
      std::string bytes(good.bytes);
      BlockImage image = good;
      switch (rng() % 4) {
        case 0:
          bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
          break;
        case 1:
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
          break;
        case 2:
          bytes.resize(rng() % bytes.size());
          break;
        default:
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
          image.entries = rng() % 2 == 0 ? image.entries + 1 : image.entries - 1;
          break;
      }
      image.bytes = bytes;
      ImportedBlock in = EntryBlock::Import(image);
      if (!in.block) {
        CHECK(!in.error.empty());
        refused++;
        continue;
      }
      accepted++;
      CHECK(in.block->live_count() == image.entries);
      CHECK(ReadsConsistently(*in.block));
    }
  }
  CHECK(refused > 0);
  CHECK(accepted > 0);  // value bytes may change freely: such images are still valid
}
