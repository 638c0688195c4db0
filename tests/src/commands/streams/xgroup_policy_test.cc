// XGROUP SETPOLICY / GETPOLICY (Runnel's delivery policy of a consumer group), the server-wide
// defaults from the config (EffectivePolicy) and the policy fields XINFO adds after Redis's,
// run in-process through Dispatch. The behaviour the policy drives (deadlines, redelivery,
// dead-lettering) is not here: this is its configuration.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/delivery/policy.h"
#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "src/errors.h"
#include "src/server_state.h"
#include "streams/consumer_group.h"
#include "streams/stream.h"

namespace {

using testing_support::Bulk;
using testing_support::Int;
using testing_support::Err;

using streams::DeliveryPolicy;

struct PolicyHarness : testing_support::CommandHarness {
  PolicyHarness() {
    Run({"XADD", "s", "1-0", "f", "v"});
    REQUIRE(Run({"XGROUP", "CREATE", "s", "g", "0"}) == "+OK\r\n");
  }
  streams::ConsumerGroup& Group(const std::string& key = "s", const std::string& name = "g") {
    server::Value* v = state.dbs[0]->Find(key, server::WallClockMs());
    REQUIRE(v != nullptr);
    streams::ConsumerGroup* g = v->stream().FindGroup(name);
    REQUIRE(g != nullptr);
    return *g;
  }
  std::string SetPolicy(std::vector<std::string> options) {
    std::vector<std::string> argv{"XGROUP", "SETPOLICY", "s", "g"};
    argv.insert(argv.end(), options.begin(), options.end());
    return Run(argv);
  }
};


}  // namespace

TEST_CASE("SETPOLICY with every option stores the whole policy and replies OK", "[policy]") {
  PolicyHarness h;
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "30000", "BACKOFF", "1000", "5000", "30000",
                     "MAX-DELIVERIES", "5", "DEAD-LETTER", "jobs:dead"}) == "+OK\r\n");
  DeliveryPolicy want;
  want.ack_timeout_ms = 30000;
  want.backoff_ms = {1000, 5000, 30000};
  want.max_deliveries = 5;
  want.dead_letter_key = "jobs:dead";
  CHECK(h.Group().policy() == want);
}

TEST_CASE("SETPOLICY options are case-insensitive, in any order, and a repeat replaces",
          "[policy]") {
  PolicyHarness h;
  CHECK(h.SetPolicy({"max-deliveries", "3", "backoff-exp", "100", "60000", "Ack-Timeout", "5",
                     "MAX-DELIVERIES", "4"}) == "+OK\r\n");
  const DeliveryPolicy& p = h.Group().policy();
  CHECK(p.ack_timeout_ms == 5);
  CHECK(p.backoff_ms.empty());
  CHECK(p.backoff_exp_base_ms == 100);
  CHECK(p.backoff_exp_max_ms == 60000);
  CHECK(p.max_deliveries == 4);
  CHECK(p.dead_letter_key.empty());
}

TEST_CASE("SETPOLICY replaces the whole policy, and with no options clears it", "[policy]") {
  PolicyHarness h;
  REQUIRE(h.SetPolicy({"ACK-TIMEOUT", "100", "MAX-DELIVERIES", "2"}) == "+OK\r\n");
  REQUIRE(h.SetPolicy({"DEAD-LETTER", "d"}) == "+OK\r\n");
  DeliveryPolicy only_dead_letter;
  only_dead_letter.dead_letter_key = "d";
  CHECK(h.Group().policy() == only_dead_letter);
  CHECK(h.SetPolicy({}) == "+OK\r\n");
  CHECK(h.Group().policy().empty());
}

TEST_CASE("BACKOFF's list ends at the next option word or at the end", "[policy]") {
  PolicyHarness h;
  REQUIRE(h.SetPolicy({"BACKOFF", "10", "20", "DEAD-LETTER", "d"}) == "+OK\r\n");
  CHECK(h.Group().policy().backoff_ms == std::vector<int64_t>{10, 20});
  CHECK(h.Group().policy().dead_letter_key == "d");
  REQUIRE(h.SetPolicy({"ACK-TIMEOUT", "1", "BACKOFF", "7"}) == "+OK\r\n");
  CHECK(h.Group().policy().backoff_ms == std::vector<int64_t>{7});
  CHECK(h.Group().policy().ack_timeout_ms == 1);
}

