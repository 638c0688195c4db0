// The command table: each command is defined once, as a CommandSpec row in its family's file
// (src/commands/<family>/, listed in src/commands/registry.h), with name, arity, flags, key
// positions, handler and docs. Dispatch (arity and auth errors), COMMAND INFO/DOCS/LIST/GETKEYS
// and AOF propagation all read it. The core never names a family: it is handed the rows.
// Arity follows Redis: n means exactly n arguments including the name, -n means at least n.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/ascii.h"
#include "src/client.h"
#include "src/server_state.h"

namespace server {

enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kAdmin = 1u << 2,
  kBlocking = 1u << 3,
  kFast = 1u << 4,
  kDenyOom = 1u << 5,
  kNoAuth = 1u << 6,     // allowed before AUTH (AUTH, HELLO, QUIT, RESET)
  kLoading = 1u << 7,    // allowed while loading
  kStale = 1u << 8,
  kNoScript = 1u << 9,
  kPubSub = 1u << 10,
  kMultiImmediate = 1u << 11,  // runs at once inside MULTI instead of being queued
  kSkipMonitor = 1u << 12,
  kSentinel = 1u << 13,
  kMayReplicate = 1u << 14,
  kNoMandatoryKeys = 1u << 15,
  kAllowBusy = 1u << 16,
  kNoAsyncLoading = 1u << 17,  // refused while a replica loads asynchronously (BGREWRITEAOF)
  // Ours, not reported by COMMAND: runs a script (EVAL, FCALL...), whose own keys are not
  // tracked for client-side caching; the commands it calls are.
  kRunsScript = 1u << 18,
  kNoMulti = 1u << 19,  // refused inside MULTI (PSYNC, SYNC)
  kSkipSlowlog = 1u << 20,  // never in the SLOWLOG (EXEC: its commands are logged instead)
};

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);

// Commands whose keys move with their arguments: Redis's "movablekeys", found as Redis 7 finds
// them from the key spec. Two kinds:
//  - keyword (XREAD's keys follow STREAMS): the first argument from `startfrom` on equal to
//    `keyword` (any case), then, of what follows it, the first 1/`limit` (limit 2: the first
//    half; 0 or 1: all) up to `lastkey`, every `keystep`;
//  - keynum (LMPOP, ZMPOP, SINTERCARD: "numkeys key..."): the count at argv[index + keynumidx],
//    then that many keys from argv[index + firstkey], every `keystep`;
//  - sort (SORT, SORT_RO): argv[1], then (SORT only) the argument after the last STORE found
//    by walking the options as SORT parses them (LIMIT skips two, BY/GET/STORE one). COMMAND
//    INFO reports Redis's three specs: the key, the keys BY/GET patterns name and the STORE
//    destination, both "unknown".
// A row may also name fixed keys (first_key > 0: ZUNIONSTORE's destination): those come first,
// as Redis's first key spec, with the row's key flags; the movable keys follow with
// `key_flags` (empty: RO access). Without movable keys the command has none at all.
struct MovableKeys {
  std::string_view keyword;
  int startfrom;
  int lastkey;
  int keystep;
  int limit;
  bool keynum = false;
  int index = 0;
  int keynumidx = 0;
  int firstkey = 0;
  std::string_view key_flags = {};
  bool sort = false;
  bool sort_store = false;  // SORT, not SORT_RO

  static constexpr MovableKeys KeyNum(int index, int keynumidx, int firstkey, int keystep,
                                      std::string_view key_flags = {}) {
    return {{}, 0, 0, keystep, 0, true, index, keynumidx, firstkey, key_flags};
  }
  static constexpr MovableKeys Sort(bool store) {
    return {{}, 0, 0, 1, 0, false, 1, 0, 0, {}, true, store};
  }
};

// What COMMAND DOCS and COMMAND INFO report that the rest of a row cannot say. Empty fields
// mean "none": no complexity, no documented arguments, default key-spec flags.
struct CommandDoc {
  std::string_view complexity = {};
  std::string_view syntax = {};     // argument syntax, see ParseDocSyntax (server/command_docs.h)
  std::string_view tips = {};       // space separated
  std::string_view key_flags = {};  // space separated; default RO access / RW update
  std::string_view extra_acl = {};  // ACL categories the flags and group do not imply
};

struct CommandSpec {
  std::string_view name;  // lower case; subcommands are just the subcommand ("setname")
  int arity;
  uint32_t flags;
  int first_key;          // 0 = no keys
  int last_key;           // -1 = last argument
  int key_step;
  CommandHandler handler;
  std::string_view summary = {};
  std::string_view since = {};
  std::string_view group = {};  // "string", "generic", "connection", "server", "transactions"
  CommandDoc doc = {};
  std::span<const CommandSpec> subcommands = {};
  const MovableKeys* movable = nullptr;
};

// What a handler sees. Handlers parse their arguments, operate on the keyspace and write
// exactly one reply through `reply`.
struct CommandContext {
  std::span<const std::string_view> argv;
  Client& client;
  ServerState& server;
  resp::Writer& reply;
  int64_t now_ms;
  const CommandSpec* spec = nullptr;

  size_t argc() const { return argv.size(); }
  std::string_view arg(size_t i) const { return argv[i]; }
  Db& db() { return *server.dbs[static_cast<size_t>(client.db_index)]; }
  // The time to the microsecond, for commands that report the time itself (TIME): the server's
  // precise clock, or the time a test pinned. Everything else takes now_ms.
  int64_t now_us() const { return server.PreciseTimeUs(); }
};

// The ACL categories of a row ("@read", "@fast", ...) in Redis's order, as COMMAND INFO shows
// them and ACL rules use them: from its flags and group, adjusted by doc.extra_acl. A container
// (CLIENT, CONFIG) is only "@slow".
std::vector<std::string_view> AclCategoriesOf(const CommandSpec& spec, bool is_container);

class CommandTable {
 public:
  // Every row of every family (src/commands/registry.h's CommandFamilies(), or a test's own).
  explicit CommandTable(std::span<const std::span<const CommandSpec>> families);
  // Case-insensitive lookup of a top-level command. The last name found is checked inline.
  const CommandSpec* Find(std::string_view name) const {
    if (name.size() == memo_size_ && memo_spec_ != nullptr) {
      size_t i = 0;
      while (i < name.size() && name[i] == memo_name_[i]) i++;
      if (i == name.size()) return memo_spec_;
    }
    return FindInTable(name);
  }
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub);
  const std::vector<const CommandSpec*>& all() const { return all_; }

 private:
  // A flat open-addressing table, probed linearly: one pass over the name lower-cases and
  // hashes it, and a lookup touches a slot or two of one array. Sized to stay under half full.
  const CommandSpec* FindInTable(std::string_view name) const;
  static constexpr size_t kSlots = 512;
  std::array<const CommandSpec*, kSlots> slots_{};
  // The last name found, as sent (any case): a pipeline repeats one command, and comparing a
  // few bytes is cheaper than lower-casing and hashing them.
  static constexpr size_t kMemoMax = 16;
  mutable char memo_name_[kMemoMax] = {};
  mutable size_t memo_size_ = 0;
  mutable const CommandSpec* memo_spec_ = nullptr;
  std::vector<const CommandSpec*> all_;
};

// Key positions of a call according to its spec (COMMAND GETKEYS, signalling blocked clients,
// later the AOF). Empty for a malformed call of a movable-keys command.
std::vector<size_t> KeyPositions(const CommandSpec& spec, std::span<const std::string_view> argv);

}  // namespace server
