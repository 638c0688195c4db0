// The delivery plans (streams/delivery_plan.h) against a straightforward reference model: random
// streams, groups (deliveries, redeliveries, NACKs, explicit due times, deleted entries),
// policies, times and budgets; the model sorts a flat copy of the PEL where the plan seeks the
// group's indexes, and both must pick the same entries for the same fate, in the same order.
// XCLAIM and XNACK plans are checked against deciding and changing a copy of the group ID by ID.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "streams/consumer_group.h"
#include "streams/delivery_plan.h"
#include "streams/delivery_policy.h"
#include "streams/stream.h"

namespace {

using streams::ConsumerGroup;
using streams::DeliveryPolicy;
using streams::PendingEntry;
using streams::Stream;
using streams::StreamID;

// A pending entry as the model sees it: a plain copy.
struct Flat {
  StreamID id;
  int64_t delivery_time;
  uint64_t count;
  int64_t due_ms;
  bool nacked;
  uint64_t nack_seq;
};

std::vector<Flat> Flatten(const ConsumerGroup& g) {
  std::vector<Flat> out;
  streams::PendingIndex::Iterator it(g.pel());
  for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) {
    const PendingEntry& e = *it.Value();
    out.push_back(
        {e.id, e.delivery_time_ms, e.delivery_count(), e.due_ms(), e.owner() == nullptr, e.nack_seq()});
  }
  return out;
}

int64_t ModelDueOf(const Flat& e, std::optional<int64_t> wait) {
  if (e.due_ms >= 0) return e.due_ms;
  if (wait && !e.nacked) return e.delivery_time + *wait;
  return -1;
}

bool ModelExhausted(const DeliveryPolicy& p, uint64_t count) {
  return p.max_deliveries > 0 && count >= p.max_deliveries;
}

// Admits the first `limit` entries (0: all), as COUNT does.
struct CountBudget {
  int64_t limit;
  int64_t taken = 0;
  bool Admit() {
    if (limit > 0 && taken >= limit) return false;
    taken++;
    return true;
  }
};

struct World {
  Stream s;
  ConsumerGroup* g = nullptr;
  DeliveryPolicy policy;
};

// A random stream of up to 30 entries, a group positioned somewhere in it with entries
// delivered (some several times) to up to three consumers, some NACKed, some with explicit due
// times, then some stream entries deleted (pending or not).
void Build(std::mt19937& rng, World& w) {
  auto pick = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const int64_t n = pick(0, 30);
  for (int64_t i = 1; i <= n; i++) {
    const std::string v = std::to_string(i);
    const std::string_view fv[] = {"f", v};
    REQUIRE(w.s.AddWithId({static_cast<uint64_t>(i), 0}, fv) == streams::IdStatus::kOk);
  }
  const auto last = static_cast<uint64_t>(pick(0, n));
  w.g = w.s.CreateGroup("g", {last, 0}, static_cast<int64_t>(last));
  streams::Consumer* consumers[3];
  for (int c = 0; c < 3; c++) {
    consumers[c] = w.g->GetOrCreateConsumer("c" + std::to_string(c), 0).first;
  }
  for (uint64_t i = 1; i <= last; i++) {
    if (pick(0, 3) == 0) continue;
    PendingEntry* e = w.g->RecordDelivery({i, 0}, *consumers[pick(0, 2)], pick(0, 1000));
    for (int64_t k = pick(0, 3); k > 0; k--) {
      w.g->Redeliver(*e, *consumers[pick(0, 2)], pick(0, 1000), true);
    }
    if (pick(0, 4) == 0) w.g->Nack(*e);
    if (pick(0, 3) == 0) w.g->SetDue(*e, pick(0, 1500));
  }
  for (int64_t i = 1; i <= n; i++) {
    if (pick(0, 5) == 0) w.s.Delete({static_cast<uint64_t>(i), 0});
  }
  const int64_t timeouts[] = {0, 0, 100, 300};
  w.policy.ack_timeout_ms = timeouts[pick(0, 3)];
  if (pick(0, 3) == 0) w.policy.backoff_ms = {50, 200};
  w.policy.max_deliveries = static_cast<uint64_t>(pick(0, 4));
  REQUIRE(w.g->Validate().empty());
}

std::vector<StreamID> Ids(const std::vector<PendingEntry*>& entries) {
  std::vector<StreamID> out;
  for (const PendingEntry* e : entries) out.push_back(e->id);
  return out;
}

