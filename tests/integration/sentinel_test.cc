// Redis Sentinel 7.0 (Debian's redis-sentinel, unchanged) managing Runnel nodes: three
// sentinels watch a Runnel primary with two Runnel replicas; when the primary is killed they
// promote a replica (MULTI, SLAVEOF NO ONE, CONFIG REWRITE, CLIENT KILL TYPE normal / pubsub,
// EXEC), point the other one at it, and turn the old primary, once restarted, into a replica
// of the new one. redis-py's Sentinel client (tests/integration/sentinel_client.py) keeps
// producing and consuming a stream across it. Also Sentinel's failover transaction, checked
// directly: it promotes a node started without a config file as in Redis (CONFIG REWRITE fails
// inside, the rest runs). CLIENT KILL TYPE, which it relies on: client_type_test.cc.
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aof_test_process.h"
#include "limits_helpers.h"

namespace {

constexpr const char* kRedisSentinel = "/usr/bin/redis-sentinel";
constexpr const char* kPython = "/usr/bin/python3";

// A reply flattened to its strings, depth first (integers as text, an error as its text); no
// elements when the node did not answer. A fresh connection each time: nodes die and come
// back during these tests.
std::vector<std::string> SentinelAsk(int port, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  timeval tv{1, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c == nullptr) return out;
  if (c->err == 0) {
    redisSetTimeout(c, tv);
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
    std::vector<const redisReply*> todo;
    if (reply != nullptr) todo.push_back(reply);
    while (!todo.empty()) {
      const redisReply* r = todo.back();
      todo.pop_back();
      if (r->type == REDIS_REPLY_ARRAY) {
        for (size_t i = r->elements; i > 0; i--) todo.push_back(r->element[i - 1]);
      } else {
        out.push_back(itest::Redis::ReplyText(r));
      }
    }
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(c);
  return out;
}

int64_t SentinelWallMs() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

std::vector<std::string> SentinelFileLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(itest::ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// A Runnel node started as `runnel-server <its config file> --port N --dir D --appendonly yes`,
// so CONFIG REWRITE (Sentinel's, after each role change) has a file to write.
struct SentinelRunnel {
  aoftest::TempDir dir;
  std::string conf = dir.path() + "/runnel.conf";
  int port = 0;
  std::vector<std::string> extra;
  std::unique_ptr<aoftest::Process> process;

  explicit SentinelRunnel(std::vector<std::string> more = {}) : extra(std::move(more)) {
    std::ofstream(conf) << "# sentinel_test\n";
    process = itest::LaunchOnFreePort([&](int p) { return Argv(p); }, dir.path() + "/runnel.log",
                                      port, "Could not create server TCP");
    REQUIRE(process != nullptr);
    REQUIRE(process->Running());
  }
  std::vector<std::string> Argv(int p) const {
    std::vector<std::string> args = {RUNNEL_SERVER_BIN, conf, "--port", std::to_string(p),
                                     "--dir", dir.path(), "--appendonly", "yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // Starts it again on the same port and dir, from its config file as it is now.
  void Restart() {
    process = std::make_unique<aoftest::Process>(Argv(port), dir.path() + "/runnel.log");
    REQUIRE(process->WaitListening(port));
  }
};

// A redis-sentinel watching `primary_port` as "mymaster" (quorum 2) with short timeouts. Its
// config file is its own: Sentinel rewrites it with what it learns.
struct SentinelProcess {
  aoftest::TempDir dir;
  int port = 0;
  std::unique_ptr<aoftest::Process> process;

  explicit SentinelProcess(int primary_port) {
    const std::string conf = dir.path() + "/sentinel.conf";
    auto argv_for = [&](int p) {
      std::ofstream(conf, std::ios::trunc)
          << "port " << p << "\nbind 127.0.0.1\ndir " << dir.path() << "\n"
          << "sentinel monitor mymaster 127.0.0.1 " << primary_port << " 2\n"
          << "sentinel down-after-milliseconds mymaster 3000\n"
          << "sentinel failover-timeout mymaster 5000\n"
          << "sentinel parallel-syncs mymaster 2\n";
      return std::vector<std::string>{kRedisSentinel, conf};
    };
    process = itest::LaunchOnFreePort(argv_for, dir.path() + "/sentinel.log", port);
    REQUIRE(process != nullptr);
  }
};

// What ROLE says on `port`: "master", or "slave <primary port> <link state>".
std::string SentinelRoleOf(int port) {
  const std::vector<std::string> role = SentinelAsk(port, {"ROLE"});
  if (role.empty()) return "(down)";
  if (role[0] == "master") return "master";
  if (role[0] == "slave" && role.size() >= 4) return "slave " + role[2] + " " + role[3];
  return role[0];
}

// Whether every sentinel sees both replicas (flags exactly "slave": up, not disconnected) and
// the two other sentinels.
bool SentinelsSeeEveryone(const std::vector<std::unique_ptr<SentinelProcess>>& sentinels) {
  for (const auto& s : sentinels) {
    const std::vector<std::string> replicas = SentinelAsk(s->port, {"SENTINEL", "REPLICAS", "mymaster"});
    int up = 0;
    for (size_t i = 0; i + 1 < replicas.size(); i++) up += replicas[i] == "flags" && replicas[i + 1] == "slave";
    const std::vector<std::string> others = SentinelAsk(s->port, {"SENTINEL", "SENTINELS", "mymaster"});
    int known = 0;
    for (const auto& f : others) known += f == "runid";
    if (up != 2 || known != 2) return false;
  }
  return true;
}

// The primary's port as every sentinel reports it, or 0 while they disagree.
int AgreedPrimary(const std::vector<std::unique_ptr<SentinelProcess>>& sentinels) {
  int agreed = -1;
  for (const auto& s : sentinels) {
    const std::vector<std::string> addr =
        SentinelAsk(s->port, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"});
    if (addr.size() != 2) return 0;
    const int port = std::stoi(addr[1]);
    if (agreed != -1 && port != agreed) return 0;
    agreed = port;
  }
  return agreed;
}

bool SentinelToolsInstalled() {
  if (aoftest::Executable(kRedisSentinel) && aoftest::Executable(kPython)) return true;
  WARN("redis-sentinel or /usr/bin/python3 is not installed (.ci/setup): Sentinel test skipped");
  return false;
}

std::string SentinelLogs(const std::vector<std::unique_ptr<SentinelProcess>>& sentinels) {
  std::string out;
  for (const auto& s : sentinels) out += "--- sentinel " + std::to_string(s->port) + "\n" + s->process->Log();
  return out;
}

}  // namespace

TEST_CASE("Sentinel's failover transaction promotes a replica started without a config file",
          "[integration][sentinel]") {
  // Redis runs every command of an EXEC: CONFIG REWRITE's error does not stop the promotion.
  aoftest::TempDir pdir, rdir;
  int pport = 0, rport = 0;
  auto primary_process = aoftest::StartRunnel(pdir.path(), pport);
  auto replica_process =
      aoftest::StartRunnel(rdir.path(), rport, {"--replicaof", "127.0.0.1 " + std::to_string(pport)});
  itest::Redis replica(rport), subscriber(rport), plain(rport);
  REQUIRE(subscriber.Text({"SUBSCRIBE", "__sentinel__:hello"}) == "(array of 3)");
  REQUIRE(plain.Text({"PING"}) == "PONG");
  REQUIRE(replica.Text({"MULTI"}) == "OK");
  for (std::vector<std::string> cmd : {std::vector<std::string>{"SLAVEOF", "NO", "ONE"},
                                       {"CONFIG", "REWRITE"},
                                       {"CLIENT", "KILL", "TYPE", "normal"},
                                       {"CLIENT", "KILL", "TYPE", "pubsub"}}) {
    REQUIRE(replica.Text(cmd) == "QUEUED");
  }
  itest::Reply exec = replica.Command({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->elements == 4);
  CHECK(itest::Redis::ReplyText(exec->element[0]) == "OK");
  CHECK(itest::Redis::ReplyText(exec->element[1]) ==
        "ERR The server is running without a config file");
  CHECK(itest::Redis::ReplyText(exec->element[2]) == "1");
  CHECK(itest::Redis::ReplyText(exec->element[3]) == "1");
  CHECK(SentinelRoleOf(rport) == "master");
  CHECK(replica.Text({"SET", "k", "v"}) == "OK");
}

TEST_CASE("Sentinel promotes a Runnel replica when the primary dies, and the old primary "
          "rejoins as a replica of the new one",
          "[integration][sentinel]") {
  if (!SentinelToolsInstalled()) return;
  const auto started = itest::Clock::now();
  SentinelRunnel a;
  const std::vector<std::string> follow_a = {"--replicaof", "127.0.0.1 " + std::to_string(a.port)};
  SentinelRunnel b(follow_a), c(follow_a);
  // Waits for `done`; on a timeout fails with what every process logged.
  std::vector<std::unique_ptr<SentinelProcess>> sentinels;
  aoftest::TempDir out;
  auto soon = [&](const std::function<bool()>& done, int seconds, const char* what) {
    if (itest::WaitFor(done, std::chrono::seconds(seconds))) return;
    std::string logs = SentinelLogs(sentinels);
    for (const SentinelRunnel* n : {&a, &b, &c}) {
      logs += "--- runnel " + std::to_string(n->port) + "\n" + itest::ReadFile(n->dir.path() + "/runnel.log");
    }
    logs += "--- client\n" + itest::ReadFile(out.path() + "/client.log");
    FAIL("timed out: " << what << "\n" << logs);
  };
  soon([&] { return SentinelRoleOf(b.port).ends_with(" connected") && SentinelRoleOf(c.port).ends_with(" connected"); },
       10, "the replicas attach");

  for (int i = 0; i < 3; i++) sentinels.push_back(std::make_unique<SentinelProcess>(a.port));
  soon([&] { return SentinelsSeeEveryone(sentinels); }, 20, "each sentinel sees both replicas and the others");

  // redis-py's Sentinel client: a producer and a consumer, on whatever primary Sentinel names.
  std::vector<std::string> py = {kPython,
                                 std::string(std::filesystem::path(__FILE__).parent_path() /
                                             "sentinel_client.py"),
                                 out.path()};
  for (const auto& s : sentinels) py.push_back(std::to_string(s->port));
  aoftest::Process client(py, out.path() + "/client.log");
  soon([&] { return SentinelFileLines(out.path() + "/replicated.txt").size() >= 100; }, 15,
       "the client's first 100 entries are replicated");

  // The primary dies: the sentinels agree on a promoted replica, which says it is one.
  const int64_t killed_ms = SentinelWallMs();
  a.process->Kill(SIGKILL);
  int promoted = 0;
  soon(
      [&] {
        promoted = AgreedPrimary(sentinels);
        return promoted != 0 && promoted != a.port;
      },
      30, "the sentinels agree on a new primary");
  SentinelRunnel& fresh = promoted == b.port ? b : c;
  SentinelRunnel& other = promoted == b.port ? c : b;
  REQUIRE(fresh.port == promoted);
  const std::string new_primary = std::to_string(promoted);
  const int64_t failover_ms = SentinelWallMs() - killed_ms;
  INFO("failover took " << failover_ms << " ms");
  CHECK(SentinelRoleOf(fresh.port) == "master");
  soon([&] { return SentinelRoleOf(other.port) == "slave " + new_primary + " connected"; }, 15,
       "the other replica follows the new primary");
  // Each role change was written to the node's config file (Sentinel's CONFIG REWRITE).
  CHECK(itest::ReadFile(fresh.conf).find("replicaof") == std::string::npos);
  CHECK(itest::ReadFile(other.conf).find("replicaof 127.0.0.1 " + new_primary + "\n") !=
        std::string::npos);

  // The client carries on against the new primary: entries acknowledged after the kill.
  auto acknowledged_after_kill = [&] {
    size_t n = 0;
    for (const auto& id : SentinelFileLines(out.path() + "/replicated.txt")) {
      n += std::stoll(id.substr(0, id.find('-'))) > killed_ms;
    }
    return n;
  };
  soon([&] { return acknowledged_after_kill() >= 40; }, 15,
       "the client's entries are replicated again after the failover");

  // The old primary comes back (same dir, same port) as a primary; Sentinel turns it into a
  // replica of the new one, and its config file says so.
  // Under load a sentinel may briefly lose the new primary and fail over once more: follow
  // whichever primary they agree on now.
  a.Restart();
  std::string current = new_primary;
  soon(
      [&] {
        const int agreed = AgreedPrimary(sentinels);
        if (agreed == 0) return false;
        current = std::to_string(agreed);
        return SentinelRoleOf(a.port) == "slave " + current + " connected";
      },
      40, "the old primary is made a replica of the new one");
  CHECK(itest::ReadFile(a.conf).find("replicaof 127.0.0.1 " + current + "\n") !=
        std::string::npos);

  // Stop the client; its consumer drains the stream.
  std::ofstream(out.path() + "/stop").close();
  REQUIRE(client.WaitExit(20000) == 0);
  const std::string client_log = itest::ReadFile(out.path() + "/client.log");
  INFO("client log:\n" << client_log);
  CHECK(client_log.find("unexpected=0") != std::string::npos);
  // Each XADD was confirmed by WAIT 1 1000 before the script counted it acknowledged.
  CHECK(client_log.find("wait=True") != std::string::npos);

  itest::Redis primary(std::stoi(current), 5);  // the primary the sentinels agree on last
  std::set<std::string> stream;
  {
    itest::Reply entries = primary.Command({"XRANGE", "jobs", "-", "+"});
    REQUIRE(entries);
    for (size_t i = 0; i < entries->elements; i++) {
      stream.insert(std::string(entries->element[i]->element[0]->str,
                                entries->element[i]->element[0]->len));
    }
  }
  // Every entry acknowledged as replicated survived the failover...
  const std::vector<std::string> replicated = SentinelFileLines(out.path() + "/replicated.txt");
  size_t lost = 0;
  for (const auto& id : replicated) lost += stream.count(id) == 0;
  CHECK(lost == 0);
  // ...and the consumer processed everything the new primary holds, with nothing pending.
  const std::vector<std::string> consumed_lines = SentinelFileLines(out.path() + "/consumed.txt");
  const std::set<std::string> consumed(consumed_lines.begin(), consumed_lines.end());
  size_t unprocessed = 0;
  for (const auto& id : stream) unprocessed += consumed.count(id) == 0;
  CHECK(unprocessed == 0);
  CHECK(primary.Text({"XPENDING", "jobs", "workers"}) == "(array of 4)");
  {
    itest::Reply pending = primary.Command({"XPENDING", "jobs", "workers"});
    REQUIRE(pending);
    CHECK(pending->element[0]->integer == 0);
  }
  // Both replicas (the nodes other than the primary they agree on) end with its dataset.
  std::vector<int> replica_ports;
  for (const SentinelRunnel* n : {&a, &b, &c}) {
    if (std::to_string(n->port) != current) replica_ports.push_back(n->port);
  }
  REQUIRE(replica_ports.size() == 2);
  itest::Redis old_primary(replica_ports[0], 5), replica(replica_ports[1], 5);
  REQUIRE(itest::WaitFor(
      [&] {
        const int64_t offset = itest::InfoInt(primary, "master_repl_offset");
        return itest::InfoInt(old_primary, "slave_repl_offset") == offset &&
               itest::InfoInt(replica, "slave_repl_offset") == offset;
      },
      std::chrono::seconds(10)));
  CHECK(old_primary.Text({"XLEN", "jobs"}) == std::to_string(stream.size()));
  CHECK(replica.Text({"XLEN", "jobs"}) == std::to_string(stream.size()));
  INFO(replicated.size() << " entries acknowledged, " << stream.size() << " in the stream");
  CHECK(itest::Clock::now() - started < std::chrono::seconds(60));
}
