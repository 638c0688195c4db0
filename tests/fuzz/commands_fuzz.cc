// Fuzz target: command execution. Each input is a short session of two clients against an
// in-process server (the real command table and Dispatch, a pinned clock) that starts with
// every data type present (support/fuzz_keyspace.h) and a function library. The vocabulary is
// the command table itself: every command and subcommand but those that act on the process
// (SHUTDOWN stops it, BGREWRITEAOF forks, REPLICAOF / SLAVEOF / PSYNC / SYNC start or serve
// replication, which the server does at its check point; all admin and noscript at the top
// level; REPLCONF is kept).
// Arguments come from pools (the dataset's keys, members, numbers, stream IDs, the command's
// own keywords from its documented syntax, scripts and their SHA-1s, a FUNCTION DUMP payload)
// or are raw bytes. Blocking commands may block: the session serves them when their keys are
// signalled, and unblocks them when it ends.
// Oracles, besides the sanitizers: every reply is whole RESP frames, one reply per command
// (a subscribe may answer once per channel; a blocked client answers later, once); and, when no
// CONFIG SET changed the thresholds, what the commands recorded for the AOF, replayed into a
// fresh server at the times they ran, rebuilds the same dataset without an error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resp/writer.h"
#include "src/blocking.h"
#include "src/command_table.h"
#include "src/commands/registry.h"
#include "src/dispatch.h"
#include "src/lazy_free.h"
#include "src/scripting/sha1.h"
#include "src/server_state.h"
#include "tests/fuzz/support/argv_budget.h"
#include "tests/fuzz/support/fuzz_input.h"
#include "tests/fuzz/support/fuzz_keyspace.h"
#include "tests/fuzz/support/resp_frames.h"
#include "tests/support/command_harness.h"
#include "tests/support/dataset_dump.h"

namespace {

using fuzz_support::FuzzInput;
using Argv = std::vector<std::string>;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "commands_fuzz: %s\n", what);
  std::abort();
}

// Scripts that always end: EVAL and SCRIPT LOAD bodies, and FUNCTION LOAD libraries. They
// reach redis.call / pcall with the session's own arguments and return every kind of value.
const std::vector<std::string>& Scripts() {
  static const std::vector<std::string> scripts = {
      "return redis.call(unpack(ARGV))",
      "return redis.pcall(unpack(ARGV))",
      "redis.setresp(3) return redis.pcall(unpack(ARGV))",
      "return {KEYS[1], ARGV[1], 1, 2.5, true, false, {ok='fine'}, {err='ERR no'}}",
      "redis.setresp(3) return {map={a=1, b={set={x=true}}}, double=1.5}",
      "return {double=tonumber(ARGV[1]) or 0}",
      "return {big_number=ARGV[1] or '1'}",
      "return {verbatim_string={format=ARGV[1] or 'txt', string=ARGV[2] or ''}}",
      "return {ok=ARGV[1] or ''}",
      "return {err=ARGV[1] or ''}",
      "if KEYS[1] then return redis.call('get', KEYS[1]) end return nil",
      "#!lua flags=no-writes\nreturn redis.call('type', KEYS[1] or 'str')",
      "return cmsgpack.unpack(ARGV[1] or '')",
      "return struct.unpack(ARGV[1] or 'b', ARGV[2] or '')",
      "return cjson.decode(ARGV[1] or '[]')",
      "error(ARGV[1] or 'boom')",
  };
  return scripts;
}

const std::vector<std::string>& Libraries() {
  static const std::vector<std::string> libraries = {
      "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return "
      "redis.call('get', keys[1] or 'str') end)",
      "#!lua name=lib2\nredis.register_function{function_name='f2', callback=function(keys, "
      "args) return redis.pcall(unpack(args)) end, flags={'no-writes'}}",
      "#!lua name=lib1\nredis.register_function('f3', function(keys, args) return #keys end)",
      "#!lua name=bad\nredis.call('set', 'x', 1)",
  };
  return libraries;
}