TEST_CASE("SETPOLICY refuses malformed options with Redis's syntax and integer errors",
          "[policy]") {
  PolicyHarness h;
  const std::string syntax = Err(server::err::kSyntax);
  const std::string not_int = Err(server::err::kNotInteger);
  CHECK(h.SetPolicy({"NOSUCH", "1"}) == syntax);
  CHECK(h.SetPolicy({"ACK-TIMEOUT"}) == syntax);
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "10", "extra"}) == syntax);
  CHECK(h.SetPolicy({"BACKOFF"}) == syntax);
  CHECK(h.SetPolicy({"BACKOFF", "MAX-DELIVERIES", "3"}) == syntax);
  CHECK(h.SetPolicy({"BACKOFF-EXP", "10"}) == syntax);
  CHECK(h.SetPolicy({"MAX-DELIVERIES"}) == syntax);
  CHECK(h.SetPolicy({"DEAD-LETTER"}) == syntax);
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "ten"}) == not_int);
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "1.5"}) == not_int);
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "99999999999999999999"}) == not_int);
  CHECK(h.SetPolicy({"BACKOFF", "10", "x"}) == not_int);
  CHECK(h.SetPolicy({"BACKOFF-EXP", "a", "10"}) == not_int);
  CHECK(h.SetPolicy({"BACKOFF-EXP", "10", "b"}) == not_int);
  CHECK(h.SetPolicy({"MAX-DELIVERIES", "many"}) == not_int);
}

TEST_CASE("SETPOLICY refuses out-of-range values and conflicting options with our own errors",
          "[policy]") {
  PolicyHarness h;
  using namespace server::err;
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "-1"}) == Err(kPolicyAckTimeoutNegative));
  CHECK(h.SetPolicy({"BACKOFF", "10", "0"}) == Err(kPolicyBackoffNotPositive));
  CHECK(h.SetPolicy({"BACKOFF", "-5"}) == Err(kPolicyBackoffNotPositive));
  CHECK(h.SetPolicy({"BACKOFF-EXP", "0", "10"}) == Err(kPolicyBackoffExpInvalid));
  CHECK(h.SetPolicy({"BACKOFF-EXP", "10", "9"}) == Err(kPolicyBackoffExpInvalid));
  CHECK(h.SetPolicy({"BACKOFF", "10", "BACKOFF-EXP", "10", "20"}) ==
        Err(kPolicyBackoffExclusive));
  CHECK(h.SetPolicy({"BACKOFF-EXP", "10", "20", "BACKOFF", "10"}) ==
        Err(kPolicyBackoffExclusive));
  CHECK(h.SetPolicy({"MAX-DELIVERIES", "0"}) == Err(kPolicyMaxDeliveriesInvalid));
  CHECK(h.SetPolicy({"MAX-DELIVERIES", "-2"}) == Err(kPolicyMaxDeliveriesInvalid));
  CHECK(h.SetPolicy({"DEAD-LETTER", "s"}) == Err(kPolicyDeadLetterIsSource));
  CHECK(h.SetPolicy({"DEAD-LETTER", ""}) == Err(kPolicyDeadLetterEmpty));
  // BACKOFF-EXP with base == max is a constant backoff, which is fine.
  CHECK(h.SetPolicy({"BACKOFF-EXP", "10", "10"}) == "+OK\r\n");
}

TEST_CASE("A refused SETPOLICY leaves the group's policy as it was and records nothing",
          "[policy]") {
  PolicyHarness h;
  REQUIRE(h.SetPolicy({"ACK-TIMEOUT", "100"}) == "+OK\r\n");
  const DeliveryPolicy before = h.Group().policy();
  h.state.propagation.Take();
  CHECK(h.SetPolicy({"ACK-TIMEOUT", "200", "MAX-DELIVERIES", "0"}) ==
        Err(server::err::kPolicyMaxDeliveriesInvalid));
  CHECK(h.Group().policy() == before);
  CHECK(h.state.propagation.Take().empty());
}

