// ID parsing mirrors Redis's argument handling observed on redis-server 7.0.15: arguments are
// read as C strings (cut at the first NUL) after a length check on the whole argument.
#include "streams/stream_id.h"

#include <charconv>
#include <cstring>

namespace streams {

namespace {

// Redis copies the argument into a fixed buffer and then works on it as a C string.
std::string_view AsCString(std::string_view arg) {
  size_t nul = arg.find('\0');
  return nul == std::string_view::npos ? arg : arg.substr(0, nul);
}

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits only, value fits in 64 bits.
bool ParseDigits(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// "-N" as a strict int64 parser would accept it: no leading zero, magnitude <= 2^63. Redis takes
// that path first and refuses negatives, so only these spellings of a negative are rejected.
bool IsCanonicalNegativeInt64(std::string_view s) {
  if (s.size() < 2 || s[0] != '-' || s[1] < '1' || s[1] > '9') return false;
  uint64_t magnitude = 0;
  if (!ParseDigits(s.substr(1), magnitude)) return false;
  return magnitude <= static_cast<uint64_t>(INT64_MAX) + 1;
}

enum class MissingSeq : uint8_t { kZero, kMax };

// The shape nearly every ID argument has, "ms" or "ms-seq" in plain digits (at most 19 each,
// so no overflow), read in one pass; false for anything else, which the general path reads
// (to the same value where this one succeeds).
bool ParsePlainId(std::string_view s, StreamID& id, bool& has_seq) {
  const size_t n = s.size();
  size_t i = 0;
  uint64_t ms = 0;
  for (; i < n; i++) {
    const auto d = static_cast<unsigned char>(s[i] - '0');
    if (d > 9) break;
    ms = ms * 10 + d;
  }
  if (i == 0 || i > 19) return false;
  id.ms = ms;
  has_seq = i < n;
  if (!has_seq) return true;
  if (s[i] != '-') return false;
  const size_t from = ++i;
  uint64_t seq = 0;
  for (; i < n; i++) {
    const auto d = static_cast<unsigned char>(s[i] - '0');
    if (d > 9) return false;
    seq = seq * 10 + d;
  }
  if (i == from || i - from > 19) return false;
  id.seq = seq;
  return true;
}

// The shared core: "ms" or "ms-seq", with "-"/"+" as Min/Max only when allowed.
IdResult<StreamID> ParseId(std::string_view arg, bool allow_min_max, MissingSeq missing) {
  if (arg.size() > kMaxIdArgLength) return {{}, IdStatus::kInvalid};
  StreamID plain;
  bool has_seq;
  if (ParsePlainId(arg, plain, has_seq)) {
    if (!has_seq) plain.seq = missing == MissingSeq::kZero ? 0 : UINT64_MAX;
    return {plain, IdStatus::kOk};
  }
  std::string_view s = AsCString(arg);
  if (s == "-" || s == "+") {
    if (!allow_min_max) return {{}, IdStatus::kInvalid};
    return {s == "-" ? StreamID::Min() : StreamID::Max(), IdStatus::kOk};
  }
  StreamID id;
  size_t dash = s.find('-');
  if (!ParseIdNumber(s.substr(0, dash), id.ms)) return {{}, IdStatus::kInvalid};
  if (dash == std::string_view::npos) {
    id.seq = missing == MissingSeq::kZero ? 0 : UINT64_MAX;
  } else if (!ParseIdNumber(s.substr(dash + 1), id.seq)) {
    return {{}, IdStatus::kInvalid};
  }
  return {id, IdStatus::kOk};
}

bool IsExclusive(std::string_view arg) { return arg.size() > 1 && arg[0] == '('; }

}  // namespace

bool ParseIdNumber(std::string_view s, uint64_t& out) {
  // Fast path, the shape of nearly every ID: 1 to 19 plain digits, which cannot overflow.
  if (!s.empty() && s.size() <= 19) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size(); i++) {
      const auto d = static_cast<unsigned char>(s[i] - '0');
      if (d > 9) break;
      v = v * 10 + d;
    }
    if (i == s.size()) {
      out = v;
      return true;
    }
  }
  if (IsCanonicalNegativeInt64(s)) return false;
  size_t i = 0;
  while (i < s.size() && IsCSpace(s[i])) i++;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    i++;
  }
  uint64_t magnitude = 0;
  if (!ParseDigits(s.substr(i), magnitude)) return false;
  // strtoull negates in unsigned arithmetic: "-1" is UINT64_MAX.
  out = negative ? 0 - magnitude : magnitude;
  return true;
}

