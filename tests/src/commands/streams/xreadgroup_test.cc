// XREADGROUP in-process: delivery of new entries into the group and the PEL, NOACK, history
// reads (deleted entries as nil), 8.4's CLAIM (order, extra fields, COUNT), consumer times, and
// the blocked side: served by a write in blocking order, errors when the key or group goes, and
// CLAIM's own deadline. Groups are made through the streams API, not XGROUP, and idle times by
// moving delivery times back, so nothing sleeps.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "src/blocking.h"
#include "streams/stream.h"

namespace {

using testing_support::Bulk;

using Harness = testing_support::CommandHarness;
using streams::StreamID;

// The blocking registry woken at steady time `steady_ms`, the wall clock read now.
server::WakeTime At(int64_t steady_ms) { return {server::WallClockMs(), steady_ms}; }


// [id, [f, v]] as RESP2.
std::string Entry(const std::string& id, const std::string& f, const std::string& v) {
  return "*2\r\n" + Bulk(id) + "*2\r\n" + Bulk(f) + Bulk(v);
}
// [id, [f, v], idle, count]: an entry under CLAIM.
std::string ClaimEntry(const std::string& id, const std::string& f, const std::string& v,
                       int64_t idle, int64_t count) {
  return "*4\r\n" + Bulk(id) + "*2\r\n" + Bulk(f) + Bulk(v) + ":" + std::to_string(idle) +
         "\r\n:" + std::to_string(count) + "\r\n";
}
// [[key, [entries...]]] for one stream.
std::string OneStream(const std::string& key, const std::vector<std::string>& entries) {
  std::string out = "*1\r\n*2\r\n" + Bulk(key) + "*" + std::to_string(entries.size()) + "\r\n";
  for (const auto& e : entries) out += e;
  return out;
}

streams::Stream& StreamAt(Harness& h, const std::string& key) {
  server::Value* v = h.state.dbs[0]->Find(key, server::WallClockMs());
  REQUIRE(v != nullptr);
  return v->stream();
}

streams::ConsumerGroup& MakeGroup(Harness& h, const std::string& key, const std::string& name,
                                  StreamID last = {}) {
  streams::ConsumerGroup* g = StreamAt(h, key).CreateGroup(name, last, 0);
  REQUIRE(g != nullptr);
  return *g;
}

streams::ConsumerGroup& Group(Harness& h, const std::string& key, const std::string& name) {
  streams::ConsumerGroup* g = StreamAt(h, key).FindGroup(name);
  REQUIRE(g != nullptr);
  return *g;
}

// Makes every pending entry of `g` look delivered `ago_ms` earlier than now.
void AgePending(streams::ConsumerGroup& g, int64_t ago_ms) {
  std::vector<streams::PendingEntry*> all;
  streams::PendingIndex::Iterator it(g.pel());
  for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) all.push_back(it.Value());
  for (auto* e : all) g.SetDeliveryTime(*e, e->delivery_time_ms - ago_ms);
}

// Extra clients on the same state, each with its own output, for the blocking tests.
struct Clients {
  explicit Clients(Harness& harness) : h(harness) {}

  Harness& h;
  std::map<uint64_t, std::unique_ptr<server::Client>> clients;
  std::map<uint64_t, std::string> out;
  std::map<uint64_t, std::unique_ptr<resp::Writer>> writers;

  server::Client& Add(uint64_t id) {
    auto c = std::make_unique<server::Client>();
    c->id = id;
    h.state.clients[id] = c.get();
    writers[id] = std::make_unique<resp::Writer>(out[id], 2);
    return *(clients[id] = std::move(c));
  }
  // Runs a command as client `id`, its reply (if any) going to that client's output.
  void Run(uint64_t id, std::vector<std::string> args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    server::Dispatch(h.state, *clients.at(id), argv, *writers.at(id));
  }
  server::BlockingRegistry::WriterFor WriterFor() {
    return [this](uint64_t id) -> resp::Writer* {
      auto it = writers.find(id);
      return it == writers.end() ? nullptr : it->second.get();
    };
  }
  std::vector<uint64_t> Serve() {
    return h.state.blocking.ServeReadyKeys(h.state, server::WakeTime::Now(), WriterFor());
  }
  std::string Take(uint64_t id) {
    std::string s;
    s.swap(out[id]);
    return s;
  }
};

}  // namespace

