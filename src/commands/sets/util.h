// Helpers shared by the set family's handlers: the encoding limits from the config, and
// lookups that check the key holds a set. A lookup that can fail returns the error (Result);
// the handler writes the reply.
#pragma once

#include <string_view>

#include "src/command_table.h"
#include "src/result.h"
#include "src/types/set.h"

namespace server::sets {

// set-max-intset-entries, set-max-listpack-entries, set-max-listpack-value.
types::SetLimits LimitsOf(const CommandContext& ctx);

// The set at `key` for reading (counts a keyspace hit or miss): null when missing, WRONGTYPE
// when the key holds another type.
Result<const types::Set*> ReadSet(CommandContext& ctx, std::string_view key);
// The same for a write: no hit/miss counted.
Result<types::Set*> WriteSet(CommandContext& ctx, std::string_view key);

// After removing members from the set at `key`: raises `event` (srem, spop), then deletes the
// key when the set is empty (raising del), else marks its watchers (changed in place).
void AfterRemove(CommandContext& ctx, std::string_view key, const types::Set& set,
                 std::string_view event);

// Writes `members` as a RESP3 set (RESP2 array).
template <typename Members>
void ReplyMembers(resp::Writer& w, const Members& members) {
  w.Set(members.size());
  for (std::string_view m : members) w.Bulk(m);
}

}  // namespace server::sets
