#include "src/commands/streams/util.h"

#include "resp/strict_int.h"
#include "src/ascii.h"
#include "src/commands/keys/util.h"
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

std::optional<std::vector<streams::StreamID>> ParseIds(CommandContext& ctx, size_t from,
                                                       size_t to) {
  std::vector<streams::StreamID> ids;
  ids.reserve(to - from);
  for (size_t i = from; i < to; i++) {
    auto id = streams::ParseStrictId(ctx.arg(i));
    if (!id.ok()) {
      ctx.reply.Error(IdStatusText(id.status));
      return std::nullopt;
    }
    ids.push_back(id.value);
  }
  return ids;
}

bool ParseRefMode(std::string_view word, streams::RefPolicy& policy) {
  if (EqualsIgnoreCase(word, "KEEPREF")) {
    policy = streams::RefPolicy::kKeepRef;
  } else if (EqualsIgnoreCase(word, "DELREF")) {
    policy = streams::RefPolicy::kDelRef;
  } else if (EqualsIgnoreCase(word, "ACKED")) {
    policy = streams::RefPolicy::kAcked;
  } else {
    return false;
  }
  return true;
}

std::optional<RefDeleteArgs> ParseRefDeleteArgs(CommandContext& ctx, size_t from) {
  RefDeleteArgs out;
  bool mode_given = false;
  size_t ids_at = 0, numids = 0;
  for (size_t i = from; i < ctx.argc(); i++) {
    std::string_view opt = ctx.arg(i);
    if (ParseRefMode(opt, out.policy)) {
      if (mode_given) {
        ctx.reply.Error(err::kSyntax);
        return std::nullopt;
      }
      mode_given = true;
    } else if (EqualsIgnoreCase(opt, "IDS") && i + 1 < ctx.argc() && ids_at == 0) {
      int64_t n;
      if (!resp::ParseStrictInt64(ctx.arg(i + 1), n) || n < 1) {
        ctx.reply.Error(err::kNumIdsNotPositive);
        return std::nullopt;
      }
      if (static_cast<uint64_t>(n) > ctx.argc() - (i + 2)) {
        ctx.reply.Error(err::kNumIdsMismatch);
        return std::nullopt;
      }
      ids_at = i + 2;
      numids = static_cast<size_t>(n);
      i = ids_at + numids - 1;
    } else {
      ctx.reply.Error(err::kSyntax);
      return std::nullopt;
    }
  }
  if (ids_at == 0) {
    ctx.reply.Error(err::kSyntax);
    return std::nullopt;
  }
  auto ids = ParseIds(ctx, ids_at, ids_at + numids);
  if (!ids) return std::nullopt;
  out.ids = std::move(*ids);
  return out;
}

int64_t DeleteOutcomeCode(streams::DeleteOutcome outcome) {
  switch (outcome) {
    case streams::DeleteOutcome::kDeleted: return 1;
    case streams::DeleteOutcome::kReferenced: return 2;
    case streams::DeleteOutcome::kNotFound: break;
  }
  return -1;
}

}  // namespace server