TEST_CASE("XREADGROUP > delivers new entries once, moving the group and filling the PEL",
          "[xreadgroup]") {
  Harness h;
  h.Run({"XADD", "s", "1-1", "a", "1"});
  h.Run({"XADD", "s", "2-1", "b", "2"});
  auto& g = MakeGroup(h, "s", "g");
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}) ==
        OneStream("s", {Entry("1-1", "a", "1")}));
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"}) ==
        OneStream("s", {Entry("2-1", "b", "2")}));
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}) == "*-1\r\n");
  CHECK(g.last_id() == StreamID{2, 1});
  CHECK(g.entries_read() == 2);
  REQUIRE(g.pending_count() == 2);
  CHECK(g.FindPending({1, 1})->owner()->name == "c");
  CHECK(g.FindPending({2, 1})->owner()->name == "c2");
  CHECK(g.FindPending({2, 1})->delivery_count() == 1);
  CHECK(g.Validate().empty());
}

TEST_CASE("XREADGROUP NOACK moves the group but leaves the PEL empty", "[xreadgroup]") {
  Harness h;
  h.Run({"XADD", "s", "1-1", "a", "1"});
  auto& g = MakeGroup(h, "s", "g");
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"}) ==
        OneStream("s", {Entry("1-1", "a", "1")}));
  CHECK(g.last_id() == StreamID{1, 1});
  CHECK(g.pending_count() == 0);
  // Nothing entered the PEL, so the consumer was never active.
  CHECK(g.FindConsumer("c")->active_time_ms == -1);
}

TEST_CASE("XREADGROUP with an ID re-reads only the caller's own pending entries after it",
          "[xreadgroup]") {
  Harness h;
  for (const char* id : {"1-1", "2-1", "3-1"}) h.Run({"XADD", "s", id, "f", id});
  auto& g = MakeGroup(h, "s", "g");
  h.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">"});
  h.Run({"XREADGROUP", "GROUP", "g", "other", "STREAMS", "s", ">"});
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"}) ==
        OneStream("s", {Entry("1-1", "f", "1-1"), Entry("2-1", "f", "2-1")}));
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "1-1"}) ==
        OneStream("s", {Entry("2-1", "f", "2-1")}));
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", "0"}) ==
        OneStream("s", {Entry("1-1", "f", "1-1")}));
  // An empty history is still a part of the reply, and BLOCK does not make it wait.
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "9"}) ==
        OneStream("s", {}));
  CHECK_FALSE(h.client.blocked);
  // The largest ID is Redis's internal mark for ">": given explicitly it reads new entries.
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s",
               "18446744073709551615-18446744073709551615"}) == "*-1\r\n");
  // Each re-read counted a delivery: 1-1 and 2-1 were read three times each.
  CHECK(g.FindPending({1, 1})->delivery_count() == 3);
  CHECK(g.FindPending({2, 1})->delivery_count() == 3);
  CHECK(g.FindPending({3, 1})->delivery_count() == 1);
  CHECK(g.Validate().empty());
}

TEST_CASE("A pending entry deleted from the stream reads back as its ID and a null",
          "[xreadgroup]") {
  Harness h;
  h.Run({"XADD", "s", "1-1", "a", "1"});
  h.Run({"XADD", "s", "2-1", "b", "2"});
  auto& g = MakeGroup(h, "s", "g");
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  h.Run({"XDEL", "s", "1-1"});
  const int64_t delivered = g.FindPending({1, 1})->delivery_time_ms;
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"}) ==
        OneStream("s", {"*2\r\n" + Bulk("1-1") + "*-1\r\n", Entry("2-1", "b", "2")}));
  // As Redis 7.0: the deleted one's delivery is not counted.
  CHECK(g.FindPending({1, 1})->delivery_count() == 1);
  CHECK(g.FindPending({1, 1})->delivery_time_ms == delivered);
  CHECK(g.FindPending({2, 1})->delivery_count() == 2);
  h.client.protocol = 3;
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", "0"}) ==
        "%1\r\n" + Bulk("s") + "*1\r\n*2\r\n" + Bulk("1-1") + "_\r\n");
}

TEST_CASE("XREADGROUP replies in RESP3 with a map keyed by stream", "[xreadgroup]") {
  Harness h;
  h.client.protocol = 3;
  h.Run({"XADD", "a", "1-1", "f", "v"});
  h.Run({"XADD", "b", "2-1", "g", "w"});
  MakeGroup(h, "a", "g");
  MakeGroup(h, "b", "g");
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">"}) ==
        "%2\r\n" + Bulk("a") + "*1\r\n" + Entry("1-1", "f", "v") + Bulk("b") + "*1\r\n" +
            Entry("2-1", "g", "w"));
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"}) == "_\r\n");
}

