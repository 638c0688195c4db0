// XADD, XDEL, XTRIM, XSETID. For the AOF, XADD records the concrete ID it added, and an
// approximate trim ("~", LIMIT) records the exact trim that reproduces its result: "MAXLEN = the
// length left" or "MINID = the first ID left", as Redis 7.0 rewrites it, but without LIMIT
// (Redis 7.0 keeps it, and "= ... LIMIT" is then refused when a client sends it; valkey#4063).
#include <optional>
#include <string>
#include <vector>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/streams/idmp.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/propagation.h"

namespace server {

namespace {

// The trimming options shared by XADD and XTRIM.
struct TrimArgs {
  enum class Strategy { kNone, kMaxLen, kMinId } strategy = Strategy::kNone;
  bool approx = false;
  int64_t maxlen = 0;
  streams::StreamID minid;
  int64_t limit = 0;  // 0 = unlimited
  bool limit_given = false;
  bool nomkstream = false;
  bool ref_mode_given = false;  // KEEPREF | DELREF | ACKED (8.2), at most one
  streams::RefPolicy policy = streams::RefPolicy::kKeepRef;
  // Where the options sit in argv, for rewriting an approximate trim as an exact one.
  size_t approx_index = 0;     // the "~"
  size_t threshold_index = 0;  // MAXLEN's count / MINID's ID
  std::vector<size_t> limit_indexes;  // each "LIMIT" keyword (its count follows)
  IdmpArgs idmp;                      // XADD's IDMP / IDMPAUTO (8.6), at most one of them
};

// "IDMP" or "IDMPAUTO" in any case. Both are letters only, where OR-ing 0x20 folds case
// exactly ('I' and 'i' alone give 'i'), so no per-character branches on XADD's hot path.
bool IsIdmpKeyword(std::string_view opt) {
  if (opt.size() != 4 && opt.size() != 8) return false;
  static constexpr std::string_view kWord = "idmpauto";
  for (size_t i = 0; i < opt.size(); i++) {
    if ((opt[i] | 0x20) != kWord[i]) return false;
  }
  return true;
}

// Parses options from argv[2] on into `args`. For XADD it stops at the first argument that is
// not an option, which must be the ID: its index is returned (XTRIM: argc).
Result<size_t> ParseTrimArgs(const CommandContext& ctx, bool xadd, TrimArgs& args) {
  size_t i = 2;
  for (; i < ctx.argc(); i++) {
    const size_t more = ctx.argc() - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") break;
    // XADD's idempotent producers first: on their hot path they are the only option.
    if (xadd && IsIdmpKeyword(opt)) {
      const bool auto_iid = opt.size() == 8;
      const size_t takes = auto_iid ? 1 : 2;
      if (args.idmp.given || more < takes) return Failure(err::kSyntax);
      args.idmp = {.given = true, .auto_iid = auto_iid, .pid = ctx.arg(i + 1),
                   .iid = auto_iid ? std::string_view() : ctx.arg(i + 2), .first = i,
                   .count = takes + 1};
      if (args.idmp.pid.empty() || (!auto_iid && args.idmp.iid.empty())) {
        return Failure(err::kSyntax);
      }
      i += takes;
      continue;
    }
    const bool maxlen = EqualsIgnoreCase(opt, "MAXLEN");
    if ((maxlen || EqualsIgnoreCase(opt, "MINID")) && more > 0) {
      if (args.strategy != TrimArgs::Strategy::kNone) return Failure(err::kMaxLenAndMinId);
      args.approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && (next == "~" || next == "=")) {
        args.approx = next == "~";
        args.approx_index = i + 1;
        i++;
      }
      args.threshold_index = i + 1;
      if (maxlen) {
        auto n = Int64Arg(ctx, i + 1);
        if (!n) return std::move(n).failure();
        if (*n < 0) return Failure(err::kMaxLenNegative);
        args.maxlen = *n;
        args.strategy = TrimArgs::Strategy::kMaxLen;
      } else {
        auto id = streams::ParseStrictId(ctx.arg(i + 1));
        if (!id.ok()) return Failure(IdStatusText(id.status));
        args.minid = id.value;
        args.strategy = TrimArgs::Strategy::kMinId;
      }
      i++;
    } else if (EqualsIgnoreCase(opt, "LIMIT") && more > 0) {
      auto n = Int64Arg(ctx, i + 1);
      if (!n) return std::move(n).failure();
      if (*n < 0) return Failure(err::kLimitNegative);
      args.limit = *n;
      args.limit_given = true;
      args.limit_indexes.push_back(i);
      i++;
    } else if (xadd && EqualsIgnoreCase(opt, "NOMKSTREAM")) {
      args.nomkstream = true;
    } else if (ParseRefMode(opt, args.policy)) {
      if (args.ref_mode_given) return Failure(err::kSyntax);
      args.ref_mode_given = true;
    } else if (xadd) {
      break;  // the ID (validated by the caller)
    } else {
      return Failure(err::kSyntax);
    }
  }
  const size_t id_index = i;
  if (args.limit != 0 && args.strategy == TrimArgs::Strategy::kNone) {
    return Failure(err::kLimitWithoutStrategy);
  }
  if (!xadd && args.strategy == TrimArgs::Strategy::kNone) return Failure(err::kXTrimNoStrategy);
  if (args.limit_given) {
    if (!args.approx) return Failure(err::kLimitWithoutApprox);
  } else if (args.approx) {
    // Redis bounds an approximate trim by default, so one call never runs long.
    int64_t limit = 100 * ctx.server.config.stream_node_max_entries;
    args.limit = limit <= 0 || limit > 1000000 ? 10000 : limit;
  }
  return id_index;
}

// What XADD / XTRIM record, passed to `emit` one argument at a time: argv without XADD's IDMP
// options, with the concrete ID at `id_index` (XADD; 0 for XTRIM) and, when the trim was
// approximate, "~" turned into "=", the threshold into `threshold` (what reproduces the result
// on the stream as trimmed), and LIMIT dropped (meaningless for an exact trim).
template <typename Emit>
void DeterministicTrimArgs(CommandContext& ctx, const TrimArgs& args, size_t id_index,
                           std::string_view id, std::string_view threshold, Emit&& emit) {
  auto is_limit = [&](size_t i) {
    for (size_t at : args.limit_indexes) {
      if (i == at || i == at + 1) return true;
    }
    return false;
  };
  for (size_t i = 0; i < ctx.argc(); i++) {
    if (args.idmp.given && i >= args.idmp.first && i < args.idmp.first + args.idmp.count) {
      // IDMP pid iid in either form (IDMPAUTO's iid as computed), beside the concrete ID.
      if (i == args.idmp.first) {
        emit("IDMP");
        emit(args.idmp.pid);
        emit(args.idmp.iid);
      }
      continue;
    }
    if (id_index != 0 && i == id_index) {
      emit(id);
    } else if (!args.approx) {
      emit(ctx.arg(i));
    } else if (i == args.approx_index) {
      emit("=");
    } else if (i == args.threshold_index) {
      emit(threshold);
    } else if (!is_limit(i)) {
      emit(ctx.arg(i));
    }
  }
}

// Records XADD's (with its new ID's text at `id_index`) / XTRIM's deterministic form straight into the propagation buffer: arguments
// are counted in one pass and written in a second, with no string built (XADD is the hottest
// write, and its record was a third of its cost).
void RecordTrimmed(CommandContext& ctx, const TrimArgs& args, const streams::Stream& s,
                   size_t id_index, std::string_view id_view) {
  Propagation& propagation = ctx.server.propagation;
  if (!propagation.enabled()) return propagation.AddUnrecorded();
  if (!args.approx && !args.idmp.given && id_index != 0) {
    // The common XADD: as sent, but for the concrete ID.
    return propagation.AddReplacing(ctx.argv, id_index, id_view);
  }
  std::string threshold;
  if (args.approx) {
    if (args.strategy == TrimArgs::Strategy::kMaxLen) {
      threshold = std::to_string(s.length());
    } else {
      // Nothing left: every ID goes, as Redis writes it (the largest ID).
      auto first = s.FirstEntryId();
      threshold = first ? first->ToString() : streams::StreamID::Max().ToString();
    }
  }
  size_t argc = 0;
  size_t arg_bytes = 0;
  DeterministicTrimArgs(ctx, args, id_index, id_view, threshold, [&](std::string_view a) {
    argc++;
    arg_bytes += a.size();
  });
  propagation.BeginRecord(argc, arg_bytes);
  DeterministicTrimArgs(ctx, args, id_index, id_view, threshold,
                        [&](std::string_view a) { propagation.Arg(a); });
}

size_t ApplyTrim(streams::Stream& s, const TrimArgs& args) {
  const uint64_t limit = static_cast<uint64_t>(args.limit);
  if (args.strategy == TrimArgs::Strategy::kMaxLen) {
    return s.TrimMaxLen(static_cast<uint64_t>(args.maxlen), args.approx, limit, args.policy);
  }
  if (args.strategy == TrimArgs::Strategy::kMinId) {
    return s.TrimMinId(args.minid, args.approx, limit, args.policy);
  }
  return 0;
}

// XADD's events: "xadd", then "xtrim" when its trim removed entries (Redis's order).
void NotifyAdded(CommandContext& ctx, size_t trimmed) {
  Notify(ctx, kNotifyStream, "xadd", ctx.arg(1));
  if (trimmed > 0) Notify(ctx, kNotifyStream, "xtrim", ctx.arg(1));
}

void XAdd(CommandContext& ctx) {
  TrimArgs args;
  auto parsed = ParseTrimArgs(ctx, /*xadd=*/true, args);
  if (!parsed) return ctx.reply.Error(parsed.error());
  const size_t id_index = *parsed;
  if (id_index >= ctx.argc()) return ctx.reply.Error(err::WrongArity("xadd"));
  // The ID is checked before the field/value count, as Redis does ("XADD s MINID 1-0 f v"
  // fails on "f" as an ID).
  auto given = streams::ParseXAddId(ctx.arg(id_index));
  if (!given.ok()) return ctx.reply.Error(IdStatusText(given.status));
  const size_t pairs_args = ctx.argc() - id_index - 1;
  if (pairs_args < 2 || pairs_args % 2 != 0) return ctx.reply.Error(err::WrongArity("xadd"));
  // IDMP and IDMPAUTO only with "*", but for the AOF's own record of an IDMP add, which
  // carries the concrete ID (and is replayed without a duplicate check: it did add).
  const bool replayed = ctx.server.loading;
  if (args.idmp.given && given.value.kind != streams::XAddId::Kind::kAuto && !replayed) {
    return ctx.reply.Error(err::kSyntax);
  }
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr && args.nomkstream) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Null();
  }
  const std::span<const std::string_view> field_values = ctx.argv.subspan(id_index + 1);
  std::string auto_iid;
  if (args.idmp.auto_iid) {
    auto_iid = IdmpAutoIid(field_values);
    args.idmp.iid = auto_iid;
  }
  streams::IdmpTable::Probe idmp_probe;
  const bool probed = args.idmp.given && s != nullptr && s->idmp() != nullptr && !replayed;
  if (probed) {
    // A duplicate adds nothing and answers the original entry's ID.
    if (auto original = IdmpDuplicateOf(ctx, *s, args.idmp.pid, args.idmp.iid, &idmp_probe)) {
      s->idmp()->CountDuplicate();
      ctx.server.propagation.Suppress();
      return ReplyId(ctx.reply, *original);
    }
  }
  // Blocked readers are served after this command ends, so a failed add only costs a look.
  ctx.server.blocking.SignalKeyReady(ctx.client.db_index, ctx.arg(1));
  const streams::StreamLimits limits = StreamLimitsFrom(ctx.server.config);
  const uint64_t now = static_cast<uint64_t>(ctx.now_ms);
  if (s == nullptr) {
    // A new stream is stored only once its first entry is in.
    Value value = Value::NewStream();
    auto id = value.stream().Add(given.value, field_values, now, limits);
    if (!id.ok()) return ctx.reply.Error(IdStatusText(id.status));
    const size_t trimmed = ApplyTrim(value.stream(), args);
    const streams::FormattedId id_text(id.value);
    RecordTrimmed(ctx, args, value.stream(), id_index, id_text.view());
    if (args.idmp.given) {
      IdmpRecordAdded(ctx, value.stream(), args.idmp.pid, args.idmp.iid, id.value, nullptr);
    }
    ctx.db().Set(ctx.arg(1), std::move(value));
    ctx.reply.Bulk(id_text.view());
    return NotifyAdded(ctx, trimmed);
  }
  auto id = s->Add(given.value, field_values, now, limits);
  if (!id.ok()) return ctx.reply.Error(IdStatusText(id.status));
  const size_t trimmed = ApplyTrim(*s, args);
  // Formatted once, for the record and the reply.
  const streams::FormattedId id_text(id.value);
  RecordTrimmed(ctx, args, *s, id_index, id_text.view());
  if (args.idmp.given) {
    IdmpRecordAdded(ctx, *s, args.idmp.pid, args.idmp.iid, id.value,
                    probed ? &idmp_probe : nullptr);
  }
  ctx.db().Touch(ctx.arg(1));
  ctx.reply.Bulk(id_text.view());
  NotifyAdded(ctx, trimmed);
}

