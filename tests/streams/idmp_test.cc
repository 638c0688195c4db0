// streams::IdmpTable: duplicates per producer, MAXSIZE eviction (oldest first), expiry by the
// entry's age against an injected now, re-recording an iid, the round-robin sweep, then a model
// test against a plain map of vectors with random records, lookups and clock steps.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "streams/idmp.h"

namespace {

using IdmpModelList = std::vector<std::pair<std::string, streams::StreamID>>;

streams::StreamID IdmpAt(uint64_t ms, uint64_t seq = 0) { return {ms, seq}; }

constexpr streams::IdmpConfig kIdmpSmall{.duration_s = 10, .maxsize = 3};

// The table's meaning, plainly: per producer a list of (iid, id), oldest first.
class IdmpModel {
 public:
  std::optional<streams::StreamID> Find(const std::string& pid, const std::string& iid,
                                        uint64_t now, streams::IdmpConfig config) {
    auto it = lists_.find(pid);
    if (it == lists_.end()) return std::nullopt;
    IdmpModelList& l = it->second;
    while (!l.empty() && streams::IdmpTable::Expired(l.front().second, now, config)) {
      l.erase(l.begin());
    }
    if (l.empty()) {
      lists_.erase(it);
      return std::nullopt;
    }
    for (const auto& [i, id] : l) {
      if (i == iid) {
        if (streams::IdmpTable::Expired(id, now, config)) return std::nullopt;
        return id;
      }
    }
    return std::nullopt;
  }
  void Record(const std::string& pid, const std::string& iid, streams::StreamID id,
              streams::IdmpConfig config) {
    IdmpModelList& l = lists_[pid];
    for (auto it = l.begin(); it != l.end(); ++it) {
      if (it->first == iid) {
        l.erase(it);
        break;
      }
    }
    l.emplace_back(iid, id);
    while (l.size() > static_cast<size_t>(config.maxsize)) l.erase(l.begin());
  }

 private:
  std::map<std::string, IdmpModelList> lists_;
};

}  // namespace

TEST_CASE("An IDMP table answers a recorded iid with its entry's ID, per producer",
          "[idmp]") {
  streams::IdmpTable t;
  CHECK_FALSE(t.Find("p1", "a", 1000, kIdmpSmall));
  t.Record("p1", "a", IdmpAt(1000), kIdmpSmall);
  CHECK(t.Find("p1", "a", 1000, kIdmpSmall) == IdmpAt(1000));
  CHECK_FALSE(t.Find("p2", "a", 1000, kIdmpSmall));  // producers are isolated
  t.Record("p2", "a", IdmpAt(1000, 1), kIdmpSmall);
  CHECK(t.Find("p2", "a", 1000, kIdmpSmall) == IdmpAt(1000, 1));
  CHECK(t.tracked() == 2);
  CHECK(t.producers() == 2);
  CHECK(t.iids_added() == 2);
  CHECK(t.Validate().empty());
}

TEST_CASE("An IDMP producer keeps at most MAXSIZE iids, evicting the oldest first", "[idmp]") {
  streams::IdmpTable t;
  for (uint64_t i = 0; i < 5; i++) t.Record("p", std::to_string(i), IdmpAt(1000 + i), kIdmpSmall);
  CHECK(t.tracked() == 3);
  CHECK_FALSE(t.Find("p", "0", 1004, kIdmpSmall));
  CHECK_FALSE(t.Find("p", "1", 1004, kIdmpSmall));
  CHECK(t.Find("p", "2", 1004, kIdmpSmall) == IdmpAt(1002));
  CHECK(t.Find("p", "4", 1004, kIdmpSmall) == IdmpAt(1004));
  CHECK(t.iids_added() == 5);
  CHECK(t.Validate().empty());
}

TEST_CASE("An IDMP iid expires DURATION seconds after its entry's time, not before",
          "[idmp]") {
  streams::IdmpTable t;
  t.Record("p", "a", IdmpAt(1000), kIdmpSmall);
  CHECK(t.Find("p", "a", 10999, kIdmpSmall) == IdmpAt(1000));
  CHECK(t.CountLive(10999, kIdmpSmall).iids == 1);
  CHECK(t.CountLive(11000, kIdmpSmall).iids == 0);
  CHECK_FALSE(t.Find("p", "a", 11000, kIdmpSmall));
  // The lookup dropped it, and the producer with it.
  CHECK(t.tracked() == 0);
  CHECK(t.producers() == 0);
  CHECK(streams::IdmpTable::Expired(IdmpAt(1000), 11000, kIdmpSmall));
  CHECK_FALSE(streams::IdmpTable::Expired(IdmpAt(20000), 11000, kIdmpSmall));  // clock behind
}

TEST_CASE("Re-recording an IDMP iid moves it to the newest place with the new ID", "[idmp]") {
  streams::IdmpTable t;
  t.Record("p", "a", IdmpAt(1), kIdmpSmall);
  t.Record("p", "b", IdmpAt(2), kIdmpSmall);
  t.Record("p", "a", IdmpAt(3), kIdmpSmall);
  CHECK(t.tracked() == 2);
  t.Record("p", "c", IdmpAt(4), kIdmpSmall);
  t.Record("p", "d", IdmpAt(5), kIdmpSmall);  // evicts b, the oldest now
  CHECK_FALSE(t.Find("p", "b", 5, kIdmpSmall));
  CHECK(t.Find("p", "a", 5, kIdmpSmall) == IdmpAt(3));
  CHECK(t.Validate().empty());
}

