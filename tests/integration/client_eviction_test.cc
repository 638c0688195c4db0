// maxmemory-clients against the real server: when the clients together hold more than the
// bound (bytes, or a percentage of maxmemory), the one holding most is closed and counted in
// INFO's evicted_clients; a CLIENT NO-EVICT client is spared; small clients stay served.
// INFO's client_recent_max_input_buffer shows the large request for a few seconds after.
#include <sys/socket.h>

#include <algorithm>
#include <string>

#include "limits_helpers.h"

namespace {

constexpr int64_t kEvictKiB = 1024;

// The partial request reached the server (the client is still connected and buffered).
void EvictionWaitBuffered(itest::Redis& admin, int64_t bytes) {
  INFO("waiting for a query buffer of " << bytes << " bytes");
  REQUIRE(itest::WaitFor([&] { return itest::MaxClientField(admin, "qbuf") >= bytes; },
                         std::chrono::seconds(20)));
}

// Sends `data` in 128 KB slices, so the server sees the buffer grow, until all is sent or the
// server closes the connection (as it does once the sender is evicted).
void EvictionSendUntilClosed(itest::RawSocket& s, const std::string& data) {
  constexpr size_t kSlice = 128 * 1024;
  for (size_t at = 0; at < data.size(); at += kSlice) {
    const size_t n = std::min(kSlice, data.size() - at);
    if (send(s.fd(), data.data() + at, n, MSG_NOSIGNAL) <= 0) return;
  }
}

// The server closed the socket (it reads EOF).
bool EvictionClosed(itest::RawSocket& s) {
  s.ReadUntilClosed(5000);
  return s.eof();
}

// CONFIG GET's value of one option.
std::string EvictionConfigValue(itest::Redis& admin, const std::string& name) {
  itest::Reply got = admin.Command({"CONFIG", "GET", name});
  REQUIRE(got->elements == 2);
  return got->element[1]->str;
}

}  // namespace

TEST_CASE("Past maxmemory-clients the client holding most memory is closed", "[integration][limits]") {
  itest::Server server({"--maxmemory-clients", "1mb"});
  itest::Redis admin(server.port(), 10);
  CHECK(EvictionConfigValue(admin, "maxmemory-clients") == "1048576");
  itest::RawSocket hog(server.port());
  EvictionSendUntilClosed(hog, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" +
                                   std::string(12 * 128 * kEvictKiB, 'x'));
  CHECK(EvictionClosed(hog));
  CHECK(itest::InfoInt(admin, "evicted_clients") == 1);
  CHECK(admin.Text({"PING"}) == "PONG");  // the small client is still served
  CHECK(itest::InfoInt(admin, "client_recent_max_input_buffer") >= 512 * kEvictKiB);
  CHECK(server.Log().find("Evicting client: id=") == std::string::npos);  // verbose only
  // Under the bound nothing happens.
  itest::RawSocket modest(server.port());
  modest.SendAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + std::string(200 * kEvictKiB, 'x'));
  EvictionWaitBuffered(admin, 200 * kEvictKiB);
  CHECK(modest.ReadAtLeast(1, 300).empty());
  CHECK_FALSE(modest.eof());
  CHECK(itest::InfoInt(admin, "evicted_clients") == 1);
  CHECK(admin.Text({"CONFIG", "RESETSTAT"}) == "OK");
  CHECK(itest::InfoInt(admin, "evicted_clients") == 0);
}

TEST_CASE("A CLIENT NO-EVICT client is spared and the next largest goes", "[integration][limits]") {
  itest::Server server({"--maxmemory-clients", "1mb"});
  itest::Redis admin(server.port(), 10);
  itest::RawSocket spared(server.port());
  spared.SendAll("*3\r\n$6\r\nCLIENT\r\n$8\r\nNO-EVICT\r\n$2\r\nON\r\n");
  REQUIRE(spared.ReadAtLeast(5) == "+OK\r\n");
  spared.SendAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + std::string(800 * kEvictKiB, 'x'));
  EvictionWaitBuffered(admin, 800 * kEvictKiB);
  itest::RawSocket smaller(server.port());
  EvictionSendUntilClosed(smaller, "*3\r\n$3\r\nSET\r\n$1\r\nj\r\n$3000000\r\n" +
                                       std::string(400 * kEvictKiB, 'y'));
  CHECK(EvictionClosed(smaller));
  CHECK(itest::InfoInt(admin, "evicted_clients") == 1);
  CHECK(spared.ReadAtLeast(1, 300).empty());
  CHECK_FALSE(spared.eof());
  // The rest of its value arrives: it is answered.
  spared.SendAll(std::string(3000000 - 800 * kEvictKiB, 'x') + "\r\n");
  CHECK(spared.ReadAtLeast(5) == "+OK\r\n");
}

TEST_CASE("maxmemory-clients as a percentage is taken of maxmemory", "[integration][limits]") {
  itest::Server server;
  itest::Redis admin(server.port(), 10);
  CHECK(admin.Text({"CONFIG", "SET", "maxmemory-clients", "101%"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage "
        "argument must be less or equal to 100");
  CHECK(admin.Text({"CONFIG", "SET", "maxmemory-clients", "1.5%"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument "
        "must be a memory or percent value");
  CHECK(admin.Text({"CONFIG", "SET", "maxmemory-clients", "10%"}) == "OK");
  CHECK(EvictionConfigValue(admin, "maxmemory-clients") == "10%");
  // Without maxmemory, a percentage bounds nothing.
  {
    itest::RawSocket s(server.port());
    s.SendAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + std::string(2048 * kEvictKiB, 'x'));
    EvictionWaitBuffered(admin, 2048 * kEvictKiB);
    CHECK_FALSE(s.eof());
  }
  CHECK(admin.Text({"CONFIG", "SET", "maxmemory", "10mb"}) == "OK");  // bound: 1 MB
  itest::RawSocket s(server.port());
  EvictionSendUntilClosed(s, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" +
                                 std::string(2048 * kEvictKiB, 'x'));
  CHECK(EvictionClosed(s));
  CHECK(itest::InfoInt(admin, "evicted_clients") == 1);
}