IdResult<StreamID> ParseStrictId(std::string_view arg) {
  return ParseId(arg, false, MissingSeq::kZero);
}

IdResult<StreamID> ParseIdOrMinMax(std::string_view arg) {
  return ParseId(arg, true, MissingSeq::kZero);
}

IdResult<StreamID> ParseRangeStart(std::string_view arg) {
  if (!IsExclusive(arg)) return ParseId(arg, true, MissingSeq::kZero);
  IdResult<StreamID> r = ParseId(arg.substr(1), false, MissingSeq::kZero);
  if (!r.ok()) return r;
  IdResult<StreamID> next = Increment(r.value);
  if (!next.ok()) return {{}, IdStatus::kInvalidStart};
  return next;
}

IdResult<StreamID> ParseRangeEnd(std::string_view arg) {
  if (!IsExclusive(arg)) return ParseId(arg, true, MissingSeq::kMax);
  IdResult<StreamID> r = ParseId(arg.substr(1), false, MissingSeq::kMax);
  if (!r.ok()) return r;
  IdResult<StreamID> prev = Decrement(r.value);
  if (!prev.ok()) return {{}, IdStatus::kInvalidEnd};
  return prev;
}

IdResult<XAddId> ParseXAddId(std::string_view arg) {
  StreamID plain;
  bool has_seq;
  if (arg.size() <= kMaxIdArgLength && ParsePlainId(arg, plain, has_seq)) {
    if (!has_seq) plain.seq = 0;
    if (plain == StreamID::Min()) return {{}, IdStatus::kXAddZero};
    return {{XAddId::Kind::kExplicit, plain}, IdStatus::kOk};
  }
  // Redis compares "*" with strcmp, so the length limit does not apply to it.
  if (AsCString(arg) == "*") return {{XAddId::Kind::kAuto, {}}, IdStatus::kOk};
  if (arg.size() > kMaxIdArgLength) return {{}, IdStatus::kInvalid};
  std::string_view s = AsCString(arg);
  size_t dash = s.find('-');
  if (dash != std::string_view::npos && s.substr(dash + 1) == "*") {
    XAddId given{XAddId::Kind::kAutoSeq, {}};
    if (!ParseIdNumber(s.substr(0, dash), given.id.ms)) return {{}, IdStatus::kInvalid};
    return {given, IdStatus::kOk};
  }
  IdResult<StreamID> r = ParseStrictId(arg);
  if (!r.ok()) return {{}, r.status};
  if (r.value == StreamID::Min()) return {{}, IdStatus::kXAddZero};
  return {{XAddId::Kind::kExplicit, r.value}, IdStatus::kOk};
}

IdResult<StreamID> ResolveXAddId(const XAddId& given, StreamID last, uint64_t now_ms) {
  if (given.kind == XAddId::Kind::kExplicit && given.id == StreamID::Min()) {
    return {{}, IdStatus::kXAddZero};
  }
  if (last == StreamID::Max()) return {{}, IdStatus::kStreamExhausted};
  StreamID id;
  switch (given.kind) {
    case XAddId::Kind::kAuto:
      // A clock that went backwards must not produce an ID below the last one.
      if (now_ms > last.ms) return {{now_ms, 0}, IdStatus::kOk};
      return Increment(last);  // cannot overflow: last != Max()
    case XAddId::Kind::kAutoSeq:
      if (given.id.ms == last.ms) {
        if (last.seq == UINT64_MAX) return {{}, IdStatus::kXAddSeqExhausted};
        id = {last.ms, last.seq + 1};
      } else {
        id = {given.id.ms, 0};
      }
      break;
    case XAddId::Kind::kExplicit:
      id = given.id;
      break;
  }
  if (id <= last) return {{}, IdStatus::kXAddNotGreater};
  return {id, IdStatus::kOk};
}

