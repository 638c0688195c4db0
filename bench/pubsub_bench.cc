// PUBLISH fan-out: SUBSCRIBERS connections subscribe to one channel; one publisher pipelines
// MESSAGES PUBLISH commands (PIPELINE at a time) while a thread drains every subscriber with
// poll(). Prints the messages delivered per second (until the last subscriber has the last
// message) and the server's CPU seconds per million deliveries. With --memory, prints instead
// the bytes one subscription costs: used_memory growth while one client subscribes to COUNT
// channels, divided by COUNT.
//   pubsub_bench PORT SERVER_PID [SUBSCRIBERS MESSAGES SIZE PIPELINE]
//   pubsub_bench PORT SERVER_PID --memory COUNT
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_client.h"

namespace {

using bench::Command;
using bench::Connect;
using bench::Die;

void MemoryPerSubscription(int port, long count) {
  redisContext* admin = Connect(port);
  redisContext* sub = Connect(port);
  const long long before = bench::InfoField(admin, "memory", "used_memory");
  // SUBSCRIBE in batches of 1000 channels; each channel is confirmed with one reply.
  for (long done = 0; done < count;) {
    std::vector<std::string> args{"SUBSCRIBE"};
    for (long i = 0; i < 1000 && done + i < count; i++) args.push_back("channel:" + std::to_string(done + i));
    bench::Append(sub, args);
    for (size_t i = 1; i < args.size(); i++) {
      void* r = nullptr;
      if (redisGetReply(sub, &r) != REDIS_OK) Die("subscribe failed");
      freeReplyObject(r);
    }
    done += static_cast<long>(args.size()) - 1;
  }
  const long long after = bench::InfoField(admin, "memory", "used_memory");
  std::printf("subscription_bytes %.1f\n", static_cast<double>(after - before) / count);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Die("usage: pubsub_bench PORT SERVER_PID [SUBSCRIBERS MESSAGES SIZE PIPELINE | --memory COUNT]");
  const int port = std::atoi(argv[1]);
  const long long server_pid = std::atoll(argv[2]);
  if (argc == 5 && std::string(argv[3]) == "--memory") {
    MemoryPerSubscription(port, std::atol(argv[4]));
    return 0;
  }
  const int subscribers = argc > 3 ? std::atoi(argv[3]) : 100;
  const long messages = argc > 4 ? std::atol(argv[4]) : 20000;
  const size_t size = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 64;
  const int pipeline = argc > 6 ? std::atoi(argv[6]) : 16;

  const std::string payload(size, 'm');
  // What each subscriber must receive: the confirmation, then `messages` message frames.
  const std::string frame = "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$" + std::to_string(size) +
                            "\r\n" + payload + "\r\n";
  const size_t confirm = std::string("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n").size();
  std::vector<redisContext*> subs;
  for (int i = 0; i < subscribers; i++) {
    redisContext* c = Connect(port);
    bench::Append(c, {"SUBSCRIBE", "ch"});
    int done = 0;
    if (redisBufferWrite(c, &done) != REDIS_OK) Die("subscribe failed");
    subs.push_back(c);
  }
  redisContext* admin = Connect(port);
  while (bench::InfoField(admin, "stats", "pubsub_channels") != 1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Raw reads: counting bytes is all a subscriber needs to do, and keeps the client cheap.
  std::vector<size_t> want(subs.size(), 0);
  for (auto& w : want) w = confirm + frame.size() * static_cast<size_t>(messages);
  std::thread drain([&] {
    std::vector<pollfd> fds;
    for (auto* c : subs) fds.push_back({c->fd, POLLIN, 0});
    std::vector<size_t> got(subs.size(), 0);
    size_t left = subs.size();
    char buf[1 << 16];
    while (left > 0) {
      if (poll(fds.data(), fds.size(), 10000) <= 0) Die("subscribers stalled");
      for (size_t i = 0; i < fds.size(); i++) {
        if (!(fds[i].revents & POLLIN)) continue;
        const ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
        if (n <= 0) Die("a subscriber was disconnected");
        got[i] += static_cast<size_t>(n);
        if (got[i] >= want[i]) {
          fds[i].events = 0;
          left--;
        }
      }
    }
  });
  redisContext* pub = Connect(port);
  const double cpu0 = bench::CpuSeconds(server_pid);
  const auto t0 = std::chrono::steady_clock::now();
  for (long sent = 0; sent < messages;) {
    int batch = 0;
    for (; batch < pipeline && sent < messages; batch++, sent++) {
      bench::Append(pub, {"PUBLISH", "ch", payload});
    }
    for (int i = 0; i < batch; i++) {
      void* r = nullptr;
      if (redisGetReply(pub, &r) != REDIS_OK) Die("publish failed");
      freeReplyObject(r);
    }
  }
  drain.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = bench::CpuSeconds(server_pid) - cpu0;
  const double delivered = static_cast<double>(messages) * subscribers;
  std::printf("delivered_per_sec %.0f\n", delivered / secs);
  std::printf("cpu_us_per_delivery %.4f\n", cpu * 1e6 / delivered);
  return 0;
}
