// server::Db: lazy and active expiry, TTL rules of Set/Persist/Rename/MoveTo, WATCH flags, and
// the SCAN guarantee at the keyspace level. Times are explicit so nothing depends on the clock.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "src/db.h"

using server::Db;
using server::kNoExpire;
using server::Value;

namespace {

constexpr int64_t kNow = 1'000'000;

Value Str(std::string s) { return Value::String(std::move(s)); }

}  // namespace

TEST_CASE("Find returns a live key and deletes an expired one on access", "[db][expiry]") {
  Db db;
  db.Set("live", Str("1"));
  db.SetExpire("live", kNow + 10);
  db.Set("dead", Str("2"));
  db.SetExpire("dead", kNow);  // expiring at exactly now counts as expired
  REQUIRE(db.size() == 2);
  REQUIRE(db.Find("live", kNow) != nullptr);
  CHECK(db.Find("live", kNow)->str() == "1");
  CHECK(db.Find("dead", kNow) == nullptr);
  CHECK(db.size() == 1);
  CHECK(db.expires_size() == 1);
  CHECK(db.expired_keys() == 1);
  CHECK(db.GetExpire("dead") == kNoExpire);
  CHECK_FALSE(db.Exists("live", kNow + 10));
  CHECK(db.size() == 0);
  CHECK(db.expires_size() == 0);
}

TEST_CASE("Delete of an expired key returns false and removes it", "[db][expiry]") {
  Db db;
  db.Set("k", Str("v"));
  db.SetExpire("k", kNow - 1);
  CHECK_FALSE(db.Delete("k", kNow));
  CHECK(db.size() == 0);
  CHECK(db.expires_size() == 0);
  CHECK_FALSE(db.Delete("missing", kNow));
  db.Set("k", Str("v"));
  db.SetExpire("k", kNow + 1000);
  CHECK(db.Delete("k", kNow));
  CHECK(db.size() == 0);
  CHECK(db.expires_size() == 0);
}

