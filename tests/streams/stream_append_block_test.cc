// streams::Stream::AppendBlock: a stream rebuilt from another's block images (as the AOF
// snapshot ships them) reads and reports exactly as one built entry by entry with the same
// limits, compressed or not; blocks the limits do not admit whole are re-appended; what comes
// after (XADD, XDEL, trims) works on imported blocks; and a block not above the last ID is
// refused without a change.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "streams/stream.h"

using streams::BlockImage;
using streams::EntryBlock;
using streams::IdStatus;
using streams::Stream;
using streams::StreamID;
using streams::StreamLimits;

namespace {

std::vector<std::string> Walk(const Stream& s, bool reverse) {
  std::vector<std::string> out;
  for (auto it = s.Range(StreamID::Min(), StreamID::Max(), reverse); it.Valid(); it.Next()) {
    std::string line = it.id().ToString();
    for (std::string_view f : it.entry().field_values) line += " " + std::string(f);
    out.push_back(std::move(line));
  }
  return out;
}

// What XRANGE, XREVRANGE and XINFO STREAM show of a stream, one string.
std::string Visible(const Stream& s) {
  std::string out = "length " + std::to_string(s.length()) + " last " + s.last_id().ToString() +
                    " first " + s.first_id().ToString() + " added " +
                    std::to_string(s.entries_added()) + " maxdel " + s.max_deleted_id().ToString() +
                    " keys " + std::to_string(s.tree_keys()) + " nodes " +
                    std::to_string(s.tree_nodes()) + " compressed " +
                    std::to_string(s.compressed_blocks()) + "\n";
  for (const std::string& e : Walk(s, false)) out += e + "\n";
  for (const std::string& e : Walk(s, true)) out += e + "\n";
  return out;
}

void Fill(Stream& s, std::mt19937_64& rng, size_t n, StreamLimits limits) {
  StreamID id{1000, 0};
  for (size_t i = 0; i < n; i++) {
    id = rng() % 3 == 0 ? StreamID{id.ms, id.seq + 1} : StreamID{id.ms + 1 + rng() % 5, 0};
    const std::string v = std::to_string(rng() % 100000);
    const std::string pad(rng() % 30, 'p');
    std::vector<std::string_view> fv = {"user", v, "pad", pad};
    REQUIRE(s.AddWithId(id, fv, limits) == IdStatus::kOk);
  }
}

// Rebuilds `from` into a fresh stream through its block images.
Stream Rebuild(const Stream& from, StreamLimits limits) {
  Stream to;
  const bool all = from.ForEachBlockImage([&](const BlockImage& image) {
    streams::ImportedBlock in = EntryBlock::Import(image);
    REQUIRE(in.block);
    REQUIRE(to.AppendBlock(std::move(*in.block), limits) == IdStatus::kOk);
    return true;
  });
  CHECK(all);
  return to;
}

}  // namespace

TEST_CASE("A stream rebuilt from block images reads and reports as one built by appends",
          "[stream][append_block]") {
  for (bool compress : {false, true}) {
    for (StreamLimits limits : {StreamLimits{100, 4096, compress}, StreamLimits{7, 0, compress},
                                StreamLimits{0, 300, compress}}) {
      INFO("compress " << compress << " max_entries " << limits.max_entries << " max_bytes "
                       << limits.max_bytes);
      std::mt19937_64 rng(limits.max_entries * 31 + limits.max_bytes + compress);
      Stream built;
      Fill(built, rng, 1000, limits);
      Stream rebuilt = Rebuild(built, limits);
      CHECK(rebuilt.Validate() == "");
      CHECK(Visible(rebuilt) == Visible(built));
      // Both take the next entries alike: the imported tail is open for appends.
      std::vector<std::string_view> fv = {"user", "1", "pad", ""};
      for (int i = 0; i < 150; i++) {
        const StreamID id{built.last_id().ms + 1, 0};
        REQUIRE(built.AddWithId(id, fv, limits) == IdStatus::kOk);
        REQUIRE(rebuilt.AddWithId(id, fv, limits) == IdStatus::kOk);
      }
      CHECK(rebuilt.Validate() == "");
      CHECK(Visible(rebuilt) == Visible(built));
    }
  }
}

