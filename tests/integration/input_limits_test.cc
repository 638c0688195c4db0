// Hostile input against the real server: lengths announced but never sent, and a pipeline of a
// million commands. What a client announces must not cost memory before it is sent; what it
// sends costs memory in proportion, given back when it goes; other clients keep being served.
// (The refusals of over-long lengths under the default limits are in protocol_error_test.cc.)
#include <atomic>
#include <thread>

#include "limits_helpers.h"

namespace {

constexpr int64_t kInputMiB = 1024 * 1024;

// A partial request from `s` has reached the server: its query buffer holds `bytes`.
void InputWaitBuffered(itest::Redis& admin, int64_t bytes) {
  INFO("waiting for a query buffer of " << bytes << " bytes");
  REQUIRE(itest::WaitFor([&] { return itest::MaxClientField(admin, "qbuf") >= bytes; },
                         std::chrono::seconds(20)));
}

}  // namespace

TEST_CASE("With proto-max-bulk-len raised, a declared 4 GB bulk costs what was sent, not 4 GB",
          "[integration][limits]") {
  itest::Server server({"--proto-max-bulk-len", "5gb"});
  itest::Redis admin(server.port(), 10);
  const int64_t used_before = itest::InfoInt(admin, "used_memory");
  const size_t rss_before = server.RssBytes();
  constexpr int64_t kSent = 8 * kInputMiB;
  {
    itest::RawSocket s(server.port());
    s.SendAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4294967296\r\n");
    s.SendAll(std::string(kSent, 'x'));
    InputWaitBuffered(admin, kSent);
    const auto start = itest::Clock::now();
    CHECK(admin.Text({"PING"}) == "PONG");
    CHECK(itest::Clock::now() - start < std::chrono::milliseconds(500));
    const int64_t used = itest::InfoInt(admin, "used_memory");
    const size_t rss = server.RssBytes();
    INFO("8 MB of a 4 GB bulk sent: used_memory +" << (used - used_before) / kInputMiB
                                                   << " MB, RSS +"
                                                   << (static_cast<int64_t>(rss) -
                                                       static_cast<int64_t>(rss_before)) /
                                                          kInputMiB
                                                   << " MB");
    CHECK(used - used_before < 4 * kSent);
    CHECK(rss < rss_before + 8 * kSent);
    // Still waiting for the rest: nothing answered, nothing closed.
    CHECK(s.ReadAtLeast(1, 100).empty());
    CHECK_FALSE(s.eof());
  }
  // The client went away mid-bulk: its buffer goes with it.
  CHECK(itest::WaitFor([&] { return itest::InfoInt(admin, "used_memory") < used_before + 256 * 1024; },
                       std::chrono::seconds(5)));
  CHECK(itest::InfoInt(admin, "connected_clients") == 1);
  CHECK(server.RssBytes() < rss_before + 8 * kSent);
}