TEST_CASE("Set removes the TTL of an existing key and SetKeepTtl keeps a live one", "[db][expiry]") {
  Db db;
  db.Set("k", Str("a"));
  db.SetExpire("k", kNow + 500);
  db.SetKeepTtl("k", Str("b"), kNow);
  CHECK(db.GetExpire("k") == kNow + 500);
  CHECK(db.Find("k", kNow)->str() == "b");
  db.Set("k", Str("c"));
  CHECK(db.GetExpire("k") == kNoExpire);
  CHECK(db.expires_size() == 0);
  CHECK(db.Find("k", kNow + 10'000)->str() == "c");
}

TEST_CASE("Set with keep_ttl on a key whose TTL already passed does not inherit the stale TTL",
          "[db][expiry]") {
  // Redis expires the old key when SET KEEPTTL looks it up, so the new value has no TTL.
  Db db;
  db.Set("k", Str("old"));
  db.SetExpire("k", kNow - 1);
  db.SetKeepTtl("k", Str("new"), kNow);
  REQUIRE(db.Find("k", kNow) != nullptr);
  CHECK(db.Find("k", kNow)->str() == "new");
}

TEST_CASE("Persist removes a TTL and reports whether there was one", "[db][expiry]") {
  Db db;
  db.Set("k", Str("v"));
  CHECK_FALSE(db.Persist("k"));
  db.SetExpire("k", kNow + 5);
  CHECK(db.Persist("k"));
  CHECK(db.GetExpire("k") == kNoExpire);
  CHECK(db.Find("k", kNow + 100) != nullptr);
  CHECK_FALSE(db.Persist("missing"));
}

TEST_CASE("Rename keeps the value and the expiry and overwrites the target", "[db][expiry]") {
  Db db;
  db.Set("from", Str("v"));
  db.SetExpire("from", kNow + 50);
  db.Set("to", Str("old"));
  db.SetExpire("to", kNow + 9999);
  db.Rename("from", "to");
  CHECK(db.Find("from", kNow) == nullptr);
  REQUIRE(db.Find("to", kNow) != nullptr);
  CHECK(db.Find("to", kNow)->str() == "v");
  CHECK(db.GetExpire("to") == kNow + 50);
  CHECK(db.GetExpire("from") == kNoExpire);
  CHECK(db.size() == 1);
  CHECK(db.expires_size() == 1);
}

TEST_CASE("Rename of a key without TTL onto a key with one leaves no TTL", "[db][expiry]") {
  Db db;
  db.Set("from", Str("v"));
  db.Set("to", Str("old"));
  db.SetExpire("to", kNow + 9999);
  db.Rename("from", "to");
  CHECK(db.GetExpire("to") == kNoExpire);
  CHECK(db.expires_size() == 0);
}

TEST_CASE("MoveTo carries the expiry into the other db", "[db][expiry]") {
  Db a, b;
  a.Set("k", Str("v"));
  a.SetExpire("k", kNow + 70);
  a.MoveTo("k", b, "k");
  CHECK(a.size() == 0);
  CHECK(a.expires_size() == 0);
  REQUIRE(b.Find("k", kNow) != nullptr);
  CHECK(b.GetExpire("k") == kNow + 70);
  CHECK(b.Find("k", kNow + 70) == nullptr);
}

TEST_CASE("ActiveExpire removes expired keys and leaves live ones", "[db][expiry]") {
  Db db;
  for (int i = 0; i < 300; i++) {
    std::string k = "k" + std::to_string(i);
    db.Set(k, Str("v"));
    if (i % 3 == 0) db.SetExpire(k, kNow - 1);       // expired
    else if (i % 3 == 1) db.SetExpire(k, kNow + 100);  // live with TTL
  }
  size_t deleted = 0;
  for (int round = 0; round < 200 && db.size() > 200; round++) {
    deleted += db.ActiveExpire(kNow, 16);
  }
  CHECK(deleted == 100);
  CHECK(db.size() == 200);
  CHECK(db.expires_size() == 100);
  CHECK(db.expired_keys() == 100);
  for (int i = 0; i < 300; i++) {
    std::string k = "k" + std::to_string(i);
    CHECK((db.Find(k, kNow) != nullptr) == (i % 3 != 0));
  }
  CHECK(db.ActiveExpire(kNow, 16) == 0);
}

TEST_CASE("ActiveExpire on a db where every TTL has passed empties it", "[db][expiry]") {
  Db db;
  for (int i = 0; i < 1000; i++) {
    std::string k = "k" + std::to_string(i);
    db.Set(k, Str("v"));
    db.SetExpire(k, kNow - 1);
  }
  CHECK(db.ActiveExpire(kNow, 1000) == 1000);
  CHECK(db.size() == 0);
  CHECK(db.expires_size() == 0);
}

TEST_CASE("Modifying a watched key sets its watchers' flags", "[db][watch]") {
  Db db;
  bool a = false, b = false, other = false;
  db.Watch("k", &a);
  db.Watch("k", &b);
  db.Watch("x", &other);
  db.Set("k", Str("v"));
  CHECK(a);
  CHECK(b);
  CHECK_FALSE(other);

  a = b = false;
  db.Unwatch("k", &b);
  db.Touch("k");
  CHECK(a);
  CHECK_FALSE(b);

  a = false;
  db.SetExpire("k", kNow + 1);
  CHECK(a);
  a = false;
  db.Persist("k");
  CHECK(a);
  a = false;
  CHECK(db.Delete("k", kNow));
  CHECK(a);
}

TEST_CASE("A watched key that expires on access flags its watchers", "[db][watch]") {
  Db db;
  bool flag = false;
  db.Set("k", Str("v"));
  db.SetExpire("k", kNow - 1);
  db.Watch("k", &flag);
  CHECK(db.Find("k", kNow) == nullptr);
  CHECK(flag);
}

TEST_CASE("Rename flags the watchers of both keys", "[db][watch]") {
  Db db;
  bool from = false, to = false;
  db.Set("a", Str("v"));
  db.Watch("a", &from);
  db.Watch("b", &to);
  db.Rename("a", "b");
  CHECK(from);
  CHECK(to);
}

TEST_CASE("Flush empties the db and flags the watchers of the keys it removed",
          "[db][watch]") {
  // Redis 7.0: a WATCH on a key that did not exist survives FLUSHDB/FLUSHALL.
  Db db;
  bool on_missing = false, on_present = false;
  db.Set("k", Str("v"));
  db.SetExpire("k", kNow + 10);
  db.Watch("k", &on_present);
  db.Watch("never-set", &on_missing);
  db.Flush();
  CHECK(db.size() == 0);
  CHECK(db.expires_size() == 0);
  CHECK(on_present);
  CHECK_FALSE(on_missing);
}

TEST_CASE("Db SCAN returns every key present for the whole scan and skips expired ones",
          "[db][scan]") {
  Db db;
  for (int i = 0; i < 3000; i++) db.Set("stable:" + std::to_string(i), Str("v"));
  for (int i = 0; i < 500; i++) {
    std::string k = "gone:" + std::to_string(i);
    db.Set(k, Str("v"));
    db.SetExpire(k, kNow - 1);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0, churn = 0;
  do {
    cursor = db.Scan(cursor, kNow, [&](std::string_view k, const Value&) { seen.emplace(k); });
    // Grow and shrink the keyspace between steps.
    if ((step++ / 20) % 2 == 0) {
      for (int i = 0; i < 100; i++) db.Set("churn:" + std::to_string(churn++), Str("x"));
    } else {
      for (int i = 0; i < 200 && churn > 0; i++) {
        db.Delete("churn:" + std::to_string(--churn), kNow);
      }
    }
  } while (cursor != 0);
  for (int i = 0; i < 3000; i++) REQUIRE(seen.count("stable:" + std::to_string(i)) == 1);
  for (int i = 0; i < 500; i++) CHECK(seen.count("gone:" + std::to_string(i)) == 0);
}

TEST_CASE("RandomKey skips expired keys and fails on a db with only expired keys", "[db]") {
  Db db;
  std::string out;
  CHECK_FALSE(db.RandomKey(kNow, out));
  db.Set("a", Str("v"));
  db.SetExpire("a", kNow - 1);
  CHECK_FALSE(db.RandomKey(kNow, out));
  db.Set("b", Str("v"));
  REQUIRE(db.RandomKey(kNow, out));
  CHECK(out == "b");
}