TEST_CASE("Images of a stream with deletions rebuild its live entries, compacted",
          "[stream][append_block]") {
  for (bool compress : {false, true}) {
    const StreamLimits limits{20, 0, compress};
    std::mt19937_64 rng(5 + compress);
    Stream s;
    Fill(s, rng, 500, limits);
    std::vector<StreamID> ids;
    for (auto it = s.FirstEntry(); it.Valid(); it.Next()) ids.push_back(it.id());
    for (size_t i = 0; i < ids.size(); i++) {
      if (i % 3 == 0 || (i >= 40 && i < 60)) REQUIRE(s.Delete(ids[i]));
    }
    s.TrimMaxLen(300, false, 0);
    Stream t = Rebuild(s, limits);
    CHECK(t.Validate() == "");
    CHECK(Walk(t, false) == Walk(s, false));
    CHECK(Walk(t, true) == Walk(s, true));
    CHECK(t.length() == s.length());
    CHECK(t.first_id() == s.first_id());
    CHECK(t.compressed_blocks() < t.tree_keys());  // never the tail
    if (!compress) CHECK(t.compressed_blocks() == 0);
    // Deleting and trimming go on working on imported blocks.
    const StreamID victim = *t.FirstEntryId();
    CHECK(t.Delete(victim));
    CHECK(t.TrimMaxLen(100, false, 0) > 0);
    CHECK(t.length() == 100);
    CHECK(t.Validate() == "");
  }
}

TEST_CASE("A block the limits do not admit whole is re-appended entry by entry",
          "[stream][append_block]") {
  std::mt19937_64 rng(3);
  Stream big;
  Fill(big, rng, 400, {0, 0});  // one block of 400
  REQUIRE(big.tree_keys() == 1);
  for (StreamLimits limits : {StreamLimits{50, 0}, StreamLimits{0, 1000}}) {
    Stream small = Rebuild(big, limits);
    Stream appended;
    for (auto it = big.FirstEntry(); it.Valid(); it.Next()) {
      REQUIRE(appended.AddWithId(it.id(), it.entry().field_values, limits) == IdStatus::kOk);
    }
    CHECK(small.Validate() == "");
    CHECK(small.tree_keys() > 1);
    CHECK(Visible(small) == Visible(appended));
  }
}

TEST_CASE("A block not above the last ID is refused and changes nothing",
          "[stream][append_block]") {
  std::mt19937_64 rng(4);
  Stream s;
  Fill(s, rng, 30, {10, 0});
  Stream source;
  Fill(source, rng, 5, {10, 0});  // IDs from 1001 again: below s's last ID
  const std::string before = Visible(s);
  source.ForEachBlockImage([&](const BlockImage& image) {
    streams::ImportedBlock in = EntryBlock::Import(image);
    REQUIRE(in.block);
    CHECK(s.AppendBlock(std::move(*in.block)) == IdStatus::kXAddNotGreater);
    return true;
  });
  CHECK(Visible(s) == before);
  CHECK(s.Validate() == "");
  // An empty stream refuses 0-0 (no entry may have it) and takes anything above.
  Stream e;
  std::vector<std::string_view> fv = {"f", "v"};
  EntryBlock zero;
  REQUIRE(zero.Append({0, 0}, fv));
  EntryBlock scratch;
  CHECK(e.AppendBlock(*EntryBlock::Import(zero.Image(scratch)).block) == IdStatus::kXAddNotGreater);
  CHECK(e.empty());
  CHECK(e.Validate() == "");
}

TEST_CASE("A block above deleted entries XSETID left in the tail compacts the tail first",
          "[stream][append_block]") {
  Stream s;
  std::vector<std::string_view> fv = {"f", "v"};
  for (uint64_t ms = 1; ms <= 5; ms++) REQUIRE(s.AddWithId({ms, 0}, fv) == IdStatus::kOk);
  REQUIRE(s.Delete({5, 0}));
  REQUIRE(s.Delete({4, 0}));
  REQUIRE(s.SetId({3, 0}, std::nullopt, std::nullopt) == streams::SetIdStatus::kOk);
  EntryBlock b;
  REQUIRE(b.Append({3, 5}, fv));
  REQUIRE(b.Append({4, 0}, fv));
  EntryBlock scratch;
  REQUIRE(s.AppendBlock(*EntryBlock::Import(b.Image(scratch)).block) == IdStatus::kOk);
  CHECK(s.Validate() == "");
  CHECK(s.length() == 5);
  CHECK(s.last_id() == StreamID{4, 0});
  CHECK(Walk(s, false) ==
        std::vector<std::string>{"1-0 f v", "2-0 f v", "3-0 f v", "3-5 f v", "4-0 f v"});
}
