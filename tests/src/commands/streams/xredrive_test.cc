// XREDRIVE (Runnel's): dead letters built by hand with XADD (the six metadata pairs last) are
// moved back to their source streams, in-process through the command table; what it records
// for the AOF, and that replaying those records rebuilds the same dataset.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/propagation.h"
#include "tests/support/command_harness.h"
#include "tests/support/dataset_dump.h"

using testing_support::CommandHarness;
using Strings = std::vector<std::string>;

namespace {

// XADD dlq id <original...> plus the six metadata pairs; returns XADD's reply.
std::string AddDeadLetter(CommandHarness& h, const std::string& dlq, const std::string& id,
                          const Strings& original, const std::string& source,
                          const std::string& group, const std::string& source_id = "1-0") {
  Strings args = {"XADD", dlq, id};
  args.insert(args.end(), original.begin(), original.end());
  Strings meta = {"dlq-source-stream", source, "dlq-source-id", source_id,
                  "dlq-group",         group,  "dlq-consumer",  "alice",
                  "dlq-deliveries",    "3",    "dlq-reason",    "max-deliveries"};
  args.insert(args.end(), meta.begin(), meta.end());
  return h.Run(args);
}

// Every entry of `key` as {id, field, value, ...}; empty when the key is missing.
std::vector<Strings> Entries(CommandHarness& h, const std::string& key) {
  std::vector<Strings> out;
  server::Value* v = h.state.dbs[0]->Find(key, server::WallClockMs());
  if (v == nullptr) return out;
  const streams::Stream& s = v->stream();
  for (auto it = s.Range(streams::StreamID::Min(), streams::StreamID::Max()); it.Valid();
       it.Next()) {
    Strings e = {it.id().ToString()};
    for (std::string_view f : it.entry().field_values) e.emplace_back(f);
    out.push_back(std::move(e));
  }
  return out;
}

Strings Ids(const std::vector<Strings>& entries) {
  Strings out;
  for (const Strings& e : entries) out.push_back(e[0]);
  return out;
}

// Fields of an entry without its ID.
Strings FieldsOf(const Strings& entry) { return Strings(entry.begin() + 1, entry.end()); }

// What was recorded since the last call.
std::vector<Strings> Take(CommandHarness& h) {
  std::vector<Strings> out;
  for (const auto& r : h.state.propagation.Take()) out.push_back(r.argv);
  return out;
}

}  // namespace

TEST_CASE("XREDRIVE moves every dead letter back to its source with only its original fields",
          "[xredrive]") {
  CommandHarness h;
  h.Run({"XADD", "orders", "5-0", "old", "entry"});
  AddDeadLetter(h, "orders:dlq", "1-0", {"item", "42", "qty", "2"}, "orders", "billing");
  AddDeadLetter(h, "orders:dlq", "2-0", {"item", "43"}, "payments", "billing");
  AddDeadLetter(h, "orders:dlq", "3-0", {"note", "x"}, "orders", "shipping");

  CHECK(h.Run({"XREDRIVE", "orders:dlq"}) == ":3\r\n");

  CHECK(Entries(h, "orders:dlq").empty());
  auto orders = Entries(h, "orders");
  REQUIRE(orders.size() == 3);
  CHECK(FieldsOf(orders[1]) == Strings{"item", "42", "qty", "2"});
  CHECK(FieldsOf(orders[2]) == Strings{"note", "x"});
  // The source stream did not exist: it is created.
  auto payments = Entries(h, "payments");
  REQUIRE(payments.size() == 1);
  CHECK(FieldsOf(payments[0]) == Strings{"item", "43"});
  CHECK(h.state.policy_stats.redriven == 3);
}

TEST_CASE("XREDRIVE gives redriven entries new generated IDs after the source's last one",
          "[xredrive]") {
  CommandHarness h;
  h.Run({"XADD", "s", "5-0", "a", "1"});
  AddDeadLetter(h, "dlq", "1-0", {"a", "2"}, "s", "g", "5-0");
  REQUIRE(h.Run({"XREDRIVE", "dlq"}) == ":1\r\n");
  auto s = Entries(h, "s");
  REQUIRE(s.size() == 2);
  auto id = streams::ParseStrictId(s[1][0]);
  REQUIRE(id.ok());
  CHECK(id.value > streams::StreamID{5, 0});
  // Generated from the clock, not copied from the dead letter or its dlq-source-id.
  CHECK(id.value.ms >= static_cast<uint64_t>(server::WallClockMs()) - 60000);
}

