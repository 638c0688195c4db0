// Helpers shared by the command families: argument parsing (returning Redis's error for the
// handler to reply) and HELP replies. (Transaction and WATCH state is the core's:
// src/transactions.h.)
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "src/client.h"
#include "src/command_table.h"
#include "src/errors.h"
#include "src/result.h"
#include "src/server_state.h"

namespace server {

// Client names may not contain spaces, newlines or other characters outside '!'..'~'.
bool ValidClientName(std::string_view name);

// Parses argv[index] strictly as a 64-bit integer. The failure is `error`, one of errors.h's
// constants: by default "ERR value is not an integer or out of range".
Result<int64_t> Int64Arg(const CommandContext& ctx, size_t index,
                         std::string_view error = err::kNotInteger);

// A HELP subcommand's reply: one simple string per line, as Redis sends it.
void ReplyHelp(resp::Writer& reply, std::span<const std::string_view> lines);

}  // namespace server
