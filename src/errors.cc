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

std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other,
                                  bool existing) {
  return "ERR Prefix '" + std::string(prefix) + "' overlaps with " +
         (existing ? "an existing" : "another provided") + " prefix '" + std::string(other) +
         "'. Prefixes for a single client must not overlap.";
}

std::string NotInSubscribedContext(std::string_view full_name) {
  return "ERR Can't execute '" + AsciiLower(full_name) +
         "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
         "context";
}

std::string UnknownSubcommand(std::string_view sub, std::string_view container) {
  return "ERR unknown subcommand '" + Clip(sub) + "'. Try " + AsciiUpper(container) + " HELP.";
}

std::string InvalidExpireTime(std::string_view command) {
  return "ERR invalid expire time in '" + AsciiLower(command) + "' command";
}

std::string ZInputKeyNeeded(std::string_view command) {
  return "ERR at least 1 input key is needed for '" + AsciiLower(command) + "' command";
}

std::string ProtocolError(std::string_view parser_message) {
  return "ERR " + std::string(parser_message);
}

std::string UnsupportedOption(std::string_view option) {
  return "ERR Unsupported option " + std::string(option);
}

std::string HelloSyntax(std::string_view option) {
  return "ERR Syntax error in HELLO option '" + std::string(option) + "'";
}

std::string UnknownClientType(std::string_view type) {
  return "ERR Unknown client type '" + std::string(type) + "'";
}

std::string UnrecognizedOption(std::string_view option) {
  return "ERR Unrecognized option '" + std::string(option) + "'";
}

std::string ClientInfoInvalid(std::string_view attribute) {
  return "ERR " + std::string(attribute) + " cannot contain spaces, newlines or special characters.";
}

std::string NoSuchUser(std::string_view user) {
  return "ERR No such user '" + std::string(user) + "'";
}

std::string ConfigSetUnknownOption(std::string_view name) {
  return "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
}

std::string ConfigSetFailed(std::string_view name, std::string_view reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(reason);
}

std::string MaxClientsUnsupported(int64_t fits) {
  return "The operating system is not able to handle the specified number of clients, try "
         "with " +
         std::to_string(fits);
}

std::string ConfigRewriteFailed(std::string_view reason) {
  return "ERR Rewriting config file: " + std::string(reason);
}

std::string XInfoSyntax(std::string_view subcommand) {
  std::string text(kXInfoSyntaxPrefix);
  text.append(subcommand).append(kXInfoSyntaxSuffix);
  return text;
}

std::string SubcommandSyntax(std::string_view subcommand, std::string_view container) {
  std::string text(kXInfoSyntaxPrefix);
  text.append(subcommand).append("'. Try ").append(AsciiUpper(container)).append(" HELP.");
  return text;
}

std::string NoPermCommand(std::string_view user, std::string_view command) {
  std::string text = "NOPERM User ";
  text.append(user).append(" has no permissions to run the '").append(command).append(
      "' command");
  return text;
}

}  // namespace server::err
