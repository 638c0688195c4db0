// ACL users: SETUSER's rules applied in order (passwords, keys with read/write access, channels,
// commands by name, subcommand and category, selectors), Redis's error texts, the ACL LIST
// form they describe back to, and the permission check over every selector.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/acl/acl.h"
#include "src/command_table.h"
#include "src/commands/registry.h"

namespace {

struct AclFixture {
  server::CommandTable table{server::CommandFamilies()};
  server::acl::Registry registry{table};

  server::Result<void> Set(std::string_view name, std::vector<std::string_view> rules) {
    return registry.SetUser(name, rules);
  }
  std::string Line(std::string_view name) { return registry.Line(*registry.Find(name)); }
  server::acl::Denial Check(std::string_view user, std::vector<std::string_view> argv) {
    auto spec = table.Find(argv[0]);
    REQUIRE(spec != nullptr);
    if (!spec->subcommands.empty()) spec = server::CommandTable::FindSubcommand(*spec, argv[1]);
    return registry.Check(*registry.Find(user), *spec, argv).denial;
  }
};

constexpr auto kAllowed = server::acl::Denial::kNone;
constexpr auto kNoCommand = server::acl::Denial::kCommand;
constexpr auto kNoKey = server::acl::Denial::kKey;
constexpr auto kNoChannel = server::acl::Denial::kChannel;

}  // namespace

TEST_CASE("A new ACL user has nothing until rules give it something", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("alice", {}));
  CHECK(f.Line("alice") == "user alice off resetchannels -@all");
  CHECK(f.Line("default") == "user default on nopass ~* &* +@all");
  CHECK(f.registry.Find("default")->unrestricted);
  CHECK_FALSE(f.registry.Find("alice")->unrestricted);
}

TEST_CASE("ACL rules describe back in ACL LIST's form, command rules in the order given",
          "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("alice", {"on", ">pw", "~cache:*", "%R~ro:*", "&chan*", "+get", "+set", "+@hash",
                          "-hdel", "+client|setname"}));
  CHECK(f.Line("alice") ==
        "user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 "
        "~cache:* %R~ro:* resetchannels &chan* -@all +get +set +@hash -hdel +client|setname");
  // A later rule for the same command replaces the earlier one.
  REQUIRE(f.Set("alice", {"-get"}));
  CHECK(f.Line("alice").ends_with("-@all +set +@hash -hdel +client|setname -get"));
  REQUIRE(f.Set("alice", {"allcommands", "-@dangerous"}));
  CHECK(f.Line("alice").ends_with("&chan* +@all -@dangerous"));
}

TEST_CASE("Selectors in parentheses describe after the root permissions", "[acl]") {
  AclFixture f;
  const std::vector<std::string_view> args = {"on", "nopass", "(~foo", "+get)", "+@all",
                                              "-@dangerous"};
  auto grouped = server::acl::GroupSelectorArgs(args);
  REQUIRE(grouped);
  std::vector<std::string_view> rules(grouped->begin(), grouped->end());
  REQUIRE(f.registry.SetUser("bob", rules));
  CHECK(f.Line("bob") ==
        "user bob on nopass resetchannels +@all -@dangerous (~foo resetchannels -@all +get)");
  // FLUSHALL is dangerous for the root, and no selector allows it.
  CHECK(f.Check("bob", {"flushall"}) == kNoCommand);
  // GET of any key: the root allows every command but no key; the selector allows foo.
  CHECK(f.Check("bob", {"get", "foo"}) == kAllowed);
  CHECK(f.Check("bob", {"get", "bar"}) == kNoKey);
  const std::vector<std::string_view> open = {"(~a"};
  CHECK(server::acl::GroupSelectorArgs(open).error() ==
        "ERR Unmatched parenthesis in acl selector starting at '(~a'.");
}

TEST_CASE("ACL SETUSER refuses bad rules with Redis's texts and leaves the user as it was",
          "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("x", {"on", "+get"}));
  const std::string before = f.Line("x");
  struct Case {
    std::string_view rule;
    std::string_view error;
  };
  const Case cases[] = {
      {"foo", "ERR Error in ACL SETUSER modifier 'foo': Syntax error"},
      {"+nosuchcmd",
       "ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name in ACL"},
      {"+@nosuch",
       "ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL"},
      {"+client|nosuch",
       "ERR Error in ACL SETUSER modifier '+client|nosuch': Unknown command or category name in "
       "ACL"},
      {"%X~a", "ERR Error in ACL SETUSER modifier '%X~a': Syntax error"},
      {"<nopw",
       "ERR Error in ACL SETUSER modifier '<nopw': The password you are trying to remove from the "
       "user does not exist"},
      {"#abc",
       "ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters "
       "and contain only lowercase hexadecimal characters"},
  };
  for (const Case& c : cases) {
    INFO(c.rule);
    auto r = f.Set("x", {"off", c.rule});
    REQUIRE_FALSE(r);
    CHECK(r.error() == c.error);
    CHECK(f.Line("x") == before);
  }
  auto r = f.Set("x", {"allkeys", "~x"});
  CHECK(r.error() ==
        "ERR Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the "
        "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start "
        "with an empty list of patterns");
}

