// The queue dashboard's routes (src/http/dashboard.cc) over a state built with commands: the
// overview's numbers against XADD/XGROUP/XREADGROUP/XACK/XNACK data, ACL filtering, redrive
// through Dispatch (and its refusal), the embedded page, and the JSON helpers.
#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <vector>

#include "src/http/dashboard_json.h"
#include "src/http/dashboard_overview.h"
#include "src/http/routes.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"

namespace {

using server::http::BuildOverview;
using server::http::DashboardRoute;
using server::http::GroupView;
using server::http::Overview;
using server::http::Request;
using server::http::Response;
using server::http::StreamView;
using testing_support::Int;
using testing_support::PinnedClockHarness;

constexpr int64_t kDashT0 = 1'700'000'000'000;

struct DashboardHarness : PinnedClockHarness {
  DashboardHarness() : PinnedClockHarness(kDashT0) {}

  Overview View() { return BuildOverview(state, &client, state.pinned_time_ms); }
  Response Get(std::string path) {
    paths_.push_back(std::move(path));
    Request r;
    r.method = "GET";
    r.path = paths_.back();
    r.client = &client;
    auto res = DashboardRoute(state, r);
    REQUIRE(res.has_value());
    return *res;
  }
  Response Post(std::string path, std::string body,
                std::string content_type = "application/json") {
    paths_.push_back(std::move(path));
    paths_.push_back(std::move(body));
    paths_.push_back(std::move(content_type));
    Request r;
    r.method = "POST";
    r.path = paths_[paths_.size() - 3];
    r.body = paths_[paths_.size() - 2];
    r.headers = {{"content-type", paths_.back()}};
    r.client = &client;
    auto res = DashboardRoute(state, r);
    REQUIRE(res.has_value());
    return *res;
  }
  // Five entries, a group that read three of them (one acked) with consumer c1.
  void MakeQueue(const std::string& key = "orders") {
    for (int i = 1; i <= 5; i++) {
      Run({"XADD", key, std::to_string(i) + "-1", "n", std::to_string(i)});
    }
    REQUIRE(Run({"XGROUP", "CREATE", key, "workers", "0"}) == "+OK\r\n");
    Run({"XREADGROUP", "GROUP", "workers", "c1", "COUNT", "3", "STREAMS", key, ">"});
    REQUIRE(Run({"XACK", key, "workers", "1-1"}) == Int(1));
  }
  // Gives MakeQueue's group a policy (MAX-DELIVERIES 3) and dead-letters `ids` with XNACK FATAL.
  void DeadLetterOrders(const std::vector<std::string>& ids) {
    REQUIRE(Run({"XGROUP", "SETPOLICY", "orders", "workers", "MAX-DELIVERIES", "3"}) == "+OK\r\n");
    std::vector<std::string> nack = {"XNACK", "orders", "workers", "FATAL", "IDS",
                                     std::to_string(ids.size())};
    nack.insert(nack.end(), ids.begin(), ids.end());
    REQUIRE(Run(nack) == Int(static_cast<int64_t>(ids.size())));
  }

