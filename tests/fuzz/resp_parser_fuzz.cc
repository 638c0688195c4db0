// Fuzz target: the request parser (resp/parser.h). The input, after one byte of settings, is a
// client's byte stream; it is parsed whole, then fed again in pieces (byte by byte, and in
// chunks sized by the input), each piece copied to a fresh buffer as a connection's buffer may
// move between reads. Every feeding must yield the same requests and end the same way, with
// each complete request consuming at least one byte, and the inline splitter must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.h"

namespace {

// What parsing a stream produced: every request's arguments, then how it ended.
struct Transcript {
  std::vector<std::vector<std::string>> requests;
  resp::Parser::Status last = resp::Parser::Status::kIncomplete;
  std::string error;
  size_t consumed = 0;  // bytes of the stream taken by complete requests
};

void Check(bool ok) {
  if (!ok) std::abort();
}

// Feeds `stream` to a parser in pieces, piece i ending at cuts[i] (the last cut is the end).
Transcript Feed(std::string_view stream, const std::vector<size_t>& cuts,
                const resp::ParserLimits& limits) {
  Transcript t;
  resp::Parser parser(limits);
  size_t start = 0;  // first byte of the request being parsed
  for (size_t available : cuts) {
    while (true) {
      // A fresh copy each call: views into an earlier buffer would be stale.
      const std::string buffer(stream.substr(start, available - start));
      const resp::Parser::Status status = parser.Parse(buffer);
      t.last = status;
      if (status == resp::Parser::Status::kError) {
        t.error = parser.error();
        return t;
      }
      if (status == resp::Parser::Status::kIncomplete) break;
      Check(parser.consumed() > 0 && parser.consumed() <= buffer.size());
      std::vector<std::string> args;
      for (std::string_view a : parser.args()) args.emplace_back(a);
      t.requests.push_back(std::move(args));
      start += parser.consumed();
      t.consumed = start;
      parser.Reset();
    }
  }
  return t;
}

bool Same(const Transcript& a, const Transcript& b) {
  return a.requests == b.requests && a.last == b.last && a.error == b.error &&
         a.consumed == b.consumed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  resp::ParserLimits limits;
  const uint8_t settings = data[0];
  limits.unauthenticated = (settings & 1) != 0;
  // Small limits too, so the limit checks are reached with short inputs.
  if (settings & 2) limits.max_bulk_len = 8 + (settings >> 4);
  if (settings & 4) limits.max_multibulk_len = 2 + (settings >> 5);
  // (Not max_inline_len: like Redis's, the inline limit applies to what has arrived without a
  // newline, so where the reads split the stream decides whether it is hit.)
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Transcript whole = Feed(stream, {stream.size()}, limits);

  std::vector<size_t> cuts;
  if (stream.size() <= 1024) {
    for (size_t i = 1; i <= stream.size(); i++) cuts.push_back(i);
    Check(Same(whole, Feed(stream, cuts, limits)));
  }
  // Chunks of 1 to 16 bytes, their sizes read off the stream itself.
  cuts.clear();
  for (size_t at = 0; at < stream.size();) {
    at += 1 + static_cast<uint8_t>(stream[at]) % 16;
    cuts.push_back(at < stream.size() ? at : stream.size());
  }
  if (!cuts.empty()) Check(Same(whole, Feed(stream, cuts, limits)));

  std::vector<std::string> inline_args;
  if (resp::SplitInlineArgs(stream, inline_args)) {
    for (const std::string& a : inline_args) Check(a.size() <= stream.size());
  }
  return 0;
}
