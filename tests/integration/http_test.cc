// The HTTP listener against the real server: /metrics scraped and checked against data made
// over RESP, authentication and ACL rules, bad input and slow clients (and that RESP clients
// do not feel them), keep-alive, connection limits, and HTTPS.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/integration/http_helpers.h"
#include "tests/support/temp_dir.h"

namespace {

using httptest::BasicAuth;
using httptest::Get;
using httptest::Sample;

TEST_CASE("Scraping /metrics shows the streams and groups made over RESP") {
  httptest::HttpServer hs;
  itest::Redis r(hs.port());
  for (int i = 1; i <= 5; i++) r.Command({"XADD", "orders", "1-" + std::to_string(i), "f", "v"});
  r.Command({"XGROUP", "CREATE", "orders", "billing", "0"});
  r.Command({"XGROUP", "CREATE", "orders", "audit", "$"});
  r.Command({"XREADGROUP", "GROUP", "billing", "w1", "COUNT", "3", "STREAMS", "orders", ">"});
  r.Command({"XACK", "orders", "billing", "1-1"});
  r.Command({"SELECT", "2"});
  r.Command({"XADD", "other", "*", "f", "v"});

  const httptest::Reply m = Get(hs.http_port(), "/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.head.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  const std::string& b = m.body;
  CHECK(Sample(b, "runnel_stream_length{db=\"0\",stream=\"orders\"}") == "5");
  CHECK(Sample(b, "runnel_stream_entries_added_total{db=\"0\",stream=\"orders\"}") == "5");
  CHECK(Sample(b, "runnel_stream_groups{db=\"0\",stream=\"orders\"}") == "2");
  CHECK(Sample(b, "runnel_stream_length{db=\"2\",stream=\"other\"}") == "1");
  const std::string billing = "{db=\"0\",stream=\"orders\",group=\"billing\"}";
  CHECK(Sample(b, "runnel_group_lag" + billing) == "2");
  CHECK(Sample(b, "runnel_group_pending" + billing) == "2");
  CHECK(Sample(b, "runnel_group_consumers" + billing) == "1");
  CHECK(Sample(b, "runnel_group_lag{db=\"0\",stream=\"orders\",group=\"audit\"}") == "0");
  CHECK(Sample(b, "runnel_group_pending{db=\"0\",stream=\"orders\",group=\"audit\"}") == "0");
  CHECK(Sample(b, "runnel_keys{db=\"2\"}") == "1");
  CHECK(Sample(b, "runnel_connected_clients") == "1");
  CHECK(!Sample(b, "runnel_commands_processed_total").empty());

  // The values follow the data.
  r.Command({"SELECT", "0"});
  r.Command({"XACK", "orders", "billing", "1-2", "1-3"});
  r.Command({"XADD", "orders", "2-1", "f", "v"});
  const std::string after = Get(hs.http_port(), "/metrics").body;
  CHECK(Sample(after, "runnel_group_pending" + billing) == "0");
  CHECK(Sample(after, "runnel_group_lag" + billing) == "3");
  CHECK(Sample(after, "runnel_stream_length{db=\"0\",stream=\"orders\"}") == "6");
}

TEST_CASE("HTTP requests need credentials when RESP clients need AUTH, and /metrics needs INFO") {
  httptest::HttpServer hs({"--requirepass", "s3cret"});
  itest::Redis r(hs.port());
  REQUIRE(r.Text({"AUTH", "s3cret"}) == "OK");
  REQUIRE(r.Text({"ACL", "SETUSER", "reader", "on", ">rpw", "+info", "~*"}) == "OK");
  REQUIRE(r.Text({"ACL", "SETUSER", "writer", "on", ">wpw", "+@all", "-info", "~*"}) == "OK");
  const int port = hs.http_port();

  const httptest::Reply none = Get(port, "/metrics");
  CHECK(none.status == 401);
  CHECK(none.head.find("WWW-Authenticate: Basic realm=\"runnel\"") != std::string::npos);
  CHECK(Get(port, "/metrics", {BasicAuth("default:wrong")}).status == 401);
  CHECK(Get(port, "/metrics", {"Authorization: Bearer abc"}).status == 401);
  // The default user's password alone, as AUTH <password>.
  CHECK(Get(port, "/metrics", {BasicAuth("s3cret")}).status == 200);
  CHECK(Get(port, "/metrics", {BasicAuth(":s3cret")}).status == 200);
  CHECK(Get(port, "/metrics", {BasicAuth("default:s3cret")}).status == 200);
  CHECK(Get(port, "/metrics", {BasicAuth("reader:rpw")}).status == 200);
  CHECK(Get(port, "/metrics", {BasicAuth("writer:wpw")}).status == 403);
  // Unknown paths are only told apart once authenticated.
  CHECK(Get(port, "/nothing-here").status == 401);
  CHECK(Get(port, "/nothing-here", {BasicAuth("reader:rpw")}).status == 404);
  // A failed login is in the ACL LOG, as a failed AUTH is.
  itest::Reply log = r.Command({"ACL", "LOG"});
  REQUIRE(log);
  CHECK(log->elements >= 1);
  // The pseudo-client a request runs as is not a RESP client.
  const std::string list = r.Text({"CLIENT", "LIST"});
  CHECK(list.find("name=http") == std::string::npos);
}

TEST_CASE("Without a password, HTTP requests run as the default user") {
  httptest::HttpServer hs;
  itest::Redis r(hs.port());
  CHECK(Get(hs.http_port(), "/metrics").status == 200);
  // When the default user loses INFO, /metrics is refused.
  REQUIRE(r.Text({"ACL", "SETUSER", "default", "-info"}) == "OK");
  CHECK(Get(hs.http_port(), "/metrics").status == 403);
}

TEST_CASE("Bad HTTP input gets its error status and the connection is closed") {
  httptest::HttpServer hs;
  const int port = hs.http_port();
  SECTION("malformed request: 400") {
    CHECK(httptest::Exchange(port, "HELLO THERE\r\n\r\n").status == 400);
    const char kNulInHeader[] = "GET /metrics HTTP/1.1\r\nHo\0st: x\r\n\r\n";
    CHECK(httptest::Exchange(port, std::string(kNulInHeader, sizeof(kNulInHeader) - 1)).status ==
          400);
  }
  SECTION("headers past 8 KB: 431") {
    const std::string big = "X-Big: " + std::string(9000, 'a') + "\r\n";
    CHECK(httptest::Exchange(port, "GET /metrics HTTP/1.1\r\n" + big + "\r\n").status == 431);
  }
  SECTION("a body past 64 KB: 413, by its Content-Length or as it arrives chunked") {
    CHECK(httptest::Exchange(port, "POST /api HTTP/1.1\r\nContent-Length: 100000\r\n\r\n").status ==
          413);
    std::string chunked = "POST /api HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; i++) chunked += "1000\r\n" + std::string(4096, 'x') + "\r\n";
    CHECK(httptest::Exchange(port, chunked).status == 413);
  }
  SECTION("unknown path: 404, wrong method: 405 (the connection stays)") {
    itest::RawSocket s(port);
    s.SendAll("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
              "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string raw;
    while (std::count(raw.begin(), raw.end(), '\n') < 12 && !s.eof()) raw += s.ReadAtLeast(1);
    const httptest::Reply a = httptest::TakeReply(raw);
    const httptest::Reply b = httptest::TakeReply(raw);
    const httptest::Reply c = httptest::TakeReply(raw, true);
    CHECK(a.status == 404);
    CHECK(b.status == 405);
    CHECK(b.head.find("Allow: GET, HEAD") != std::string::npos);
    CHECK(c.status == 200);
    CHECK(c.head.find("Content-Length: ") != std::string::npos);
    CHECK(raw.empty());  // HEAD: no body
    CHECK_FALSE(s.eof());
  }
}

TEST_CASE("A client that expects 100-continue is told to go on before it sends its body") {
  httptest::HttpServer hs;
  itest::RawSocket s(hs.http_port());
  s.SendAll("POST /api/nothing HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  CHECK(s.ReadAtLeast(25) == "HTTP/1.1 100 Continue\r\n\r\n");
  s.SendAll("hello");
  std::string raw = s.ReadAtLeast(20);
  CHECK(httptest::TakeReply(raw).status == 404);
}

TEST_CASE("Keep-alive connections answer pipelined requests in order") {
  httptest::HttpServer hs;
  itest::RawSocket s(hs.http_port());
  std::string requests;
  for (int i = 0; i < 20; i++) {
    requests += i % 2 == 0 ? "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /x HTTP/1.1\r\n\r\n";
  }
  requests += "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n";
  s.SendAll(requests);
  std::string raw = s.ReadUntilClosed(5000);
  for (int i = 0; i < 20; i++) {
    const httptest::Reply r = httptest::TakeReply(raw);
    INFO("response " << i);
    CHECK(r.status == (i % 2 == 0 ? 200 : 404));
  }
  const httptest::Reply last = httptest::TakeReply(raw);
  CHECK(last.status == 200);
  CHECK(last.head.find("Connection: close") != std::string::npos);
  CHECK(s.eof());
}

// Streams s:0 .. s:n-1, each with an entry and a group, made in one pipeline.
void MakeStreams(int port, int n) {
  itest::RawSocket s(port);
  std::string batch;
  for (int i = 0; i < n; i++) {
    const std::string key = "s:" + std::to_string(i);
    batch += itest::Multibulk({"XADD", key, "1-1", "f", "v"});
    batch += itest::Multibulk({"XGROUP", "CREATE", key, "g", "0"});
  }
  s.SendAll(batch);
  itest::ReplyReader reader;
  int replies = 0;
  while (replies < 2 * n) {
    const std::string got = s.ReadAtLeast(1, 5000);
    REQUIRE(!got.empty());
    reader.Feed(got);
    while (reader.Next()) replies++;
  }
}

TEST_CASE("A scrape of thousands of streams comes whole, and requests behind it wait their turn") {
  httptest::HttpServer hs;
  MakeStreams(hs.port(), 3000);
  itest::RawSocket s(hs.http_port());
  s.SendAll("GET /metrics HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n"
            "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
  std::string raw = s.ReadUntilClosed(10000);
  const httptest::Reply first = httptest::TakeReply(raw);
  const httptest::Reply second = httptest::TakeReply(raw);
  const httptest::Reply third = httptest::TakeReply(raw);
  CHECK(first.status == 200);
  CHECK(second.status == 404);
  CHECK(third.status == 200);
  CHECK(first.body.size() > 1'000'000);
  for (const httptest::Reply* r : {&first, &third}) {
    CHECK(Sample(r->body, "runnel_stream_length{db=\"0\",stream=\"s:2999\"}") == "1");
    CHECK(Sample(r->body, "runnel_group_lag{db=\"0\",stream=\"s:0\",group=\"g\"}") == "1");
    CHECK(r->body.back() == '\n');
  }
  CHECK(raw.empty());
}

TEST_CASE("A slow HTTP client is answered 408 and closed, an idle one is closed") {
  httptest::HttpServer hs({"--http-request-timeout", "1", "--http-keepalive-timeout", "1"});
  itest::RawSocket slow(hs.http_port());
  slow.SendAll("GET /metrics HTTP/1.1\r\nHost: x\r\n");  // headers never finished
  itest::RawSocket idle(hs.http_port());
  idle.SendAll("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto start = itest::Clock::now();
  std::string raw = slow.ReadUntilClosed(4000);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(itest::Clock::now() - start);
  CHECK(httptest::TakeReply(raw).status == 408);
  CHECK(slow.eof());
  CHECK(waited.count() >= 700);
  CHECK(waited.count() < 3000);
  std::string idle_raw = idle.ReadUntilClosed(4000);
  CHECK(httptest::TakeReply(idle_raw).status == 404);
  CHECK(idle.eof());
}

TEST_CASE("HTTP connections past http-maxclients are answered 503") {
  httptest::HttpServer hs({"--http-maxclients", "2"});
  itest::RawSocket a(hs.http_port());
  itest::RawSocket b(hs.http_port());
  a.SendAll("GET /x HTTP/1.1\r\n\r\n");
  b.SendAll("GET /x HTTP/1.1\r\n\r\n");
  a.ReadAtLeast(10);
  b.ReadAtLeast(10);
  CHECK(Get(hs.http_port(), "/metrics").status == 503);
  a.Close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(Get(hs.http_port(), "/metrics").status == 200);
}

// Connects, sends `bytes`, reads until the server closes. For helper threads: no assertions.
void SendAndDrain(int port, const std::string& bytes) {
  const int fd = itest::RawConnect(port);
  if (fd < 0) return;
  send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  char buf[65536];
  while (recv(fd, buf, sizeof(buf), 0) > 0) {
  }
  close(fd);
}

TEST_CASE("Slow and garbage HTTP clients do not slow RESP clients down") {
  httptest::HttpServer hs({"--http-maxclients", "1000"});
  const int http_port = hs.http_port();
  std::atomic<bool> stop{false};
  // The threads use plain sockets and no Catch2 assertions (those are for the main thread).
  // Slowloris: many connections, each dribbling a header a few bytes at a time.
  std::thread slowloris([&] {
    std::vector<int> fds;
    for (int i = 0; i < 200; i++) {
      const int fd = itest::RawConnect(http_port);
      if (fd < 0) continue;
      send(fd, "GET /metrics HTTP/1.1\r\n", 23, MSG_NOSIGNAL);
      fds.push_back(fd);
    }
    while (!stop) {
      for (int fd : fds) send(fd, "X-a: b\r\n", 8, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (int fd : fds) close(fd);
  });
  // Garbage: connections that send junk and are thrown out, over and over.
  std::thread garbage([&] {
    std::string junk(4096, '\0');
    for (size_t i = 0; i < junk.size(); i++) junk[i] = static_cast<char>(i * 131 + 7);
    while (!stop) SendAndDrain(http_port, junk);
  });
  // Scrapes, back to back.
  std::thread scraper([&] {
    while (!stop) SendAndDrain(http_port, "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
  });
  itest::Redis r(hs.port());
  std::vector<double> ms;
  for (int i = 0; i < 500; i++) {
    const auto t0 = itest::Clock::now();
    REQUIRE(r.Text({"PING"}) == "PONG");
    ms.push_back(std::chrono::duration<double, std::milli>(itest::Clock::now() - t0).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop = true;
  slowloris.join();
  garbage.join();
  scraper.join();
  std::sort(ms.begin(), ms.end());
  const double p50 = ms[ms.size() / 2];
  const double p99 = ms[ms.size() * 99 / 100];
  INFO("PING p50 " << p50 << " ms, p99 " << p99 << " ms, max " << ms.back() << " ms");
  CHECK(p50 < 5);
  CHECK(p99 < 50);
}

TEST_CASE("With http-tls, the listener speaks HTTPS with the tls-port's certificate") {
  testing_support::TempDir dir;
  const std::string d = dir.path();
  const std::string make_cert =
      "openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
      d + "/server.key -out " + d + "/server.crt -days 2 -subj /CN=localhost -addext "
      "subjectAltName=IP:127.0.0.1 >" + d + "/openssl.log 2>&1";
  REQUIRE(std::system(make_cert.c_str()) == 0);
  httptest::HttpServer hs({"--tls-port", std::to_string(itest::FreePort()), "--tls-cert-file",
                           d + "/server.crt", "--tls-key-file", d + "/server.key",
                           "--tls-auth-clients", "no", "--http-tls", "yes"});
  const std::string curl = "curl -s -o " + d + "/body -w '%{http_code}' --cacert " + d +
                           "/server.crt https://127.0.0.1:" + std::to_string(hs.http_port());
  auto run = [](const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[256];
    while (fgets(buf, sizeof(buf), p) != nullptr) out += buf;
    pclose(p);
    return out;
  };
  CHECK(run(curl + "/metrics") == "200");
  CHECK(dir.Read("body").find("# TYPE runnel_connected_clients gauge") != std::string::npos);
  // A big response: encrypted and sent a slice at a time.
  MakeStreams(hs.port(), 3000);
  CHECK(run(curl + "/metrics") == "200");
  const std::string big = dir.Read("body");
  CHECK(big.size() > 1'000'000);
  CHECK(Sample(big, "runnel_stream_length{db=\"0\",stream=\"s:2999\"}") == "1");
  CHECK(run(curl + "/missing") == "404");
  // Plain HTTP on the HTTPS port gets no HTTP answer.
  CHECK(httptest::Exchange(hs.http_port(), "GET /metrics HTTP/1.1\r\n\r\n", 2000).status == 0);
}

TEST_CASE("SHUTDOWN closes open HTTP connections, a scrape in progress included, and exits") {
  httptest::HttpServer hs;
  MakeStreams(hs.port(), 3000);
  itest::RawSocket idle(hs.http_port());
  idle.SendAll("GET /x HTTP/1.1\r\n\r\n");
  itest::RawSocket scraping(hs.http_port());
  scraping.SendAll("GET /metrics HTTP/1.1\r\n\r\n");
  itest::Redis r(hs.port());
  r.Command({"SHUTDOWN", "NOSAVE"});
  CHECK(hs.server().WaitExit(5000) == 0);
  idle.ReadUntilClosed(2000);
  CHECK(idle.eof());
}

// Starts runnel-server with `args` (and a free RESP port), expecting it to refuse to start;
// returns what it logged.
std::string FailedStartLog(const std::string& args) {
  testing_support::TempDir dir;
  const std::string cmd = std::string(RUNNEL_SERVER_BIN) + " --port 0 --appendonly no --dir " +
                          dir.path() + " " + args + " >" + dir.File("log") + " 2>&1";
  CHECK(std::system(cmd.c_str()) != 0);
  return dir.Read("log");
}

TEST_CASE("http-tls without a tls-port stops the server at start") {
  const std::string log =
      FailedStartLog("--http-port " + std::to_string(itest::FreePort()) + " --http-tls yes");
  CHECK(log.find("http-tls yes needs a tls-port") != std::string::npos);
}

TEST_CASE("An http-port another process holds stops the server at start") {
  httptest::HttpServer holder;  // its HTTP port is taken
  const std::string log = FailedStartLog("--http-port " + std::to_string(holder.http_port()));
  CHECK(log.find("Could not create HTTP listening socket") != std::string::npos);
}

TEST_CASE("http-port is read at start: CONFIG SET refuses it, CONFIG GET shows it") {
  httptest::HttpServer hs;
  itest::Redis r(hs.port());
  itest::Reply got = r.Command({"CONFIG", "GET", "http-port"});
  REQUIRE(got);
  REQUIRE(got->elements == 2);
  CHECK(std::string(got->element[1]->str) == std::to_string(hs.http_port()));
  CHECK(r.Text({"CONFIG", "SET", "http-port", "0"}).find("can't set immutable config") !=
        std::string::npos);
  CHECK(r.Text({"CONFIG", "SET", "http-request-timeout", "5"}) == "OK");
}

}  // namespace
