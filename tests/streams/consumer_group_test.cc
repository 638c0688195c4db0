// streams::ConsumerGroup: the PEL and its indexes (per consumer, by delivery time, the NACKed
// zone) under every operation, checked against a simple model; and Redis 7's entries-read and
// lag arithmetic on the cases redis-server 7.0.15 reports in XINFO GROUPS.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "streams/consumer_group.h"
#include "streams/stream.h"

using streams::ConsumerGroup;
using streams::PendingEntry;
using streams::Stream;
using streams::StreamID;

namespace {

StreamID Id(uint64_t ms, uint64_t seq = 0) { return {ms, seq}; }

void AddEntries(Stream& s, uint64_t from_ms, uint64_t to_ms) {
  const std::string_view fv[] = {"f", "v"};
  for (uint64_t ms = from_ms; ms <= to_ms; ms++) REQUIRE(s.AddWithId(Id(ms), fv) == streams::IdStatus::kOk);
}

std::vector<StreamID> IdsOf(const streams::PendingIndex& pel) {
  std::vector<StreamID> ids;
  streams::PendingIndex::Iterator it(pel);
  for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) ids.push_back(it.Value()->id);
  return ids;
}

}  // namespace

TEST_CASE("A delivered entry is pending for its consumer with one delivery at the given time",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto [alice, created] = g.GetOrCreateConsumer("alice", 100);
  REQUIRE(created);
  PendingEntry* e = g.RecordDelivery(Id(5), *alice, 1000);
  CHECK(e->owner() == alice);
  CHECK(e->delivery_count() == 1);
  CHECK(e->delivery_time_ms == 1000);
  CHECK(g.FindPending(Id(5)) == e);
  CHECK(IdsOf(alice->pel) == std::vector<StreamID>{Id(5)});
  CHECK(g.Validate().empty());
}

TEST_CASE("Getting an existing consumer returns it without creating another", "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto [a1, c1] = g.GetOrCreateConsumer("a", 1);
  auto [a2, c2] = g.GetOrCreateConsumer("a", 2);
  CHECK(c1);
  CHECK_FALSE(c2);
  CHECK(a1 == a2);
  CHECK(a1->seen_time_ms == 1);
  CHECK(a1->active_time_ms == -1);
  CHECK(g.consumers().size() == 1);
}

TEST_CASE("Delivering an ID that is already pending reassigns it with its count reset to 1",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  auto* b = g.GetOrCreateConsumer("b", 0).first;
  PendingEntry* e = g.RecordDelivery(Id(1), *a, 10);
  g.Redeliver(*e, *a, 20, true);
  REQUIRE(e->delivery_count() == 2);
  PendingEntry* again = g.RecordDelivery(Id(1), *b, 30);
  CHECK(again == e);
  CHECK(e->owner() == b);
  CHECK(e->delivery_count() == 1);
  CHECK(a->pel.empty());
  CHECK(IdsOf(b->pel) == std::vector<StreamID>{Id(1)});
  CHECK(g.Validate().empty());
}

TEST_CASE("Acknowledging removes the entry everywhere and a second ack finds nothing",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  g.RecordDelivery(Id(1), *a, 10);
  g.RecordDelivery(Id(2), *a, 10);
  CHECK(g.Ack(Id(1)));
  CHECK_FALSE(g.Ack(Id(1)));
  CHECK_FALSE(g.Ack(Id(9)));
  CHECK(g.pending_count() == 1);
  CHECK(IdsOf(a->pel) == std::vector<StreamID>{Id(2)});
  CHECK(g.Validate().empty());
}

TEST_CASE("Deleting a consumer drops its pending entries from the group and returns their count",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  auto* b = g.GetOrCreateConsumer("b", 0).first;
  g.RecordDelivery(Id(1), *a, 10);
  g.RecordDelivery(Id(2), *b, 10);
  g.RecordDelivery(Id(3), *a, 10);
  CHECK(g.DeleteConsumer("a") == 2u);
  CHECK_FALSE(g.DeleteConsumer("a").has_value());
  CHECK(g.FindConsumer("a") == nullptr);
  CHECK(IdsOf(g.pel()) == std::vector<StreamID>{Id(2)});
  CHECK(g.Validate().empty());
}

