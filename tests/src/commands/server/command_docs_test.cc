// COMMAND introspection and the other admin replies, run in-process through Dispatch: the docs
// syntax table, flag and ACL category names, key specs, GETKEYS, glob matching, INFO layout,
// CLIENT replies.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/command_table.h"
#include "src/commands/registry.h"
#include "src/commands/server/command_docs.h"
#include "src/commands/server/admin.h"
#include "tests/support/command_harness.h"
#include "src/dispatch.h"
#include "src/server_state.h"

namespace {

// The admin replies name the client's addresses, so it gets fixed ones.
struct AdminHarness : testing_support::CommandHarness {
  AdminHarness() : CommandHarness(7) {
    client.addr = "127.0.0.1:5000";
    client.laddr = "127.0.0.1:6379";
  }
};

}  // namespace

TEST_CASE("Every docs syntax in the table parses", "[command]") {
  server::CommandTable table{server::CommandFamilies()};
  for (auto [name, syntax] : server::AllDocSyntaxes(table)) {
    INFO(name << ": " << syntax);
    std::vector<server::DocArg> args;
    CHECK(server::ParseDocSyntax(syntax, args));
  }
}

TEST_CASE("Docs syntax builds tokens, oneofs, blocks and repeated arguments", "[command]") {
  std::vector<server::DocArg> args;
  REQUIRE(server::ParseDocSyntax(
      "key [condition=NX|XX] [EX seconds:integer] (data=field value)... [GET]", args));
  REQUIRE(args.size() == 5);
  CHECK(args[0].type == "key");
  CHECK(args[0].key_spec_index == 0);
  CHECK(args[1].name == "condition");
  CHECK(args[1].type == "oneof");
  CHECK(args[1].optional);
  REQUIRE(args[1].args.size() == 2);
  CHECK(args[1].args[1].token == "XX");
  CHECK(args[1].args[1].type == "pure-token");
  CHECK(args[2].name == "seconds");
  CHECK(args[2].token == "EX");
  CHECK(args[2].type == "integer");
  CHECK(args[3].type == "block");
  CHECK(args[3].multiple);
  CHECK_FALSE(args[3].optional);
  CHECK(args[3].args.size() == 2);
  CHECK(args[4].name == "get");
  CHECK_FALSE(server::ParseDocSyntax("[NX|XX", args));
  CHECK_FALSE(server::ParseDocSyntax("a ]", args));
}

TEST_CASE("COMMAND INFO GET matches Redis 7 byte for byte", "[command]") {
  AdminHarness h;
  CHECK(h.Run({"COMMAND", "INFO", "get"}) ==
        "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n"
        "+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n"
        "*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
        "$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n"
        ":0\r\n*0\r\n");
}

TEST_CASE("COMMAND INFO of a pure container reports no flags, @slow and its subcommands",
          "[command]") {
  AdminHarness h;
  std::string out = h.Run({"COMMAND", "INFO", "config", "nosuch"});
  CHECK(out.rfind("*2\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n"
                  "*0\r\n*0\r\n*5\r\n*10\r\n$10\r\nconfig|get\r\n",
                  0) == 0);
  CHECK(out.size() > 5);
  CHECK(out.substr(out.size() - 5) == "$-1\r\n");
}

TEST_CASE("COMMAND COUNT and COMMAND LIST agree with the table", "[command]") {
  AdminHarness h;
  CHECK(h.Run({"COMMAND", "COUNT"}) == ":" + std::to_string(h.table.all().size()) + "\r\n");
  std::string list = h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "config|g*"});
  CHECK(list == "*1\r\n$10\r\nconfig|get\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}) == "*0\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "foo"}) == "-ERR syntax error\r\n");
}

