// The dashboard's rate history (src/http/queue_history.h): a model test against a plain list
// of every sample offered, and its bounds (interval, ring size, series cap, pruning).
#include "src/http/queue_history.h"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

namespace {

using server::http::QueueHistory;
constexpr int64_t kHistT0 = 1'700'000'000'000;

}  // namespace

TEST_CASE("The history turns counter samples into per-second rates of growth and completion",
          "[dashboard]") {
  QueueHistory h;
  const std::string s = QueueHistory::SeriesName(0, "orders", "workers");
  REQUIRE(h.Record(s, kHistT0, 100, 0));
  REQUIRE(h.Record(s, kHistT0 + 10'000, 150, 20));  // 50 delivered, 30 of them done
  REQUIRE(h.Record(s, kHistT0 + 20'000, 150, 0));   // nothing new, 20 acked
  const auto rates = h.Rates(s);
  REQUIRE(rates.size() == 2);
  CHECK(rates[0].t_ms == kHistT0 + 10'000);
  CHECK(rates[0].in == Approx(5.0));
  CHECK(rates[0].done == Approx(3.0));
  CHECK(rates[1].in == Approx(0.0));
  CHECK(rates[1].done == Approx(2.0));
}

TEST_CASE("The history keeps one sample per interval and reads a counter going down as 0",
          "[dashboard]") {
  QueueHistory h;
  const std::string s = QueueHistory::SeriesName(3, "k", "");
  h.Record(s, kHistT0, 10, 0);
  h.Record(s, kHistT0 + 9'999, 99, 0);  // too soon: ignored
  h.Record(s, kHistT0 + 10'000, 20, 0);
  h.Record(s, kHistT0 + 20'000, 5, 0);  // the key was recreated
  const auto rates = h.Rates(s);
  REQUIRE(rates.size() == 2);
  CHECK(rates[0].in == Approx(1.0));
  CHECK(rates[1].in == 0);
  CHECK(rates[1].done == 0);
}

TEST_CASE("The history's series names keep db, key and group apart", "[dashboard]") {
  CHECK(QueueHistory::SeriesName(1, "a", "") != QueueHistory::SeriesName(11, "a", ""));
  CHECK(QueueHistory::SeriesName(0, "a", "b") !=
        QueueHistory::SeriesName(0, std::string("a\0b", 3), ""));
  CHECK(QueueHistory::SeriesName(0, std::string("a\0", 2), "b") !=
        QueueHistory::SeriesName(0, "a", std::string("\0b", 2)));
}

TEST_CASE("The history matches a model: the last kSlots samples, at least an interval apart",
          "[dashboard]") {
  std::mt19937_64 rng(7);
  QueueHistory h;
  const std::string s = QueueHistory::SeriesName(0, "m", "g");
  std::vector<QueueHistory::Sample> model;
  int64_t t = kHistT0;
  uint64_t total = 0, pending = 0;
  for (int i = 0; i < 500; i++) {
    t += static_cast<int64_t>(rng() % 15'000);
    total += rng() % 100;
    pending = rng() % 50;
    h.Record(s, t, total, pending);
    if (model.empty() || t - model.back().t_ms >= QueueHistory::kIntervalMs) {
      model.push_back({t, total, pending});
    }
  }
  if (model.size() > QueueHistory::kSlots) {
    model.erase(model.begin(), model.end() - QueueHistory::kSlots);
  }
  const auto rates = h.Rates(s);
  REQUIRE(rates.size() == model.size() - 1);
  for (size_t i = 1; i < model.size(); i++) {
    const double secs = static_cast<double>(model[i].t_ms - model[i - 1].t_ms) / 1000.0;
    const double grown = static_cast<double>(model[i].total - model[i - 1].total);
    const double left = grown - (static_cast<double>(model[i].pending) -
                                 static_cast<double>(model[i - 1].pending));
    CHECK(rates[i - 1].t_ms == model[i].t_ms);
    CHECK(rates[i - 1].in == Approx(grown / secs));
    CHECK(rates[i - 1].done == Approx(left > 0 ? left / secs : 0));
  }
}

TEST_CASE("The history tracks at most kMaxSeries series and prunes those gone quiet",
          "[dashboard]") {
  QueueHistory h;
  for (size_t i = 0; i < QueueHistory::kMaxSeries; i++) {
    REQUIRE(h.Record(QueueHistory::SeriesName(0, "s" + std::to_string(i), ""), kHistT0, 1, 0));
  }
  CHECK_FALSE(h.Record(QueueHistory::SeriesName(0, "one-too-many", ""), kHistT0, 1, 0));
  CHECK(h.Record(QueueHistory::SeriesName(0, "s0", ""), kHistT0 + 10'000, 2, 0));  // known: kept
  CHECK(h.series_count() == QueueHistory::kMaxSeries);
  h.Prune(kHistT0 + QueueHistory::kWindowMs + 5'000);  // only s0 was sampled within the window
  CHECK(h.series_count() == 1);
  CHECK(h.Rates(QueueHistory::SeriesName(0, "s0", "")).size() == 1);
  CHECK(h.Record(QueueHistory::SeriesName(0, "one-too-many", ""), kHistT0, 1, 0));
}
