#include "src/commands/util.h"

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

}  // namespace server
