// Keyspace events of the list commands, in Redis's order: the command's event, then del when
// the list emptied; LMOVE's push on the destination before the pop on the source; nothing when
// nothing changed (LTRIM excepted, which Redis always announces on an existing list).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "src/blocking.h"
#include "tests/support/keyspace_event_log.h"

using Events = std::vector<std::string>;

TEST_CASE("LPOP that empties a list raises lpop then del", "[lists][notify]") {
  testing_support::KeyEventHarness h;
  CHECK(h.Events({"RPUSH", "l", "a", "b"}) == Events{"rpush l"});
  CHECK(h.Events({"LPOP", "l"}) == Events{"lpop l"});
  CHECK(h.Events({"LPOP", "l", "0"}).empty());
  CHECK(h.Events({"LPOP", "l", "5"}) == Events{"lpop l", "del l"});
  CHECK(h.Events({"RPOP", "l"}).empty());
}

TEST_CASE("LMOVE raises the destination's push before the source's pop", "[lists][notify]") {
  testing_support::KeyEventHarness h;
  h.Run({"RPUSH", "src", "a", "b"});
  CHECK(h.Events({"LMOVE", "src", "dst", "LEFT", "RIGHT"}) == Events{"rpush dst", "lpop src"});
  CHECK(h.Events({"RPOPLPUSH", "src", "dst"}) == Events{"lpush dst", "rpop src", "del src"});
  CHECK(h.Events({"RPOPLPUSH", "src", "dst"}).empty());
}

TEST_CASE("LTRIM raises ltrim even when it keeps everything, LREM only when it removed",
          "[lists][notify]") {
  testing_support::KeyEventHarness h;
  h.Run({"RPUSH", "l", "a", "b"});
  CHECK(h.Events({"LTRIM", "l", "0", "-1"}) == Events{"ltrim l"});
  CHECK(h.Events({"LTRIM", "missing", "0", "-1"}).empty());
  CHECK(h.Events({"LREM", "l", "0", "zz"}).empty());
  CHECK(h.Events({"LINSERT", "l", "AFTER", "zz", "c"}).empty());
  CHECK(h.Events({"LINSERT", "l", "AFTER", "a", "c"}) == Events{"linsert l"});
  CHECK(h.Events({"LSET", "l", "0", "x"}) == Events{"lset l"});
  CHECK(h.Events({"LTRIM", "l", "5", "6"}) == Events{"ltrim l", "del l"});
}

TEST_CASE("Only the list class's events arrive when notify-keyspace-events says l",
          "[lists][notify]") {
  testing_support::KeyEventHarness h("El");
  h.Run({"RPUSH", "l", "a"});
  CHECK(h.Events({"RPOP", "l"}) == Events{"rpop l"});
}

TEST_CASE("A blocked BLMOVE served by a push raises the push, then its own push and pop",
          "[lists][notify]") {
  testing_support::KeyEventHarness h;
  server::Client waiter;
  waiter.id = 3;
  h.state.clients[waiter.id] = &waiter;
  std::string waiter_out;
  resp::Writer waiter_writer(waiter_out, 2);
  std::vector<std::string> blmove{"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"};
  std::vector<std::string_view> argv(blmove.begin(), blmove.end());
  server::Dispatch(h.state, waiter, argv, waiter_writer);
  CHECK(waiter_out.empty());
  CHECK(h.Events({"RPUSH", "src", "x"}) == Events{"rpush src"});
  h.state.blocking.ServeReadyKeys(h.state, server::WakeTime::Now(),
                                  [&](uint64_t id) -> resp::Writer* {
                                    return id == waiter.id ? &waiter_writer : nullptr;
                                  });
  CHECK(waiter_out == "$1\r\nx\r\n");
  CHECK(h.Events() == Events{"lpush dst", "rpop src", "del src"});
}
