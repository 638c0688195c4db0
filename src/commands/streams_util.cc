#include "src/commands/streams_util.h"

#include "src/commands/keys_util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

streams::Stream* FindStream(CommandContext& ctx, std::string_view key, bool& wrong_type) {
  wrong_type = false;
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (v == nullptr) return nullptr;
  if (!v->is_stream()) {
    wrong_type = true;
    ctx.reply.Error(err::kWrongType);
    return nullptr;
  }
  return &v->stream();
}

streams::StreamLimits StreamLimitsFrom(const Config& config) {
  streams::StreamLimits limits;
  limits.max_entries = static_cast<size_t>(config.stream_node_max_entries);
  limits.max_bytes = static_cast<size_t>(config.stream_node_max_bytes);
  return limits;
}

std::string_view IdStatusText(streams::IdStatus status) {
  using streams::IdStatus;
  switch (status) {
    case IdStatus::kInvalidStart: return err::kInvalidRangeStart;
    case IdStatus::kInvalidEnd: return err::kInvalidRangeEnd;
    case IdStatus::kXAddZero: return err::kXAddZeroId;
    case IdStatus::kXAddNotGreater: return err::kXAddNotGreater;
    case IdStatus::kXAddSeqExhausted: return err::kXAddElementsTooLarge;
    case IdStatus::kStreamExhausted: return err::kStreamExhausted;
    default: return err::kInvalidStreamId;
  }
}

void ReplyId(resp::Writer& reply, streams::StreamID id) {
  char buf[streams::kMaxFormattedIdLength];
  char* end = streams::FormatId(id, buf);
  reply.Bulk(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void ReplyEntry(resp::Writer& reply, streams::StreamID id, const streams::EntryView& entry) {
  reply.Array(2);
  ReplyId(reply, id);
  reply.Array(entry.field_values.size());
  for (std::string_view item : entry.field_values) reply.Bulk(item);
}

bool ParseRangeCount(CommandContext& ctx, size_t from, int64_t& count) {
  count = -1;  // no COUNT given
  for (size_t i = from; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      auto n = ArgInt64(ctx, i + 1);
      if (!n) return false;
      count = *n < 0 ? 0 : *n;
      i++;
    } else {
      ctx.reply.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace server
