// MEMORY DOCTOR and MALLOC-STATS against the real server (its counting allocator and its
// clients): Redis's texts for a small instance and for clients that do not read their replies,
// and mimalloc's statistics report.
#include <chrono>
#include <string>
#include <thread>

#include "server_fixture.h"

TEST_CASE("MEMORY DOCTOR on a fresh server gives Redis's text for a small instance",
          "[integration][memory]") {
  itest::Server server;
  itest::Redis admin(server.port());
  CHECK(admin.Text({"MEMORY", "DOCTOR"}) ==
        "Hi Sam, this instance is empty or is using very little memory, my issues detector "
        "can't be used in these conditions. Please, leave for your mission on Earth and fill it "
        "with some data. The new Sam and I will be back to our programming as soon as I "
        "finished rebooting.\n");
}

TEST_CASE("MEMORY DOCTOR reports big client buffers when a client does not read its replies",
          "[integration][memory]") {
  itest::Server server;
  itest::Redis admin(server.port());
  const std::string mb(1 << 20, 'x');
  for (int i = 0; i < 6; i++) admin.Command({"SET", "big" + std::to_string(i), mb});
  itest::RawSocket idle_reader(server.port());
  std::string gets;
  for (int i = 0; i < 30; i++) gets += itest::Multibulk({"GET", "big0"});
  idle_reader.SendAll(gets);
  std::string report;
  const auto deadline = itest::Clock::now() + std::chrono::seconds(3);
  while (itest::Clock::now() < deadline) {
    report = admin.Text({"MEMORY", "DOCTOR"});
    if (report.find("Big client buffers") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(report.rfind("Sam, I detected a few issues in this Redis instance memory implants:\n\n",
                     0) == 0);
  CHECK(report.find(" * Big client buffers: The clients output buffers in this instance are "
                    "greater than 200K per client (on average).") != std::string::npos);
  CHECK(report.size() > 60);
  CHECK(report.substr(report.size() - 52) ==
        "I'm here to keep you safe, Sam. I want to help you.\n");
}

TEST_CASE("MEMORY MALLOC-STATS is mimalloc's statistics report", "[integration][memory]") {
  itest::Server server;
  itest::Redis admin(server.port());
  const std::string stats = admin.Text({"MEMORY", "MALLOC-STATS"});
  CHECK(stats.rfind("heap stats:", 0) == 0);
  CHECK(stats.find("committed:") != std::string::npos);
}
