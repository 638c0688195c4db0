// Row 28's driver: what a Prometheus scrape of many streams costs the other clients.
//   scrape_bench <resp-port> <http-port> <streams> <rounds>
// Makes <streams> streams s:<i>, each with one entry and a group holding it pending, then runs
// <rounds> scrapes back to back while another connection PINGs every millisecond, and prints
// "key value" lines: the scrape's time (GET /metrics until the whole body is in, p50 and max),
// its size, and the PINGs' p50, p99 and max latency during the scrapes and before them (idle).
// With http-port 0 (Redis, which has no /metrics) a round is the nearest RESP equivalent,
// INFO ALL and an XINFO GROUPS per stream, pipelined.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "bench/bench_client.h"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// One GET /metrics on a fresh connection; returns the bytes received.
size_t Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    bench::Die("cannot connect to the HTTP port");
  }
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    bench::Die("cannot send");
  }
  size_t total = 0;
  char buf[65536];
  for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) total += static_cast<size_t>(n);
  close(fd);
  return total;
}

// INFO ALL and XINFO GROUPS of every stream, pipelined: Redis's nearest equivalent.
size_t RespRound(redisContext* c, int streams) {
  bench::Append(c, {"INFO", "ALL"});
  for (int i = 0; i < streams; i++) bench::Append(c, {"XINFO", "GROUPS", "s:" + std::to_string(i)});
  size_t replies = 0;
  for (int i = 0; i <= streams; i++) {
    void* r = nullptr;
    if (redisGetReply(c, &r) != REDIS_OK) bench::Die("connection error");
    freeReplyObject(r);
    replies++;
  }
  return replies;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) bench::Die("usage: scrape_bench <resp-port> <http-port|0> <streams> <rounds>");
  const int port = std::atoi(argv[1]);
  const int http_port = std::atoi(argv[2]);
  const int streams = std::atoi(argv[3]);
  const int rounds = std::atoi(argv[4]);

  redisContext* setup = bench::Connect(port);
  for (int base = 0; base < streams; base += 1000) {
    const int end = std::min(streams, base + 1000);
    for (int i = base; i < end; i++) {
      const std::string key = "s:" + std::to_string(i);
      bench::Append(setup, {"XADD", key, "*", "f", "v"});
      bench::Append(setup, {"XGROUP", "CREATE", key, "g", "0"});
      bench::Append(setup, {"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", key, ">"});
    }
    for (int i = base; i < end; i++) {
      for (int k = 0; k < 3; k++) {
        void* r = nullptr;
        if (redisGetReply(setup, &r) != REDIS_OK) bench::Die("setup failed");
        freeReplyObject(r);
      }
    }
  }

  // PING latency: first idle, then while the scrapes run.
  redisContext* pinger = bench::Connect(port);
  auto ping_for = [&](std::atomic<bool>& stop, std::vector<double>& out) {
    while (!stop) {
      const auto t0 = Clock::now();
      bench::Command(pinger, {"PING"});
      out.push_back(MsSince(t0));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  std::vector<double> idle, busy;
  {
    std::atomic<bool> stop{false};
    std::thread t([&] { ping_for(stop, idle); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    stop = true;
    t.join();
  }
  std::vector<double> scrape_ms;
  size_t bytes = 0;
  std::atomic<bool> stop{false};
  std::thread t([&] { ping_for(stop, busy); });
  redisContext* resp = http_port == 0 ? bench::Connect(port) : nullptr;
  for (int i = 0; i < rounds; i++) {
    const auto t0 = Clock::now();
    bytes = http_port != 0 ? Scrape(http_port) : RespRound(resp, streams);
    scrape_ms.push_back(MsSince(t0));
  }
  stop = true;
  t.join();
  std::printf("scrape_ms_p50 %.2f\n", Percentile(scrape_ms, 0.5));
  std::printf("scrape_ms_max %.2f\n", Percentile(scrape_ms, 1.0));
  std::printf("scrape_size %zu\n", bytes);
  std::printf("ping_ms_p50 %.3f\n", Percentile(busy, 0.5));
  std::printf("ping_ms_p99 %.3f\n", Percentile(busy, 0.99));
  std::printf("ping_ms_max %.3f\n", Percentile(busy, 1.0));
  std::printf("ping_idle_ms_p99 %.3f\n", Percentile(idle, 0.99));
  std::printf("pings %zu\n", busy.size());
  return 0;
}