// Upper-case words of a documented syntax ("[NX | XX]", "<MAXLEN | MINID>"): the command's
// keywords, plus the symbols some commands take literally.
std::vector<std::string> KeywordsOf(std::string_view syntax) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2) out.push_back(word);
    word.clear();
  };
  for (char c : syntax) {
    if ((c >= 'A' && c <= 'Z') || (!word.empty() && ((c >= '0' && c <= '9') || c == '-' || c == '_'))) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return out;
}

struct Entry {
  std::vector<std::string> prefix;  // the name, or container and subcommand
  int arity;                        // of the whole argv, as in the table
  std::vector<std::string> keywords;
};

struct Vocabulary {
  std::vector<Entry> entries;
  std::vector<std::string> shas;
};

const Vocabulary& Commands(const server::CommandTable& table) {
  static const Vocabulary vocabulary = [&] {
    Vocabulary v;
    for (const server::CommandSpec* spec : table.all()) {
      const bool process_level = spec->subcommands.empty() && (spec->flags & server::kAdmin) &&
                                 (spec->flags & server::kNoScript) &&
                                 spec->name != "replconf";
      if (process_level) continue;
      v.entries.push_back({{std::string(spec->name)}, spec->arity, KeywordsOf(spec->doc.syntax)});
      for (const server::CommandSpec& sub : spec->subcommands) {
        v.entries.push_back({{std::string(spec->name), std::string(sub.name)}, sub.arity,
                             KeywordsOf(sub.doc.syntax)});
      }
    }
    for (const std::string& s : Scripts()) v.shas.push_back(server::scripting::Sha1Hex(s));
    return v;
  }();
  return vocabulary;
}

const std::vector<std::string> kMembers = {"a", "b", "c", "d", "m", "x", "1", "2", "-7", "f1",
                                           "f2", "field3", "member5", "m7", "element-1", "v",
                                           "alice", "bob", "w1", "g1", "g2", "work", "ch", "__keyspace@0__:str"};
const std::vector<std::string> kNumbers = {"0", "1", "2", "3", "-1", "-2", "5", "10", "100",
                                           "1000", "-100", "1.5", "-0.5", "inf", "-inf", "+inf",
                                           "(1", "(2.5", "[a", "(b", "-", "+", "9223372036854775807",
                                           "-9223372036854775808", "18446744073709551615",
                                           "1000000000", "1000005000", "4294967295", "nan", "1e3",
                                           "0x10", " 1", "01"};
const std::vector<std::string> kIds = {"0", "0-0", "1-1", "2-2", "3", "5-2", "12-0", "$", ">",
                                       "*", "+", "-", "(1-1", "(12-0", "1-*", "999999-1",
                                       "18446744073709551615-18446744073709551615", "4-"};
// ACL SETUSER rules and what AUTH and DRYRUN take: users, passwords, selectors.
const std::vector<std::string> kAclWords = {
    "on", "off", ">pw", "<pw", "nopass", "resetpass", "~*", "~s*", "%R~*", "%W~h*", "%RW~l*",
    "allkeys", "resetkeys", "&*", "&ch", "allchannels", "resetchannels", "+@all", "-@all",
    "+@read", "-@write", "+@dangerous", "+get", "-set", "+client|id", "-config|set", "+select|0",
    "(~s* +get)", "(%R~* +@read &ch)", "clearselectors", "reset", "allcommands", "nocommands",
    "#30c952fdbd4aa7bdee84e8c4d5e8d95e5c32a8a0eeb8c0d6e0f6f7f65b2b4c61", "!abc", "pw", "default",
    "alice", "bob", "sanitize-payload", "skip-sanitize-payload", "(", ")", "~", "+@", "+nosuch"};
const std::vector<std::string> kPatterns = {"*", "s*", "?et", "[a-z]*", "b*", "\\*", "[^s]*",
                                            "__keyspace@*", "h[a"};

