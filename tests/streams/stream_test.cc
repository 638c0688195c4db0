// streams::Stream: ID resolution, the metadata XINFO STREAM reports, XDEL/XTRIM/XSETID and
// range walks, each checked against what redis-server 7.0.15 did for the same sequence of
// commands (stream-node-max-entries 100 unless said otherwise); plus a model test against a
// std::map and the memory cost per entry.
#include <catch2/catch.hpp>

#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "streams/stream.h"

using streams::IdStatus;
using streams::SetIdStatus;
using streams::Stream;
using streams::StreamID;
using streams::StreamLimits;
using streams::XAddId;
using Kind = streams::XAddId::Kind;

namespace {

const std::vector<std::string_view> kFields = {"field", "12345", "name", "alice"};
const std::vector<std::string_view> kSmall = {"a", "1"};

XAddId Auto() { return {Kind::kAuto, {}}; }
XAddId AutoSeq(uint64_t ms) { return {Kind::kAutoSeq, {ms, 0}}; }
XAddId Explicit(uint64_t ms, uint64_t seq) { return {Kind::kExplicit, {ms, seq}}; }

void MustAdd(Stream& s, StreamID id, const std::vector<std::string_view>& fv = kSmall,
             StreamLimits limits = {}) {
  REQUIRE(s.AddWithId(id, fv, limits) == IdStatus::kOk);
}

// IDs 1-0 .. n-0, as `XADD s i-0 f v` for i in 1..n.
Stream Sequential(uint64_t n, StreamLimits limits = {}) {
  Stream s;
  for (uint64_t i = 1; i <= n; i++) MustAdd(s, {i, 0}, kSmall, limits);
  return s;
}

std::vector<StreamID> Ids(Stream::RangeIterator it) {
  std::vector<StreamID> out;
  for (; it.Valid(); it.Next()) out.push_back(it.id());
  return out;
}

struct Info {
  uint64_t length;
  StreamID last_id;
  StreamID max_deleted;
  uint64_t entries_added;
  StreamID first_id;
  bool operator==(const Info&) const = default;
};

Info InfoOf(const Stream& s) {
  return {s.length(), s.last_id(), s.max_deleted_id(), s.entries_added(), s.first_id()};
}

std::ostream& operator<<(std::ostream& os, const Info& i) {
  return os << "{length " << i.length << ", last " << i.last_id.ToString() << ", max-deleted "
            << i.max_deleted.ToString() << ", added " << i.entries_added << ", first "
            << i.first_id.ToString() << "}";
}

}  // namespace

namespace streams {
inline std::ostream& operator<<(std::ostream& os, const StreamID& id) {
  return os << id.ToString();
}
}  // namespace streams

// ---- IDs -----------------------------------------------------------------------------------

TEST_CASE("Auto IDs follow the clock and keep increasing when the clock goes backwards",
          "[stream]") {
  Stream s;
  CHECK(s.Add(Auto(), kFields, 1000).value == StreamID{1000, 0});
  CHECK(s.Add(Auto(), kFields, 1000).value == StreamID{1000, 1});
  CHECK(s.Add(Auto(), kFields, 999).value == StreamID{1000, 2});
  CHECK(s.Add(Auto(), kFields, 5).value == StreamID{1000, 3});
  CHECK(s.Add(Auto(), kFields, 2000).value == StreamID{2000, 0});
  CHECK(s.length() == 5);
  CHECK(s.last_id() == StreamID{2000, 0});
  CHECK(s.Validate() == "");
}

TEST_CASE("ms-* and explicit IDs resolve against the last ID and are refused as Redis does",
          "[stream]") {
  Stream s;
  CHECK(s.Add(AutoSeq(5), kSmall, 0).value == StreamID{5, 0});
  CHECK(s.Add(AutoSeq(5), kSmall, 0).value == StreamID{5, 1});
  CHECK(s.Add(AutoSeq(4), kSmall, 0).status == IdStatus::kXAddNotGreater);
  CHECK(s.Add(Explicit(5, 1), kSmall, 0).status == IdStatus::kXAddNotGreater);
  CHECK(s.Add(Explicit(5, 0), kSmall, 0).status == IdStatus::kXAddNotGreater);
  CHECK(s.Add(Explicit(5, 2), kSmall, 0).value == StreamID{5, 2});
  CHECK(s.Add(Explicit(0, 0), kSmall, 0).status == IdStatus::kXAddZero);
  CHECK(s.Add(AutoSeq(7), kSmall, 0).value == StreamID{7, 0});
  // A refused XADD changes nothing.
  CHECK(InfoOf(s) == Info{4, {7, 0}, {}, 4, {5, 0}});

  // The clock is below the top item: "*" continues from it.
  CHECK(s.Add(Auto(), kSmall, 6).value == StreamID{7, 1});

  SECTION("a sequence at its maximum cannot take ms-*") {
    MustAdd(s, {9, UINT64_MAX});
    CHECK(s.Add(AutoSeq(9), kSmall, 0).status == IdStatus::kXAddSeqExhausted);
    CHECK(s.Add(Auto(), kSmall, 0).value == StreamID{10, 0});
  }
  SECTION("a stream whose last ID is the maximum takes nothing more") {
    REQUIRE(s.SetId(StreamID::Max(), std::nullopt, std::nullopt) == SetIdStatus::kOk);
    CHECK(s.Add(Auto(), kSmall, 0).status == IdStatus::kStreamExhausted);
    CHECK(s.Add(Explicit(1, 0), kSmall, 0).status == IdStatus::kStreamExhausted);
    CHECK(s.AddWithId(StreamID::Max(), kSmall) == IdStatus::kStreamExhausted);
  }
  SECTION("a new stream accepts 0-1 but not 0-0") {
    Stream t;
    CHECK(t.AddWithId({0, 0}, kSmall) == IdStatus::kXAddZero);
    CHECK(t.AddWithId({0, 1}, kSmall) == IdStatus::kOk);
    CHECK(InfoOf(t) == Info{1, {0, 1}, {}, 1, {0, 1}});
  }
}

