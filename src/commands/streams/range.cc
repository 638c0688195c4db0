// XLEN, XRANGE, XREVRANGE.
#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/errors.h"

namespace server {

namespace {

void XLen(CommandContext& ctx) {
  auto s = ReadStream(ctx, ctx.arg(1));
  if (!s) return ctx.reply.Error(s.error());
  ctx.reply.Integer(*s ? static_cast<int64_t>((*s)->length()) : 0);
}

// XRANGE key start end / XREVRANGE key end start. Redis checks the start bound completely
// before the end, whichever argument holds it.
void RangeCommand(CommandContext& ctx, bool reverse) {
  std::string_view start_arg = ctx.arg(reverse ? 3 : 2);
  std::string_view end_arg = ctx.arg(reverse ? 2 : 3);
  auto start = streams::ParseRangeStart(start_arg);
  if (!start.ok()) return ctx.reply.Error(IdStatusText(start.status));
  auto end = streams::ParseRangeEnd(end_arg);
  if (!end.ok()) return ctx.reply.Error(IdStatusText(end.status));
  auto parsed_count = ParseRangeCount(ctx, 4);
  if (!parsed_count) return ctx.reply.Error(parsed_count.error());
  const int64_t count = *parsed_count;
  auto found = ReadStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Array(0);
  if (count == 0) return ctx.reply.NullArray();
  // The reply's length is known only after the walk (a second walk would cost as much), so
  // its header is deferred: no side buffer, so a huge range costs its reply once.
  const resp::Writer::Deferred header = ctx.reply.DeferArray();
  int64_t n = 0;
  if (start.value <= end.value) {
    for (auto it = s->Range(start.value, end.value, reverse); it.Valid(); it.Next()) {
      ReplyEntry(ctx.reply, it.id(), it.entry());
      if (++n == count) break;
    }
  }
  ctx.reply.SetDeferredArray(header, static_cast<size_t>(n));
}

void XRange(CommandContext& ctx) { RangeCommand(ctx, false); }
void XRevRange(CommandContext& ctx) { RangeCommand(ctx, true); }

constexpr CommandSpec kStreamRangeRows[] = {
    {"xlen", 2, kReadOnly | kFast, 1, 1, 1, XLen, "Return the number of entries in a stream",
     "5.0.0", "stream", {"O(1)", "key"}},
    {"xrange", -4, kReadOnly, 1, 1, 1, XRange,
     "Return a range of elements in a stream, with IDs matching the specified IDs interval",
     "5.0.0", "stream",
     {"O(N) with N being the number of elements being returned. If N is constant (e.g. always "
      "asking for the first 10 elements with COUNT), you can consider it O(1).",
      "key start end [COUNT count:integer]"}},
    {"xrevrange", -4, kReadOnly, 1, 1, 1, XRevRange, "Return a range of elements in a stream, with "
     "IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) "
     "compared to XRANGE", "5.0.0", "stream",
     {"O(N) with N being the number of elements returned. If N is constant (e.g. always asking for "
      "the first 10 elements with COUNT), you can consider it O(1).",
      "key end start [COUNT count:integer]"}},
};

}  // namespace

std::span<const CommandSpec> StreamRangeRows() { return kStreamRangeRows; }

}  // namespace server
