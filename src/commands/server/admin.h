// The "server" command family is split by concern: COMMAND (src/commands/server/command_docs.cc), INFO (src/commands/server/info.cc),
// CONFIG (src/commands/server/config_cmd.cc) and the rest (src/commands/server/admin.cc). Each file exports its rows here and
// ServerCommands() joins them; helpers they share live here too.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "src/command_table.h"
#include "src/glob.h"

namespace server {

std::span<const CommandSpec> InfoCommandRows();
std::span<const CommandSpec> ConfigCommandRows();

// The INFO text for the given section names ("default", "all", "everything", or sections),
// "\r\n" line endings, "# Section" headers, sections separated by a blank line.
std::string InfoText(ServerState& state, std::span<const std::string_view> sections);

// Memory the process uses for data (the allocator's view) and its resident set size.
size_t UsedMemoryBytes();
size_t ResidentMemoryBytes();

}  // namespace server
