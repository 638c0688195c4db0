// Handlers of the generic key family, split across this folder by concern; the CommandSpec rows
// that register them all live in keys.cc so the family stays one table.
#pragma once

#include "src/command_table.h"

namespace server::keys {

// src/commands/keys/expire.cc: setting, reading and removing expiry times.
void Expire(CommandContext& ctx);
void PExpire(CommandContext& ctx);
void ExpireAt(CommandContext& ctx);
void PExpireAt(CommandContext& ctx);
void Ttl(CommandContext& ctx);
void PTtl(CommandContext& ctx);
void ExpireTime(CommandContext& ctx);
void PExpireTime(CommandContext& ctx);
void Persist(CommandContext& ctx);

// src/commands/keys/scan.cc: iterating the keyspace.
void Keys(CommandContext& ctx);
void Scan(CommandContext& ctx);

// src/commands/keys/object.cc: moving keys between databases and inspecting values.
void Move(CommandContext& ctx);
void ObjectEncoding(CommandContext& ctx);
void ObjectFreq(CommandContext& ctx);
void ObjectIdleTime(CommandContext& ctx);
void ObjectRefCount(CommandContext& ctx);
void ObjectHelp(CommandContext& ctx);

}  // namespace server::keys
