// Stream entry IDs: a 64-bit milliseconds part and a 64-bit sequence, ordered by (ms, seq).
// A value type, compared and copied freely. The 16-byte big-endian encoding sorts bytewise in
// the same order as the IDs, which is what the radix tree keys on. Parsing accepts exactly what
// Redis 7 accepts in each argument position; failures are IdStatus values, never text.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace streams {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;

  friend constexpr auto operator<=>(const StreamID&, const StreamID&) = default;
  // Spelled out: GCC calls the defaulted <=> out of line from the PEL's and the tree's searches.
  friend constexpr bool operator<(const StreamID& a, const StreamID& b) {
    return a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq;
  }

  static constexpr StreamID Min() { return {0, 0}; }
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }

  // "1700000000000-0", as every reply spells an ID.
  std::string ToString() const;

  // Big-endian key bytes: ms then seq.
  std::array<uint8_t, 16> Key() const {
    std::array<uint8_t, 16> k{};
    for (int i = 0; i < 8; i++) {
      k[i] = static_cast<uint8_t>(ms >> (56 - 8 * i));
      k[8 + i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
    }
    return k;
  }
  static StreamID FromKey(const uint8_t* k) {
    StreamID id;
    for (int i = 0; i < 8; i++) {
      id.ms = (id.ms << 8) | k[i];
      id.seq = (id.seq << 8) | k[8 + i];
    }
    return id;
  }
};

// Why an ID was refused. src/ maps each to its reply text (observed on redis-server 7.0.15):
enum class IdStatus : uint8_t {
  kOk,
  // "ERR Invalid stream ID specified as stream command argument"
  kInvalid,
  // "ERR invalid start ID for the interval" (exclusive start "(MAX-MAX" cannot be incremented)
  kInvalidStart,
  // "ERR invalid end ID for the interval" (exclusive end "(0-0" cannot be decremented)
  kInvalidEnd,
  // "ERR The ID specified in XADD must be greater than 0-0" (explicit "0-0" or "0"; Redis
  // checks this while parsing, before the key's type)
  kXAddZero,
  // "ERR The ID specified in XADD is equal or smaller than the target stream top item"
  kXAddNotGreater,
  // XADD "ms-*" when the top item is ms-UINT64_MAX. Redis 7.0.15 replies
  // "ERR Elements are too large to be stored" (an errno mix-up, observed); later Redis versions
  // reply with kXAddNotGreater's text. Kept distinct so src/ can choose.
  kXAddSeqExhausted,
  // "ERR The stream has exhausted the last possible ID, unable to add more items" (top item is
  // MAX-MAX; checked after kXAddZero, before any other XADD ID check)
  kStreamExhausted,
  // Increment past Max() or Decrement below Min(). Has no reply of its own: range parsing turns
  // it into kInvalidStart/kInvalidEnd, XREAD/XAUTOCLAIM callers decide.
  kOverflow,
};

template <typename T>
struct [[nodiscard]] IdResult {
  T value{};
  IdStatus status = IdStatus::kOk;
  bool ok() const { return status == IdStatus::kOk; }
};

// Longest IDs Redis parses: its scratch buffer holds 127 bytes (after a leading '(').
inline constexpr size_t kMaxIdArgLength = 127;
// "18446744073709551615-18446744073709551615"
inline constexpr size_t kMaxFormattedIdLength = 41;

// One part of an ID ("ms" or "seq"), as Redis reads it: a canonical negative integer is
// refused, anything else goes through strtoull rules (leading whitespace, a '+' or '-' sign,
// leading zeros; '-' wraps modulo 2^64; overflow and trailing bytes refused).
[[nodiscard]] bool ParseIdNumber(std::string_view s, uint64_t& out);

// XDEL, XACK, XCLAIM (and LASTID), XSETID (and MAXDELETEDID), MINID, XGROUP CREATE, and the
// explicit IDs of XREAD/XREADGROUP: "ms-seq" or "ms" (= ms-0). No "-", "+", "(" or "*".
IdResult<StreamID> ParseStrictId(std::string_view arg);

// XGROUP SETID: like ParseStrictId but "-" is Min() and "+" is Max() (Redis accepts both there,
// unlike XGROUP CREATE).
IdResult<StreamID> ParseIdOrMinMax(std::string_view arg);

// Range bounds of XRANGE/XREVRANGE/XPENDING (start of XAUTOCLAIM too), already made inclusive.
// Start: "-", "+", "ms" (= ms-0), "ms-seq", "(id" (strict id, then incremented).
// End:   "-", "+", "ms" (= ms-UINT64_MAX), "ms-seq", "(id" (strict id, then decremented).
// Redis parses and checks the start completely before it looks at the end (also for
// XREVRANGE, whose start is the later argument): call ParseRangeStart first.
IdResult<StreamID> ParseRangeStart(std::string_view arg);
IdResult<StreamID> ParseRangeEnd(std::string_view arg);

// What XADD was given, before it is resolved against the stream.
struct XAddId {
  enum class Kind : uint8_t {
    kAuto,      // "*": clock and last ID decide both parts
    kAutoSeq,   // "ms-*": id.ms given, sequence chosen
    kExplicit,  // "ms-seq" or "ms" (= ms-0)
  };
  Kind kind = Kind::kAuto;
  StreamID id;
};
// Fails with kInvalid, or kXAddZero for an explicit 0-0.
IdResult<XAddId> ParseXAddId(std::string_view arg);

// The ID XADD appends, given the stream's last ID (Min() for a new stream) and the clock.
// "*": now_ms-0 if now_ms > last.ms, else the ID after last. "ms-*": ms-0, or ms-(last.seq+1)
// when ms == last.ms. The result is always > last.
IdResult<StreamID> ResolveXAddId(const XAddId& given, StreamID last, uint64_t now_ms);

// The next/previous ID in (ms, seq) order; kOverflow at Max()/Min().
IdResult<StreamID> Increment(StreamID id);
IdResult<StreamID> Decrement(StreamID id);

// XREAD/XREADGROUP's special ID tokens. Redis compares them as C strings, so "$\0junk" is "$".
// "+" (last entry) exists from Redis 7.4; on 7.0 the command layer treats it as kInvalid.
enum class ReadToken : uint8_t {
  kNone,         // an ID for the parsers above
  kNewOnly,      // "$": only entries added after the call
  kLastEntry,    // "+": the stream's last entry
  kUndelivered,  // ">": entries never delivered to the group
};
ReadToken ClassifyReadToken(std::string_view arg);

// Writes "ms-seq" to out (room for kMaxFormattedIdLength bytes), no terminator, no allocation.
// Returns one past the last byte written.
char* FormatId(StreamID id, char* out);

// An ID's "ms-seq" text, formatted once on the stack (for a reply and a record that both
// need it).
class FormattedId {
 public:
  explicit FormattedId(StreamID id)
      : size_(static_cast<unsigned char>(FormatId(id, buf_) - buf_)) {}
  std::string_view view() const { return {buf_, size_}; }

 private:
  char buf_[kMaxFormattedIdLength];
  unsigned char size_;
};

}  // namespace streams