// The lines of one dump that the other lacks, both ways.
void PrintDifference(const std::string& original, const std::string& replayed) {
  auto lines = [](const std::string& text) {
    std::multiset<std::string> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      out.insert(text.substr(start, nl - start));
    }
    return out;
  };
  const auto a = lines(original), b = lines(replayed);
  for (const auto& l : a) {
    if (b.count(l) < a.count(l)) std::fprintf(stderr, "only in the original: %s\n", l.c_str());
  }
  for (const auto& l : b) {
    if (a.count(l) < b.count(l)) std::fprintf(stderr, "only in the replay:   %s\n", l.c_str());
  }
}

class Session {
 public:
  explicit Session(FuzzInput& in) : in_(in) {
    state_.config = fuzz_support::FuzzConfig();
    state_.pinned_time_ms = fuzz_support::kFuzzStartMs;
    clients_[10] = &h_.client;
    second_.id = 11;
    state_.clients[11] = clients_[11] = &second_;
    for (uint64_t id : {10, 11}) writers_[id] = std::make_unique<resp::Writer>(out_[id], 2);
    for (const Argv& argv : fuzz_support::FuzzKeyspaceSetup()) {
      const std::string reply = Run(10, argv);
      Check(reply.empty() || reply[0] != '-', "the keyspace setup failed");
    }
    // A library to call (FCALL f1), and FUNCTION DUMP's payload of it for FUNCTION RESTORE.
    Check(Run(10, {"FUNCTION", "LOAD", Libraries()[0]}) == "$4\r\nlib1\r\n", "FUNCTION LOAD");
    const std::string dump = Run(10, {"FUNCTION", "DUMP"});
    const size_t body = dump.find("\r\n") + 2;
    Check(dump[0] == '$' && dump.size() > body + 2, "FUNCTION DUMP");
    payload_ = dump.substr(body, dump.size() - body - 2);
  }

  void Play() {
    const Vocabulary& vocabulary = Commands(table_);
    for (int steps = 0; steps < 24 && !in_.done(); steps++) {
      const uint8_t op = in_.Byte();
      if (op < 8) {
        // Time passes: expiries, idle times and delivery deadlines come due.
        state_.pinned_time_ms += 1 + static_cast<int64_t>(in_.Byte()) * (op < 4 ? 10 : 1000);
        continue;
      }
      const uint64_t id = 10 + (op & 1);
      const size_t index = (static_cast<size_t>(in_.Byte()) << 8 | in_.Byte()) %
                           vocabulary.entries.size();
      Argv argv = MakeArgv(vocabulary.entries[index], vocabulary);
      std::vector<std::string_view> views(argv.begin(), argv.end());
      if (!fuzz_support::WithinFuzzBudget(views)) continue;
      if (clients_[id]->blocked) continue;  // its connection reads nothing more for now
      RunChecked(id, argv);
    }
    // Whoever still waits: deadlines pass, then the rest disconnect.
    Serve();
    state_.blocking.ExpireDue({state_.pinned_time_ms, server::SteadyMs() + (int64_t{1} << 40)},
                              WriterFor());
    Drain();
    for (auto& [id, client] : clients_) {
      if (client->blocked) state_.blocking.Unblock(*client);
    }
  }

  // The replay oracle: what was recorded, run into a fresh server at the time each record was
  // made (as a replica would), gives the same dataset.
  void CheckReplay() {
    if (config_changed_) return;
    Drain();
    testing_support::CommandHarness replica;
    replica.state.config = fuzz_support::FuzzConfig();
    replica.state.loading = true;
    int db = -1;
    for (const auto& [time, r] : log_) {
      replica.state.pinned_time_ms = time;
      if (r.db != db) {
        db = r.db;
        replica.Run({"SELECT", std::to_string(db)});
      }
      const std::string reply = replica.Run(r.argv);
      if (verbose_) {
        std::fprintf(stderr, "replay db %d:", r.db);
        for (const auto& a : r.argv) std::fprintf(stderr, " '%s'", a.c_str());
        std::fprintf(stderr, "\n  -> %s\n", reply.c_str());
      }
      if (!reply.empty() && reply[0] == '-') {
        std::fprintf(stderr, "replaying");
        for (const auto& a : r.argv) std::fprintf(stderr, " '%s'", a.c_str());
        std::fprintf(stderr, " failed: %s\n", reply.c_str());
        Check(false, "a recorded command fails on replay");
      }
    }
    const std::string original = testing_support::DumpDataset(h_);
    const std::string replayed = testing_support::DumpDataset(replica);
    if (original != replayed) {
      PrintDifference(original, replayed);
      Check(false, "the replay of the recorded commands differs from the dataset");
    }
  }

