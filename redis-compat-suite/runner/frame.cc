#include "redis-compat-suite/runner/frame.h"

#include <algorithm>
#include <charconv>

namespace compat {

namespace {

// Reads the line starting at pos (without its \r\n).
FrameStatus ReadLine(std::string_view data, size_t& pos, std::string& line, std::string& error) {
  size_t cr = data.find("\r\n", pos);
  if (cr == std::string_view::npos) {
    if (data.find('\n', pos) != std::string_view::npos) {
      error = "line ends with a bare \\n";
      return FrameStatus::kError;
    }
    return FrameStatus::kIncomplete;
  }
  line.assign(data.substr(pos, cr - pos));
  pos = cr + 2;
  return FrameStatus::kComplete;
}

bool ParseLength(const std::string& s, long long& n) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && p == s.data() + s.size() && n >= -1;
}

}  // namespace

bool Frame::IsAggregate() const {
  return type == '*' || type == '%' || type == '~' || type == '>' || type == '|';
}

FrameStatus ParseFrame(std::string_view data, size_t& pos, Frame& out, std::string& error) {
  size_t p = pos;
  if (p >= data.size()) return FrameStatus::kIncomplete;
  out = Frame{};
  out.type = data[p++];
  std::string line;
  FrameStatus st = ReadLine(data, p, line, error);
  if (st != FrameStatus::kComplete) return st;
  switch (out.type) {
    case '+': case '-': case ':': case '_': case ',': case '#': case '(':
      out.text = std::move(line);
      break;
    case '$': case '=': case '!': {
      long long n;
      if (!ParseLength(line, n)) {
        error = "bad bulk length '" + line + "'";
        return FrameStatus::kError;
      }
      if (n == -1) {
        out.null_length = true;
        break;
      }
      size_t len = static_cast<size_t>(n);
      if (data.size() - p < len + 2) return FrameStatus::kIncomplete;
      if (data.substr(p + len, 2) != "\r\n") {
        error = "bulk payload not followed by \\r\\n";
        return FrameStatus::kError;
      }
      out.text.assign(data.substr(p, len));
      p += len + 2;
      break;
    }
    case '*': case '%': case '~': case '>': case '|': {
      long long n;
      if (!ParseLength(line, n)) {
        error = "bad aggregate length '" + line + "'";
        return FrameStatus::kError;
      }
      if (n == -1) {
        out.null_length = true;
        break;
      }
      size_t count = static_cast<size_t>(n) * ((out.type == '%' || out.type == '|') ? 2 : 1);
      out.children.resize(count);
      for (size_t i = 0; i < count; i++) {
        st = ParseFrame(data, p, out.children[i], error);
        if (st != FrameStatus::kComplete) return st;
      }
      break;
    }
    default:
      error = std::string("unknown reply type byte '") + out.type + "'";
      return FrameStatus::kError;
  }
  pos = p;
  return FrameStatus::kComplete;
}

std::string Serialize(const Frame& f) {
  std::string s(1, f.type);
  if (f.masked) return s + "<masked>\r\n";
  if (f.null_length) return s + "-1\r\n";
  switch (f.type) {
    case '$': case '=': case '!':
      return s + std::to_string(f.text.size()) + "\r\n" + f.text + "\r\n";
    case '*': case '~': case '>':
      s += std::to_string(f.children.size()) + "\r\n";
      break;
    case '%': case '|':
      s += std::to_string(f.children.size() / 2) + "\r\n";
      break;
    default:
      return s + f.text + "\r\n";
  }
  for (const Frame& c : f.children) s += Serialize(c);
  return s;
}

std::string SerializeShape(const Frame& f) {
  std::string s(1, f.type);
  if (f.null_length) return s + "-1\r\n";
  if (!f.IsAggregate()) return s + "\r\n";
  size_t n = (f.type == '%' || f.type == '|') ? f.children.size() / 2 : f.children.size();
  s += std::to_string(n) + "\r\n";
  for (const Frame& c : f.children) s += SerializeShape(c);
  return s;
}

void MaskFields(Frame& f, const std::vector<std::string>& fields) {
  if (!f.IsAggregate()) return;
  bool pairs = f.type == '%' || f.type == '|' || (f.type == '*' && f.children.size() % 2 == 0);
  for (size_t i = 0; i < f.children.size(); i++) {
    Frame& c = f.children[i];
    if (pairs && i % 2 == 0 && i + 1 < f.children.size() && c.IsStringLike() &&
        std::find(fields.begin(), fields.end(), c.text) != fields.end()) {
      f.children[i + 1].masked = true;
      i++;
      continue;
    }
    MaskFields(c, fields);
  }
}

void SortLeafArrays(Frame& f) {
  if (!f.IsAggregate() || f.type == '%' || f.type == '|') {
    for (Frame& c : f.children) SortLeafArrays(c);
    return;
  }
  bool leaves = true;
  for (Frame& c : f.children) {
    SortLeafArrays(c);
    leaves = leaves && !c.IsAggregate();
  }
  if (!leaves) return;
  std::sort(f.children.begin(), f.children.end(),
            [](const Frame& a, const Frame& b) { return Serialize(a) < Serialize(b); });
}

std::string Escape(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c > 0x7e) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

bool Unescape(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= text.size()) return false;
    switch (text[i]) {
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x': {
        if (i + 2 >= text.size()) return false;
        unsigned v = 0;
        auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
        if (ec != std::errc() || p != text.data() + i + 3) return false;
        out += static_cast<char>(v);
        i += 2;
        break;
      }
      default: return false;
    }
  }
  return true;
}

}  // namespace compat
