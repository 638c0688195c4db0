// The Prometheus text exposition format, version 0.0.4: what /metrics answers. Families are
// declared first and samples added in any order (one walk of the keyspace feeds every
// per-stream family at once); Render writes each family's # HELP and # TYPE once, followed by
// its samples, in declaration order. Label values are escaped (backslash, double quote,
// newline), numbers written exactly (integers in full, doubles shortest round-trip, +Inf,
// -Inf, NaN). Pure: no server state, so the format is unit tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace server::http {

enum class MetricType { kCounter, kGauge };

// Appends `name="value"` (after a comma when `labels` is not empty), the value escaped.
void AppendLabel(std::string& labels, std::string_view name, std::string_view value);
// The text of a sample value.
std::string FormatMetricValue(double v);

class Exposition {
 public:
  using FamilyId = size_t;
  // A family: `name` is also its samples' name (counters end in _total by convention).
  FamilyId Family(std::string_view name, MetricType type, std::string_view help);
  // A sample; `labels` is AppendLabel's text (empty: none).
  void Add(FamilyId family, std::string_view labels, uint64_t value);
  void Add(FamilyId family, std::string_view labels, int64_t value);
  void Add(FamilyId family, std::string_view labels, double value);
  // Every family with its samples; a family without samples is left out.
  std::string Render() const;
  // The same appended to `out`, and its exact size beforehand (a response's Content-Length
  // goes before the body, which is then written once, in place).
  void RenderTo(std::string& out) const;
  size_t RenderedSize() const;

 private:
  void Begin(FamilyId family, std::string_view labels);
  struct Entry {
    std::string name;
    MetricType type;
    std::string help;
    std::string samples;  // "name{labels} value\n" lines
  };
  std::vector<Entry> families_;
};

}  // namespace server::http