// ---- Metadata, as XINFO STREAM reported it -------------------------------------------------

TEST_CASE("XDEL keeps last_id, raises max_deleted_id and moves first_id as Redis reports",
          "[stream]") {
  // XADD s 5-1 a 1; XADD s 5-2 a 1; XADD s 6-0 a 1
  Stream s;
  MustAdd(s, {5, 1});
  MustAdd(s, {5, 2});
  MustAdd(s, {6, 0});
  CHECK(InfoOf(s) == Info{3, {6, 0}, {0, 0}, 3, {5, 1}});
  CHECK(s.tree_keys() == 1);

  CHECK(s.Delete({6, 0}));  // the last entry: last_id stays
  CHECK(InfoOf(s) == Info{2, {6, 0}, {6, 0}, 3, {5, 1}});
  CHECK(s.LastEntryId() == StreamID{5, 2});

  CHECK(s.Delete({5, 1}));  // the first: first_id moves, max_deleted_id stays the max
  CHECK(InfoOf(s) == Info{1, {6, 0}, {6, 0}, 3, {5, 2}});

  CHECK(s.Delete({5, 2}));  // emptied: no blocks, first_id 0-0
  CHECK(InfoOf(s) == Info{0, {6, 0}, {6, 0}, 3, {0, 0}});
  CHECK(s.tree_keys() == 0);
  CHECK_FALSE(s.FirstEntry().Valid());
  CHECK_FALSE(s.LastEntry().Valid());

  CHECK_FALSE(s.Delete({3, 0}));  // absent IDs change nothing
  CHECK_FALSE(s.Delete({7, 0}));
  CHECK_FALSE(s.Delete({6, 0}));  // nor does deleting twice
  CHECK(InfoOf(s) == Info{0, {6, 0}, {6, 0}, 3, {0, 0}});

  // The next XADD must still exceed the last generated ID.
  CHECK(s.Add(Explicit(6, 0), kSmall, 0).status == IdStatus::kXAddNotGreater);
  CHECK(s.Add(Explicit(9, 0), kSmall, 0).ok());
  CHECK(InfoOf(s) == Info{1, {9, 0}, {6, 0}, 4, {9, 0}});
  CHECK(s.Validate() == "");
}

TEST_CASE("Trimming keeps max_deleted_id and last_id and moves first_id as Redis reports",
          "[stream]") {
  Stream s = Sequential(5);
  CHECK(s.TrimMaxLen(2, false, 0) == 3);
  CHECK(InfoOf(s) == Info{2, {5, 0}, {0, 0}, 5, {4, 0}});
  CHECK(s.TrimMinId({5, 0}, false, 0) == 1);
  CHECK(InfoOf(s) == Info{1, {5, 0}, {0, 0}, 5, {5, 0}});
  CHECK(s.TrimMaxLen(0, false, 0) == 1);
  CHECK(InfoOf(s) == Info{0, {5, 0}, {0, 0}, 5, {0, 0}});
  CHECK(s.tree_keys() == 0);
  CHECK(s.Add(Explicit(9, 0), kSmall, 0).ok());
  CHECK(InfoOf(s) == Info{1, {9, 0}, {0, 0}, 6, {9, 0}});
  CHECK(s.Validate() == "");
}