TEST_CASE("Idle entries are visited longest idle first, then by ID, up to the time bound",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  g.RecordDelivery(Id(1), *a, 300);
  g.RecordDelivery(Id(2), *a, 100);
  g.RecordDelivery(Id(3), *a, 200);
  g.RecordDelivery(Id(4), *a, 100);
  g.RecordDelivery(Id(5), *a, 900);
  std::vector<StreamID> seen;
  g.ForEachIdle(300, [&](PendingEntry& e) {
    seen.push_back(e.id);
    return true;
  });
  CHECK(seen == std::vector<StreamID>{Id(2), Id(4), Id(3), Id(1)});
}

TEST_CASE("Claiming during the idle walk moves entries past the bound without revisiting them",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  auto* b = g.GetOrCreateConsumer("b", 0).first;
  for (uint64_t i = 1; i <= 5; i++) g.RecordDelivery(Id(i), *a, static_cast<int64_t>(i));
  std::vector<StreamID> seen;
  g.ForEachIdle(10, [&](PendingEntry& e) {
    seen.push_back(e.id);
    g.Redeliver(e, *b, 50, true);
    return seen.size() < 3;
  });
  CHECK(seen == std::vector<StreamID>{Id(1), Id(2), Id(3)});
  CHECK(b->pel.size() == 3);
  CHECK(a->pel.size() == 2);
  CHECK(g.Validate().empty());
}

TEST_CASE("A NACKed entry leaves its owner and NACKed entries are visited in NACK order",
          "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  for (uint64_t i = 1; i <= 3; i++) g.RecordDelivery(Id(i), *a, 10);
  g.Nack(*g.FindPending(Id(3)));
  g.Nack(*g.FindPending(Id(1)));
  CHECK(g.nacked_count() == 2);
  CHECK(g.FindPending(Id(3))->owner() == nullptr);
  CHECK(g.FindPending(Id(3))->delivery_time_ms == 0);
  CHECK(IdsOf(a->pel) == std::vector<StreamID>{Id(2)});
  std::vector<StreamID> order;
  g.ForEachNacked([&](PendingEntry& e) {
    order.push_back(e.id);
    return true;
  });
  CHECK(order == std::vector<StreamID>{Id(3), Id(1)});
  // Not idle-walked: a NACKed entry is not owned.
  size_t idle = 0;
  g.ForEachIdle(1000, [&](PendingEntry&) { return ++idle > 0; });
  CHECK(idle == 1);
  // Claiming takes it out of the zone.
  g.Redeliver(*g.FindPending(Id(3)), *a, 20, true);
  CHECK(g.nacked_count() == 1);
  CHECK(g.Validate().empty());
}

TEST_CASE("A cloned group has the same consumers, PEL, times, counts and NACK order",
          "[consumer_group]") {
  ConsumerGroup g(Id(7, 1), 4);
  auto* a = g.GetOrCreateConsumer("a", 5).first;
  a->active_time_ms = 6;
  auto* b = g.GetOrCreateConsumer("b", 7).first;
  g.RecordDelivery(Id(1), *a, 10);
  g.RecordDelivery(Id(2), *b, 20);
  g.RecordDelivery(Id(3), *a, 30);
  g.Nack(*g.FindPending(Id(3)));
  g.Nack(*g.FindPending(Id(1)));
  auto copy = g.Clone();
  CHECK(copy->Validate().empty());
  CHECK(copy->last_id() == Id(7, 1));
  CHECK(copy->entries_read() == 4);
  REQUIRE(copy->FindConsumer("a") != nullptr);
  CHECK(copy->FindConsumer("a")->active_time_ms == 6);
  CHECK(copy->FindConsumer("b")->seen_time_ms == 7);
  CHECK(copy->FindPending(Id(2))->owner() == copy->FindConsumer("b"));
  CHECK(copy->FindPending(Id(2))->delivery_time_ms == 20);
  std::vector<StreamID> order;
  copy->ForEachNacked([&](PendingEntry& e) {
    order.push_back(e.id);
    return true;
  });
  CHECK(order == std::vector<StreamID>{Id(3), Id(1)});
}

