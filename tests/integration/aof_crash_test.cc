// Crash recovery: a writer pipelines XADD, XREADGROUP and XACK against a server with
// appendfsync always, the server is killed with SIGKILL mid-stream and restarted on the same
// dir, and every write that got a reply must be there, with the group and its PEL exactly as
// the client saw them (plus, at most, the next few commands whose replies the kill swallowed).
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>

#include "aof_test_process.h"

namespace {

using itest::Redis;
using itest::Reply;
using itest::Clock;

struct Id {
  uint64_t ms = 0, seq = 0;
  auto operator<=>(const Id&) const = default;
  std::string Text() const { return std::to_string(ms) + "-" + std::to_string(seq); }
  static Id Parse(std::string_view s) {
    Id id;
    size_t dash = s.find('-');
    REQUIRE(dash != std::string_view::npos);
    id.ms = std::stoull(std::string(s.substr(0, dash)));
    id.seq = std::stoull(std::string(s.substr(dash + 1)));
    return id;
  }
};

// The stream `s` with group `g` as the client knows it.
struct Model {
  std::vector<std::pair<Id, int64_t>> entries;  // (id, the writer's sequence number)
  size_t delivered = 0;                         // entries[0, delivered) went to the group
  std::map<Id, std::string> pel;                // pending id -> consumer
  std::set<std::string> consumers;

