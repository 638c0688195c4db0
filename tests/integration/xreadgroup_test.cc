// XREADGROUP BLOCK across connections: wake-up by XADD, timeouts, a disconnect while blocked,
// XGROUP DESTROY while blocked, CLAIM waking when an entry becomes claimable, and many
// consumers competing on one group (every entry delivered and acknowledged exactly once).
#include <atomic>
#include <set>
#include <thread>

#include "blocking_helpers.h"
#include "server_fixture.h"

namespace {

using itest::ElapsedMs;
using itest::Multibulk;
using itest::OneEntryReply;
using itest::WaitBlockedClients;

std::string BlockingGroupRead(const std::string& consumer, const std::string& timeout,
                              const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"XREADGROUP", "GROUP", "g", consumer, "BLOCK", timeout};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"STREAMS", "s", ">"});
  return Multibulk(args);
}

// The value of `field` in the first group of XINFO GROUPS s (an integer field).
long long GroupField(itest::Redis& r, const std::string& field) {
  itest::Reply reply = r.Command({"XINFO", "GROUPS", "s"});
  REQUIRE(reply);
  REQUIRE(reply->type == REDIS_REPLY_ARRAY);
  REQUIRE(reply->elements >= 1);
  const redisReply* g = reply->element[0];
  for (size_t i = 0; i + 1 < g->elements; i += 2) {
    if (std::string(g->element[i]->str, g->element[i]->len) == field) {
      return g->element[i + 1]->integer;
    }
  }
  FAIL("no field " << field);
  return -1;
}

}  // namespace

TEST_CASE("XREADGROUP BLOCK 0 is woken by an XADD from another connection with the new entry",
          "[integration][xreadgroup]") {
  itest::Server server;
  itest::Redis writer(server.port());
  REQUIRE(writer.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingGroupRead("c", "0"));
  REQUIRE(WaitBlockedClients(writer, 1));
  CHECK(reader.ReadAtLeast(1, 100).empty());
  REQUIRE(writer.Text({"XADD", "s", "1-0", "f", "new"}) == "1-0");
  const std::string expected = OneEntryReply("1-0", "new");
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
  CHECK(WaitBlockedClients(writer, 0));
  CHECK(GroupField(writer, "pending") == 1);
}

TEST_CASE("XREADGROUP BLOCK with nothing new replies a nil array once its milliseconds pass",
          "[integration][xreadgroup]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  itest::RawSocket reader(server.port());
  auto start = itest::Clock::now();
  reader.SendAll(BlockingGroupRead("c", "150"));
  CHECK(reader.ReadAtLeast(5, 2000) == "*-1\r\n");
  const int64_t elapsed = ElapsedMs(start);
  CHECK(elapsed >= 145);
  CHECK(elapsed < 500);
  reader.SendAll(Multibulk({"PING"}));
  CHECK(reader.ReadAtLeast(7) == "+PONG\r\n");
}

TEST_CASE("A consumer that disconnects while blocked takes no entry with it",
          "[integration][xreadgroup]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  {
    itest::RawSocket gone(server.port());
    gone.SendAll(BlockingGroupRead("gone", "0"));
    REQUIRE(WaitBlockedClients(admin, 1));
  }
  REQUIRE(WaitBlockedClients(admin, 0));
  REQUIRE(admin.Text({"XADD", "s", "1-0", "f", "v"}) == "1-0");
  CHECK(GroupField(admin, "pending") == 0);
  itest::Reply r = admin.Command({"XREADGROUP", "GROUP", "g", "next", "STREAMS", "s", ">"});
  REQUIRE(r);
  CHECK(r->type == REDIS_REPLY_ARRAY);
  CHECK(GroupField(admin, "pending") == 1);
}

TEST_CASE("XGROUP DESTROY ends a blocked XREADGROUP with NOGROUP", "[integration][xreadgroup]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  itest::RawSocket reader(server.port());
  reader.SendAll(BlockingGroupRead("c", "0"));
  REQUIRE(WaitBlockedClients(admin, 1));
  REQUIRE(admin.Text({"XGROUP", "DESTROY", "s", "g"}) == "1");
  const std::string expected =
      "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n";
  CHECK(reader.ReadAtLeast(expected.size()) == expected);
  CHECK(WaitBlockedClients(admin, 0));
}

