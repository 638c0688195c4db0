// COMMAND introspection: everything COMMAND INFO / DOCS / LIST / GETKEYS report is derived from
// the CommandTable rows; what a row cannot say (argument syntax, complexity, tips, key-spec
// access flags, extra ACL categories) comes from a compact per-name table in src/commands/server/command_docs.cc.
// Full names are "container|sub" for subcommands, lower case, as Redis spells them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/command_table.h"

namespace server {

// The COMMAND container row (with its subcommands), added to the server family.
std::span<const CommandSpec> CommandIntrospectionCommands();

// Redis's names for a spec's flags, in Redis's order ("write", "readonly", "fast"...).
std::vector<std::string_view> CommandFlagNames(const CommandSpec& spec, bool is_container);
// ACL categories ("@read", "@string", "@fast"...) for a command, in Redis's order.
std::vector<std::string_view> CommandAclCategories(const CommandSpec& spec,
                                                   std::string_view full_name,
                                                   bool is_container);

// One documented argument, as COMMAND DOCS reports it.
struct DocArg {
  std::string name;
  std::string type;  // key, string, integer, double, pattern, unix-time, pure-token, oneof, block
  std::string token;
  bool optional = false;
  bool multiple = false;
  int key_spec_index = -1;
  std::vector<DocArg> args;  // for oneof and block
};

// Parses the compact syntax used by the docs table, e.g.
//   "key value [condition=NX|XX] [GET] [expiration=EX seconds:integer|KEEPTTL]"
// UPPER words are tokens (alone: a pure-token; before an argument or a (group): its token),
// lower words are arguments (":type" sets the type; "key" is a key), [..] is optional, (..)
// a required group, "a|b" a oneof, "name=" names a group, and a trailing "..." repeats.
// Returns false on malformed text (a bug in the table; a unit test parses every entry).
bool ParseDocSyntax(std::string_view syntax, std::vector<DocArg>& out);

// The docs table's syntax string for a full name, or empty when the table has none.
std::string_view DocSyntaxFor(std::string_view full_name);
// Every (full name, syntax) in the docs table, for the unit test.
std::vector<std::pair<std::string_view, std::string_view>> AllDocSyntaxes();

}  // namespace server
