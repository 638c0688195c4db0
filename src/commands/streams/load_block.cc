// RUNNEL.XLOADBLOCK (Runnel's): one stream block as its encoded bytes, what the AOF snapshot
// (src/aof_snapshot.cc) writes for a stream's blocks and what a restart or a replica's full
// sync replays. `RUNNEL.XLOADBLOCK key master-id last-id entries payload` appends the block
// whose plain bytes are `payload` (streams/entry_block.h's layout, no deleted entries), whose
// first entry is master-id, last entry last-id, holding `entries` entries. The payload is
// checked whole (EntryBlock::Import) before anything changes: a bad one is refused with the
// rule it broke, and the key stays as it was. The key is made when missing, as XADD would.
// Logged as sent (it is deterministic); notifies "xadd" once and wakes blocked readers. The dotted
// name is the namespace Redis leaves to modules: no Redis command has a dot, so this one can never
// meet a future Redis command.
#include <string>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

void XLoadBlock(CommandContext& ctx) {
  auto master = streams::ParseStrictId(ctx.arg(2));
  if (!master.ok()) return ctx.reply.Error(IdStatusText(master.status));
  auto last = streams::ParseStrictId(ctx.arg(3));
  if (!last.ok()) return ctx.reply.Error(IdStatusText(last.status));
  int64_t entries;
  if (!resp::ParseStrictInt64(ctx.arg(4), entries) || entries <= 0) {
    return ctx.reply.Error(err::kNotInteger);
  }
  streams::ImportedBlock imported = streams::EntryBlock::Import(
      {master.value, last.value, static_cast<uint64_t>(entries), ctx.arg(5)});
  if (!imported.block) {
    return ctx.reply.Error(std::string(err::kStreamBlockInvalid) + std::string(imported.error));
  }
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  const streams::StreamLimits limits = StreamLimitsFrom(ctx.server.config);
  if (s == nullptr) {
    // A new stream is stored only once its block is in.
    Value value = Value::NewStream();
    if (value.stream().AppendBlock(std::move(*imported.block), limits) != streams::IdStatus::kOk) {
      return ctx.reply.Error(err::kStreamBlockNotGreater);  // a master ID of 0-0
    }
    ctx.db().Set(ctx.arg(1), std::move(value));
  } else {
    if (s->AppendBlock(std::move(*imported.block), limits) != streams::IdStatus::kOk) {
      return ctx.reply.Error(err::kStreamBlockNotGreater);
    }
    ctx.db().Touch(ctx.arg(1));
  }
  ctx.server.blocking.SignalKeyReady(ctx.client.db_index, ctx.arg(1));
  Notify(ctx, kNotifyStream, "xadd", ctx.arg(1));
  ctx.reply.Ok();
}

constexpr CommandSpec kStreamLoadBlockRows[] = {
    {"runnel.xloadblock",
     6,
     kWrite | kDenyOom,
     1,
     1,
     1,
     XLoadBlock,
     "Appends a block of stream entries in their encoded form (Runnel's; written by the AOF "
     "rewrite and a full sync).",
     "1.0.0",
     "stream",
     {"O(N) where N is the payload's size", "key master-id last-id entries:integer payload", "",
      "RW insert"}},
};

}  // namespace

std::span<const CommandSpec> StreamLoadBlockRows() { return kStreamLoadBlockRows; }

}  // namespace server