TEST_CASE("XREADGROUP refuses + and bad CLAIM values with Redis's texts", "[xreadgroup]") {
  Harness h;
  h.Run({"XADD", "s", "1-1", "a", "1"});
  MakeGroup(h, "s", "g");
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"}).starts_with(
      "-ERR The + ID is meaningless in the context of XREADGROUP"));
  for (const char* bad : {"x", "5.5", "+10", "-0", "STREAMS"}) {
    CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "CLAIM", bad, "STREAMS", "s", ">"}) ==
          "-ERR min-idle-time is not an integer\r\n");
  }
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "CLAIM", "-10", "STREAMS", "s", ">"}) ==
        "-ERR min-idle-time must be a positive integer\r\n");
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "CLAIM", "STREAMS", "s", ">"}) ==
        "-ERR min-idle-time is not an integer\r\n");
  // CLAIM may come anywhere among the options, even before GROUP.
  CHECK(h.Run({"XREADGROUP", "CLAIM", "0", "GROUP", "g", "c", "STREAMS", "s", ">"}) ==
        OneStream("s", {ClaimEntry("1-1", "a", "1", 0, 0)}));
}

TEST_CASE("XREADGROUP CLAIM returns NACKed, then idle, then new entries, within COUNT",
          "[xreadgroup]") {
  Harness h;
  for (const char* id : {"1-1", "2-1", "3-1", "4-1", "5-1"}) h.Run({"XADD", "s", id, "f", id});
  auto& g = MakeGroup(h, "s", "g");
  h.Run({"XREADGROUP", "GROUP", "g", "old", "COUNT", "3", "STREAMS", "s", ">"});
  // 1-1 idle 5 s, 2-1 idle 9 s, 3-1 NACKed (claimable at once, whatever min-idle-time says).
  g.SetDeliveryTime(*g.FindPending({1, 1}), server::WallClockMs() - 5000);
  g.SetDeliveryTime(*g.FindPending({2, 1}), server::WallClockMs() - 9000);
  g.Nack(*g.FindPending({3, 1}));
  std::string reply =
      h.Run({"XREADGROUP", "GROUP", "g", "new", "COUNT", "4", "CLAIM", "4000", "STREAMS", "s", ">"});
  // Idle times are not exact: compare the shape, and check each part below.
  CHECK(reply.starts_with("*1\r\n*2\r\n" + Bulk("s") + "*4\r\n" +
                          ClaimEntry("3-1", "f", "3-1", -1, 1) + "*4\r\n" + Bulk("2-1")));
  CHECK(reply.find(":9") != std::string::npos);
  CHECK(reply.ends_with(ClaimEntry("4-1", "f", "4-1", 0, 0)));
  CHECK(reply.find(Bulk("5-1")) == std::string::npos);  // over COUNT
  // Claimed entries moved to "new" with one more delivery; 4-1 entered the PEL as new.
  for (StreamID id : {StreamID{1, 1}, StreamID{2, 1}, StreamID{3, 1}, StreamID{4, 1}}) {
    CHECK(g.FindPending(id)->owner()->name == "new");
  }
  CHECK(g.FindPending({2, 1})->delivery_count() == 2);
  CHECK(g.FindPending({4, 1})->delivery_count() == 1);
  CHECK(g.nacked_count() == 0);
  CHECK(g.last_id() == StreamID{4, 1});
  CHECK(g.Validate().empty());
  // Nothing is idle enough now: only the last new entry comes.
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "new", "CLAIM", "4000", "STREAMS", "s", ">"}) ==
        OneStream("s", {ClaimEntry("5-1", "f", "5-1", 0, 0)}));
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "new", "CLAIM", "4000", "STREAMS", "s", ">"}) ==
        "*-1\r\n");
}

