// Redis 8.2's reference modes in streams::Stream: KEEPREF, DELREF and ACKED applied by the
// MAXLEN/MINID trims (exact and approximate) and by DeleteEntry (XDELEX / XACKDEL), with group
// state built through the ConsumerGroup API directly.
#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "streams/stream.h"

using streams::ConsumerGroup;
using streams::DeleteOutcome;
using streams::IdStatus;
using streams::RefPolicy;
using streams::Stream;
using streams::StreamID;
using streams::StreamLimits;

namespace {

const std::vector<std::string_view> kFv = {"f", "v"};

// IDs 1-0 .. n-0.
Stream Numbered(uint64_t n, StreamLimits limits = {}) {
  Stream s;
  for (uint64_t i = 1; i <= n; i++) REQUIRE(s.AddWithId({i, 0}, kFv, limits) == IdStatus::kOk);
  return s;
}

std::vector<uint64_t> Ms(const Stream& s) {
  std::vector<uint64_t> out;
  for (auto it = s.Range(StreamID::Min(), StreamID::Max()); it.Valid(); it.Next()) {
    out.push_back(it.id().ms);
  }
  return out;
}

// A group that has read 1-0 .. upto-0, with the entries in `pending` still unacknowledged.
ConsumerGroup& ReadUpTo(Stream& s, std::string_view name, uint64_t upto,
                        const std::vector<uint64_t>& pending) {
  ConsumerGroup* g = s.CreateGroup(name, {upto, 0}, static_cast<int64_t>(upto));
  REQUIRE(g != nullptr);
  auto [c, created] = g->GetOrCreateConsumer("c", 100);
  for (uint64_t ms : pending) g->RecordDelivery({ms, 0}, *c, 100);
  return *g;
}

}  // namespace

TEST_CASE("KEEPREF trimming leaves the trimmed IDs in every group's PEL", "[stream][refmodes]") {
  Stream s = Numbered(5);
  ConsumerGroup& g = ReadUpTo(s, "g", 5, {1, 2, 3});
  CHECK(s.TrimMaxLen(2, false, 0, RefPolicy::kKeepRef) == 3);
  CHECK(Ms(s) == std::vector<uint64_t>{4, 5});
  CHECK(g.pending_count() == 3);
  CHECK(s.Validate().empty());
}

TEST_CASE("DELREF trimming drops the trimmed IDs from every group's PEL", "[stream][refmodes]") {
  Stream s = Numbered(5);
  ConsumerGroup& g1 = ReadUpTo(s, "g1", 5, {1, 2, 4});
  ConsumerGroup& g2 = ReadUpTo(s, "g2", 5, {3, 5});
  CHECK(s.TrimMinId({4, 0}, false, 0, RefPolicy::kDelRef) == 3);
  CHECK(Ms(s) == std::vector<uint64_t>{4, 5});
  CHECK(g1.pending_count() == 1);
  CHECK(g1.FindPending({4, 0}) != nullptr);
  CHECK(g2.pending_count() == 1);
  CHECK(g2.FindPending({5, 0}) != nullptr);
  CHECK(s.Validate().empty());
}

TEST_CASE("DELREF approximate trimming drops the references of whole blocks it frees",
          "[stream][refmodes]") {
  Stream s = Numbered(10, {2, 0});  // blocks of two entries
  ConsumerGroup& g = ReadUpTo(s, "g", 10, {1, 2, 3, 9});
  CHECK(s.TrimMaxLen(5, true, 0, RefPolicy::kDelRef) == 4);
  CHECK(Ms(s) == std::vector<uint64_t>{5, 6, 7, 8, 9, 10});
  CHECK(g.pending_count() == 1);
  CHECK(g.FindPending({9, 0}) != nullptr);
}

