// Handlers of the set family, split across this folder by concern; the CommandSpec rows that
// register them all live in sets.cc so the family stays one table.
#pragma once

#include "src/command_table.h"

namespace server::sets {

// src/commands/sets/random.cc: SRANDMEMBER, SPOP.
void SRandMember(CommandContext& ctx);
void SPop(CommandContext& ctx);

// src/commands/sets/algebra.cc: SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF
// SDIFFSTORE.
void SInter(CommandContext& ctx);
void SInterCard(CommandContext& ctx);
void SInterStore(CommandContext& ctx);
void SUnion(CommandContext& ctx);
void SUnionStore(CommandContext& ctx);
void SDiff(CommandContext& ctx);
void SDiffStore(CommandContext& ctx);

}  // namespace server::sets
