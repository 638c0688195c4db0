// Bit-level views of a byte string, as Redis's bitmap commands see it: bit 0 is the most
// significant bit of byte 0, and bytes past the end read as zero. Pure functions over bytes,
// shared by SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP and BITFIELD's integer fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace types {

inline bool GetBit(std::string_view s, uint64_t bit) {
  const uint64_t byte = bit >> 3;
  if (byte >= s.size()) return false;
  return (static_cast<uint8_t>(s[byte]) >> (7 - (bit & 7))) & 1;
}
// `s` must hold the bit's byte.
inline void SetBit(std::string& s, uint64_t bit, bool on) {
  auto& byte = reinterpret_cast<uint8_t&>(s[bit >> 3]);
  const auto mask = static_cast<uint8_t>(1u << (7 - (bit & 7)));
  byte = on ? static_cast<uint8_t>(byte | mask) : static_cast<uint8_t>(byte & ~mask);
}

// Set bits in bits [first, last] (inclusive, within the string).
uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last);
// The first bit equal to `bit` in [first, last] (inclusive, within the string), or -1.
int64_t FindBit(std::string_view s, bool bit, uint64_t first, uint64_t last);

// BITFIELD's integer types: i1..i64 and u1..u63.
struct FieldType {
  bool is_signed;
  unsigned bits;
};
std::optional<FieldType> ParseFieldType(std::string_view text);

// The field's value at bit `offset` (missing bytes read as zero), sign-extended if signed.
int64_t GetField(std::string_view s, uint64_t offset, FieldType type);
// Writes the low `type.bits` bits of `value`; `s` must hold the field's last byte.
void SetField(std::string& s, uint64_t offset, FieldType type, int64_t value);

enum class Overflow { kWrap, kSat, kFail };
// `value` (as read) plus `incr` under the overflow rule: the stored result, or nullopt for FAIL
// when it does not fit.
std::optional<int64_t> AddField(FieldType type, int64_t value, int64_t incr, Overflow mode);
// `value` set into a field: wraps, saturates or fails as AddField does for an out-of-range value
// (for an unsigned field, the value's bits read as unsigned).
std::optional<int64_t> FitField(FieldType type, int64_t value, Overflow mode);

}  // namespace types
