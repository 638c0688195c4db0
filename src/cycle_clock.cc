#include "src/cycle_clock.h"

#include <chrono>

namespace server {

uint64_t CycleClock::SteadyNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

double CycleClock::NsPerCycle() {
#if defined(__x86_64__) || defined(__i386__)
  // Measured once, over 2 ms of the steady clock: enough for a rate within a fraction of a
  // percent, which is all a latency statistic needs.
  static const double rate = [] {
    const uint64_t t0 = SteadyNs();
    const uint64_t c0 = Now();
    uint64_t t1 = t0;
    while (t1 - t0 < 2'000'000) t1 = SteadyNs();
    const uint64_t c1 = Now();
    return c1 > c0 ? static_cast<double>(t1 - t0) / static_cast<double>(c1 - c0) : 1.0;
  }();
  return rate;
#else
  return 1.0;
#endif
}

}  // namespace server
