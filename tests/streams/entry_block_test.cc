// streams::EntryBlock: random entries round-trip through the packed encoding and read back in
// both directions exactly like a plain vector model; seeks, deletion, compaction and the
// size limits behave as documented; and the encoding stays small per entry.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "streams/entry_block.h"
#include "streams/varint.h"

using streams::BlockLimits;
using streams::EntryBlock;
using streams::SeekOp;
using streams::StreamID;
using namespace std::string_view_literals;

namespace {

constexpr BlockLimits kNoLimits{0, 0};

struct ModelEntry {
  StreamID id;
  std::vector<std::string> fv;  // field, value, field, value, ...
  bool deleted = false;

  bool operator==(const ModelEntry& o) const { return id == o.id && fv == o.fv; }
};

std::vector<std::string_view> Views(const std::vector<std::string>& fv) {
  return std::vector<std::string_view>(fv.begin(), fv.end());
}

bool Append(EntryBlock& block, const ModelEntry& e, BlockLimits limits = kNoLimits) {
  std::vector<std::string_view> views = Views(e.fv);
  return block.Append(e.id, views, limits);
}

ModelEntry Snapshot(const EntryBlock::Cursor& c) {
  ModelEntry e;
  e.id = c.id();
  for (std::string_view s : c.entry().field_values) e.fv.emplace_back(s);
  return e;
}

std::vector<ModelEntry> ReadForward(const EntryBlock& block) {
  std::vector<ModelEntry> out;
  EntryBlock::Cursor c(block);
  for (bool ok = c.SeekFirst(); ok; ok = c.Next()) out.push_back(Snapshot(c));
  return out;
}

std::vector<ModelEntry> ReadBackward(const EntryBlock& block) {
  std::vector<ModelEntry> out;
  EntryBlock::Cursor c(block);
  for (bool ok = c.SeekLast(); ok; ok = c.Prev()) out.push_back(Snapshot(c));
  return out;
}

std::vector<ModelEntry> Live(const std::vector<ModelEntry>& model) {
  std::vector<ModelEntry> out;
  for (const ModelEntry& e : model) {
    if (!e.deleted) out.push_back(e);
  }
  return out;
}

void RequireMatches(const EntryBlock& block, const std::vector<ModelEntry>& model) {
  std::vector<ModelEntry> live = Live(model);
  REQUIRE(ReadForward(block) == live);
  std::vector<ModelEntry> backward = ReadBackward(block);
  std::reverse(backward.begin(), backward.end());
  REQUIRE(backward == live);
  REQUIRE(block.live_count() == live.size());
  REQUIRE(block.entry_count() == model.size());
  REQUIRE(block.deleted_count() == model.size() - live.size());
  REQUIRE(block.Empty() == live.empty());
  if (live.empty()) {
    REQUIRE_FALSE(block.FirstLiveId().has_value());
    REQUIRE_FALSE(block.LastLiveId().has_value());
  } else {
    REQUIRE(block.FirstLiveId() == live.front().id);
    REQUIRE(block.LastLiveId() == live.back().id);
  }
  if (!model.empty()) REQUIRE(block.LastId() == model.back().id);
}

// Strings chosen to hit every encoding path: integers at the int64 and zigzag edges, integer
// look-alikes that are not canonical, binary bytes, empty and multi-byte-length strings.
class StringGen {
 public:
  explicit StringGen(uint64_t seed) : rng_(seed) {}

  std::string Any() {
    switch (Pick(6)) {
      case 0:
        return std::string(kIntEdges[Pick(std::size(kIntEdges))]);
      case 1:
        return std::string(kLookAlikes[Pick(std::size(kLookAlikes))]);
      case 2:
        return std::to_string(static_cast<int64_t>(rng_()) >> Pick(64));
      case 3:
        return Binary(Pick(4) == 0 ? 200 + Pick(300) : Pick(12));
      case 4:
        return "";
      default:
        return Name();
    }
  }

  std::string Name() { return std::string(kNames[Pick(std::size(kNames))]); }

  std::string Binary(size_t len) {
    std::string s;
    for (size_t i = 0; i < len; i++) {
      static constexpr char kBytes[] = {'\0', '\r', '\n', 'a', 'Z', '7', '-', '\xff', '\x80'};
      s.push_back(Pick(3) == 0 ? kBytes[Pick(sizeof(kBytes))] : static_cast<char>(rng_()));
    }
    return s;
  }

  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  std::mt19937_64& rng() { return rng_; }