TEST_CASE("COMMAND GETKEYS finds keys and reports Redis's errors", "[command]") {
  AdminHarness h;
  CHECK(h.Run({"COMMAND", "GETKEYS", "set", "a", "b"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "nosuch", "a"}) == "-ERR Invalid command specified\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "get", "a", "b"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "ping", "a"}) == "-ERR The command has no key arguments\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"}) ==
        "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "GET"}) ==
        "*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
}

TEST_CASE("COMMAND DOCS is a map in RESP3 and skips unknown names", "[command]") {
  AdminHarness h;
  h.client.protocol = 3;
  CHECK(h.Run({"COMMAND", "DOCS", "nosuch"}) == "%0\r\n");
  CHECK(h.Run({"COMMAND", "DOCS", "GET"}).rfind("%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n", 0) ==
        0);
}

TEST_CASE("Glob matching follows Redis: classes, ranges, escapes and case folding",
          "[command]") {
  // Redis's matcher never matches an empty string against "*" (KEYS special-cases "*").
  CHECK_FALSE(server::GlobMatch("*", "", false));
  CHECK(server::GlobMatch("h?llo", "hello", false));
  CHECK(server::GlobMatch("h[ae]llo", "hallo", false));
  CHECK_FALSE(server::GlobMatch("h[^e]llo", "hello", false));
  CHECK(server::GlobMatch("h[a-c]llo", "hbllo", false));
  CHECK(server::GlobMatch("h\\*llo", "h*llo", false));
  CHECK_FALSE(server::GlobMatch("h\\*llo", "hello", false));
  CHECK(server::GlobMatch("MAX*", "maxmemory", true));
  CHECK_FALSE(server::GlobMatch("MAX*", "maxmemory", false));
  CHECK(server::GlobMatch("*read-only", "slave-read-only", false));
  CHECK_FALSE(server::GlobMatch("a*b", "acbd", false));
}

TEST_CASE("INFO returns the asked sections with CRLF lines and a keyspace line per db",
          "[info]") {
  AdminHarness h;
  h.state.dbs[3]->Set("k", server::Value::String("v"));
  std::vector<std::string_view> keyspace{"keyspace"};
  CHECK(server::InfoText(h.state, keyspace) == "# Keyspace\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n");
  std::vector<std::string_view> none{"nosuch"};
  CHECK(server::InfoText(h.state, none).empty());
  std::string all = server::InfoText(h.state, {});
  CHECK(all.rfind("# Server\r\nredis_version:", 0) == 0);
  for (const char* needle : {"\r\n\r\n# Clients\r\n", "redis_mode:standalone\r\n", "loading:0\r\n",
                             "role:master\r\n", "connected_clients:1\r\n", "# Keyspace\r\n"}) {
    INFO(needle);
    CHECK(all.find(needle) != std::string::npos);
  }
  h.client.protocol = 3;
  CHECK(h.Run({"INFO", "KEYSPACE"}) ==
        "=48\r\ntxt:# Keyspace\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n\r\n");
}

TEST_CASE("CLIENT SETNAME, GETNAME and SETINFO validate like Redis", "[client]") {
  AdminHarness h;
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  CHECK(h.Run({"CLIENT", "SETNAME", "a b"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.Run({"CLIENT", "SETNAME", "app"}) == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$3\r\napp\r\n");
  CHECK(h.Run({"CLIENT", "SETINFO", "lib-name", "redis py"}) ==
        "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.Run({"CLIENT", "SETINFO", "badger", "x"}) == "-ERR Unrecognized option 'badger'\r\n");
  CHECK(h.Run({"CLIENT", "SETINFO", "LIB-VER", "1.2"}) == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "FROBNICATE", "on"}) ==
        "-ERR unknown subcommand 'FROBNICATE'. Try CLIENT HELP.\r\n");
}

TEST_CASE("CLIENT LIST describes each client on one line in Redis 8's field order", "[client]") {
  AdminHarness h;
  h.client.name = "app";
  std::string out = h.Run({"CLIENT", "LIST"});
  CHECK(out.find("\r\nid=7 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=-1 name=app age=") !=
        std::string::npos);
  CHECK(out.find(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 ") !=
        std::string::npos);
  CHECK(out.find(" cmd=client|list user=default redir=-1 resp=2 lib-name= lib-ver= io-thread=0\n\r\n") !=
        std::string::npos);
  CHECK(h.Run({"CLIENT", "LIST", "ID", "x"}) == "-ERR Invalid client ID\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "TYPE", "x"}) == "-ERR Unknown client type 'x'\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "TYPE", "pubsub"}) == "$0\r\n\r\n");
}

TEST_CASE("CLIENT KILL queues other clients and closes the caller only after its reply",
          "[client]") {
  AdminHarness h;
  server::Client other;
  other.id = 9;
  other.addr = "127.0.0.1:5001";
  h.state.clients[other.id] = &other;
  CHECK(h.Run({"CLIENT", "KILL", "127.0.0.1:9999"}) == "-ERR No such client\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "ID", "0"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "USER", "bob"}) == "-ERR No such user 'bob'\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "ADDR", "127.0.0.1:5000"}) == ":0\r\n");  // SKIPME yes
  CHECK(h.Run({"CLIENT", "KILL", "127.0.0.1:5001"}) == "+OK\r\n");
  CHECK(h.state.clients_to_close == std::vector<uint64_t>{9});
  CHECK(h.Run({"CLIENT", "KILL", "USER", "default", "SKIPME", "no"}) == ":2\r\n");
  CHECK(h.client.close_after_reply);
}

TEST_CASE("FLUSHALL, SHUTDOWN and TIME reply as Redis", "[server]") {
  AdminHarness h;
  h.state.dbs[0]->Set("a", server::Value::String("1"));
  h.state.dbs[5]->Set("b", server::Value::String("1"));
  CHECK(h.Run({"FLUSHALL", "LAZY"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"FLUSHALL", "async"}) == "+OK\r\n");
  CHECK(h.state.dbs[0]->size() + h.state.dbs[5]->size() == 0);
  CHECK(h.Run({"SHUTDOWN", "SAVE", "NOSAVE"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "ABORT"}) == "-ERR No shutdown in progress.\r\n");
  CHECK_FALSE(h.state.shutdown_requested);
  CHECK(h.Run({"SHUTDOWN", "NOSAVE"}).empty());
  CHECK(h.state.shutdown_requested);
  CHECK(h.client.close_after_reply);
  CHECK(h.Run({"TIME"}).rfind("*2\r\n$10\r\n", 0) == 0);
}

