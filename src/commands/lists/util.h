// What the list commands share: LEFT/RIGHT, the list lookups (WRONGTYPE for another type), and
// the pushes and pops every list write is made of. The pops take the server and a db index, not
// a command, so a blocked pop served later (blocking.cc) runs exactly the code its plain form
// runs. A pop that empties a list deletes the key; every change marks the key's watchers and
// raises Redis's keyspace events (lpush/rpush, lpop/rpop, then del for an emptied key).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/command_table.h"
#include "src/config.h"
#include "src/db.h"
#include "src/result.h"
#include "src/types/quicklist.h"

namespace server::lists {

enum class End { kLeft, kRight };

// LEFT or RIGHT, any case; otherwise a syntax error.
Result<End> ParseEnd(std::string_view arg);
inline std::string_view EndName(End end) { return end == End::kLeft ? "LEFT" : "RIGHT"; }

// The list under `key` for a read, counting a keyspace hit or miss: null when missing.
Result<const types::List*> FindForRead(CommandContext& ctx, std::string_view key);
// The list under `key` for a write (no hit counted): null when missing.
Result<types::List*> FindForWrite(Db& db, std::string_view key, int64_t now_ms);

// The node bound the config sets (list-max-listpack-size), applied to `list` before a write.
types::List& Prepared(types::List& list, const Config& config);

// Pushes `values` one by one on `end` of the list under `key` in db `db`, made when `list` is
// null; then the lpush/rpush event. Returns the new length.
size_t Push(ServerState& state, int db, std::string_view key, types::List* list, End end,
            std::span<const std::string_view> values);
// Pops up to `n` (at least 1) entries from `end`: the lpop/rpop event, then, when the list
// emptied, the key is deleted and del raised.
std::vector<std::string> Pop(ServerState& state, int db, std::string_view key,
                             types::List& list, End end, size_t n);
// LMOVE: pops one entry of `src` from `from` and pushes it on `to` of `dst_key` (`dst` null:
// made; the same key as `src_key`: the same list, rotated). Events as Redis: the push on the
// destination, the pop on the source, del if the source emptied. Returns the entry.
std::string Move(ServerState& state, int db, std::string_view src_key, types::List& src,
                 std::string_view dst_key, types::List* dst, End from, End to);

}  // namespace server::lists
