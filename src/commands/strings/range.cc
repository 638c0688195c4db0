// Byte-range string commands: APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE. Growth is capped at
// proto-max-bulk-len, the largest string a client could have sent in one piece.
#include "src/commands/keys/util.h"
#include "src/commands/strings/handlers.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server::strings {

namespace {

// Fails when a string of `offset + extra` bytes would exceed proto-max-bulk-len.
// Written to avoid overflowing when offset is near INT64_MAX.
Result<void> CheckLength(const CommandContext& ctx, int64_t offset, size_t extra) {
  int64_t max = ctx.server.config.proto_max_bulk_len;
  if (static_cast<uint64_t>(extra) > static_cast<uint64_t>(max) ||
      offset > max - static_cast<int64_t>(extra)) {
    return Failure(err::kStringTooLong);
  }
  return {};
}

}  // namespace

void Append(CommandContext& ctx) {
  Db& db = ctx.db();
  std::string_view key = ctx.arg(1);
  std::string_view tail = ctx.arg(2);
  Value* v = db.Find(key, ctx.now_ms);
  if (v == nullptr) {
    db.Set(key, Value::String(std::string(tail)));
    Notify(ctx, kNotifyString, "append", key);
    return ctx.reply.Integer(static_cast<int64_t>(tail.size()));
  }
  if (auto t = CheckType(v, ValueType::kString); !t) return ctx.reply.Error(t.error());
  std::string& s = v->str();
  auto length = CheckLength(ctx, static_cast<int64_t>(s.size()), tail.size());
  if (!length) return ctx.reply.Error(length.error());
  s.append(tail);
  db.Touch(key);
  Notify(ctx, kNotifyString, "append", key);
  ctx.reply.Integer(static_cast<int64_t>(s.size()));
}

void StrLen(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Integer(*v ? static_cast<int64_t>((*v)->str().size()) : 0);
}

void GetRange(CommandContext& ctx) {
  auto start_arg = Int64Arg(ctx, 2);
  if (!start_arg) return ctx.reply.Error(start_arg.error());
  auto end_arg = Int64Arg(ctx, 3);
  if (!end_arg) return ctx.reply.Error(end_arg.error());
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  if (*v == nullptr) return ctx.reply.Bulk("");
  const std::string& s = (*v)->str();
  const int64_t len = static_cast<int64_t>(s.size());
  int64_t start = *start_arg;
  int64_t end = *end_arg;
  // Both ends counted from the tail and in the wrong order: empty, before clamping could
  // turn them into a one-byte range.
  if (start < 0 && end < 0 && start > end) return ctx.reply.Bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) return ctx.reply.Bulk("");
  ctx.reply.Bulk(std::string_view(s).substr(static_cast<size_t>(start),
                                            static_cast<size_t>(end - start + 1)));
}

void SetRange(CommandContext& ctx) {
  auto offset = Int64Arg(ctx, 2);
  if (!offset) return ctx.reply.Error(offset.error());
  if (*offset < 0) return ctx.reply.Error(err::kOffsetOutOfRange);
  Db& db = ctx.db();
  std::string_view key = ctx.arg(1);
  std::string_view patch = ctx.arg(3);
  Value* v = db.Find(key, ctx.now_ms);
  if (v == nullptr) {
    // Writing nothing to a missing key creates nothing.
    if (patch.empty()) {
      ctx.server.propagation.Suppress();
      return ctx.reply.Integer(0);
    }
    if (auto length = CheckLength(ctx, *offset, patch.size()); !length) {
      return ctx.reply.Error(length.error());
    }
    std::string s(static_cast<size_t>(*offset), '\0');
    s.append(patch);
    int64_t len = static_cast<int64_t>(s.size());
    db.Set(key, Value::String(std::move(s)));
    Notify(ctx, kNotifyString, "setrange", key);
    return ctx.reply.Integer(len);
  }
  if (auto t = CheckType(v, ValueType::kString); !t) return ctx.reply.Error(t.error());
  std::string& s = v->str();
  if (patch.empty()) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(static_cast<int64_t>(s.size()));
  }
  if (auto length = CheckLength(ctx, *offset, patch.size()); !length) {
    return ctx.reply.Error(length.error());
  }
  size_t off = static_cast<size_t>(*offset);
  if (s.size() < off + patch.size()) s.resize(off + patch.size(), '\0');
  s.replace(off, patch.size(), patch);
  db.Touch(key);
  Notify(ctx, kNotifyString, "setrange", key);
  ctx.reply.Integer(static_cast<int64_t>(s.size()));
}

}  // namespace server::strings