TEST_CASE("Random PEL operations keep every index consistent with a model", "[consumer_group]") {
  std::mt19937_64 rng(42);
  ConsumerGroup g(Id(0), 0);
  const char* names[] = {"a", "b", "c", "d"};
  struct Model {
    std::string owner;  // "" when NACKed
    uint64_t count;
  };
  std::map<StreamID, Model> model;
  for (int step = 0; step < 20000; step++) {
    const StreamID id = Id(rng() % 200);
    const std::string name = names[rng() % 4];
    auto* c = g.GetOrCreateConsumer(name, step).first;
    if (rng() % 7 == 0) {
      if (PendingEntry* e = g.FindPending(id)) g.SetDue(*e, static_cast<int64_t>(rng() % 1000));
      continue;
    }
    switch (rng() % 6) {
      case 0:
      case 1:
        g.RecordDelivery(id, *c, static_cast<int64_t>(rng() % 1000));
        model[id] = {name, 1};
        break;
      case 2:
        CHECK(g.Ack(id) == (model.erase(id) == 1));
        break;
      case 3:
        if (PendingEntry* e = g.FindPending(id)) {
          g.Redeliver(*e, *c, static_cast<int64_t>(rng() % 1000), true);
          model[id] = {name, model[id].count + 1};
        }
        break;
      case 4:
        if (PendingEntry* e = g.FindPending(id); e != nullptr && e->owner() != nullptr) {
          g.Nack(*e);
          model[id].owner = "";
        }
        break;
      case 5:
        if (rng() % 20 == 0) {
          size_t expected = 0;
          for (auto it = model.begin(); it != model.end();) {
            if (it->second.owner == name) {
              expected++;
              it = model.erase(it);
            } else {
              ++it;
            }
          }
          CHECK(g.DeleteConsumer(name) == expected);
        }
        break;
    }
    if (step % 500 == 0) REQUIRE(g.Validate().empty());
  }
  REQUIRE(g.Validate().empty());
  REQUIRE(g.pending_count() == model.size());
  for (const auto& [id, m] : model) {
    PendingEntry* e = g.FindPending(id);
    REQUIRE(e != nullptr);
    CHECK(e->delivery_count() == m.count);
    CHECK((e->owner() == nullptr ? std::string() : e->owner()->name) == m.owner);
  }
}

TEST_CASE("Compacting a PEL thinned by scattered acks returns its memory and keeps every field",
          "[consumer_group]") {
  std::mt19937_64 rng(7);
  ConsumerGroup g(Id(0), 0);
  const char* names[] = {"a", "b", "c"};
  struct Model {
    std::string owner;  // "" when NACKed
    int64_t time;
    uint64_t count;
    int64_t due;
  };
  std::map<StreamID, Model> model;
  uint64_t next_ms = 1;
  for (int round = 0; round < 6; round++) {
    // A burst of deliveries in ID order, some with due times and counts past 32 bits...
    for (int i = 0; i < 6000; i++) {
      const StreamID id = Id(next_ms++);
      const std::string name = names[rng() % 3];
      auto* c = g.GetOrCreateConsumer(name, 0).first;
      const auto time = static_cast<int64_t>(rng() % 100000);
      PendingEntry* e = g.RecordDelivery(id, *c, time);
      Model m{name, time, 1, -1};
      if (rng() % 5 == 0) {
        m.due = static_cast<int64_t>(rng() % 100000);
        g.SetDue(*e, m.due);
      }
      if (rng() % 50 == 0) {
        m.count = (uint64_t{1} << 32) + rng() % 1000;
        g.SetDeliveryCount(*e, m.count);
      }
      if (rng() % 30 == 0) {
        g.Nack(*e);
        m.owner = "";
        m.time = 0;
        m.due = -1;
      }
      model[id] = m;
    }
    // ...then scattered acks of most of them.
    for (auto it = model.begin(); it != model.end();) {
      if (rng() % 10 != 0) {
        REQUIRE(g.Ack(it->first));
        it = model.erase(it);
      } else {
        ++it;
      }
    }
    const size_t before = g.BytesUsed();
    g.CompactPending();
    REQUIRE(g.Validate().empty());
    CHECK(g.BytesUsed() < before);
    REQUIRE(g.pending_count() == model.size());
    for (const auto& [id, m] : model) {
      PendingEntry* e = g.FindPending(id);
      REQUIRE(e != nullptr);
      CHECK((e->owner() == nullptr ? std::string() : e->owner()->name) == m.owner);
      CHECK(e->delivery_time_ms == m.time);
      CHECK(e->delivery_count() == m.count);
      CHECK(e->due_ms() == m.due);
    }
  }
  // About a tenth of each burst survives: the records left fill at least half of what is held.
  CHECK(g.BytesUsed() < model.size() * 2 * (sizeof(PendingEntry) + 3 * sizeof(uint32_t)) + 65536);
}

