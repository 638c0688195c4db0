// CLIENT PAUSE / UNPAUSE, CLIENT REPLY, CLIENT UNBLOCK and CLIENT LIST's buffer fields against
// the real server: what the connection does with the state the handlers set (held requests,
// dropped replies, blocked clients answered, buffer figures that follow the socket).
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "blocking_helpers.h"
#include "server_fixture.h"

namespace {

// The value of `field=` in a CLIENT LIST / INFO line.
std::string ClientField(const std::string& line, const std::string& field) {
  const size_t at = line.find(" " + field + "=");
  if (at == std::string::npos) return "(absent)";
  const size_t start = at + field.size() + 2;
  return line.substr(start, line.find_first_of(" \n", start) - start);
}

std::string ListLineOf(itest::Redis& admin, const std::string& id) {
  return admin.Text({"CLIENT", "LIST", "ID", id});
}

// Polls CLIENT LIST until `field` of client `id` satisfies `ok` (2 s at most).
template <typename Pred>
bool WaitField(itest::Redis& admin, const std::string& id, const std::string& field, Pred ok) {
  const auto deadline = itest::Clock::now() + std::chrono::seconds(2);
  while (itest::Clock::now() < deadline) {
    if (ok(ClientField(ListLineOf(admin, id), field))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Connects a raw socket and returns its client id (asked with CLIENT ID).
std::string RawClientId(itest::RawSocket& raw) {
  raw.SendAll(itest::Multibulk({"CLIENT", "ID"}));
  const std::string reply = raw.ReadAtLeast(4);
  return reply.substr(1, reply.find('\r') - 1);
}

// Sends a blocking request on `raw`, waits until the server counts it blocked, unblocks it
// with `args` from `admin` (1 expected) and returns what `raw` then reads (`want` bytes).
std::string UnblockAndRead(itest::Redis& admin, itest::RawSocket& raw,
                           const std::vector<std::string>& request,
                           const std::vector<std::string>& args, size_t want) {
  raw.SendAll(itest::Multibulk(request));
  REQUIRE(itest::WaitBlockedClients(admin, 1));
  CHECK(admin.Text(args) == "1");
  return raw.ReadAtLeast(want);
}

const std::string kUnblockedError = "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n";

}  // namespace

TEST_CASE("CLIENT PAUSE WRITE holds another client's write until UNPAUSE while reads pass",
          "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::Redis reader(server.port());
  itest::RawSocket writer(server.port());
  const std::string writer_id = RawClientId(writer);

  REQUIRE(admin.Text({"CLIENT", "PAUSE", "100000", "WRITE"}) == "OK");
  writer.SendAll(itest::Multibulk({"SET", "k", "v"}) + itest::Multibulk({"GET", "k"}));
  CHECK(writer.ReadAtLeast(1, 200).empty());
  CHECK(reader.Text({"GET", "k"}) == "(nil)");  // reads pass
  // The held client shows as blocked.
  CHECK(WaitField(admin, writer_id, "flags", [](const std::string& f) { return f == "b"; }));

  CHECK(admin.Text({"CLIENT", "UNPAUSE"}) == "OK");
  CHECK(writer.ReadAtLeast(12) == "+OK\r\n$1\r\nv\r\n");  // in order, once the pause ends
  CHECK(reader.Text({"GET", "k"}) == "v");
}

TEST_CASE("CLIENT PAUSE ALL holds every command until its timeout", "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket other(server.port());
  const auto start = itest::Clock::now();
  REQUIRE(admin.Text({"CLIENT", "PAUSE", "300"}) == "OK");
  other.SendAll(itest::Multibulk({"PING"}));
  CHECK(other.ReadAtLeast(7) == "+PONG\r\n");
  CHECK(itest::ElapsedMs(start) >= 250);
  // The pausing client itself is held too once its own command has answered.
  admin.Text({"CLIENT", "PAUSE", "200", "ALL"});
  const auto again = itest::Clock::now();
  CHECK(admin.Text({"PING"}) == "PONG");
  CHECK(itest::ElapsedMs(again) >= 150);
}

TEST_CASE("Keys do not expire while the server is paused", "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  REQUIRE(admin.Text({"SET", "k", "v", "PX", "50"}) == "OK");
  REQUIRE(admin.Text({"CLIENT", "PAUSE", "400", "WRITE"}) == "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  // Active expiry did not run: the key is still stored (DBSIZE counts it).
  CHECK(admin.Text({"DBSIZE"}) == "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK(admin.Text({"GET", "k"}) == "(nil)");
}

TEST_CASE("CLIENT REPLY OFF drops replies until ON, and SKIP drops the next one",
          "[integration][client]") {
  itest::Server server;
  itest::RawSocket c(server.port());
  c.SendAll(itest::Multibulk({"CLIENT", "REPLY", "OFF"}) + itest::Multibulk({"SET", "a", "1"}) +
            itest::Multibulk({"GET", "a"}) + itest::Multibulk({"NOSUCH"}) +
            itest::Multibulk({"CLIENT", "REPLY", "ON"}) + itest::Multibulk({"GET", "a"}));
  CHECK(c.ReadAtLeast(12) == "+OK\r\n$1\r\n1\r\n");
  c.SendAll(itest::Multibulk({"CLIENT", "REPLY", "SKIP"}) + itest::Multibulk({"INCR", "a"}) +
            itest::Multibulk({"GET", "a"}));
  CHECK(c.ReadAtLeast(7) == "$1\r\n2\r\n");
  CHECK(c.ReadAtLeast(1, 100).empty());
}

TEST_CASE("A blocking command silenced by CLIENT REPLY gets no reply when it ends",
          "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket c(server.port());
  const std::string id = RawClientId(c);
  // SKIP: the timeout's null is dropped, the next command answers.
  c.SendAll(itest::Multibulk({"CLIENT", "REPLY", "SKIP"}) +
            itest::Multibulk({"BLPOP", "l", "0.1"}) + itest::Multibulk({"PING"}));
  CHECK(c.ReadAtLeast(7) == "+PONG\r\n");
  // OFF: neither a push that serves it nor CLIENT UNBLOCK writes anything.
  c.SendAll(itest::Multibulk({"CLIENT", "REPLY", "OFF"}) + itest::Multibulk({"BLPOP", "l", "0"}));
  REQUIRE(itest::WaitBlockedClients(admin, 1));
  CHECK(admin.Text({"RPUSH", "l", "a"}) == "1");
  REQUIRE(itest::WaitBlockedClients(admin, 0));
  CHECK(admin.Text({"LLEN", "l"}) == "0");  // it was served
  c.SendAll(itest::Multibulk({"BLPOP", "l", "0"}));
  REQUIRE(itest::WaitBlockedClients(admin, 1));
  CHECK(admin.Text({"CLIENT", "UNBLOCK", id, "ERROR"}) == "1");
  c.SendAll(itest::Multibulk({"CLIENT", "REPLY", "ON"}));
  CHECK(c.ReadAtLeast(5) == "+OK\r\n");
  CHECK(c.ReadAtLeast(1, 100).empty());
}

TEST_CASE("A subscriber with CLIENT REPLY OFF still gets its messages", "[integration][client]") {
  itest::Server server;
  itest::RawSocket sub(server.port());
  // OFF first: in subscribed mode (RESP2) CLIENT REPLY is not allowed.
  sub.SendAll(itest::Multibulk({"CLIENT", "REPLY", "OFF"}) + itest::Multibulk({"SUBSCRIBE", "ch"}));
  itest::Redis pub(server.port());
  const auto deadline = itest::Clock::now() + std::chrono::seconds(2);
  while (itest::Clock::now() < deadline) {
    itest::Reply r = pub.Command({"PUBSUB", "NUMSUB", "ch"});
    if (r && r->elements == 2 && r->element[1]->integer == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(pub.Text({"PUBLISH", "ch", "hi"}) == "1");
  // As in Redis, the SUBSCRIBE confirmation and the message are pushes: both delivered.
  const std::string both = "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
                           "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n";
  CHECK(sub.ReadAtLeast(both.size()) == both);
}

TEST_CASE("CLIENT UNBLOCK answers a BLPOP as by a timeout, or with the UNBLOCKED error",
          "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::Redis blocked(server.port());
  const std::string id = blocked.Text({"CLIENT", "ID"});
  itest::RawSocket raw(server.port());
  const std::string raw_id = RawClientId(raw);

  raw.SendAll(itest::Multibulk({"BLPOP", "l", "0"}) + itest::Multibulk({"PING"}));
  REQUIRE(itest::WaitBlockedClients(admin, 1));
  CHECK(admin.Text({"CLIENT", "UNBLOCK", raw_id}) == "1");
  CHECK(raw.ReadAtLeast(12) == "*-1\r\n+PONG\r\n");  // its next request runs after

  CHECK(UnblockAndRead(admin, raw, {"BLPOP", "l", "0"}, {"CLIENT", "UNBLOCK", raw_id, "ERROR"},
                       kUnblockedError.size()) == kUnblockedError);
  CHECK(admin.Text({"CLIENT", "UNBLOCK", raw_id}) == "0");
  CHECK(admin.Text({"CLIENT", "UNBLOCK", id}) == "0");  // connected, not blocked
  // The unblocked client was not served: a later push stays in the list.
  admin.Text({"RPUSH", "l", "x"});
  CHECK(admin.Text({"LLEN", "l"}) == "1");
}

TEST_CASE("CLIENT UNBLOCK answers an XREAD BLOCK with a null or the UNBLOCKED error",
          "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket raw(server.port());
  const std::string raw_id = RawClientId(raw);

  const std::vector<std::string> xread = {"XREAD", "BLOCK", "0", "STREAMS", "s", "$"};
  CHECK(UnblockAndRead(admin, raw, xread, {"CLIENT", "UNBLOCK", raw_id, "TIMEOUT"}, 5) ==
        "*-1\r\n");
  CHECK(UnblockAndRead(admin, raw, xread, {"CLIENT", "UNBLOCK", raw_id, "ERROR"},
                       kUnblockedError.size()) == kUnblockedError);
  CHECK(itest::WaitBlockedClients(admin, 0));
}

TEST_CASE("CLIENT UNBLOCK answers a WAIT with the acknowledgements so far, or UNBLOCKED",
          "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket raw(server.port());
  const std::string raw_id = RawClientId(raw);
  auto is_blocked = [](const std::string& f) { return f == "b"; };
  raw.SendAll(itest::Multibulk({"WAIT", "1", "0"}));  // no replica: waits forever
  REQUIRE(WaitField(admin, raw_id, "flags", is_blocked));
  CHECK(admin.Text({"CLIENT", "UNBLOCK", raw_id}) == "1");
  CHECK(raw.ReadAtLeast(4) == ":0\r\n");
  raw.SendAll(itest::Multibulk({"WAIT", "1", "0"}));
  REQUIRE(WaitField(admin, raw_id, "flags", is_blocked));
  CHECK(admin.Text({"CLIENT", "UNBLOCK", raw_id, "ERROR"}) == "1");
  CHECK(raw.ReadAtLeast(kUnblockedError.size()) == kUnblockedError);
  raw.SendAll(itest::Multibulk({"PING"}));
  CHECK(raw.ReadAtLeast(7) == "+PONG\r\n");
}

TEST_CASE("A client held by CLIENT PAUSE cannot be unblocked", "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket raw(server.port());
  const std::string raw_id = RawClientId(raw);
  REQUIRE(admin.Text({"CLIENT", "PAUSE", "100000", "WRITE"}) == "OK");
  raw.SendAll(itest::Multibulk({"SET", "k", "v"}));
  REQUIRE(WaitField(admin, raw_id, "flags", [](const std::string& f) { return f == "b"; }));
  CHECK(admin.Text({"CLIENT", "UNBLOCK", raw_id}) == "0");
  admin.Text({"CLIENT", "UNPAUSE"});
  CHECK(raw.ReadAtLeast(5) == "+OK\r\n");
}

TEST_CASE("CLIENT LIST's buffer fields follow a client's input and output",
          "[integration][client]") {
  itest::Server server;
  itest::Redis admin(server.port());
  itest::RawSocket c(server.port());
  const std::string id = RawClientId(c);

  std::string line = ListLineOf(admin, id);
  CHECK(ClientField(line, "qbuf") == "0");
  CHECK(ClientField(line, "events") == "r");
  CHECK(ClientField(line, "io-thread") == "0");

  // Half a large request waits in the read buffer.
  c.SendAll("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$200000\r\n" + std::string(100000, 'x'));
  CHECK(WaitField(admin, id, "qbuf", [](const std::string& v) { return std::stoll(v) >= 100000; }));
  line = ListLineOf(admin, id);
  CHECK(std::stoll(ClientField(line, "rbs")) >= std::stoll(ClientField(line, "qbuf")));
  CHECK(std::stoll(ClientField(line, "rbp")) >= std::stoll(ClientField(line, "rbs")));
  CHECK(ClientField(line, "qbuf-free") ==
        std::to_string(std::stoll(ClientField(line, "rbs")) -
                       std::stoll(ClientField(line, "qbuf"))));
  c.SendAll(std::string(100000, 'x') + "\r\n");
  CHECK(c.ReadAtLeast(5) == "+OK\r\n");

  // Replies the client does not read pile up in its output buffer.
  std::string gets;
  for (int i = 0; i < 40; i++) gets += itest::Multibulk({"GET", "big"});
  c.SendAll(gets);
  CHECK(WaitField(admin, id, "oll", [](const std::string& v) { return std::stoll(v) > 0; }));
  line = ListLineOf(admin, id);
  CHECK(std::stoll(ClientField(line, "omem")) > 0);
  CHECK(std::stoll(ClientField(line, "obl")) > 0);
  CHECK(ClientField(line, "events").find('w') != std::string::npos);
}