IdResult<StreamID> Increment(StreamID id) {
  if (id.seq != UINT64_MAX) return {{id.ms, id.seq + 1}, IdStatus::kOk};
  if (id.ms == UINT64_MAX) return {{}, IdStatus::kOverflow};
  return {{id.ms + 1, 0}, IdStatus::kOk};
}

IdResult<StreamID> Decrement(StreamID id) {
  if (id.seq != 0) return {{id.ms, id.seq - 1}, IdStatus::kOk};
  if (id.ms == 0) return {{}, IdStatus::kOverflow};
  return {{id.ms - 1, UINT64_MAX}, IdStatus::kOk};
}

ReadToken ClassifyReadToken(std::string_view arg) {
  std::string_view s = AsCString(arg);
  if (s == "$") return ReadToken::kNewOnly;
  if (s == "+") return ReadToken::kLastEntry;
  if (s == ">") return ReadToken::kUndelivered;
  return ReadToken::kNone;
}

namespace {

// "00" to "99", two digits written per step.
constexpr char kDigitPairs[] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546"
    "4748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293"
    "949596979899";

// v < 10^8, without leading zeros; returns the end.
char* PutUpTo8(uint32_t v, char* out) {
  const int n = v < 10000 ? (v < 100 ? (v < 10 ? 1 : 2) : (v < 1000 ? 3 : 4))
                          : (v < 1000000 ? (v < 100000 ? 5 : 6) : (v < 10000000 ? 7 : 8));
  char* const end = out + n;
  char* p = end;
  while (v >= 100) {
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) {
    std::memcpy(p - 2, kDigitPairs + 2 * v, 2);
  } else {
    p[-1] = static_cast<char>('0' + v);
  }
  return end;
}

// v < 10^8 as exactly eight digits.
void Put8(uint32_t v, char* out) {
  const uint32_t hi = v / 10000, lo = v % 10000;
  std::memcpy(out, kDigitPairs + 2 * (hi / 100), 2);
  std::memcpy(out + 2, kDigitPairs + 2 * (hi % 100), 2);
  std::memcpy(out + 4, kDigitPairs + 2 * (lo / 100), 2);
  std::memcpy(out + 6, kDigitPairs + 2 * (lo % 100), 2);
}

// Room for 20 digits is the caller's. Every ID is formatted for every reply that carries it
// (a millisecond time is 13 digits): eight digits at a time in 32-bit arithmetic.
char* FormatU64(uint64_t v, char* out) {
  constexpr uint64_t k8 = 100000000;
  if (v < k8) return PutUpTo8(static_cast<uint32_t>(v), out);
  const uint32_t low = static_cast<uint32_t>(v % k8);
  v /= k8;
  if (v < k8) {
    out = PutUpTo8(static_cast<uint32_t>(v), out);
  } else {
    out = PutUpTo8(static_cast<uint32_t>(v / k8), out);  // at most 1844
    Put8(static_cast<uint32_t>(v % k8), out);
    out += 8;
  }
  Put8(low, out);
  return out + 8;
}

}  // namespace

char* FormatId(StreamID id, char* out) {
  out = FormatU64(id.ms, out);
  *out++ = '-';
  return FormatU64(id.seq, out);
}

std::string StreamID::ToString() const {
  char buf[kMaxFormattedIdLength];
  return std::string(buf, FormatId(*this, buf));
}

}  // namespace streams
