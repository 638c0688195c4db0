#include "src/errors.h"

#include <algorithm>
#include <cctype>

namespace server::err {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

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
  return "ERR wrong number of arguments for '" + Lower(full_name) + "' command";
}

std::string UnknownSubcommand(std::string_view sub, std::string_view container) {
  std::string upper(container);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return "ERR unknown subcommand '" + Clip(sub) + "'. Try " + upper + " HELP.";
}

std::string InvalidExpireTime(std::string_view command) {
  return "ERR invalid expire time in '" + Lower(command) + "' command";
}

}  // namespace server::err