TEST_CASE("The IDMP sweep reclaims producers that stopped sending, one per call", "[idmp]") {
  streams::IdmpTable t;
  for (const char* pid : {"a", "b", "c"}) t.Record(pid, "x", IdmpAt(1000), kIdmpSmall);
  t.SweepSome(5000, kIdmpSmall, 3);
  CHECK(t.producers() == 3);  // nothing expired yet
  t.SweepSome(11000, kIdmpSmall, 1);
  CHECK(t.producers() == 2);
  t.SweepSome(11000, kIdmpSmall, 1);
  t.SweepSome(11000, kIdmpSmall, 1);
  CHECK(t.producers() == 0);
  CHECK(t.tracked() == 0);
  CHECK(t.Validate().empty());
}

TEST_CASE("Clearing an IDMP table forgets its iids but keeps the lifetime counters",
          "[idmp]") {
  streams::IdmpTable t;
  t.Record("p", "a", IdmpAt(1), kIdmpSmall);
  t.CountDuplicate();
  t.Clear();
  CHECK(t.tracked() == 0);
  CHECK_FALSE(t.Find("p", "a", 1, kIdmpSmall));
  CHECK(t.iids_added() == 1);
  CHECK(t.iids_duplicates() == 1);
}

TEST_CASE("A cloned IDMP table answers alone once the original is gone", "[idmp]") {
  auto t = std::make_unique<streams::IdmpTable>();
  t->SetConfig(kIdmpSmall);
  t->Record("p", "a", IdmpAt(7), kIdmpSmall);
  auto copy = t->Clone();
  t.reset();
  CHECK(copy->Find("p", "a", 7, kIdmpSmall) == IdmpAt(7));
  CHECK(copy->config() == kIdmpSmall);
  CHECK(copy->Validate().empty());
}

TEST_CASE("An IDMP table matches a model of per-producer lists under random use", "[idmp]") {
  std::mt19937_64 rng(17);
  streams::IdmpTable t;
  IdmpModel model;
  const streams::IdmpConfig config{.duration_s = 2, .maxsize = 4};
  uint64_t now = 1000;
  uint64_t seq = 0;
  for (int step = 0; step < 20000; step++) {
    const std::string pid = "p" + std::to_string(rng() % 5);
    const std::string iid = "i" + std::to_string(rng() % 8);
    switch (rng() % 4) {
      case 0:
        now += rng() % 700;
        break;
      case 1: {
        CHECK(t.Find(pid, iid, now, config) == model.Find(pid, iid, now, config));
        break;
      }
      default: {
        const streams::StreamID id{now, seq++};
        t.Record(pid, iid, id, config);
        model.Record(pid, iid, id, config);
        break;
      }
    }
    if (step % 500 == 0) REQUIRE(t.Validate().empty());
  }
  // Every pair answers as the model does at the end.
  for (int p = 0; p < 5; p++) {
    for (int i = 0; i < 8; i++) {
      const std::string pid = "p" + std::to_string(p);
      const std::string iid = "i" + std::to_string(i);
      CHECK(t.Find(pid, iid, now, config) == model.Find(pid, iid, now, config));
    }
  }
  CHECK(t.Validate().empty());
}

TEST_CASE("An IDMP table matches the model with iids of every width and a changing MAXSIZE",
          "[idmp]") {
  // Short iids live inline, longer ones widen the ring's slots, ones past kMaxInline spill;
  // MAXSIZE moves (as stream-idmp-maxsize can between adds); lookups go through Look and the
  // probe they return records, as XADD does.
  std::mt19937_64 rng(29);
  streams::IdmpTable t;
  IdmpModel model;
  streams::IdmpConfig config{.duration_s = 5, .maxsize = 4};
  uint64_t now = 1000;
  uint64_t seq = 0;
  const auto iid_of = [&](uint64_t n) {
    static const size_t kWidths[] = {1, 7, 8, 12, 36, 64, 65, 200};
    const size_t width = kWidths[n % 8];
    std::string iid = std::to_string(n);
    iid.resize(width, static_cast<char>('a' + n % 26));
    return iid;
  };
  for (int step = 0; step < 30000; step++) {
    const std::string pid = "p" + std::to_string(rng() % 3);
    const std::string iid = iid_of(rng() % 40);
    const uint64_t op = rng() % 10;
    if (op == 0) {
      now += rng() % 2000;
    } else if (op == 1) {
      static const int64_t kSizes[] = {1, 3, 4, 20, 40};
      config.maxsize = kSizes[rng() % 5];
    } else {
      // XADD's shape: look, and on a miss record through the probe.
      const streams::IdmpTable::Probe probe = t.Look(pid, iid, now, config);
      const auto expected = model.Find(pid, iid, now, config);
      REQUIRE(probe.found() == expected);
      if (!expected && op > 3) {
        const streams::StreamID id{now, seq++};
        t.Record(probe, pid, iid, id, config);
        model.Record(pid, iid, id, config);
      }
    }
    if (step % 1000 == 0) {
      REQUIRE(t.Validate().empty());
      const auto copy = t.Clone();
      REQUIRE(copy->Validate().empty());
      REQUIRE(copy->tracked() == t.tracked());
    }
  }
  std::vector<std::pair<std::string, std::string>> listed;
  t.ForEach([&](std::string_view pid, std::string_view iid, streams::StreamID) {
    listed.emplace_back(std::string(pid), std::string(iid));
  });
  CHECK(listed.size() == t.tracked());
  CHECK(t.Validate().empty());
}
