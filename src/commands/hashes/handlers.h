// Handlers of the hash family, split across this folder by concern; the CommandSpec rows that
// register them all live in hashes.cc so the family stays one table. Expired fields never reach
// a handler: Db::Find removes them (and an emptied hash's key) before returning the value.
#pragma once

#include <string_view>

#include "src/command_table.h"
#include "src/result.h"
#include "src/types/hash.h"
#include "src/value.h"

namespace server::hashes {

// The hash at `key` for a write (null when missing), or WRONGTYPE. No keyspace hit counted.
Result<Value*> FindHashForWrite(CommandContext& ctx, std::string_view key);
// The hash at `key`, created empty when missing (the caller checked the type).
types::Hash& HashForWrite(CommandContext& ctx, std::string_view key, Value* existing);
// After a write to the hash at `key` (whose events the caller raised): deletes the key when the
// hash is empty, raising del, else marks it modified for WATCH.
void AfterWrite(CommandContext& ctx, std::string_view key, const types::Hash& hash);
// The listpack thresholds from the config.
types::HashLimits Limits(const CommandContext& ctx);

// `FIELDS numfields field...` from argv[at]: the index of the first field and their count.
// `exact` demands the fields end the command (the 7.4 commands); otherwise numfields may not
// exceed what is left, and a trailing argument is the caller's syntax error.
struct FieldsSpan {
  size_t first;
  size_t count;
};
Result<FieldsSpan> ParseFields(const CommandContext& ctx, size_t at, bool exact,
                               std::string_view missing_error);

// src/commands/hashes/random_scan.cc: HRANDFIELD, HSCAN.
void HRandField(CommandContext& ctx);
void HScan(CommandContext& ctx);

// src/commands/hashes/field_expiry.cc: HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL
// HEXPIRETIME HPEXPIRETIME HPERSIST (Redis 7.4).
void HExpire(CommandContext& ctx);
void HPExpire(CommandContext& ctx);
void HExpireAt(CommandContext& ctx);
void HPExpireAt(CommandContext& ctx);
void HTtl(CommandContext& ctx);
void HPTtl(CommandContext& ctx);
void HExpireTime(CommandContext& ctx);
void HPExpireTime(CommandContext& ctx);
void HPersist(CommandContext& ctx);

// src/commands/hashes/get_set_ex.cc: HGETDEL HGETEX HSETEX (Redis 8.0).
void HGetDel(CommandContext& ctx);
void HGetEx(CommandContext& ctx);
void HSetEx(CommandContext& ctx);

// The largest absolute expiry a field may have (2^48 - 1 ms, Redis's bound).
inline constexpr int64_t kMaxFieldExpiry = (int64_t{1} << 48) - 1;

}  // namespace server::hashes
