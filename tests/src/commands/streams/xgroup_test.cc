// XGROUP and the group parts of XINFO, run in-process through Dispatch. Pending entries are
// made with the ConsumerGroup API (XREADGROUP is not needed), so the PEL-dependent replies
// (DELCONSUMER's count, FULL's pending lists, COPY of a PEL) are checked exactly.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/commands/registry.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "src/server_state.h"
#include "streams/consumer_group.h"
#include "streams/stream.h"

namespace {

using testing_support::Bulk;

using streams::StreamID;

struct GroupHarness : testing_support::CommandHarness {
  streams::Stream* StreamAt(const std::string& key) {
    server::Value* v = state.dbs[0]->Find(key, server::WallClockMs());
    return v != nullptr && v->is_stream() ? &v->stream() : nullptr;
  }
  // A stream "s" holding 1-0 .. n-0 and a group "g" created from 0.
  streams::ConsumerGroup& StreamWithGroup(int n) {
    for (int i = 1; i <= n; i++) Run({"XADD", "s", std::to_string(i) + "-0", "f", "v"});
    REQUIRE(Run({"XGROUP", "CREATE", "s", "g", "0"}) == "+OK\r\n");
    return *StreamAt("s")->FindGroup("g");
  }
};


}  // namespace

TEST_CASE("XGROUP CREATE with MKSTREAM makes an empty stream that holds the group", "[xgroup]") {
  GroupHarness h;
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}) == "+OK\r\n");
  streams::Stream* s = h.StreamAt("s");
  REQUIRE(s != nullptr);
  CHECK(s->length() == 0);
  REQUIRE(s->FindGroup("g") != nullptr);
  CHECK(s->FindGroup("g")->last_id() == StreamID{});
  CHECK(s->FindGroup("g")->entries_read() == streams::kEntriesReadUnknown);
}

TEST_CASE("XGROUP CREATE with a bad ID or too many options leaves no stream behind",
          "[xgroup]") {
  GroupHarness h;
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "bad", "MKSTREAM"}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM",
               "MKSTREAM"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n");
  CHECK(h.StreamAt("s") == nullptr);
}

TEST_CASE("XGROUP CREATE refuses a taken group name with BUSYGROUP and keeps the first group",
          "[xgroup]") {
  GroupHarness h;
  h.StreamWithGroup(2);
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "$"}) ==
        "-BUSYGROUP Consumer Group name already exists\r\n");
  CHECK(h.StreamAt("s")->FindGroup("g")->last_id() == StreamID{});
}

TEST_CASE("ENTRIESREAD above the stream's entries-added is capped at entries-added",
          "[xgroup]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(3);
  CHECK(h.Run({"XGROUP", "CREATE", "s", "big", "0", "ENTRIESREAD", "100"}) == "+OK\r\n");
  CHECK(h.StreamAt("s")->FindGroup("big")->entries_read() == 3);
  CHECK(h.Run({"XGROUP", "SETID", "s", "g", "1-0", "ENTRIESREAD", "4"}) == "+OK\r\n");
  CHECK(g.entries_read() == 3);
  CHECK(h.Run({"XGROUP", "SETID", "s", "g", "1-0", "ENTRIESREAD", "1"}) == "+OK\r\n");
  CHECK(g.entries_read() == 1);
  CHECK(h.Run({"XGROUP", "SETID", "s", "g", "1-0", "ENTRIESREAD", "-1"}) == "+OK\r\n");
  CHECK(g.entries_read() == streams::kEntriesReadUnknown);
  CHECK(h.Run({"XGROUP", "CREATE", "e", "g", "0", "MKSTREAM", "ENTRIESREAD", "7"}) == "+OK\r\n");
  CHECK(h.StreamAt("e")->FindGroup("g")->entries_read() == 0);
}

