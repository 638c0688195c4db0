// Parsing of a case file (*.redis) into steps. The format is documented in
// redis-compat-suite/README.md; this module only checks syntax. Every normalisation is attached
// to exactly one step and applies equally to both servers' replies.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace compat {

struct Normalisation {
  std::vector<std::string> mask;    // @mask: hide the values of these map fields
  bool sort = false;                // @sort: sort arrays of scalars
  bool shape = false;               // @shape: compare types and sizes only
  bool type_only = false;           // @type: compare the reply's type byte only
  bool has_fields = false;          // @fields: compare presence of "name:" lines only
  std::vector<std::string> fields;

  bool Any() const { return !mask.empty() || sort || shape || type_only || has_fields; }
};

struct Step {
  enum class Kind { kCommand, kRaw, kConn, kSleep, kEof, kReconnect };
  Kind kind = Kind::kCommand;
  int line = 0;
  std::string text;       // kCommand: the command line (before ${var} substitution)
  std::string raw;        // kRaw: bytes to send
  int replies = 1;        // kRaw: how many replies to read
  int number = 0;         // kConn: connection number; kSleep: milliseconds
  bool compare = true;    // false for '!' lines
  Normalisation norm;
  std::optional<std::string> expected;  // `=>` hand-written reply: sent to Runnel only
  std::string let_name;   // @let: store the reply (or one k=v field of it) under this name
  std::string let_field;
};

struct CaseFile {
  std::string path;
  std::string name;  // file name without directory and ".redis"
  std::vector<Step> steps;
};

// Returns false and sets `error` ("line N: ...") on a syntax error.
bool ParseCaseFile(const std::string& path, CaseFile& out, std::string& error);

}  // namespace compat
