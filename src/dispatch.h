// Dispatch: from a parsed request to a handler call. Looks the command up in the table,
// checks arity, authentication and ACL permissions, queues it inside MULTI, then calls the handler. Every
// request gets exactly one reply written to `reply`.
#pragma once

#include <algorithm>
#include <span>
#include <string_view>

#include "resp/writer.h"
#include "src/client.h"
#include "src/command_table.h"
#include "src/memory.h"
#include "src/result.h"
#include "src/server_state.h"

namespace server {

void Dispatch(ServerState& state, Client& client, std::span<const std::string_view> argv,
              resp::Writer& reply);

// used_memory_peak's sample: Execute takes it after every command, as Redis does (so a big
// reply built and sent within one loop turn still shows), the AOF loader every so many
// replayed commands. One relaxed load when counting.
inline void SamplePeakMemory(ServerState& state) {
  if (CountingAllocatorActive()) state.peak_memory = std::max(state.peak_memory, CountedBytes());
}

// Runs an already-validated command (EXEC uses it for the queued commands).
void Execute(ServerState& state, Client& client, const CommandSpec& spec,
             std::span<const std::string_view> argv, resp::Writer& reply);

// Whether the client's ACL user may run `spec` with `argv`; a denial is logged in the ACL LOG
// with `context` ("toplevel", "multi", "lua"). CheckAcl gives the NOPERM reply for it.
acl::Verdict CheckAclAndLog(ServerState& state, Client& client, const CommandSpec& spec,
                            std::span<const std::string_view> argv, std::string_view context);
Result<void> CheckAcl(ServerState& state, Client& client, const CommandSpec& spec,
                      std::span<const std::string_view> argv, std::string_view context);

// Resolves `argv` to a spec (never null): the command, or its subcommand for container
// commands. The error is the unknown-command, unknown-subcommand or arity one.
Result<const CommandSpec*> Resolve(const CommandTable& table,
                                   std::span<const std::string_view> argv);

}  // namespace server