TEST_CASE("XGROUP SETID moves the group and forgets entries-read unless given, keeping the PEL",
          "[xgroup]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(3);
  auto [alice, created] = g.GetOrCreateConsumer("alice", 1000);
  g.RecordDelivery(StreamID{1, 0}, *alice, 1000);
  g.SetPosition(StreamID{1, 0}, 1);
  CHECK(h.Run({"XGROUP", "SETID", "s", "g", "$"}) == "+OK\r\n");
  CHECK(g.last_id() == StreamID{3, 0});
  CHECK(g.entries_read() == streams::kEntriesReadUnknown);
  CHECK(g.pending_count() == 1);
  CHECK(h.Run({"XGROUP", "SETID", "s", "g", "+"}) == "+OK\r\n");
  CHECK(g.last_id() == StreamID::Max());
  CHECK(h.Run({"XGROUP", "SETID", "s", "nog", "bad"}) ==
        "-NOGROUP No such consumer group 'nog' for key name 's'\r\n");
}

TEST_CASE("XGROUP DELCONSUMER replies the consumer's pending count and drops its entries",
          "[xgroup]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(3);
  streams::Consumer* alice = g.GetOrCreateConsumer("alice", 1000).first;
  streams::Consumer* bob = g.GetOrCreateConsumer("bob", 1000).first;
  g.RecordDelivery(StreamID{1, 0}, *alice, 1000);
  g.RecordDelivery(StreamID{2, 0}, *alice, 1000);
  g.RecordDelivery(StreamID{3, 0}, *bob, 1000);
  CHECK(h.Run({"XGROUP", "DELCONSUMER", "s", "g", "alice"}) == ":2\r\n");
  CHECK(g.pending_count() == 1);
  CHECK(g.FindConsumer("alice") == nullptr);
  CHECK(h.Run({"XGROUP", "DELCONSUMER", "s", "g", "alice"}) == ":0\r\n");
  CHECK(g.Validate().empty());
}

TEST_CASE("XGROUP CREATECONSUMER creates once, never active", "[xgroup]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(1);
  CHECK(h.Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}) == ":1\r\n");
  CHECK(h.Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}) == ":0\r\n");
  REQUIRE(g.FindConsumer("c") != nullptr);
  CHECK(g.FindConsumer("c")->active_time_ms == -1);
  CHECK(g.FindConsumer("c")->seen_time_ms > 0);
}

TEST_CASE("XGROUP DESTROY removes the group and its PEL but keeps the stream", "[xgroup]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(2);
  g.RecordDelivery(StreamID{1, 0}, *g.GetOrCreateConsumer("a", 1).first, 1);
  CHECK(h.Run({"XGROUP", "DESTROY", "s", "g"}) == ":1\r\n");
  CHECK(h.Run({"XGROUP", "DESTROY", "s", "g"}) == ":0\r\n");
  REQUIRE(h.StreamAt("s") != nullptr);
  CHECK(h.StreamAt("s")->groups().empty());
  CHECK(h.StreamAt("s")->length() == 2);
}

