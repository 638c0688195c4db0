// Time arithmetic that must not overflow: deadlines are "now + a wait" where the wait may be as
// large as a client asks (BLOCK, XNACK DELAY, a backoff), and "never" is the largest time.
#pragma once

#include <cstdint>
#include <limits>

namespace streams {

// a + b for b >= 0, capped at INT64_MAX.
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  return b > std::numeric_limits<int64_t>::max() - a ? std::numeric_limits<int64_t>::max() : a + b;
}

}  // namespace streams
