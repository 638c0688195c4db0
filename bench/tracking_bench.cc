// Client-side caching: READERS connections turn CLIENT TRACKING on, redirected to one sink
// connection subscribed to __redis__:invalidate. Each round, every reader GETs all KEYS keys
// (pipelined PIPELINE deep, so the server remembers them), then one writer SETs them all, which
// sends READERS invalidations per key to the sink. Prints the tracked reads plus invalidations
// delivered per second (until the sink has the round's last one) and the server's CPU seconds
// per million of them.
//   tracking_bench PORT SERVER_PID [READERS KEYS ROUNDS PIPELINE]
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_client.h"

namespace {

using bench::Command;
using bench::Connect;
using bench::Die;

// Keys of one fixed length, so every invalidation message has the same size.
std::string Key(long i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key:%08ld", i);
  return buf;
}

// Sends `args_of(i)` for i in [0, n), PIPELINE at a time, reading (and dropping) the replies.
template <typename F>
void Pipelined(redisContext* c, long n, int pipeline, F&& args_of) {
  for (long sent = 0; sent < n;) {
    int batch = 0;
    for (; batch < pipeline && sent < n; batch++, sent++) bench::Append(c, args_of(sent));
    for (int i = 0; i < batch; i++) {
      void* r = nullptr;
      if (redisGetReply(c, &r) != REDIS_OK) Die("pipelined command failed");
      freeReplyObject(r);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Die("usage: tracking_bench PORT SERVER_PID [READERS KEYS ROUNDS PIPELINE]");
  const int port = std::atoi(argv[1]);
  const long long server_pid = std::atoll(argv[2]);
  const int readers = argc > 3 ? std::atoi(argv[3]) : 10;
  const long keys = argc > 4 ? std::atol(argv[4]) : 10000;
  const int rounds = argc > 5 ? std::atoi(argv[5]) : 5;
  const int pipeline = argc > 6 ? std::atoi(argv[6]) : 16;

  redisContext* sink = Connect(port);
  const std::string sink_id = std::to_string(Command(sink, {"CLIENT", "ID"})->integer);
  Command(sink, {"SUBSCRIBE", "__redis__:invalidate"});
  std::vector<redisContext*> rs;
  for (int i = 0; i < readers; i++) {
    rs.push_back(Connect(port));
    Command(rs.back(), {"CLIENT", "TRACKING", "on", "REDIRECT", sink_id});
  }
  redisContext* writer = Connect(port);
  Pipelined(writer, keys, pipeline, [](long i) { return std::vector<std::string>{"SET", Key(i), "v"}; });

  // Each invalidation: *3 message __redis__:invalidate [key].
  const std::string one = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$" +
                          std::to_string(Key(0).size()) + "\r\n" + Key(0) + "\r\n";
  const size_t per_round = one.size() * static_cast<size_t>(readers) * static_cast<size_t>(keys);

  double secs = 0, cpu = 0;
  for (int round = 0; round < rounds; round++) {
    const double cpu0 = bench::CpuSeconds(server_pid);
    const auto t0 = std::chrono::steady_clock::now();
    // The readers run side by side, one thread each, as separate clients would.
    std::vector<std::thread> threads;
    for (redisContext* r : rs) {
      threads.emplace_back([&, r] {
        Pipelined(r, keys, pipeline, [](long i) { return std::vector<std::string>{"GET", Key(i)}; });
      });
    }
    for (auto& t : threads) t.join();
    std::thread drain([&] {
      size_t got = 0;
      char buf[1 << 16];
      pollfd fd{sink->fd, POLLIN, 0};
      while (got < per_round) {
        if (poll(&fd, 1, 10000) <= 0) Die("the sink stalled");
        const ssize_t n = recv(sink->fd, buf, sizeof(buf), 0);
        if (n <= 0) Die("the sink was disconnected");
        got += static_cast<size_t>(n);
      }
    });
    Pipelined(writer, keys, pipeline, [](long i) { return std::vector<std::string>{"SET", Key(i), "w"}; });
    drain.join();
    secs += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cpu += bench::CpuSeconds(server_pid) - cpu0;
  }
  // Per round: readers*keys tracked GETs, keys SETs, readers*keys invalidations.
  const double ops = static_cast<double>(rounds) * static_cast<double>(keys) * (2.0 * readers + 1);
  std::printf("ops_per_sec %.0f\n", ops / secs);
  std::printf("cpu_us_per_op %.4f\n", cpu * 1e6 / ops);
  return 0;
}
