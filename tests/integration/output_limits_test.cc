// client-output-buffer-limit for the normal class, set as a test would set it against Redis
// (whose default, `normal 0 0 0`, is unlimited): a client that asks for huge replies and never
// reads them is disconnected and counted, the others are served meanwhile, and the memory its
// replies held comes back. (backpressure_test.cc and big_reply_test.cc cover the default, where
// such a client is only paused.)
#include "limits_helpers.h"

namespace {

constexpr int64_t kOutputMiB = 1024 * 1024;

// A connection that asks for replies and never reads: its receive buffer is small, so nearly
// all of them wait in the server.
std::unique_ptr<itest::RawSocket> NonReader(int port) {
  auto s = std::make_unique<itest::RawSocket>(port);
  int small = 64 * 1024;
  setsockopt(s->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  return s;
}

// A server whose normal class has the client-output-buffer-limit `normal_limits` ("hard soft
// seconds"), holding a 10 MB value at "big"; `admin` reads its INFO.
struct OutputLimitSetup {
  explicit OutputLimitSetup(const std::string& normal_limits)
      : server({"--client-output-buffer-limit", "normal " + normal_limits}),
        admin(server.port(), 10) {
    REQUIRE(admin.Text({"SET", "big", std::string(10 * kOutputMiB, 'v')}) == "OK");
    used_before = itest::InfoInt(admin, "used_memory");
  }
  bool WaitDisconnections(int64_t n) {
    return itest::WaitFor(
        [&] { return itest::InfoInt(admin, "client_output_buffer_limit_disconnections") == n; },
        std::chrono::seconds(10));
  }
  // The replies a disconnected client left behind are freed.
  bool WaitMemoryBack() {
    return itest::WaitFor(
        [&] { return itest::InfoInt(admin, "used_memory") < used_before + kOutputMiB; },
        std::chrono::seconds(5));
  }

  itest::Server server;
  itest::Redis admin;
  int64_t used_before = 0;
};

}  // namespace

TEST_CASE("A client pipelining GETs of a 10 MB value without reading is cut off at the normal "
          "class's hard limit; the rest carry on",
          "[integration][limits]") {
  OutputLimitSetup setup("64mb 32mb 10");
  itest::Redis& admin = setup.admin;
  itest::LatencyProbe probe(setup.server.port());

  auto greedy = NonReader(setup.server.port());
  std::string batch;
  for (int i = 0; i < 40; i++) batch += itest::Multibulk({"GET", "big"});  // 400 MB of replies
  greedy->SendAll(batch);
  CHECK(setup.WaitDisconnections(1));
  // What it gets before the close is at most what the kernel had taken: far from 400 MB.
  const std::string got = greedy->ReadUntilClosed(10000);
  CHECK(greedy->eof());
  CHECK(got.size() < 64 * kOutputMiB);
  // 200 round trips, so that p99 is not simply the maximum: one scheduler hiccup of the shared
  // two-core CI machine (a neighbouring ctest job) once read 216 ms as "p99" of 100.
  probe.WaitSamples(200);
  probe.Stop();
  INFO("PING round trips meanwhile: " << probe.samples() << ", p99 " << probe.PercentileMs(99)
                                      << " ms, max " << probe.PercentileMs(100) << " ms");
  CHECK(probe.failures() == 0);
  CHECK(probe.samples() >= 200);
  CHECK(probe.PercentileMs(99) < 200);
  CHECK(itest::InfoInt(admin, "connected_clients") == 2);
  CHECK(setup.WaitMemoryBack());
  // A client that reads its replies is not affected by the limit.
  itest::Redis reader(setup.server.port(), 10);
  for (int i = 0; i < 3; i++) CHECK(reader.Text({"GET", "big"}).size() == 10 * kOutputMiB);
  CHECK(itest::InfoInt(admin, "client_output_buffer_limit_disconnections") == 1);
}

TEST_CASE("A client past the normal class's soft limit for its seconds is closed even when it "
          "asks for nothing more, as Redis 7.0",
          "[integration][limits]") {
  OutputLimitSetup setup("0 4mb 1");
  itest::Redis& admin = setup.admin;

  // One reply of 10 MB that it does not read: past the soft limit, and nothing it does later
  // makes the server look at its output again. Redis's cron checks the limit every tick.
  auto greedy = NonReader(setup.server.port());
  greedy->SendAll(itest::Multibulk({"GET", "big"}));
  const auto sent = itest::Clock::now();
  CHECK(itest::WaitFor([&] { return itest::MaxClientField(admin, "omem") > 4 * kOutputMiB; },
                       std::chrono::seconds(5)));
  CHECK(setup.WaitDisconnections(1));
  CHECK(itest::Clock::now() - sent >= std::chrono::milliseconds(900));
  greedy->ReadUntilClosed(5000);
  CHECK(greedy->eof());
  CHECK(itest::InfoInt(admin, "connected_clients") == 1);
  CHECK(setup.WaitMemoryBack());
}