struct ModelRead {
  std::vector<StreamID> due, claimed, dead_letter, undeliverable, fresh;
};

ModelRead ModelGroupRead(const World& w, const streams::GroupReadRequest& req, int64_t limit) {
  ModelRead out;
  CountBudget budget{limit};
  const std::vector<Flat> pel = Flatten(*w.g);
  const std::optional<int64_t> wait = w.policy.UniformWait();
  if (!req.loading) {
    std::vector<Flat> due;
    for (const Flat& e : pel) {
      const int64_t at = ModelDueOf(e, wait);
      if (at >= 0 && at <= req.now_ms) due.push_back(e);
    }
    std::sort(due.begin(), due.end(), [&](const Flat& a, const Flat& b) {
      return std::tuple(ModelDueOf(a, wait), a.id) < std::tuple(ModelDueOf(b, wait), b.id);
    });
    for (const Flat& e : due) {
      if (ModelExhausted(w.policy, e.count)) {
        out.dead_letter.push_back(e.id);
      } else if (!w.s.Contains(e.id)) {
        out.undeliverable.push_back(e.id);
      } else if (budget.Admit()) {
        out.due.push_back(e.id);
      } else {
        break;
      }
    }
  }
  if (req.claim_min_idle >= 0) {
    std::vector<Flat> nacked, idle;
    for (const Flat& e : pel) {
      if (e.nacked) {
        nacked.push_back(e);
      } else if (e.delivery_time <= req.now_ms - req.claim_min_idle) {
        idle.push_back(e);
      }
    }
    std::sort(nacked.begin(), nacked.end(),
              [](const Flat& a, const Flat& b) { return a.nack_seq < b.nack_seq; });
    std::sort(idle.begin(), idle.end(), [](const Flat& a, const Flat& b) {
      return std::tuple(a.delivery_time, a.id) < std::tuple(b.delivery_time, b.id);
    });
    nacked.insert(nacked.end(), idle.begin(), idle.end());
    for (const Flat& e : nacked) {
      const int64_t at = ModelDueOf(e, wait);
      if (at >= 0 && (at <= req.now_ms || e.nacked)) continue;
      if (ModelExhausted(w.policy, e.count)) {
        if (!req.loading) out.dead_letter.push_back(e.id);
        continue;
      }
      if (!w.s.Contains(e.id)) continue;
      if (!budget.Admit()) break;
      out.claimed.push_back(e.id);
    }
  }
  for (auto it = w.s.After(w.g->last_id()); it.Valid() && budget.Admit(); it.Next()) {
    out.fresh.push_back(it.id());
  }
  return out;
}

}  // namespace

TEST_CASE("An exhausted entry is dead-lettered live and left alone while the AOF replays",
          "[delivery_plan]") {
  DeliveryPolicy p;
  CHECK(streams::ExhaustionOf(p, 1000, false) == streams::Exhaustion::kNone);
  p.max_deliveries = 3;
  CHECK(streams::ExhaustionOf(p, 2, false) == streams::Exhaustion::kNone);
  CHECK(streams::ExhaustionOf(p, 3, false) == streams::Exhaustion::kDeadLetter);
  CHECK(streams::ExhaustionOf(p, 3, true) == streams::Exhaustion::kReplaying);
}

