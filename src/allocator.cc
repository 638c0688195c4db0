// The server's global operator new/delete: mimalloc underneath, counting the usable size of
// every live block so used_memory (INFO, maxmemory eviction) is exact and cheap to read.
// Linked into runnel-server only; libuv's own malloc calls are not counted, as Redis does
// not count what its libraries allocate either.
#include <mimalloc.h>

#include <cstddef>
#include <new>
#include <string>

#include "src/memory.h"

namespace {

std::string StatsText() {
  std::string out;
  mi_stats_print_out([](const char* msg, void* arg) { static_cast<std::string*>(arg)->append(msg); },
                     &out);
  return out;
}

// Runs before main: from here on every operator new is counted.
struct EnableCounting {
  EnableCounting() {
    server::memory_internal::counting_active = true;
    server::memory_internal::allocator_stats = StatsText;
    server::memory_internal::allocator_purge = [] { mi_collect(true); };
  }
} enable_counting;

void* Allocate(std::size_t size) {
  void* p = mi_malloc(size);
  if (p == nullptr) throw std::bad_alloc();
  server::CountAllocation(mi_usable_size(p));
  return p;
}

void* AllocateAligned(std::size_t size, std::align_val_t align) {
  void* p = mi_malloc_aligned(size, static_cast<std::size_t>(align));
  if (p == nullptr) throw std::bad_alloc();
  server::CountAllocation(mi_usable_size(p));
  return p;
}

void Free(void* p) noexcept {
  if (p == nullptr) return;
  server::CountFree(mi_usable_size(p));
  mi_free(p);
}

}  // namespace

void* operator new(std::size_t size) { return Allocate(size); }
void* operator new[](std::size_t size) { return Allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  void* p = mi_malloc(size);
  if (p != nullptr) server::CountAllocation(mi_usable_size(p));
  return p;
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void* operator new(std::size_t size, std::align_val_t align) { return AllocateAligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) {
  return AllocateAligned(size, align);
}

void operator delete(void* p) noexcept { Free(p); }
void operator delete[](void* p) noexcept { Free(p); }
void operator delete(void* p, std::size_t) noexcept { Free(p); }
void operator delete[](void* p, std::size_t) noexcept { Free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Free(p); }
void operator delete(void* p, std::align_val_t) noexcept { Free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { Free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { Free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { Free(p); }