TEST_CASE("XREDRIVE COUNT stops after that many redriven, taking dead letters in ID order",
          "[xredrive]") {
  CommandHarness h;
  for (int i = 1; i <= 4; i++) {
    AddDeadLetter(h, "dlq", std::to_string(i) + "-0", {"n", std::to_string(i)}, "s", "g");
  }
  CHECK(h.Run({"XREDRIVE", "dlq", "COUNT", "3"}) == ":3\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"4-0"});
  auto s = Entries(h, "s");
  REQUIRE(s.size() == 3);
  CHECK(FieldsOf(s[0]) == Strings{"n", "1"});
  CHECK(FieldsOf(s[2]) == Strings{"n", "3"});
  CHECK(h.Run({"XREDRIVE", "dlq", "COUNT", "10"}) == ":1\r\n");
  CHECK(h.Run({"XREDRIVE", "dlq", "COUNT", "10"}) == ":0\r\n");
}

TEST_CASE("XREDRIVE COUNT counts only dead letters redriven, not the ones skipped",
          "[xredrive]") {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "str", "g");
  AddDeadLetter(h, "dlq", "2-0", {"a", "2"}, "s", "other");
  AddDeadLetter(h, "dlq", "3-0", {"a", "3"}, "s", "g");
  AddDeadLetter(h, "dlq", "4-0", {"a", "4"}, "s", "g");
  CHECK(h.Run({"XREDRIVE", "dlq", "GROUP", "g", "COUNT", "1"}) == ":1\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"1-0", "2-0", "4-0"});
}

TEST_CASE("XREDRIVE GROUP takes only dead letters whose dlq-group matches byte for byte",
          "[xredrive]") {
  CommandHarness h;
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "s", "billing");
  AddDeadLetter(h, "dlq", "2-0", {"a", "2"}, "s", "Billing");
  AddDeadLetter(h, "dlq", "3-0", {"a", "3"}, "s", "billing ");
  AddDeadLetter(h, "dlq", "4-0", {"a", "4"}, "s", "shipping");
  AddDeadLetter(h, "dlq", "5-0", {"a", "5"}, "s", "billing");
  CHECK(h.Run({"XREDRIVE", "dlq", "GROUP", "billing"}) == ":2\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"2-0", "3-0", "4-0"});
  CHECK(h.Run({"XREDRIVE", "dlq", "GROUP", "nobody"}) == ":0\r\n");
  // Options in either order; a repeated one replaces the earlier.
  CHECK(h.Run({"xredrive", "dlq", "count", "1", "group", "x", "GROUP", "shipping"}) ==
        ":1\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"2-0", "3-0"});
}

TEST_CASE("XREDRIVE leaves dead letters with only metadata (source deleted) where they are",
          "[xredrive]") {
  CommandHarness h;
  AddDeadLetter(h, "dlq", "1-0", {}, "s", "g");
  AddDeadLetter(h, "dlq", "2-0", {"a", "1"}, "s", "g");
  CHECK(h.Run({"XREDRIVE", "dlq"}) == ":1\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"1-0"});
  CHECK(Entries(h, "s").size() == 1);
}

TEST_CASE("XREDRIVE skips entries that do not end with the six metadata pairs in order",
          "[xredrive]") {
  CommandHarness h;
  h.Run({"XADD", "dlq", "1-0", "plain", "entry"});
  // Metadata not last.
  h.Run({"XADD", "dlq", "2-0", "dlq-source-stream", "s", "dlq-source-id", "1-0", "dlq-group",
         "g", "dlq-consumer", "c", "dlq-deliveries", "1", "dlq-reason", "fatal", "extra", "x"});
  // Two metadata fields swapped.
  h.Run({"XADD", "dlq", "3-0", "a", "1", "dlq-source-id", "1-0", "dlq-source-stream", "s",
         "dlq-group", "g", "dlq-consumer", "c", "dlq-deliveries", "1", "dlq-reason", "fatal"});
  // A field name in another case.
  h.Run({"XADD", "dlq", "4-0", "a", "1", "DLQ-SOURCE-STREAM", "s", "dlq-source-id", "1-0",
         "dlq-group", "g", "dlq-consumer", "c", "dlq-deliveries", "1", "dlq-reason", "fatal"});
  // Only five of the six.
  h.Run({"XADD", "dlq", "5-0", "a", "1", "dlq-source-stream", "s", "dlq-source-id", "1-0",
         "dlq-group", "g", "dlq-consumer", "c", "dlq-deliveries", "1"});
  AddDeadLetter(h, "dlq", "6-0", {"a", "6"}, "s", "g");
  CHECK(h.Run({"XREDRIVE", "dlq"}) == ":1\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"1-0", "2-0", "3-0", "4-0", "5-0"});
  auto s = Entries(h, "s");
  REQUIRE(s.size() == 1);
  CHECK(FieldsOf(s[0]) == Strings{"a", "6"});
}

TEST_CASE("XREDRIVE strips exactly the last six pairs, keeping original fields named like them",
          "[xredrive]") {
  CommandHarness h;
  // The original entry itself had a dlq-group field (it was dead-lettered once before).
  AddDeadLetter(h, "dlq", "1-0", {"dlq-group", "old", "v", ""}, "s", "g");
  CHECK(h.Run({"XREDRIVE", "dlq"}) == ":1\r\n");
  auto s = Entries(h, "s");
  REQUIRE(s.size() == 1);
  CHECK(FieldsOf(s[0]) == Strings{"dlq-group", "old", "v", ""});
}

TEST_CASE("XREDRIVE skips dead letters whose source holds another type, and ones of itself",
          "[xredrive]") {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "str", "g");
  AddDeadLetter(h, "dlq", "2-0", {"a", "2"}, "dlq", "g");  // would loop
  AddDeadLetter(h, "dlq", "3-0", {"a", "3"}, "s", "g");
  CHECK(h.Run({"XREDRIVE", "dlq"}) == ":1\r\n");
  CHECK(Ids(Entries(h, "dlq")) == Strings{"1-0", "2-0"});
  CHECK(h.Run({"GET", "str"}) == "$1\r\nx\r\n");
  CHECK(h.state.policy_stats.redriven == 1);
}

TEST_CASE("XREDRIVE replies 0 for a missing key and WRONGTYPE for another type",
          "[xredrive]") {
  CommandHarness h;
  CHECK(h.Run({"XREDRIVE", "missing"}) == ":0\r\n");
  CHECK(h.Run({"XREDRIVE", "missing", "GROUP", "g", "COUNT", "5"}) == ":0\r\n");
  CHECK(h.Run({"EXISTS", "missing"}) == ":0\r\n");
  h.Run({"SET", "str", "x"});
  CHECK(h.Run({"XREDRIVE", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  h.Run({"XADD", "empty", "1-0", "a", "1"});
  h.Run({"XDEL", "empty", "1-0"});
  CHECK(h.Run({"XREDRIVE", "empty"}) == ":0\r\n");
}

TEST_CASE("XREDRIVE rejects a COUNT that is not a positive integer and unknown options",
          "[xredrive]") {
  CommandHarness h;
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "s", "g");
  for (const char* bad : {"0", "-1", "abc", "1.5", ""}) {
    INFO("COUNT " << bad);
    CHECK(h.Run({"XREDRIVE", "dlq", "COUNT", bad}) == "-ERR COUNT must be > 0\r\n");
  }
  CHECK(h.Run({"XREDRIVE", "dlq", "COUNT"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XREDRIVE", "dlq", "GROUP"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XREDRIVE", "dlq", "FOO", "1"}) == "-ERR syntax error\r\n");
  // Arguments are checked before the key: a wrong type with a bad option is a syntax error.
  h.Run({"SET", "str", "x"});
  CHECK(h.Run({"XREDRIVE", "str", "FOO"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"XREDRIVE"}) == "-ERR wrong number of arguments for 'xredrive' command\r\n");
  CHECK(Entries(h, "dlq").size() == 1);
  CHECK(Entries(h, "s").empty());
}

TEST_CASE("XREDRIVE keeps other groups' PEL references to the entries it deletes (KEEPREF)",
          "[xredrive]") {
  CommandHarness h;
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "s", "g");
  h.Run({"XGROUP", "CREATE", "dlq", "auditors", "0"});
  h.Run({"XREADGROUP", "GROUP", "auditors", "bob", "STREAMS", "dlq", ">"});
  CHECK(h.Run({"XREDRIVE", "dlq"}) == ":1\r\n");
  CHECK(h.Run({"XPENDING", "dlq", "auditors", "-", "+", "10"}).find("1-0") !=
        std::string::npos);
}

TEST_CASE("XREDRIVE signals WATCH on the dead-letter key when it moves something",
          "[xredrive]") {
  CommandHarness h;
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "s", "g");
  h.Run({"WATCH", "dlq"});
  h.Run({"XREDRIVE", "dlq", "GROUP", "nobody"});  // moves nothing: the watch holds
  h.Run({"MULTI"});
  h.Run({"PING"});
  CHECK(h.Run({"EXEC"}) == "*1\r\n+PONG\r\n");
  h.Run({"WATCH", "dlq"});
  h.Run({"XREDRIVE", "dlq"});
  h.Run({"MULTI"});
  h.Run({"PING"});
  CHECK(h.Run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("XREDRIVE records each move as the XADD with its new ID and an XDEL, in MULTI/EXEC",
          "[xredrive][propagation]") {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "s", "g");
  AddDeadLetter(h, "dlq", "2-0", {"b", "2"}, "str", "g");
  AddDeadLetter(h, "dlq", "3-0", {"c", "3"}, "t", "g");
  Take(h);
  REQUIRE(h.Run({"XREDRIVE", "dlq"}) == ":2\r\n");
  const std::string s_id = Entries(h, "s")[0][0];
  const std::string t_id = Entries(h, "t")[0][0];
  CHECK(Take(h) == std::vector<Strings>{{"MULTI"},
                                         {"XADD", "s", s_id, "a", "1"},
                                         {"XDEL", "dlq", "1-0"},
                                         {"XADD", "t", t_id, "c", "3"},
                                         {"XDEL", "dlq", "3-0"},
                                         {"EXEC"}});
  // Nothing moved, nothing recorded; errors record nothing either.
  CHECK(h.Run({"XREDRIVE", "dlq"}) == ":0\r\n");
  CHECK(h.Run({"XREDRIVE", "missing"}) == ":0\r\n");
  h.Run({"XREDRIVE", "dlq", "COUNT", "0"});
  CHECK(Take(h).empty());
}

TEST_CASE("Replaying what XREDRIVE recorded rebuilds the same dataset", "[xredrive][propagation]") {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  h.Run({"XADD", "s", "7-0", "pre", "existing"});
  h.Run({"XGROUP", "CREATE", "dlq", "auditors", "0", "MKSTREAM"});
  for (int i = 1; i <= 6; i++) {
    const char* source = i == 2 ? "str" : (i % 2 == 0 ? "t" : "s");
    AddDeadLetter(h, "dlq", std::to_string(i) + "-0", {"n", std::to_string(i)}, source,
                  i <= 4 ? "g" : "h");
  }
  AddDeadLetter(h, "dlq", "7-0", {}, "s", "g");
  h.Run({"XREADGROUP", "GROUP", "auditors", "bob", "COUNT", "3", "STREAMS", "dlq", ">"});
  REQUIRE(h.Run({"XREDRIVE", "dlq", "GROUP", "g", "COUNT", "2"}) == ":2\r\n");
  REQUIRE(h.Run({"XREDRIVE", "dlq"}) == ":3\r\n");

  CommandHarness replica;
  replica.state.config.stream_node_max_entries = 2;
  for (const auto& r : h.state.propagation.Take()) {
    std::vector<std::string> argv = r.argv;
    INFO("replaying " << argv[0] << " " << (argv.size() > 1 ? argv[1] : ""));
    REQUIRE(replica.Run(argv).rfind("-", 0) != 0);
  }
  CHECK(testing_support::DumpDataset(replica) == testing_support::DumpDataset(h));
}

TEST_CASE("XREDRIVE inside MULTI/EXEC adds no MULTI/EXEC of its own to the records",
          "[xredrive][propagation]") {
  CommandHarness h;
  AddDeadLetter(h, "dlq", "1-0", {"a", "1"}, "s", "g");
  Take(h);
  h.Run({"MULTI"});
  h.Run({"XREDRIVE", "dlq"});
  REQUIRE(h.Run({"EXEC"}) == "*1\r\n:1\r\n");
  auto records = Take(h);
  size_t multis = 0;
  for (const Strings& r : records) multis += r[0] == "MULTI" ? 1 : 0;
  CHECK(multis == 1);
  REQUIRE(records.size() == 4);
  CHECK(records[1][0] == "XADD");
  CHECK(records[2] == Strings{"XDEL", "dlq", "1-0"});
}