 private:
  // Moves what the last commands recorded to the log, stamped with the time they ran at.
  void Drain() {
    for (server::PropagatedCommand& r : state_.propagation.Take()) {
      log_.emplace_back(state_.pinned_time_ms, std::move(r));
    }
  }

  std::string Pick(const std::vector<std::string>& pool) { return pool[in_.Below(pool.size())]; }

  std::string Arg(const Entry& entry, const Vocabulary& vocabulary) {
    const std::string& name = entry.prefix[0];
    if ((server::EqualsIgnoreCase(name, "acl") || server::EqualsIgnoreCase(name, "auth") ||
         server::EqualsIgnoreCase(name, "hello")) &&
        in_.Flag()) {
      return Pick(kAclWords);
    }
    switch (in_.Below(12)) {
      case 0:
      case 1:
        return Pick(fuzz_support::FuzzKeys());
      case 2:
        return Pick(kMembers);
      case 3:
      case 4:
        return Pick(kNumbers);
      case 5:
      case 6:
        if (!entry.keywords.empty()) return Pick(entry.keywords);
        return Pick(kNumbers);
      case 7:
        return Pick(kIds);
      case 8:
        return Pick(kPatterns);
      case 9:
        return in_.Flag() ? Pick(vocabulary.shas) : payload_;
      default:
        return std::string(in_.Bytes(12));
    }
  }

  Argv MakeArgv(const Entry& entry, const Vocabulary& vocabulary) {
    Argv argv = entry.prefix;
    const size_t minimum = static_cast<size_t>(entry.arity < 0 ? -entry.arity : entry.arity);
    const uint8_t shape = in_.Byte();
    size_t total = minimum + (entry.arity < 0 ? shape % 5 : 0);
    if (shape >= 224) total = entry.prefix.size() + shape % 8;  // a wrong arity now and then
    while (argv.size() < total) argv.push_back(Arg(entry, vocabulary));
    // Script bodies come from the pool: a loop without end would hang the session.
    const std::string& name = argv[0];
    auto is = [&](std::string_view a, std::string_view b) { return server::EqualsIgnoreCase(a, b); };
    if ((is(name, "eval") || is(name, "eval_ro")) && argv.size() > 1) argv[1] = Pick(Scripts());
    if (is(name, "script") && argv.size() > 2 && is(argv[1], "load")) argv[2] = Pick(Scripts());
    if (is(name, "function") && argv.size() > 2 && is(argv[1], "load")) {
      argv.back() = Pick(Libraries());
    }
    return argv;
  }

  server::BlockingRegistry::WriterFor WriterFor() {
    return [this](uint64_t id) -> resp::Writer* {
      auto it = writers_.find(id);
      return it == writers_.end() ? nullptr : it->second.get();
    };
  }

  std::string Run(uint64_t id, const Argv& argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    server::Client& client = *clients_[id];
    // What others sent this client meanwhile (messages, invalidations): whole frames too.
    Check(fuzz_support::CountFrames(out_[id]) >= 0, "a message to a client is not whole frames");
    out_[id].clear();
    writers_[id] = std::make_unique<resp::Writer>(out_[id], client.protocol);
    server::Dispatch(state_, client, views, *writers_[id]);
    std::string reply;
    reply.swap(out_[id]);
    Drain();
    return reply;
  }

  // Serves blocked clients whose keys were written; each gets exactly one reply.
  void Serve() {
    if (!state_.blocking.HasReadyKeys()) return;
    const auto served = state_.blocking.ServeReadyKeys(
        state_, {state_.pinned_time_ms, server::SteadyMs()}, WriterFor());
    Drain();
    for (uint64_t id : served) {
      CheckOneReply(out_[id], false);
      out_[id].clear();
    }
  }

