#include "src/commands/streams/util.h"

#include "resp/strict_int.h"
#include "src/ascii.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

Result<streams::Stream*> FindStream(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (v == nullptr) return nullptr;
  if (!v->is_stream()) return Failure(err::kWrongType);
  return &v->stream();
}

Result<streams::Stream*> ReadStream(CommandContext& ctx, std::string_view key) {
  auto v = LookupRead(ctx, key, ValueType::kStream);
  if (!v) return std::move(v).failure();
  return *v == nullptr ? nullptr : &(*v)->stream();
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

Result<int64_t> ParseRangeCount(const CommandContext& ctx, size_t from) {
  int64_t count = -1;  // no COUNT given
  for (size_t i = from; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      auto n = Int64Arg(ctx, i + 1);
      if (!n) return std::move(n).failure();
      count = *n < 0 ? 0 : *n;
      i++;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return count;
}

Result<std::vector<streams::StreamID>> ParseIds(std::span<const std::string_view> args) {
  std::vector<streams::StreamID> ids;
  ids.reserve(args.size());
  for (std::string_view arg : args) {
    auto id = streams::ParseStrictId(arg);
    if (!id.ok()) return Failure(IdStatusText(id.status));
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

Result<RefDeleteArgs> ParseRefDeleteArgs(std::span<const std::string_view> args) {
  RefDeleteArgs out;
  bool mode_given = false;
  size_t ids_at = 0, numids = 0;  // ids_at 0: no IDS block yet (it cannot start at 0)
  for (size_t i = 0; i < args.size(); i++) {
    std::string_view opt = args[i];
    if (ParseRefMode(opt, out.policy)) {
      if (mode_given) return Failure(err::kSyntax);
      mode_given = true;
    } else if (EqualsIgnoreCase(opt, "IDS") && i + 1 < args.size() && ids_at == 0) {
      int64_t n;
      if (!resp::ParseStrictInt64(args[i + 1], n) || n < 1) {
        return Failure(err::kNumIdsNotPositive);
      }
      if (static_cast<uint64_t>(n) > args.size() - (i + 2)) return Failure(err::kNumIdsMismatch);
      ids_at = i + 2;
      numids = static_cast<size_t>(n);
      i = ids_at + numids - 1;
    } else {
      return Failure(err::kSyntax);
    }
  }
  if (ids_at == 0) return Failure(err::kSyntax);
  auto ids = ParseIds(args.subspan(ids_at, numids));
  if (!ids) return std::move(ids).failure();
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
