// Pub/Sub against the real server: a subscriber that stops reading is disconnected at the
// pubsub class's client-output-buffer-limit (counted in INFO) while the publisher and a
// subscriber that keeps reading carry on and get everything; a subscriber's channels go when
// its connection does.
#include <atomic>
#include <string>
#include <thread>

#include "blocking_helpers.h"
#include "server_fixture.h"

namespace {

std::string Info(itest::Redis& r, const std::string& field) {
  const std::string text = r.Text({"INFO", "everything"});
  const size_t at = text.find(field + ":");
  if (at == std::string::npos) return "<missing>";
  const size_t start = at + field.size() + 1;
  return text.substr(start, text.find("\r\n", start) - start);
}

}  // namespace

TEST_CASE("A subscriber that stops reading is cut off at the pubsub limit; the rest carry on",
          "[integration][pubsub]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 128kb 60"}) ==
          "OK");
  const std::string confirm = "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n";
  itest::RawSocket slow(server.port());
  slow.SendAll(itest::Multibulk({"SUBSCRIBE", "ch"}));
  REQUIRE(slow.ReadAtLeast(confirm.size()) == confirm);
  itest::RawSocket fast(server.port());
  fast.SendAll(itest::Multibulk({"SUBSCRIBE", "ch"}));
  REQUIRE(fast.ReadAtLeast(confirm.size()) == confirm);

  constexpr int kMessages = 20000;
  const std::string payload(1000, 'x');
  const std::string one = "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1000\r\n" + payload + "\r\n";
  std::atomic<size_t> fast_bytes{0};
  std::thread reader([&] {
    // The reading subscriber keeps up the whole time.
    fast_bytes = fast.ReadAtLeast(one.size() * kMessages, 30000).size();
  });
  itest::Redis publisher(server.port());
  int64_t last_count = -1;
  for (int i = 0; i < kMessages; i++) {
    itest::Reply r = publisher.Command({"PUBLISH", "ch", payload});
    REQUIRE(r);
    last_count = r->integer;
  }
  reader.join();
  CHECK(fast_bytes == one.size() * kMessages);
  CHECK(last_count == 1);  // by then only the reading subscriber was left
  CHECK(Info(admin, "client_output_buffer_limit_disconnections") == "1");
  itest::Reply numsub = admin.Command({"PUBSUB", "NUMSUB", "ch"});
  REQUIRE(numsub);
  CHECK(numsub->element[1]->integer == 1);
  // The slow one finds what was sent before the cut, then the end of the connection.
  slow.ReadUntilClosed(5000);
  CHECK(slow.eof());
}

TEST_CASE("A subscriber's channels and patterns go with its connection", "[integration][pubsub]") {
  itest::Server server;
  itest::Redis admin(server.port());
  {
    itest::RawSocket sub(server.port());
    sub.SendAll(itest::Multibulk({"SUBSCRIBE", "a", "b"}));
    sub.SendAll(itest::Multibulk({"PSUBSCRIBE", "p*"}));
    sub.ReadAtLeast(3 * 30);
    itest::Reply numpat = admin.Command({"PUBSUB", "NUMPAT"});
    REQUIRE(numpat);
    CHECK(numpat->integer == 1);
  }
  for (int i = 0; i < 200; i++) {
    itest::Reply n = admin.Command({"PUBSUB", "NUMPAT"});
    if (n && n->integer == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  itest::Reply numpat = admin.Command({"PUBSUB", "NUMPAT"});
  REQUIRE(numpat);
  CHECK(numpat->integer == 0);
  CHECK(admin.Text({"PUBLISH", "a", "x"}) == "0");
}
