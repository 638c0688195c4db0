// Client-side caching in-process (CLIENT TRACKING and friends): several clients on one
// ServerState, each connection's bytes recorded, so the tests see invalidations exactly as a
// client would, interleaved with its replies. The replies were checked against Redis 7.0.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/tracking.h"
#include "tests/support/multi_client_harness.h"

using testing_support::MultiClientHarness;

namespace {

std::string Push(const std::vector<std::string>& keys) {
  std::string out = ">2\r\n$10\r\ninvalidate\r\n*" + std::to_string(keys.size()) + "\r\n";
  for (const auto& k : keys) out += "$" + std::to_string(k.size()) + "\r\n" + k + "\r\n";
  return out;
}

std::string RedirectedMessage(const std::string& key) {
  return "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$" +
         std::to_string(key.size()) + "\r\n" + key + "\r\n";
}

// A harness with a RESP3 client that has tracking on with `options`.
struct TrackingHarness : MultiClientHarness {
  server::Client& a = NewClient();
  server::Client& b = NewClient();
  explicit TrackingHarness(std::vector<std::string> options = {}) {
    Session(a, {"HELLO", "3"});
    std::vector<std::string> args = {"CLIENT", "TRACKING", "on"};
    args.insert(args.end(), options.begin(), options.end());
    REQUIRE(Session(a, args) == "+OK\r\n");
  }
  std::string InfoField(const std::string& name) {
    const std::string info = RunAs(b, {"INFO", "everything"});
    const size_t at = info.find(name + ":");
    if (at == std::string::npos) return "<missing>";
    const size_t from = at + name.size() + 1;
    return info.substr(from, info.find("\r\n", from) - from);
  }
};

}  // namespace

TEST_CASE("A tracking client is told once when a key it read is changed by another client",
          "[tracking][commands]") {
  TrackingHarness h;
  CHECK(h.Session(h.a, {"GET", "k"}) == "_\r\n");
  CHECK(h.RunAs(h.b, {"SET", "k", "1"}) == "+OK\r\n");
  CHECK(h.outputs.Take(h.a.id) == Push({"k"}));
  // Forgotten once invalidated: the next change says nothing until the key is read again.
  h.RunAs(h.b, {"SET", "k", "2"});
  CHECK(h.outputs.Take(h.a.id).empty());
  CHECK(h.Session(h.a, {"MGET", "k", "k2"}) == "*2\r\n$1\r\n2\r\n_\r\n");
  // DEL of a missing key changes nothing, so k2 stays remembered.
  h.RunAs(h.b, {"DEL", "k2", "k"});
  CHECK(h.outputs.Take(h.a.id) == Push({"k"}));
  h.RunAs(h.b, {"SET", "k2", "v"});
  CHECK(h.outputs.Take(h.a.id) == Push({"k2"}));
}

TEST_CASE("The invalidation for a client's own write comes after the write's reply",
          "[tracking][commands]") {
  TrackingHarness h;
  h.Session(h.a, {"GET", "k"});
  CHECK(h.Session(h.a, {"SET", "k", "3"}) == "+OK\r\n" + Push({"k"}));
}

TEST_CASE("Inside a transaction the client's invalidations follow EXEC's whole reply",
          "[tracking][commands]") {
  TrackingHarness h;
  h.Session(h.a, {"SET", "k", "1"});
  h.Session(h.a, {"GET", "k"});
  h.Session(h.a, {"MULTI"});
  h.Session(h.a, {"SET", "k", "4"});
  h.Session(h.a, {"GET", "k2"});
  CHECK(h.Session(h.a, {"EXEC"}) == "*2\r\n+OK\r\n_\r\n" + Push({"k"}));
  // GET k2 inside the transaction was remembered.
  h.RunAs(h.b, {"SET", "k2", "x"});
  CHECK(h.outputs.Take(h.a.id) == Push({"k2"}));
}

TEST_CASE("NOLOOP leaves out the client's own writes but not other clients'",
          "[tracking][commands]") {
  TrackingHarness h({"NOLOOP"});
  h.Session(h.a, {"GET", "k"});
  CHECK(h.Session(h.a, {"SET", "k", "1"}) == "+OK\r\n");
  h.Session(h.a, {"GET", "k"});
  h.RunAs(h.b, {"SET", "k", "2"});
  CHECK(h.outputs.Take(h.a.id) == Push({"k"}));
}