TEST_CASE("A blocked XREADGROUP CLAIM wakes when another consumer's entry has idled enough",
          "[integration][xreadgroup]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  REQUIRE(admin.Text({"XADD", "s", "1-0", "f", "v"}) == "1-0");
  REQUIRE(admin.Command({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"}));
  itest::RawSocket reader(server.port());
  auto start = itest::Clock::now();
  reader.SendAll(BlockingGroupRead("b", "5000", {"CLAIM", "200"}));
  // The reply is [[s, [[1-0, [f, v], idle, 1]]]]; idle is about 200 ms.
  itest::ReplyReader parser;
  parser.Feed(reader.ReadAtLeast(40, 3000));
  itest::Reply reply = parser.Next();
  const int64_t elapsed = ElapsedMs(start);
  REQUIRE(reply);
  REQUIRE(reply->type == REDIS_REPLY_ARRAY);
  const redisReply* entry = reply->element[0]->element[1]->element[0];
  REQUIRE(entry->elements == 4);
  CHECK(std::string(entry->element[0]->str) == "1-0");
  CHECK(entry->element[2]->integer >= 200);
  CHECK(entry->element[3]->integer == 1);
  CHECK(elapsed >= 150);
  CHECK(elapsed < 2000);
}

TEST_CASE("Many consumers competing on one group get and acknowledge every entry exactly once",
          "[integration][xreadgroup]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  constexpr int kConsumers = 6;
  constexpr int kEntries = 1200;
  std::vector<std::unique_ptr<itest::Redis>> conns;
  for (int i = 0; i < kConsumers; i++) conns.push_back(std::make_unique<itest::Redis>(server.port()));
  itest::Redis writer(server.port());

  std::atomic<bool> done{false};
  std::atomic<long long> acked{0};
  std::vector<std::vector<std::string>> got(kConsumers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kConsumers; i++) {
    threads.emplace_back([&, i] {
      const std::string name = "c" + std::to_string(i);
      // Read until the writer is done and a read comes back empty.
      for (;;) {
        const bool was_done = done.load();
        itest::Reply r = conns[i]->Command(
            {"XREADGROUP", "GROUP", "g", name, "COUNT", "7", "BLOCK", "100", "STREAMS", "s", ">"});
        if (!r || r->type != REDIS_REPLY_ARRAY) {
          if (was_done || !r) return;
          continue;
        }
        const redisReply* entries = r->element[0]->element[1];
        std::vector<std::string> ack = {"XACK", "s", "g"};
        for (size_t k = 0; k < entries->elements; k++) {
          got[i].emplace_back(entries->element[k]->element[0]->str);
          ack.emplace_back(entries->element[k]->element[0]->str);
        }
        if (itest::Reply a = conns[i]->Command(ack); a && a->type == REDIS_REPLY_INTEGER) {
          acked += a->integer;
        }
      }
    });
  }
  std::set<std::string> added;
  for (int n = 0; n < kEntries; n++) {
    itest::Reply r = writer.Command({"XADD", "s", "*", "n", std::to_string(n)});
    REQUIRE(r);
    added.insert(r->str);
  }
  done = true;
  for (auto& t : threads) t.join();

  std::multiset<std::string> delivered;
  int busy = 0;
  for (const auto& ids : got) {
    delivered.insert(ids.begin(), ids.end());
    busy += ids.empty() ? 0 : 1;
  }
  CHECK(delivered.size() == added.size());
  CHECK(std::set<std::string>(delivered.begin(), delivered.end()) == added);
  CHECK(busy >= 2);  // the work was shared
  // Each consumer acknowledged what it got: every ack counted once, nothing left pending.
  CHECK(acked == kEntries);
  CHECK(GroupField(admin, "pending") == 0);
  CHECK(GroupField(admin, "entries-read") == kEntries);
  CHECK(GroupField(admin, "lag") == 0);
}