TEST_CASE("SETPOLICY and GETPOLICY give XGROUP's missing-key, WRONGTYPE and NOGROUP errors",
          "[policy]") {
  PolicyHarness h;
  h.Run({"SET", "str", "x"});
  for (const char* sub : {"SETPOLICY", "GETPOLICY"}) {
    INFO(sub);
    CHECK(h.Run({"XGROUP", sub, "nokey", "g"}) == Err(server::err::kXGroupKeyMissing));
    CHECK(h.Run({"XGROUP", sub, "str", "g"}) == Err(server::err::kWrongType));
    CHECK(h.Run({"XGROUP", sub, "s", "nogroup"}) ==
          Err("NOGROUP No such consumer group 'nogroup' for key name 's'"));
  }
  CHECK(h.Run({"XGROUP", "SETPOLICY", "s"}) ==
        Err("ERR wrong number of arguments for 'xgroup|setpolicy' command"));
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g", "x"}) ==
        Err("ERR wrong number of arguments for 'xgroup|getpolicy' command"));
}

TEST_CASE("SETPOLICY records itself as sent for the AOF, and nothing when it changed nothing",
          "[policy]") {
  PolicyHarness h;
  h.state.propagation.Take();
  REQUIRE(h.SetPolicy({"ack-timeout", "100", "BACKOFF", "5", "6"}) == "+OK\r\n");
  auto records = h.state.propagation.Take();
  REQUIRE(records.size() == 1);
  CHECK(records[0].argv == std::vector<std::string>{"XGROUP", "SETPOLICY", "s", "g",
                                                    "ack-timeout", "100", "BACKOFF", "5", "6"});
  REQUIRE(h.SetPolicy({"BACKOFF", "5", "6", "ACK-TIMEOUT", "100"}) == "+OK\r\n");
  CHECK(h.state.propagation.Take().empty());
  REQUIRE(h.SetPolicy({}) == "+OK\r\n");
  CHECK(h.state.propagation.Take().size() == 1);
  REQUIRE(h.SetPolicy({}) == "+OK\r\n");
  CHECK(h.state.propagation.Take().empty());
}

TEST_CASE("GETPOLICY of a group without a policy is the empty policy from source none, RESP2",
          "[policy]") {
  PolicyHarness h;
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}) ==
        "*12\r\n" + Bulk("ack-timeout") + Int(0) + Bulk("backoff") + "*0\r\n" +
            Bulk("backoff-exp") + "*-1\r\n" + Bulk("max-deliveries") + Int(0) +
            Bulk("dead-letter") + Bulk("s:dlq") + Bulk("source") + Bulk("none"));
}

TEST_CASE("GETPOLICY shows a backoff list and the named dead-letter stream, RESP2", "[policy]") {
  PolicyHarness h;
  REQUIRE(h.SetPolicy({"ACK-TIMEOUT", "30000", "BACKOFF", "1000", "5000", "MAX-DELIVERIES", "5",
                       "DEAD-LETTER", "dead"}) == "+OK\r\n");
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}) ==
        "*12\r\n" + Bulk("ack-timeout") + Int(30000) + Bulk("backoff") + "*2\r\n" + Int(1000) +
            Int(5000) + Bulk("backoff-exp") + "*-1\r\n" + Bulk("max-deliveries") + Int(5) +
            Bulk("dead-letter") + Bulk("dead") + Bulk("source") + Bulk("group"));
}

TEST_CASE("GETPOLICY is a map in RESP3, with backoff-exp as [base, max] or null", "[policy]") {
  PolicyHarness h;
  h.client.protocol = 3;
  REQUIRE(h.SetPolicy({"BACKOFF-EXP", "100", "6400"}) == "+OK\r\n");
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}) ==
        "%6\r\n" + Bulk("ack-timeout") + Int(0) + Bulk("backoff") + "*0\r\n" +
            Bulk("backoff-exp") + "*2\r\n" + Int(100) + Int(6400) + Bulk("max-deliveries") +
            Int(0) + Bulk("dead-letter") + Bulk("s:dlq") + Bulk("source") + Bulk("group"));
  REQUIRE(h.SetPolicy({"MAX-DELIVERIES", "2"}) == "+OK\r\n");
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}) ==
        "%6\r\n" + Bulk("ack-timeout") + Int(0) + Bulk("backoff") + "*0\r\n" +
            Bulk("backoff-exp") + "_\r\n" + Bulk("max-deliveries") + Int(2) +
            Bulk("dead-letter") + Bulk("s:dlq") + Bulk("source") + Bulk("group"));
}