TEST_CASE("Key patterns grant read, write or both, by each key's access", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("k", {"on", "nopass", "+@all", "%R~ro:*", "%W~wo:*", "~rw:*"}));
  CHECK(f.Check("k", {"get", "ro:1"}) == kAllowed);
  CHECK(f.Check("k", {"set", "ro:1", "v"}) == kNoKey);
  CHECK(f.Check("k", {"get", "wo:1"}) == kNoKey);
  CHECK(f.Check("k", {"get", "rw:1"}) == kAllowed);
  CHECK(f.Check("k", {"set", "rw:1", "v"}) == kAllowed);
  CHECK(f.Check("k", {"get", "other"}) == kNoKey);
  // A store reads its sources and writes only its destination.
  CHECK(f.Check("k", {"sunionstore", "wo:dst", "ro:a", "ro:b"}) == kAllowed);
  CHECK(f.Check("k", {"sunionstore", "ro:dst", "ro:a"}) == kNoKey);
}

TEST_CASE("Channel patterns govern PUBLISH and SUBSCRIBE; PSUBSCRIBE needs the pattern itself",
          "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("c", {"on", "nopass", "+@all", "allkeys", "&news.*"}));
  CHECK(f.Check("c", {"publish", "news.sport", "m"}) == kAllowed);
  CHECK(f.Check("c", {"publish", "weather", "m"}) == kNoChannel);
  CHECK(f.Check("c", {"subscribe", "news.a", "weather"}) == kNoChannel);
  CHECK(f.Check("c", {"psubscribe", "news.*"}) == kAllowed);
  CHECK(f.Check("c", {"psubscribe", "news.a*"}) == kNoChannel);
}

TEST_CASE("Subcommand rules allow or deny one subcommand of a container", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("s", {"on", "nopass", "+client", "-client|kill", "+config|get"}));
  CHECK(f.Check("s", {"client", "id"}) == kAllowed);
  CHECK(f.Check("s", {"client", "kill", "1.2.3.4:5"}) == kNoCommand);
  CHECK(f.Check("s", {"config", "get", "maxmemory"}) == kAllowed);
  CHECK(f.Check("s", {"config", "set", "maxmemory", "1"}) == kNoCommand);
}

TEST_CASE("Passwords authenticate only an enabled user; nopass takes any", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("p", {"on", ">one", ">two"}));
  const server::acl::User& p = *f.registry.Find("p");
  CHECK(f.registry.Authenticate(p, "one"));
  CHECK(f.registry.Authenticate(p, "two"));
  CHECK_FALSE(f.registry.Authenticate(p, "three"));
  REQUIRE(f.Set("p", {"<one"}));
  CHECK_FALSE(f.registry.Authenticate(p, "one"));
  REQUIRE(f.Set("p", {"off"}));
  CHECK_FALSE(f.registry.Authenticate(p, "two"));
  REQUIRE(f.Set("p", {"on", "nopass"}));
  CHECK(f.registry.Authenticate(p, "anything"));
  f.registry.SetRequirePass("secret");
  const server::acl::User& d = *f.registry.Find("default");
  CHECK_FALSE(f.registry.Authenticate(d, "nope"));
  CHECK(f.registry.Authenticate(d, "secret"));
}

TEST_CASE("An ACL file round-trips through SaveText and LoadText", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("alice", {"on", ">pw", "~a:*", "&c", "+get", "(~b:* +set)"}));
  const std::string text = f.registry.SaveText();
  AclFixture g;
  REQUIRE(g.registry.LoadText(text));
  CHECK(g.registry.SaveText() == text);
  CHECK(g.registry.LoadText("user alice on +nosuch\n").error() ==
        "ERR Error in ACL file line 1: Error in ACL SETUSER modifier '+nosuch': Unknown command "
        "or category name in ACL");
  CHECK(g.registry.LoadText("alice on\n").error() ==
        "ERR Error in ACL file line 1: line should start with user keyword");
  // A failed load changes nothing.
  CHECK(g.registry.SaveText() == text);
}

