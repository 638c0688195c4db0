// Frees large values off the event loop, so deleting a 10-million-member set (DEL, UNLINK) or
// flushing a big database (FLUSHALL/FLUSHDB ASYNC) does not stall other clients. Only objects
// nobody else references are handed over (a deleted key's value, a whole detached table);
// their destructors touch nothing but their own memory and the allocator, which is
// thread-safe (used_memory's counter is atomic). Small values are freed at once: handing one
// over would cost more than freeing it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "src/value.h"

namespace server {

// How much work freeing `v` is: its element count for collections (a stream's entries plus
// its pending entries), 1 for a string. Values above kLazyFreeThreshold go to the thread.
size_t FreeEffort(const Value& v);
inline constexpr size_t kLazyFreeThreshold = 64;

class LazyFreer {
 public:
  // The process's freer; its thread starts on the first hand-over.
  static LazyFreer& Instance();
  ~LazyFreer();

  // Frees `v` here if it is small, else on the background thread.
  void Free(Value v);
  // Frees anything movable on the background thread (a detached keyspace table).
  template <typename T>
  void FreeLater(T object) {
    Enqueue(std::make_unique<Holder<T>>(std::move(object)));
  }

  // Objects handed over and not yet freed (INFO lazyfree_pending_objects) / freed so far.
  size_t pending() const;
  uint64_t freed() const;
  // Waits until everything handed over has been freed (tests).
  void Drain();

 private:
  struct Garbage {
    virtual ~Garbage() = default;
  };
  template <typename T>
  struct Holder : Garbage {
    explicit Holder(T o) : object(std::move(o)) {}
    T object;
  };

  LazyFreer() = default;
  void Enqueue(std::unique_ptr<Garbage> g);
  void Run();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<Garbage>> queue_;
  size_t in_flight_ = 0;  // taken off the queue, being freed
  uint64_t freed_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace server