TEST_CASE("A group read plans what a reference model over a flat copy of the PEL picks",
          "[delivery_plan]") {
  std::mt19937 rng(20261203);
  // How many rounds planned each fate: the random groups must reach every one.
  size_t seen[5] = {};
  for (int round = 0; round < 3000; round++) {
    World w;
    Build(rng, w);
    auto pick = [&rng](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    const int64_t idles[] = {-1, -1, 0, 100, 500};
    streams::GroupReadRequest req{pick(0, 1600), pick(0, 4) == 0, idles[pick(0, 4)]};
    const int64_t limit = pick(0, 6);
    CountBudget budget{limit};
    const streams::GroupReadPlan plan = streams::PlanGroupRead(
        w.s, *w.g, w.policy, req, [&budget](const streams::EntryView&) { return budget.Admit(); });
    const ModelRead model = ModelGroupRead(w, req, limit);
    INFO("round " << round << " now " << req.now_ms << " loading " << req.loading << " claim "
                  << req.claim_min_idle << " count " << limit);
    CHECK(Ids(plan.due) == model.due);
    CHECK(Ids(plan.claimed) == model.claimed);
    CHECK(Ids(plan.dead_letter) == model.dead_letter);
    CHECK(Ids(plan.undeliverable) == model.undeliverable);
    CHECK(plan.fresh == model.fresh);
    // Planning changes nothing.
    CHECK(w.g->Validate().empty());
    seen[0] += plan.due.empty() ? 0 : 1;
    seen[1] += plan.claimed.empty() ? 0 : 1;
    seen[2] += plan.dead_letter.empty() ? 0 : 1;
    seen[3] += plan.undeliverable.empty() ? 0 : 1;
    seen[4] += plan.fresh.empty() ? 0 : 1;
  }
  for (size_t n : seen) CHECK(n > 50);
}

TEST_CASE("An autoclaim plans the drops, dead letters, claims and cursor of a plain PEL walk",
          "[delivery_plan]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; round++) {
    World w;
    Build(rng, w);
    auto pick = [&rng](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    streams::AutoClaimRequest req{pick(0, 1600),    pick(0, 4) == 0,
                                  pick(0, 2) * 300, {static_cast<uint64_t>(pick(0, 20)), 0},
                                  pick(1, 4),       pick(0, 3) == 0};
    const streams::AutoClaimPlan plan = streams::PlanAutoClaim(w.s, *w.g, w.policy, req);

    std::vector<streams::ClaimStep> steps;
    StreamID cursor;
    const std::vector<Flat> pel = Flatten(*w.g);
    int64_t attempts = req.count * 10, count = req.count;
    size_t i = 0;
    while (i < pel.size() && pel[i].id < req.start) i++;
    for (; i < pel.size() && attempts > 0 && count > 0; i++) {
      attempts--;
      const Flat& e = pel[i];
      if (!w.s.Contains(e.id)) {
        steps.push_back({streams::ClaimAction::kDrop, e.id});
        count--;
      } else if ((e.nacked && e.due_ms > req.now_ms) ||
                 (req.min_idle > 0 && req.now_ms - e.delivery_time < req.min_idle)) {
        continue;
      } else if (!req.just_id && !req.loading && ModelExhausted(w.policy, e.count)) {
        steps.push_back({streams::ClaimAction::kDeadLetter, e.id});
      } else {
        steps.push_back({streams::ClaimAction::kClaim, e.id});
        count--;
      }
    }
    if (i < pel.size()) cursor = pel[i].id;

    INFO("round " << round);
    REQUIRE(plan.steps.size() == steps.size());
    for (size_t k = 0; k < steps.size(); k++) {
      CHECK(plan.steps[k].action == steps[k].action);
      CHECK(plan.steps[k].id == steps[k].id);
    }
    CHECK(plan.cursor == cursor);
  }
}

TEST_CASE(
    "A due pass dead-letters what came due exhausted, up to its limit, and wakes readers "
    "for the rest",
    "[delivery_plan]") {
  std::mt19937 rng(99);
  for (int round = 0; round < 2000; round++) {
    World w;
    Build(rng, w);
    auto pick = [&rng](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    const int64_t from = pick(0, 800), now = from + pick(0, 800);
    const size_t limit = static_cast<size_t>(pick(1, 4));
    const streams::DuePassPlan plan = streams::PlanDuePass(*w.g, w.policy, from, now, limit, {});

    const std::optional<int64_t> wait = w.policy.UniformWait();
    std::vector<Flat> due;
    for (const Flat& e : Flatten(*w.g)) {
      const int64_t at = ModelDueOf(e, wait);
      if (at >= from && at <= now) due.push_back(e);
    }
    std::sort(due.begin(), due.end(), [&](const Flat& a, const Flat& b) {
      return std::tuple(ModelDueOf(a, wait), a.id) < std::tuple(ModelDueOf(b, wait), b.id);
    });
    std::vector<StreamID> dead;
    bool ready = false;
    int64_t resume_at = -1;
    for (const Flat& e : due) {
      if (!ModelExhausted(w.policy, e.count)) {
        ready = true;
      } else if (dead.size() == limit) {
        resume_at = ModelDueOf(e, wait);
        break;
      } else {
        dead.push_back(e.id);
      }
    }
    INFO("round " << round);
    CHECK(Ids(plan.dead_letter) == dead);
    CHECK(plan.ready == ready);
    CHECK(plan.resume_at == resume_at);
  }
}

TEST_CASE("An XCLAIM plan matches claiming the IDs one by one on a copy of the group",
          "[delivery_plan]") {
  std::mt19937 rng(4242);
  for (int round = 0; round < 2000; round++) {
    World w;
    Build(rng, w);
    auto pick = [&rng](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    std::vector<StreamID> ids;
    for (int64_t k = pick(0, 8); k > 0; k--) ids.push_back({static_cast<uint64_t>(pick(1, 32)), 0});
    const int64_t now = pick(0, 2000);
    const streams::ClaimRequest req{now, pick(0, 2) * 300, pick(0, now), pick(0, 1) == 0};
    const std::vector<streams::XClaimStep> plan = streams::PlanClaim(w.s, *w.g, ids, req);

    // The reference: decide and change the copy ID by ID.
    std::unique_ptr<ConsumerGroup> copy = w.g->Clone();
    streams::Consumer& c = *copy->GetOrCreateConsumer("x", now).first;
    std::vector<streams::XClaimStep> steps;
    for (StreamID id : ids) {
      PendingEntry* e = copy->FindPending(id);
      if (!w.s.Contains(id)) {
        if (e != nullptr) {
          copy->Ack(id);
          steps.push_back({streams::XClaimAction::kDrop, id});
        }
      } else if (e == nullptr) {
        if (!req.force) continue;
        copy->CreatePending(id, c, req.delivery_time, 1);
        steps.push_back({streams::XClaimAction::kCreate, id});
      } else if (req.min_idle == 0 || now - e->delivery_time_ms >= req.min_idle) {
        copy->Redeliver(*e, c, req.delivery_time, false);
        steps.push_back({streams::XClaimAction::kClaim, id});
      }
    }
    INFO("round " << round);
    REQUIRE(plan.size() == steps.size());
    for (size_t k = 0; k < steps.size(); k++) {
      CHECK(plan[k].action == steps[k].action);
      CHECK(plan[k].id == steps[k].id);
    }
  }
}

TEST_CASE("An XNACK plan matches releasing the IDs one by one on a copy of the group",
          "[delivery_plan]") {
  std::mt19937 rng(515);
  for (int round = 0; round < 2000; round++) {
    World w;
    Build(rng, w);
    auto pick = [&rng](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    std::vector<StreamID> ids;
    for (int64_t k = pick(1, 8); k > 0; k--) ids.push_back({static_cast<uint64_t>(pick(1, 32)), 0});
    const bool accepts = pick(0, 3) != 0;
    streams::NackRequest req;
    req.mode = static_cast<streams::NackMode>(pick(0, 2));
    if (pick(0, 4) == 0) req.retry_count = static_cast<uint64_t>(pick(0, 5));
    req.force = pick(0, 1) == 0;
    req.loading = pick(0, 4) == 0;
    req.dead_letter_ok = [accepts] { return accepts; };
    const std::vector<streams::NackStep> plan = streams::PlanNack(w.s, *w.g, w.policy, ids, req);

    std::unique_ptr<ConsumerGroup> copy = w.g->Clone();
    const bool fatal = req.mode == streams::NackMode::kFatal;
    std::vector<streams::NackStep> steps;
    for (StreamID id : ids) {
      PendingEntry* e = copy->FindPending(id);
      const bool create = e == nullptr;
      if (create) {
        if (!req.force || !w.s.Contains(id)) continue;
        e = copy->CreateNacked(id, 0);
      }
      const uint64_t count = streams::NackedCount(req, e->delivery_count());
      const bool dead = fatal ? !w.policy.empty() && !req.loading
                              : !req.loading && ModelExhausted(w.policy, count);
      steps.push_back({dead ? streams::NackAction::kDeadLetter : streams::NackAction::kRelease, id,
                       create, count, fatal});
      if (dead && accepts) {
        copy->Ack(id);
        continue;
      }
      copy->SetDeliveryCount(*e, count);
      copy->Nack(*e);
    }
    INFO("round " << round);
    REQUIRE(plan.size() == steps.size());
    for (size_t k = 0; k < steps.size(); k++) {
      CHECK(plan[k].action == steps[k].action);
      CHECK(plan[k].id == steps[k].id);
      CHECK(plan[k].create == steps[k].create);
      CHECK(plan[k].count == steps[k].count);
      CHECK(plan[k].fatal == steps[k].fatal);
    }
  }
}
