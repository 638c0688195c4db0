#include "resp/parser.h"

#include <cstring>

#include "resp/strict_int.h"

namespace resp {

namespace {

// Redis's own limit for a header line (`*N` / `$N`) that has no terminator yet.
constexpr size_t kMaxHeaderLine = 64 * 1024;
constexpr int64_t kUnauthMaxArgs = 10;
constexpr int64_t kUnauthMaxBulk = 16 * 1024;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) i++;
    if (i >= n) return true;
    std::string current;
    bool in_double = false, in_single = false, done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          current.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          i++;
          switch (line[i]) {
            case 'n':
              current.push_back('\n');
              break;
            case 'r':
              current.push_back('\r');
              break;
            case 't':
              current.push_back('\t');
              break;
            case 'b':
              current.push_back('\b');
              break;
            case 'a':
              current.push_back('\a');
              break;
            default:
              current.push_back(line[i]);
              break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          i++;
          current.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        if (IsSpace(c)) {
          done = true;
        } else if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          current.push_back(c);
        }
      }
      if (i < n) i++;
    }
    out.push_back(std::move(current));
  }
}

void Parser::Reset() {
  pos_ = 0;
  expected_args_ = -1;
  bulk_len_ = -1;
  offsets_.clear();
  args_.clear();
  inline_storage_.clear();
}

Parser::Status Parser::Fail(std::string message) {
  error_ = std::move(message);
  return Status::kError;
}

Parser::Status Parser::Parse(std::string_view data) {
  if (data.empty()) return Status::kIncomplete;
  if (data[0] == '*') return ParseMultibulk(data);
  return ParseInline(data);
}

Parser::Status Parser::ParseInline(std::string_view data) {
  const void* nl = std::memchr(data.data(), '\n', data.size());
  if (nl == nullptr) {
    if (data.size() > limits_.max_inline_len) return Fail("Protocol error: too big inline request");
    return Status::kIncomplete;
  }
  size_t line_end = static_cast<const char*>(nl) - data.data();
  std::string_view line = data.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!SplitInlineArgs(line, inline_storage_)) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  args_.clear();
  for (const auto& a : inline_storage_) args_.emplace_back(a);
  pos_ = line_end + 1;
  return Status::kComplete;
}

Parser::Status Parser::ParseMultibulk(std::string_view data) {
  if (expected_args_ < 0) {
    int64_t count;
    size_t cr_at;
    if (data.size() >= 4 && data[1] >= '1' && data[1] <= '9' && data[2] == '\r') {
      // Nearly every request: `*1\r\n` to `*9\r\n`, read without a search or a number parse.
      count = data[1] - '0';
      cr_at = 2;
    } else {
      const void* cr = std::memchr(data.data(), '\r', data.size());
      if (cr == nullptr) {
        if (data.size() > kMaxHeaderLine) return Fail("Protocol error: too big mbulk count string");
        return Status::kIncomplete;
      }
      cr_at = static_cast<const char*>(cr) - data.data();
      if (cr_at + 1 >= data.size()) return Status::kIncomplete;  // need the '\n' too
      if (!ParseStrictInt64(data.substr(1, cr_at - 1), count)) {
        return Fail("Protocol error: invalid multibulk length");
      }
    }
    if (count > limits_.max_multibulk_len) return Fail("Protocol error: invalid multibulk length");
    if (limits_.unauthenticated && count > kUnauthMaxArgs) {
      return Fail("Protocol error: unauthenticated multibulk length");
    }
    pos_ = cr_at + 2;
    if (count <= 0) {
      args_.clear();
      return Status::kComplete;
    }
    expected_args_ = count;
    offsets_.reserve(static_cast<size_t>(count < 1024 ? count : 1024));
  }
  // The common case first, on raw pointers: every remaining bulk whole in the buffer with a
  // `$N` header of 1 to 17 plain digits. Anything else (a partial bulk, a sign, a leading zero,
  // an over-long or bad header, a length past the limits) is left to the general loop below,
  // which words the errors.
  if (bulk_len_ < 0) {
    const int64_t max_len = limits_.unauthenticated && limits_.max_bulk_len > kUnauthMaxBulk
                                ? kUnauthMaxBulk
                                : limits_.max_bulk_len;
    const char* const base = data.data();
    const char* const end = base + data.size();
    const char* p = base + pos_;
    const size_t want = static_cast<size_t>(expected_args_);
    size_t have = offsets_.size();
    while (have < want && end - p >= 4 && *p == '$') {
      const char* q = p + 1;
      int64_t len = 0;
      const unsigned d1 = static_cast<unsigned char>(p[1] - '0');
      const unsigned d2 = static_cast<unsigned char>(p[2] - '0');
      if (d1 < 10 && p[2] == '\r') {
        len = d1;  // `$5\r\n`: most arguments are under 10 bytes...
        q = p + 2;
      } else if (d1 - 1 < 9 && d2 < 10 && p[3] == '\r') {
        len = d1 * 10 + d2;  // ... or under 100 (`end - p >= 4` makes p[3] readable)
        q = p + 3;
      } else {
        const char* const digits_end = end - q > 17 ? q + 17 : end;
        while (q < digits_end && static_cast<unsigned char>(*q - '0') < 10) {
          len = len * 10 + (*q++ - '0');
        }
        if (q == p + 1 || q == end || *q != '\r' || (p[1] == '0' && q > p + 2)) break;
      }
      if (len > max_len) break;
      const char* const body = q + 2;
      if (end - body < len + 2) break;
      offsets_.emplace_back(static_cast<size_t>(body - base), static_cast<size_t>(len));
      have++;
      p = body + len + 2;
    }
    pos_ = static_cast<size_t>(p - base);
  }
  while (static_cast<int64_t>(offsets_.size()) < expected_args_) {
    if (bulk_len_ < 0) {
      std::string_view rest = data.substr(pos_);
      const void* cr = std::memchr(rest.data(), '\r', rest.size());
      if (cr == nullptr) {
        if (rest.size() > kMaxHeaderLine) return Fail("Protocol error: too big bulk count string");
        return Status::kIncomplete;
      }
      size_t cr_at = static_cast<const char*>(cr) - rest.data();
      if (cr_at + 1 >= rest.size()) return Status::kIncomplete;
      if (rest[0] != '$') {
        return Fail(std::string("Protocol error: expected '$', got '") + rest[0] + "'");
      }
      int64_t len;
      if (!ParseStrictInt64(rest.substr(1, cr_at - 1), len) || len < 0 ||
          len > limits_.max_bulk_len) {
        return Fail("Protocol error: invalid bulk length");
      }
      if (limits_.unauthenticated && len > kUnauthMaxBulk) {
        return Fail("Protocol error: unauthenticated bulk length");
      }
      bulk_len_ = len;
      pos_ += cr_at + 2;
    }
    size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (data.size() - pos_ < need) return Status::kIncomplete;
    offsets_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += need;
    bulk_len_ = -1;
  }
  args_.clear();
  args_.reserve(offsets_.size());
  for (auto [off, len] : offsets_) args_.emplace_back(data.data() + off, len);
  return Status::kComplete;
}

}  // namespace resp
