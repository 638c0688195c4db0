#include "src/http/exposition.h"

#include <charconv>
#include <cmath>

namespace server::http {

namespace {

// HELP text escapes backslash and newline; label values also the double quote.
void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

template <typename T>
void AppendNumber(std::string& out, T v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

}  // namespace

void AppendLabel(std::string& labels, std::string_view name, std::string_view value) {
  if (!labels.empty()) labels += ',';
  labels += name;
  labels += "=\"";
  AppendEscaped(labels, value, true);
  labels += '"';
}

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  AppendNumber(out, v);  // shortest text that reads back as the same double
  return out;
}

Exposition::FamilyId Exposition::Family(std::string_view name, MetricType type,
                                        std::string_view help) {
  families_.push_back({std::string(name), type, std::string(help), {}});
  return families_.size() - 1;
}

void Exposition::Begin(FamilyId family, std::string_view labels) {
  Entry& e = families_[family];
  e.samples += e.name;
  if (!labels.empty()) {
    e.samples += '{';
    e.samples += labels;
    e.samples += '}';
  }
  e.samples += ' ';
}

void Exposition::Add(FamilyId family, std::string_view labels, uint64_t value) {
  Begin(family, labels);
  AppendNumber(families_[family].samples, value);
  families_[family].samples += '\n';
}

void Exposition::Add(FamilyId family, std::string_view labels, int64_t value) {
  Begin(family, labels);
  AppendNumber(families_[family].samples, value);
  families_[family].samples += '\n';
}

void Exposition::Add(FamilyId family, std::string_view labels, double value) {
  Begin(family, labels);
  families_[family].samples += FormatMetricValue(value);
  families_[family].samples += '\n';
}

namespace {

size_t EscapedSize(std::string_view text) {
  size_t n = text.size();
  for (char c : text) n += c == '\\' || c == '\n';
  return n;
}

}  // namespace

size_t Exposition::RenderedSize() const {
  size_t size = 0;
  for (const Entry& e : families_) {
    if (e.samples.empty()) continue;
    const std::string_view type = e.type == MetricType::kCounter ? " counter\n" : " gauge\n";
    size += 7 + e.name.size() + 1 + EscapedSize(e.help) + 8 + e.name.size() + type.size() +
            e.samples.size();
  }
  return size;
}

void Exposition::RenderTo(std::string& out) const {
  out.reserve(out.size() + RenderedSize());
  for (const Entry& e : families_) {
    if (e.samples.empty()) continue;
    out += "# HELP ";
    out += e.name;
    out += ' ';
    AppendEscaped(out, e.help, false);
    out += "\n# TYPE ";
    out += e.name;
    out += e.type == MetricType::kCounter ? " counter\n" : " gauge\n";
    out += e.samples;
  }
}

std::string Exposition::Render() const {
  std::string out;
  RenderTo(out);
  return out;
}

}  // namespace server::http
