// XRETENTION (Runnel's): a stream's retention by age. `XRETENTION key max-age-ms
// [DEADLETTER-PENDING]` keeps entries for at most that many ms (0: never trimmed by age, even
// under a server default); `XRETENTION key DEFAULT` goes back to stream-retention-ms. The
// background pass (src/delivery/retention_pass.h) does the trimming. Logged as sent.
#include <string>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

Result<streams::RetentionSetting> ParseRetention(const CommandContext& ctx) {
  streams::RetentionSetting setting;
  if (EqualsIgnoreCase(ctx.arg(2), "DEFAULT")) {
    if (ctx.argc() > 3) return Failure(err::kSyntax);
    return setting;
  }
  int64_t ms;
  if (!resp::ParseStrictInt64(ctx.arg(2), ms) || ms < 0) return Failure(err::kRetentionMaxAge);
  setting.max_age_ms = ms;
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (!EqualsIgnoreCase(ctx.arg(i), "DEADLETTER-PENDING")) return Failure(err::kSyntax);
    setting.dead_letter_pending = true;
  }
  return setting;
}

void XRetention(CommandContext& ctx) {
  auto setting = ParseRetention(ctx);
  if (!setting) return ctx.reply.Error(setting.error());
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  ctx.reply.Ok();
  s->retention().setting = *setting;
  if (setting->max_age_ms > 0) ctx.server.retention_in_use = true;
  ctx.db().Touch(ctx.arg(1));
}

constexpr CommandSpec kStreamRetentionRows[] = {
    {"xretention", -3, kWrite | kFast, 1, 1, 1, XRetention,
     "Sets how long a stream keeps its entries; older ones are trimmed in the background "
     "(Runnel).", "0.1.0", "stream",
     {"O(1)", "key age=(max-age-ms:integer|DEFAULT) [DEADLETTER-PENDING]", "",
      "RW update"}},
};

}  // namespace

std::span<const CommandSpec> StreamRetentionRows() { return kStreamRetentionRows; }

}  // namespace server