TEST_CASE("XSETID checks max_deleted_id, then the top item, then entries_added, as Redis does",
          "[stream]") {
  // XADD s 1-0..5-0; XDEL s 3-0
  Stream s = Sequential(5);
  REQUIRE(s.Delete({3, 0}));
  const Info before{4, {5, 0}, {3, 0}, 5, {1, 0}};
  REQUIRE(InfoOf(s) == before);

  // Refusals change nothing.
  CHECK(s.SetId({4, 0}, std::nullopt, std::nullopt) == SetIdStatus::kSmallerThanTopItem);
  CHECK(s.SetId({0, 0}, std::nullopt, std::nullopt) == SetIdStatus::kSmallerThanTopItem);
  CHECK(s.SetId({6, 0}, 3, std::nullopt) == SetIdStatus::kEntriesAddedTooSmall);
  CHECK(s.SetId({6, 0}, 5, StreamID{7, 0}) == SetIdStatus::kSmallerThanMaxDeleted);
  // Order: max_deleted first, then the top item, then entries_added.
  CHECK(s.SetId({4, 0}, 1, StreamID{9, 0}) == SetIdStatus::kSmallerThanMaxDeleted);
  CHECK(s.SetId({4, 0}, 1, std::nullopt) == SetIdStatus::kSmallerThanTopItem);
  CHECK(InfoOf(s) == before);

  // Equal to the top item is fine, and last_id may go back down to it.
  CHECK(s.SetId({8, 0}, std::nullopt, std::nullopt) == SetIdStatus::kOk);
  CHECK(s.SetId({5, 0}, std::nullopt, std::nullopt) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{4, {5, 0}, {3, 0}, 5, {1, 0}});
  // entries_added may equal the length; max_deleted may go down; equal to the ID is fine.
  CHECK(s.SetId({6, 0}, 4, std::nullopt) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{4, {6, 0}, {3, 0}, 4, {1, 0}});
  CHECK(s.SetId({6, 0}, 5, StreamID{6, 0}) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{4, {6, 0}, {6, 0}, 5, {1, 0}});
  CHECK(s.SetId({6, 0}, std::nullopt, StreamID{2, 0}) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{4, {6, 0}, {2, 0}, 5, {1, 0}});
  // MAXDELETEDID 0-0 is ignored.
  CHECK(s.SetId({7, 0}, 100, StreamID{0, 0}) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{4, {7, 0}, {2, 0}, 100, {1, 0}});
}

TEST_CASE("XSETID's top item is the last live entry, not the last generated ID", "[stream]") {
  // XADD s 1-0..5-0; XDEL s 5-0; XSETID s 4-0 -> OK; XSETID s 3-9 -> top item error
  Stream s = Sequential(5);
  REQUIRE(s.Delete({5, 0}));
  CHECK(s.SetId({3, 9}, std::nullopt, std::nullopt) == SetIdStatus::kSmallerThanTopItem);
  CHECK(s.SetId({4, 0}, std::nullopt, std::nullopt) == SetIdStatus::kOk);
  CHECK(s.last_id() == StreamID{4, 0});
  CHECK(s.max_deleted_id() == StreamID{5, 0});
  // The tail still holds 5-0, flagged deleted: appending 4-1 after it must not break order.
  CHECK(s.Add(Explicit(4, 1), kSmall, 0).ok());
  CHECK(s.Validate() == "");
  CHECK(Ids(s.FirstEntry()) == std::vector<StreamID>{{1, 0}, {2, 0}, {3, 0}, {4, 0}, {4, 1}});
  CHECK(Ids(s.Range({4, 0}, {5, 0}, true)) == std::vector<StreamID>{{4, 1}, {4, 0}});
}

TEST_CASE("XSETID on an emptied stream checks only the given max_deleted_id", "[stream]") {
  // XADD s 5-0 a 1; XDEL s 5-0
  Stream s;
  MustAdd(s, {5, 0});
  REQUIRE(s.Delete({5, 0}));
  CHECK(s.SetId({1, 0}, std::nullopt, std::nullopt) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{0, {1, 0}, {5, 0}, 1, {0, 0}});
  CHECK(s.SetId({0, 0}, 0, std::nullopt) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{0, {0, 0}, {5, 0}, 0, {0, 0}});
  CHECK(s.SetId({0, 1}, 0, StreamID{0, 2}) == SetIdStatus::kSmallerThanMaxDeleted);
  CHECK(s.SetId({3, 0}, 0, StreamID{3, 0}) == SetIdStatus::kOk);
  CHECK(InfoOf(s) == Info{0, {3, 0}, {3, 0}, 0, {0, 0}});
  CHECK(s.Add(Explicit(3, 0), kSmall, 0).status == IdStatus::kXAddNotGreater);
  CHECK(s.Add(AutoSeq(3), kSmall, 0).value == StreamID{3, 1});
}

// ---- Trimming, against Redis's results on `XADD s i-0 f v` for i in 1..n ------------------

TEST_CASE("Approximate MAXLEN trims remove whole blocks only and honour LIMIT as Redis does",
          "[stream]") {
  struct Case {
    uint64_t n, maxlen, limit, removed, keys_left;
    StreamID first;
  };
  // XTRIM s MAXLEN ~ maxlen [LIMIT limit] (limit 0 = LIMIT 0, no limit), with Redis's replies.
  const Case cases[] = {
      {1000, 250, 0, 700, 3, {701, 0}},  {1000, 300, 0, 700, 3, {701, 0}},
      {1000, 299, 0, 700, 3, {701, 0}},  {1000, 0, 0, 1000, 0, {0, 0}},
      {1000, 1000, 0, 0, 10, {1, 0}},    {1000, 250, 200, 200, 8, {201, 0}},
      {1000, 250, 199, 100, 9, {101, 0}}, {1000, 250, 250, 200, 8, {201, 0}},
      // XTRIM's default LIMIT for "~" is 100 * stream-node-max-entries.
      {25000, 0, 10000, 10000, 150, {10001, 0}},
  };
  for (const Case& c : cases) {
    INFO("n " << c.n << " maxlen ~ " << c.maxlen << " limit " << c.limit);
    Stream s = Sequential(c.n);
    CHECK(s.TrimMaxLen(c.maxlen, true, c.limit) == c.removed);
    CHECK(s.length() == c.n - c.removed);
    CHECK(s.tree_keys() == c.keys_left);
    CHECK(s.first_id() == c.first);
    CHECK(s.Validate() == "");
  }
}

