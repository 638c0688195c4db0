#include "src/http/dashboard_json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace server::http {

namespace {

void AppendJsonEscaped(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied, all of which need no escape
  for (size_t i = 0; i < s.size(); i++) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    // Bytes >= 0x80 pass through: keys are binary-safe, and the page shows what it gets
    // (invalid UTF-8 becomes U+FFFD in the browser, never broken JSON).
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

template <typename T>
void AppendJsonNumber(std::string& out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A cursor over the text being parsed; every Parse* leaves it after what it read.
struct JsonCursor {
  std::string_view s;
  size_t i = 0;
  void SkipSpace() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  }
  bool Eat(char c) {
    SkipSpace();
    if (i < s.size() && s[i] == c) {
      i++;
      return true;
    }
    return false;
  }
  bool EatWord(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  std::optional<uint32_t> Hex4() {
    if (i + 4 > s.size()) return std::nullopt;
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(s.data() + i, s.data() + i + 4, v, 16);
    if (ec != std::errc() || p != s.data() + i + 4) return std::nullopt;
    i += 4;
    return v;
  }
  std::optional<std::string> String() {
    if (!Eat('"')) return std::nullopt;
    std::string out;
    while (i < s.size()) {
      const char c = s[i++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i >= s.size()) return std::nullopt;
      switch (s[i++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          auto cp = Hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xD800 && *cp < 0xDC00) {  // a surrogate pair's high half
            if (!EatWord("\\u")) return std::nullopt;
            auto low = Hex4();
            if (!low || *low < 0xDC00 || *low >= 0xE000) return std::nullopt;
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          } else if (*cp >= 0xDC00 && *cp < 0xE000) {
            return std::nullopt;
          }
          AppendUtf8(out, *cp);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;
  }
  std::optional<JsonScalar> Value() {
    SkipSpace();
    JsonScalar v;
    if (i < s.size() && s[i] == '"') {
      auto str = String();
      if (!str) return std::nullopt;
      v.kind = JsonScalar::Kind::kString;
      v.text = std::move(*str);
      return v;
    }
    if (EatWord("true") || EatWord("false")) {
      v.kind = JsonScalar::Kind::kBool;
      v.boolean = s[i - 2] == 'u';  // "tr(u)e" / "fal(s)e"
      return v;
    }
    if (EatWord("null")) return v;
    const size_t start = i;
    if (i < s.size() && s[i] == '-') i++;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
    auto [p, ec] = std::from_chars(s.data() + start, s.data() + i, v.integer);
    if (ec != std::errc() || p != s.data() + i || i == start) return std::nullopt;
    v.kind = JsonScalar::Kind::kInteger;
    v.text = std::string(s.substr(start, i - start));
    return v;
  }
};

}  // namespace

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  out_ += '}';
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  out_ += ']';
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::Key(std::string_view name) {
  BeforeValue();
  AppendJsonEscaped(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendJsonEscaped(out_, s);
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  AppendJsonNumber(out_, v);
  return *this;
}
JsonWriter& JsonWriter::UInt(uint64_t v) {
  BeforeValue();
  AppendJsonNumber(out_, v);
  return *this;
}
JsonWriter& JsonWriter::Double(double v) {
  if (!std::isfinite(v)) return Null();
  BeforeValue();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  out_ += buf;
  return *this;
}
JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::OptionalInt(std::optional<int64_t> v) { return v ? Int(*v) : Null(); }

std::optional<FlatJsonObject> ParseFlatJsonObject(std::string_view text) {
  JsonCursor c{text};
  FlatJsonObject out;
  if (!c.Eat('{')) return std::nullopt;
  if (!c.Eat('}')) {
    do {
      c.SkipSpace();
      auto key = c.String();
      if (!key || !c.Eat(':')) return std::nullopt;
      auto value = c.Value();
      if (!value) return std::nullopt;
      out[*key] = std::move(*value);
    } while (c.Eat(','));
    if (!c.Eat('}')) return std::nullopt;
  }
  c.SkipSpace();
  if (c.i != text.size()) return std::nullopt;
  return out;
}

}  // namespace server::http
