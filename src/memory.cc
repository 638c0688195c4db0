#include "src/memory.h"

#include <malloc.h>

namespace server {

namespace memory_internal {
std::atomic<int64_t> allocated_bytes{0};
bool counting_active = false;
}  // namespace memory_internal

size_t UsedMemory() {
  if (CountingAllocatorActive()) return CountedBytes();
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

}  // namespace server
