// The pub/sub commands in-process: several clients on one ServerState, messages collected by a
// recording ClientOutputs (what the server's connections would be written), subscribed-mode
// rules, RESET, and what CLIENT LIST and INFO report.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/multi_client_harness.h"

using testing_support::CommandHarness;
using PubSubHarness = testing_support::MultiClientHarness;


TEST_CASE("PUBLISH writes a message to each channel and pattern subscriber's connection",
          "[pubsub][commands]") {
  PubSubHarness h;
  server::Client& sub = h.NewClient();
  server::Client& psub = h.NewClient();
  CHECK(h.RunAs(sub, {"SUBSCRIBE", "orders"}) == "*3\r\n$9\r\nsubscribe\r\n$6\r\norders\r\n:1\r\n");
  CHECK(h.RunAs(psub, {"PSUBSCRIBE", "ord*"}) ==
        "*3\r\n$10\r\npsubscribe\r\n$4\r\nord*\r\n:1\r\n");
  CHECK(h.Run({"PUBLISH", "orders", "hi"}) == ":2\r\n");
  CHECK(h.outputs.Take(sub.id) == "*3\r\n$7\r\nmessage\r\n$6\r\norders\r\n$2\r\nhi\r\n");
  CHECK(h.outputs.Take(psub.id) ==
        "*4\r\n$8\r\npmessage\r\n$4\r\nord*\r\n$6\r\norders\r\n$2\r\nhi\r\n");
  CHECK(h.outputs.flushes[sub.id] == 1);
  CHECK(h.Run({"PUBLISH", "other", "x"}) == ":0\r\n");
  CHECK(h.outputs.Take(sub.id).empty());
}

TEST_CASE("A RESP3 subscriber gets push frames and keeps running other commands",
          "[pubsub][commands]") {
  PubSubHarness h;
  server::Client& sub = h.NewClient();
  sub.protocol = 3;
  CHECK(h.RunAs(sub, {"SUBSCRIBE", "c"}) == ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
  CHECK(h.RunAs(sub, {"GET", "k"}) == "_\r\n");
  CHECK(h.RunAs(sub, {"PING"}) == "+PONG\r\n");
  CHECK(h.Run({"PUBLISH", "c", "m"}) == ":1\r\n");
  CHECK(h.outputs.Take(sub.id) == ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
}

TEST_CASE("A RESP2 subscriber may only run the subscribe family, PING, QUIT and RESET",
          "[pubsub][commands]") {
  PubSubHarness h;
  h.Run({"SSUBSCRIBE", "s"});
  CHECK(h.Run({"GET", "k"}) ==
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
        "are allowed in this context\r\n");
  CHECK(h.Run({"PUBSUB", "NUMPAT"}).starts_with("-ERR Can't execute 'pubsub|numpat'"));
  CHECK(h.Run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"PING", "x"}) == "*2\r\n$4\r\npong\r\n$1\r\nx\r\n");
  CHECK(h.Run({"PSUBSCRIBE", "p"}) == "*3\r\n$10\r\npsubscribe\r\n$1\r\np\r\n:1\r\n");
  CHECK(h.Run({"RESET"}) == "+RESET\r\n");
  CHECK(h.state.pubsub.NumPat() == 0);
  CHECK(h.state.pubsub.shard_channel_count() == 0);
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
}

