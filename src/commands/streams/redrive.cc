// XREDRIVE (Runnel's extension, no Redis command has the name): moves dead letters out of a
// dead-letter stream and back to the streams they came from, as new entries, so a group that
// gave up on them gets another try once the cause is fixed. See src/delivery/dead_letter.h for what
// a dead letter looks like.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/delivery/dead_letter.h"
#include "src/delivery/records.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

struct RedriveArgs {
  std::optional<std::string_view> group;  // GROUP: only this group's dead letters
  std::optional<int64_t> count;           // COUNT: at most this many redriven
};

// XREDRIVE dlq-key [GROUP group] [COUNT n], options in any order, a repeated one replacing the
// earlier. COUNT reuses XAUTOCLAIM's text, Redis's wording for a stream COUNT that must be > 0
// (it says the same for a COUNT that is not a number at all).
Result<RedriveArgs> ParseRedriveArgs(const CommandContext& ctx) {
  RedriveArgs args;
  for (size_t i = 2; i < ctx.argc(); i++) {
    const bool has_value = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(ctx.arg(i), "GROUP") && has_value) {
      args.group = ctx.arg(++i);
    } else if (EqualsIgnoreCase(ctx.arg(i), "COUNT") && has_value) {
      auto n = Int64Arg(ctx, ++i, err::kXAutoClaimCountInvalid);
      if (!n) return std::move(n).failure();
      if (*n < 1) return Failure(err::kXAutoClaimCountInvalid);
      args.count = *n;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return args;
}

// A dead letter taken apart: copied out of the stream, since appending to another key and
// deleting from this one both invalidate entry views.
struct DeadLetter {
  streams::StreamID id;
  std::string source;
  std::vector<std::string> fields;  // the original field/value pairs, metadata stripped
};

// Whether `entry` ends with exactly the six metadata pairs, in their order; if so, the value of
// metadata field `i` (kDlqFields order) is entry.value(first + i).
bool EndsWithMetadata(const streams::EntryView& entry, size_t& first) {
  const size_t pairs = entry.pair_count();
  if (pairs < kDlqFields.size()) return false;
  first = pairs - kDlqFields.size();
  for (size_t i = 0; i < kDlqFields.size(); i++) {
    if (entry.field(first + i) != kDlqFields[i]) return false;
  }
  return true;
}

// The first entry after `after` that this call may redrive: a dead letter with original
// fields, from `group` when given, whose source is not the dead-letter stream itself.
std::optional<DeadLetter> NextDeadLetter(const streams::Stream& dlq, std::string_view dlq_key,
                                         std::optional<streams::StreamID> after,
                                         std::optional<std::string_view> group) {
  auto it = after ? dlq.After(*after) : dlq.FirstEntry();
  for (; it.Valid(); it.Next()) {
    const streams::EntryView& e = it.entry();
    size_t first;
    if (!EndsWithMetadata(e, first) || first == 0) continue;
    std::string_view source = e.value(first + 0);  // dlq-source-stream
    if (source == dlq_key) continue;               // it would come straight back here
    if (group && e.value(first + 2) != *group) continue;  // dlq-group
    DeadLetter letter{it.id(), std::string(source), {}};
    letter.fields.assign(e.field_values.begin(), e.field_values.begin() + 2 * first);
    return letter;
  }
  return std::nullopt;
}

// XREDRIVE dlq-key [GROUP group] [COUNT n]: walks dlq-key in ID order; each dead letter it
// takes is appended (original fields only, new ID) to its source stream and deleted from
// dlq-key. Dead letters whose source holds another type stay. Replies how many moved.
void XRedrive(CommandContext& ctx) {
  auto args = ParseRedriveArgs(ctx);
  if (!args) return ctx.reply.Error(args.error());
  const std::string_view dlq_key = ctx.arg(1);
  auto found = FindStream(ctx, dlq_key);
  if (!found) return ctx.reply.Error(found.error());
  if (*found == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  // The dead-letter stream, looked up again: creating a source key may move its value. It
  // stays a stream throughout, since no dead letter taken has it as its source.
  auto dead_letters = [&] { return FindStream(ctx, dlq_key).value(); };
  std::vector<Record> records;
  int64_t redriven = 0;
  std::optional<streams::StreamID> cursor;
  while (!args->count || redriven < *args->count) {
    auto letter = NextDeadLetter(*dead_letters(), dlq_key, cursor, args->group);
    if (!letter) break;
    cursor = letter->id;
    std::vector<std::string_view> fields(letter->fields.begin(), letter->fields.end());
    // nullopt: the source holds another type (or its IDs ran out); the dead letter stays.
    if (!AppendToStream(ctx.server, ctx.client.db_index, letter->source, fields, ctx.now_ms,
                        &records)) {
      continue;
    }
    dead_letters()->DeleteEntry(letter->id, streams::RefPolicy::kKeepRef);
    records.push_back({"XDEL", std::string(dlq_key), letter->id.ToString()});
    redriven++;
  }
  if (redriven > 0) ctx.db().Touch(dlq_key);
  ctx.server.policy_stats.redriven += static_cast<uint64_t>(redriven);
  RecordAll(ctx, std::move(records));
  ctx.reply.Integer(redriven);
  // Each append published "xadd" on its source; the dead letters' removal is one "xdel".
  if (redriven > 0) Notify(ctx, kNotifyStream, "xdel", dlq_key);
}

constexpr CommandSpec kStreamRedriveRows[] = {
    {"xredrive", -2, kWrite | kDenyOom, 1, 1, 1, XRedrive, "Moves dead letters from a dead-letter "
     "stream back to their source streams as new entries (Runnel).", "0.1.0", "stream",
     {"O(N) where N is the number of entries walked in the dead-letter stream.",
      "key [GROUP group] [COUNT count:integer]", "", "RW delete"}},
};

}  // namespace

std::span<const CommandSpec> StreamRedriveRows() { return kStreamRedriveRows; }

}  // namespace server
