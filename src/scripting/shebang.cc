#include "src/scripting/shebang.h"

#include <cctype>
#include <vector>

#include "src/ascii.h"
#include "src/errors.h"

namespace server::scripting {

namespace {

constexpr std::pair<std::string_view, uint32_t> kFlagNames[] = {
    {"no-writes", kFlagNoWrites},
    {"allow-oom", kFlagAllowOom},
    {"allow-stale", kFlagAllowStale},
    {"no-cluster", kFlagNoCluster},
    {"allow-cross-slot-keys", kFlagAllowCrossSlot},
};

// The words of the first line (split on spaces), or nothing when there is no line end.
bool FirstLineWords(std::string_view text, std::vector<std::string_view>& words) {
  const size_t end = text.find('\n');
  if (end == std::string_view::npos) return false;
  std::string_view line = text.substr(0, end);
  while (!line.empty()) {
    const size_t space = line.find(' ');
    if (space != 0) words.push_back(line.substr(0, space));
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return true;
}

}  // namespace

uint32_t ScriptFlagByName(std::string_view name) {
  for (const auto& [text, flag] : kFlagNames) {
    if (text == name) return flag;
  }
  return 0;
}

std::string_view ScriptFlagName(uint32_t flag) {
  for (const auto& [text, f] : kFlagNames) {
    if (f == flag) return text;
  }
  return {};
}

Result<EvalShebang> ParseEvalShebang(std::string_view body) {
  EvalShebang out;
  if (body.substr(0, 2) != "#!") return out;
  out.present = true;
  std::vector<std::string_view> words;
  if (!FirstLineWords(body, words)) return Failure(err::kInvalidScriptShebang);
  if (words.empty() || words[0] != "#!lua") {
    return Failure(err::UnexpectedShebangEngine(words.empty() ? "" : words[0]));
  }
  for (size_t i = 1; i < words.size(); i++) {
    std::string_view option = words[i];
    if (option.substr(0, 6) != "flags=") return Failure(err::UnknownShebangOption(option));
    option.remove_prefix(6);
    // Each flags= option sets the flags anew.
    out.flags = 0;
    while (!option.empty()) {
      const size_t comma = option.find(',');
      const std::string_view name = option.substr(0, comma);
      const uint32_t flag = ScriptFlagByName(name);
      if (flag == 0) return Failure(err::UnexpectedShebangFlag(name));
      out.flags |= flag;
      if (comma == std::string_view::npos) break;
      option.remove_prefix(comma + 1);
      if (option.empty()) return Failure(err::UnexpectedShebangFlag(""));
    }
  }
  return out;
}

Result<std::string> ParseLibraryShebang(std::string_view code) {
  if (code.substr(0, 2) != "#!") return Failure(err::kMissingLibraryMetadata);
  std::vector<std::string_view> words;
  if (!FirstLineWords(code, words) || words.empty()) {
    return Failure(err::kInvalidLibraryMetadata);
  }
  const std::string_view engine = words[0].substr(2);
  if (!EqualsIgnoreCase(engine, "lua")) return Failure(err::LibraryEngineNotFound(engine));
  bool named = false;
  std::string name;
  for (size_t i = 1; i < words.size(); i++) {
    if (words[i].substr(0, 5) != "name=") return Failure(err::InvalidLibraryMetadataValue(words[i]));
    if (named) return Failure(err::kLibraryNameTwice);
    named = true;
    name = words[i].substr(5);
  }
  if (!named) return Failure(err::kLibraryNameMissing);
  if (!ValidLibraryName(name)) return Failure(err::kLibraryNameInvalid);
  return name;
}

bool ValidLibraryName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string WithoutShebang(std::string_view code) {
  std::string out(code);
  if (out.compare(0, 2, "#!") == 0) {
    out[0] = '-';
    out[1] = '-';
  }
  return out;
}

}  // namespace server::scripting
