// The due timer's pass: what the server does when the earliest due time it armed has passed.
// It dead-letters entries that came due exhausted and wakes blocked readers of the rest; it never
// replies to anyone, and records what it did as plain commands (see src/delivery/records.h).
#pragma once

#include <cstdint>

namespace server {

struct ServerState;

// The due timer fired: for each group whose deadline passed, dead-letters the entries that came
// due exhausted, offers the key to blocked readers when others came due, records it all, and
// re-arms for what is left. Returns whether anything was done (the caller serves ready keys).
bool RunDueGroups(ServerState& state, int64_t now_ms);

}  // namespace server
