// Incremental parser for client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and
// inline commands as typed in telnet (`GET k\r\n`). The caller passes all unconsumed bytes each
// time; the parser resumes where it stopped, so feeding the same request split at any byte
// boundary yields the same arguments. Arguments are views into the caller's buffer (inline
// arguments with quotes are the one exception: they are unescaped into storage the parser owns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace resp {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;      // proto-max-bulk-len
  int64_t max_multibulk_len = INT32_MAX;               // args in one request, as Redis
  size_t max_inline_len = 64 * 1024;                // PROTO_INLINE_MAX_SIZE
  // A client that still has to AUTH may only send tiny requests (at most 10 args of 16KB), so
  // an unauthenticated peer cannot make the server buffer much.
  bool unauthenticated = false;
};

class Parser {
 public:
  enum class Status { kComplete, kIncomplete, kError };

  explicit Parser(ParserLimits limits = {}) : limits_(limits) {}

  // Parses the request at the start of `data`. kComplete: args() holds the request (possibly
  // empty, for a blank line or `*0`) and consumed() says how many bytes it used; call Reset()
  // (after using args) before the next request. kIncomplete: call again with more bytes
  // appended; `data` must begin at the same byte as before. kError: error() holds Redis's
  // protocol error text; the connection should be closed.
  Status Parse(std::string_view data);

  const std::vector<std::string_view>& args() const { return args_; }
  size_t consumed() const { return pos_; }
  const std::string& error() const { return error_; }
  // While a bulk is still arriving: how many bytes from the request's start it takes to finish
  // that bulk, so the caller can size its buffer once for a huge argument; 0 otherwise.
  size_t BulkEnd() const {
    return bulk_len_ >= 0 ? pos_ + static_cast<size_t>(bulk_len_) + 2 : 0;
  }
  void Reset();
  // Limits follow the config and the client's auth state; they apply from the next header read.
  void set_limits(const ParserLimits& limits) { limits_ = limits; }

 private:
  Status ParseMultibulk(std::string_view data);
  Status ParseInline(std::string_view data);
  Status Fail(std::string message);

  ParserLimits limits_;
  size_t pos_ = 0;              // bytes of the current request parsed so far
  int64_t expected_args_ = -1;  // -1 until the `*N` header is read
  int64_t bulk_len_ = -1;       // length of the bulk being read, -1 before its `$N` header
  // Offsets, not views, while incomplete: the caller may reallocate its buffer between calls.
  std::vector<std::pair<size_t, size_t>> offsets_;
  std::vector<std::string_view> args_;
  std::vector<std::string> inline_storage_;
  std::string error_;
};

// Splits an inline command line the way redis-cli and Redis do: spaces separate arguments,
// "double quotes" allow \n \r \t \b \a \xHH and \" escapes, 'single quotes' allow \'. Returns
// false on unbalanced quotes. Shared by the server's inline protocol and the compat runner.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>& out);

}  // namespace resp
