#include "src/memory.h"

#include <malloc.h>

namespace server {

namespace memory_internal {
std::atomic<int64_t> allocated_bytes{0};
bool counting_active = false;
std::string (*allocator_stats)() = nullptr;
void (*allocator_purge)() = nullptr;
}  // namespace memory_internal

size_t UsedMemory() {
  if (CountingAllocatorActive()) return CountedBytes();
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

std::string AllocatorStatsText() {
  if (memory_internal::allocator_stats) return memory_internal::allocator_stats();
  return "Stats not supported for the current allocator";
}

void PurgeAllocator() {
  if (memory_internal::allocator_purge) return memory_internal::allocator_purge();
  malloc_trim(0);
}

}  // namespace server
