// Consumer-group workload driver for bench/groups.sh, run against one server holding stream
// `s` (loaded by the script). Prints "key value" lines:
//   pending_bytes    used_memory growth per pending entry while one group holds all N pending
//   pending_bytes_after_acks  the same per entry still pending after XACK of 9 in every 10 (in
//                    ID order, so every part of the PEL thins out): what scattered acks give back
//   entries_per_sec  XREADGROUP COUNT 100 + XACK of those 100, one round trip each, over all N
//   cpu_us_per_entry the server's user+sys CPU time (from /proc) per entry of that loop
// Options (for bench/policy.sh; without them the run is exactly groups.sh's):
//   --policy "ARGS"     XGROUP SETPOLICY s <group> ARGS right after each XGROUP CREATE, checked
//                       in XINFO GROUPS (a Runnel extension: not for Redis)
//   --consumers N       the memory phase reads with N consumers in turn (default 1)
//   --connections N     the read+ack loop runs on N connections at once, one consumer each,
//                       each sending its XACK of the last batch and its next XREADGROUP in one
//                       write as soon as its replies are in (default 1: one command per round
//                       trip, as round 1 measured).
//                       One client waiting on every round trip leaves both servers mostly
//                       idle and measures the round trips; N > 1 keeps the server busy.
//   --skip-memory       no pending_bytes phase;  --skip-throughput  no read+ack phase
//   --idle SECONDS      with all N entries pending (memory phase), also print idle_cpu_ms: the
//                       server's CPU time over SECONDS of no commands
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_client.h"

namespace {

using bench::Command;
using bench::EntryIds;
using bench::CpuSeconds;
using bench::InfoField;
using bench::ReplyPtr;

// Splits "ACK-TIMEOUT 60000 MAX-DELIVERIES 5" into arguments.
std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// XGROUP CREATE s <group> 0, then the policy when there is one. The policy must show up in
// XINFO GROUPS, or a typo in the script would silently measure "no policy" twice.
void CreateGroup(redisContext* c, const std::string& group, const std::string& policy) {
  Command(c, {"XGROUP", "CREATE", "s", group, "0"});
  if (policy.empty()) return;
  std::vector<std::string> set = {"XGROUP", "SETPOLICY", "s", group};
  for (auto& w : Words(policy)) set.push_back(w);
  Command(c, set);
  auto info = Command(c, {"XINFO", "GROUPS", "s"});
  for (size_t i = 0; i < info->elements; i++) {
    const redisReply* g = info->element[i];
    bool this_group = false, has_policy = false;
    for (size_t j = 0; j + 1 < g->elements; j += 2) {
      const std::string k(g->element[j]->str, g->element[j]->len);
      if (k == "name" && std::string(g->element[j + 1]->str, g->element[j + 1]->len) == group) {
        this_group = true;
      }
      if (k == "policy-ack-timeout") has_policy = true;
    }
    if (this_group && has_policy) return;
  }
  std::fprintf(stderr, "XINFO GROUPS shows no policy on group %s\n", group.c_str());
  std::exit(1);
}

// One consumer, one command per round trip: XREADGROUP COUNT 100, then XACK of what came.
long long ReadAckLoop(redisContext* c) {
  long long done = 0;
  for (;;) {
    auto ids = EntryIds(
        Command(c, {"XREADGROUP", "GROUP", "g", "c", "COUNT", "100", "STREAMS", "s", ">"}).get());
    if (ids.empty()) break;
    std::vector<std::string> ack = {"XACK", "s", "g"};
    ack.insert(ack.end(), ids.begin(), ids.end());
    if (Command(c, ack)->integer != static_cast<long long>(ids.size())) {
      bench::Die("XACK acknowledged fewer entries than it was given");
    }
    done += static_cast<long long>(ids.size());
  }
  return done;
}

// `n` connections, consumer "p<i>" on the i-th, driven by poll: as soon as every reply a
// connection waits for is in, it sends the XACK of its last batch and its next XREADGROUP COUNT
// 100 in one write, so the server has the other connections' requests to work on while the
// client reads one reply.
long long PipelinedReadAckLoop(int port, int n) {
  struct Conn {
    redisContext* c;
    std::string consumer;
    std::deque<long long> expected;  // per reply due, in order: an XACK's size, or -1 for a read
    std::vector<std::string> unacked;
    bool active = true;  // still reading: no empty XREADGROUP reply yet
  };
  std::vector<Conn> conns;
  for (int i = 0; i < n; i++) conns.push_back({bench::Connect(port), "p" + std::to_string(i), {}, {}});
  auto send_next = [](Conn& k) {
    if (!k.unacked.empty()) {
      std::vector<std::string> ack = {"XACK", "s", "g"};
      ack.insert(ack.end(), k.unacked.begin(), k.unacked.end());
      bench::Append(k.c, ack);
      k.expected.push_back(static_cast<long long>(k.unacked.size()));
      k.unacked.clear();
    }
    if (k.active) {
      bench::Append(k.c, {"XREADGROUP", "GROUP", "g", k.consumer, "COUNT", "100", "STREAMS", "s",
                          ">"});
      k.expected.push_back(-1);
    }
    for (int done = 0; !done;) {
      if (redisBufferWrite(k.c, &done) != REDIS_OK) bench::Die("write failed");
    }
  };
  for (Conn& k : conns) send_next(k);
  long long acked = 0;
  std::vector<pollfd> fds(conns.size());
  for (;;) {
    size_t waiting = 0;
    for (size_t i = 0; i < conns.size(); i++) {
      fds[i] = {conns[i].c->fd, static_cast<short>(conns[i].expected.empty() ? 0 : POLLIN), 0};
      waiting += conns[i].expected.empty() ? 0 : 1;
    }
    if (waiting == 0) break;
    if (poll(fds.data(), fds.size(), -1) < 0) bench::Die("poll failed");
    for (size_t i = 0; i < conns.size(); i++) {
      Conn& k = conns[i];
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (redisBufferRead(k.c) != REDIS_OK) bench::Die(std::string("read: ") + k.c->errstr);
      while (!k.expected.empty()) {
        void* r = nullptr;
        if (redisGetReplyFromReader(k.c, &r) != REDIS_OK) bench::Die("bad reply");
        if (r == nullptr) break;
        ReplyPtr reply(static_cast<redisReply*>(r), freeReplyObject);
        if (reply->type == REDIS_REPLY_ERROR) bench::Die("error reply: " + std::string(reply->str));
        const long long want = k.expected.front();
        k.expected.pop_front();
        if (want >= 0) {
          if (reply->integer != want) bench::Die("XACK acknowledged fewer entries than it was given");
          acked += want;
        } else {
          k.unacked = EntryIds(reply.get());
          k.active = !k.unacked.empty();
        }
      }
      if (k.expected.empty()) send_next(k);
    }
  }
  for (Conn& k : conns) redisFree(k.c);
  return acked;
}

}  // namespace

