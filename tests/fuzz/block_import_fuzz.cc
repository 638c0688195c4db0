// Fuzz target: EntryBlock::Import (streams/entry_block.h), the check RUNNEL.XLOADBLOCK runs on
// a payload from the AOF or a primary. Input: master ms, master seq, entry count, last ms, last
// seq (one byte each, so matching metadata is within the fuzzer's reach), then the block's
// bytes. Oracles: a refused image names its rule; an accepted one reads the same forward and
// backward, counts what it says, finds each of its IDs, and takes an append, a deletion, a
// compaction and an LZ4 round trip like any block. ASan/UBSan watch every read.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "streams/entry_block.h"

namespace {

using streams::EntryBlock;
using streams::StreamID;

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Entry {
  StreamID id;
  std::vector<std::string> fv;
  bool operator==(const Entry& o) const { return id == o.id && fv == o.fv; }
};

std::vector<Entry> Walk(const EntryBlock& b, bool backward) {
  std::vector<Entry> out;
  EntryBlock::Cursor c(b);
  for (bool ok = backward ? c.SeekLast() : c.SeekFirst(); ok; ok = backward ? c.Prev() : c.Next()) {
    out.push_back({c.id(), {c.entry().field_values.begin(), c.entry().field_values.end()}});
  }
  if (backward) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const streams::BlockImage image{
      {data[0], data[1]},
      {data[3], data[4]},
      data[2],
      std::string_view(reinterpret_cast<const char*>(data) + 5, size - 5)};
  streams::ImportedBlock in = EntryBlock::Import(image);
  if (!in.block) {
    Check(!in.error.empty());
    return 0;
  }
  EntryBlock& b = *in.block;
  const std::vector<Entry> fwd = Walk(b, false);
  Check(fwd == Walk(b, true));
  Check(fwd.size() == image.entries && b.live_count() == image.entries);
  Check(fwd.front().id == image.master_id && fwd.back().id == image.last_id);
  for (size_t i = 0; i < fwd.size(); i++) {
    Check(i == 0 || fwd[i - 1].id < fwd[i].id);
    Check(b.Contains(fwd[i].id));
  }
  const std::vector<std::string_view> fv = {"f", "1"};
  size_t live = fwd.size();
  if (image.last_id.seq < UINT64_MAX) {
    Check(b.Append({image.last_id.ms, image.last_id.seq + 1}, fv, {0, 0}));
    live++;
  }
  Check(b.MarkDeleted(fwd.front().id));
  live--;
  b.Compact();
  Check(b.live_count() == live);
  b.Compress();
  Check(Walk(b.Inflated(), false).size() == live);
  return 0;
}
