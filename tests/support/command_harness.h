// Runs commands in-process through Dispatch against a fresh ServerState with the real command
// table and one RESP2 client, returning each reply's raw bytes: for unit tests of handlers
// that need no socket.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/command_table.h"
#include "src/commands/registry.h"
#include "src/dispatch.h"
#include "src/server_state.h"

namespace testing_support {

struct CommandHarness {
  server::ServerState state{server::Config{}};
  server::CommandTable table{server::CommandFamilies()};
  server::Client client;

  explicit CommandHarness(uint64_t client_id = 1) {
    state.commands = &table;
    client.id = client_id;
    state.clients[client.id] = &client;
  }
  std::string Run(std::vector<std::string> args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    std::string out;
    resp::Writer w(out, client.protocol);
    server::Dispatch(state, client, argv, w);
    return out;
  }
};

// The argv of each record (what the AOF would get), without the dbs.
inline std::vector<std::vector<std::string>> ArgvsOf(
    const std::vector<server::PropagatedCommand>& records) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : records) out.push_back(r.argv);
  return out;
}

// A harness whose clock is pinned (so expiries are exact) and that can tell what one command
// recorded for the AOF.
struct PinnedClockHarness : CommandHarness {
  explicit PinnedClockHarness(int64_t now_ms) { state.pinned_time_ms = now_ms; }
  void At(int64_t now_ms) { state.pinned_time_ms = now_ms; }
  // Runs `args` and returns the argv of each record it made (its reply is dropped).
  std::vector<std::vector<std::string>> Recorded(std::vector<std::string> args) {
    state.propagation.Take();
    Run(std::move(args));
    return ArgvsOf(state.propagation.Take());
  }
};

}  // namespace testing_support