  void CheckOneReply(const std::string& reply, bool many_allowed) {
    // Push frames (invalidations, keyspace messages) may come with the reply; in RESP3 the
    // subscribe family answers with push frames only, as Redis does.
    int64_t replies = 0, pushes = 0;
    for (size_t pos = 0; pos < reply.size();) {
      const size_t end = fuzz_support::FrameEnd(reply, pos);
      if (end == std::string::npos) {
        std::fprintf(stderr, "malformed reply: '%s'\n", reply.c_str());
        Check(false, "a reply is not whole RESP frames");
      }
      (reply[pos] == '>' ? pushes : replies)++;
      pos = end;
    }
    if (replies != 1 && !(many_allowed && replies + pushes >= 1)) {
      std::fprintf(stderr, "%lld replies: '%s'\n", static_cast<long long>(replies), reply.c_str());
      Check(false, "a command did not write exactly one reply");
    }
  }

  static bool SilencesItsReply(const Argv& argv) {
    return argv.size() == 3 && server::EqualsIgnoreCase(argv[0], "client") &&
           server::EqualsIgnoreCase(argv[1], "reply") &&
           (server::EqualsIgnoreCase(argv[2], "off") || server::EqualsIgnoreCase(argv[2], "skip"));
  }

  void RunChecked(uint64_t id, const Argv& argv) {
    server::Client& client = *clients_[id];
    const bool subscribed = client.subscriptions > 0;
    const auto* spec = table_.Find(argv[0]);
    const bool pubsub = spec != nullptr && (spec->flags & server::kPubSub);
    // A subscribe-family command queued in a transaction answers once per channel inside EXEC's
    // array, more replies than the array counts: Redis 7.0 does the same, byte for byte.
    if (client.in_multi && pubsub) pubsub_queued_[id] = true;
    const std::string reply = Run(id, argv);
    if (verbose_) {
      // FUZZ_VERBOSE=1 with an input file as the argument shows the session that input plays.
      std::fprintf(stderr, "client %llu:", static_cast<unsigned long long>(id));
      for (const auto& a : argv) std::fprintf(stderr, " '%s'", a.c_str());
      std::fprintf(stderr, "\n  -> %s\n", reply.c_str());
    }
    if (client.blocked) {
      Check(reply.empty(), "a blocked command replied");
    } else if (SilencesItsReply(argv) && reply.empty()) {
      // CLIENT REPLY OFF / SKIP answer nothing, as in Redis.
    } else {
      // The subscribe family answers once per channel, and in RESP2 subscribed mode messages
      // published to this client arrive as arrays too.
      CheckOneReply(reply, pubsub || subscribed || client.subscriptions > 0 || pubsub_queued_[id]);
    }
    if (!client.in_multi) pubsub_queued_[id] = false;
    if (server::EqualsIgnoreCase(argv[0], "config") && argv.size() > 1 &&
        server::EqualsIgnoreCase(argv[1], "set") && reply == "+OK\r\n") {
      config_changed_ = true;
    }
    Serve();
  }

  FuzzInput& in_;
  testing_support::CommandHarness h_{10};
  server::ServerState& state_ = h_.state;
  const server::CommandTable& table_ = h_.table;
  server::Client second_;
  std::map<uint64_t, server::Client*> clients_;
  std::map<uint64_t, std::string> out_;
  std::map<uint64_t, std::unique_ptr<resp::Writer>> writers_;
  std::string payload_;
  std::vector<std::pair<int64_t, server::PropagatedCommand>> log_;  // (time, record)
  bool config_changed_ = false;
  std::map<uint64_t, bool> pubsub_queued_;  // a subscribe-family command is in the transaction
  const bool verbose_ = std::getenv("FUZZ_VERBOSE") != nullptr;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  {
    Session session(in);
    session.Play();
    session.CheckReplay();
  }
  // Values handed to the lazy-free thread (UNLINK, FLUSHALL ASYNC) are freed before the input
  // ends: half-freed on that thread, they would look leaked to the leak check that follows.
  server::LazyFreer::Instance().Drain();
  return 0;
}