TEST_CASE("A group without a policy runs under the server default once the config sets one",
          "[policy]") {
  PolicyHarness h;
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-ack-timeout", "15000",
                 "stream-default-backoff", "100 200", "stream-default-max-deliveries", "7",
                 "stream-default-dead-letter-suffix", ":dead"}) == "+OK\r\n");
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}) ==
        "*12\r\n" + Bulk("ack-timeout") + Int(15000) + Bulk("backoff") + "*2\r\n" + Int(100) +
            Int(200) + Bulk("backoff-exp") + "*-1\r\n" + Bulk("max-deliveries") + Int(7) +
            Bulk("dead-letter") + Bulk("s:dead") + Bulk("source") + Bulk("default"));
  // The group's own policy wins over the default, field by field nothing is merged.
  REQUIRE(h.SetPolicy({"MAX-DELIVERIES", "2"}) == "+OK\r\n");
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}) ==
        "*12\r\n" + Bulk("ack-timeout") + Int(0) + Bulk("backoff") + "*0\r\n" +
            Bulk("backoff-exp") + "*-1\r\n" + Bulk("max-deliveries") + Int(2) +
            Bulk("dead-letter") + Bulk("s:dead") + Bulk("source") + Bulk("group"));
}

TEST_CASE("EffectivePolicy is the group's own, else the config's default, else empty",
          "[policy]") {
  server::Config config;
  PolicyHarness h;
  streams::ConsumerGroup& g = h.Group();
  CHECK(server::EffectivePolicy(config, g).empty());
  CHECK(server::EffectivePolicySource(config, g) == server::PolicySource::kNone);

  config.stream_default_policy.ack_timeout_ms = 500;
  CHECK(&server::EffectivePolicy(config, g) == &config.stream_default_policy);
  CHECK(server::EffectivePolicySource(config, g) == server::PolicySource::kDefault);

  DeliveryPolicy own;
  own.max_deliveries = 3;
  g.set_policy(own);
  CHECK(server::EffectivePolicy(config, g) == own);
  CHECK(server::EffectivePolicySource(config, g) == server::PolicySource::kGroup);

  g.set_policy(DeliveryPolicy{});
  config.stream_default_policy = DeliveryPolicy{};
  config.stream_default_policy.backoff_ms = {10};
  CHECK(server::EffectivePolicySource(config, g) == server::PolicySource::kDefault);
}

TEST_CASE("Dead letters go to the policy's DEAD-LETTER key, else key plus the config's suffix",
          "[policy]") {
  server::Config config;
  DeliveryPolicy p;
  CHECK(server::DeadLetterKey(config, p, "jobs") == "jobs:dlq");
  config.stream_default_dead_letter_suffix = "-dead";
  CHECK(server::DeadLetterKey(config, p, "jobs") == "jobs-dead");
  p.dead_letter_key = "graveyard";
  CHECK(server::DeadLetterKey(config, p, "jobs") == "graveyard");
}

TEST_CASE("stream-default-backoff-exp sets the default exponential backoff, not with a list",
          "[policy][config]") {
  PolicyHarness h;
  const streams::DeliveryPolicy& p = h.state.config.stream_default_policy;
  CHECK(h.Run({"CONFIG", "GET", "stream-default-backoff-exp"}) ==
        "*2\r\n" + Bulk("stream-default-backoff-exp") + Bulk(""));
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-backoff-exp", " 100  5000 "}) == "+OK\r\n");
  CHECK(p.backoff_exp_base_ms == 100);
  CHECK(p.backoff_exp_max_ms == 5000);
  CHECK(p.BackoffStep(3) == 400);
  CHECK(h.Run({"CONFIG", "GET", "stream-default-backoff-exp"}) ==
        "*2\r\n" + Bulk("stream-default-backoff-exp") + Bulk("100 5000"));
  for (const char* bad : {"100", "0 10", "100 50", "x 10", "10 y", "1 2 3"}) {
    INFO(bad);
    CHECK(h.Run({"CONFIG", "SET", "stream-default-backoff-exp", bad}).rfind("-ERR", 0) == 0);
  }
  CHECK(p.backoff_exp_base_ms == 100);
  // The list and the exponential form exclude each other, in either order.
  CHECK(h.Run({"CONFIG", "SET", "stream-default-backoff", "10 20"}).rfind("-ERR", 0) == 0);
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-backoff-exp", ""}) == "+OK\r\n");
  CHECK(p.backoff_exp_base_ms == 0);
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-backoff", "10 20"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "stream-default-backoff-exp", "1 2"}).rfind("-ERR", 0) == 0);
  CHECK(h.Run({"XGROUP", "GETPOLICY", "s", "g"}).find("default") != std::string::npos);
}