TEST_CASE("XREADGROUP CLAIM with NOACK keeps claimed entries pending and skips deleted ones",
          "[xreadgroup]") {
  Harness h;
  for (const char* id : {"1-1", "2-1", "3-1"}) h.Run({"XADD", "s", id, "f", id});
  auto& g = MakeGroup(h, "s", "g");
  h.Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "s", ">"});
  h.Run({"XDEL", "s", "1-1"});
  AgePending(g, 1000);
  std::string reply =
      h.Run({"XREADGROUP", "GROUP", "g", "b", "NOACK", "CLAIM", "500", "STREAMS", "s", ">"});
  CHECK(reply.starts_with("*1\r\n*2\r\n" + Bulk("s") + "*2\r\n*4\r\n" + Bulk("2-1")));
  CHECK(reply.ends_with(ClaimEntry("3-1", "f", "3-1", 0, 0)));
  CHECK(g.FindPending({2, 1})->owner()->name == "b");
  CHECK(g.FindPending({3, 1}) == nullptr);               // new under NOACK: not pending
  CHECK(g.FindPending({1, 1})->owner()->name == "a");      // deleted: left as it was
  CHECK(g.FindConsumer("b")->active_time_ms >= 0);       // the claim put entries in its PEL
}

TEST_CASE("Every XREADGROUP creates the consumer and marks it seen; only deliveries mark it active",
          "[xreadgroup]") {
  Harness h;
  h.Run({"XADD", "s", "1-1", "a", "1"});
  auto& g = MakeGroup(h, "s", "g", {1, 1});
  CHECK(h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}) == "*-1\r\n");
  streams::Consumer* c = g.FindConsumer("c");
  REQUIRE(c != nullptr);
  CHECK(c->seen_time_ms > 0);
  CHECK(c->active_time_ms == -1);
  c->seen_time_ms = 1;
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"});
  CHECK(c->seen_time_ms > 1);
  CHECK(c->active_time_ms == -1);
  h.Run({"XADD", "s", "2-1", "b", "2"});
  h.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  CHECK(c->active_time_ms == c->seen_time_ms);
  // A refused call touches nobody.
  h.Run({"XREADGROUP", "GROUP", "g", "d", "STREAMS", "s", "s", ">", "$"});
  CHECK(g.FindConsumer("d") == nullptr);
}