  std::string LastDelivered() const {
    return delivered == 0 ? "0-0" : entries[delivered - 1].first.Text();
  }
  bool operator==(const Model& o) const {
    return entries == o.entries && LastDelivered() == o.LastDelivered() && pel == o.pel &&
           consumers == o.consumers;
  }
  std::string Describe() const {
    std::ostringstream out;
    out << entries.size() << " entries (last seq "
        << (entries.empty() ? -1 : entries.back().second) << "), last-delivered "
        << LastDelivered() << ", " << pel.size() << " pending, consumers:";
    for (const auto& c : consumers) out << " " << c;
    return out.str();
  }
};

struct Sent {
  enum class Kind { kXadd, kRead, kAck } kind;
  int64_t seq = 0;             // kXadd
  std::string consumer;        // kRead
  size_t count = 0;            // kRead
  std::vector<Id> ids;         // kAck
};

using itest::Multibulk;

// What the restarted server holds, read back into a Model.
Model ReadServerState(int port) {
  Redis r(port);
  Model m;
  Reply range = r.Command({"XRANGE", "s", "-", "+"});
  REQUIRE(range);
  REQUIRE(range->type == REDIS_REPLY_ARRAY);
  for (size_t i = 0; i < range->elements; i++) {
    const redisReply* e = range->element[i];
    const redisReply* fields = e->element[1];
    REQUIRE(fields->elements >= 2);
    REQUIRE(std::string(fields->element[0]->str) == "seq");
    m.entries.emplace_back(Id::Parse(e->element[0]->str), std::stoll(fields->element[1]->str));
  }
  Reply groups = r.Command({"XINFO", "GROUPS", "s"});
  REQUIRE(groups);
  REQUIRE(groups->type == REDIS_REPLY_ARRAY);
  REQUIRE(groups->elements == 1);
  const redisReply* g = groups->element[0];
  std::string last;
  for (size_t i = 0; i + 1 < g->elements; i += 2) {
    if (std::string(g->element[i]->str) == "last-delivered-id") last = g->element[i + 1]->str;
  }
  if (last != "0-0") {
    Id last_id = Id::Parse(last);
    while (m.delivered < m.entries.size() && m.entries[m.delivered].first <= last_id) {
      m.delivered++;
    }
    INFO("last-delivered-id " << last << " is not an entry of the stream");
    REQUIRE(m.LastDelivered() == last);
  }
  Reply pending = r.Command({"XPENDING", "s", "g", "-", "+", "1000000"});
  REQUIRE(pending);
  REQUIRE(pending->type == REDIS_REPLY_ARRAY);
  for (size_t i = 0; i < pending->elements; i++) {
    const redisReply* p = pending->element[i];
    CHECK(p->element[3]->integer == 1);  // each entry was delivered once
    m.pel[Id::Parse(p->element[0]->str)] = p->element[1]->str;
  }
  Reply consumers = r.Command({"XINFO", "CONSUMERS", "s", "g"});
  REQUIRE(consumers);
  REQUIRE(consumers->type == REDIS_REPLY_ARRAY);
  for (size_t i = 0; i < consumers->elements; i++) {
    m.consumers.insert(consumers->element[i]->element[1]->str);
  }
  return m;
}

// Applies an unanswered command to `m` as the server would have; `server` is what the restarted
// server holds (the source of the IDs auto-generated for XADDs the client never heard about).
// False when that command cannot have run (its entry is absent), so no later one ran either.
bool Simulate(Model& m, const Sent& s, const Model& server) {
  switch (s.kind) {
    case Sent::Kind::kXadd: {
      for (const auto& e : server.entries) {
        if (e.second == s.seq) {
          m.entries.push_back(e);
          return true;
        }
      }
      return false;
    }
    case Sent::Kind::kRead:
      m.consumers.insert(s.consumer);
      for (size_t n = 0; n < s.count && m.delivered < m.entries.size(); n++) {
        m.pel[m.entries[m.delivered++].first] = s.consumer;
      }
      return true;
    case Sent::Kind::kAck:
      for (const Id& id : s.ids) m.pel.erase(id);
      return true;
  }
  return false;
}

// One round: pipelines commands for about `run_ms`, kills the server with SIGKILL right after
// sending a batch, and reads every reply that made it out. `model` follows the answers; the
// commands left unanswered are returned.
std::vector<Sent> WriteUntilKilled(aoftest::Process& server, int port, Model& model,
                                   int64_t& next_seq, int run_ms, std::mt19937& rng,
                                   uint64_t& answered) {
  int fd = itest::RawConnect(port);
  REQUIRE(fd >= 0);
  std::deque<Sent> in_flight;
  std::deque<Id> ackable;  // delivered, not yet acknowledged by a sent XACK
  for (const auto& pending : model.pel) ackable.push_back(pending.first);
  itest::ReplyReader reader;
  std::string out;
  const auto kill_at = Clock::now() + std::chrono::milliseconds(run_ms);
  bool killed = false;
  constexpr size_t kWindow = 64;
  const std::string payload(64, 'p');

  auto next_command = [&]() {
    Sent s;
    int dice = static_cast<int>(rng() % 10);
    if (dice < 2) {
      s.kind = Sent::Kind::kRead;
      s.consumer = "c" + std::to_string(rng() % 3);
      s.count = 1 + rng() % 5;
      out += Multibulk({"XREADGROUP", "GROUP", "g", s.consumer, "COUNT", std::to_string(s.count),
                        "STREAMS", "s", ">"});
    } else if (dice < 4 && !ackable.empty()) {
      s.kind = Sent::Kind::kAck;
      std::vector<std::string> args = {"XACK", "s", "g"};
      for (size_t n = 1 + rng() % 4; n > 0 && !ackable.empty(); n--) {
        s.ids.push_back(ackable.front());
        args.push_back(ackable.front().Text());
        ackable.pop_front();
      }
      out += Multibulk(args);
    } else {
      s.kind = Sent::Kind::kXadd;
      s.seq = next_seq++;
      out += Multibulk({"XADD", "s", "*", "seq", std::to_string(s.seq), "p", payload});
    }
    in_flight.push_back(std::move(s));
  };

  auto on_reply = [&](const redisReply* r) {
    REQUIRE(!in_flight.empty());
    Sent s = std::move(in_flight.front());
    in_flight.pop_front();
    INFO("reply: " << Redis::ReplyText(r));
    REQUIRE(r->type != REDIS_REPLY_ERROR);
    answered++;
    switch (s.kind) {
      case Sent::Kind::kXadd:
        REQUIRE(r->type == REDIS_REPLY_STRING);
        model.entries.emplace_back(Id::Parse(r->str), s.seq);
        break;
      case Sent::Kind::kRead: {
        model.consumers.insert(s.consumer);
        if (r->type == REDIS_REPLY_NIL) {
          REQUIRE(model.delivered == model.entries.size());
          break;
        }
        REQUIRE(r->type == REDIS_REPLY_ARRAY);
        const redisReply* list = r->element[0]->element[1];
        for (size_t i = 0; i < list->elements; i++) {
          Id id = Id::Parse(list->element[i]->element[0]->str);
          REQUIRE(model.delivered < model.entries.size());
          REQUIRE(model.entries[model.delivered].first == id);  // delivered in order, once
          model.delivered++;
          model.pel[id] = s.consumer;
          ackable.push_back(id);
        }
        break;
      }
      case Sent::Kind::kAck:
        REQUIRE(r->type == REDIS_REPLY_INTEGER);
        REQUIRE(r->integer == static_cast<long long>(s.ids.size()));
        for (const Id& id : s.ids) model.pel.erase(id);
        break;
    }
  };

  while (true) {
    if (!killed) {
      while (in_flight.size() < kWindow) next_command();
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      out.erase(0, sent);
      if (Clock::now() >= kill_at) {
        // Commands are in flight right now: some executed, some fsynced, some answered.
        server.Kill(SIGKILL);
        killed = true;
      }
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, killed ? 2000 : 1) < 0) break;
    if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) {
      if (killed) break;
      continue;
    }
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;  // the server is gone: what arrived is all the client knows
    reader.Feed(std::string_view(buf, static_cast<size_t>(n)));
    while (Reply r = reader.Next()) on_reply(r.get());
  }
  close(fd);
  REQUIRE(killed);
  return {in_flight.begin(), in_flight.end()};
}

}  // namespace

