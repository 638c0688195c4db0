// CLIENT PAUSE's state (src/client_pause.h): which pause wins when several are asked for, when
// it ends, which requests it holds, and the held clients' order.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "src/client_pause.h"
#include "src/command_table.h"
#include "src/commands/registry.h"

namespace {

struct PauseFixture {
  server::CommandTable table{server::CommandFamilies()};
  server::ClientPause pause;
  server::Client client;

  bool Holds(std::vector<std::string_view> argv, int64_t now_ms = 100) {
    return pause.PostponesRequest(table, client, argv, now_ms);
  }
};

}  // namespace

TEST_CASE("No pause holds nothing, and a pause ends at its end time", "[client_pause]") {
  PauseFixture f;
  CHECK(f.pause.end_ms() == -1);
  CHECK_FALSE(f.Holds({"SET", "k", "v"}));
  f.pause.Pause(server::PauseMode::kAll, 1000);
  CHECK(f.pause.ModeAt(999) == server::PauseMode::kAll);
  CHECK(f.pause.ModeAt(1000) == server::PauseMode::kNone);
  CHECK(f.pause.end_ms() == 1000);
  f.pause.Unpause();
  CHECK(f.pause.end_ms() == -1);
  CHECK_FALSE(f.pause.ActiveAt(0));
}

TEST_CASE("A second pause keeps the stricter mode and the later end", "[client_pause]") {
  server::ClientPause pause;
  pause.Pause(server::PauseMode::kAll, 5000);
  pause.Pause(server::PauseMode::kWrite, 1000);  // neither weakens nor shortens the ALL pause
  CHECK(pause.ModeAt(4000) == server::PauseMode::kAll);
  pause.Pause(server::PauseMode::kWrite, 9000);  // lengthens it, still ALL
  CHECK(pause.ModeAt(8000) == server::PauseMode::kAll);
  server::ClientPause writes;
  writes.Pause(server::PauseMode::kWrite, 1000);
  writes.Pause(server::PauseMode::kAll, 500);  // ALL wins, the later end stays
  CHECK(writes.ModeAt(900) == server::PauseMode::kAll);
}

TEST_CASE("A WRITE pause holds writes, scripts and PUBLISH but lets reads through",
          "[client_pause]") {
  PauseFixture f;
  f.pause.Pause(server::PauseMode::kWrite, 1000);
  CHECK(f.Holds({"SET", "k", "v"}));
  CHECK(f.Holds({"XADD", "s", "*", "f", "v"}));
  CHECK(f.Holds({"EVAL", "return 1", "0"}));
  CHECK(f.Holds({"FCALL", "f", "0"}));
  CHECK(f.Holds({"PUBLISH", "ch", "m"}));
  CHECK_FALSE(f.Holds({"GET", "k"}));
  CHECK_FALSE(f.Holds({"EVAL_RO", "return 1", "0"}));
  CHECK_FALSE(f.Holds({"CLIENT", "UNPAUSE"}));
  CHECK_FALSE(f.Holds({"NOSUCHCOMMAND"}));  // answered with its error at once
  CHECK_FALSE(f.Holds({"SET", "k", "v"}, 1000));  // the pause is over
}

TEST_CASE("A WRITE pause holds EXEC when a queued command writes", "[client_pause]") {
  PauseFixture f;
  f.pause.Pause(server::PauseMode::kWrite, 1000);
  f.client.in_multi = true;
  f.client.multi_queue.push_back({{"GET", "k"}});
  CHECK_FALSE(f.Holds({"EXEC"}));
  f.client.multi_queue.push_back({{"INCR", "k"}});
  CHECK(f.Holds({"EXEC"}));
}

TEST_CASE("An ALL pause holds every command but never a replica's or the primary's link",
          "[client_pause]") {
  PauseFixture f;
  f.pause.Pause(server::PauseMode::kAll, 1000);
  CHECK(f.Holds({"GET", "k"}));
  CHECK(f.Holds({"PING"}));
  CHECK(f.Holds({"CLIENT", "UNPAUSE"}));
  f.client.is_replica = true;
  CHECK_FALSE(f.Holds({"SET", "k", "v"}));
  f.client.is_replica = false;
  f.client.is_master = true;
  CHECK_FALSE(f.Holds({"SET", "k", "v"}));
}

TEST_CASE("Held clients are handed back in the order they were held, once the pause is over",
          "[client_pause]") {
  server::ClientPause pause;
  server::Client a, b, c;
  a.id = 7;
  b.id = 3;
  c.id = 5;
  pause.Pause(server::PauseMode::kAll, 1000);
  pause.Hold(a);
  pause.Hold(b);
  pause.Hold(a);  // already held: once
  pause.Hold(c);
  CHECK(a.postponed);
  pause.Forget(c.id);
  CHECK(pause.held() == 2);
  CHECK(pause.TakeResumable(999).empty());
  CHECK(pause.TakeResumable(1000) == std::vector<uint64_t>{7, 3});
  CHECK(pause.held() == 0);
  CHECK(pause.end_ms() == -1);
}

TEST_CASE("CLIENT UNPAUSE ends the pause before its time and frees the held clients",
          "[client_pause]") {
  server::ClientPause pause;
  server::Client a;
  a.id = 1;
  pause.Pause(server::PauseMode::kWrite, 100000);
  pause.Hold(a);
  pause.Unpause();
  CHECK(pause.TakeResumable(0) == std::vector<uint64_t>{1});
}