TEST_CASE("Exact MAXLEN trims leave exactly maxlen entries", "[stream]") {
  Stream s = Sequential(1000);
  CHECK(s.TrimMaxLen(250, false, 0) == 750);  // Redis: 750, 3 keys, first 751-0
  CHECK(s.length() == 250);
  CHECK(s.tree_keys() == 3);
  CHECK(s.first_id() == StreamID{751, 0});
  CHECK(Ids(s.FirstEntry()).front() == StreamID{751, 0});
  CHECK(s.TrimMaxLen(250, false, 0) == 0);
  CHECK(s.TrimMaxLen(1000, false, 0) == 0);
  CHECK(s.Validate() == "");
  Stream t = Sequential(25000);
  CHECK(t.TrimMaxLen(0, false, 0) == 25000);
  CHECK(t.tree_keys() == 0);
  CHECK(t.Validate() == "");
}

TEST_CASE("MINID trims as Redis does, exact and approximate", "[stream]") {
  struct Case {
    uint64_t n;
    StreamID minid;
    bool approx;
    uint64_t limit, removed, keys_left;
    StreamID first;
  };
  const Case cases[] = {
      {1000, {250, 0}, true, 0, 200, 8, {201, 0}},
      {1000, {201, 0}, true, 0, 200, 8, {201, 0}},
      {1000, {202, 0}, true, 0, 200, 8, {201, 0}},
      {1000, {250, 0}, true, 100, 100, 9, {101, 0}},
      {1000, {250, 0}, false, 0, 249, 8, {250, 0}},
      {1000, {1, 0}, false, 0, 0, 10, {1, 0}},
      {1000, {0, 5}, true, 0, 0, 10, {1, 0}},
      {25000, {100000, 0}, true, 10000, 10000, 150, {10001, 0}},
      {25000, {100000, 0}, false, 0, 25000, 0, {0, 0}},
  };
  for (const Case& c : cases) {
    INFO("n " << c.n << " minid " << c.minid.ToString() << (c.approx ? " ~" : "") << " limit "
              << c.limit);
    Stream s = Sequential(c.n);
    CHECK(s.TrimMinId(c.minid, c.approx, c.limit) == c.removed);
    CHECK(s.length() == c.n - c.removed);
    CHECK(s.tree_keys() == c.keys_left);
    CHECK(s.first_id() == c.first);
    CHECK(s.Validate() == "");
  }
}

TEST_CASE("Trims count live entries against LIMIT and test MINID on a deleted last entry",
          "[stream]") {
  SECTION("LIMIT counts live entries: 50 deleted from the first block") {
    for (auto [limit, removed] : {std::pair<uint64_t, size_t>{150, 150}, {149, 50}}) {
      Stream s = Sequential(1000);
      for (uint64_t i = 1; i <= 50; i++) REQUIRE(s.Delete({i, 0}));
      CHECK(s.TrimMaxLen(0, true, limit) == removed);  // Redis: 150 / 50
      CHECK(s.length() == 950 - removed);
      CHECK(s.max_deleted_id() == StreamID{50, 0});
      CHECK(s.Validate() == "");
    }
  }
  SECTION("MINID ~ keeps a block whose deleted last entry is >= minid") {
    Stream s = Sequential(1000);
    REQUIRE(s.Delete({100, 0}));
    CHECK(s.TrimMinId({100, 0}, true, 0) == 0);  // Redis: 0, length 999
    CHECK(s.TrimMinId({101, 0}, true, 0) == 99);  // Redis: 99, length 900, first 101-0
    CHECK(s.length() == 900);
    CHECK(s.first_id() == StreamID{101, 0});
  }
  SECTION("exact MINID empties that block and frees it") {
    Stream s = Sequential(1000);
    REQUIRE(s.Delete({100, 0}));
    CHECK(s.TrimMinId({100, 0}, false, 0) == 99);  // Redis: 99, first 101-0 (keeps the node)
    CHECK(s.length() == 900);
    CHECK(s.first_id() == StreamID{101, 0});
    CHECK(s.tree_keys() == 9);
    CHECK(s.Validate() == "");
  }
  SECTION("exact and approximate MAXLEN around a deleted entry") {
    Stream s = Sequential(1000);
    REQUIRE(s.Delete({100, 0}));
    CHECK(s.TrimMaxLen(901, false, 0) == 98);  // Redis: 98, first 99-0
    CHECK(s.first_id() == StreamID{99, 0});
    Stream t = Sequential(1000);
    REQUIRE(t.Delete({100, 0}));
    CHECK(t.TrimMaxLen(900, true, 0) == 99);  // Redis: 99, first 101-0
    CHECK(t.first_id() == StreamID{101, 0});
    CHECK(t.max_deleted_id() == StreamID{100, 0});
  }
}