void XTrim(CommandContext& ctx) {
  TrimArgs args;
  if (auto parsed = ParseTrimArgs(ctx, /*xadd=*/false, args); !parsed) {
    return ctx.reply.Error(parsed.error());
  }
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  size_t removed = s == nullptr ? 0 : ApplyTrim(*s, args);
  if (removed > 0) {
    ctx.db().Touch(ctx.arg(1));
    RecordTrimmed(ctx, args, *s, 0, {});
  } else {
    ctx.server.propagation.Suppress();
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
  if (removed > 0) Notify(ctx, kNotifyStream, "xtrim", ctx.arg(1));
}

void XDel(CommandContext& ctx) {
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  // Every ID is checked before anything is deleted.
  auto ids = ParseIds(ctx.argv.subspan(2));
  if (!ids) return ctx.reply.Error(ids.error());
  int64_t deleted = 0;
  for (streams::StreamID id : *ids) deleted += s->Delete(id) ? 1 : 0;
  if (deleted > 0) ctx.db().Touch(ctx.arg(1));
  if (deleted == 0) ctx.server.propagation.Suppress();  // else it replays as it is
  ctx.reply.Integer(deleted);
  if (deleted > 0) Notify(ctx, kNotifyStream, "xdel", ctx.arg(1));
}

// XDELEX key [KEEPREF|DELREF|ACKED] IDS numids id... (Redis 8.2; the IDS block may come at
// any position). Replies one code per ID: 1 deleted, -1 no such entry, 2 kept because a
// group has not read it or holds it pending (ACKED).
void XDelEx(CommandContext& ctx) {
  auto args = ParseRefDeleteArgs(ctx.argv.subspan(2));
  if (!args) return ctx.reply.Error(args.error());
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  ctx.reply.Array(args->ids.size());
  bool deleted_any = false;
  for (streams::StreamID id : args->ids) {
    auto outcome =
        s == nullptr ? streams::DeleteOutcome::kNotFound : s->DeleteEntry(id, args->policy);
    deleted_any = deleted_any || outcome == streams::DeleteOutcome::kDeleted;
    ctx.reply.Integer(DeleteOutcomeCode(outcome));
  }
  // Only deleting entries wakes WATCH: Redis never signals PEL-only changes (XACK and friends).
  if (deleted_any) ctx.db().Touch(ctx.arg(1));
  // The call replays as it is; it changed nothing when it deleted nothing, unless DELREF
  // dropped references to IDs gone already.
  if (!deleted_any && (s == nullptr || args->policy != streams::RefPolicy::kDelRef)) {
    ctx.server.propagation.Suppress();
  }
  // The docs name no event of its own: XDEL's, when an entry went (as for XACKDEL).
  if (deleted_any) Notify(ctx, kNotifyStream, "xdel", ctx.arg(1));
}

void XSetId(CommandContext& ctx) {
  auto last = streams::ParseStrictId(ctx.arg(2));
  if (!last.ok()) return ctx.reply.Error(IdStatusText(last.status));
  std::optional<uint64_t> entries_added;
  std::optional<streams::StreamID> max_deleted;
  for (size_t i = 3; i < ctx.argc(); i++) {
    const bool more = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(ctx.arg(i), "ENTRIESADDED") && more) {
      auto n = Int64Arg(ctx, i + 1);
      if (!n) return ctx.reply.Error(n.error());
      if (*n < 0) return ctx.reply.Error(err::kEntriesAddedNegative);
      entries_added = static_cast<uint64_t>(*n);
      i++;
    } else if (EqualsIgnoreCase(ctx.arg(i), "MAXDELETEDID") && more) {
      auto id = streams::ParseStrictId(ctx.arg(i + 1));
      if (!id.ok()) return ctx.reply.Error(IdStatusText(id.status));
      max_deleted = id.value;
      i++;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  switch (s->SetId(last.value, entries_added, max_deleted)) {
    case streams::SetIdStatus::kOk:
      ctx.db().Touch(ctx.arg(1));
      ctx.reply.Ok();
      // Even when the ID did not move, as Redis does.
      return Notify(ctx, kNotifyStream, "xsetid", ctx.arg(1));
    case streams::SetIdStatus::kSmallerThanMaxDeleted:
      return ctx.reply.Error(err::kXSetIdSmallerThanMaxDeleted);
    case streams::SetIdStatus::kSmallerThanTopItem:
      return ctx.reply.Error(err::kXSetIdSmallerThanTop);
    case streams::SetIdStatus::kEntriesAddedTooSmall:
      return ctx.reply.Error(err::kXSetIdEntriesAddedTooSmall);
  }
}

constexpr CommandSpec kStreamWriteRows[] = {
    {"xadd", -5, kWrite | kDenyOom | kFast, 1, 1, 1, XAdd, "Appends a new entry to a stream",
     "5.0.0", "stream",
     {"O(1) when adding a new entry, O(N) when trimming where N being the number of entries "
      "evicted.", "key [NOMKSTREAM] [condition=KEEPREF|DELREF|ACKED] [idmp=IDMPAUTO "
      "producer-id|IDMP producer-id idempotent-id] [trim=(strategy=MAXLEN|MINID) "
      "[operator==|~] threshold [LIMIT count:integer]] (id_or_auto=*|id) (field_value=field "
      "value)...", "nondeterministic_output", "RW update"}},
    {"xdel", -3, kWrite | kFast, 1, 1, 1, XDel, "Removes the specified entries from the stream. "
     "Returns the number of items actually deleted, that may be different from the number of IDs "
     "passed in case certain IDs do not exist.", "5.0.0", "stream",
     {"O(1) for each single item to delete in the stream, regardless of the stream size.",
      "key id...", "", "RW delete"}},
    {"xdelex", -5, kWrite | kFast, 1, 1, 1, XDelEx,
     "Deletes one or multiple entries from the stream.", "8.2.0", "stream",
     {"O(1) for each single item to delete in the stream, regardless of the stream size.",
      "key [condition=KEEPREF|DELREF|ACKED] IDS numids:integer id...", "", "RW delete"}},
    {"xtrim", -4, kWrite, 1, 1, 1, XTrim,
     "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0", "stream",
     {"O(N), with N being the number of evicted entries. Constant times are very small however, "
      "since entries are organized in macro nodes containing multiple entries that can be released "
      "with a single deallocation.", "key (trim=(strategy=MAXLEN|MINID) [operator==|~] threshold "
      "[LIMIT count:integer]) [condition=KEEPREF|DELREF|ACKED]", "nondeterministic_output",
      "RW delete"}},
    {"xsetid", -3, kWrite | kDenyOom | kFast, 1, 1, 1, XSetId,
     "An internal command for replicating stream values", "5.0.0", "stream",
     {"O(1)",
      "key last-id [ENTRIESADDED entries_added:integer] [MAXDELETEDID max_deleted_entry_id]", "",
      "RW update"}},
};

}  // namespace

std::span<const CommandSpec> StreamWriteRows() { return kStreamWriteRows; }

}  // namespace server
