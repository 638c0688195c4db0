// CLIENT and its subcommands.
#include "src/command_table.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

void ClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

constexpr CommandSpec kClientSubcommands[] = {
    {"id", 2, kNoScript | kLoading | kStale, 0, 0, 0, ClientId,
     "Returns the unique client ID of the connection.", "5.0.0", "connection"},
};

constexpr CommandSpec kClientCommands[] = {
    {"client", -2, kSentinel, 0, 0, 0, nullptr, "A container for client connection commands.",
     "2.4.0", "connection", kClientSubcommands},
};

}  // namespace

std::span<const CommandSpec> ClientCommands() { return kClientCommands; }

}  // namespace server