TEST_CASE("UNSUBSCRIBE with no channel leaves all of them, or confirms nil when there are none",
          "[pubsub][commands]") {
  PubSubHarness h;
  CHECK(h.Run({"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  h.Run({"SUBSCRIBE", "a", "b"});
  h.Run({"PSUBSCRIBE", "p*"});
  const std::string out = h.Run({"UNSUBSCRIBE"});
  // Two confirmations (in the set's order), the count falling to the one pattern left.
  CHECK(out.find("$1\r\na\r\n") != std::string::npos);
  CHECK(out.find("$1\r\nb\r\n") != std::string::npos);
  CHECK(out.ends_with(":1\r\n"));
  CHECK(h.state.pubsub.channel_count() == 0);
  CHECK(h.client.subscriptions == 1);
}

TEST_CASE("CLIENT LIST reports subscriptions and TYPE pubsub selects subscribers",
          "[pubsub][commands]") {
  PubSubHarness h;
  server::Client& sub = h.NewClient();
  h.RunAs(sub, {"SUBSCRIBE", "a", "b"});
  h.RunAs(sub, {"PSUBSCRIBE", "p*"});
  h.RunAs(sub, {"SSUBSCRIBE", "s"});
  const std::string list = h.Run({"CLIENT", "LIST", "TYPE", "pubsub"});
  CHECK(list.find("id=2 ") != std::string::npos);
  CHECK(list.find("id=1 ") == std::string::npos);
  CHECK(list.find(" flags=P ") != std::string::npos);
  CHECK(list.find(" sub=2 psub=1 ssub=1 ") != std::string::npos);
  CHECK(h.Run({"CLIENT", "LIST", "TYPE", "normal"}).find("id=2 ") == std::string::npos);
  const std::string info = h.Run({"INFO", "stats"});
  CHECK(info.find("pubsub_channels:2\r\n") != std::string::npos);
  CHECK(info.find("pubsub_patterns:1\r\n") != std::string::npos);
  CHECK(info.find("pubsubshard_channels:1\r\n") != std::string::npos);
  CHECK(h.Run({"INFO", "clients"}).find("pubsub_clients:1\r\n") != std::string::npos);
  CHECK(h.Run({"CLIENT", "KILL", "TYPE", "pubsub"}) == ":1\r\n");
}

TEST_CASE("notify-keyspace-events reads Redis's class letters and shows them canonically",
          "[pubsub][notify]") {
  CommandHarness h;
  CHECK(h.Run({"CONFIG", "GET", "notify-keyspace-events"}) ==
        "*2\r\n$22\r\nnotify-keyspace-events\r\n$0\r\n\r\n");
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "xgK"});
  CHECK(h.Run({"CONFIG", "GET", "notify-keyspace-events"}).ends_with("$3\r\ngxK\r\n"));
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "EKAmn"});
  CHECK(h.Run({"CONFIG", "GET", "notify-keyspace-events"}).ends_with("$5\r\nAKEmn\r\n"));
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "g$lshztxed"});
  CHECK(h.Run({"CONFIG", "GET", "notify-keyspace-events"}).ends_with("$1\r\nA\r\n"));
  CHECK(h.Run({"CONFIG", "SET", "notify-keyspace-events", "Kq"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
        "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
}

TEST_CASE("An expired key is announced on its keyspace and keyevent channels",
          "[pubsub][notify]") {
  PubSubHarness h;
  h.state.pinned_time_ms = 1'000'000;
  server::Client& sub = h.NewClient();
  h.RunAs(sub, {"PSUBSCRIBE", "__key*__:*"});
  h.Run({"SET", "k", "v", "PX", "100"});
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "Ex"});
  h.state.pinned_time_ms = 1'000'200;
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  // E only: the keyevent channel, with the key as the message.
  CHECK(h.outputs.Take(sub.id) ==
        "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\nk\r\n");
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "K$"});
  h.Run({"SET", "k2", "v", "PX", "100"});
  h.outputs.Take(sub.id);  // SET's own set event ($)
  h.state.pinned_time_ms = 1'000'400;
  h.Run({"GET", "k2"});
  CHECK(h.outputs.Take(sub.id).empty());  // no x class: nothing
}

TEST_CASE("Storing a value announces new, overwritten and type_changed when asked for",
          "[pubsub][notify]") {
  PubSubHarness h;
  server::Client& sub = h.NewClient();
  h.RunAs(sub, {"SUBSCRIBE", "__keyevent@0__:new", "__keyevent@0__:overwritten",
                "__keyevent@0__:type_changed"});
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "Enoc"});
  h.Run({"SET", "k", "1"});
  CHECK(h.outputs.Take(sub.id) == "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:new\r\n$1\r\nk\r\n");
  h.Run({"SET", "k", "2"});
  CHECK(h.outputs.Take(sub.id) ==
        "*3\r\n$7\r\nmessage\r\n$26\r\n__keyevent@0__:overwritten\r\n$1\r\nk\r\n");
  h.Run({"SADD", "s", "a"});
  h.Run({"SORT", "s", "ALPHA", "STORE", "k"});  // a list now stands where the string was
  const std::string out = h.outputs.Take(sub.id);
  CHECK(out.find("__keyevent@0__:new\r\n$1\r\ns\r\n") != std::string::npos);
  CHECK(out.find("__keyevent@0__:type_changed\r\n$1\r\nk\r\n") != std::string::npos);
}
