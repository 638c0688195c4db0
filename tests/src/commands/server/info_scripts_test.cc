// INFO memory's scripting fields: named and ordered as Redis 7.0 prints them, and following the
// eval engine's cache (SCRIPT LOAD adds, SCRIPT FLUSH empties) and its Lua state.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/command_harness.h"

namespace {

using testing_support::CommandHarness;

// The integer value of `field` in INFO memory.
long long ScriptsInfoNumber(CommandHarness& h, const std::string& field) {
  const std::string info = h.Run({"INFO", "memory"});
  const std::string prefix = "\r\n" + field + ":";
  const size_t at = info.find(prefix);
  REQUIRE(at != std::string::npos);
  return std::stoll(info.substr(at + prefix.size()));
}

}  // namespace

TEST_CASE("INFO memory prints the scripting fields in Redis 7.0's order", "[info][scripting]") {
  CommandHarness h;
  const std::string info = h.Run({"INFO", "memory"});
  const std::vector<std::string> fields = {
      "used_memory_lua",          "used_memory_vm_eval",      "used_memory_lua_human",
      "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
      "number_of_libraries",      "used_memory_vm_functions", "used_memory_vm_total",
      "used_memory_vm_total_human", "used_memory_functions",  "used_memory_scripts",
      "used_memory_scripts_human",
  };
  size_t last = 0;
  for (const std::string& f : fields) {
    const size_t at = info.find("\r\n" + f + ":");
    INFO(f);
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
  // Between total_system_memory_human and maxmemory, as in Redis.
  CHECK(info.find("total_system_memory_human:") < info.find("used_memory_lua:"));
  CHECK(info.find("used_memory_scripts_human:") < info.find("\r\nmaxmemory:"));
}

TEST_CASE("INFO memory shows no Lua memory before the first script", "[info][scripting]") {
  CommandHarness h;
  CHECK(ScriptsInfoNumber(h, "used_memory_lua") == 0);
  CHECK(ScriptsInfoNumber(h, "number_of_cached_scripts") == 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_scripts") == 0);
  CHECK(h.state.scripts == nullptr);  // INFO did not make the engine
}

TEST_CASE("SCRIPT LOAD and SCRIPT FLUSH move number_of_cached_scripts and used_memory_lua",
          "[info][scripting]") {
  CommandHarness h;
  h.Run({"SCRIPT", "LOAD", "return 1"});
  CHECK(ScriptsInfoNumber(h, "number_of_cached_scripts") == 1);
  const long long lua_one = ScriptsInfoNumber(h, "used_memory_lua");
  const long long cache_one = ScriptsInfoNumber(h, "used_memory_scripts_eval");
  CHECK(lua_one > 0);
  CHECK(cache_one > 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_vm_eval") == lua_one);
  // The total adds the functions' Lua state (which exists with the engine), and their
  // records (none loaded).
  CHECK(ScriptsInfoNumber(h, "used_memory_vm_total") ==
        lua_one + ScriptsInfoNumber(h, "used_memory_vm_functions"));
  CHECK(ScriptsInfoNumber(h, "used_memory_functions") == 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_scripts") == cache_one);

  for (int i = 0; i < 100; i++) h.Run({"SCRIPT", "LOAD", "return " + std::to_string(i + 2)});
  h.Run({"SCRIPT", "LOAD", "return 1"});  // already cached: nothing changes
  CHECK(ScriptsInfoNumber(h, "number_of_cached_scripts") == 101);
  const long long lua_many = ScriptsInfoNumber(h, "used_memory_lua");
  CHECK(lua_many > lua_one);
  CHECK(ScriptsInfoNumber(h, "used_memory_scripts_eval") > cache_one);

  h.Run({"SCRIPT", "FLUSH"});
  CHECK(ScriptsInfoNumber(h, "number_of_cached_scripts") == 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_lua") < lua_many);
  CHECK(ScriptsInfoNumber(h, "used_memory_lua") > 0);  // a fresh state, ready for the next
}

TEST_CASE("used_memory_lua stays bounded while scripts keep leaving garbage", "[info][scripting]") {
  CommandHarness h;
  const std::string sha = h.Run({"SCRIPT", "LOAD",
                                 "local t = {} for i = 1, 1000 do t[i] = 'item' .. i end "
                                 "return #t"});
  const std::string hex = sha.substr(sha.find("\r\n") + 2, 40);
  h.Run({"EVALSHA", hex, "0"});
  const long long after_one = ScriptsInfoNumber(h, "used_memory_lua");
  // Each run leaves a table of 1,000 strings (tens of KB): 500 runs would hold megabytes.
  long long most = 0;
  for (int i = 0; i < 500; i++) {
    h.Run({"EVALSHA", hex, "0"});
    most = std::max(most, ScriptsInfoNumber(h, "used_memory_lua"));
  }
  CHECK(most < 4 * after_one);
}

TEST_CASE("FUNCTION LOAD and FUNCTION FLUSH move the functions' INFO fields", "[info][scripting]") {
  CommandHarness h;
  h.Run({"FUNCTION", "LOAD",
         "#!lua name=lib\nredis.register_function('a', function() return 1 end)\n"
         "redis.register_function('b', function() return 2 end)"});
  CHECK(ScriptsInfoNumber(h, "number_of_functions") == 2);
  CHECK(ScriptsInfoNumber(h, "number_of_libraries") == 1);
  const long long vm = ScriptsInfoNumber(h, "used_memory_vm_functions");
  const long long records = ScriptsInfoNumber(h, "used_memory_functions");
  CHECK(vm > 0);
  CHECK(records > 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_scripts") ==
        ScriptsInfoNumber(h, "used_memory_scripts_eval") + records);
  h.Run({"FUNCTION", "FLUSH"});
  CHECK(ScriptsInfoNumber(h, "number_of_functions") == 0);
  CHECK(ScriptsInfoNumber(h, "number_of_libraries") == 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_functions") == 0);
  CHECK(ScriptsInfoNumber(h, "used_memory_vm_functions") < vm);
}
