// Lua scripting: CLIENTS connections run EVALSHA of a rate limiter (INCR, EXPIRE on the first
// hit, GET) on a key of their own, PIPELINE requests in flight each, OPS requests in all, from
// one thread that polls every connection (as redis-benchmark does, so the load generator takes
// one core, not fifty threads). Checks that every key counted its client's requests, then
// prints the requests per second and the server's CPU time per request.
//   script_bench PORT SERVER_PID [CLIENTS OPS PIPELINE]
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_client.h"

namespace {

using bench::Command;
using bench::Connect;
using bench::Die;

constexpr const char* kRateLimiter =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('EXPIRE', KEYS[1], 60) end "
    "return redis.call('GET', KEYS[1])";

struct Client {
  redisContext* c = nullptr;
  std::vector<std::string> evalsha;  // EVALSHA sha 1 key
  long quota = 0;                    // requests this client sends
  long sent = 0;
  long done = 0;
};

void Send(Client& cl) {
  bench::Append(cl.c, cl.evalsha);
  cl.sent++;
}

void Flush(Client& cl) {
  for (int done = 0; !done;) {
    if (redisBufferWrite(cl.c, &done) != REDIS_OK) Die("write failed");
  }
}

// Takes every complete reply off the connection; sends one more request per reply while the
// client's quota lasts.
void Drain(Client& cl) {
  if (redisBufferRead(cl.c) != REDIS_OK) Die("read failed");
  bool refill = false;
  for (;;) {
    void* r = nullptr;
    if (redisGetReplyFromReader(cl.c, &r) != REDIS_OK) Die("protocol error");
    if (r == nullptr) break;
    const auto* reply = static_cast<redisReply*>(r);
    if (reply->type == REDIS_REPLY_ERROR) Die("error reply: " + std::string(reply->str, reply->len));
    freeReplyObject(r);
    cl.done++;
    if (cl.sent < cl.quota) {
      Send(cl);
      refill = true;
    }
  }
  if (refill) Flush(cl);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Die("usage: script_bench PORT SERVER_PID [CLIENTS OPS PIPELINE]");
  const int port = std::atoi(argv[1]);
  const long long server_pid = std::atoll(argv[2]);
  const int clients = argc > 3 ? std::atoi(argv[3]) : 50;
  const long ops = argc > 4 ? std::atol(argv[4]) : 200000;
  const int pipeline = argc > 5 ? std::atoi(argv[5]) : 1;

  redisContext* admin = Connect(port);
  auto sha_reply = Command(admin, {"SCRIPT", "LOAD", kRateLimiter});
  const std::string sha(sha_reply->str, sha_reply->len);

  std::vector<Client> cs(static_cast<size_t>(clients));
  for (int i = 0; i < clients; i++) {
    Client& cl = cs[static_cast<size_t>(i)];
    cl.c = Connect(port);
    cl.evalsha = {"EVALSHA", sha, "1", "rate:" + std::to_string(i)};
    cl.quota = ops / clients + (i < ops % clients ? 1 : 0);
    Command(cl.c, {"DEL", cl.evalsha[3]});
  }

  const double cpu0 = bench::CpuSeconds(server_pid);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<pollfd> fds;
  for (Client& cl : cs) {
    for (int i = 0; i < pipeline && cl.sent < cl.quota; i++) Send(cl);
    Flush(cl);
    fds.push_back({cl.c->fd, POLLIN, 0});
  }
  for (long finished = 0; finished < ops;) {
    if (poll(fds.data(), fds.size(), 10000) <= 0) Die("the server stalled");
    for (size_t i = 0; i < fds.size(); i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      const long before = cs[i].done;
      Drain(cs[i]);
      finished += cs[i].done - before;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = bench::CpuSeconds(server_pid) - cpu0;

  // Each key counted exactly its client's requests, and the script set its TTL.
  for (Client& cl : cs) {
    auto v = Command(admin, {"GET", cl.evalsha[3]});
    if (v->type != REDIS_REPLY_STRING || std::atol(v->str) != cl.quota) Die("a key missed counts");
    if (Command(admin, {"TTL", cl.evalsha[3]})->integer <= 0) Die("a key has no TTL");
  }
  std::printf("ops_per_sec %.0f\n", static_cast<double>(ops) / secs);
  std::printf("cpu_us_per_op %.4f\n", cpu * 1e6 / static_cast<double>(ops));
  return 0;
}