int main(int argc, char** argv) {
  std::string port, policy;
  bool memory = true, throughput = true;
  int idle_secs = 0;
  int consumers = 1;
  int connections = 1;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--policy" && i + 1 < argc) {
      policy = argv[++i];
    } else if (a == "--connections" && i + 1 < argc) {
      connections = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--consumers" && i + 1 < argc) {
      consumers = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--idle" && i + 1 < argc) {
      idle_secs = std::atoi(argv[++i]);
    } else if (a == "--skip-memory") {
      memory = false;
    } else if (a == "--skip-throughput") {
      throughput = false;
    } else if (port.empty() && a[0] != '-') {
      port = a;
    } else {
      port.clear();
      break;
    }
  }
  if (port.empty()) {
    std::fprintf(stderr,
                 "usage: group_bench PORT [--policy \"ARGS\"] [--skip-memory] "
                 "[--skip-throughput] [--idle SECONDS] [--consumers N] [--connections N]\n");
    return 2;
  }
  redisContext* c = redisConnect("127.0.0.1", std::atoi(port.c_str()));
  if (c == nullptr || c->err) {
    std::fprintf(stderr, "cannot connect\n");
    return 1;
  }
  const long long n = Command(c, {"XLEN", "s"})->integer;
  const long long pid = InfoField(c, "server", "process_id");

  // Memory: one group with every entry pending.
  if (memory) {
    CreateGroup(c, "gmem", policy);
    const long long before = InfoField(c, "memory", "used_memory");
    std::vector<std::string> delivered;
    for (int turn = 0;; turn++) {
      const std::string consumer = "c" + std::to_string(turn % consumers);
      auto ids = EntryIds(Command(c, {"XREADGROUP", "GROUP", "gmem", consumer, "COUNT", "1000",
                                      "STREAMS", "s", ">"}).get());
      if (ids.empty()) break;
      delivered.insert(delivered.end(), ids.begin(), ids.end());
    }
    const long long after = InfoField(c, "memory", "used_memory");
    std::printf("pending_bytes %.1f\n",
                static_cast<double>(after - before) / static_cast<double>(n));
    std::vector<std::string> ack = {"XACK", "s", "gmem"};
    size_t kept = 0;
    for (size_t i = 0; i < delivered.size(); i++) {
      if (i % 10 == 0) {
        kept++;
        continue;
      }
      ack.push_back(delivered[i]);
      if (ack.size() == 1003 || i + 1 == delivered.size()) {
        Command(c, ack);
        ack.resize(3);
      }
    }
    if (ack.size() > 3) Command(c, ack);
    const long long thinned = InfoField(c, "memory", "used_memory");
    std::printf("pending_bytes_after_acks %.1f\n",
                static_cast<double>(thinned - before) / static_cast<double>(std::max<size_t>(kept, 1)));
    if (idle_secs > 0) {
      // Nothing is sent meanwhile: what the server spends is its timers' and cron's own.
      const double idle0 = CpuSeconds(pid);
      sleep(static_cast<unsigned>(idle_secs));
      std::printf("idle_cpu_ms %.0f\n", (CpuSeconds(pid) - idle0) * 1e3);
    }
    Command(c, {"XGROUP", "DESTROY", "s", "gmem"});
  }
  if (!throughput) {
    redisFree(c);
    return 0;
  }

  // Throughput: read 100, ack them, until the group has consumed the stream.
  CreateGroup(c, "g", policy);
  const double cpu0 = CpuSeconds(pid);
  const auto t0 = std::chrono::steady_clock::now();
  const long long done =
      connections == 1 ? ReadAckLoop(c) : PipelinedReadAckLoop(std::atoi(port.c_str()), connections);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds(pid) - cpu0;
  std::printf("entries_per_sec %.0f\n", static_cast<double>(done) / secs);
  std::printf("cpu_us_per_entry %.3f\n", cpu * 1e6 / static_cast<double>(done));
  Command(c, {"XGROUP", "DESTROY", "s", "g"});
  redisFree(c);
  return done == n ? 0 : 1;
}
