// Delayed delivery (Runnel's): XSCHEDULE adds an entry that joins the stream only at its due
// time (it gets its stream ID then, so IDs stay in time order and readers see an ordinary
// entry), XSCHEDULED lists what waits, XUNSCHEDULE cancels. The due timer's pass
// (src/delivery/schedule_pass.h) moves entries into their streams. XSCHEDULE is logged with an
// absolute due time and its handle, so a replay schedules exactly the same entry.
#include <string>
#include <vector>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

struct ScheduleArgs {
  int64_t due_ms = 0;
  uint64_t handle = 0;  // HANDLE h (replay); 0 = a new one
  size_t first_field = 0;
};

// XSCHEDULE key <DELAY ms | AT unix-ms> [HANDLE h] field value [field value ...]
Result<ScheduleArgs> ParseSchedule(const CommandContext& ctx) {
  ScheduleArgs args;
  bool timed = false;
  size_t i = 2;
  for (; i + 1 < ctx.argc(); i += 2) {
    const std::string_view opt = ctx.arg(i);
    int64_t n;
    const bool is_delay = EqualsIgnoreCase(opt, "DELAY");
    if (is_delay || EqualsIgnoreCase(opt, "AT")) {
      if (timed) return Failure(err::kSyntax);
      if (!resp::ParseStrictInt64(ctx.arg(i + 1), n) || n < 0) {
        return Failure(err::kScheduleTimeInvalid);
      }
      if (is_delay && n > INT64_MAX - ctx.now_ms) return Failure(err::kScheduleTimeInvalid);
      args.due_ms = is_delay ? ctx.now_ms + n : n;
      timed = true;
    } else if (EqualsIgnoreCase(opt, "HANDLE")) {
      if (!resp::ParseStrictInt64(ctx.arg(i + 1), n) || n <= 0) {
        return Failure(err::kScheduleHandleInvalid);
      }
      args.handle = static_cast<uint64_t>(n);
    } else {
      break;
    }
  }
  if (!timed) return Failure(err::kScheduleNeedsTime);
  const size_t fields = ctx.argc() - i;
  if (fields == 0 || fields % 2 != 0) return Failure(err::WrongArity("xschedule"));
  args.first_field = i;
  return args;
}

void XSchedule(CommandContext& ctx) {
  auto args = ParseSchedule(ctx);
  if (!args) return ctx.reply.Error(args.error());
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s != nullptr && args->handle != 0 && s->schedule().DueOf(args->handle)) {
    return ctx.reply.Error(err::kScheduleHandleTaken);
  }
  const std::span<const std::string_view> fv = ctx.argv.subspan(args->first_field);
  if (s == nullptr) {
    ctx.db().Set(ctx.arg(1), Value::NewStream());
    s = &ctx.db().Find(ctx.arg(1), ctx.now_ms)->stream();
  }
  uint64_t handle = args->handle;
  if (handle == 0) {
    handle = s->schedule().Add(args->due_ms, fv);
  } else {
    s->schedule().AddWithHandle(args->due_ms, handle, fv);
  }
  ctx.reply.Integer(static_cast<int64_t>(handle));
  ctx.server.schedules.Arm(ctx.client.db_index, ctx.arg(1), "", args->due_ms);
  ctx.db().Touch(ctx.arg(1));
  std::vector<std::string> record = {"XSCHEDULE", std::string(ctx.arg(1)), "AT",
                                     std::to_string(args->due_ms), "HANDLE",
                                     std::to_string(handle)};
  for (std::string_view f : fv) record.emplace_back(f);
  ctx.server.propagation.Add(std::move(record));
}

// XSCHEDULED key [COUNT n]: the waiting entries in due order, each [handle, due-ms, fields].
void XScheduled(CommandContext& ctx) {
  int64_t count = -1;
  if (ctx.argc() == 4 && EqualsIgnoreCase(ctx.arg(2), "COUNT")) {
    auto n = Int64Arg(ctx, 3);
    if (!n) return ctx.reply.Error(n.error());
    count = *n < 0 ? 0 : *n;
  } else if (ctx.argc() != 2) {
    return ctx.reply.Error(err::kSyntax);
  }
  auto found = ReadStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  const streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Array(0);
  size_t shown = s->schedule().size();
  if (count >= 0 && static_cast<size_t>(count) < shown) shown = static_cast<size_t>(count);
  ctx.reply.Array(shown);
  size_t written = 0;
  s->schedule().ForEach([&](int64_t due, uint64_t handle, std::string_view packed) {
    if (written == shown) return false;
    const auto fields = streams::ScheduleQueue::Unpack(packed);
    ctx.reply.Array(3);
    ctx.reply.Integer(static_cast<int64_t>(handle));
    ctx.reply.Integer(due);
    ctx.reply.Array(fields.size());
    for (std::string_view f : fields) ctx.reply.Bulk(f);
    written++;
    return true;
  });
}

// XUNSCHEDULE key handle [handle ...]: how many of them were waiting (and are cancelled).
void XUnschedule(CommandContext& ctx) {
  std::vector<uint64_t> handles;
  for (size_t i = 2; i < ctx.argc(); i++) {
    int64_t n;
    if (!resp::ParseStrictInt64(ctx.arg(i), n) || n <= 0) {
      return ctx.reply.Error(err::kScheduleHandleInvalid);
    }
    handles.push_back(static_cast<uint64_t>(n));
  }
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  int64_t cancelled = 0;
  if (s != nullptr) {
    for (uint64_t h : handles) cancelled += s->schedule().Cancel(h) ? 1 : 0;
  }
  ctx.reply.Integer(cancelled);
  if (cancelled == 0) return ctx.server.propagation.Suppress();
  ctx.db().Touch(ctx.arg(1));
  // The stale deadline of a cancelled entry is harmless: the pass re-arms for what is left.
}

constexpr CommandSpec kStreamScheduleRows[] = {
    {"xschedule", -5, kWrite | kDenyOom, 1, 1, 1, XSchedule,
     "Adds an entry that joins the stream at a later time (Runnel).", "0.1.0", "stream",
     {"O(log N) with N being the number of scheduled entries of the stream.",
      "key when=(DELAY milliseconds:integer|AT unix-time-milliseconds:integer) "
      "[HANDLE handle:integer] data=(field value)...",
      "", "RW insert"}},
    {"xscheduled", -2, kReadOnly, 1, 1, 1, XScheduled,
     "Lists the entries scheduled to join a stream (Runnel).", "0.1.0", "stream",
     {"O(N) with N being the number of entries listed.", "key [COUNT count:integer]"}},
    {"xunschedule", -3, kWrite | kFast, 1, 1, 1, XUnschedule,
     "Cancels entries scheduled to join a stream (Runnel).", "0.1.0", "stream",
     {"O(log N) for each handle.", "key handle:integer...", "", "RW delete"}},
};

}  // namespace

std::span<const CommandSpec> StreamScheduleRows() { return kStreamScheduleRows; }

}  // namespace server
