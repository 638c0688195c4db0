// stream-compression lz4 seen through the commands: the knob itself (CONFIG GET/SET), and every
// reader and writer of a stream whose sealed blocks are compressed replying byte for byte as on
// an uncompressed twin (XRANGE, XREVRANGE, XREAD, XREADGROUP, XINFO STREAM FULL, XDEL, XTRIM, COPY),
// while MEMORY USAGE counts the compressed size.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/command_harness.h"

namespace {

// A JSON-ish event whose keys repeat and whose values vary, as the bench's row 29.
std::string CompressionTestEvent(int i) {
  static const char* const kUsers[] = {"alice", "bob", "carol", "dave", "erin"};
  static const char* const kStatus[] = {"ok", "pending", "failed"};
  return "{\"event_id\":\"evt_" + std::to_string(100000 + i) + "\",\"user\":\"" +
         kUsers[i % 5] + "\",\"amount\":" + std::to_string(i * 37 % 1000) + ",\"status\":\"" +
         kStatus[i % 3] + "\",\"region\":\"eu-west-1\"}";
}

// Runs the same commands on a plain and an lz4 server and requires the same replies.
struct CompressionTwins {
  testing_support::CommandHarness plain;
  testing_support::CommandHarness packed;

  CompressionTwins() {
    REQUIRE(packed.Run({"CONFIG", "SET", "stream-compression", "lz4"}) == "+OK\r\n");
  }

  std::string Same(std::vector<std::string> args) {
    std::string a = plain.Run(args);
    std::string b = packed.Run(args);
    REQUIRE(a == b);
    return a;
  }
};

int64_t MemoryUsage(testing_support::CommandHarness& h, const std::string& key) {
  std::string r = h.Run({"MEMORY", "USAGE", key});
  REQUIRE(r.rfind(":", 0) == 0);
  return std::stoll(r.substr(1));
}

}  // namespace

TEST_CASE("stream-compression is no by default, takes no or lz4, and refuses anything else",
          "[stream][compress][config]") {
  testing_support::CommandHarness h;
  CHECK(h.Run({"CONFIG", "GET", "stream-compression"}) ==
        "*2\r\n$18\r\nstream-compression\r\n$2\r\nno\r\n");
  CHECK(h.Run({"CONFIG", "SET", "stream-compression", "LZ4"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "stream-compression"}) ==
        "*2\r\n$18\r\nstream-compression\r\n$3\r\nlz4\r\n");
  CHECK(h.Run({"CONFIG", "SET", "stream-compression", "zstd"})
            .rfind("-ERR CONFIG SET failed", 0) == 0);
  CHECK(h.Run({"CONFIG", "GET", "stream-compression"}) ==
        "*2\r\n$18\r\nstream-compression\r\n$3\r\nlz4\r\n");
}

TEST_CASE("A stream with compressed blocks answers every read and write as an uncompressed one",
          "[stream][compress]") {
  CompressionTwins t;
  for (int i = 1; i <= 3000; i++) {
    t.Same({"XADD", "s", std::to_string(1700000000000 + i) + "-0", "event",
            CompressionTestEvent(i)});
  }
  CHECK(MemoryUsage(t.packed, "s") * 2 < MemoryUsage(t.plain, "s"));

  t.Same({"XRANGE", "s", "-", "+"});
  t.Same({"XREVRANGE", "s", "+", "-"});
  t.Same({"XRANGE", "s", "1700000000500", "1700000000777"});
  t.Same({"XREVRANGE", "s", "1700000002000", "-", "COUNT", "33"});
  t.Same({"XREAD", "COUNT", "50", "STREAMS", "s", "1700000001234-0"});
  t.Same({"XINFO", "STREAM", "s", "FULL", "COUNT", "0"});
  t.Same({"XGROUP", "CREATE", "s", "g", "0"});
  t.Same({"XREADGROUP", "GROUP", "g", "c", "COUNT", "250", "STREAMS", "s", ">"});
  // Deletes inside sealed blocks, one entry and whole runs of them (so blocks compact and free).
  t.Same({"XDEL", "s", "1700000000100-0", "1700000000101-0", "1700000009999-0"});
  for (int i = 400; i < 460; i++) t.Same({"XDEL", "s", std::to_string(1700000000000 + i)});
  t.Same({"XRANGE", "s", "1700000000090", "1700000000470"});
  t.Same({"XTRIM", "s", "MAXLEN", "2500"});
  t.Same({"XTRIM", "s", "MINID", "~", "1700000000900"});
  t.Same({"XTRIM", "s", "MINID", "1700000000905"});
  t.Same({"XLEN", "s"});
  t.Same({"XRANGE", "s", "-", "+", "COUNT", "10"});
  t.Same({"XINFO", "STREAM", "s"});
  t.Same({"COPY", "s", "s2"});
  t.Same({"XRANGE", "s2", "-", "+"});
  // Appends go on after all of it, and the stream's last blocks can be trimmed away.
  t.Same({"XADD", "s", "*", "event", CompressionTestEvent(1)});
  t.Same({"XTRIM", "s", "MAXLEN", "5"});
  t.Same({"XRANGE", "s", "-", "+"});
}

TEST_CASE("stream-compression applies to blocks sealed after it is set", "[stream][compress]") {
  testing_support::CommandHarness h;
  for (int i = 1; i <= 1000; i++) {
    h.Run({"XADD", "s", std::to_string(i) + "-0", "event", CompressionTestEvent(i)});
  }
  const int64_t before = MemoryUsage(h, "s");
  REQUIRE(h.Run({"CONFIG", "SET", "stream-compression", "lz4"}) == "+OK\r\n");
  CHECK(MemoryUsage(h, "s") == before);  // blocks sealed already stay as they are
  for (int i = 1001; i <= 2000; i++) {
    h.Run({"XADD", "s", std::to_string(i) + "-0", "event", CompressionTestEvent(i)});
  }
  const int64_t grown = MemoryUsage(h, "s") - before;
  CHECK(grown * 2 < before);
}
