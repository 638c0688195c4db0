// ACL users as Redis 7 has them: a user is on or off, has passwords (kept as SHA-256 hex) or
// nopass, and a root selector plus more selectors in parentheses; each selector allows a set of
// commands (by id, subcommands apart), key patterns with read/write access and channel
// patterns. A command runs when one selector allows the command, all its keys and channels.
// Rules are applied left to right as ACL SETUSER gives them; Describe() writes them back in
// ACL LIST's form, command rules in the order given (as Redis 7.2 keeps them).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/result.h"

namespace server {
struct CommandSpec;
class CommandTable;
}  // namespace server

namespace server::acl {

// Ids for every command and subcommand of a table, and which ACL categories each is in.
class CommandIndex {
 public:
  explicit CommandIndex(const CommandTable& table);
  size_t size() const { return specs_.size(); }
  // The id of a top-level command or a subcommand row of the table; -1 if it is not indexed.
  int IdOf(const CommandSpec* spec) const;
  // "get" or "client|setname" (any case); -1 when unknown.
  int Find(std::string_view name) const;
  const std::string& Name(int id) const { return names_[static_cast<size_t>(id)]; }
  const CommandSpec& Spec(int id) const { return *specs_[static_cast<size_t>(id)]; }
  // A container's subcommand ids (empty for a plain command or a subcommand).
  const std::vector<int>& Subcommands(int id) const { return subs_[static_cast<size_t>(id)]; }
  // Ids in a category ("hash", no '@'); empty for an unknown one. Every category's name, in
  // Redis's order (ACL CAT).
  const std::vector<int>* InCategory(std::string_view category) const;
  static std::span<const std::string_view> Categories();

 private:
  std::vector<const CommandSpec*> specs_;
  std::vector<std::string> names_;
  std::vector<std::vector<int>> subs_;
  std::vector<std::vector<int>> by_category_;  // in Categories() order
};

// A key pattern's access: %R~ (read), %W~ (write) or ~ / %RW~ (both).
enum KeyAccess : uint8_t { kKeyRead = 1, kKeyWrite = 2, kKeyReadWrite = 3 };

struct KeyPattern {
  uint8_t access = kKeyReadWrite;
  std::string pattern;
};

struct Selector {
  std::vector<uint64_t> allowed;  // bit per command id
  // First-argument rules ("+select|0") for commands without subcommands whose bit is off: the
  // command runs only when its first argument is one of these (compared ignoring case).
  std::vector<std::pair<int, std::vector<std::string>>> first_args;
  bool allkeys = false;
  std::vector<KeyPattern> keys;
  bool allchannels = false;
  std::vector<std::string> channels;
  // The command rules as applied, compacted: "+get -@hash +client|list".
  std::vector<std::string> command_rules;

  bool Allows(int id) const {
    return id >= 0 && (allowed[static_cast<size_t>(id) / 64] >> (id % 64) & 1) != 0;
  }
  bool AllowsAllCommands() const;
  // Whether the command may run with these arguments: its bit, or a first-argument rule.
  bool AllowsCall(int id, std::span<const std::string_view> argv) const;
};

// sanitize-payload / skip-sanitize-payload: whether RESTORE payloads are checked deeply. Only
// said in ACL LIST once a rule set it (reset sets sanitize-payload), as Redis does.
enum class Sanitize : uint8_t { kUnset, kSanitize, kSkip };

struct User {
  std::string name;
  bool enabled = false;
  bool nopass = false;
  Sanitize sanitize = Sanitize::kUnset;
  std::vector<std::string> passwords;  // SHA-256 hex, in the order added
  Selector root;
  std::vector<Selector> selectors;
  // Everything allowed (the default user as shipped): dispatch skips the checks.
  bool unrestricted = false;
};

// A fresh user as ACL SETUSER creates one: off, no passwords, no commands, keys or channels
// (channels per acl-pubsub-default: `allchannels` when it is "allchannels").
User NewUser(std::string_view name, const CommandIndex& index, bool allchannels_default);

// Applies SETUSER's rules in order; on an error the user is left as it was. The error text is
// Redis's whole reply ("ERR Error in ACL SETUSER modifier '...': ...").
Result<void> ApplyRules(User& user, std::span<const std::string_view> rules,
                        const CommandIndex& index, bool allchannels_default);

// "on #hash ~keys resetchannels &chan -@all +get (...)": the rules that rebuild the user, as
// ACL LIST writes them after "user <name> ".
std::string Describe(const User& user);
std::string DescribeKeys(const Selector& s);
std::string DescribeChannels(const Selector& s);
std::string DescribeCommands(const Selector& s);

std::string Sha256Hex(std::string_view data);

}  // namespace server::acl
