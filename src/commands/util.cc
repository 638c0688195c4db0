#include "src/commands/util.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "resp/strict_int.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

Result<int64_t> Int64Arg(const CommandContext& ctx, size_t index, std::string_view error) {
  int64_t v;
  if (!resp::ParseStrictInt64(ctx.arg(index), v)) return Failure(error);
  return v;
}

void ReplyHelp(resp::Writer& reply, std::span<const std::string_view> lines) {
  reply.Array(lines.size());
  for (std::string_view line : lines) reply.Simple(line);
}

Result<RandomCountArgs> ParseRandomCount(const CommandContext& ctx, std::string_view with_word) {
  auto count = Int64Arg(ctx, 2);
  if (!count) return std::move(count).failure();
  if (*count == std::numeric_limits<int64_t>::min()) return Failure(err::kCountOutOfRange);
  RandomCountArgs args{*count, ctx.argc() == 4};
  if (ctx.argc() > 4 || (args.with_values && !EqualsIgnoreCase(ctx.arg(3), with_word))) {
    return Failure(err::kSyntax);
  }
  if (args.with_values &&
      args.magnitude() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / 2)) {
    return Failure(err::kValueOutOfRange);
  }
  return args;
}

void Notify(CommandContext& ctx, uint32_t type, std::string_view event, std::string_view key) {
  NotifyKeyspaceEvent(ctx.server, type, event, key, ctx.client.db_index);
}

void AfterCollectionWrite(ServerState& state, int db, std::string_view key, bool emptied,
                          uint32_t type, std::string_view event) {
  if (!event.empty()) NotifyKeyspaceEvent(state, type, event, key, db);
  Db& d = *state.dbs[static_cast<size_t>(db)];
  if (emptied) {
    d.Delete(key, INT64_MIN);  // present (just written), so the time does not matter
    NotifyKeyspaceEvent(state, kNotifyGeneric, "del", key, db);
  } else {
    d.Touch(key);
  }
}

void BlockOrAnswerEmpty(CommandContext& ctx, const std::vector<std::string>& keys,
                        int64_t timeout_ms, std::unique_ptr<BlockedCommand> op,
                        void (resp::Writer::*empty)()) {
  ctx.server.propagation.Suppress();
  if (ctx.client.command_depth > 1) return (ctx.reply.*empty)();
  ctx.server.blocking.Block(ctx.client, keys, timeout_ms, std::move(op));
}

Result<int64_t> ParseTimeout(std::string_view arg) {
  // Redis reads it with strtold: no leading space, the whole argument, finite or infinite but
  // not NaN, and no overflow of the long double itself.
  constexpr size_t kMaxChars = 5 * 1024;
  if (arg.empty() || arg.size() > kMaxChars || std::isspace(static_cast<unsigned char>(arg[0]))) {
    return Failure(err::kTimeoutNotFloat);
  }
  const std::string text(arg);
  char* end = nullptr;
  errno = 0;
  long double seconds = std::strtold(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE || std::isnan(seconds)) {
    return Failure(err::kTimeoutNotFloat);
  }
  const long double ms = std::ceil(seconds * 1000.0L);
  // Past 2^63 ms (infinity too) 7.0's conversion wraps to a negative number: the same error.
  if (!(ms < 9223372036854775808.0L) || ms < 0) return Failure(err::kTimeoutNegative);
  return static_cast<int64_t>(ms);
}

}  // namespace server
