// TrackingTable against a model: random remembers, invalidations, follows and changes, checking
// who each invalidation reaches, the counts INFO reports, and what each broadcast carries.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "src/tracking_table.h"

using server::TrackingTable;

namespace {

std::set<uint64_t> InvalidateAll(TrackingTable& t, const std::string& key) {
  std::set<uint64_t> got;
  t.Invalidate(key, [&](uint64_t id) {
    REQUIRE(got.insert(id).second);  // each tracker once
  });
  return got;
}

// prefix -> the broadcast's (key, by) pairs, flattened to "key/by".
std::vector<std::vector<std::string>> TakeAll(TrackingTable& t,
                                              std::vector<std::vector<uint64_t>>* clients) {
  std::vector<std::vector<std::string>> out;
  t.TakeChanged([&](std::span<const uint64_t> ids, std::span<const TrackingTable::Changed> ch) {
    clients->emplace_back(ids.begin(), ids.end());
    out.emplace_back();
    for (const auto& c : ch) out.back().push_back(c.key + "/" + std::to_string(c.by));
  });
  return out;
}

}  // namespace

TEST_CASE("TrackingTable's remembered keys behave like a map of key to client set",
          "[tracking]") {
  std::mt19937 rng(7);
  TrackingTable t;
  std::map<std::string, std::set<uint64_t>> model;
  const std::vector<std::string> keys = {"a", "b", "user:1", "user:2", "", "x"};
  for (int step = 0; step < 20000; step++) {
    const std::string& key = keys[rng() % keys.size()];
    const uint64_t client = 1 + rng() % 4;
    switch (rng() % 4) {
      case 0:
      case 1:
        t.Remember(key, client);
        model[key].insert(client);
        break;
      case 2: {
        auto want = model.count(key) ? model[key] : std::set<uint64_t>{};
        REQUIRE(InvalidateAll(t, key) == want);
        model.erase(key);
        break;
      }
      case 3:
        if (rng() % 50 == 0) {
          t.ClearKeys();
          model.clear();
        }
        break;
    }
    size_t items = 0;
    for (const auto& [k, ids] : model) items += ids.size();
    REQUIRE(t.keys() == model.size());
    REQUIRE(t.items() == items);
  }
}

TEST_CASE("TrackingTable's RandomKey picks only tracked keys and none from an empty table",
          "[tracking]") {
  TrackingTable t;
  std::string out;
  CHECK_FALSE(t.RandomKey(out));
  t.Remember("k1", 1);
  t.Remember("k2", 2);
  std::set<std::string> seen;
  for (int i = 0; i < 200; i++) {
    REQUIRE(t.RandomKey(out));
    seen.insert(out);
  }
  CHECK(seen == std::set<std::string>{"k1", "k2"});
}

TEST_CASE("TrackingTable broadcasts each changed key once, sorted, to every matching prefix",
          "[tracking]") {
  TrackingTable t;
  t.Follow("user:", 1);
  t.Follow("obj:", 1);
  t.Follow("", 2);
  t.Follow("user:", 3);
  CHECK(t.prefixes() == 3);
  t.NoteChanged("user:9", 3);
  t.NoteChanged("other", 1);
  t.NoteChanged("user:1", 3);
  t.NoteChanged("user:1", 1);  // two clients: "by" becomes 0
  t.NoteChanged("user:9", 3);  // the same client twice: still its own change
  std::vector<std::vector<uint64_t>> clients;
  auto got = TakeAll(t, &clients);
  // Prefix order: "", "obj:" (nothing changed there), "user:".
  REQUIRE(got.size() == 2);
  CHECK(clients[0] == std::vector<uint64_t>{2});
  CHECK(got[0] == std::vector<std::string>{"other/1", "user:1/0", "user:9/3"});
  CHECK(clients[1] == std::vector<uint64_t>{1, 3});
  CHECK(got[1] == std::vector<std::string>{"user:1/0", "user:9/3"});
  // Taken once: nothing is left.
  clients.clear();
  CHECK(TakeAll(t, &clients).empty());
}

TEST_CASE("TrackingTable forgets a prefix when its last follower leaves", "[tracking]") {
  TrackingTable t;
  t.Follow("a", 1);
  t.Follow("a", 2);
  t.Follow("abc", 1);
  t.Unfollow("a", 1);
  CHECK(t.prefixes() == 2);
  t.Unfollow("a", 2);
  t.Unfollow("abc", 1);
  CHECK(t.prefixes() == 0);
  CHECK_FALSE(t.has_prefixes());
  t.NoteChanged("abcd", 0);
  std::vector<std::vector<uint64_t>> clients;
  CHECK(TakeAll(t, &clients).empty());
}

TEST_CASE("TrackingTable's prefix matching agrees with a linear scan of the prefixes",
          "[tracking]") {
  std::mt19937 rng(11);
  const std::vector<std::string> prefixes = {"", "a", "ab", "abc", "b", "user:", "user:1"};
  const std::vector<std::string> keys = {"a", "ab", "abcd", "b", "bb", "user:1", "user:10", "z"};
  TrackingTable t;
  std::map<std::string, std::set<uint64_t>> followers;
  for (int round = 0; round < 300; round++) {
    for (int i = 0; i < 4; i++) {
      const std::string& p = prefixes[rng() % prefixes.size()];
      const uint64_t c = 1 + rng() % 3;
      if (rng() % 2) {
        t.Follow(p, c);
        followers[p].insert(c);
      } else {
        t.Unfollow(p, c);
        followers[p].erase(c);
        if (followers[p].empty()) followers.erase(p);
      }
    }
    std::map<std::string, std::set<std::string>> want;
    for (int i = 0; i < 5; i++) {
      const std::string& k = keys[rng() % keys.size()];
      t.NoteChanged(k, 0);
      for (const auto& [p, ids] : followers) {
        if (k.starts_with(p)) want[p].insert(k + "/0");
      }
    }
    REQUIRE(t.prefixes() == followers.size());
    std::vector<std::vector<uint64_t>> clients;
    auto got = TakeAll(t, &clients);
    REQUIRE(got.size() == want.size());
    size_t i = 0;
    for (const auto& [p, ks] : want) {
      REQUIRE(std::vector<std::string>(ks.begin(), ks.end()) == got[i]);
      REQUIRE(std::set<uint64_t>(clients[i].begin(), clients[i].end()) == followers[p]);
      i++;
    }
  }
}