TEST_CASE("XGROUP errors follow Redis's order: options, key, group, length, ID", "[xgroup]") {
  GroupHarness h;
  const std::string missing =
      "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
      "to use the MKSTREAM option to create an empty stream automatically.\r\n";
  CHECK(h.Run({"XGROUP", "SETID", "s", "nog", "0", "ENTRIESREAD", "-2"}) ==
        "-ERR value for ENTRIESREAD must be positive or -1\r\n");
  CHECK(h.Run({"XGROUP", "SETID", "s", "g", "bad"}) == missing);
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "bad"}) == missing);
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "1", "ENTRIESREAD", "1"}) ==
        missing);
  h.StreamWithGroup(1);
  CHECK(h.Run({"XGROUP", "SETID", "s", "nog", "0", "ENTRIESREAD", "1", "ENTRIESREAD", "1"}) ==
        "-NOGROUP No such consumer group 'nog' for key name 's'\r\n");
  CHECK(h.Run({"XGROUP", "setid", "s", "g", "bad", "ENTRIESREAD", "1", "ENTRIESREAD", "1"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP.\r\n");
  CHECK(h.Run({"XGROUP", "CREATE", "s", "g", "bad"}) ==
        "-ERR Invalid stream ID specified as stream command argument\r\n");
  CHECK(h.Run({"XGROUP", "CREATE", "s"}) ==
        "-ERR wrong number of arguments for 'xgroup|create' command\r\n");
  CHECK(h.Run({"XGROUP", "NOPE"}) == "-ERR unknown subcommand 'NOPE'. Try XGROUP HELP.\r\n");
}

TEST_CASE("XINFO CONSUMERS reports inactive -1 until a consumer reads, then ms since it did",
          "[xgroup][xinfo]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(1);
  const int64_t now = server::WallClockMs();
  g.GetOrCreateConsumer("idle", now);
  streams::Consumer* reader = g.GetOrCreateConsumer("reader", now).first;
  reader->seen_time_ms = now - 50'000;
  reader->active_time_ms = now - 100'000;
  g.RecordDelivery(StreamID{1, 0}, *reader, now);
  std::string reply = h.Run({"XINFO", "CONSUMERS", "s", "g"});
  // idle's times are within a few ms of now; reader's are 50 s and 100 s old.
  INFO(reply);
  CHECK(reply.starts_with("*2\r\n*8\r\n" + Bulk("name") + Bulk("idle") + Bulk("pending") +
                          ":0\r\n" + Bulk("idle") + ":"));
  CHECK(reply.find(Bulk("inactive") + ":-1\r\n*8\r\n" + Bulk("name") + Bulk("reader") +
                   Bulk("pending") + ":1\r\n" + Bulk("idle") + ":50") != std::string::npos);
  CHECK(reply.find(Bulk("inactive") + ":100") != std::string::npos);
  CHECK(h.Run({"XINFO", "CONSUMERS", "s", "nog"}) ==
        "-NOGROUP No such consumer group 'nog' for key name 's'\r\n");
}

TEST_CASE("XINFO STREAM FULL lists each PEL by ID, NACKed entries ownerless, COUNT capping both",
          "[xgroup][xinfo]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(3);
  streams::Consumer* alice = g.GetOrCreateConsumer("alice", 500).first;
  alice->active_time_ms = 700;
  g.RecordDelivery(StreamID{3, 0}, *alice, 1003);
  g.RecordDelivery(StreamID{1, 0}, *alice, 1001);
  g.RecordDelivery(StreamID{2, 0}, *alice, 1002);
  g.Nack(*g.FindPending(StreamID{2, 0}));
  g.SetPosition(StreamID{3, 0}, 3);
  std::string reply = h.Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "2"});
  INFO(reply);
  const std::string group_part =
      Bulk("groups") + "*1\r\n*16\r\n" + Bulk("name") + Bulk("g") + Bulk("last-delivered-id") +
      Bulk("3-0") + Bulk("entries-read") + ":3\r\n" + Bulk("lag") + ":0\r\n" +
      Bulk("pel-count") + ":3\r\n" + Bulk("pending") + "*2\r\n" +
      "*4\r\n" + Bulk("1-0") + Bulk("alice") + ":1001\r\n:1\r\n" +
      "*4\r\n" + Bulk("2-0") + Bulk("") + ":0\r\n:1\r\n" +
      Bulk("consumers") + "*1\r\n*10\r\n" + Bulk("name") + Bulk("alice") + Bulk("seen-time") +
      ":500\r\n" + Bulk("active-time") + ":700\r\n" + Bulk("pel-count") + ":2\r\n" +
      Bulk("pending") + "*2\r\n" + "*3\r\n" + Bulk("1-0") + ":1001\r\n:1\r\n" + "*3\r\n" +
      Bulk("3-0") + ":1003\r\n:1\r\n" + Bulk("nacked-count") + ":1\r\n";
  CHECK(reply.ends_with(group_part));
  std::string all = h.Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "0"});
  CHECK(all.find(Bulk("pending") + "*3\r\n") != std::string::npos);
}

