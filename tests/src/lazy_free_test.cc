// The lazy-free thread: big values leave the caller at once and are freed behind it; small
// ones are freed on the spot; DEL and FLUSHALL ASYNC use it and the keyspace is empty at once.
#include <catch2/catch.hpp>

#include <future>
#include <string>

#include "src/lazy_free.h"
#include "src/types/set.h"
#include "tests/support/command_harness.h"

namespace {

// Holds the freeing thread inside its destructor until the test lets it go.
struct GateOnDestroy {
  std::shared_future<void> open;
  GateOnDestroy(std::shared_future<void> f) : open(std::move(f)) {}
  GateOnDestroy(GateOnDestroy&&) = default;
  ~GateOnDestroy() {
    if (open.valid()) open.wait();
  }
};

server::Value BigSet(size_t members) {
  types::SetLimits limits;
  types::Set set = types::Set::Create("m0", members, limits);
  for (size_t i = 0; i < members; i++) set.Add("m" + std::to_string(i), limits);
  return server::Value::NewSet(std::move(set));
}

}  // namespace

TEST_CASE("FreeEffort counts a collection's elements and a string as one", "[lazyfree]") {
  CHECK(server::FreeEffort(server::Value::String(std::string(100000, 'x'))) == 1);
  CHECK(server::FreeEffort(BigSet(1000)) == 1000);
}

TEST_CASE("A big value is freed on the lazy-free thread without the caller waiting",
          "[lazyfree]") {
  auto& freer = server::LazyFreer::Instance();
  freer.Drain();
  const uint64_t freed_before = freer.freed();
  std::promise<void> gate;
  freer.FreeLater(GateOnDestroy(gate.get_future().share()));
  freer.Free(BigSet(10000));  // returns although the thread is held by the gate
  CHECK(freer.pending() == 2);
  gate.set_value();
  freer.Drain();
  CHECK(freer.pending() == 0);
  CHECK(freer.freed() == freed_before + 2);
}

TEST_CASE("A small value is freed on the spot, not handed over", "[lazyfree]") {
  auto& freer = server::LazyFreer::Instance();
  freer.Drain();
  const uint64_t freed_before = freer.freed();
  freer.Free(BigSet(server::kLazyFreeThreshold));
  freer.Free(server::Value::String("v"));
  freer.Drain();
  CHECK(freer.freed() == freed_before);
}

TEST_CASE("DEL of a big set hands it to the lazy-free thread and the key is gone at once",
          "[lazyfree]") {
  testing_support::CommandHarness h;
  for (int i = 0; i < 500; i++) h.Run({"SADD", "big", "member-" + std::to_string(i)});
  auto& freer = server::LazyFreer::Instance();
  freer.Drain();
  const uint64_t freed_before = freer.freed();
  CHECK(h.Run({"UNLINK", "big"}) == ":1\r\n");
  CHECK(h.Run({"EXISTS", "big"}) == ":0\r\n");
  freer.Drain();
  CHECK(freer.freed() == freed_before + 1);
}

TEST_CASE("FLUSHALL ASYNC empties every database at once and breaks a WATCH", "[lazyfree]") {
  testing_support::CommandHarness h;
  for (int i = 0; i < 100; i++) h.Run({"SET", "k" + std::to_string(i), "v"});
  h.Run({"WATCH", "k1"});
  CHECK(h.Run({"FLUSHALL", "ASYNC"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  h.Run({"SET", "after", "1"});
  CHECK(h.Run({"GET", "after"}) == "$1\r\n1\r\n");
  h.Run({"MULTI"});
  h.Run({"SET", "k1", "x"});
  CHECK(h.Run({"EXEC"}) == "*-1\r\n");
  CHECK(h.Run({"FLUSHDB", "SYNC"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHDB", "LATER"}) == "-ERR syntax error\r\n");
  server::LazyFreer::Instance().Drain();
}
