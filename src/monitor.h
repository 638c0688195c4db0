// MONITOR: every command the server runs, shown to the clients that asked, one status line
// each: `+<unix secs>.<usecs> [<db> <addr>] "arg" "arg"...`. Fed after a command runs (a
// script's EVAL before, so it comes ahead of the commands the script calls); admin commands,
// commands refused before running and AOF replay are never shown, and passwords are redacted,
// as in Redis 7.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace server {

struct Client;
struct CommandSpec;
struct ServerState;

// The line for one command, without the leading '+' and the CRLF. `addr` is the client's
// address, or "lua" for a script's commands. Arguments are quoted as Redis quotes them
// (backslash escapes, \xHH for bytes that do not print); passwords read "(redacted)".
std::string MonitorLine(int64_t now_us, int db, std::string_view addr,
                        std::span<const std::string_view> argv);

// What a log shows in place of a secret argument.
inline constexpr std::string_view kRedactedArg = "(redacted)";

// Whether argument `i` of a call is a secret no log may show, as Redis 7.0 redacts them: AUTH's
// arguments, HELLO's AUTH username and password, MIGRATE's AUTH / AUTH2 credentials, ACL
// SETUSER's name and rules, CONFIG SET's value of requirepass, masterauth and masteruser.
// MONITOR and SLOWLOG both use it.
bool IsRedactedArgument(std::span<const std::string_view> argv, size_t i);

// Whether `spec` is shown at all, and when: scripts before they run, the rest after.
bool MonitorShows(const ServerState& state, const CommandSpec& spec);
bool MonitorShowsBeforeRunning(const CommandSpec& spec);

// Sends the line for `argv`, run by `client`, to every monitoring client.
void FeedMonitors(ServerState& state, const Client& client, std::span<const std::string_view> argv);

void StartMonitoring(ServerState& state, Client& client);
void StopMonitoring(ServerState& state, Client& client);

}  // namespace server
