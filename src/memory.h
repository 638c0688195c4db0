// Memory accounting: bytes currently allocated through operator new, as Redis's used_memory
// counts its own allocations. The counting allocator (src/allocator.cc, mimalloc underneath)
// is linked into runnel-server only; in tests and sanitizer builds nothing counts and
// CountingAllocatorActive() is false, so callers fall back to the C library's view.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace server {

namespace memory_internal {
extern std::atomic<int64_t> allocated_bytes;
extern bool counting_active;
// Set by the counting allocator when it is linked: its statistics report and its purge.
extern std::string (*allocator_stats)();
extern void (*allocator_purge)();
}  // namespace memory_internal

inline void CountAllocation(size_t bytes) {
  memory_internal::allocated_bytes.fetch_add(static_cast<int64_t>(bytes),
                                             std::memory_order_relaxed);
}
inline void CountFree(size_t bytes) {
  memory_internal::allocated_bytes.fetch_sub(static_cast<int64_t>(bytes),
                                             std::memory_order_relaxed);
}
inline bool CountingAllocatorActive() { return memory_internal::counting_active; }
inline size_t CountedBytes() {
  int64_t v = memory_internal::allocated_bytes.load(std::memory_order_relaxed);
  return v > 0 ? static_cast<size_t>(v) : 0;
}

// used_memory: the counted bytes when the counting allocator is linked, else glibc's figure.
size_t UsedMemory();

// MEMORY MALLOC-STATS: the allocator's own report (Redis's sentence when it has none).
std::string AllocatorStatsText();
// MEMORY PURGE: hands freed pages back to the system.
void PurgeAllocator();

}  // namespace server