TEST_CASE("A stream that never had entries reports lag 0", "[consumer_group][lag]") {
  Stream s;
  ConsumerGroup* g = s.CreateGroup("g", Id(0), streams::kEntriesReadUnknown);
  CHECK(streams::GroupLag(s, *g) == 0);
}

TEST_CASE("A group created at $ has unknown entries-read but lag 0", "[consumer_group][lag]") {
  Stream s;
  AddEntries(s, 1, 5);
  ConsumerGroup* g = s.CreateGroup("g", s.last_id(), streams::kEntriesReadUnknown);
  CHECK(g->entries_read() == streams::kEntriesReadUnknown);
  CHECK(streams::GroupLag(s, *g) == 0);
}

TEST_CASE("Reading new entries from 0 counts entries-read one by one", "[consumer_group][lag]") {
  Stream s;
  AddEntries(s, 1, 5);
  ConsumerGroup* g = s.CreateGroup("g", Id(0), streams::kEntriesReadUnknown);
  // Unknown at 0-0 before the first entry: estimated as entries-added - length = 0.
  CHECK(streams::GroupLag(s, *g) == 5);
  g->AdvanceTo(s, Id(1));
  CHECK(g->entries_read() == 1);
  g->AdvanceTo(s, Id(2));
  CHECK(g->entries_read() == 2);
  CHECK(streams::GroupLag(s, *g) == 3);
  CHECK(s.FindGroup("g") == g);
  CHECK(s.CreateGroup("g", Id(0), 0) == nullptr);
}

TEST_CASE("An XDEL ahead of the group makes its lag unknown until it reads past it",
          "[consumer_group][lag]") {
  Stream s;
  AddEntries(s, 1, 5);
  ConsumerGroup* g = s.CreateGroup("g", Id(0), streams::kEntriesReadUnknown);
  g->AdvanceTo(s, Id(1));
  REQUIRE(s.Delete(Id(3)));
  CHECK_FALSE(streams::GroupLag(s, *g).has_value());
  g->AdvanceTo(s, Id(2));
  g->AdvanceTo(s, Id(4));
  g->AdvanceTo(s, Id(5));
  // At the last ID the counter is exact again: entries-added.
  CHECK(g->entries_read() == 5);
  CHECK(streams::GroupLag(s, *g) == 0);
}

TEST_CASE("A read after a trim past the group's position counts from the trim, so the lag is "
          "exact again", "[consumer_group][lag]") {
  // Redis issue 13957, fixed in 8.0: 7.0 kept counting on, and reported a lag of 3 here.
  Stream s;
  AddEntries(s, 1, 5);
  ConsumerGroup* g = s.CreateGroup("g", Id(0), 0);
  g->AdvanceTo(s, Id(1));
  REQUIRE(s.TrimMaxLen(1, false, 0) == 4);
  // Behind the first entry with no tombstone after it: the lag is what is left (7.0: 4).
  CHECK(streams::GroupLag(s, *g).value_or(-1) == 1);
  g->AdvanceTo(s, Id(5));
  CHECK(g->entries_read() == 5);
  CHECK(streams::GroupLag(s, *g).value_or(-1) == 0);
}

