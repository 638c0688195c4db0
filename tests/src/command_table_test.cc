// The command table's lookup: a flat open-addressing table over lower-cased names.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/command_table.h"
#include "src/commands/registry.h"

TEST_CASE("Every command is found by its name in any letter case", "[command]") {
  server::CommandTable table{server::CommandFamilies()};
  REQUIRE(table.all().size() > 80);
  for (const server::CommandSpec* spec : table.all()) {
    std::string upper(spec->name), mixed(spec->name);
    for (size_t i = 0; i < upper.size(); i++) {
      upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
      if (i % 2 == 0) mixed[i] = upper[i];
    }
    INFO(spec->name);
    CHECK(table.Find(spec->name) == spec);
    CHECK(table.Find(upper) == spec);
    CHECK(table.Find(mixed) == spec);
  }
}

TEST_CASE("Unknown, prefixed, extended and overlong names are not found", "[command]") {
  server::CommandTable table{server::CommandFamilies()};
  CHECK(table.Find("") == nullptr);
  CHECK(table.Find("nosuchcommand") == nullptr);
  CHECK(table.Find("ge") == nullptr);
  CHECK(table.Find("gett") == nullptr);
  CHECK(table.Find("get ") == nullptr);
  CHECK(table.Find(std::string(40, 'x')) == nullptr);
  CHECK(table.Find(std::string(32, 'x')) == nullptr);
}

TEST_CASE("A keynum key spec takes the count from its argument and refuses a bad count",
          "[command]") {
  constexpr server::MovableKeys kSpec = server::MovableKeys::KeyNum(2, 0, 1, 1);
  const server::CommandSpec spec{"x", -4, server::kWrite, 0, 0, 0, nullptr, {}, {}, {}, {}, {},
                                 &kSpec};
  auto keys = [&](std::vector<std::string_view> argv) { return server::KeyPositions(spec, argv); };
  CHECK(keys({"x", "0", "2", "a", "b", "LEFT"}) == std::vector<size_t>{3, 4});
  CHECK(keys({"x", "0", "1", "a"}) == std::vector<size_t>{3});
  CHECK(keys({"x", "0", "3", "a", "b"}).empty());  // more keys than arguments
  CHECK(keys({"x", "0", "0", "a"}).empty());
  CHECK(keys({"x", "0", "-1", "a"}).empty());
  CHECK(keys({"x", "0", "two", "a"}).empty());
  CHECK(keys({"x", "0"}).empty());
}

TEST_CASE("A name repeated, then another of the same length or a prefix of it, finds each one",
          "[command]") {
  server::CommandTable table{server::CommandFamilies()};
  const server::CommandSpec* get = table.Find("GET");
  REQUIRE(get != nullptr);
  CHECK(table.Find("GET") == get);  // the remembered name
  CHECK(table.Find("get") == get);
  CHECK(table.Find("SET")->name == "set");
  CHECK(table.Find("GE") == nullptr);
  CHECK(table.Find("GETX") == nullptr);
  CHECK(table.Find("GET") == get);
}

TEST_CASE("Each subcommand row belongs to one container (CLIENT LIST's cmd= relies on it)",
          "[command]") {
  server::CommandTable table{server::CommandFamilies()};
  std::map<const server::CommandSpec*, std::string_view> container_of;
  for (const server::CommandSpec* spec : table.all()) {
    for (const server::CommandSpec& sub : spec->subcommands) {
      INFO(spec->name << " " << sub.name);
      CHECK(container_of.emplace(&sub, spec->name).second);
    }
  }
  CHECK(container_of.size() > 50);
}
