// Pipelining: many requests in one write must each get their reply, in order.
#include <sys/ioctl.h>

#include "server_fixture.h"

TEST_CASE("10,000 commands sent in one write get 10,000 replies in order", "[integration]") {
  itest::Server server;
  itest::RawSocket s(server.port());
  constexpr int kCommands = 10'000;
  std::string batch;
  for (int i = 0; i < kCommands; i++) {
    std::string key = "key:" + std::to_string(i / 3);
    switch (i % 3) {
      case 0: batch += itest::Multibulk({"SET", key, "value:" + std::to_string(i)}); break;
      case 1: batch += itest::Multibulk({"GET", key}); break;
      case 2: batch += "ECHO " + std::to_string(i) + "\r\n"; break;  // inline in the mix
    }
  }
  // Big enough for one send() to take it all at once on loopback.
  int sndbuf = static_cast<int>(batch.size()) * 2;
  setsockopt(s.fd(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  ssize_t sent = send(s.fd(), batch.data(), batch.size(), MSG_NOSIGNAL);
  REQUIRE(sent > 0);
  if (static_cast<size_t>(sent) < batch.size()) {
    s.SendAll(std::string_view(batch).substr(static_cast<size_t>(sent)));
  }

  itest::ReplyReader reader;
  int got = 0;
  auto deadline = itest::Clock::now() + std::chrono::seconds(10);
  while (got < kCommands && itest::Clock::now() < deadline) {
    std::string chunk = s.ReadAtLeast(1, 2000);
    if (chunk.empty()) break;
    reader.Feed(chunk);
    while (itest::Reply r = reader.Next()) {
      INFO("reply " << got);
      switch (got % 3) {
        case 0:
          REQUIRE(r->type == REDIS_REPLY_STATUS);
          REQUIRE(std::string(r->str, r->len) == "OK");
          break;
        case 1:
          REQUIRE(r->type == REDIS_REPLY_STRING);
          REQUIRE(std::string(r->str, r->len) == "value:" + std::to_string(got - 1));
          break;
        case 2:
          REQUIRE(r->type == REDIS_REPLY_STRING);
          REQUIRE(std::string(r->str, r->len) == std::to_string(got));
          break;
      }
      got++;
    }
  }
  CHECK(got == kCommands);
  // Nothing more than the 10,000 replies.
  CHECK(s.ReadAtLeast(1, 100).empty());
}

TEST_CASE("hiredis pipelining with appended commands returns replies in order",
          "[integration]") {
  itest::Server server;
  itest::Redis r(server.port());
  for (int i = 0; i < 1000; i++) {
    redisAppendCommand(r.ctx(), "INCR counter");
  }
  for (int i = 0; i < 1000; i++) {
    void* raw = nullptr;
    REQUIRE(redisGetReply(r.ctx(), &raw) == REDIS_OK);
    itest::Reply reply(static_cast<redisReply*>(raw));
    REQUIRE(reply->type == REDIS_REPLY_INTEGER);
    REQUIRE(reply->integer == i + 1);
  }
}

TEST_CASE("A request arriving one byte at a time is answered once complete", "[integration]") {
  itest::Server server;
  itest::RawSocket s(server.port());
  int one = 1;
  setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::string req = itest::Multibulk({"SET", "slow", "value"}) + itest::Multibulk({"GET", "slow"});
  for (char c : req) {
    s.SendAll(std::string(1, c));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  CHECK(s.ReadAtLeast(5 + 11) == "+OK\r\n$5\r\nvalue\r\n");
}