// ---- Blocks ----------------------------------------------------------------------------------

TEST_CASE("New entries fill the tail block up to the limits, which may change between adds",
          "[stream]") {
  Stream s = Sequential(250);
  CHECK(s.tree_keys() == 3);
  for (uint64_t i = 251; i <= 260; i++) MustAdd(s, {i, 0}, kSmall, {10, 0});
  CHECK(s.tree_keys() == 4);  // block 201.. was at 50 >= 10: a new one at 251
  for (uint64_t i = 261; i <= 270; i++) MustAdd(s, {i, 0}, kSmall, {0, 0});
  CHECK(s.tree_keys() == 4);  // no limits: all go to the tail
  // Bytes: the 20-entry tail takes one 3000-byte entry, not a second (over 4096).
  const std::string payload(3000, 'x');
  const std::vector<std::string_view> fat = {"f", payload};
  MustAdd(s, {300, 0}, fat);
  CHECK(s.tree_keys() == 4);
  MustAdd(s, {301, 0}, fat);
  CHECK(s.tree_keys() == 5);
  CHECK(s.LastEntry().id() == StreamID{301, 0});
  CHECK(s.Validate() == "");
}

TEST_CASE("A block is freed when its last live entry is deleted and the tail moves back",
          "[stream]") {
  Stream s = Sequential(300);
  REQUIRE(s.tree_keys() == 3);
  for (uint64_t i = 101; i <= 200; i++) REQUIRE(s.Delete({i, 0}));
  CHECK(s.tree_keys() == 2);
  CHECK(s.length() == 200);
  // Freeing the tail makes the previous block the tail again.
  for (uint64_t i = 201; i <= 300; i++) REQUIRE(s.Delete({i, 0}));
  CHECK(s.tree_keys() == 1);
  CHECK(s.Validate() == "");
  // The remaining block is full (100 entries): the next add opens a new block.
  MustAdd(s, {400, 0});
  CHECK(s.tree_keys() == 2);
  CHECK(s.last_id() == StreamID{400, 0});
  CHECK(s.Validate() == "");
}

TEST_CASE("A mostly deleted block is compacted and keeps its tree key", "[stream]") {
  Stream s = Sequential(200);
  const size_t full = s.BytesUsed();
  for (uint64_t i = 1; i <= 60; i++) REQUIRE(s.Delete({i, 0}));
  // 60 deleted > 40 live: compacted, so smaller; the key 1-0 stays though 61-0 is first now.
  CHECK(s.BytesUsed() < full);
  CHECK(s.tree_keys() == 2);
  CHECK(s.first_id() == StreamID{61, 0});
  CHECK(s.Validate() == "");
  // Lookups through the old key still work: ranges, deletes and seeks below the new master.
  CHECK(Ids(s.Range({1, 0}, {62, 0})) == std::vector<StreamID>{{61, 0}, {62, 0}});
  CHECK(Ids(s.Range({1, 0}, {60, 0})).empty());
  CHECK(Ids(s.Range({1, 0}, {61, 0}, true)) == std::vector<StreamID>{{61, 0}});
  CHECK(Ids(s.Range({1, 0}, {60, 5}, true)).empty());
  CHECK_FALSE(s.Delete({30, 0}));
  CHECK(s.Delete({61, 0}));
  CHECK(s.first_id() == StreamID{62, 0});
  CHECK(s.Validate() == "");
}

// ---- Ranges ----------------------------------------------------------------------------------

TEST_CASE("Ranges run forward and backward across many blocks, skipping deleted entries",
          "[stream]") {
  Stream s;
  std::vector<StreamID> model;
  const StreamLimits limits{7, 0};
  for (uint64_t i = 1; i <= 700; i++) {
    StreamID id{1000 + i / 4, i % 4};
    MustAdd(s, id, kFields, limits);
    model.push_back(id);
  }
  // Delete every third entry and whole stretches (freeing some blocks, compacting others).
  std::vector<StreamID> live;
  for (size_t i = 0; i < model.size(); i++) {
    bool drop = i % 3 == 0 || (i >= 100 && i < 130) || (i >= 400 && i < 405);
    if (drop) {
      REQUIRE(s.Delete(model[i]));
    } else {
      live.push_back(model[i]);
    }
  }
  REQUIRE(s.length() == live.size());
  REQUIRE(s.Validate() == "");

  auto expect = [&](StreamID a, StreamID b, bool reverse) {
    std::vector<StreamID> out;
    for (StreamID id : live) {
      if (id >= a && id <= b) out.push_back(id);
    }
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
  };
  const StreamID bounds[] = {StreamID::Min(), {1000, 0},  {1000, 1}, {1010, 2},  {1025, 0},
                             {1025, 3},       {1032, 0},  {1100, 0}, {1101, 1},  {1174, 3},
                             {1175, 0},       {2000, 0},  {1050, UINT64_MAX},  StreamID::Max()};
  for (StreamID a : bounds) {
    for (StreamID b : bounds) {
      for (bool reverse : {false, true}) {
        INFO(a.ToString() << " .. " << b.ToString() << (reverse ? " reverse" : ""));
        CHECK(Ids(s.Range(a, b, reverse)) == expect(a, b, reverse));
      }
    }
  }
  // Entry contents survive the trip, names shared with each block's master.
  auto it = s.Range({1050, 0}, StreamID::Max());
  REQUIRE(it.Valid());
  CHECK(it.entry().pair_count() == 2);
  CHECK(it.entry().field(0) == "field");
  CHECK(it.entry().value(0) == "12345");
  CHECK(it.entry().field(1) == "name");
  CHECK(it.entry().value(1) == "alice");

  CHECK(Ids(s.FirstEntry()).size() == live.size());
  CHECK(s.FirstEntry().id() == live.front());
  CHECK(s.LastEntry().id() == live.back());
  CHECK(s.FirstEntryId() == live.front());
  CHECK(s.LastEntryId() == live.back());
}