TEST_CASE("The ACL LOG groups repeats of a denial and keeps the newest first", "[acl]") {
  AclFixture f;
  f.registry.Log("command", "toplevel", "get", "alice", "info", 1000, 3);
  f.registry.Log("key", "toplevel", "k", "alice", "info", 1001, 3);
  f.registry.Log("command", "toplevel", "get", "alice", "info2", 2000, 3);
  REQUIRE(f.registry.log().size() == 2);
  CHECK(f.registry.log()[0].object == "get");
  CHECK(f.registry.log()[0].count == 2);
  CHECK(f.registry.log()[0].client_info == "info2");
  // Past a minute the same denial is a new entry; the list keeps max_len entries.
  f.registry.Log("command", "toplevel", "get", "alice", "info", 70000, 2);
  CHECK(f.registry.log().size() == 2);
  CHECK(f.registry.log()[0].count == 1);
}

TEST_CASE("A first-argument rule allows a command only with that first argument", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("alice", {"on", "nopass", "+select|0", "+select|A"}));
  CHECK(f.Line("alice") == "user alice on nopass resetchannels -@all +select|0 +select|A");
  CHECK(f.Check("alice", {"select", "0"}) == kAllowed);
  CHECK(f.Check("alice", {"select", "a"}) == kAllowed);  // compared ignoring case
  CHECK(f.Check("alice", {"select", "1"}) == kNoCommand);
  // The command outright, or a category holding it, overrides the first-argument rules.
  REQUIRE(f.Set("alice", {"-select"}));
  CHECK(f.Line("alice") == "user alice on nopass resetchannels -@all -select");
  CHECK(f.Check("alice", {"select", "0"}) == kNoCommand);
  REQUIRE(f.Set("alice", {"+select|2", "-@connection"}));
  CHECK(f.Check("alice", {"select", "2"}) == kNoCommand);
  // Already allowed with any argument: nothing to add.
  REQUIRE(f.Set("bob", {"on", "nopass", "+@all", "+select|0"}));
  CHECK(f.Line("bob") == "user bob on nopass resetchannels +@all");
  CHECK(f.Check("bob", {"select", "5"}) == kAllowed);
}

TEST_CASE("First-argument rules are refused where Redis refuses them", "[acl]") {
  AclFixture f;
  const auto error = [&](std::string_view rule) {
    auto r = f.Set("alice", {rule});
    return r ? std::string("OK") : std::string(r.error());
  };
  CHECK(error("-select|0") ==
        "ERR Error in ACL SETUSER modifier '-select|0': Unknown command or category name in ACL");
  CHECK(error("+select|0|1") ==
        "ERR Error in ACL SETUSER modifier '+select|0|1': Unknown command or category name in "
        "ACL");
  CHECK(error("+client|nosuch") ==
        "ERR Error in ACL SETUSER modifier '+client|nosuch': Unknown command or category name "
        "in ACL");
  CHECK(error("+config|get|x") ==
        "ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand "
        "is not supported");
  CHECK(error("+select|") == "ERR Error in ACL SETUSER modifier '+select|': Syntax error");
}

TEST_CASE("sanitize-payload and skip-sanitize-payload show in ACL LIST once set", "[acl]") {
  AclFixture f;
  REQUIRE(f.Set("alice", {"on", ">p", "sanitize-payload"}));
  CHECK(f.Line("alice") ==
        "user alice on sanitize-payload "
        "#148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940 resetchannels -@all");
  REQUIRE(f.Set("bob", {"skip-sanitize-payload"}));
  CHECK(f.Line("bob") == "user bob off skip-sanitize-payload resetchannels -@all");
  REQUIRE(f.Set("bob", {"reset"}));
  CHECK(f.Line("bob") == "user bob off sanitize-payload resetchannels -@all");
}

TEST_CASE("The default user is the loaded file's after an ACL load, with or without one in it",
          "[acl]") {
  AclFixture f;
  REQUIRE(f.registry.LoadText("user default on >secret ~* +@all\n"));
  CHECK(&f.registry.Default() == f.registry.Find("default"));
  CHECK_FALSE(f.registry.Default().nopass);
  REQUIRE(f.registry.LoadText("user alice on nopass +get\n"));
  CHECK(&f.registry.Default() == f.registry.Find("default"));
  CHECK(f.registry.Default().nopass);
}
