// XINFO: STREAM [FULL [COUNT n]] and HELP. GROUPS and CONSUMERS wait for consumer groups and are
// left out of the table, so the dispatcher answers Redis's "unknown subcommand" for them. Until
// groups exist every stream has none: `groups` is 0, and FULL's `groups` an empty array.
#include <iterator>
#include <string>

#include "src/ascii.h"
#include "src/commands/streams.h"
#include "src/commands/streams_util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

// FULL lists this many entries unless COUNT says otherwise: 0 means all of them, and a negative
// COUNT is taken as no COUNT (observed on 7.0.15, not documented).
constexpr int64_t kFullDefaultCount = 10;

void ReplySyntax(CommandContext& ctx) {
  std::string error(err::kXInfoSyntaxPrefix);
  error.append(ctx.arg(1)).append(err::kXInfoSyntaxSuffix);
  ctx.reply.Error(error);
}

// The fields STREAM and STREAM FULL share, in Redis's order.
void ReplyCommonFields(resp::Writer& w, const streams::Stream& s) {
  w.Bulk("length");
  w.Integer(static_cast<int64_t>(s.length()));
  w.Bulk("radix-tree-keys");
  w.Integer(static_cast<int64_t>(s.tree_keys()));
  w.Bulk("radix-tree-nodes");
  w.Integer(static_cast<int64_t>(s.tree_nodes()));
  w.Bulk("last-generated-id");
  ReplyId(w, s.last_id());
  w.Bulk("max-deleted-entry-id");
  ReplyId(w, s.max_deleted_id());
  w.Bulk("entries-added");
  w.Integer(static_cast<int64_t>(s.entries_added()));
  w.Bulk("recorded-first-entry-id");
  ReplyId(w, s.first_id());
}

void ReplyEdgeEntry(resp::Writer& w, const streams::Stream::RangeIterator& it) {
  if (it.Valid()) {
    ReplyEntry(w, it.id(), it.entry());
  } else {
    w.Null();  // Redis sends a null bulk here, not a null array
  }
}

// XINFO STREAM key [FULL [COUNT n]]. Redis looks the key up before it reads the options, so a
// missing key or another type wins over an option error.
void XInfoStream(CommandContext& ctx) {
  bool wrong_type;
  streams::Stream* s = FindStream(ctx, ctx.arg(2), wrong_type);
  if (wrong_type) return;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);

  bool full = false;
  int64_t count = kFullDefaultCount;
  size_t argc = ctx.argc();
  if (argc > 3) {
    // Only "FULL" or "FULL COUNT n" may follow the key; anything else is the syntax error.
    bool shape_ok = EqualsIgnoreCase(ctx.arg(3), "FULL") &&
                    (argc == 4 || (argc == 6 && EqualsIgnoreCase(ctx.arg(4), "COUNT")));
    if (!shape_ok) return ReplySyntax(ctx);
    full = true;
    if (argc == 6) {
      auto n = ArgInt64(ctx, 5);
      if (!n) return;
      if (*n >= 0) count = *n;
    }
  }

  resp::Writer& w = ctx.reply;
  if (!full) {
    w.Map(10);
    ReplyCommonFields(w, *s);
    w.Bulk("groups");
    w.Integer(0);
    w.Bulk("first-entry");
    ReplyEdgeEntry(w, s->FirstEntry());
    w.Bulk("last-entry");
    ReplyEdgeEntry(w, s->LastEntry());
    return;
  }

  uint64_t shown = s->length();
  if (count != 0 && static_cast<uint64_t>(count) < shown) shown = static_cast<uint64_t>(count);
  w.Map(9);
  ReplyCommonFields(w, *s);
  w.Bulk("entries");
  w.Array(shown);
  uint64_t written = 0;
  for (auto it = s->FirstEntry(); written < shown && it.Valid(); it.Next()) {
    ReplyEntry(w, it.id(), it.entry());
    written++;
  }
  w.Bulk("groups");
  w.Array(0);
}

void XInfoHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.Array(std::size(kLines));
  for (auto line : kLines) ctx.reply.Simple(line);
}

constexpr CommandSpec kXInfoSubcommands[] = {
    {"stream", -3, kReadOnly, 2, 2, 1, XInfoStream, "Get information about a stream", "5.0.0",
     "stream"},
    {"help", 2, kLoading | kStale, 0, 0, 0, XInfoHelp,
     "Show helpful text about the different subcommands", "5.0.0", "stream"},
};

constexpr CommandSpec kRows[] = {
    {"xinfo", -2, 0, 0, 0, 0, nullptr, "A container for stream introspection commands", "5.0.0",
     "stream", kXInfoSubcommands},
};

}  // namespace

std::span<const CommandSpec> StreamInfoRows() { return kRows; }

}  // namespace server
