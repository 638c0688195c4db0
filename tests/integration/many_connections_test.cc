// Many connections: ten thousand idle clients admitted and cheap, a server started under a low
// open-file limit that raises it for maxclients as Redis does, and a flood of connections
// opened and dropped (some with a reset) that leaves the server serving and counting right.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "limits_helpers.h"
#include "tests/support/temp_dir.h"

namespace {

// Closes every descriptor it holds when it goes.
struct ConnFds {
  std::vector<int> fds;
  ~ConnFds() { CloseAll(); }
  void CloseAll() {
    for (int fd : fds) close(fd);
    fds.clear();
  }
};

// The soft "Max open files" of process `pid`, from /proc.
int64_t ConnOpenFileLimit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) == 0) return std::stoll(line.substr(26));
  }
  return -1;
}

// Drops a connection with a reset instead of a FIN (SO_LINGER 0): how a crashed or killed
// client leaves.
void ConnReset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  close(fd);
}

// Starts a server that inherits a soft open-file limit of `soft` (this process's own is put
// back at once).
std::unique_ptr<itest::Server> ConnStartUnderSoftLimit(rlim_t soft, std::vector<std::string> args) {
  rlimit original{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &original) == 0);
  rlimit low = original;
  low.rlim_cur = soft;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::unique_ptr<itest::Server> server;
  try {
    server = std::make_unique<itest::Server>(std::move(args));
  } catch (...) {
    setrlimit(RLIMIT_NOFILE, &original);
    throw;
  }
  REQUIRE(setrlimit(RLIMIT_NOFILE, &original) == 0);
  return server;
}

// The kernel's timer on the server's end of the connection from local port `client_port` to
// `server_port` (/proc/net/tcp: "tr:tm->when", timer 2 is keepalive, the time in clock ticks):
// seconds to the keepalive probe, or -1 when no keepalive timer runs.
double ConnKeepaliveSeconds(int server_port, int client_port) {
  char local[16];
  char remote[16];
  std::snprintf(local, sizeof(local), "0100007F:%04X", server_port);
  std::snprintf(remote, sizeof(remote), "0100007F:%04X", client_port);
  std::ifstream in("/proc/net/tcp");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, l, r, state, queues, timer;
    if (!(fields >> slot >> l >> r >> state >> queues >> timer) || l != local || r != remote) {
      continue;
    }
    if (timer.rfind("02:", 0) != 0) return -1;
    return static_cast<double>(std::stoul(timer.substr(3), nullptr, 16)) /
           static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return -2;  // no such connection
}

}  // namespace

TEST_CASE("Ten thousand idle connections are admitted, cost little each and give it all back",
          "[integration][limits]") {
  constexpr int kIdle = 10'000;
  if (!itest::RaiseOpenFileLimit(kIdle + 256)) {
    WARN("cannot raise the open-file limit to " << kIdle + 256 << ": test not run");
    return;
  }
  itest::Server server({"--maxclients", "10100"});
  itest::Redis admin(server.port(), 10);
  const int64_t used_before = itest::InfoInt(admin, "used_memory");
  const size_t rss_before = server.RssBytes();
  {
    ConnFds conns;
    for (int i = 0; i < kIdle; i++) {
      const int fd = itest::RawConnect(server.port());
      REQUIRE(fd >= 0);
      conns.fds.push_back(fd);
    }
    REQUIRE(itest::WaitFor([&] { return itest::InfoInt(admin, "connected_clients") == kIdle + 1; },
                           std::chrono::seconds(30)));
    const int64_t used = itest::InfoInt(admin, "used_memory");
    const size_t rss = server.RssBytes();
    const int64_t used_each = (used - used_before) / kIdle;
    const int64_t rss_each = (static_cast<int64_t>(rss) - static_cast<int64_t>(rss_before)) / kIdle;
    INFO("per idle connection: used_memory " << used_each << " bytes, RSS " << rss_each
                                              << " bytes");
    CHECK(used_each < 4096);
    CHECK(rss_each < 8192);

    // Once each has sent a request it has a read buffer, given back when it has been idle for
    // 2 s, as Redis trims an idle client's query buffer (Redis 7.0 keeps about 14 KB a client
    // after a PING all the same).
    for (int fd : conns.fds) REQUIRE(send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6);
    int pongs = 0;
    for (int fd : conns.fds) {
      char buf[8];
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 5000) > 0 && recv(fd, buf, sizeof(buf), 0) == 7) pongs++;
    }
    CHECK(pongs == kIdle);
    const int64_t used_each_after_ping = (itest::InfoInt(admin, "used_memory") - used_before) / kIdle;
    INFO("per connection that just sent a PING: used_memory " << used_each_after_ping << " bytes");
    CHECK(used_each_after_ping < 40 * 1024);
    int64_t used_each_idle_again = 0;
    CHECK(itest::WaitFor(
        [&] {
          used_each_idle_again = (itest::InfoInt(admin, "used_memory") - used_before) / kIdle;
          return used_each_idle_again < 4096;
        },
        std::chrono::seconds(10)));
    INFO("per connection idle again: used_memory " << used_each_idle_again << " bytes");

    // With all of them connected, a PING still comes back at once.
    itest::LatencyProbe probe(server.port(), std::chrono::milliseconds(5));
    probe.WaitSamples(200);
    probe.Stop();
    INFO("PING round trips: " << probe.samples() << ", p99 " << probe.PercentileMs(99) << " ms");
    CHECK(probe.failures() == 0);
    CHECK(probe.PercentileMs(99) < 200);
  }
  CHECK(itest::WaitFor([&] { return itest::InfoInt(admin, "connected_clients") == 1; },
                       std::chrono::seconds(30)));
  CHECK(itest::WaitFor(
      [&] { return itest::InfoInt(admin, "used_memory") < used_before + 256 * 1024; },
      std::chrono::seconds(5)));
}