TEST_CASE("After SIGKILL mid-stream with appendfsync always, every answered XADD, XREADGROUP "
          "and XACK survives the restart, PELs exactly as acknowledged",
          "[aof][crash]") {
  aoftest::TempDir dir;
  const std::vector<std::string> options = {"--appendfsync", "always"};
  std::mt19937 rng(20261122);
  Model model;
  int64_t next_seq = 0;
  int port = 0;
  {
    auto server = aoftest::StartRunnel(dir.path(), port, options);
    REQUIRE(server->Running());
    Redis r(port);
    REQUIRE(r.Text({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "OK");
  }  // killed with SIGKILL: the group must survive too
  for (int round = 0; round < 4; round++) {
    INFO("round " << round);
    auto server = aoftest::StartRunnel(dir.path(), port, options);
    INFO("server log:\n" << server->Log());
    REQUIRE(server->Running());
    Model restarted = ReadServerState(port);
    CHECK(restarted == model);
    uint64_t answered = 0;
    std::vector<Sent> unanswered =
        WriteUntilKilled(*server, port, model, next_seq, 150 + round * 100, rng, answered);
    CHECK(answered > 100);

    auto again = aoftest::StartRunnel(dir.path(), port, options);
    INFO("log after restart:\n" << again->Log());
    REQUIRE(again->Running());
    Model loaded = ReadServerState(port);
    // The file holds what the client saw answered, plus at most a prefix of what it did not.
    Model candidate = model;
    bool matched = candidate == loaded;
    size_t extra = 0;
    for (size_t i = 0; i < unanswered.size() && !matched; i++) {
      if (!Simulate(candidate, unanswered[i], loaded)) break;
      extra = i + 1;
      matched = candidate == loaded;
    }
    INFO("client saw: " << model.Describe());
    INFO("server has: " << loaded.Describe());
    INFO(unanswered.size() << " commands were unanswered");
    REQUIRE(matched);
    UNSCOPED_INFO("round " << round << ": " << answered << " answered, " << extra
                           << " unanswered ones had run");
    model = candidate;
    // Unanswered XADDs that did not run left a gap in the sequence numbers: fine.
    again->Kill(SIGKILL);
  }
}

namespace {


void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

}  // namespace

TEST_CASE("A torn last command is cut off at start-up with a warning naming the offset",
          "[aof][crash]") {
  aoftest::TempDir dir;
  const std::string head = Multibulk({"SELECT", "0"}) + Multibulk({"XADD", "s", "1-1", "f", "v"});
  WriteFile(dir.path() + "/appendonly.aof",
            head + Multibulk({"XADD", "s", "2-1", "f", "v"}).substr(0, 20));
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port);
  INFO("server log:\n" << server->Log());
  REQUIRE(server->Running());
  CHECK_THAT(server->Log(), Catch::Contains("Truncating the AOF at offset " +
                                            std::to_string(head.size())));
  CHECK(aoftest::ReadFile(dir.path() + "/appendonly.aof") == head);
  Redis r(port);
  CHECK(r.Text({"XLEN", "s"}) == "1");
  Reply info = r.Command({"INFO", "persistence"});
  REQUIRE(info);
  CHECK_THAT(std::string(info->str, info->len), Catch::Contains("loading:0"));
  // Writes after the cut follow the last complete command, so the file loads again.
  CHECK(r.Text({"XADD", "s", "3-1", "f", "v"}) == "3-1");
  server->Kill(SIGKILL);
  auto again = aoftest::StartRunnel(dir.path(), port);
  INFO("log after restart:\n" << again->Log());
  REQUIRE(again->Running());
  Redis r2(port);
  CHECK(r2.Text({"XLEN", "s"}) == "2");
}

TEST_CASE("With aof-load-truncated no, a torn AOF stops start-up and is left as it was",
          "[aof][crash]") {
  aoftest::TempDir dir;
  const std::string content = Multibulk({"SET", "a", "1"}) + Multibulk({"SET", "b", "2"}).substr(0, 9);
  WriteFile(dir.path() + "/appendonly.aof", content);
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port, {"--aof-load-truncated", "no"});
  INFO("server log:\n" << server->Log());
  CHECK(server->WaitExit(5000) == 1);
  CHECK_THAT(server->Log(), Catch::Contains("Unexpected end of file"));
  CHECK(aoftest::ReadFile(dir.path() + "/appendonly.aof") == content);
}

TEST_CASE("A corrupt command in the middle of the AOF stops start-up naming its byte offset",
          "[aof][crash]") {
  aoftest::TempDir dir;
  const std::string good = Multibulk({"SET", "a", "1"});
  const std::string content = good + Multibulk({"NOSUCHCOMMAND"}) + Multibulk({"SET", "b", "2"});
  WriteFile(dir.path() + "/appendonly.aof", content);
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port);
  INFO("server log:\n" << server->Log());
  CHECK(server->WaitExit(5000) == 1);
  CHECK_THAT(server->Log(), Catch::Contains("at offset " + std::to_string(good.size()) + ":"));
  CHECK(aoftest::ReadFile(dir.path() + "/appendonly.aof") == content);
}