TEST_CASE("The stream-default-* options parse, validate and read back through CONFIG",
          "[policy][config]") {
  PolicyHarness h;
  const server::Config& c = h.state.config;
  CHECK(h.Run({"CONFIG", "GET", "stream-default-dead-letter-suffix"}) ==
        "*2\r\n" + Bulk("stream-default-dead-letter-suffix") + Bulk(":dlq"));
  CHECK(h.Run({"CONFIG", "GET", "stream-default-backoff"}) ==
        "*2\r\n" + Bulk("stream-default-backoff") + Bulk(""));
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-backoff", " 5  10 20 "}) == "+OK\r\n");
  CHECK(c.stream_default_policy.backoff_ms == std::vector<int64_t>{5, 10, 20});
  CHECK(h.Run({"CONFIG", "GET", "stream-default-backoff"}) ==
        "*2\r\n" + Bulk("stream-default-backoff") + Bulk("5 10 20"));
  CHECK(h.Run({"CONFIG", "SET", "stream-default-backoff", "5 0"}).rfind("-ERR", 0) == 0);
  CHECK(h.Run({"CONFIG", "SET", "stream-default-backoff", "5 x"}).rfind("-ERR", 0) == 0);
  CHECK(c.stream_default_policy.backoff_ms == std::vector<int64_t>{5, 10, 20});
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-backoff", ""}) == "+OK\r\n");
  CHECK(c.stream_default_policy.backoff_ms.empty());

  CHECK(h.Run({"CONFIG", "SET", "stream-default-ack-timeout", "-1"}).rfind("-ERR", 0) == 0);
  CHECK(h.Run({"CONFIG", "SET", "stream-default-max-deliveries", "x"}).rfind("-ERR", 0) == 0);
  CHECK(h.Run({"CONFIG", "SET", "stream-default-dead-letter-suffix", ""}).rfind("-ERR", 0) == 0);
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-max-deliveries", "9"}) == "+OK\r\n");
  CHECK(c.stream_default_policy.max_deliveries == 9);
  CHECK(h.Run({"CONFIG", "GET", "stream-default-max-deliveries"}) ==
        "*2\r\n" + Bulk("stream-default-max-deliveries") + Bulk("9"));
  // The suffix alone is not a policy: groups still behave as Redis's without one.
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-max-deliveries", "0"}) == "+OK\r\n");
  CHECK(c.stream_default_policy.empty());
}

TEST_CASE("XINFO GROUPS adds the policy fields after Redis's only for a group under a policy",
          "[policy][xinfo]") {
  PolicyHarness h;
  h.Run({"XGROUP", "CREATE", "s", "plain", "0"});
  const std::string plain_before = h.Run({"XINFO", "GROUPS", "s"});
  REQUIRE(h.SetPolicy({"BACKOFF", "10", "20", "MAX-DELIVERIES", "3"}) == "+OK\r\n");
  h.Group().counters().redelivered = 4;
  h.Group().counters().dead_lettered = 1;
  const std::string reply = h.Run({"XINFO", "GROUPS", "s"});
  const std::string redis_g = Bulk("name") + Bulk("g") + Bulk("consumers") + Int(0) +
                              Bulk("pending") + Int(0) + Bulk("last-delivered-id") +
                              Bulk("0-0") + Bulk("entries-read") + "$-1\r\n" + Bulk("lag") +
                              Int(1);
  const std::string policy_g = Bulk("policy-ack-timeout") + Int(0) + Bulk("policy-backoff") +
                               Bulk("10 20") + Bulk("policy-max-deliveries") + Int(3) +
                               Bulk("policy-dead-letter") + Bulk("s:dlq") +
                               Bulk("redelivered-count") + Int(4) +
                               Bulk("dead-lettered-count") + Int(1);
  const std::string plain = "*12\r\n" + Bulk("name") + Bulk("plain") + Bulk("consumers") +
                            Int(0) + Bulk("pending") + Int(0) + Bulk("last-delivered-id") +
                            Bulk("0-0") + Bulk("entries-read") + "$-1\r\n" + Bulk("lag") +
                            Int(1);
  CHECK(reply == "*2\r\n*24\r\n" + redis_g + policy_g + plain);
  // The group without a policy replies exactly as before the other got one.
  CHECK(plain_before == "*2\r\n*12\r\n" + redis_g + plain);

  REQUIRE(h.SetPolicy({"BACKOFF-EXP", "100", "800", "DEAD-LETTER", "d"}) == "+OK\r\n");
  h.client.protocol = 3;
  const std::string resp3 = h.Run({"XINFO", "GROUPS", "s"});
  CHECK(resp3.rfind("*2\r\n%12\r\n", 0) == 0);
  CHECK(resp3.find(Bulk("policy-backoff") + Bulk("exp 100 800")) != std::string::npos);
  CHECK(resp3.find(Bulk("policy-dead-letter") + Bulk("d")) != std::string::npos);
  CHECK(resp3.find("%6\r\n" + Bulk("name") + Bulk("plain")) != std::string::npos);
}

