// Protected mode in the real server bound to every address: while the default user has no
// password, a client from a non-loopback address gets Redis's DENIED explanation and is closed,
// a loopback client is served; a password or `protected-mode no` lets the outside in.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "aof_test_process.h"
#include "src/errors.h"

namespace {

// A non-loopback IPv4 address of this machine, or "" when it has none.
std::string OutsideAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* i = list; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
    found = text;
  }
  freeifaddrs(list);
  return found;
}

// Connects to ip:port, sends PING and reads until the server closes or 2 s pass.
std::string PingFrom(const std::string& ip, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "(no connection)";
  }
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  (void)!write(fd, "PING\r\n", 6);
  std::string got;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    got.append(buf, static_cast<size_t>(n));
    if (got == "+PONG\r\n" || got.starts_with("-NOAUTH")) break;
  }
  close(fd);
  return got;
}

}  // namespace

TEST_CASE("Protected mode turns away outside clients while the default user has no password",
          "[integration][acl]") {
  const std::string outside = OutsideAddress();
  if (outside.empty()) {
    WARN("no non-loopback IPv4 address on this machine: protected mode not exercised");
    return;
  }
  aoftest::TempDir dir;
  int port = 0;
  auto server = aoftest::StartRunnel(dir.path(), port, {"--bind", "0.0.0.0"});
  INFO("log:\n" << server->Log());
  CHECK(PingFrom(outside, port) == std::string(server::err::kProtectedMode));
  CHECK(PingFrom("127.0.0.1", port) == "+PONG\r\n");
  itest::Redis admin(port);
  // With a password the outside may connect (and must AUTH).
  REQUIRE(admin.Text({"CONFIG", "SET", "requirepass", "pw"}) == "OK");
  CHECK(PingFrom(outside, port).starts_with("-NOAUTH"));
  REQUIRE(admin.Text({"CONFIG", "SET", "requirepass", ""}) == "OK");
  CHECK(PingFrom(outside, port) == std::string(server::err::kProtectedMode));
  REQUIRE(admin.Text({"CONFIG", "SET", "protected-mode", "no"}) == "OK");
  CHECK(PingFrom(outside, port) == "+PONG\r\n");
}