TEST_CASE("Consumers blocked on one group share new entries in blocking order", "[xreadgroup]") {
  Harness h;
  Clients cs(h);
  cs.Add(10);
  cs.Add(11);
  cs.Add(12);
  h.Run({"XADD", "s", "1-1", "f", "v"});
  auto& g = MakeGroup(h, "s", "g", {1, 1});
  cs.Run(11, {"XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">"});
  cs.Run(10, {"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">"});
  CHECK(h.state.blocking.blocked_count() == 2);
  CHECK(cs.Take(10).empty());
  cs.Run(12, {"MULTI"});
  cs.Run(12, {"XADD", "s", "2-1", "f", "x"});
  cs.Run(12, {"XADD", "s", "3-1", "f", "y"});
  cs.Run(12, {"EXEC"});
  CHECK(cs.Serve() == std::vector<uint64_t>{11});
  // b blocked first and took both entries; a keeps waiting.
  CHECK(cs.Take(11) == OneStream("s", {Entry("2-1", "f", "x"), Entry("3-1", "f", "y")}));
  CHECK(cs.Take(10).empty());
  cs.Run(12, {"XADD", "s", "4-1", "f", "z"});
  CHECK(cs.Serve() == std::vector<uint64_t>{10});
  CHECK(cs.Take(10) == OneStream("s", {Entry("4-1", "f", "z")}));
  CHECK(g.FindPending({4, 1})->owner()->name == "a");
  CHECK(g.pending_count() == 3);
  CHECK(h.state.blocking.blocked_count() == 0);
}

TEST_CASE("A blocked XREADGROUP ends with the error it would get now when its key or group goes",
          "[xreadgroup]") {
  Harness h;
  Clients cs(h);
  cs.Add(10);
  cs.Add(11);
  auto setup = [&] {
    h.Run({"DEL", "s"});
    h.Run({"XADD", "s", "1-1", "f", "v"});
    MakeGroup(h, "s", "g", {1, 1});
    cs.Run(10, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
    REQUIRE(h.state.blocking.blocked_count() == 1);
    cs.Serve();  // the DEL/XADD signals of the setup itself
  };
  setup();
  const std::string no_group =
      "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n";
  cs.Run(11, {"DEL", "s"});
  cs.Serve();
  CHECK(cs.Take(10) == no_group);
  setup();
  cs.Run(11, {"SET", "s", "x"});
  cs.Serve();
  CHECK(cs.Take(10) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  setup();
  StreamAt(h, "s").DestroyGroup("g");
  h.state.blocking.SignalKeyReady(0, "s");  // as XGROUP DESTROY's dispatch does
  cs.Serve();
  CHECK(cs.Take(10) == no_group);
  CHECK(h.state.blocking.blocked_count() == 0);
}

TEST_CASE("A blocked XREADGROUP CLAIM is served when a pending entry becomes claimable",
          "[xreadgroup]") {
  Harness h;
  Clients cs(h);
  cs.Add(10);
  h.Run({"XADD", "s", "1-1", "f", "v"});
  auto& g = MakeGroup(h, "s", "g");
  h.Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  cs.Run(10, {"XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "CLAIM", "60000", "STREAMS", "s",
              ">"});
  REQUIRE(h.state.blocking.blocked_count() == 1);
  // BLOCK 0 has no timeout, but CLAIM set a deadline about a minute away.
  const int64_t deadline = h.state.blocking.NextDeadline();
  CHECK(deadline > server::SteadyMs() + 50000);
  CHECK(deadline <= server::SteadyMs() + 60001);
  // Firing early (the entry is not idle enough yet) keeps it waiting with a deadline.
  CHECK(h.state.blocking.ExpireDue(At(deadline), cs.WriterFor()).empty());
  CHECK(cs.Take(10).empty());
  CHECK(h.state.blocking.NextDeadline() > 0);
  // Once the entry has been idle long enough, the deadline serves the claim.
  AgePending(g, 61000);
  CHECK(h.state.blocking.ExpireDue(At(h.state.blocking.NextDeadline()), cs.WriterFor()) ==
        std::vector<uint64_t>{10});
  std::string reply = cs.Take(10);
  CHECK(reply.starts_with("*1\r\n*2\r\n" + Bulk("s") + "*1\r\n*4\r\n" + Bulk("1-1")));
  CHECK(reply.ends_with(":1\r\n"));
  CHECK(g.FindPending({1, 1})->owner()->name == "b");
  CHECK(h.state.blocking.blocked_count() == 0);
}

TEST_CASE("A blocked XREADGROUP CLAIM re-aims its deadline when another consumer gets entries",
          "[xreadgroup]") {
  Harness h;
  Clients cs(h);
  cs.Add(10);
  cs.Add(11);
  h.Run({"XADD", "s", "1-1", "f", "v"});
  MakeGroup(h, "s", "g", {1, 1});
  cs.Run(10, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  cs.Run(11, {"XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "CLAIM", "100", "STREAMS", "s",
              ">"});
  CHECK(h.state.blocking.NextDeadline() == -1);  // nothing pending yet
  h.Run({"XADD", "s", "2-1", "f", "w"});
  CHECK(cs.Serve() == std::vector<uint64_t>{10});
  // 2-1 is now pending with a: b wakes when it has been idle for 100 ms.
  const int64_t deadline = h.state.blocking.NextDeadline();
  CHECK(deadline > 0);
  CHECK(deadline <= server::SteadyMs() + 101);
}

TEST_CASE("A blocked XREADGROUP times out with a null, CLAIM or not", "[xreadgroup]") {
  Harness h;
  Clients cs(h);
  cs.Add(10);
  h.Run({"XADD", "s", "1-1", "f", "v"});
  MakeGroup(h, "s", "g", {1, 1});
  cs.Run(10, {"XREADGROUP", "GROUP", "g", "a", "BLOCK", "50", "CLAIM", "100000", "STREAMS", "s",
              ">"});
  const int64_t deadline = h.state.blocking.NextDeadline();
  CHECK(deadline <= server::SteadyMs() + 50);
  CHECK(h.state.blocking.ExpireDue(At(deadline), cs.WriterFor()) == std::vector<uint64_t>{10});
  CHECK(cs.Take(10) == "*-1\r\n");
  // The consumer was created by the call even though it got nothing.
  CHECK(Group(h, "s", "g").FindConsumer("a") != nullptr);
}

TEST_CASE("XREADGROUP BLOCK inside MULTI answers at once", "[xreadgroup]") {
  Harness h;
  h.Run({"XADD", "s", "1-1", "f", "v"});
  MakeGroup(h, "s", "g", {1, 1});
  h.Run({"MULTI"});
  h.Run({"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"});
  CHECK(h.Run({"EXEC"}) == "*1\r\n*-1\r\n");
  CHECK(h.state.blocking.blocked_count() == 0);
}
