// The shebang parsers: EVAL's "#!lua flags=..." (compatibility mode without one) and FUNCTION
// LOAD's "#!lua name=...", with Redis's error texts; the shebang line kept as line 1.
#include "src/scripting/shebang.h"

#include <catch2/catch.hpp>

using server::scripting::kAllScriptFlags;
using server::scripting::kFlagAllowCrossSlot;
using server::scripting::kFlagAllowOom;
using server::scripting::kFlagAllowStale;
using server::scripting::kFlagNoWrites;
using server::scripting::ParseEvalShebang;
using server::scripting::ParseLibraryShebang;
using server::scripting::ScriptFlagByName;
using server::scripting::ScriptFlagName;
using server::scripting::WithoutShebang;

TEST_CASE("A script without a shebang runs in compatibility mode", "[scripting][shebang]") {
  auto s = ParseEvalShebang("return 1");
  REQUIRE(s);
  CHECK_FALSE(s->present);
  CHECK(s->flags == 0);
}

TEST_CASE("EVAL's shebang flags are read, each flags= option anew", "[scripting][shebang]") {
  auto s = ParseEvalShebang("#!lua flags=no-writes,allow-oom\nreturn 1");
  REQUIRE(s);
  CHECK(s->present);
  CHECK(s->flags == (kFlagNoWrites | kFlagAllowOom));
  auto again = ParseEvalShebang("#!lua  flags=no-writes   flags=allow-stale\nreturn 1");
  REQUIRE(again);
  CHECK(again->flags == kFlagAllowStale);
  auto none = ParseEvalShebang("#!lua flags=\nreturn 1");
  REQUIRE(none);
  CHECK(none->flags == 0);
}

TEST_CASE("A bad EVAL shebang is refused with Redis's words", "[scripting][shebang]") {
  CHECK(ParseEvalShebang("#!lua").error() == "ERR Invalid script shebang");
  CHECK(ParseEvalShebang("#!LUA\n").error() == "ERR Unexpected engine in script shebang: #!LUA");
  CHECK(ParseEvalShebang("#! lua\n").error() == "ERR Unexpected engine in script shebang: #!");
  CHECK(ParseEvalShebang("#!lua flags=bogus\n").error() ==
        "ERR Unexpected flag in script shebang: bogus");
  CHECK(ParseEvalShebang("#!lua flags=no-writes,\n").error() ==
        "ERR Unexpected flag in script shebang: ");
  CHECK(ParseEvalShebang("#!lua name=x\n").error() == "ERR Unknown lua shebang option: name=x");
}

TEST_CASE("A library's metadata names it; anything else is refused", "[scripting][shebang]") {
  CHECK(*ParseLibraryShebang("#!lua name=my_lib1\ncode") == "my_lib1");
  CHECK(*ParseLibraryShebang("#!LUA   name=x\n") == "x");
  CHECK(ParseLibraryShebang("return 1").error() == "ERR Missing library metadata");
  CHECK(ParseLibraryShebang("#!lua name=x").error() == "ERR Invalid library metadata");
  CHECK(ParseLibraryShebang("#!js name=x\n").error() == "ERR Engine 'js' not found");
  CHECK(ParseLibraryShebang("#!lua\n").error() == "ERR Library name was not given");
  CHECK(ParseLibraryShebang("#!lua name=a b\n").error() == "ERR Invalid metadata value given: b");
  CHECK(ParseLibraryShebang("#!lua name=a name=b\n").error() ==
        "ERR Invalid metadata value, name argument was given multiple times");
  CHECK(ParseLibraryShebang("#!lua name=\n").error().starts_with(
      "ERR Library names can only contain letters"));
  CHECK(ParseLibraryShebang("#!lua name=a-b\n").error().starts_with(
      "ERR Library names can only contain letters"));
}

TEST_CASE("The shebang line compiles as a comment of the same length", "[scripting][shebang]") {
  CHECK(WithoutShebang("#!lua name=x\nreturn 1") == "--lua name=x\nreturn 1");
  CHECK(WithoutShebang("return 1") == "return 1");
}

TEST_CASE("Every flag name maps to its flag and back", "[scripting][shebang]") {
  for (uint32_t flag : kAllScriptFlags) {
    CHECK(ScriptFlagByName(ScriptFlagName(flag)) == flag);
  }
  CHECK(ScriptFlagByName("no-writes") == kFlagNoWrites);
  CHECK(ScriptFlagByName("allow-cross-slot-keys") == kFlagAllowCrossSlot);
  CHECK(ScriptFlagByName("No-Writes") == 0);
}