TEST_CASE("A RESP2 client's invalidations go to its redirect target as __redis__:invalidate "
          "messages, only while the target is subscribed",
          "[tracking][commands]") {
  MultiClientHarness h;
  server::Client& a = h.NewClient();
  server::Client& r = h.NewClient();
  server::Client& b = h.NewClient();
  REQUIRE(h.Session(a, {"CLIENT", "TRACKING", "on", "REDIRECT", std::to_string(r.id)}) ==
          "+OK\r\n");
  CHECK(h.Session(a, {"CLIENT", "GETREDIR"}) == ":" + std::to_string(r.id) + "\r\n");
  h.Session(a, {"GET", "x"});
  h.RunAs(b, {"SET", "x", "1"});
  CHECK(h.outputs.Take(r.id).empty());
  CHECK(h.outputs.Take(a.id).empty());
  h.Session(r, {"SUBSCRIBE", "__redis__:invalidate"});
  h.Session(a, {"GET", "x"});
  h.RunAs(b, {"SET", "x", "2"});
  CHECK(h.outputs.Take(r.id) == RedirectedMessage("x"));
  h.RunAs(b, {"FLUSHDB"});
  CHECK(h.outputs.Take(r.id) ==
        "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
}

TEST_CASE("A redirect target that has gone is reported to a RESP3 client at each invalidation",
          "[tracking][commands]") {
  MultiClientHarness h;
  server::Client& a = h.NewClient();
  server::Client& r = h.NewClient();
  server::Client& b = h.NewClient();
  h.Session(a, {"HELLO", "3"});
  h.Session(a, {"CLIENT", "TRACKING", "on", "REDIRECT", std::to_string(r.id)});
  h.Session(a, {"GET", "x"});
  h.Disconnect(r);
  h.RunAs(b, {"SET", "x", "1"});
  const std::string broken =
      ">2\r\n$21\r\ntracking-redir-broken\r\n:" + std::to_string(r.id) + "\r\n";
  CHECK(h.outputs.Take(a.id) == broken);
  CHECK(h.Session(a, {"CLIENT", "TRACKINGINFO"}) ==
        "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:" +
            std::to_string(r.id) + "\r\n$8\r\nprefixes\r\n*0\r\n");
  CHECK(h.Session(a, {"CLIENT", "INFO"}).find(" flags=tR ") != std::string::npos);
  CHECK(h.Session(a, {"CLIENT", "INFO"}).find(" redir=" + std::to_string(r.id) + " ") !=
        std::string::npos);
}

TEST_CASE("OPTIN remembers keys only for the command after CLIENT CACHING yes",
          "[tracking][commands]") {
  TrackingHarness h({"OPTIN"});
  h.Session(h.a, {"GET", "y"});  // not remembered
  CHECK(h.Session(h.a, {"CLIENT", "CACHING", "yes"}) == "+OK\r\n");
  h.Session(h.a, {"CLIENT", "ID"});  // a CLIENT command keeps the flag
  h.Session(h.a, {"GET", "z"});      // remembered
  h.Session(h.a, {"GET", "w"});      // the flag is spent
  h.RunAs(h.b, {"MSET", "y", "1", "z", "1", "w", "1"});
  CHECK(h.outputs.Take(h.a.id) == Push({"z"}));
  // A transaction counts as one command: both reads are remembered.
  h.Session(h.a, {"CLIENT", "CACHING", "yes"});
  h.Session(h.a, {"MULTI"});
  h.Session(h.a, {"GET", "y"});
  h.Session(h.a, {"GET", "w"});
  h.Session(h.a, {"EXEC"});
  h.RunAs(h.b, {"MSET", "y", "2", "w", "2"});
  CHECK(h.outputs.Take(h.a.id) == Push({"y"}) + Push({"w"}));
}

TEST_CASE("OPTOUT remembers every key except the next command's after CLIENT CACHING no",
          "[tracking][commands]") {
  TrackingHarness h({"OPTOUT"});
  CHECK(h.Session(h.a, {"CLIENT", "CACHING", "no"}) == "+OK\r\n");
  h.Session(h.a, {"GET", "y"});
  h.Session(h.a, {"GET", "z"});
  h.RunAs(h.b, {"MSET", "y", "1", "z", "1"});
  CHECK(h.outputs.Take(h.a.id) == Push({"z"}));
  CHECK(h.Session(h.a, {"CLIENT", "CACHING", "yes"}) ==
        "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n");
}

TEST_CASE("BCAST sends each key changed under a prefix once per broadcast, sorted, with NOLOOP "
          "leaving out the client's own",
          "[tracking][commands]") {
  TrackingHarness h({"BCAST", "PREFIX", "user:", "PREFIX", "obj:"});
  server::Client& c = h.NewClient();
  h.Session(c, {"HELLO", "3"});
  REQUIRE(h.Session(c, {"CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"}) == "+OK\r\n");
  h.RunAs(h.b, {"MSET", "user:6", "a", "obj:2", "b", "other", "c", "user:5", "d"});
  h.RunAs(h.b, {"DEL", "user:6"});
  h.RunAs(c, {"SET", "user:7", "own"});
  CHECK(h.outputs.Take(h.a.id).empty());  // nothing before the loop turn ends
  server::TrackingBroadcast(h.state);
  CHECK(h.outputs.Take(h.a.id) == Push({"obj:2"}) + Push({"user:5", "user:6", "user:7"}));
  CHECK(h.outputs.Take(c.id) == Push({"obj:2", "other", "user:5", "user:6"}));
  server::TrackingBroadcast(h.state);
  CHECK(h.outputs.Take(h.a.id).empty());
  // Broadcast clients remember nothing they read.
  h.Session(h.a, {"GET", "user:1"});
  CHECK(h.InfoField("tracking_total_keys") == "0");
  CHECK(h.InfoField("tracking_total_prefixes") == "3");
}

TEST_CASE("FLUSHALL and FLUSHDB tell every tracking client to drop everything",
          "[tracking][commands]") {
  TrackingHarness h;
  server::Client& c = h.NewClient();
  h.Session(c, {"HELLO", "3"});
  h.Session(c, {"CLIENT", "TRACKING", "on", "BCAST"});
  h.Session(h.a, {"GET", "k"});
  h.RunAs(h.b, {"FLUSHALL"});
  CHECK(h.outputs.Take(h.a.id) == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  CHECK(h.outputs.Take(c.id) == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  CHECK(h.InfoField("tracking_total_keys") == "0");
  // The flusher's own notice follows its reply.
  CHECK(h.Session(h.a, {"FLUSHDB"}) == "+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n");
}

TEST_CASE("A key that expires is invalidated for its trackers", "[tracking][commands]") {
  TrackingHarness h;
  h.state.pinned_time_ms = 1000;
  h.RunAs(h.b, {"SET", "k", "v", "PX", "100"});
  h.Session(h.a, {"GET", "k"});
  h.state.pinned_time_ms = 2000;
  h.state.dbs[0]->ActiveExpire(2000, 16);
  CHECK(h.outputs.Take(h.a.id) == Push({"k"}));
}

TEST_CASE("tracking-table-max-keys keeps the table within bound by invalidating keys",
          "[tracking][commands]") {
  TrackingHarness h;
  h.RunAs(h.b, {"CONFIG", "SET", "tracking-table-max-keys", "3"});
  std::string pushed;
  for (int i = 0; i < 10; i++) pushed += h.Session(h.a, {"GET", "k" + std::to_string(i)});
  CHECK(h.InfoField("tracking_total_keys") == "3");
  // Seven keys were evicted from the table, each with its invalidation (after the GET's reply).
  size_t count = 0;
  for (size_t at = pushed.find("invalidate"); at != std::string::npos;
       at = pushed.find("invalidate", at + 1)) {
    count++;
  }
  CHECK(count == 7);
}

TEST_CASE("INFO counts tracking clients, keys, items and prefixes; RESET and disconnecting "
          "turn tracking off",
          "[tracking][commands]") {
  TrackingHarness h;
  server::Client& c = h.NewClient();
  h.Session(c, {"CLIENT", "TRACKING", "on"});
  h.Session(h.a, {"GET", "k"});
  h.Session(c, {"MGET", "k", "j"});
  CHECK(h.InfoField("tracking_clients") == "2");
  CHECK(h.InfoField("tracking_total_keys") == "2");
  CHECK(h.InfoField("tracking_total_items") == "3");
  CHECK(h.Session(h.a, {"RESET"}) == "+RESET\r\n");
  CHECK(h.Session(h.a, {"CLIENT", "GETREDIR"}) == ":-1\r\n");
  CHECK(h.InfoField("tracking_clients") == "1");
  h.Disconnect(c);
  CHECK(h.InfoField("tracking_clients") == "0");
  // What they tracked is dropped as it changes, with nobody left to tell.
  h.RunAs(h.b, {"MSET", "k", "1", "j", "2"});
  CHECK(h.InfoField("tracking_total_keys") == "0");
  CHECK(h.InfoField("tracking_total_items") == "0");
}

TEST_CASE("CLIENT TRACKING refuses conflicting options with Redis's errors",
          "[tracking][commands]") {
  TrackingHarness h({"OPTOUT"});
  CHECK(h.Session(h.a, {"CLIENT", "TRACKING", "on", "OPTIN"}) ==
        "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
        "and then re-enabling it with a different mode.\r\n");
  CHECK(h.Session(h.a, {"CLIENT", "TRACKING", "on", "BCAST"}) ==
        "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
        "then re-enabling it with a different mode.\r\n");
  CHECK(h.Session(h.b, {"CLIENT", "TRACKING", "on", "REDIRECT", "999"}) ==
        "-ERR The client ID you want redirect to does not exist\r\n");
  CHECK(h.Session(h.b, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"}) ==
        "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single "
        "client must not overlap.\r\n");
  CHECK(h.Session(h.b, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a"}) == "+OK\r\n");
  CHECK(h.Session(h.b, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "abc"}) ==
        "-ERR Prefix 'abc' overlaps with an existing prefix 'a'. Prefixes for a single client "
        "must not overlap.\r\n");
  CHECK(h.Session(h.b, {"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
        "$8\r\nprefixes\r\n*1\r\n$1\r\na\r\n");
}
