// The Prometheus text format of /metrics (src/http/exposition.h): families, escaping, numbers.
#include "src/http/exposition.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

namespace {

using server::http::AppendLabel;
using server::http::Exposition;
using server::http::FormatMetricValue;
using server::http::MetricType;

TEST_CASE("A family's HELP and TYPE lines come once, before all of its samples") {
  Exposition e;
  const auto length = e.Family("runnel_stream_length", MetricType::kGauge, "Entries.");
  const auto added = e.Family("runnel_stream_entries_added_total", MetricType::kCounter, "Added.");
  // Interleaved, as one walk of the keyspace adds them.
  e.Add(length, "stream=\"a\"", uint64_t{3});
  e.Add(added, "stream=\"a\"", uint64_t{5});
  e.Add(length, "stream=\"b\"", uint64_t{0});
  e.Add(added, "stream=\"b\"", uint64_t{7});
  CHECK(e.Render() ==
        "# HELP runnel_stream_length Entries.\n"
        "# TYPE runnel_stream_length gauge\n"
        "runnel_stream_length{stream=\"a\"} 3\n"
        "runnel_stream_length{stream=\"b\"} 0\n"
        "# HELP runnel_stream_entries_added_total Added.\n"
        "# TYPE runnel_stream_entries_added_total counter\n"
        "runnel_stream_entries_added_total{stream=\"a\"} 5\n"
        "runnel_stream_entries_added_total{stream=\"b\"} 7\n");
}

TEST_CASE("A sample without labels has no braces, and a family without samples is left out") {
  Exposition e;
  e.Family("runnel_unused", MetricType::kGauge, "Never sampled.");
  e.Add(e.Family("runnel_uptime_seconds", MetricType::kGauge, "Up."), "", 1.5);
  CHECK(e.Render() ==
        "# HELP runnel_uptime_seconds Up.\n"
        "# TYPE runnel_uptime_seconds gauge\n"
        "runnel_uptime_seconds 1.5\n");
}

TEST_CASE("Label values escape backslash, double quote and newline, and nothing else") {
  std::string labels;
  AppendLabel(labels, "db", "0");
  AppendLabel(labels, "stream", "a\\b\"c\nd{e}=,f");
  CHECK(labels == "db=\"0\",stream=\"a\\\\b\\\"c\\nd{e}=,f\"");
}

TEST_CASE("HELP text escapes backslash and newline but keeps double quotes") {
  Exposition e;
  e.Add(e.Family("m", MetricType::kGauge, "a \"quoted\" \\ word\nnext"), "", int64_t{1});
  CHECK(e.Render() == "# HELP m a \"quoted\" \\\\ word\\nnext\n# TYPE m gauge\nm 1\n");
}

TEST_CASE("Values are written exactly: full integers, shortest doubles, +Inf, -Inf and NaN") {
  CHECK(FormatMetricValue(0.25) == "0.25");
  CHECK(FormatMetricValue(1e21) == "1e+21");
  CHECK(FormatMetricValue(0.1 + 0.2) == "0.30000000000000004");
  CHECK(FormatMetricValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatMetricValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatMetricValue(std::nan("")) == "NaN");
  Exposition e;
  const auto f = e.Family("m", MetricType::kCounter, "h");
  e.Add(f, "a=\"1\"", uint64_t{18446744073709551615ULL});
  e.Add(f, "a=\"2\"", int64_t{-9223372036854775807LL - 1});
  CHECK(e.Render() ==
        "# HELP m h\n# TYPE m counter\n"
        "m{a=\"1\"} 18446744073709551615\n"
        "m{a=\"2\"} -9223372036854775808\n");
}

TEST_CASE("The rendered size is known before rendering, escapes included") {
  Exposition e;
  e.Family("empty", MetricType::kGauge, "left out");
  e.Add(e.Family("m", MetricType::kGauge, "help \\ with\nescapes"), "a=\"1\"", 2.5);
  e.Add(e.Family("c_total", MetricType::kCounter, "c"), "", uint64_t{7});
  std::string out = "head";
  e.RenderTo(out);
  CHECK(out == "head" + e.Render());
  CHECK(e.RenderedSize() == e.Render().size());
}

}  // namespace
