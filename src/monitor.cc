#include "src/monitor.h"

#include <algorithm>
#include <cstdio>

#include "resp/writer.h"
#include "src/ascii.h"
#include "src/command_table.h"
#include "src/server_state.h"

namespace server {

namespace {

void AppendQuoted(std::string& out, std::string_view arg) {
  out += '"';
  for (unsigned char c : arg) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char hex[5];
          snprintf(hex, sizeof(hex), "\\x%02x", c);
          out += hex;
        }
    }
  }
  out += '"';
}

}  // namespace

bool IsRedactedArgument(std::span<const std::string_view> argv, size_t i) {
  if (i == 0 || i >= argv.size()) return false;
  if (EqualsIgnoreCase(argv[0], "auth")) return true;
  if (EqualsIgnoreCase(argv[0], "hello")) {
    // HELLO protover [AUTH username password] [SETNAME name]: the two words after AUTH.
    for (size_t a = 2; a < i;) {
      if (EqualsIgnoreCase(argv[a], "auth")) {
        if (i == a + 1 || i == a + 2) return true;
        a += 3;
      } else {
        a += EqualsIgnoreCase(argv[a], "setname") ? 2 : 1;
      }
    }
    return false;
  }
  if (EqualsIgnoreCase(argv[0], "migrate")) {
    // MIGRATE host port key db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS ...]
    for (size_t a = 6; a < i; a++) {
      if (EqualsIgnoreCase(argv[a], "keys")) return false;
      const size_t words = EqualsIgnoreCase(argv[a], "auth")    ? 1
                           : EqualsIgnoreCase(argv[a], "auth2") ? 2
                                                                : 0;
      if (i <= a + words) return true;
      a += words;
    }
    return false;
  }
  // ACL SETUSER's rules (and name), CONFIG SET's values of the secret options (the SLOWLOG
  // shows these; MONITOR never shows admin commands).
  if (EqualsIgnoreCase(argv[0], "acl")) return EqualsIgnoreCase(argv[1], "setuser") && i >= 2;
  if (EqualsIgnoreCase(argv[0], "config") && EqualsIgnoreCase(argv[1], "set") && i >= 3 &&
      (i - 3) % 2 == 0) {
    return EqualsIgnoreCase(argv[i - 1], "requirepass") ||
           EqualsIgnoreCase(argv[i - 1], "masterauth") ||
           EqualsIgnoreCase(argv[i - 1], "masteruser");
  }
  return false;
}

std::string MonitorLine(int64_t now_us, int db, std::string_view addr,
                        std::span<const std::string_view> argv) {
  char head[64];
  snprintf(head, sizeof(head), "%lld.%06lld [%d ", static_cast<long long>(now_us / 1'000'000),
           static_cast<long long>(now_us % 1'000'000), db);
  std::string line = head;
  line += addr;
  line += ']';
  for (size_t i = 0; i < argv.size(); i++) {
    line += ' ';
    AppendQuoted(line, IsRedactedArgument(argv, i) ? kRedactedArg : argv[i]);
  }
  return line;
}

bool MonitorShows(const ServerState& state, const CommandSpec& spec) {
  // QUIT is no command in Redis 7.0 (the connection layer answers it), so it is never shown.
  if (state.loading || (spec.flags & kAdmin) || spec.name == "quit") return false;
  return MonitorShowsBeforeRunning(spec) || !(spec.flags & kSkipMonitor);
}

bool MonitorShowsBeforeRunning(const CommandSpec& spec) { return spec.flags & kRunsScript; }

void FeedMonitors(ServerState& state, const Client& client,
                  std::span<const std::string_view> argv) {
  if (state.outputs == nullptr) return;
  const bool from_script = client.on_behalf_of != nullptr;
  const std::string line = MonitorLine(state.PreciseTimeUs(), client.db_index,
                                       from_script ? std::string_view("lua") : client.addr, argv);
  for (uint64_t id : state.monitors) {
    if (resp::Writer* w = state.outputs->OutputFor(id)) w->Simple(line);
  }
}

void StartMonitoring(ServerState& state, Client& client) {
  client.monitor = true;
  state.monitors.push_back(client.id);
}

void StopMonitoring(ServerState& state, Client& client) {
  if (!client.monitor) return;
  client.monitor = false;
  state.monitors.erase(std::remove(state.monitors.begin(), state.monitors.end(), client.id),
                       state.monitors.end());
}

}  // namespace server