TEST_CASE("A server started under a low open-file limit raises it for maxclients, as Redis does",
          "[integration][limits]") {
  constexpr int kClients = 1000;
  // 256 descriptors are too few for 1,000 clients.
  auto server = ConnStartUnderSoftLimit(256, {"--maxclients", std::to_string(kClients)});
  if (!itest::RaiseOpenFileLimit(kClients + 256)) {
    WARN("cannot raise this process's open-file limit: test not run");
    return;
  }
  // Redis asks for maxclients + 32 (its reserved descriptors) at start.
  CHECK(ConnOpenFileLimit(server->pid()) >= kClients + 32);

  itest::Redis admin(server->port(), 10);
  ConnFds conns;
  for (int i = 0; i < kClients - 1; i++) {
    const int fd = itest::RawConnect(server->port());
    REQUIRE(fd >= 0);
    conns.fds.push_back(fd);
  }
  CHECK(itest::WaitFor([&] { return itest::InfoInt(admin, "connected_clients") == kClients; },
                       std::chrono::seconds(20)));
  // One more is turned away with Redis's error, not dropped for want of a descriptor.
  itest::RawSocket extra(server->port());
  CHECK(extra.ReadUntilClosed() == "-ERR max number of clients reached\r\n");
  CHECK(admin.Text({"PING"}) == "PONG");
}

TEST_CASE("Asked for more clients than the system allows descriptors, the server lowers "
          "maxclients to fit, as Redis does",
          "[integration][limits]") {
  // 2,000,032 descriptors are past any hard limit here (and past fs.nr_open, which binds root).
  itest::Server server({"--maxclients", "2000000"});
  itest::Redis r(server.port());
  const int64_t limit = ConnOpenFileLimit(server.pid());
  INFO("the server's open-file limit: " << limit);
  CHECK(limit < 2000032);
  itest::Reply got = r.Command({"CONFIG", "GET", "maxclients"});
  REQUIRE(got->elements == 2);
  CHECK(std::string(got->element[1]->str) == std::to_string(limit - 32));
  CHECK(server.Log().find("maxclients has been reduced to " + std::to_string(limit - 32) +
                          " to compensate for low ulimit.") != std::string::npos);
}

TEST_CASE("CONFIG SET maxclients raises the open-file limit, or is refused naming what fits, "
          "as Redis does",
          "[integration][limits]") {
  auto server = ConnStartUnderSoftLimit(256, {"--maxclients", "100"});
  itest::Redis r(server->port());
  CHECK(ConnOpenFileLimit(server->pid()) == 256);
  CHECK(r.Text({"CONFIG", "SET", "maxclients", "1000"}) == "OK");
  CHECK(ConnOpenFileLimit(server->pid()) >= 1032);

  // Past any limit this process may reach: refused, and maxclients stays as it was.
  const std::string refused = r.Text({"CONFIG", "SET", "maxclients", "2000000"});
  const int64_t limit = ConnOpenFileLimit(server->pid());
  CHECK(refused ==
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating "
        "system is not able to handle the specified number of clients, try with " +
            std::to_string(limit - 32));
  itest::Reply got = r.Command({"CONFIG", "GET", "maxclients"});
  REQUIRE(got->elements == 2);
  CHECK(std::string(got->element[1]->str) == "1000");
  // Lowering needs no descriptors.
  CHECK(r.Text({"CONFIG", "SET", "maxclients", "50"}) == "OK");
}