 private:
  std::deque<std::string> paths_;  // the request's views point here
};

const StreamView* FindStreamView(const Overview& o, std::string_view key, int db = 0) {
  for (const auto& s : o.streams) {
    if (s.key == key && s.db == db) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("The overview shows a stream's length, its group's lag, pending and consumers",
          "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  h.At(kDashT0 + 4'000);
  const Overview o = h.View();
  const StreamView* s = FindStreamView(o, "orders");
  REQUIRE(s != nullptr);
  CHECK(s->length == 5);
  CHECK(s->entries_added == 5);
  CHECK(s->last_id == "5-1");
  CHECK_FALSE(s->is_dead_letter);
  REQUIRE(s->groups.size() == 1);
  const GroupView& g = s->groups[0];
  CHECK(g.name == "workers");
  CHECK(g.lag == 2);
  CHECK(g.entries_read == 3);
  CHECK(g.pending == 2);
  CHECK(g.last_delivered_id == "3-1");
  CHECK(g.oldest_pending_ms == 4'000);  // delivered at kDashT0, still unacked
  CHECK(g.dead_letter_key.empty());      // no policy
  REQUIRE(g.consumers.size() == 1);
  CHECK(g.consumers[0].name == "c1");
  CHECK(g.consumers[0].pending == 2);
  CHECK(g.consumers[0].idle_ms == 4'000);
  CHECK(o.dead_letters.empty());
}

TEST_CASE("The overview's oldest pending age is absent when nothing is pending", "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  h.Run({"XACK", "orders", "workers", "2-1", "3-1"});
  const Overview o = h.View();
  CHECK(o.streams[0].groups[0].pending == 0);
  CHECK_FALSE(o.streams[0].groups[0].oldest_pending_ms.has_value());
}

TEST_CASE("The overview lists the dead-letter streams the policies name, with their sizes",
          "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  h.DeadLetterOrders({"2-1"});
  Overview o = h.View();
  REQUIRE(o.dead_letters.size() == 1);
  CHECK(o.dead_letters[0].key == "orders:dlq");
  CHECK(o.dead_letters[0].length == 1);
  CHECK(o.dead_letters[0].sources == std::vector<std::string>{"orders/workers"});
  const StreamView* s = FindStreamView(o, "orders");
  CHECK(s->groups[0].dead_letter_key == "orders:dlq");
  CHECK(s->groups[0].dead_lettered == 1);
  CHECK(s->groups[0].max_deliveries == 3);
  CHECK(s->groups[0].pending == 1);
  const StreamView* dlq = FindStreamView(o, "orders:dlq");
  REQUIRE(dlq != nullptr);
  CHECK(dlq->is_dead_letter);

  // A DEAD-LETTER key that does not exist yet is listed, empty.
  REQUIRE(h.Run({"XGROUP", "SETPOLICY", "orders", "workers", "DEAD-LETTER", "parked"}) ==
          "+OK\r\n");
  o = h.View();
  REQUIRE(o.dead_letters.size() == 1);
  CHECK(o.dead_letters[0].key == "parked");
  CHECK(o.dead_letters[0].length == 0);
}

TEST_CASE("The overview covers every db the user may select and is ordered by db and key",
          "[dashboard]") {
  DashboardHarness h;
  h.Run({"XADD", "b", "1-1", "f", "v"});
  h.Run({"XADD", "a", "1-1", "f", "v"});
  h.Run({"SET", "not-a-stream", "x"});
  h.Run({"SELECT", "2"});
  h.Run({"XADD", "a", "1-1", "f", "v"});
  const Overview o = h.View();
  REQUIRE(o.streams.size() == 3);
  CHECK(o.streams[0].key == "a");
  CHECK(o.streams[0].db == 0);
  CHECK(o.streams[1].key == "b");
  CHECK(o.streams[2].db == 2);
  const Overview two = BuildOverview(h.state, &h.client, kDashT0, 2);
  CHECK(two.truncated);
  REQUIRE(two.streams.size() == 2);
  CHECK(two.streams[0].key == "a");
  CHECK(two.streams[1].key == "b");
}

TEST_CASE("A shown group's dead-letter stream has its size even when the list stops before it",
          "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue("a");
  h.Run({"XGROUP", "SETPOLICY", "a", "workers", "MAX-DELIVERIES", "3", "DEAD-LETTER", "z:dlq"});
  h.Run({"XNACK", "a", "workers", "FATAL", "IDS", "2", "2-1", "3-1"});
  const Overview o = BuildOverview(h.state, &h.client, kDashT0, 1);
  CHECK(o.truncated);
  REQUIRE(o.streams.size() == 1);
  CHECK(o.streams[0].key == "a");
  REQUIRE(o.dead_letters.size() == 1);
  CHECK(o.dead_letters[0].key == "z:dlq");
  CHECK(o.dead_letters[0].length == 2);
}

TEST_CASE("The overview shows a user only the streams and dbs its ACL lets it read",
          "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue("orders");
  h.MakeQueue("secret");
  REQUIRE(h.Run({"XGROUP", "SETPOLICY", "orders", "workers", "DEAD-LETTER", "hidden-dlq"}) ==
          "+OK\r\n");
  h.Run({"SELECT", "1"});
  h.Run({"XADD", "orders-db1", "1-1", "f", "v"});
  h.Run({"SELECT", "0"});
  REQUIRE(h.Run({"ACL", "SETUSER", "viewer", "on", ">pw", "~orders*", "+@read", "-select"}) ==
          "+OK\r\n");
  REQUIRE(h.Run({"AUTH", "viewer", "pw"}) == "+OK\r\n");
  const Overview o = h.View();
  REQUIRE(o.streams.size() == 1);  // not secret, not db 1
  CHECK(o.streams[0].key == "orders");
  CHECK(o.dead_letters.empty());  // hidden-dlq is outside ~orders*
  // No ACL LOG entry: listing is not an attempt to run a command.
  CHECK(h.state.Acl().log().empty());

  h.Run({"AUTH", "default", ""});  // back to an unrestricted user
  h.Run({"ACL", "SETUSER", "viewer", "+select"});
  REQUIRE(h.Run({"AUTH", "viewer", "pw"}) == "+OK\r\n");
  CHECK(h.View().streams.size() == 2);  // db 1's orders-db1 too
}

TEST_CASE("GET /api/overview answers JSON with the numbers of the overview", "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue("o\"q");
  const Response r = h.Get("/api/overview");
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  CHECK(r.body.find("\"key\":\"o\\\"q\"") != std::string::npos);
  CHECK(r.body.find("\"length\":5,\"entries_added\":5") != std::string::npos);
  CHECK(r.body.find("\"lag\":2,\"pending\":2") != std::string::npos);
  CHECK(r.body.find("\"consumers\":[{\"name\":\"c1\",\"pending\":2,") != std::string::npos);
  CHECK(r.body.find("\"dead_letter_key\":null") != std::string::npos);
  CHECK(r.body.find("\"dead_letters\":[]") != std::string::npos);
  // Whatever the keys hold, the reply parses as JSON (here: as a flat object it is not).
  CHECK_FALSE(server::http::ParseFlatJsonObject(r.body).has_value());
}

TEST_CASE("POST /api/redrive runs XREDRIVE through Dispatch and moves the dead letters back",
          "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  h.DeadLetterOrders({"2-1", "3-1"});
  REQUIRE(h.Run({"XLEN", "orders:dlq"}) == Int(2));
  h.state.propagation.Take();
  Response r = h.Post("/api/redrive", R"({"key": "orders:dlq", "count": 1})");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"redriven":1})");
  CHECK(h.Run({"XLEN", "orders:dlq"}) == Int(1));
  CHECK(h.Run({"XLEN", "orders"}) == Int(6));
  // Recorded for the AOF as any XREDRIVE over RESP is.
  CHECK_FALSE(h.state.propagation.Take().empty());
  r = h.Post("/api/redrive", R"({"key": "orders:dlq", "group": "workers", "db": 0})");
  CHECK(r.body == R"({"redriven":1})");
  CHECK(h.View().dead_letters[0].length == 0);
}

TEST_CASE("POST /api/redrive in another db selects it through Dispatch and restores the client's",
          "[dashboard]") {
  DashboardHarness h;
  h.Run({"SELECT", "3"});
  h.MakeQueue();
  h.DeadLetterOrders({"2-1"});
  h.Run({"SELECT", "0"});
  const Response r = h.Post("/api/redrive", R"({"key": "orders:dlq", "db": 3})");
  CHECK(r.body == R"({"redriven":1})");
  CHECK(h.client.db_index == 0);
  h.Run({"SELECT", "3"});
  CHECK(h.Run({"XLEN", "orders:dlq"}) == Int(0));
}

TEST_CASE("POST /api/redrive is refused with 403 for a user without the right", "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  h.DeadLetterOrders({"2-1"});
  h.Run({"ACL", "SETUSER", "viewer", "on", ">pw", "~*", "+@read"});
  REQUIRE(h.Run({"AUTH", "viewer", "pw"}) == "+OK\r\n");
  Response r = h.Post("/api/redrive", R"({"key": "orders:dlq"})");
  CHECK(r.status == 403);
  CHECK(r.body.find("NOPERM User viewer has no permissions to run the 'xredrive' command") !=
        std::string::npos);
  h.Run({"AUTH", "default", ""});
  CHECK(h.Run({"XLEN", "orders:dlq"}) == Int(1));
  // The ACL LOG has the denial, as for the same command over RESP.
  CHECK(h.state.Acl().log().size() == 1);
}

TEST_CASE("POST /api/redrive on a read-only replica answers 409 with READONLY", "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  h.DeadLetterOrders({"2-1"});
  h.state.repl.master_host = "127.0.0.1";  // a replica (its link is never made here)
  h.state.config.replica_read_only = true;
  h.state.config.replica_serve_stale_data = true;
  const Response r = h.Post("/api/redrive", R"({"key": "orders:dlq"})");
  CHECK(r.status == 409);
  CHECK(r.body.find("READONLY") != std::string::npos);
  // The overview still reads: a replica's dashboard shows its copy of the queues.
  CHECK(h.View().dead_letters.at(0).length == 1);
}

TEST_CASE("POST /api/redrive answers bad requests with JSON errors", "[dashboard]") {
  DashboardHarness h;
  CHECK(h.Post("/api/redrive", "key=x", "application/x-www-form-urlencoded").status == 415);
  CHECK(h.Post("/api/redrive", "{\"key\": 1}").status == 400);
  CHECK(h.Post("/api/redrive", "{\"key\": \"x\", \"count\": \"many\"}").status == 400);
  CHECK(h.Post("/api/redrive", "[1]").status == 400);
  const Response r = h.Post("/api/redrive", R"({"key": "x", "count": 0})");
  CHECK(r.status == 400);
  CHECK(r.body == R"({"error":"ERR COUNT must be > 0"})");
  CHECK(h.Get("/api/redrive").status == 405);
  h.Run({"SET", "str", "v"});
  CHECK(h.Post("/api/redrive", R"({"key": "str"})").body.find("WRONGTYPE") != std::string::npos);
}

TEST_CASE("The dashboard serves its embedded page and assets, and nothing else", "[dashboard]") {
  DashboardHarness h;
  Response page = h.Get("/");
  CHECK(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("/assets/dashboard.js") != std::string::npos);
  CHECK(h.Get("/dashboard").body == page.body);
  const Response js = h.Get("/assets/dashboard.js");
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(js.body.find("/api/overview") != std::string::npos);
  CHECK(h.Get("/assets/dashboard.css").content_type == "text/css; charset=utf-8");
  bool cache_header = false;
  for (const auto& [k, v] : js.headers) cache_header |= k == "Cache-Control";
  CHECK(cache_header);
  Request r;
  r.client = &h.client;
  r.method = "GET";
  for (std::string_view path : {"/nope", "/assets/", "/assets/../dashboard.cc", "/metrics"}) {
    r.path = path;
    CHECK_FALSE(DashboardRoute(h.state, r).has_value());
  }
}

TEST_CASE("The cron's feed records stream and group rates the overview then shows",
          "[dashboard]") {
  DashboardHarness h;
  h.MakeQueue();
  server::http::FeedQueueHistory(h.state, kDashT0);
  for (int i = 6; i <= 25; i++) h.Run({"XADD", "orders", std::to_string(i) + "-1", "n", "x"});
  h.Run({"XREADGROUP", "GROUP", "workers", "c1", "COUNT", "10", "STREAMS", "orders", ">"});
  h.At(kDashT0 + 10'000);
  server::http::FeedQueueHistory(h.state, kDashT0 + 10'000);
  const Overview o = h.View();
  REQUIRE(o.streams[0].rates.size() == 1);
  CHECK(o.streams[0].rates[0].in == Approx(2.0));  // 20 added in 10 s
  REQUIRE(o.streams[0].groups[0].rates.size() == 1);
  CHECK(o.streams[0].groups[0].rates[0].in == Approx(1.0));  // 10 delivered, none acked
  CHECK(o.streams[0].groups[0].rates[0].done == Approx(0.0));
  // A budget of one key per tick still gets round the keyspace.
  server::http::QueueHistory& history = h.state.queue_history;
  history.Clear();
  for (int i = 0; i < 40; i++) server::http::FeedQueueHistory(h.state, kDashT0, 1);
  CHECK(history.series_count() == 2);
  // Once round, the next pass waits for the interval: a tick before then walks nothing.
  h.Run({"XADD", "late", "1-1", "f", "v"});
  for (int i = 0; i < 40; i++) server::http::FeedQueueHistory(h.state, kDashT0 + 9'999, 1);
  CHECK(history.series_count() == 2);
  for (int i = 0; i < 40; i++) server::http::FeedQueueHistory(h.state, kDashT0 + 10'000, 1);
  CHECK(history.series_count() == 3);
}

TEST_CASE("The JSON reader takes a flat object of scalars and nothing else", "[dashboard]") {
  using server::http::JsonScalar;
  auto o = server::http::ParseFlatJsonObject(
      R"( {"a": "x\"\u00e9\ud83d\ude00", "b": -12, "c": true, "d": null, "e": false} )");
  REQUIRE(o.has_value());
  CHECK((*o)["a"].text == "x\"\xc3\xa9\xf0\x9f\x98\x80");
  CHECK((*o)["b"].integer == -12);
  CHECK((*o)["c"].boolean);
  CHECK_FALSE((*o)["e"].boolean);
  CHECK((*o)["d"].kind == JsonScalar::Kind::kNull);
  CHECK(server::http::ParseFlatJsonObject("{}").has_value());
  for (std::string_view bad : {"", "{", "{\"a\":1,}", "{\"a\":{}}", "{\"a\":1.5}", "{\"a\":1} x",
                               "{\"a\":\"\\ud800\"}", "{\"a\":\"\\q\"}", "{a:1}"}) {
    CHECK_FALSE(server::http::ParseFlatJsonObject(bad).has_value());
  }
}
