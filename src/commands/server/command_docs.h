// COMMAND introspection: everything COMMAND INFO / DOCS / LIST / GETKEYS report is derived from
// the CommandTable rows, each of which carries its docs (CommandDoc: argument syntax,
// complexity, tips, key-spec access flags, extra ACL categories).
// Full names are "container|sub" for subcommands, lower case, as Redis spells them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/command_table.h"

namespace server {

// Redis's names for a spec's flags, in Redis's order ("write", "readonly", "fast"...).
std::vector<std::string_view> CommandFlagNames(const CommandSpec& spec, bool is_container);

// One documented argument, as COMMAND DOCS reports it.
struct DocArg {
  std::string name;
  std::string type;  // key, string, integer, double, pattern, unix-time, pure-token, oneof, block
  std::string token;
  bool optional = false;
  bool multiple = false;
  bool multiple_token = false;  // the token repeats with each value ("GET a GET b")
  int key_spec_index = -1;
  std::vector<DocArg> args;  // for oneof and block
};

// Parses the compact syntax of CommandDoc::syntax, e.g.
//   "key value [condition=NX|XX] [GET] [expiration=EX seconds:integer|KEEPTTL]"
// UPPER words are tokens (alone: a pure-token; before an argument or a (group): its token),
// lower words are arguments (":type" sets the type; "key" is a key), [..] is optional, (..)
// a required group, "a|b" a oneof, "name=" names a group, and a trailing "..." repeats (after
// a one-item group led by a token, the token repeats too: multiple_token). A "#N" after an
// argument sets its key_spec_index (keys default to 0).
// Returns false on malformed text (a bug in the table; a unit test parses every entry).
bool ParseDocSyntax(std::string_view syntax, std::vector<DocArg>& out);

// Every (full name, syntax) of the table's rows and their subcommands, for the unit test.
std::vector<std::pair<std::string, std::string_view>> AllDocSyntaxes(const CommandTable& table);

}  // namespace server