TEST_CASE("Under an open-file limit of 16 the server refuses to start, as Redis does",
          "[integration][limits]") {
  if (access("/usr/bin/prlimit", X_OK) != 0) {
    WARN("no /usr/bin/prlimit: test not run");
    return;
  }
  testing_support::TempDir dir;
  // prlimit lowers the hard limit too (for itself, then the server it becomes): no raising it.
  itest::ChildProcess child({"/usr/bin/prlimit", "--nofile=16:16", RUNNEL_SERVER_BIN, "--port",
                             "0", "--appendonly", "no", "--dir", dir.path()},
                            dir.File("server.log"));
  CHECK(child.WaitExit(10000) == 1);
  CHECK(child.Log().find("Your current 'ulimit -n' of 16 is not enough for the server to start. "
                         "Please increase your open file limit to at least 10032. Exiting.") !=
        std::string::npos);
}

TEST_CASE("tcp-keepalive arms the keepalive timer of each new connection; 0 leaves it off",
          "[integration][limits]") {
  if (access("/proc/net/tcp", R_OK) != 0) {
    WARN("no /proc/net/tcp to read the timers from: test not run");
    return;
  }
  for (const auto& [setting, seconds] : {std::pair<std::string, double>{"300", 300},
                                         std::pair<std::string, double>{"60", 60},
                                         std::pair<std::string, double>{"0", -1}}) {
    INFO("tcp-keepalive " << setting);
    itest::Server server({"--tcp-keepalive", setting});
    itest::RawSocket s(server.port());
    s.SendAll("PING\r\n");
    REQUIRE(s.ReadAtLeast(7) == "+PONG\r\n");  // accepted and set up by now
    sockaddr_in me{};
    socklen_t len = sizeof(me);
    REQUIRE(getsockname(s.fd(), reinterpret_cast<sockaddr*>(&me), &len) == 0);
    const double left = ConnKeepaliveSeconds(server.port(), ntohs(me.sin_port));
    if (seconds < 0) {
      CHECK(left == -1);
    } else {
      CHECK(left > seconds - 10);
      CHECK(left <= seconds);
    }
  }
}

TEST_CASE("A flood of 20,000 connections opened and dropped leaves the server serving and "
          "counting right",
          "[integration][limits]") {
  constexpr int kConnections = 20'000;
  itest::Server server;
  itest::Redis admin(server.port(), 10);
  itest::LatencyProbe probe(server.port());
  const int64_t received_before = itest::InfoInt(admin, "total_connections_received");
  const int64_t used_before = itest::InfoInt(admin, "used_memory");
  int answered = 0;
  const auto start = itest::Clock::now();
  for (int i = 0; i < kConnections; i++) {
    const int fd = itest::RawConnect(server.port());
    REQUIRE(fd >= 0);
    switch (i % 8) {
      case 0: {
        // Politely: QUIT, and the server closes first (its side keeps the TIME_WAIT, so the
        // flood does not use up this side's ephemeral ports).
        const char quit[] = "QUIT\r\n";
        REQUIRE(send(fd, quit, sizeof(quit) - 1, MSG_NOSIGNAL) > 0);
        char buf[16];
        pollfd p{fd, POLLIN, 0};
        std::string got;
        while (poll(&p, 1, 2000) > 0) {
          const ssize_t n = recv(fd, buf, sizeof(buf), 0);
          if (n <= 0) break;
          got.append(buf, static_cast<size_t>(n));
        }
        answered += got == "+OK\r\n";
        close(fd);
        break;
      }
      case 1: {
        // Half a request, then a reset.
        const char half[] = "*2\r\n$3\r\nGET\r\n$3\r\nke";
        REQUIRE(send(fd, half, sizeof(half) - 1, MSG_NOSIGNAL) > 0);
        ConnReset(fd);
        break;
      }
      case 2:
        // A FIN from this side with nothing sent (a client that gave up).
        if (i % 80 == 2) {
          close(fd);
          break;
        }
        [[fallthrough]];
      default:
        ConnReset(fd);  // gone at once, maybe before the server has even accepted it
        break;
    }
  }
  const auto flood_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(itest::Clock::now() - start).count();
  probe.WaitSamples(100);
  probe.Stop();
  INFO(kConnections << " connections in " << flood_ms << " ms; PING round trips meanwhile: "
                    << probe.samples() << ", p99 " << probe.PercentileMs(99) << " ms");
  CHECK(answered == kConnections / 8);
  CHECK(probe.failures() == 0);
  CHECK(probe.PercentileMs(99) < 200);
  CHECK(itest::WaitFor([&] { return itest::InfoInt(admin, "connected_clients") == 2; },
                       std::chrono::seconds(10)));
  CHECK(itest::InfoInt(admin, "total_connections_received") == received_before + kConnections);
  CHECK(itest::InfoInt(admin, "rejected_connections") == 0);
  CHECK(itest::WaitFor(
      [&] { return itest::InfoInt(admin, "used_memory") < used_before + 256 * 1024; },
      std::chrono::seconds(5)));
  CHECK(admin.Text({"PING"}) == "PONG");
}
