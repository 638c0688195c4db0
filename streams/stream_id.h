// Stream entry IDs: a 64-bit milliseconds part and a 64-bit sequence, ordered by (ms, seq).
// A value type, compared and copied freely. The 16-byte big-endian encoding sorts bytewise in
// the same order as the IDs, which is what the radix tree keys on.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace streams {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;

  friend constexpr auto operator<=>(const StreamID&, const StreamID&) = default;

  static constexpr StreamID Min() { return {0, 0}; }
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }

  // "1700000000000-0", as every reply spells an ID.
  std::string ToString() const { return std::to_string(ms) + "-" + std::to_string(seq); }

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

}  // namespace streams
