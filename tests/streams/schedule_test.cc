// The scheduled-entries queue of delayed delivery, against a model (a std::multimap by due
// time and handle): random adds, replayed adds, cancels and takes at advancing times, with
// the order, the handles and the packed fields checked at every step.
#include "streams/schedule.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

using streams::ScheduleQueue;

namespace {

struct ScheduledModelItem {
  std::vector<std::string> fields;
};

std::vector<std::string> ScheduledFields(std::string_view packed) {
  std::vector<std::string> out;
  for (std::string_view f : ScheduleQueue::Unpack(packed)) out.emplace_back(f);
  return out;
}

}  // namespace

TEST_CASE("Packed field/value pairs unpack to what was packed, empty and long ones too",
          "[streams][schedule]") {
  const std::string long_value(300, 'x');
  const std::string binary("\0b", 2);
  const std::vector<std::string_view> fv = {"", "a", long_value, binary};
  CHECK(ScheduledFields(ScheduleQueue::Pack(fv)) == std::vector<std::string>{"", "a", long_value, binary});
  CHECK(ScheduleQueue::Unpack(ScheduleQueue::Pack({})).empty());
}

TEST_CASE("Scheduled entries come due in (due time, handle) order and match a model",
          "[streams][schedule]") {
  std::mt19937_64 rng(17);
  ScheduleQueue q;
  std::map<std::pair<int64_t, uint64_t>, ScheduledModelItem> model;
  int64_t now = 1000;
  uint64_t highest = 0;
  for (int step = 0; step < 20000; step++) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 5) {
      const int64_t due = now + static_cast<int64_t>(rng() % 500) - 50;
      const std::string value = "v" + std::to_string(step);
      const std::vector<std::string_view> fv = {"f", value};
      uint64_t handle;
      if (op == 4) {
        // A replayed add with a handle of its own, above or (refused) already taken.
        handle = highest + 1 + rng() % 3;
        REQUIRE(q.AddWithHandle(due, handle, fv));
        if (!model.empty()) CHECK_FALSE(q.AddWithHandle(due, model.begin()->first.second, fv));
      } else {
        handle = q.Add(due, fv);
        CHECK(handle > highest);
      }
      highest = std::max(highest, handle);
      model[{due, handle}] = {{"f", value}};
    } else if (op < 7 && !model.empty()) {
      auto it = model.begin();
      std::advance(it, static_cast<long>(rng() % model.size()));
      CHECK(q.DueOf(it->first.second) == it->first.first);
      CHECK(q.Cancel(it->first.second));
      CHECK_FALSE(q.Cancel(it->first.second));
      model.erase(it);
    } else {
      now += static_cast<int64_t>(rng() % 100);
      const size_t max = 1 + rng() % 8;
      const auto taken = q.TakeDue(now, max);
      for (const auto& item : taken) {
        REQUIRE_FALSE(model.empty());
        const auto& [key, expected] = *model.begin();
        CHECK(item.due_ms == key.first);
        CHECK(item.handle == key.second);
        CHECK(item.due_ms <= now);
        CHECK(ScheduledFields(item.packed) == expected.fields);
        model.erase(model.begin());
      }
      // Fewer than `max` taken: nothing else is due.
      if (taken.size() < max && !model.empty()) CHECK(model.begin()->first.first > now);
    }
    REQUIRE(q.size() == model.size());
    if (model.empty()) {
      CHECK_FALSE(q.NextDue().has_value());
    } else {
      CHECK(q.NextDue() == model.begin()->first.first);
    }
    CHECK(q.next_handle() == highest + 1);
  }
  // ForEach walks the same order as the model.
  auto expected = model.begin();
  q.ForEach([&](int64_t due, uint64_t handle, std::string_view packed) {
    REQUIRE(expected != model.end());
    CHECK(due == expected->first.first);
    CHECK(handle == expected->first.second);
    CHECK(ScheduledFields(packed) == expected->second.fields);
    ++expected;
    return true;
  });
  CHECK(expected == model.end());
}