namespace {

// A reply read back from RESP2 bytes, just enough of it to compare names: arrays keep their
// elements, everything else its text.
struct Reply {
  std::string text;
  std::vector<Reply> items;
};

Reply ReadReply(std::string_view& in) {
  const size_t eol = in.find("\r\n");
  REQUIRE(eol != std::string_view::npos);
  const char type = in[0];
  std::string head(in.substr(1, eol - 1));
  in.remove_prefix(eol + 2);
  Reply r;
  if (type == '$') {
    const size_t n = std::stoul(head);
    r.text = std::string(in.substr(0, n));
    in.remove_prefix(n + 2);
  } else if (type == '*') {
    const long n = std::stol(head);
    for (long i = 0; i < n; i++) r.items.push_back(ReadReply(in));
  } else {
    r.text = head;
  }
  return r;
}

Reply Parse(const std::string& bytes) {
  std::string_view in = bytes;
  Reply r = ReadReply(in);
  CHECK(in.empty());
  return r;
}

// A RESP2 map (a flat key/value array) as name => value.
std::map<std::string, Reply> AsMap(const Reply& r) {
  std::map<std::string, Reply> out;
  for (size_t i = 0; i + 1 < r.items.size(); i += 2) out[r.items[i].text] = r.items[i + 1];
  return out;
}

std::string FullName(const server::CommandSpec* container, const server::CommandSpec& spec) {
  return container == nullptr ? std::string(spec.name)
                              : std::string(container->name) + "|" + std::string(spec.name);
}

}  // namespace

TEST_CASE("COMMAND LIST names every row of the table and its subcommands, nothing else",
          "[command]") {
  AdminHarness h;
  std::set<std::string> table;
  for (const server::CommandSpec* spec : h.table.all()) {
    table.insert(FullName(nullptr, *spec));
    for (const server::CommandSpec& sub : spec->subcommands) table.insert(FullName(spec, sub));
  }
  std::set<std::string> listed;
  for (const Reply& name : Parse(h.Run({"COMMAND", "LIST"})).items) {
    CHECK(listed.insert(name.text).second);  // no name twice
  }
  CHECK(listed == table);
}

TEST_CASE("COMMAND DOCS documents exactly the table's rows, each from its own row",
          "[command]") {
  AdminHarness h;
  const std::map<std::string, Reply> docs = AsMap(Parse(h.Run({"COMMAND", "DOCS"})));
  CHECK(docs.size() == h.table.all().size());
  // Each documented command against the row it came from: same summary, since, group and
  // complexity, arguments exactly when the row has a syntax, subcommands exactly the row's.
  auto check = [](const server::CommandSpec& spec, const std::map<std::string, Reply>& doc) {
    CHECK(doc.at("summary").text == spec.summary);
    CHECK(doc.at("since").text == spec.since);
    CHECK(doc.at("group").text == spec.group);
    if (!spec.doc.complexity.empty()) {
      CHECK(doc.at("complexity").text == spec.doc.complexity);
    } else if (spec.subcommands.empty()) {
      CHECK(doc.count("complexity") == 0);
    }
    CHECK(doc.count("arguments") == (spec.doc.syntax.empty() ? 0u : 1u));
  };
  for (const server::CommandSpec* spec : h.table.all()) {
    const std::string name = FullName(nullptr, *spec);
    INFO(name);
    REQUIRE(docs.count(name) == 1);
    const std::map<std::string, Reply> doc = AsMap(docs.at(name));
    check(*spec, doc);
    if (spec->subcommands.empty()) {
      CHECK(doc.count("subcommands") == 0);
      continue;
    }
    const std::map<std::string, Reply> subs = AsMap(doc.at("subcommands"));
    CHECK(subs.size() == spec->subcommands.size());
    for (const server::CommandSpec& sub : spec->subcommands) {
      INFO(FullName(spec, sub));
      REQUIRE(subs.count(FullName(spec, sub)) == 1);
      check(sub, AsMap(subs.at(FullName(spec, sub))));
    }
  }
}

TEST_CASE("COMMAND GETKEYSANDFLAGS of a subcommand reads the subcommand's own key flags",
          "[command]") {
  AdminHarness h;
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "xgroup", "createconsumer", "s", "g", "c"}) ==
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RW\r\n+insert\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "xgroup", "delconsumer", "s", "g", "c"}) ==
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RW\r\n+delete\r\n");
}
