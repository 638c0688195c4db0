#include "src/types/bits.h"

namespace types {

namespace {

uint8_t ByteAt(std::string_view s, uint64_t i) { return static_cast<uint8_t>(s[i]); }

// The bits of byte `byte` that lie within [first, last], as a mask (bit 0 = 0x80).
uint8_t MaskWithin(uint64_t byte, uint64_t first, uint64_t last) {
  unsigned from = byte == first >> 3 ? static_cast<unsigned>(first & 7) : 0;
  unsigned to = byte == last >> 3 ? static_cast<unsigned>(last & 7) : 7;
  return static_cast<uint8_t>((0xffu >> from) & (0xffu << (7 - to)));
}

using Wide = __int128;

Wide MinOf(FieldType t) { return t.is_signed ? -(Wide{1} << (t.bits - 1)) : 0; }
Wide MaxOf(FieldType t) {
  return t.is_signed ? (Wide{1} << (t.bits - 1)) - 1 : (Wide{1} << t.bits) - 1;
}

std::optional<int64_t> Fit(FieldType t, Wide v, Overflow mode) {
  const Wide lo = MinOf(t);
  const Wide hi = MaxOf(t);
  if (v >= lo && v <= hi) return static_cast<int64_t>(v);
  switch (mode) {
    case Overflow::kFail:
      return std::nullopt;
    case Overflow::kSat:
      return static_cast<int64_t>(v < lo ? lo : hi);
    case Overflow::kWrap:
      break;
  }
  // Keep the low bits, then read them back as the type does.
  const Wide span = Wide{1} << t.bits;
  Wide r = v % span;
  if (r < 0) r += span;
  if (t.is_signed && r > hi) r -= span;
  return static_cast<int64_t>(r);
}

}  // namespace

uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last) {
  if (first > last) return 0;
  const uint64_t b0 = first >> 3;
  const uint64_t b1 = last >> 3;
  uint64_t n = 0;
  if (b0 == b1) return static_cast<uint64_t>(__builtin_popcount(ByteAt(s, b0) & MaskWithin(b0, first, last)));
  n += static_cast<uint64_t>(__builtin_popcount(ByteAt(s, b0) & MaskWithin(b0, first, last)));
  uint64_t i = b0 + 1;
  for (; i + 8 <= b1; i += 8) {
    uint64_t word = 0;
    for (int k = 0; k < 8; k++) word |= static_cast<uint64_t>(ByteAt(s, i + k)) << (8 * k);
    n += static_cast<uint64_t>(__builtin_popcountll(word));
  }
  for (; i < b1; i++) n += static_cast<uint64_t>(__builtin_popcount(ByteAt(s, i)));
  n += static_cast<uint64_t>(__builtin_popcount(ByteAt(s, b1) & MaskWithin(b1, first, last)));
  return n;
}

int64_t FindBit(std::string_view s, bool bit, uint64_t first, uint64_t last) {
  if (first > last) return -1;
  for (uint64_t byte = first >> 3; byte <= last >> 3; byte++) {
    const uint8_t mask = MaskWithin(byte, first, last);
    const uint8_t v = static_cast<uint8_t>((bit ? ByteAt(s, byte) : ~ByteAt(s, byte)) & mask);
    if (v != 0) return static_cast<int64_t>(byte * 8 + static_cast<uint64_t>(__builtin_clz(v) - 24));
  }
  return -1;
}

std::optional<FieldType> ParseFieldType(std::string_view text) {
  if (text.size() < 2 || text.size() > 3 || (text[0] != 'i' && text[0] != 'u')) return std::nullopt;
  unsigned bits = 0;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    bits = bits * 10 + static_cast<unsigned>(c - '0');
  }
  const bool is_signed = text[0] == 'i';
  if (bits < 1 || bits > (is_signed ? 64u : 63u)) return std::nullopt;
  return FieldType{is_signed, bits};
}

int64_t GetField(std::string_view s, uint64_t offset, FieldType type) {
  uint64_t v = 0;
  for (unsigned i = 0; i < type.bits; i++) v = (v << 1) | (GetBit(s, offset + i) ? 1u : 0u);
  if (type.is_signed && type.bits < 64 && (v >> (type.bits - 1)) & 1) {
    v |= ~uint64_t{0} << type.bits;
  }
  return static_cast<int64_t>(v);
}

void SetField(std::string& s, uint64_t offset, FieldType type, int64_t value) {
  const auto v = static_cast<uint64_t>(value);
  for (unsigned i = 0; i < type.bits; i++) {
    SetBit(s, offset + i, (v >> (type.bits - 1 - i)) & 1);
  }
}

std::optional<int64_t> AddField(FieldType type, int64_t value, int64_t incr, Overflow mode) {
  return Fit(type, Wide{value} + Wide{incr}, mode);
}

std::optional<int64_t> FitField(FieldType type, int64_t value, Overflow mode) {
  // An unsigned field takes the value's 64 bits as unsigned: -3 is 2^64 - 3, which saturates
  // to the maximum (as Redis does).
  if (!type.is_signed) return Fit(type, Wide{static_cast<uint64_t>(value)}, mode);
  return Fit(type, Wide{value}, mode);
}

}  // namespace types
