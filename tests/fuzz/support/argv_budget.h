// What the fuzz targets that run commands leave out, so that a finding is a bug and not the
// machine's limits: requests Redis itself honours but that are only expensive here. A random
// reply of a billion members (SRANDMEMBER/HRANDFIELD/ZRANDMEMBER with a huge negative count)
// and raising proto-max-bulk-len (every target lowers it to 1 MB, which bounds SETRANGE,
// SETBIT, BITFIELD and LCS) would only exhaust memory.
#pragma once

#include <charconv>
#include <cstdint>
#include <span>
#include <string_view>

#include "src/ascii.h"

namespace fuzz_support {

// The proto-max-bulk-len the targets run with.
inline constexpr int64_t kFuzzMaxBulkLen = 1 << 20;

inline bool WithinFuzzBudget(std::span<const std::string_view> argv) {
  bool random_reply = false;
  for (std::string_view a : argv) {
    if (server::EqualsIgnoreCase(a, "srandmember") || server::EqualsIgnoreCase(a, "hrandfield") ||
        server::EqualsIgnoreCase(a, "zrandmember")) {
      random_reply = true;
    }
    if (server::EqualsIgnoreCase(a, "proto-max-bulk-len") ||
        server::EqualsIgnoreCase(a, "client-query-buffer-limit")) {
      return false;
    }
  }
  if (!random_reply) return true;
  for (std::string_view a : argv) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), n);
    if (ec == std::errc::result_out_of_range) return false;
    if (ec == std::errc() && (n > 100000 || n < -100000)) return false;
  }
  return true;
}

}  // namespace fuzz_support
