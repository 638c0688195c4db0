// CLIENT LIST's line for one client, in Redis 8's field order: CLIENT LIST / INFO print it and
// the ACL LOG keeps it with each entry. The client running the current command shows that
// command and the size of its arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/client.h"
#include "src/server_state.h"

namespace server {

struct CurrentCommand {
  const Client* client = nullptr;
  std::string_view cmd;  // its "cmd=" ("client|list"); empty: the client's last command
  size_t argv_mem = 0;
};

// What a client holds, as client eviction and CLIENT LIST's tot-mem count it: its state, the
// unparsed input, the unsent output and the commands queued in MULTI.
inline size_t ClientMemory(const Client& c) {
  return sizeof(Client) + c.query_buffer_size + c.output_buffer_size + c.multi_mem;
}

// Ends in "\n".
std::string ClientListLine(ServerState& state, const Client& c, int64_t now_ms,
                           const CurrentCommand& current);

}  // namespace server
