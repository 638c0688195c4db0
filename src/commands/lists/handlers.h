// The parts of list commands that a plain command and its blocking form share (push_pop.cc
// defines them; blocking.cc uses them): LMOVE's move and LMPOP's parse and pop. Each writes its
// reply (data or error) through ctx, or nothing when there was nothing to take, so the blocking
// form can park the client instead.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "src/command_table.h"
#include "src/commands/lists/util.h"
#include "src/result.h"

namespace server::lists {

// LMOVE src dst from to, argv[1] and argv[2]: replied (the entry, or WRONGTYPE for either
// key), or found the source missing and replied nothing.
enum class MoveOutcome { kReplied, kSourceMissing };
MoveOutcome TryMove(CommandContext& ctx, End from, End to);

// LMPOP's arguments from argv[numkeys_index] on: numkeys key... LEFT|RIGHT [COUNT n].
struct MPopArgs {
  std::vector<std::string_view> keys;
  End end = End::kLeft;
  size_t count = 1;
};
Result<MPopArgs> ParseMPop(const CommandContext& ctx, size_t numkeys_index);
// Pops from the first non-empty list of `args`, replying [key, [entries]] and recording it as
// LPOP/RPOP key n; or replies WRONGTYPE at the first key of another type. False: every list
// was missing, nothing replied.
bool MPopNow(CommandContext& ctx, const MPopArgs& args);

}  // namespace server::lists
