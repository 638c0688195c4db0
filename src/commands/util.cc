#include "src/commands/util.h"

#include <limits>

#include "resp/strict_int.h"
#include "src/errors.h"

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

}  // namespace server
