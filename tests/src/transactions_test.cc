// The core's transaction module (src/transactions.h): what a client's MULTI and WATCH state
// goes through, without a socket or a command handler.
#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "src/server_state.h"
#include "src/transactions.h"

namespace {

struct Fixture {
  server::ServerState state{server::Config{}};
  server::Client client;
  server::Db& db(int index) { return *state.dbs[static_cast<size_t>(index)]; }
};

}  // namespace

TEST_CASE("WATCH of a key already watched in the same db watches it once", "[transactions]") {
  Fixture f;
  server::WatchKey(f.state, f.client, "k", 0);
  server::WatchKey(f.state, f.client, "k", 0);
  CHECK(f.client.watched.size() == 1);
}

TEST_CASE("The same key watched in two databases is watched in each", "[transactions]") {
  Fixture f;
  server::WatchKey(f.state, f.client, "k", 0);
  f.client.db_index = 1;
  server::WatchKey(f.state, f.client, "k", 0);
  REQUIRE(f.client.watched.size() == 2);
  f.db(0).Touch("k");
  CHECK(f.client.watch_dirty);
}

TEST_CASE("A write to a watched key flags the client until UnwatchAll", "[transactions]") {
  Fixture f;
  server::WatchKey(f.state, f.client, "k", 0);
  f.db(0).Set("k", server::Value::String("v"));
  CHECK(f.client.watch_dirty);
  server::UnwatchAll(f.state, f.client);
  CHECK_FALSE(f.client.watch_dirty);
  CHECK(f.client.watched.empty());
  f.db(0).Set("k", server::Value::String("w"));
  CHECK_FALSE(f.client.watch_dirty);
}

TEST_CASE("A watched key that expires after WATCH flags the client when EXEC looks",
          "[transactions]") {
  Fixture f;
  f.db(0).Set("k", server::Value::String("v"));
  f.db(0).SetExpire("k", 100);
  server::WatchKey(f.state, f.client, "k", 50);
  CHECK_FALSE(f.client.watch_dirty);
  server::ExpireWatchedKeys(f.state, f.client, 200);
  CHECK(f.client.watch_dirty);
}

TEST_CASE("A key already expired when watched is not taken for a change", "[transactions]") {
  Fixture f;
  f.db(0).Set("k", server::Value::String("v"));
  f.db(0).SetExpire("k", 100);
  server::WatchKey(f.state, f.client, "k", 200);
  server::ExpireWatchedKeys(f.state, f.client, 300);
  CHECK_FALSE(f.client.watch_dirty);
}

TEST_CASE("EndTransaction drops the queue, the error flag and the watches", "[transactions]") {
  Fixture f;
  server::WatchKey(f.state, f.client, "k", 0);
  server::BeginTransaction(f.client);
  const std::vector<std::string_view> argv{"SET", "k", "v"};
  server::QueueCommand(f.client, argv);
  server::FlagTransactionError(f.client);
  REQUIRE(f.client.multi_queue.size() == 1);
  REQUIRE(f.client.multi_queue[0].argv == std::vector<std::string>{"SET", "k", "v"});
  REQUIRE(f.client.multi_error);
  server::EndTransaction(f.state, f.client);
  CHECK_FALSE(f.client.in_multi);
  CHECK_FALSE(f.client.multi_error);
  CHECK(f.client.multi_queue.empty());
  CHECK(f.client.watched.empty());
}

TEST_CASE("A refused command outside MULTI flags nothing", "[transactions]") {
  Fixture f;
  server::FlagTransactionError(f.client);
  CHECK_FALSE(f.client.multi_error);
}
