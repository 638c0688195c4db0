// A cheap clock for timing every command (INFO commandstats, latencystats, SLOWLOG): the CPU's
// time-stamp counter where there is one, converted to nanoseconds with a rate measured against
// the steady clock once per process. Two readings cost a few nanoseconds, where two
// clock_gettime calls would add several percent to a pipelined XADD. Durations only: a reading
// means nothing on its own.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace server {

class CycleClock {
 public:
  static uint64_t Now() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return SteadyNs();
#endif
  }
  // The nanoseconds `cycles` (a difference of two Now() readings) took.
  static int64_t ToNs(uint64_t cycles) {
    return static_cast<int64_t>(static_cast<double>(cycles) * NsPerCycle());
  }

 private:
  static uint64_t SteadyNs();
  static double NsPerCycle();
};

}  // namespace server
