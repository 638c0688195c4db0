// A strict reader of server replies for the fuzz targets' oracles: where one well-formed RESP2
// or RESP3 frame ends, so a target can check that what a handler or a conversion wrote is whole
// frames and nothing else (a reply with a stray CRLF, a wrong count or length desynchronises
// every later reply of the connection).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fuzz_support {

// The end of the frame starting at `pos`, or npos when the bytes there are not exactly one
// well-formed frame (nested frames checked to `depth_left` levels).
inline size_t FrameEnd(std::string_view s, size_t pos, int depth_left = 2000) {
  constexpr size_t kBad = std::string_view::npos;
  if (depth_left <= 0 || pos >= s.size()) return kBad;
  const char type = s[pos];
  const size_t eol = s.find("\r\n", pos + 1);
  if (eol == std::string_view::npos) return kBad;
  const std::string_view line = s.substr(pos + 1, eol - pos - 1);
  if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos) {
    return kBad;
  }
  size_t next = eol + 2;
  int64_t n = 0;
  const bool numeric =
      !line.empty() && std::from_chars(line.data(), line.data() + line.size(), n).ptr ==
                           line.data() + line.size();
  switch (type) {
    case '+':
    case '-':
    case ',':
    case '(':
      return next;
    case ':':
      return numeric ? next : kBad;
    case '_':
      return line.empty() ? next : kBad;
    case '#':
      return line == "t" || line == "f" ? next : kBad;
    case '$':
    case '=':
    case '!': {
      if (!numeric || n < -1) return kBad;
      if (n == -1) return type == '$' ? next : kBad;
      const size_t len = static_cast<size_t>(n);
      if (s.size() - next < len + 2 || s.substr(next + len, 2) != "\r\n") return kBad;
      if (type == '=' && (len < 4 || s[next + 3] != ':')) return kBad;
      return next + len + 2;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!numeric || n < -1) return kBad;
      if (n == -1) return type == '*' ? next : kBad;
      if (n > static_cast<int64_t>(s.size())) return kBad;  // each element takes 3 bytes or more
      const int64_t elements = type == '%' || type == '|' ? 2 * n : n;
      for (int64_t i = 0; i < elements; i++) {
        next = FrameEnd(s, next, depth_left - 1);
        if (next == kBad) return kBad;
      }
      // An attribute comes before the frame it describes.
      return type == '|' ? FrameEnd(s, next, depth_left - 1) : next;
    }
    default:
      return kBad;
  }
}

// How many whole frames `s` is, or -1 when it is not a sequence of whole frames.
inline int64_t CountFrames(std::string_view s) {
  int64_t frames = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    pos = FrameEnd(s, pos);
    if (pos == std::string_view::npos) return -1;
    frames++;
  }
  return frames;
}

}  // namespace fuzz_support
