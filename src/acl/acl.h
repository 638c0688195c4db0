// The server's ACL: the users (always a "default" one), the permission check dispatch runs
// before a command (command, keys by their access, channels) and the ACL LOG of denials and
// failed AUTHs. Text forms live here too: the aclfile's and the `user` config directive's
// lines, which are ACL SETUSER's rules after "user <name>".
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/acl/acl_user.h"
#include "src/result.h"

namespace server::acl {

enum class Denial { kNone, kCommand, kKey, kChannel };

// Why a command may not run: which check failed, and the argument (a key or channel) at fault.
struct Verdict {
  Denial denial = Denial::kNone;
  size_t arg = 0;
  bool ok() const { return denial == Denial::kNone; }
};

// One ACL LOG entry (Redis groups repeats of the same denial within 60 seconds).
struct LogEntry {
  uint64_t id = 0;
  uint64_t count = 1;
  std::string reason;   // "command", "key", "channel", "auth"
  std::string context;  // "toplevel", "multi", "lua"
  std::string object;
  std::string username;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::string client_info;
};

class Registry {
 public:
  explicit Registry(const CommandTable& table);

  const CommandIndex& index() const { return index_; }
  User* Find(std::string_view name);
  const User* Find(std::string_view name) const;
  // Every command asks for it (auth and permission checks): kept at hand, not searched.
  User& Default() { return *default_; }
  // Creates the user when missing; the rules apply to the user in place, all or none.
  Result<void> SetUser(std::string_view name, std::span<const std::string_view> rules);
  // Deleting "default" is refused by the caller; returns whether the user existed.
  bool Delete(std::string_view name);
  // Users in name order.
  std::vector<const User*> Users() const;

  // requirepass: the default user's password ("" gives it nopass), as Redis maps it.
  void SetRequirePass(std::string_view pass);
  // acl-pubsub-default: whether new users start with every channel.
  void set_allchannels_default(bool on) { allchannels_default_ = on; }
  bool allchannels_default() const { return allchannels_default_; }

  // Whether the user may run `spec` (a subcommand row when one was resolved) with `argv`.
  Verdict Check(const User& user, const CommandSpec& spec,
                std::span<const std::string_view> argv) const;
  // Whether the user may listen on a channel (a pattern, literal, must be allowed as written):
  // subscriptions it may no longer hold end its clients after SETUSER or LOAD.
  bool MayListen(const User& user, std::string_view channel, bool literal) const;
  // A password against a user: on, and nopass or one of its hashes.
  bool Authenticate(const User& user, std::string_view password) const;

  // ACL LOG: adds or merges an entry; max_len bounds the list (acllog-max-len).
  void Log(std::string reason, std::string context, std::string object, std::string username,
           std::string client_info, int64_t now_ms, size_t max_len);
  const std::deque<LogEntry>& log() const { return log_; }  // newest first
  // INFO's acl_access_denied_* counters: every logged event by reason, until ResetCounters.
  struct Denials {
    uint64_t auth = 0, command = 0, key = 0, channel = 0;
  };
  const Denials& denials() const { return denials_; }
  void ResetCounters() { denials_ = {}; }
  void ResetLog() { log_.clear(); }

  // The aclfile: "user <name> <rules...>" lines. Load replaces every user (a file without
  // "default" keeps a default user with every permission) only when the whole file is valid.
  Result<void> LoadText(std::string_view text);
  std::string SaveText() const;
  // "user <name> rules..." (ACL LIST's line).
  std::string Line(const User& user) const;

 private:
  bool SelectorAllows(const Selector& s, int id, const CommandSpec& spec,
                      std::span<const std::string_view> argv, Verdict& why) const;

  CommandIndex index_;
  std::map<std::string, std::unique_ptr<User>, std::less<>> users_;
  User* default_ = nullptr;  // users_'s "default", which is never deleted, only replaced by a load
  bool allchannels_default_ = false;
  std::deque<LogEntry> log_;
  uint64_t next_log_id_ = 0;
  Denials denials_;
};

// Splits ACL SETUSER's arguments into rules, joining "(~a" "+get)" into one selector rule.
Result<std::vector<std::string>> GroupSelectorArgs(std::span<const std::string_view> args);

}  // namespace server::acl