TEST_CASE("After(x) starts at the first entry with an ID above x", "[stream]") {
  Stream s = Sequential(300);
  REQUIRE(s.Delete({150, 0}));
  CHECK(s.After({149, 0}).id() == StreamID{151, 0});
  CHECK(s.After({149, 5}).id() == StreamID{151, 0});
  CHECK(s.After({0, 0}).id() == StreamID{1, 0});
  CHECK(s.After({100, UINT64_MAX}).id() == StreamID{101, 0});
  CHECK(Ids(s.After({298, 0})) == std::vector<StreamID>{{299, 0}, {300, 0}});
  CHECK_FALSE(s.After({300, 0}).Valid());
  CHECK_FALSE(s.After(StreamID::Max()).Valid());
}

// ---- Copies ----------------------------------------------------------------------------------

TEST_CASE("Clone is a deep copy with the same entries and metadata", "[stream]") {
  Stream s = Sequential(350);
  for (uint64_t i = 1; i <= 350; i += 2) REQUIRE(s.Delete({i, 0}));
  REQUIRE(s.SetId({400, 0}, 1000, std::nullopt) == SetIdStatus::kOk);
  Stream c = s.Clone();
  CHECK(c.Validate() == "");
  CHECK(InfoOf(c) == InfoOf(s));
  CHECK(c.tree_keys() == s.tree_keys());
  CHECK(Ids(c.FirstEntry()) == Ids(s.FirstEntry()));
  CHECK(c.BytesUsed() <= s.BytesUsed());
  // Independent from here on.
  REQUIRE(c.Delete({2, 0}));
  MustAdd(c, {500, 0});
  CHECK(s.length() == 175);
  CHECK(c.length() == 175);
  CHECK(s.first_id() == StreamID{2, 0});
  CHECK(c.first_id() == StreamID{4, 0});
  // Moving hands the blocks over.
  Stream moved(std::move(c));
  CHECK(moved.length() == 175);
  CHECK(moved.Validate() == "");
  Stream assigned;
  MustAdd(assigned, {1, 0});
  assigned = std::move(moved);
  CHECK(assigned.last_id() == StreamID{500, 0});
  CHECK(assigned.Validate() == "");
}

// ---- Model ----------------------------------------------------------------------------------

