#include "src/ascii.h"
#include "src/errors.h"

#include <algorithm>
#include <cctype>

namespace server::err {

namespace {

// Redis caps the echoed name and arguments so an error line stays short.
std::string Clip(std::string_view s) {
  constexpr size_t kMax = 128;
  return std::string(s.substr(0, std::min(s.size(), kMax)));
}

}  // namespace

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  // Redis lets the quoted arguments grow to about 128 bytes, clipping the last one.
  std::string quoted;
  for (size_t i = 0; i < nargs && quoted.size() < 128; i++) {
    size_t room = 128 - quoted.size();
    quoted.push_back('\'');
    quoted.append(args[i].substr(0, std::min(args[i].size(), room)));
    quoted.append("' ");
  }
  return "ERR unknown command '" + Clip(name) + "', with args beginning with: " + quoted;
}

std::string WrongArity(std::string_view full_name) {
  return "ERR wrong number of arguments for '" + AsciiLower(full_name) + "' command";
}

std::string UnknownSubcommand(std::string_view sub, std::string_view container) {
  return "ERR unknown subcommand '" + Clip(sub) + "'. Try " + AsciiUpper(container) + " HELP.";
}

std::string InvalidExpireTime(std::string_view command) {
  return "ERR invalid expire time in '" + AsciiLower(command) + "' command";
}

}  // namespace server::err