TEST_CASE("A read past an XDEL after the group's position estimates the counter instead of "
          "counting on", "[consumer_group][lag]") {
  // Redis 7.4 (PR 13338): with 3 deleted behind the group's position 2, reading 4 used to
  // leave entries-read at 3 and a lag of 1 with nothing left to read.
  Stream s;
  AddEntries(s, 1, 4);
  ConsumerGroup* g = s.CreateGroup("g", Id(0), 0);
  g->AdvanceTo(s, Id(1));
  g->AdvanceTo(s, Id(2));
  CHECK(streams::GroupLag(s, *g) == 2);
  REQUIRE(s.Delete(Id(3)));
  CHECK_FALSE(streams::GroupLag(s, *g).has_value());
  g->AdvanceTo(s, Id(4));
  CHECK(g->entries_read() == 4);
  CHECK(streams::GroupLag(s, *g) == 0);
}

TEST_CASE("Destroying a group removes it; ACKED needs every group to have read and acked",
          "[consumer_group]") {
  Stream s;
  AddEntries(s, 1, 3);
  CHECK(s.AcknowledgedByAllGroups(Id(2)));
  ConsumerGroup* g1 = s.CreateGroup("g1", Id(2), 2);
  ConsumerGroup* g2 = s.CreateGroup("g2", Id(1), 1);
  auto* c = g1->GetOrCreateConsumer("c", 0).first;
  g1->RecordDelivery(Id(2), *c, 0);
  CHECK_FALSE(s.AcknowledgedByAllGroups(Id(2)));  // pending in g1, unread by g2
  g1->Ack(Id(2));
  CHECK_FALSE(s.AcknowledgedByAllGroups(Id(2)));  // g2 has not read it
  CHECK(s.AcknowledgedByAllGroups(Id(1)));
  CHECK(s.DestroyGroup("g2"));
  CHECK_FALSE(s.DestroyGroup("g2"));
  CHECK(s.AcknowledgedByAllGroups(Id(2)));
  g1->RecordDelivery(Id(1), *c, 0);
  s.DropPendingReferences(Id(1));
  CHECK(g1->pending_count() == 0);
  (void)g2;
}

TEST_CASE("Entries with a due time are walked earliest due first, then by ID, up to now",
          "[consumer_group][due]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  for (uint64_t i = 1; i <= 5; i++) g.RecordDelivery(Id(i), *a, 0);
  g.SetDue(*g.FindPending(Id(1)), 300);
  g.SetDue(*g.FindPending(Id(2)), 100);
  g.SetDue(*g.FindPending(Id(3)), 200);
  g.SetDue(*g.FindPending(Id(4)), 100);
  // Id(5) has no due time: never walked.
  CHECK(g.NextDue() == 100);
  CHECK(g.due_count() == 4);
  std::vector<StreamID> seen;
  g.ForEachDue(250, [&](PendingEntry& e) {
    seen.push_back(e.id);
    return true;
  });
  CHECK(seen == std::vector<StreamID>{Id(2), Id(4), Id(3)});
  CHECK(g.Validate().empty());
}

TEST_CASE("A uniform wait implies owned entries' due times, merged with explicit ones by time",
          "[consumer_group][due]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  g.RecordDelivery(Id(1), *a, 100);  // implied: due 100 + 50
  g.RecordDelivery(Id(2), *a, 0);    // implied: due 50
  g.RecordDelivery(Id(3), *a, 0);
  g.Nack(*g.FindPending(Id(3)));
  g.SetDue(*g.FindPending(Id(3)), 120);  // NACKed: explicit only
  g.RecordDelivery(Id(4), *a, 10);
  g.SetDue(*g.FindPending(Id(4)), 150);  // explicit wins over the implied 60
  CHECK(ConsumerGroup::DueOf(*g.FindPending(Id(1)), 50) == 150);
  CHECK(ConsumerGroup::DueOf(*g.FindPending(Id(1)), std::nullopt) == -1);
  CHECK(ConsumerGroup::DueOf(*g.FindPending(Id(4)), 50) == 150);
  CHECK(g.NextDue(50) == 50);
  CHECK(g.NextDue(50, 50) == 120);
  CHECK(g.NextDue(50, 120) == 150);
  CHECK_FALSE(g.NextDue(50, 150).has_value());
  CHECK(g.NextDue() == 120);  // without the wait: explicit ones only
  auto walk = [&](int64_t from, int64_t to) {
    std::vector<StreamID> seen;
    g.ForEachDue(from, to, 50, [&](PendingEntry& e) {
      seen.push_back(e.id);
      return true;
    });
    return seen;
  };
  CHECK(walk(0, 1000) == std::vector<StreamID>{Id(2), Id(3), Id(1), Id(4)});
  CHECK(walk(51, 149) == std::vector<StreamID>{Id(3)});
  CHECK(walk(150, 150) == std::vector<StreamID>{Id(1), Id(4)});
  // The walk may redeliver what it is given (re-keying both indexes) without revisits.
  size_t visits = 0;
  g.ForEachDue(0, 1000, 50, [&](PendingEntry& e) {
    visits++;
    g.Redeliver(e, *a, 2000, true);
    return true;
  });
  CHECK(visits == 4);
  CHECK(g.NextDue(50) == 2050);
  CHECK(g.Validate().empty());
}