TEST_CASE("A multibulk announcing 10 million arguments takes memory as they arrive, as Redis 7",
          "[integration][limits]") {
  itest::Server server;
  itest::Redis admin(server.port(), 10);
  const int64_t used_before = itest::InfoInt(admin, "used_memory");
  {
    // Redis 7 accepts counts up to 2^31-1 and waits for the arguments; so do we, without a
    // slot for each of the 10 million before they come (80 MB and more if it did).
    itest::RawSocket s(server.port());
    const std::string head = "*10000000\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
    s.SendAll(head);
    InputWaitBuffered(admin, static_cast<int64_t>(head.size()));
    CHECK(itest::InfoInt(admin, "used_memory") - used_before < kInputMiB);
    CHECK(s.ReadAtLeast(1, 100).empty());
    CHECK_FALSE(s.eof());

    // 200,000 more one-byte arguments (1.4 MB): memory follows what was sent.
    std::string more;
    for (int i = 0; i < 200'000; i++) more += "$1\r\nx\r\n";
    s.SendAll(more);
    InputWaitBuffered(admin, static_cast<int64_t>(head.size() + more.size()));
    const int64_t used = itest::InfoInt(admin, "used_memory");
    INFO("200,003 of 10,000,000 arguments sent: used_memory +" << (used - used_before) / 1024
                                                               << " KB");
    CHECK(used - used_before < 16 * kInputMiB);
    CHECK(admin.Text({"PING"}) == "PONG");
  }
  CHECK(itest::WaitFor([&] { return itest::InfoInt(admin, "used_memory") < used_before + 256 * 1024; },
                       std::chrono::seconds(5)));
  CHECK(itest::InfoInt(admin, "connected_clients") == 1);
}

TEST_CASE("A client whose pending request passes client-query-buffer-limit is closed and counted",
          "[integration][limits]") {
  itest::Server server({"--client-query-buffer-limit", "1mb", "--proto-max-bulk-len", "4mb"});
  itest::Redis admin(server.port());
  itest::RawSocket s(server.port());
  // A 4 MB argument is allowed, but 2 MB of it waiting in the buffer is past the query buffer
  // limit: closed without a reply, as Redis does.
  s.SendAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n" + std::string(2 * kInputMiB, 'x'));
  CHECK(s.ReadUntilClosed(5000).empty());
  CHECK(s.eof());
  CHECK(itest::InfoInt(admin, "client_query_buffer_limit_disconnections") == 1);
  CHECK(admin.Text({"EXISTS", "k"}) == "0");
  CHECK(itest::InfoInt(admin, "connected_clients") == 1);
}

TEST_CASE("A million pipelined INCRs, written while the replies are read, arrive in order",
          "[integration][limits]") {
  constexpr int kCommands = 1'000'000;
  constexpr int kPerWrite = 10'000;
  itest::Server server;
  itest::Redis admin(server.port(), 10);
  const int64_t used_before = itest::InfoInt(admin, "used_memory");
  itest::LatencyProbe probe(server.port());
  itest::RawSocket s(server.port());

  // The writer sends as fast as the socket takes it; this thread reads at the same time, so
  // neither side waits for the other to finish (a pipeline this long does not fit in the
  // socket buffers).
  std::atomic<bool> write_failed{false};
  std::thread writer([&] {
    std::string batch;
    for (int i = 0; i < kPerWrite; i++) batch += itest::Multibulk({"INCR", "k"});
    for (int w = 0; w < kCommands / kPerWrite && !write_failed; w++) {
      std::string_view left = batch;
      while (!left.empty()) {
        const ssize_t n = send(s.fd(), left.data(), left.size(), MSG_NOSIGNAL);
        if (n <= 0) {
          write_failed = true;
          break;
        }
        left.remove_prefix(static_cast<size_t>(n));
      }
    }
  });

  itest::ReplyReader reader;
  int got = 0;
  int out_of_order = 0;
  int64_t most_used = used_before;
  const auto deadline = itest::Clock::now() + std::chrono::seconds(120);
  while (got < kCommands && itest::Clock::now() < deadline) {
    const std::string chunk = s.ReadAtLeast(1, 10000);
    if (chunk.empty()) break;
    reader.Feed(chunk);
    while (itest::Reply r = reader.Next()) {
      if (r->type != REDIS_REPLY_INTEGER || r->integer != got + 1) out_of_order++;
      got++;
      if (got % 100'000 == 0) {
        most_used = std::max(most_used, itest::InfoInt(admin, "used_memory"));
      }
    }
  }
  writer.join();
  probe.WaitSamples(100);
  probe.Stop();
  CHECK_FALSE(write_failed);
  CHECK(got == kCommands);
  CHECK(out_of_order == 0);
  CHECK(admin.Text({"GET", "k"}) == std::to_string(kCommands));
  INFO("used_memory peaked " << (most_used - used_before) / 1024 << " KB above the start");
  CHECK(most_used - used_before < 64 * kInputMiB);
  INFO("PING round trips meanwhile: " << probe.samples() << ", p99 " << probe.PercentileMs(99)
                                      << " ms, max " << probe.PercentileMs(100) << " ms");
  CHECK(probe.failures() == 0);
  CHECK(probe.samples() >= 100);
  CHECK(probe.PercentileMs(99) < 200);
}
