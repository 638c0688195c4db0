// Handlers of the string family, split across this folder by concern; the CommandSpec rows
// that register them all live in strings.cc so the family stays one table.
#pragma once

#include "src/command_table.h"

namespace server::strings {

// src/commands/strings/numeric.cc: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
void Incr(CommandContext& ctx);
void Decr(CommandContext& ctx);
void IncrBy(CommandContext& ctx);
void DecrBy(CommandContext& ctx);
void IncrByFloat(CommandContext& ctx);

// src/commands/strings/range.cc: APPEND, STRLEN, GETRANGE (and SUBSTR), SETRANGE.
void Append(CommandContext& ctx);
void StrLen(CommandContext& ctx);
void GetRange(CommandContext& ctx);
void SetRange(CommandContext& ctx);

// src/commands/strings/bits.cc: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP.
void SetBit(CommandContext& ctx);
void GetBit(CommandContext& ctx);
void BitCount(CommandContext& ctx);
void BitPos(CommandContext& ctx);
void BitOp(CommandContext& ctx);

// src/commands/strings/bitfield.cc: BITFIELD, BITFIELD_RO.
void Bitfield(CommandContext& ctx);
void BitfieldRo(CommandContext& ctx);

// src/commands/strings/lcs.cc: LCS.
void Lcs(CommandContext& ctx);

}  // namespace server::strings
