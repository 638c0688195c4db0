// Helpers shared by the command families: argument parsing with Redis's error replies and
// HELP replies. (Transaction and WATCH state is the core's: src/transactions.h.)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "src/client.h"
#include "src/command_table.h"
#include "src/server_state.h"

namespace server {

// Client names may not contain spaces, newlines or other characters outside '!'..'~'.
bool ValidClientName(std::string_view name);

// Parses an integer argument strictly; on failure writes "ERR value is not an integer or out
// of range" (or `error` if given) and returns nullopt.
std::optional<int64_t> ArgInt64(CommandContext& ctx, size_t index,
                                std::string_view error = {});

// A HELP subcommand's reply: one simple string per line, as Redis sends it.
void ReplyHelp(resp::Writer& reply, std::span<const std::string_view> lines);

}  // namespace server
