// What the "server" family's files share: the INFO text (also used by the AOF rewrite log and
// tests) and the memory figures INFO, MEMORY and eviction report. The family's rows are listed
// in src/commands/registry.h.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "src/command_table.h"
#include "src/glob.h"

namespace server {

// The INFO text for the given section names ("default", "all", "everything", or sections),
// "\r\n" line endings, "# Section" headers, sections separated by a blank line.
std::string InfoText(ServerState& state, std::span<const std::string_view> sections);

// Memory the process uses for data (the allocator's view) and its resident set size.
size_t UsedMemoryBytes();
size_t ResidentMemoryBytes();

}  // namespace server