TEST_CASE("Redelivery, NACK and ack each clear an entry's due time", "[consumer_group][due]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  auto* b = g.GetOrCreateConsumer("b", 0).first;
  for (uint64_t i = 1; i <= 3; i++) g.SetDue(*g.RecordDelivery(Id(i), *a, 0), 50);
  g.Redeliver(*g.FindPending(Id(1)), *b, 60, true);
  g.Nack(*g.FindPending(Id(2)));
  g.Ack(Id(3));
  CHECK(g.FindPending(Id(1))->due_ms() == -1);
  CHECK(g.FindPending(Id(2))->due_ms() == -1);
  CHECK(g.due_count() == 0);
  CHECK_FALSE(g.NextDue().has_value());
  // A NACKed entry may be given a due time of its own (a backoff step).
  g.SetDue(*g.FindPending(Id(2)), 500);
  CHECK(g.NextDue() == 500);
  CHECK(g.Validate().empty());
}

TEST_CASE("Redelivering inside the due walk moves the entry on without revisiting it",
          "[consumer_group][due]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  for (uint64_t i = 1; i <= 4; i++) g.SetDue(*g.RecordDelivery(Id(i), *a, 0), 10);
  size_t visits = 0;
  g.ForEachDue(10, [&](PendingEntry& e) {
    visits++;
    g.Redeliver(e, *a, 20, true);
    g.SetDue(e, 40);  // the next deadline lies past now
    return true;
  });
  CHECK(visits == 4);
  CHECK(g.NextDue() == 40);
  CHECK(g.Validate().empty());
}

TEST_CASE("A cloned group keeps its entries' due times", "[consumer_group][due]") {
  ConsumerGroup g(Id(0), 0);
  auto* a = g.GetOrCreateConsumer("a", 0).first;
  g.SetDue(*g.RecordDelivery(Id(1), *a, 0), 70);
  g.RecordDelivery(Id(2), *a, 0);
  g.Nack(*g.FindPending(Id(2)));
  g.SetDue(*g.FindPending(Id(2)), 90);
  auto copy = g.Clone();
  CHECK(copy->Validate().empty());
  CHECK(copy->FindPending(Id(1))->due_ms() == 70);
  CHECK(copy->FindPending(Id(2))->due_ms() == 90);
  CHECK(copy->NextDue() == 70);
}

TEST_CASE("The oldest pending age is measured from the least recent delivery", "[consumer_group]") {
  ConsumerGroup g(Id(0), 0);
  CHECK_FALSE(streams::OldestPendingAgeMs(g, 5000).has_value());
  auto [alice, created] = g.GetOrCreateConsumer("alice", 100);
  REQUIRE(created);
  g.RecordDelivery(Id(7), *alice, 3000);
  g.RecordDelivery(Id(5), *alice, 1000);  // a lower ID delivered earlier: the oldest wait
  CHECK(streams::OldestPendingAgeMs(g, 5000) == 4000);
  CHECK(streams::OldestPendingAgeMs(g, 500) == 0);  // a clock behind the delivery: never negative
}