TEST_CASE("ACKED exact trimming steps over referenced entries and deletes later ones",
          "[stream][refmodes]") {
  Stream s = Numbered(6);
  // g has read everything but holds 2-0 pending; h has read only up to 4-0.
  ReadUpTo(s, "g", 6, {2});
  ReadUpTo(s, "h", 4, {});
  // 1, 3 and 4 go; 2 (pending in g), 5 and 6 (unread by h) stay, so the walk reaches the end
  // of the stream without bringing the length down to 2.
  CHECK(s.TrimMaxLen(2, false, 0, RefPolicy::kAcked) == 3);
  CHECK(Ms(s) == std::vector<uint64_t>{2, 5, 6});
  CHECK(s.TrimMaxLen(2, false, 0, RefPolicy::kAcked) == 0);
  CHECK(s.Validate().empty());
}

TEST_CASE("ACKED exact MAXLEN trimming stops as soon as the length is reached",
          "[stream][refmodes]") {
  Stream s = Numbered(6);
  ReadUpTo(s, "g", 6, {1});
  CHECK(s.TrimMaxLen(4, false, 0, RefPolicy::kAcked) == 2);
  CHECK(Ms(s) == std::vector<uint64_t>{1, 4, 5, 6});
}

TEST_CASE("ACKED MINID trimming keeps referenced entries below minid and nothing at or above",
          "[stream][refmodes]") {
  Stream s = Numbered(6, {2, 0});
  ReadUpTo(s, "g", 6, {3});
  CHECK(s.TrimMinId({5, 0}, false, 0, RefPolicy::kAcked) == 3);
  CHECK(Ms(s) == std::vector<uint64_t>{3, 5, 6});
  CHECK(s.first_id() == StreamID{3, 0});
  CHECK(s.Validate().empty());
}

TEST_CASE("ACKED approximate trimming frees only blocks whose every entry is acknowledged",
          "[stream][refmodes]") {
  Stream s = Numbered(8, {2, 0});
  ReadUpTo(s, "g", 8, {5});
  // Blocks {1,2} {3,4} go; {5,6} holds a pending entry, so the walk stops there.
  CHECK(s.TrimMaxLen(0, true, 0, RefPolicy::kAcked) == 4);
  CHECK(Ms(s) == std::vector<uint64_t>{5, 6, 7, 8});
}

TEST_CASE("Every mode trims alike when the stream has no groups", "[stream][refmodes]") {
  for (RefPolicy p : {RefPolicy::kKeepRef, RefPolicy::kDelRef, RefPolicy::kAcked}) {
    Stream s = Numbered(5);
    CHECK(s.TrimMaxLen(2, false, 0, p) == 3);
    CHECK(Ms(s) == std::vector<uint64_t>{4, 5});
  }
}

TEST_CASE("DeleteEntry reports deleted, not found and still referenced as XDELEX replies",
          "[stream][refmodes]") {
  Stream s = Numbered(4);
  ConsumerGroup& g = ReadUpTo(s, "g", 3, {1});
  // ACKED: pending in g -> 2; unread by g (4 > last-delivered 3) -> 2; read and acked -> 1.
  CHECK(s.DeleteEntry({1, 0}, RefPolicy::kAcked) == DeleteOutcome::kReferenced);
  CHECK(s.DeleteEntry({4, 0}, RefPolicy::kAcked) == DeleteOutcome::kReferenced);
  CHECK(s.DeleteEntry({2, 0}, RefPolicy::kAcked) == DeleteOutcome::kDeleted);
  CHECK(s.DeleteEntry({9, 0}, RefPolicy::kAcked) == DeleteOutcome::kNotFound);
  // KEEPREF deletes and keeps the reference; DELREF on the now missing entry still drops it.
  CHECK(s.DeleteEntry({1, 0}, RefPolicy::kKeepRef) == DeleteOutcome::kDeleted);
  CHECK(g.FindPending({1, 0}) != nullptr);
  CHECK(s.DeleteEntry({1, 0}, RefPolicy::kDelRef) == DeleteOutcome::kNotFound);
  CHECK(g.FindPending({1, 0}) == nullptr);
  CHECK(Ms(s) == std::vector<uint64_t>{3, 4});
  CHECK(s.Validate().empty());
}