TEST_CASE("XINFO GROUPS has a null lag once a tombstone lies past the group's position",
          "[xgroup][xinfo]") {
  GroupHarness h;
  h.StreamWithGroup(3);
  const std::string head = "*1\r\n*12\r\n" + Bulk("name") + Bulk("g") + Bulk("consumers") +
                           ":0\r\n" + Bulk("pending") + ":0\r\n" + Bulk("last-delivered-id") +
                           Bulk("0-0") + Bulk("entries-read") + "$-1\r\n" + Bulk("lag");
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) == head + ":3\r\n");
  h.Run({"XDEL", "s", "2-0"});
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) == head + "$-1\r\n");
}

TEST_CASE("XINFO GROUPS in RESP3 sends a map per group and a RESP3 null", "[xgroup][xinfo]") {
  GroupHarness h;
  h.StreamWithGroup(1);
  h.client.protocol = 3;
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) ==
        "*1\r\n%6\r\n" + Bulk("name") + Bulk("g") + Bulk("consumers") + ":0\r\n" +
            Bulk("pending") + ":0\r\n" + Bulk("last-delivered-id") + Bulk("0-0") +
            Bulk("entries-read") + "_\r\n" + Bulk("lag") + ":1\r\n");
}

TEST_CASE("COPY gives the copy its own groups, PEL included; DEL takes them away", "[xgroup]") {
  GroupHarness h;
  streams::ConsumerGroup& g = h.StreamWithGroup(2);
  g.RecordDelivery(StreamID{1, 0}, *g.GetOrCreateConsumer("a", 1).first, 1);
  CHECK(h.Run({"COPY", "s", "t"}) == ":1\r\n");
  streams::ConsumerGroup* copy = h.StreamAt("t")->FindGroup("g");
  REQUIRE(copy != nullptr);
  CHECK(copy != &g);
  CHECK(copy->pending_count() == 1);
  CHECK(copy->Validate().empty());
  CHECK(h.Run({"XGROUP", "DELCONSUMER", "t", "g", "a"}) == ":1\r\n");
  CHECK(g.pending_count() == 1);
  CHECK(h.Run({"DEL", "s"}) == ":1\r\n");
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"XADD", "s", "9-0", "f", "v"}) == Bulk("9-0"));
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) == "*0\r\n");
}

TEST_CASE("XGROUP is a container whose subcommands have Redis's arity, flags and keys",
          "[xgroup]") {
  server::CommandTable table{server::CommandFamilies()};
  const server::CommandSpec* xgroup = table.Find("XGROUP");
  REQUIRE(xgroup != nullptr);
  CHECK(xgroup->arity == -2);
  CHECK(xgroup->handler == nullptr);
  struct Want {
    const char* name;
    int arity;
    uint32_t flags;
    int first_key;
  };
  const Want wants[] = {
      {"create", -5, server::kWrite | server::kDenyOom, 2},
      {"setid", -5, server::kWrite, 2},
      {"destroy", 4, server::kWrite, 2},
      {"createconsumer", 5, server::kWrite | server::kDenyOom, 2},
      {"delconsumer", 5, server::kWrite, 2},
      {"help", 2, server::kLoading | server::kStale, 0},
  };
  for (const Want& w : wants) {
    INFO(w.name);
    const server::CommandSpec* sub = server::CommandTable::FindSubcommand(*xgroup, w.name);
    REQUIRE(sub != nullptr);
    CHECK(sub->arity == w.arity);
    CHECK(sub->flags == w.flags);
    CHECK(sub->first_key == w.first_key);
  }
  const server::CommandSpec* xinfo = table.Find("XINFO");
  REQUIRE(xinfo != nullptr);
  CHECK(server::CommandTable::FindSubcommand(*xinfo, "groups")->arity == 3);
  CHECK(server::CommandTable::FindSubcommand(*xinfo, "consumers")->arity == 4);
}