TEST_CASE("Random adds, lookups, deletes, trims and ranges agree with a std::map model", "[stream]") {
  std::mt19937_64 rng(GENERATE(1, 2, 3));
  // With compression, sealed blocks are LZ4'd and read through a one-slot cache, so deletes and
  // trims in sealed blocks, walks both ways and clones all go through inflate and eviction.
  const bool compress = GENERATE(false, true);
  CAPTURE(compress);
  auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  using Fields = std::vector<std::string>;
  std::map<StreamID, Fields> model;
  Stream s;
  if (compress) s.SetBlockCacheSlots(1);
  uint64_t clock = 1000;
  uint64_t added = 0;
  StreamID max_deleted;
  size_t most_compressed = 0;
  const StreamLimits limit_choices[] = {
      {4, 0, compress}, {0, 120, compress}, {10, 300, compress}, {100, 4096, compress}};
  const std::string names[] = {"f", "name", "x", "count"};

  auto random_id = [&]() -> StreamID {
    if (!model.empty() && pick(3) != 0) {
      auto it = model.begin();
      std::advance(it, pick(model.size()));
      return pick(4) == 0 ? StreamID{it->first.ms, it->first.seq + 1} : it->first;
    }
    return {990 + pick(clock - 980), pick(3)};
  };
  auto check_range = [&](StreamID a, StreamID b, bool reverse) {
    std::vector<std::pair<StreamID, Fields>> want;
    if (a <= b) {
      for (auto it = model.lower_bound(a); it != model.end() && it->first <= b; ++it) {
        want.push_back(*it);
      }
    }
    if (reverse) std::reverse(want.begin(), want.end());
    size_t i = 0;
    for (auto it = s.Range(a, b, reverse); it.Valid(); it.Next(), i++) {
      REQUIRE(i < want.size());
      REQUIRE(it.id() == want[i].first);
      const auto& fv = it.entry().field_values;
      REQUIRE(Fields(fv.begin(), fv.end()) == want[i].second);
    }
    REQUIRE(i == want.size());
  };

  for (int step = 0; step < 6000; step++) {
    uint64_t op = pick(100);
    if (op < 55) {
      // Add: auto with a wobbling clock, ms-*, or explicit (sometimes refused).
      clock += pick(4);
      if (pick(10) == 0) clock -= pick(3);
      XAddId given;
      switch (pick(3)) {
        case 0: given = Auto(); break;
        case 1: given = AutoSeq(s.last_id().ms + pick(3) - 1); break;
        default: given = Explicit(s.last_id().ms + pick(3), pick(3)); break;
      }
      Fields fv;
      size_t pairs = 1 + pick(3);
      for (size_t p = 0; p < pairs; p++) {
        fv.push_back(pick(4) == 0 ? names[pick(4)] : names[p]);
        fv.push_back(pick(2) ? std::to_string(pick(100000)) : std::string(pick(20), 'v'));
      }
      std::vector<std::string_view> views(fv.begin(), fv.end());
      StreamID before = s.last_id();
      auto r = s.Add(given, views, clock, limit_choices[pick(4)]);
      auto expected = streams::ResolveXAddId(given, before, clock);
      REQUIRE(r.status == expected.status);
      if (r.ok()) {
        REQUIRE(r.value == expected.value);
        model[r.value] = fv;
        added++;
      }
    } else if (op < 80) {
      StreamID id = random_id();
      REQUIRE(s.Contains(id) == (model.count(id) != 0));
      bool present = model.erase(id) > 0;
      REQUIRE(s.Delete(id) == present);
      REQUIRE(!s.Contains(id));
      if (present && id > max_deleted) max_deleted = id;
    } else if (op < 85) {
      bool approx = pick(2);
      uint64_t maxlen = pick(model.size() + 5);
      uint64_t limit = approx ? pick(3) * 10 : 0;
      size_t before = model.size();
      size_t removed = s.TrimMaxLen(maxlen, approx, limit);
      if (!approx) {
        REQUIRE(removed == (before > maxlen ? before - maxlen : 0));
      } else {
        if (before >= maxlen) REQUIRE(before - removed >= maxlen);
        if (limit > 0) REQUIRE(removed <= limit);
      }
      for (size_t i = 0; i < removed; i++) model.erase(model.begin());
    } else if (op < 90) {
      bool approx = pick(2);
      StreamID minid = random_id();
      uint64_t limit = approx ? pick(3) * 10 : 0;
      size_t removed = s.TrimMinId(minid, approx, limit);
      for (size_t i = 0; i < removed; i++) {
        REQUIRE(model.begin()->first < minid);
        model.erase(model.begin());
      }
      if (!approx) REQUIRE((model.empty() || model.begin()->first >= minid));
    } else if (op < 93) {
      // XSETID, often below last_id (down to the top item), so later adds land after IDs
      // still flagged deleted in the tail.
      StreamID top = model.empty() ? StreamID{} : model.rbegin()->first;
      StreamID want{top.ms + pick(3), pick(3)};
      std::optional<uint64_t> entries;
      if (pick(3) == 0) entries = model.size() + pick(3) - (model.empty() ? 0 : 1);
      std::optional<StreamID> max_del;
      if (pick(3) == 0) max_del = StreamID{want.ms + pick(2), pick(3)};
      SetIdStatus expected = SetIdStatus::kOk;
      if (max_del && *max_del != StreamID{} && want < *max_del) {
        expected = SetIdStatus::kSmallerThanMaxDeleted;
      } else if (!model.empty() && want < top) {
        expected = SetIdStatus::kSmallerThanTopItem;
      } else if (entries && *entries < model.size()) {
        expected = SetIdStatus::kEntriesAddedTooSmall;
      }
      REQUIRE(s.SetId(want, entries, max_del) == expected);
      if (expected == SetIdStatus::kOk) {
        REQUIRE(s.last_id() == want);
        if (entries) added = *entries;
        if (max_del && *max_del != StreamID{}) max_deleted = *max_del;
      }
    } else if (op < 96 && !model.empty()) {
      // Lookups in ID order from a random entry (the order an AOF's XCLAIMs come in), with
      // the IDs between entries: the stream and its blocks remember where the last one was.
      auto it = model.begin();
      std::advance(it, pick(model.size()));
      for (size_t n = pick(40); it != model.end() && n > 0; ++it, n--) {
        REQUIRE(s.Contains(it->first));
        const StreamID next{it->first.ms, it->first.seq + 1};
        REQUIRE(s.Contains(next) == (model.count(next) != 0));
      }
    } else {
      StreamID a = random_id(), b = random_id();
      if (a > b && pick(4) != 0) std::swap(a, b);
      check_range(a, b, pick(2));
    }
    REQUIRE(s.length() == model.size());
    REQUIRE(s.entries_added() == added);
    REQUIRE(s.max_deleted_id() == max_deleted);
    REQUIRE(s.first_id() == (model.empty() ? StreamID{} : model.begin()->first));
    if (!model.empty()) REQUIRE(s.LastEntryId() == model.rbegin()->first);
    most_compressed = std::max(most_compressed, s.compressed_blocks());
    if (step % 200 == 0) {
      // Moved out and back: what the stream remembers of its lookups moves with its blocks.
      Stream moved(std::move(s));
      s = std::move(moved);
      REQUIRE(s.Validate() == "");
      check_range(StreamID::Min(), StreamID::Max(), false);
      check_range(StreamID::Min(), StreamID::Max(), true);
      if (compress) {
        REQUIRE(s.block_cache()->size() <= 1);
        Stream copy = s.Clone();
        REQUIRE(copy.Validate() == "");
        REQUIRE(copy.compressed_blocks() <= s.compressed_blocks());
        REQUIRE(Ids(copy.FirstEntry()) == Ids(s.FirstEntry()));
        REQUIRE(Ids(copy.LastEntry()) == Ids(s.LastEntry()));
      }
    }
  }
  REQUIRE((most_compressed > 0) == compress);
  REQUIRE(s.Validate() == "");
  check_range(StreamID::Min(), StreamID::Max(), false);
  Stream c = s.Clone();
  REQUIRE(c.Validate() == "");
  REQUIRE(Ids(c.FirstEntry()) == Ids(s.FirstEntry()));
}

