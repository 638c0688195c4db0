// Slow clients (slowloris): many connections each dribbling a request a byte at a time must not
// hold up anyone else, and `timeout` closes a client as Redis 7.0 does: by the time since the
// server last read anything from it, so a byte now and then keeps a client while one that
// stalls mid-request is closed.
#include <netinet/tcp.h>

#include <memory>

#include "limits_helpers.h"

namespace {

// A raw connection with Nagle off, so each byte leaves on its own.
std::unique_ptr<itest::RawSocket> SlowSocket(int port) {
  auto s = std::make_unique<itest::RawSocket>(port);
  int one = 1;
  setsockopt(s->fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return s;
}

}  // namespace

TEST_CASE("Two hundred clients dribbling requests a byte at a time do not slow down the others",
          "[integration][limits]") {
  constexpr int kSlow = 200;
  itest::Server server;
  std::vector<std::unique_ptr<itest::RawSocket>> slow;
  std::vector<std::string> requests;
  for (int i = 0; i < kSlow; i++) {
    slow.push_back(SlowSocket(server.port()));
    requests.push_back(itest::Multibulk({"SET", "slow:" + std::to_string(i), "value"}));
  }
  itest::LatencyProbe probe(server.port());
  // Every 100 ms each slow client sends the next byte of its request, for 3 s: 2,000 reads a
  // second, each of one byte of an unfinished request.
  size_t sent = 0;
  for (int round = 0; round < 30; round++, sent++) {
    for (int i = 0; i < kSlow; i++) slow[i]->SendAll(requests[i].substr(sent, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  probe.Stop();
  INFO("PING round trips while they dribbled: " << probe.samples() << ", p99 "
                                                << probe.PercentileMs(99) << " ms, max "
                                                << probe.PercentileMs(100) << " ms");
  CHECK(probe.failures() == 0);
  CHECK(probe.samples() > 50);
  CHECK(probe.PercentileMs(99) < 200);

  // Each one still gets its answer once the request is complete.
  for (int i = 0; i < kSlow; i++) slow[i]->SendAll(requests[i].substr(sent));
  int ok = 0;
  for (int i = 0; i < kSlow; i++) ok += slow[i]->ReadAtLeast(5, 5000) == "+OK\r\n";
  CHECK(ok == kSlow);
  itest::Redis r(server.port());
  CHECK(r.Text({"DBSIZE"}) == std::to_string(kSlow));
}

TEST_CASE("With timeout 2, a client sending a byte a second is kept and stalled ones are closed, "
          "as Redis 7.0",
          "[integration][limits]") {
  itest::Server server({"--timeout", "2"});
  auto dribbler = SlowSocket(server.port());
  itest::RawSocket idle(server.port());
  itest::RawSocket stalled(server.port());
  stalled.SendAll("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
  itest::RawSocket in_multi(server.port());
  in_multi.SendAll("MULTI\r\n");
  CHECK(in_multi.ReadAtLeast(5) == "+OK\r\n");
  // Redis never times out a client with subscriptions: it waits for messages on purpose.
  itest::RawSocket subscriber(server.port());
  subscriber.SendAll("SUBSCRIBE news\r\n");
  const std::string subscribed = "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n";
  CHECK(subscriber.ReadAtLeast(subscribed.size()) == subscribed);

  // Five seconds, a byte a second: what Redis counts is the time since the last read, so the
  // dribbler stays however long its request takes.
  const std::string request = itest::Multibulk({"ECHO", "slowloris"});
  size_t sent = 0;
  for (; sent < 6; sent++) {
    dribbler->SendAll(request.substr(sent, 1));
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }

  // The dribbler finishes first (waiting on the others could leave it silent past the timeout).
  dribbler->SendAll(request.substr(sent));
  CHECK(dribbler->ReadAtLeast(15) == "$9\r\nslowloris\r\n");
  itest::Redis publisher(server.port());
  CHECK(publisher.Text({"PUBLISH", "news", "still here"}) == "1");
  const std::string message = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$10\r\nstill here\r\n";
  CHECK(subscriber.ReadAtLeast(message.size()) == message);

  // Idle, stalled mid-request, or inside MULTI, all were closed after 2 s without a read.
  CHECK(idle.ReadUntilClosed(3000).empty());
  CHECK(idle.eof());
  CHECK(stalled.ReadUntilClosed(3000).empty());
  CHECK(stalled.eof());
  CHECK(in_multi.ReadUntilClosed(3000).empty());
  CHECK(in_multi.eof());
}

TEST_CASE("With timeout 2, a client slowly reading a long reply is kept while it is written to, "
          "as Redis 7.0",
          "[integration][limits]") {
  // Redis counts a write to the client as an interaction too: a client downloading a big reply
  // at its own pace is not idle, however long ago it sent its request.
  itest::Server server({"--timeout", "2"});
  const size_t size = 16 * 1024 * 1024;
  {
    itest::Redis setup(server.port(), 10);
    REQUIRE(setup.Text({"SET", "big", std::string(size, 'v')}) == "OK");
  }
  itest::RawSocket reader(server.port());
  int small = 64 * 1024;
  setsockopt(reader.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  reader.SendAll(itest::Multibulk({"GET", "big"}));
  const size_t total = size + std::to_string(size).size() + 5;  // "$<len>\r\n" ... "\r\n"
  size_t got = 0;
  bool closed = false;
  const auto start = itest::Clock::now();
  // 64 KB every 20 ms, about 3 MB/s: over 5 s in all, well past the timeout.
  while (got < total && !closed && itest::Clock::now() - start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    char buf[64 * 1024];
    const ssize_t n = recv(reader.fd(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
    if (n > 0) got += static_cast<size_t>(n);
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(itest::Clock::now() - start).count() /
      1000.0;
  INFO("read " << got << " of " << total << " bytes in " << seconds << " s");
  CHECK_FALSE(closed);
  CHECK(got == total);
  CHECK(seconds > 2.5);
}
