// Helpers shared by the blocking-read integration tests (XREAD, XREADGROUP): the bytes of a
// one-entry reply on stream "s", waiting for the server to report n blocked clients, and
// elapsed milliseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "server_fixture.h"

namespace itest {

// [[s, [[id, [f, v]]]]] as RESP2 bytes.
inline std::string OneEntryReply(const std::string& id, const std::string& value) {
  return "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$" + std::to_string(id.size()) + "\r\n" + id +
         "\r\n*2\r\n$1\r\nf\r\n$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
}

// Polls INFO until blocked_clients is `n`; returns whether it got there within 2 s.
inline bool WaitBlockedClients(Redis& r, int n) {
  const std::string want = "blocked_clients:" + std::to_string(n) + "\r\n";
  auto deadline = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < deadline) {
    if (r.Text({"INFO", "clients"}).find(want) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

inline int64_t ElapsedMs(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

}  // namespace itest
