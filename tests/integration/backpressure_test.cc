// Backpressure: a client that pipelines requests for large replies without reading them must not
// make the server buffer every reply; the server keeps serving others and, once the client
// reads, finishes the remaining requests.
#include "server_fixture.h"

TEST_CASE("A client that pipelines GETs of a large value without reading stays bounded",
          "[integration][backpressure]") {
  itest::Server server({"--client-output-soft-limit", "8mb"});
  const std::string value(256 * 1024, 'v');
  constexpr int kGets = 400;  // 100MB of replies if all were buffered at once
  {
    itest::Redis setup(server.port());
    REQUIRE(setup.Text({"SET", "big", value}) == "OK");
  }
  size_t rss_before = server.RssBytes();

  itest::RawSocket greedy(server.port());
  int small = 64 * 1024;
  setsockopt(greedy.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  std::string batch;
  for (int i = 0; i < kGets; i++) batch += itest::Multibulk({"GET", "big"});
  greedy.SendAll(batch);

  // Give the server time to chew through whatever it is willing to process.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  itest::Redis other(server.port());
  auto start = itest::Clock::now();
  CHECK(other.Text({"PING"}) == "PONG");
  CHECK(other.Text({"STRLEN", "big"}) == std::to_string(value.size()));
  CHECK(itest::Clock::now() - start < std::chrono::milliseconds(500));
  size_t rss = server.RssBytes();
  INFO("rss before " << rss_before / 1024 << " KB, with the greedy client " << rss / 1024
                     << " KB");
  CHECK(rss < rss_before + 48 * 1024 * 1024);

  // Once the client reads, every reply arrives, complete and in order.
  std::string expected_one = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
  size_t total = expected_one.size() * kGets;
  size_t received = 0;
  bool all_equal = true;
  std::string pending;
  auto deadline = itest::Clock::now() + std::chrono::seconds(10);
  while (received < total && itest::Clock::now() < deadline) {
    std::string chunk = greedy.ReadAtLeast(1, 2000);
    if (chunk.empty()) break;
    pending += chunk;
    size_t whole = pending.size() / expected_one.size() * expected_one.size();
    for (size_t off = 0; off < whole; off += expected_one.size()) {
      if (pending.compare(off, expected_one.size(), expected_one) != 0) all_equal = false;
    }
    pending.erase(0, whole);
    received += chunk.size();
  }
  CHECK(received == total);
  CHECK(all_equal);
  CHECK(pending.empty());
  CHECK(server.Running());
}

TEST_CASE("With a tiny output soft limit a long pipeline is still answered promptly",
          "[integration][backpressure]") {
  // Every kilobyte of replies pauses the pipeline; each pause must end as soon as the output
  // is written, not at the next timer tick.
  itest::Server server({"--client-output-soft-limit", "1kb"});
  itest::RawSocket s(server.port());
  constexpr int kPings = 20'000;
  std::string batch;
  for (int i = 0; i < kPings; i++) batch += "PING\r\n";
  auto start = itest::Clock::now();
  s.SendAll(batch);
  std::string expected;
  for (int i = 0; i < kPings; i++) expected += "+PONG\r\n";
  std::string got = s.ReadAtLeast(expected.size(), 5000);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(itest::Clock::now() - start);
  CHECK(got == expected);
  CHECK(ms.count() < 1000);
}

TEST_CASE("A client that half-closes after a long pipeline still gets every reply",
          "[integration][backpressure]") {
  // `printf ... | nc -N` style: all requests, then FIN. Requests still buffered behind the
  // output limit when the FIN is read must run, and the server closes after the last reply.
  itest::Server server({"--client-output-soft-limit", "1kb"});
  itest::RawSocket s(server.port());
  constexpr int kPings = 20'000;
  std::string batch;
  for (int i = 0; i < kPings; i++) batch += "PING\r\n";
  s.SendAll(batch);
  REQUIRE(shutdown(s.fd(), SHUT_WR) == 0);
  std::string got = s.ReadUntilClosed(5000);
  CHECK(got.size() == 7u * kPings);
  CHECK(s.eof());
  itest::Redis other(server.port());
  CHECK(other.Text({"PING"}) == "PONG");
}