TEST_CASE("XINFO GROUPS shows the server default to groups without a policy of their own",
          "[policy][xinfo]") {
  PolicyHarness h;
  const std::string before = h.Run({"XINFO", "GROUPS", "s"});
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-ack-timeout", "2500"}) == "+OK\r\n");
  const std::string with_default = h.Run({"XINFO", "GROUPS", "s"});
  CHECK(with_default.rfind("*1\r\n*24\r\n", 0) == 0);
  CHECK(with_default.find(Bulk("policy-ack-timeout") + Int(2500) + Bulk("policy-backoff") +
                          Bulk("")) != std::string::npos);
  REQUIRE(h.Run({"CONFIG", "SET", "stream-default-ack-timeout", "0"}) == "+OK\r\n");
  CHECK(h.Run({"XINFO", "GROUPS", "s"}) == before);
}

TEST_CASE("XINFO STREAM FULL adds the policy fields after nacked-count, only under a policy",
          "[policy][xinfo]") {
  PolicyHarness h;
  h.Run({"XGROUP", "CREATE", "s", "plain", "0"});
  const std::string before = h.Run({"XINFO", "STREAM", "s", "FULL"});
  REQUIRE(h.SetPolicy({"ACK-TIMEOUT", "1000", "DEAD-LETTER", "d"}) == "+OK\r\n");
  h.Group().counters().redelivered = 2;
  const std::string full = h.Run({"XINFO", "STREAM", "s", "FULL"});
  const std::string tail = Bulk("nacked-count") + Int(0) + Bulk("policy-ack-timeout") +
                           Int(1000) + Bulk("policy-backoff") + Bulk("") +
                           Bulk("policy-max-deliveries") + Int(0) + Bulk("policy-dead-letter") +
                           Bulk("d") + Bulk("redelivered-count") + Int(2) +
                           Bulk("dead-lettered-count") + Int(0);
  CHECK(full.find("*28\r\n" + Bulk("name") + Bulk("g")) != std::string::npos);
  CHECK(full.find(tail) != std::string::npos);
  CHECK(full.find("*16\r\n" + Bulk("name") + Bulk("plain")) != std::string::npos);
  REQUIRE(h.SetPolicy({}) == "+OK\r\n");
  h.Group().counters() = {};
  CHECK(h.Run({"XINFO", "STREAM", "s", "FULL"}) == before);
}

TEST_CASE("The stream-default-* options survive CONFIG REWRITE and load from a config file",
          "[policy][config]") {
  server::Config c;
  c.stream_default_policy.ack_timeout_ms = 1500;
  c.stream_default_policy.backoff_ms = {100, 2000};
  c.stream_default_policy.max_deliveries = 4;
  c.stream_default_dead_letter_suffix = ".dead letters";
  const std::string text = server::RewriteConfigText(c, "");
  CHECK_THAT(text, Catch::Contains("stream-default-backoff 100 2000\n"));
  server::Config loaded;
  REQUIRE(server::LoadConfigText(loaded, text) == "");
  CHECK(loaded.stream_default_policy == c.stream_default_policy);
  CHECK(loaded.stream_default_dead_letter_suffix == ".dead letters");

  // A list reset to empty in a file that had one is written as "" and read back as empty.
  server::Config cleared;
  const std::string rewritten =
      server::RewriteConfigText(cleared, "stream-default-backoff 5 6\n");
  CHECK(rewritten == "stream-default-backoff \"\"\n");
  server::Config reloaded = c;
  REQUIRE(server::LoadConfigText(reloaded, rewritten) == "");
  CHECK(reloaded.stream_default_policy.backoff_ms.empty());
}