 private:
  static constexpr std::string_view kIntEdges[] = {
      "0", "1", "-1", "63", "-64", "64", "127", "128",
      "9223372036854775807", "-9223372036854775808", "9223372036854775806",
      "4611686018427387903", "-4611686018427387904",  // largest zigzag that still fits
      "4611686018427387904", "-4611686018427387905",  // first ones that do not
  };
  static constexpr std::string_view kLookAlikes[] = {
      "007", "+1", "-0", " 1", "1 ", "00", "-", "1e3", "0x10", "9223372036854775808",
      "-9223372036854775809", "12345678901234567890123", "1.5", "--1", "\0001"sv,
  };
  static constexpr std::string_view kNames[] = {"field", "name", "f", "", "1", "-7", "x\0y"sv};

  std::mt19937_64 rng_;
};

// Builds a model of `n` entries: most reuse the first entry's names (same-fields path), some
// reorder or extend them, some are unrelated; IDs step by random ms and seq gaps.
std::vector<ModelEntry> RandomEntries(StringGen& gen, size_t n, StreamID first) {
  std::vector<ModelEntry> model;
  StreamID id = first;
  for (size_t i = 0; i < n; i++) {
    ModelEntry e;
    if (i > 0) {
      if (gen.Pick(3) == 0 && id.seq < UINT64_MAX - 301) {
        id.seq += 1 + gen.Pick(300);
      } else {
        id.ms += 1 + gen.Pick(gen.Pick(2) == 0 ? 50 : 100000);
        id.seq = gen.Pick(4) == 0 ? gen.rng()() : gen.Pick(3);
      }
    }
    e.id = id;
    size_t shape = gen.Pick(10);
    if (i > 0 && shape < 6) {
      for (size_t k = 0; k < model[0].fv.size(); k += 2) {
        e.fv.push_back(model[0].fv[k]);
        e.fv.push_back(gen.Any());
      }
      if (shape == 5 && e.fv.size() >= 4) std::swap(e.fv[0], e.fv[2]);
      if (shape == 4) {
        e.fv.push_back(gen.Name());
        e.fv.push_back(gen.Any());
      }
    } else {
      size_t pairs = gen.Pick(5);
      for (size_t k = 0; k < pairs; k++) {
        e.fv.push_back(gen.Pick(2) == 0 ? gen.Name() : gen.Any());
        e.fv.push_back(gen.Any());
      }
    }
    model.push_back(std::move(e));
  }
  return model;
}

std::optional<StreamID> ModelSeek(const std::vector<ModelEntry>& model, SeekOp op, StreamID id) {
  std::vector<ModelEntry> live = Live(model);
  switch (op) {
    case SeekOp::kFirst:
      return live.empty() ? std::nullopt : std::optional<StreamID>(live.front().id);
    case SeekOp::kLast:
      return live.empty() ? std::nullopt : std::optional<StreamID>(live.back().id);
    case SeekOp::kEqual:
      for (const ModelEntry& e : live) {
        if (e.id == id) return e.id;
      }
      return std::nullopt;
    case SeekOp::kGreaterOrEqual:
    case SeekOp::kGreater:
      for (const ModelEntry& e : live) {
        if (op == SeekOp::kGreaterOrEqual ? e.id >= id : e.id > id) return e.id;
      }
      return std::nullopt;
    case SeekOp::kLessOrEqual:
    case SeekOp::kLess:
      for (auto it = live.rbegin(); it != live.rend(); ++it) {
        if (op == SeekOp::kLessOrEqual ? it->id <= id : it->id < id) return it->id;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

StreamID Before(StreamID id) {
  if (id.seq > 0) return {id.ms, id.seq - 1};
  return {id.ms - 1, UINT64_MAX};
}
StreamID After(StreamID id) {
  if (id.seq < UINT64_MAX) return {id.ms, id.seq + 1};
  return {id.ms + 1, 0};
}

}  // namespace

TEST_CASE("Varints and reverse varints round-trip at every width", "[block]") {
  std::vector<uint64_t> values = {0, 1, 127, 128, 16383, 16384, UINT64_MAX, UINT64_MAX / 2};
  for (int bits = 0; bits < 64; bits++) values.push_back((uint64_t{1} << bits) - 1);
  for (int bits = 0; bits < 64; bits++) values.push_back(uint64_t{1} << bits);
  for (uint64_t v : values) {
    uint8_t buf[2 * streams::varint::kMaxBytes + 2] = {0xAA};
    uint8_t* end = streams::varint::Put(buf + 1, v);
    REQUIRE(static_cast<size_t>(end - (buf + 1)) == streams::varint::Size(v));
    const uint8_t* p = buf + 1;
    REQUIRE(streams::varint::Get(p) == v);
    REQUIRE(p == end);
    // A reverse varint right after a forward one is read back from its end alone.
    uint8_t* rend = streams::varint::PutReverse(end, v);
    REQUIRE(static_cast<size_t>(rend - end) == streams::varint::Size(v));
    size_t size = 0;
    REQUIRE(streams::varint::GetReverse(rend, size) == v);
    REQUIRE(size == streams::varint::Size(v));
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX, int64_t{-64}}) {
    REQUIRE(streams::varint::UnZigZag(streams::varint::ZigZag(v)) == v);
  }
  REQUIRE(streams::varint::ZigZag(-1) == 1);
  REQUIRE(streams::varint::ZigZag(1) == 2);
}

TEST_CASE("An entry block reads back random entries exactly, forwards and backwards", "[block]") {
  StringGen gen(20240601);
  for (int round = 0; round < 150; round++) {
    StreamID first{gen.Pick(2) == 0 ? 1700000000000 + gen.Pick(1000) : gen.rng()() >> 2,
                   gen.Pick(2) == 0 ? 0 : gen.rng()()};
    std::vector<ModelEntry> model = RandomEntries(gen, 1 + gen.Pick(80), first);
    EntryBlock block;
    for (const ModelEntry& e : model) REQUIRE(Append(block, e));
    REQUIRE(block.master_id() == model.front().id);
    RequireMatches(block, model);
  }
}

TEST_CASE("Integers at the int64 edges and integer look-alikes keep their exact bytes", "[block]") {
  std::vector<std::string> values = {
      "0", "-1", "9223372036854775807", "-9223372036854775808", "4611686018427387903",
      "4611686018427387904", "-4611686018427387904", "-4611686018427387905", "007", "+1",
      "-0", " 1", "1 ", "00", "9223372036854775808", "-9223372036854775809", std::string("1\0", 2),
      "", "\r\n", std::string("\0\0\0", 3)};
  ModelEntry e{{1, 1}, {}};
  for (const std::string& v : values) {
    e.fv.push_back(v);  // as a field name too: names use the same encoding
    e.fv.push_back(v);
  }
  EntryBlock block;
  REQUIRE(Append(block, e));
  ModelEntry same_names = e;
  same_names.id = {1, 2};
  std::reverse(values.begin(), values.end());
  for (size_t i = 0; i < values.size(); i++) same_names.fv[2 * i + 1] = values[i];
  REQUIRE(Append(block, same_names));
  RequireMatches(block, {e, same_names});
}

TEST_CASE("Canonical integers take fewer bytes than strings and look-alikes do not", "[block]") {
  auto entry_bytes = [](std::string_view value) {
    EntryBlock block;
    std::vector<std::string_view> fv = {"v", value};
    REQUIRE(block.Append({1, 0}, fv));
    return block.EncodedBytes();
  };
  // Around the value: head, count, "v" (tag + 1 byte): 4 bytes (seq 0 costs none).
  REQUIRE(entry_bytes("12345") == 4 + 3);  // zigzag 24690, tagged: 3 bytes
  REQUIRE(entry_bytes("abcde") == 4 + 6);  // length tag + 5 bytes
  REQUIRE(entry_bytes("-5") == 4 + 1);
  REQUIRE(entry_bytes("007") == entry_bytes("abc"));  // not canonical: a string
  REQUIRE(entry_bytes("+12") == entry_bytes("abc"));
  REQUIRE(entry_bytes("-0") == entry_bytes("ab"));
  REQUIRE(entry_bytes("9223372036854775807") == entry_bytes(std::string(19, 'x')));  // wide
  REQUIRE(entry_bytes("4611686018427387903") < entry_bytes(std::string(19, 'x')));
}

TEST_CASE("Entries with the master's field names store only their values", "[block]") {
  EntryBlock block;
  std::vector<std::string_view> master = {"temperature", "21", "city", "Paris"};
  REQUIRE(block.Append({100, 0}, master));

  auto growth = [&](StreamID id, std::vector<std::string_view> fv) {
    size_t before = block.EncodedBytes();
    REQUIRE(block.Append(id, fv));
    return block.EncodedBytes() - before;
  };
  size_t same = growth({100, 1}, {"temperature", "22", "city", "Lyon"});
  size_t other_order = growth({100, 2}, {"city", "Lyon", "temperature", "22"});
  size_t extra = growth({100, 3}, {"temperature", "22", "city", "Lyon", "x", "1"});
  size_t fewer = growth({100, 4}, {"temperature", "22"});
  // head + seq + "22" + "Lyon": no count, no names.
  REQUIRE(same == 1 + 1 + 1 + 5);
  // The names cost their bytes plus a tag each, plus the pair count.
  REQUIRE(other_order == same + 1 + (1 + 11) + (1 + 4));
  REQUIRE(extra == other_order + 2 + 1);
  REQUIRE(fewer == 1 + 1 + 1 + (1 + 11) + 1);

  EntryBlock::Cursor c(block);
  REQUIRE(c.Seek(SeekOp::kEqual, {100, 1}));
  REQUIRE(c.entry().pair_count() == 2);
  REQUIRE(c.entry().field(0) == "temperature");
  REQUIRE(c.entry().value(0) == "22");
  REQUIRE(c.entry().field(1) == "city");
  REQUIRE(c.entry().value(1) == "Lyon");
  REQUIRE(c.Seek(SeekOp::kEqual, {100, 2}));
  REQUIRE(c.entry().field(0) == "city");
}

TEST_CASE("Entries of many fields, integers among them, round-trip and share the master's names",
          "[block]") {
  std::vector<ModelEntry> model(3);
  for (int i = 0; i < 40; i++) {
    model[0].fv.push_back("field" + std::to_string(i));
    model[0].fv.push_back(i % 3 == 0 ? std::to_string(i * 1000 - 7) : "value" + std::to_string(i));
  }
  model[1].fv = model[0].fv;  // the master's names: stored as values only
  model[1].fv[1] = "-12";
  model[2].fv = model[0].fv;
  model[2].fv[78] = "other";  // a name differs: stored in full
  EntryBlock block;
  for (size_t i = 0; i < model.size(); i++) {
    model[i].id = {100 + i, 0};
    REQUIRE(Append(block, model[i]));
  }
  RequireMatches(block, model);
  EntryBlock alone;
  REQUIRE(Append(alone, model[0]));
  ModelEntry second = model[1];
  REQUIRE(Append(alone, second));
  ModelEntry third = model[2];
  third.id = {102, 0};
  EntryBlock with_third;
  REQUIRE(Append(with_third, model[0]));
  REQUIRE(Append(with_third, third));
  // Shared names cost less than a differing one.
  CHECK(alone.EncodedBytes() < with_third.EncodedBytes());
}

TEST_CASE("Duplicate field names are kept, in order, with their own values", "[block]") {
  ModelEntry a{{5, 0}, {"f", "1", "f", "2", "g", "x", "f", "3"}};
  ModelEntry b{{5, 1}, {"f", "4", "f", "5", "g", "y", "f", "6"}};
  ModelEntry c{{6, 0}, {"f", "7", "f", "8"}};
  EntryBlock block;
  REQUIRE(Append(block, a));
  REQUIRE(Append(block, b));
  REQUIRE(Append(block, c));
  RequireMatches(block, {a, b, c});
}

TEST_CASE("Entries with no fields and IDs at the extremes round-trip", "[block]") {
  ModelEntry empty_master{{7, UINT64_MAX - 2}, {}};
  ModelEntry empty_same{{7, UINT64_MAX}, {}};
  ModelEntry next_ms{{8, 0}, {"a", ""}};
  ModelEntry far{{(uint64_t{1} << 62) + 6, 3}, {}};  // a wide ms delta (>= 2^61 - 1)
  EntryBlock block;
  REQUIRE(Append(block, empty_master));
  REQUIRE(Append(block, empty_same));
  REQUIRE(Append(block, next_ms));
  REQUIRE(Append(block, far));
  RequireMatches(block, {empty_master, empty_same, next_ms, far});

  EntryBlock top;
  ModelEntry max{StreamID::Max(), {"k", "v"}};
  REQUIRE(Append(top, max));
  RequireMatches(top, {max});
}

TEST_CASE("Entries any distance apart fit, the widest deltas after the head", "[block]") {
  EntryBlock block;
  std::vector<std::string_view> fv = {"a", "1"};
  const uint64_t widest_in_head = (uint64_t{1} << 61) - 2;
  std::vector<ModelEntry> model = {{{10, 0}, {"a", "1"}},
                                   {{10 + widest_in_head, 0}, {"a", "1"}},
                                   {{10 + 2 * widest_in_head + 1, 5}, {"a", "1"}},
                                   {{UINT64_MAX - 1, 0}, {"a", "1"}},
                                   {{UINT64_MAX, UINT64_MAX}, {"a", "1"}}};
  for (const ModelEntry& e : model) REQUIRE(Append(block, e));
  RequireMatches(block, model);
  // Compact() re-chains the deltas: removing middle entries widens them past the head's field.
  REQUIRE(block.MarkDeleted(model[1].id));
  REQUIRE(block.MarkDeleted(model[2].id));
  REQUIRE(block.MarkDeleted(model[3].id));
  block.Compact();
  RequireMatches(block, {model[0], model[4]});
  // An ms step of 1 with sequence 0 costs one head byte and no sequence byte.
  EntryBlock small;
  REQUIRE(small.Append({5, 0}, fv));
  size_t before = small.EncodedBytes();
  REQUIRE(small.Append({6, 0}, fv));
  REQUIRE(small.EncodedBytes() - before == 1 + 1);  // head, "1" (same fields)
}

TEST_CASE("Seeks land on the nearest live entry in the asked direction", "[block]") {
  StringGen gen(77);
  for (int round = 0; round < 40; round++) {
    std::vector<ModelEntry> model = RandomEntries(gen, 1 + gen.Pick(40), {1000, 5});
    EntryBlock block;
    for (const ModelEntry& e : model) REQUIRE(Append(block, e));
    for (ModelEntry& e : model) {
      if (gen.Pick(3) == 0) {
        e.deleted = true;
        REQUIRE(block.MarkDeleted(e.id));
      }
    }
    std::vector<StreamID> probes = {StreamID::Min(), StreamID::Max(), {1000, 4}};
    for (const ModelEntry& e : model) {
      probes.push_back(e.id);
      probes.push_back(Before(e.id));
      probes.push_back(After(e.id));
    }
    EntryBlock::Cursor c(block);
    for (StreamID probe : probes) {
      for (SeekOp op : {SeekOp::kFirst, SeekOp::kLast, SeekOp::kEqual, SeekOp::kGreaterOrEqual,
                        SeekOp::kGreater, SeekOp::kLessOrEqual, SeekOp::kLess}) {
        std::optional<StreamID> want = ModelSeek(model, op, probe);
        REQUIRE(c.Seek(op, probe) == want.has_value());
        REQUIRE(c.Valid() == want.has_value());
        if (want) {
          REQUIRE(c.id() == *want);
          REQUIRE(block.Contains(*want));
        }
      }
      bool live = false;
      for (const ModelEntry& e : model) live |= e.id == probe && !e.deleted;
      REQUIRE(block.Contains(probe) == live);
    }
  }
}

TEST_CASE("Lookups in any order agree with the model while the block grows, deletes, compacts and compresses",
          "[block]") {
  // The block remembers where its last lookup landed and starts the next one there when it
  // can: lookups in ascending runs, random ones and ones after every kind of change must all
  // answer as a walk from the master would.
  StringGen gen(9090);
  for (int round = 0; round < 60; round++) {
    // Some rounds put entries far apart in ms, past what the hint can hold.
    const bool wide = round % 4 == 3;
    std::vector<ModelEntry> model = RandomEntries(gen, 2 + gen.Pick(60), {1000, 0});
    if (wide) {
      for (size_t i = 0; i < model.size(); i++) model[i].id.ms = 1000 + i * (uint64_t{1} << 31);
    }
    std::vector<ModelEntry> in_block;
    EntryBlock block;
    size_t appended = 0;
    std::string dict;
    for (int step = 0; step < 200; step++) {
      const size_t action = gen.Pick(20);
      if (action < 3 && appended < model.size()) {
        REQUIRE(Append(block, model[appended]));
        in_block.push_back(model[appended++]);
      } else if (action == 3 && !in_block.empty()) {
        ModelEntry& e = in_block[gen.Pick(in_block.size())];
        REQUIRE(block.MarkDeleted(e.id) == !e.deleted);
        e.deleted = true;
      } else if (action == 4 && !in_block.empty()) {
        block.Compact();
        in_block = Live(in_block);
      } else if (action == 5 && appended > 0) {
        (void)block.Compress(dict);
        block.Decompress(dict);
      } else if (!in_block.empty()) {
        // A run of probes in ascending order from a random entry, or one random probe.
        size_t from = gen.Pick(in_block.size());
        const size_t run = gen.Pick(2) == 0 ? 1 : 1 + gen.Pick(in_block.size() - from);
        for (size_t i = from; i < from + run; i++) {
          const StreamID id = in_block[i].id;
          for (StreamID probe : {id, Before(id), After(id)}) {
            bool live = false;
            for (const ModelEntry& e : in_block) live |= e.id == probe && !e.deleted;
            REQUIRE(block.Contains(probe) == live);
            for (SeekOp op : {SeekOp::kEqual, SeekOp::kGreaterOrEqual, SeekOp::kGreater}) {
              EntryBlock::Cursor c(block);
              std::optional<StreamID> want = ModelSeek(in_block, op, probe);
              REQUIRE(c.Seek(op, probe) == want.has_value());
              if (want) REQUIRE(Snapshot(c) == *std::find_if(in_block.begin(), in_block.end(),
                                                             [&](const ModelEntry& e) { return e.id == *want; }));
            }
          }
        }
      }
      if (!in_block.empty()) RequireMatches(block, in_block);
    }
  }
}

TEST_CASE("Stepping from a seek continues in either direction over live entries only", "[block]") {
  EntryBlock block;
  std::vector<std::string_view> fv = {"n", "1"};
  for (uint64_t i = 0; i < 10; i++) REQUIRE(block.Append({i, 0}, fv));
  for (uint64_t i : {3, 4, 6}) REQUIRE(block.MarkDeleted({i, 0}));
  EntryBlock::Cursor c(block);
  REQUIRE(c.Seek(SeekOp::kGreaterOrEqual, {3, 0}));
  REQUIRE(c.id() == StreamID{5, 0});
  REQUIRE(c.Prev());
  REQUIRE(c.id() == StreamID{2, 0});
  REQUIRE(c.Next());
  REQUIRE(c.Next());
  REQUIRE(c.id() == StreamID{7, 0});
  REQUIRE(c.Seek(SeekOp::kLess, {7, 0}));
  REQUIRE(c.id() == StreamID{5, 0});
  REQUIRE_FALSE(c.Seek(SeekOp::kEqual, {4, 0}));
  REQUIRE_FALSE(c.Next());  // an invalid cursor stays invalid
  REQUIRE(c.SeekLast());
  REQUIRE_FALSE(c.Next());
  REQUIRE(c.SeekFirst());
  REQUIRE_FALSE(c.Prev());
  // A moved cursor keeps its decoded entry.
  REQUIRE(c.Seek(SeekOp::kEqual, {9, 0}));
  EntryBlock::Cursor moved(std::move(c));
  REQUIRE(moved.id() == StreamID{9, 0});
  REQUIRE(moved.entry().value(0) == "1");
}

TEST_CASE("Deleting entries while a cursor walks over them keeps the cursor usable", "[block]") {
  EntryBlock block;
  for (uint64_t i = 0; i < 20; i++) {
    std::string v = "value-" + std::to_string(i);
    std::string n = std::to_string(i);
    std::vector<std::string_view> fv = {"k", v, "n", n};
    REQUIRE(block.Append({1, i}, fv));
  }
  EntryBlock::Cursor c(block);
  uint64_t seen = 0;
  for (bool ok = c.SeekFirst(); ok; ok = c.Next()) {
    REQUIRE(c.id() == StreamID{1, seen});
    if (seen % 2 == 0) REQUIRE(block.MarkDeleted(c.id()));
    // The views outlive the deletion of their own entry.
    REQUIRE(c.entry().value(0) == "value-" + std::to_string(seen));
    REQUIRE(c.entry().value(1) == std::to_string(seen));
    seen++;
  }
  REQUIRE(seen == 20);
  REQUIRE(block.live_count() == 10);
  REQUIRE(c.SeekLast());
  REQUIRE(block.MarkDeleted({1, 19}));
  REQUIRE(c.Prev());
  REQUIRE(c.id() == StreamID{1, 17});
}

TEST_CASE("MarkDeleted reports whether the entry was live", "[block]") {
  EntryBlock block;
  std::vector<std::string_view> fv = {"a", "b"};
  REQUIRE(block.Append({1, 1}, fv));
  REQUIRE(block.Append({1, 2}, fv));
  REQUIRE(block.Append({2, 0}, fv));
  REQUIRE(block.MarkDeleted({1, 2}));
  REQUIRE_FALSE(block.MarkDeleted({1, 2}));  // already deleted
  REQUIRE_FALSE(block.MarkDeleted({1, 3}));  // never there
  REQUIRE_FALSE(block.MarkDeleted({0, 0}));
  REQUIRE_FALSE(block.MarkDeleted({3, 0}));
  REQUIRE(block.live_count() == 2);
  REQUIRE(block.deleted_count() == 1);
  REQUIRE(block.MarkDeleted({1, 1}));
  REQUIRE(block.MarkDeleted({2, 0}));
  REQUIRE(block.Empty());
  REQUIRE_FALSE(block.ShouldCompact());  // nothing left to keep: the stream frees it
  REQUIRE(block.LastId() == StreamID{2, 0});
  EntryBlock::Cursor c(block);
  REQUIRE_FALSE(c.SeekFirst());
  REQUIRE_FALSE(c.SeekLast());
}

TEST_CASE("Compaction keeps order and content and re-masters when the master was deleted",
          "[block]") {
  StringGen gen(4242);
  for (int round = 0; round < 120; round++) {
    std::vector<ModelEntry> model = RandomEntries(gen, 2 + gen.Pick(60), {1700000000000, 0});
    EntryBlock block;
    for (const ModelEntry& e : model) REQUIRE(Append(block, e));
    bool drop_master = round % 2 == 0;
    for (size_t i = 0; i < model.size(); i++) {
      if ((i == 0 && drop_master) || (i > 0 && gen.Pick(4) < 3)) {
        model[i].deleted = true;
        REQUIRE(block.MarkDeleted(model[i].id));
      }
    }
    RequireMatches(block, model);
    size_t live = block.live_count();
    REQUIRE(block.ShouldCompact() == (live > 0 && block.deleted_count() > live));
    size_t before = block.EncodedBytes();
    block.Compact();
    std::vector<ModelEntry> kept = Live(model);
    RequireMatches(block, kept);
    REQUIRE(block.deleted_count() == 0);
    REQUIRE(block.EncodedBytes() <= before);
    REQUIRE(block.BytesUsed() == sizeof(EntryBlock) + block.EncodedBytes());
    if (kept.empty()) {
      REQUIRE(block.EncodedBytes() == 0);
      continue;
    }
    REQUIRE(block.master_id() == kept.front().id);
    // The compacted block keeps working: delete and append after the re-mastering.
    ModelEntry more = RandomEntries(gen, 1, {kept.back().id.ms + 1, 0}).front();
    more.fv = kept.front().fv;  // the new master's names
    if (more.fv.size() >= 2) more.fv[1] = "changed";
    REQUIRE(Append(block, more));
    kept.push_back(more);
    kept.front().deleted = true;
    REQUIRE(block.MarkDeleted(kept.front().id));
    RequireMatches(block, kept);
    block.Compact();
    RequireMatches(block, Live(kept));
  }
}

TEST_CASE("Append refuses an entry over the byte limit but a first entry always fits", "[block]") {
  std::string big(5000, 'x');
  std::vector<std::string_view> huge = {"payload", big};
  std::vector<std::string_view> small = {"a", "b"};
  EntryBlock block;
  REQUIRE(block.Append({1, 0}, huge, {100, 4096}));
  REQUIRE(block.EncodedBytes() > 4096);
  REQUIRE_FALSE(block.Append({2, 0}, small, {100, 4096}));
  REQUIRE(block.entry_count() == 1);

  EntryBlock filled;
  uint64_t ms = 1;
  while (filled.Append({ms, 0}, small, {1000, 200})) ms++;
  REQUIRE(filled.EncodedBytes() <= 200);
  REQUIRE(filled.EncodedBytes() + 6 > 200);  // the refused entry would have crossed it
  REQUIRE(filled.BytesUsed() <= sizeof(EntryBlock) + 200);  // growth stops at the limit
  REQUIRE(filled.Append({ms, 0}, small, {1000, 0}));          // 0: no byte limit
  REQUIRE(ReadBackward(filled).front().id == StreamID{ms, 0});
}

TEST_CASE("Append refuses the entry past max_entries, deleted entries included", "[block]") {
  std::vector<std::string_view> fv = {"a", "1"};
  EntryBlock block;
  for (uint64_t i = 0; i < 100; i++) REQUIRE(block.Append({i, 0}, fv));
  REQUIRE_FALSE(block.Append({100, 0}, fv));
  REQUIRE(block.MarkDeleted({50, 0}));
  REQUIRE_FALSE(block.Append({100, 0}, fv));
  REQUIRE(block.Append({100, 0}, fv, {0, 0}));
  block.Compact();
  REQUIRE(block.entry_count() == 100);
  REQUIRE_FALSE(block.Append({101, 0}, fv, {100, 4096}));
  REQUIRE(block.Append({101, 0}, fv, {101, 4096}));
}

TEST_CASE("A hundred small two-field entries take about a dozen bytes each", "[block]") {
  std::vector<std::string_view> fv = {"field", "12345", "name", "alice"};
  auto measure = [&](const char* label, auto next_id) {
    EntryBlock block;
    StreamID id{1700000000000, 0};
    for (int i = 0; i < 100; i++) {
      REQUIRE(block.Append(id, fv));
      id = next_id(id, i);
    }
    REQUIRE_FALSE(block.Append(id, fv));  // the hundredth was the last
    size_t grown = block.BytesUsed();
    block.ShrinkToFit();
    double encoded = block.EncodedBytes() / 100.0;
    double total = block.BytesUsed() / 100.0;
    std::printf("entry block, %s: %.2f encoded bytes/entry, %.2f with the block object "
                "(%.2f before ShrinkToFit)\n",
                label, encoded, total, grown / 100.0);
    return total;
  };
  // XADD * at a high rate: same millisecond, increasing sequence.
  double same_ms = measure("same ms", [](StreamID id, int) { return StreamID{id.ms, id.seq + 1}; });
  // One entry per millisecond.
  double per_ms = measure("1 ms apart", [](StreamID id, int) { return StreamID{id.ms + 1, 0}; });
  // One entry every ~100 ms: ten seconds per block.
  double sparse = measure("100 ms apart",
                          [](StreamID id, int i) { return StreamID{id.ms + 90 + i % 20, 0}; });
  // Redis spends roughly 15-20 bytes on such an entry inside its listpack.
  REQUIRE(same_ms <= 13.0);
  // head 1, value 3, value 6, plus the block's share: 100 of them fit 1 KB (mimalloc's class)
  REQUIRE(per_ms <= 10.9);
  REQUIRE(sparse <= 13.0);
}

TEST_CASE("A compressed block inflates to the same entries and costs its compressed size",
          "[block][compress]") {
  StringGen gen(4242);
  std::string dict;  // the previous round's plain bytes: most rounds compress against it
  for (int round = 0; round < 60; round++) {
    if (round % 3 == 0) dict.clear();
    std::vector<ModelEntry> model = RandomEntries(gen, 1 + gen.Pick(120), {1700000000000, 0});
    // Some rounds repeat their values, so that LZ4 finds matches and compresses.
    if (round % 2 == 0) {
      for (ModelEntry& e : model) {
        for (size_t k = 1; k < e.fv.size(); k += 2) e.fv[k] = "status=ok;region=eu-west-1";
      }
    }
    EntryBlock block;
    for (const ModelEntry& e : model) REQUIRE(Append(block, e));
    for (ModelEntry& e : model) {
      if (gen.Pick(5) == 0 && block.MarkDeleted(e.id)) e.deleted = true;
    }
    const size_t plain_bytes = block.EncodedBytes();
    const std::string plain(block.PlainBytes());
    const bool packed = block.Compress(dict);
    REQUIRE(block.compressed() == packed);
    REQUIRE(block.EncodedBytes() == plain_bytes);
    if (packed) {
      REQUIRE(block.BytesUsed() < sizeof(EntryBlock) + plain_bytes);
    } else {
      REQUIRE(block.BytesUsed() == sizeof(EntryBlock) + plain_bytes);
    }
    if (round % 2 == 0 && plain_bytes > 200) REQUIRE(packed);
    // Metadata stays readable without inflating.
    REQUIRE(block.LastId() == model.back().id);
    REQUIRE(block.live_count() == Live(model).size());
    EntryBlock copy = block.Inflated(dict);
    REQUIRE_FALSE(copy.compressed());
    REQUIRE(copy.PlainBytes() == plain);
    RequireMatches(copy, model);
    REQUIRE(block.Compress(dict) == packed);  // again: nothing changes
    block.Decompress(dict);
    REQUIRE_FALSE(block.compressed());
    REQUIRE(block.BytesUsed() == sizeof(EntryBlock) + plain_bytes);
    RequireMatches(block, model);
    // A decompressed block takes changes again.
    if (!Live(model).empty()) {
      ModelEntry& victim = model[gen.Pick(model.size())];
      if (!victim.deleted) {
        REQUIRE(block.MarkDeleted(victim.id));
        victim.deleted = true;
      }
    }
    ModelEntry next{{model.back().id.ms + 1, 0}, {"k", "v"}};
    REQUIRE(Append(block, next));
    model.push_back(next);
    RequireMatches(block, model);
    dict = plain;
  }
}

TEST_CASE("An empty or incompressible block stays plain", "[block][compress]") {
  EntryBlock empty;
  REQUIRE_FALSE(empty.Compress());
  REQUIRE(empty.Inflated().EncodedBytes() == 0);
  StringGen gen(9);
  EntryBlock noise;
  std::string bytes = gen.Binary(60);
  for (char& c : bytes) c = static_cast<char>(gen.rng()());
  std::vector<std::string_view> fv = {"k", bytes};
  REQUIRE(noise.Append({1, 0}, fv));
  REQUIRE_FALSE(noise.Compress());
  REQUIRE_FALSE(noise.compressed());
}
