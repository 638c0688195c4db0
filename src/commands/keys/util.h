// Keyspace helpers shared by the string and generic key families: read lookups that count
// keyspace hits/misses (as Redis's read path does; writes do not count), and the expire-time
// arithmetic with Redis's overflow rules. A helper that can fail returns the error (Result);
// the handler writes the reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "src/command_table.h"
#include "src/result.h"
#include "src/value.h"

namespace server {

// The live value for `key`, counting a keyspace hit or miss; a miss raises the "keymiss"
// notification (class m), as Redis's read lookup does.
Value* LookupRead(CommandContext& ctx, std::string_view key);

// WRONGTYPE unless `v` is null or holds `type`.
Result<void> CheckType(const Value* v, ValueType type);

// LookupRead, then CheckType: the live value (null when missing), or WRONGTYPE.
Result<Value*> LookupRead(CommandContext& ctx, std::string_view key, ValueType type);

// SET/GETEX/SETEX/PSETEX expire argument -> absolute unix ms. The time must be positive and
// must not overflow once scaled to ms and (unless absolute) added to now; otherwise the error
// is "invalid expire time in '<command>' command" (or the integer error).
// With positive_only false (the EXPIRE family), zero and negative times are allowed: they
// delete the key.
Result<int64_t> ParseExpire(const CommandContext& ctx, std::string_view arg, bool seconds,
                            bool absolute, bool positive_only);
inline Result<int64_t> ParsePositiveExpire(const CommandContext& ctx, std::string_view arg,
                                           bool seconds, bool absolute) {
  return ParseExpire(ctx, arg, seconds, absolute, /*positive_only=*/true);
}
inline Result<int64_t> ParseAnyExpire(const CommandContext& ctx, std::string_view arg,
                                      bool seconds, bool absolute) {
  return ParseExpire(ctx, arg, seconds, absolute, /*positive_only=*/false);
}

// A key was renamed, moved or copied to `key` of db `db`: when it holds a stream whose groups
// have delivery-policy deadlines, the server's due timer learns them under the new name.
void ArmMovedStream(CommandContext& ctx, int db, std::string_view key);

// A SCAN/HSCAN cursor: unsigned 64-bit, read as strtoull reads it (so "-1" is the largest
// cursor and "" is 0), but leading space, trailing junk and overflow are "ERR invalid cursor".
Result<uint64_t> ParseScanCursor(std::string_view s);

// The options after a SCAN-family cursor, from argv[first] on: COUNT n (at least 1, default
// 10) and MATCH pattern everywhere, TYPE type where `extras` has kScanType (SCAN), the
// NOVALUES flag where it has kScanNoValues (HSCAN). Anything else is a syntax error.
struct ScanOptions {
  int64_t count = 10;
  std::optional<std::string_view> match;
  std::optional<std::string_view> type;
  bool no_values = false;
};
inline constexpr unsigned kScanType = 1;
inline constexpr unsigned kScanNoValues = 2;
Result<ScanOptions> ParseScanOptions(const CommandContext& ctx, size_t first,
                                     unsigned extras = 0);

// Rounds a remaining/absolute time in ms to whole seconds as TTL and EXPIRETIME reply it.
inline int64_t MsToRoundedSeconds(int64_t ms) { return (ms + 500) / 1000; }

}  // namespace server
