// The replication backlog against a model (the whole stream kept in a string): after any mix of
// appends and resizes it holds exactly the newest bytes that fit, and serves a replica from any
// offset inside them.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "src/replication.h"

TEST_CASE("The replication backlog keeps the newest bytes and serves every offset it holds",
          "[replication]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; round++) {
    server::ReplBacklog backlog;
    size_t capacity = 16 + rng() % 200;
    const uint64_t start = rng() % 1000;  // the stream's length when the backlog began
    backlog.Reset(capacity, start);
    std::string stream;  // the bytes after `start`
    size_t held = 0;     // how many of the newest the backlog can still have
    for (int step = 0; step < 60; step++) {
      if (rng() % 10 == 0) {
        capacity = 16 + rng() % 200;
        backlog.Resize(capacity);
        held = std::min(held, capacity);
      } else {
        std::string bytes(rng() % (capacity + 40), '\0');
        for (char& c : bytes) c = static_cast<char>('a' + rng() % 26);
        backlog.Append(bytes);
        stream += bytes;
        held = std::min(held + bytes.size(), capacity);
      }
      const uint64_t end = start + stream.size();
      REQUIRE(backlog.end_offset() == end);
      REQUIRE(backlog.size() == held);
      // Every offset inside is served with the model's bytes; one past the end gives nothing.
      for (uint64_t next = backlog.first_offset(); next <= end + 1; next++) {
        REQUIRE(backlog.CanServeFrom(next));
        REQUIRE(backlog.CopyFrom(next) == stream.substr(static_cast<size_t>(next - start - 1)));
      }
      CHECK_FALSE(backlog.CanServeFrom(backlog.first_offset() - 1));
      CHECK_FALSE(backlog.CanServeFrom(end + 2));
    }
  }
}

TEST_CASE("A backlog that is not active serves nothing and only counts the offset",
          "[replication]") {
  server::ReplBacklog backlog;
  CHECK_FALSE(backlog.active());
  CHECK_FALSE(backlog.CanServeFrom(1));
  backlog.Reset(64, 100);
  backlog.Append("abc");
  CHECK(backlog.first_offset() == 101);
  CHECK(backlog.CopyFrom(102) == "bc");
  backlog.Reset(0, backlog.end_offset());
  CHECK_FALSE(backlog.CanServeFrom(103));
}

TEST_CASE("A promoted node keeps its old replication id valid up to its offset",
          "[replication]") {
  server::Replication repl;
  repl.replid = std::string(40, 'a');
  repl.offset = 500;
  repl.ShiftReplid(std::string(40, 'b'));
  CHECK(repl.replid == std::string(40, 'b'));
  CHECK(repl.replid2 == std::string(40, 'a'));
  CHECK(repl.second_offset == 501);
  CHECK(server::NewReplid().size() == 40);
}
