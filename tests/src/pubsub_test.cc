// PubSub's subscription registry against a model (a set of (client, kind, name) triples):
// random subscribes, unsubscribes and client removals, checking counts, introspection and who
// a PUBLISH reaches after every step.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "src/glob.h"
#include "src/pubsub.h"

using server::GlobMatch;
using server::PubSub;
using Kind = PubSub::Kind;

namespace {

using Triple = std::tuple<uint64_t, int, std::string>;  // client, kind, name

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

void CheckAgainstModel(const PubSub& ps, const std::set<Triple>& model) {
  const std::vector<std::string> names = {"a", "b", "ab", "news.x", "news.y"};
  for (uint64_t c = 1; c <= 4; c++) {
    size_t channels = 0, patterns = 0, shards = 0;
    for (const auto& [client, kind, name] : model) {
      if (client != c) continue;
      (kind == 0 ? channels : kind == 1 ? patterns : shards)++;
    }
    REQUIRE(ps.CountOf(c) == channels + patterns);
    REQUIRE(ps.ShardCountOf(c) == shards);
  }
  for (const std::string& ch : names) {
    // Who PUBLISH reaches: every channel subscriber, then one delivery per matching pattern.
    std::multiset<std::pair<uint64_t, std::string>> want, got;
    size_t numsub = 0;
    for (const auto& [client, kind, name] : model) {
      if (kind == 0 && name == ch) {
        want.emplace(client, "");
        numsub++;
      }
      if (kind == 1 && GlobMatch(name, ch)) want.emplace(client, name);
    }
    const size_t n = ps.Publish(ch, [&](uint64_t client, const std::string* pattern) {
      got.emplace(client, pattern ? *pattern : "");
    });
    REQUIRE(n == want.size());
    REQUIRE(got == want);
    REQUIRE(ps.NumSub(Kind::kChannel, ch) == numsub);
  }
  std::set<std::string> channels, patterns;
  for (const auto& [client, kind, name] : model) {
    if (kind == 0) channels.insert(name);
    if (kind == 1) patterns.insert(name);
  }
  REQUIRE(Sorted(ps.Channels(Kind::kChannel, nullptr)) ==
          std::vector<std::string>(channels.begin(), channels.end()));
  REQUIRE(ps.NumPat() == patterns.size());
}

}  // namespace

TEST_CASE("PubSub matches a model under random subscribes, unsubscribes and removals",
          "[pubsub]") {
  std::mt19937_64 rng(GENERATE(1u, 2u, 3u));
  const std::vector<std::string> channel_names = {"a", "b", "ab", "news.x"};
  const std::vector<std::string> pattern_names = {"a*", "news.*", "?", "[ab]*", "*"};
  PubSub ps;
  std::set<Triple> model;
  for (int step = 0; step < 400; step++) {
    const uint64_t client = 1 + rng() % 4;
    const int kind = static_cast<int>(rng() % 3);
    const auto& pool = kind == 1 ? pattern_names : channel_names;
    const std::string name = pool[rng() % pool.size()];
    const Kind k = static_cast<Kind>(kind);
    const int op = static_cast<int>(rng() % 10);
    if (op < 5) {
      REQUIRE(ps.Subscribe(k, client, name) == model.emplace(client, kind, name).second);
    } else if (op < 9) {
      REQUIRE(ps.Unsubscribe(k, client, name) == (model.erase({client, kind, name}) == 1));
    } else {
      ps.RemoveClient(client);
      std::erase_if(model, [&](const Triple& t) { return std::get<0>(t) == client; });
    }
    CheckAgainstModel(ps, model);
  }
}

TEST_CASE("A client's subscriptions of one kind list what it subscribed to", "[pubsub]") {
  PubSub ps;
  ps.Subscribe(Kind::kChannel, 7, "x");
  ps.Subscribe(Kind::kChannel, 7, "y");
  ps.Subscribe(Kind::kShard, 7, "s");
  CHECK(Sorted(ps.SubscriptionsOf(Kind::kChannel, 7)) == std::vector<std::string>{"x", "y"});
  CHECK(ps.SubscriptionsOf(Kind::kPattern, 7).empty());
  CHECK(ps.KindCount(Kind::kShard, 7) == 1);
  size_t reached = ps.ShardPublish("s", [](uint64_t, const std::string* p) { CHECK(p == nullptr); });
  CHECK(reached == 1);
  CHECK(ps.Publish("s", [](uint64_t, const std::string*) { FAIL("a shard channel is apart"); }) ==
        0);
  ps.RemoveClient(7);
  CHECK(ps.channel_count() == 0);
  CHECK(ps.shard_channel_count() == 0);
  CHECK(ps.CountOf(7) == 0);
}
