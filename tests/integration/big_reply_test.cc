// Huge replies cost bounded memory (issue 14): a client that pipelines LRANGEs of a big list
// and never reads holds at most a few replies' worth of used_memory while other clients are
// served, and still gets every reply once it reads; one big reply costs about its own size.
#include "server_fixture.h"

namespace {

// A numeric field of INFO memory.
size_t BigReplyMemoryField(itest::Redis& c, const std::string& name) {
  const std::string info = c.Text({"INFO", "memory"});
  size_t at = info.find("\r\n" + name + ":");
  REQUIRE(at != std::string::npos);
  at += name.size() + 3;
  return std::stoull(info.substr(at, info.find("\r\n", at) - at));
}

// Fills `key` by `command` (RPUSH, ZADD) with n elements "element:i" (ZADD: score i), in
// batches, and returns the exact bytes of a RESP2 reply listing them all in order.
std::string FillBigCollection(itest::Redis& c, const std::string& command,
                              const std::string& key, size_t n) {
  std::string reply = "*" + std::to_string(n) + "\r\n";
  std::vector<std::string> args = {command, key};
  for (size_t i = 0; i < n; i++) {
    const std::string element = "element:" + std::to_string(i);
    if (command == "ZADD") args.push_back(std::to_string(i));
    args.push_back(element);
    reply += "$" + std::to_string(element.size()) + "\r\n" + element + "\r\n";
    if (args.size() >= 2000 || i + 1 == n) {
      REQUIRE(c.Command(args)->type == REDIS_REPLY_INTEGER);
      args.resize(2);
    }
  }
  return reply;
}

}  // namespace

TEST_CASE("A client pipelining LRANGE of a big list without reading keeps memory bounded",
          "[integration][backpressure][bigreply]") {
  itest::Server server({"--client-output-soft-limit", "4mb"});
  itest::Redis other(server.port());
  const std::string one = FillBigCollection(other, "RPUSH", "l", 200'000);  // about 4 MB
  constexpr int kRequests = 30;  // 120 MB of replies if they were all buffered
  const size_t base = BigReplyMemoryField(other, "used_memory");

  itest::RawSocket greedy(server.port());
  int small = 64 * 1024;
  setsockopt(greedy.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  std::string batch;
  for (int i = 0; i < kRequests; i++) batch += itest::Multibulk({"LRANGE", "l", "0", "-1"});
  greedy.SendAll(batch);

  // While the greedy client does not read: others are answered at once, and the server holds
  // the soft limit plus the reply that crossed it, not thirty replies.
  const size_t bound = 4 * 1024 * 1024 + 2 * one.size() + 2 * 1024 * 1024;
  for (int i = 0; i < 5; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto start = itest::Clock::now();
    CHECK(other.Text({"PING"}) == "PONG");
    CHECK(itest::Clock::now() - start < std::chrono::milliseconds(500));
    const size_t used = BigReplyMemoryField(other, "used_memory");
    INFO("used_memory grew by " << (used - std::min(used, base)) / 1024 << " KB; one reply is "
                                << one.size() / 1024 << " KB");
    CHECK(used < base + bound);
  }

  // Once it reads, every reply arrives, complete and in order.
  const size_t total = one.size() * kRequests;
  size_t received = 0;
  bool all_equal = true;
  std::string pending;
  auto deadline = itest::Clock::now() + std::chrono::seconds(20);
  while (received < total && itest::Clock::now() < deadline) {
    std::string chunk = greedy.ReadAtLeast(1, 2000);
    if (chunk.empty()) break;
    received += chunk.size();
    pending += chunk;
    const size_t whole = pending.size() / one.size() * one.size();
    for (size_t off = 0; off < whole; off += one.size()) {
      if (pending.compare(off, one.size(), one) != 0) all_equal = false;
    }
    pending.erase(0, whole);
  }
  CHECK(received == total);
  CHECK(all_equal);
  CHECK(pending.empty());
  // And the memory is given back.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(BigReplyMemoryField(other, "used_memory") < base + 1024 * 1024);
}

TEST_CASE("One big ZRANGE reply costs about its own size at the peak",
          "[integration][bigreply]") {
  itest::Server server;
  itest::Redis c(server.port());
  const std::string reply = FillBigCollection(c, "ZADD", "z", 200'000);
  REQUIRE(c.Text({"CONFIG", "RESETSTAT"}) == "OK");
  const size_t base = BigReplyMemoryField(c, "used_memory");

  itest::RawSocket s(server.port());
  s.SendAll(itest::Multibulk({"ZRANGE", "z", "0", "-1"}));
  const std::string got = s.ReadAtLeast(reply.size(), 10000);
  CHECK(got == reply);

  // used_memory_peak is taken after every command, so it saw the whole reply buffered; chained
  // blocks cost the reply plus a little, where a doubling string would cost up to twice it.
  const size_t peak = BigReplyMemoryField(c, "used_memory_peak");
  INFO("peak grew by " << (peak - base) / 1024 << " KB for a " << reply.size() / 1024
                       << " KB reply");
  CHECK(peak >= base + reply.size());
  CHECK(peak < base + reply.size() + reply.size() / 4);
}