// ---- Memory ---------------------------------------------------------------------------------

TEST_CASE("Compressed sealed blocks cost less and read back the same", "[stream][compress]") {
  Stream plain, packed;
  StreamLimits on;
  on.compress = true;
  std::vector<std::string> users = {"alice", "bob", "carol", "dave"};
  for (uint64_t i = 1; i <= 5000; i++) {
    std::string json = "{\"user\":\"" + users[i % 4] + "\",\"amount\":" +
                       std::to_string(i * 7 % 1000) + ",\"status\":\"settled\"}";
    std::vector<std::string_view> fv = {"event", json};
    MustAdd(plain, {1700000000000 + i, 0}, fv);
    MustAdd(packed, {1700000000000 + i, 0}, fv, on);
  }
  REQUIRE(packed.Validate() == "");
  CHECK(packed.compressed_blocks() == packed.tree_keys() - 1);  // all but the tail
  std::printf("stream of small JSON events: %.1f bytes/entry plain, %.1f compressed\n",
              plain.BytesUsed() / 5000.0, packed.BytesUsed() / 5000.0);
  CHECK(packed.BytesUsed() * 2 < plain.BytesUsed());
  // Reading inflates into the cache: BytesUsed counts it, and the entries are the same.
  std::vector<std::string> a, b;
  for (auto it = plain.Range(StreamID::Min(), StreamID::Max()); it.Valid(); it.Next()) {
    a.emplace_back(it.entry().value(0));
  }
  for (auto it = packed.Range(StreamID::Min(), StreamID::Max(), true); it.Valid(); it.Next()) {
    b.emplace_back(it.entry().value(0));
  }
  std::reverse(b.begin(), b.end());
  CHECK(a == b);
  REQUIRE(packed.block_cache() != nullptr);
  CHECK(packed.block_cache()->size() == streams::BlockCache::kDefaultSlots);
  // XDEL in a sealed block decompresses it and compresses it again.
  const size_t blocks = packed.compressed_blocks();
  REQUIRE(packed.Delete({1700000000000 + 150, 0}));
  REQUIRE_FALSE(packed.Delete({1700000000000 + 150, 0}));
  CHECK(packed.compressed_blocks() == blocks);
  REQUIRE(packed.Validate() == "");
  // Trimming into a sealed block too; an exact trim leaves the first live entry right.
  CHECK(packed.TrimMaxLen(4000, false, 0) == 999);
  REQUIRE(packed.Validate() == "");
  CHECK(packed.first_id() == StreamID{1700000000000 + 1001, 0});
  // Freeing the tail makes the previous (compressed) block the plain tail again.
  CHECK(packed.TrimMinId({1700000000000 + 4990, 0}, false, 0) > 0);
  REQUIRE(packed.Validate() == "");
}

TEST_CASE("A million small entries cost well under Redis's bytes per entry", "[stream]") {
  const auto heap = [] { return static_cast<double>(mallinfo2().uordblks); };
  const double heap_before = heap();
  Stream s;
  const uint64_t n = 1000000;
  for (uint64_t i = 0; i < n; i++) {
    REQUIRE(s.Add(Auto(), kFields, 1700000000000 + i).ok());
  }
  const double heap_after = heap();
  const double per_entry = static_cast<double>(s.BytesUsed()) / n;
  // The sanitizers' allocator leaves mallinfo2 at zero: no heap figure then.
  std::printf("stream: %zu blocks, %zu tree nodes, %.2f bytes/entry (BytesUsed)", s.tree_keys(),
              s.tree_nodes(), per_entry);
  if (heap_after > heap_before) std::printf(", %.2f (glibc heap)", (heap_after - heap_before) / n);
  std::printf("\n");
  CHECK(s.length() == n);
  CHECK(s.tree_keys() == n / 100);
  CHECK(per_entry < 16.0);
}
