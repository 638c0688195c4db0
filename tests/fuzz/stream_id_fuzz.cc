// Fuzz target: stream ID parsing (streams/stream_id.h). Each input is one argument, given to
// every parser. Oracles: a parsed ID formats and parses back to itself; ParseIdNumber agrees
// with Redis's own rule (a canonical negative int64 refused, else glibc's strtoull with its
// errors and trailing bytes refused); the range bounds agree with the strict parse they are
// built on; and XADD's resolution always yields an ID above the stream's last one.
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "streams/stream_id.h"

namespace {

using streams::IdStatus;
using streams::StreamID;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Redis's string2ull, from its documented behaviour rather than its code: an argument that a
// strict int64 parse accepts is refused when negative; anything else is strtoull's.
bool ReferenceIdNumber(std::string_view s, uint64_t& out) {
  const std::string c(s);  // NUL-terminated for strtoull
  int64_t strict = 0;
  const auto [end_of_int, int_error] = std::from_chars(c.data(), c.data() + c.size(), strict);
  const bool canonical = !c.empty() && !(c[0] == '0' && c.size() > 1) &&
                         !(c[0] == '-' && (c.size() < 2 || c[1] < '1' || c[1] > '9')) &&
                         int_error == std::errc() && end_of_int == c.data() + c.size();
  if (canonical) {
    if (strict < 0) return false;
    out = static_cast<uint64_t>(strict);
    return true;
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(c.c_str(), &end, 10);
  if (errno == ERANGE || errno == EINVAL || c.empty() || *end != '\0') return false;
  out = v;
  return true;
}

void CheckRoundTrip(StreamID id) {
  const std::string text = id.ToString();
  Check(text.size() <= streams::kMaxFormattedIdLength);
  const auto again = streams::ParseStrictId(text);
  Check(again.ok() && again.value == id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view arg(reinterpret_cast<const char*>(data), size);

  if (arg.find('\0') == std::string_view::npos) {
    uint64_t ours = 0, reference = 0;
    const bool ok = streams::ParseIdNumber(arg, ours);
    Check(ok == ReferenceIdNumber(arg, reference));
    if (ok) Check(ours == reference);
  }

  const auto strict = streams::ParseStrictId(arg);
  if (strict.ok()) CheckRoundTrip(strict.value);
  Check(strict.ok() || strict.status == IdStatus::kInvalid);

  const auto min_max = streams::ParseIdOrMinMax(arg);
  if (strict.ok()) Check(min_max.ok() && min_max.value == strict.value);
  if (min_max.ok()) CheckRoundTrip(min_max.value);

  const auto start = streams::ParseRangeStart(arg);
  const auto end = streams::ParseRangeEnd(arg);
  if (strict.ok()) {
    // An inclusive bound is the strict ID; a bare "ms" end means the last ID of that ms.
    Check(start.ok() && start.value == strict.value);
    Check(end.ok() && end.value.ms == strict.value.ms && end.value.seq >= strict.value.seq);
  }
  if (arg.size() > 1 && arg[0] == '(') {
    // "(id" excludes id: the start is the ID just after it, the end ("(ms-seq") the one before.
    const std::string_view inner_arg = arg.substr(1);
    const auto inner = streams::ParseStrictId(inner_arg);
    if (inner.ok()) {
      const auto next = streams::Increment(inner.value);
      Check(next.ok() ? start.ok() && start.value == next.value
                      : start.status == IdStatus::kInvalidStart);
      const std::string_view c_inner = inner_arg.substr(0, inner_arg.find('\0'));
      if (c_inner.find('-') != std::string_view::npos) {
        const auto prev = streams::Decrement(inner.value);
        Check(prev.ok() ? end.ok() && end.value == prev.value
                        : end.status == IdStatus::kInvalidEnd);
      }
    } else {
      Check(!start.ok());
    }
  }
  Check(start.ok() || start.status == IdStatus::kInvalid || start.status == IdStatus::kInvalidStart);
  Check(end.ok() || end.status == IdStatus::kInvalid || end.status == IdStatus::kInvalidEnd);

  const auto xadd = streams::ParseXAddId(arg);
  if (xadd.ok()) {
    // Resolve against a few last IDs and clocks around the given one.
    const StreamID given = xadd.value.id;
    const StreamID lasts[] = {StreamID::Min(), given, {given.ms, UINT64_MAX},
                              {given.ms - 1, UINT64_MAX}, {UINT64_MAX, UINT64_MAX - 1},
                              StreamID::Max()};
    for (StreamID last : lasts) {
      for (uint64_t now : {uint64_t{0}, given.ms, given.ms + 1, UINT64_MAX}) {
        const auto r = streams::ResolveXAddId(xadd.value, last, now);
        if (r.ok()) Check(last < r.value);
        if (last == StreamID::Max()) Check(r.status == IdStatus::kStreamExhausted);
      }
    }
  } else {
    Check(xadd.status == IdStatus::kInvalid || xadd.status == IdStatus::kXAddZero);
  }

  (void)streams::ClassifyReadToken(arg);
  return 0;
}
