// XREAD [COUNT n] [MAXCOUNT n] [MAXSIZE bytes] [BLOCK ms] STREAMS key [key ...] id [id ...],
// as Redis 7.0.15 answers it, plus 7.4's "+" (the last entry) and 8.10's MAXCOUNT / MAXSIZE.
// Without data and with BLOCK, the handler parks the client in the BlockingRegistry with the
// IDs already resolved ('$' = the stream's last ID at block time) and writes no reply; the
// registry's TryServe later answers with the one stream that got entries, or the timeout nil.
#include <memory>
#include <string>
#include <vector>

#include "src/blocking.h"
#include "src/commands/keys/util.h"
#include "src/commands/registry.h"
#include "src/commands/streams/read_options.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

namespace {

struct ReadTarget {
  std::string_view key;
  streams::StreamID after;
  bool last_entry = false;  // "+": only the stream's last entry, whatever COUNT says
};

// Writes the entries of `s` after `after` that `budget` admits to `out` and returns how many.
// The caller writes the array header, which needs the count first.
size_t WriteEntriesAfter(std::string& out, int protocol, const streams::Stream& s,
                         streams::StreamID after, ReadBudget& budget) {
  resp::Writer w(out, protocol);
  size_t n = 0;
  budget.StartStream();
  for (auto it = s.After(after); it.Valid() && budget.Admit(it.entry()); it.Next()) {
    ReplyEntry(w, it.id(), it.entry());
    n++;
  }
  return n;
}

size_t WriteLastEntry(std::string& out, int protocol, const streams::Stream& s,
                      ReadBudget& budget) {
  resp::Writer w(out, protocol);
  budget.StartStream();
  auto it = s.LastEntry();
  if (!it.Valid() || !budget.Admit(it.entry())) return 0;
  ReplyEntry(w, it.id(), it.entry());
  return 1;
}

// One stream's part of the reply: [key, entries] in RESP2, a key => entries map pair in RESP3.
void WriteStreamPart(resp::Writer& w, std::string_view key, size_t n, std::string_view entries) {
  if (w.protocol() == 2) w.Array(2);
  w.Bulk(key);
  w.Array(n);
  w.Raw(entries);
}

void WritePartsHeader(resp::Writer& w, size_t streams) {
  if (w.protocol() == 2) {
    w.Array(streams);
  } else {
    w.Map(streams);
  }
}

class BlockedXRead : public BlockedCommand {
 public:
  BlockedXRead(std::vector<std::string> keys, std::vector<streams::StreamID> after,
               ReadLimits limits)
      : keys_(std::move(keys)), after_(std::move(after)), limits_(limits) {}

  bool TryServe(ServerState& state, Client& client, std::string_view key, resp::Writer& reply,
                const WakeTime& now) override {
    // A deleted key, or one that now holds another type, keeps the client waiting (7.0).
    Value* v = state.dbs[static_cast<size_t>(client.db_index)]->Find(key, now.wall_ms);
    if (v == nullptr || !v->is_stream()) return false;
    for (size_t i = 0; i < keys_.size(); i++) {
      if (keys_[i] != key) continue;
      std::string entries;
      ReadBudget budget(limits_);
      size_t n = WriteEntriesAfter(entries, reply.protocol(), v->stream(), after_[i], budget);
      if (n == 0) return false;
      WritePartsHeader(reply, 1);
      WriteStreamPart(reply, key, n, entries);
      return true;
    }
    return false;
  }

  void ReplyTimeout(resp::Writer& reply) override { reply.NullArray(); }

 private:
  std::vector<std::string> keys_;
  std::vector<streams::StreamID> after_;
  ReadLimits limits_;
};

void XRead(CommandContext& ctx) {
  ReadLimits limits;
  int64_t block_ms = -1;
  size_t first_key = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    const bool more = i + 1 < ctx.argc();
    std::string_view opt = ctx.arg(i);
    Result<bool> is_limit = more ? ParseReadLimit(ctx, i, limits) : Result<bool>(false);
    if (!is_limit) return ctx.reply.Error(is_limit.error());
    if (*is_limit) {
      i++;
    } else if (EqualsIgnoreCase(opt, "BLOCK") && more) {
      auto n = Int64Arg(ctx, i + 1, err::kTimeoutNotInteger);
      if (!n) return ctx.reply.Error(n.error());
      if (*n < 0) return ctx.reply.Error(err::kTimeoutNegative);
      block_ms = *n;
      i++;
    } else if (EqualsIgnoreCase(opt, "STREAMS") && more) {
      first_key = i + 1;
      break;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (first_key == 0) return ctx.reply.Error(err::kSyntax);
  const size_t rest = ctx.argc() - first_key;
  if (rest % 2 != 0) return ctx.reply.Error(err::kXReadUnbalanced);
  const size_t nkeys = rest / 2;
  if (auto checked = CheckReadLimits(limits); !checked) return ctx.reply.Error(checked.error());

  // Each key's type is checked before its ID is parsed, key by key, as Redis does.
  std::vector<ReadTarget> targets;
  std::vector<const streams::Stream*> found;
  targets.reserve(nkeys);
  found.reserve(nkeys);
  for (size_t k = 0; k < nkeys; k++) {
    std::string_view key = ctx.arg(first_key + k);
    std::string_view id_arg = ctx.arg(first_key + nkeys + k);
    auto found_stream = ReadStream(ctx, key);
    if (!found_stream) return ctx.reply.Error(found_stream.error());
    const streams::Stream* s = *found_stream;
    ReadTarget t{key, {}};
    switch (streams::ClassifyReadToken(id_arg)) {
      case streams::ReadToken::kNewOnly:
        if (s != nullptr) t.after = s->last_id();
        break;
      case streams::ReadToken::kUndelivered:
        return ctx.reply.Error(err::kXReadGreaterId);
      case streams::ReadToken::kLastEntry:
        // With no entry to return, a blocking read waits for the next one, as with "$".
        t.last_entry = true;
        if (s != nullptr) t.after = s->last_id();
        break;
      case streams::ReadToken::kNone: {
        auto id = streams::ParseStrictId(id_arg);
        if (!id.ok()) return ctx.reply.Error(IdStatusText(id.status));
        t.after = id.value;
        break;
      }
    }
    targets.push_back(t);
    found.push_back(s);
  }

  std::string body;
  resp::Writer body_writer(body, ctx.reply.protocol());
  size_t parts = 0;
  ReadBudget budget(limits);
  for (size_t k = 0; k < nkeys && !budget.Exhausted(); k++) {
    // Redis looks every key up a second time to serve it, so a missing key counts a second
    // miss and raises keymiss twice; nothing has changed since the first lookup.
    if (LookupRead(ctx, targets[k].key) == nullptr) continue;
    std::string entries;
    const int protocol = ctx.reply.protocol();
    size_t n = targets[k].last_entry
                   ? WriteLastEntry(entries, protocol, *found[k], budget)
                   : WriteEntriesAfter(entries, protocol, *found[k], targets[k].after, budget);
    if (n == 0) continue;
    WriteStreamPart(body_writer, targets[k].key, n, entries);
    parts++;
  }
  if (parts > 0) {
    WritePartsHeader(ctx.reply, parts);
    return ctx.reply.Raw(body);
  }
  if (block_ms < 0 || ctx.client.command_depth > 1) return ctx.reply.NullArray();

  std::vector<std::string> keys;
  std::vector<streams::StreamID> after;
  keys.reserve(nkeys);
  after.reserve(nkeys);
  for (const ReadTarget& t : targets) {
    keys.emplace_back(t.key);
    after.push_back(t.after);
  }
  auto blocked = std::make_unique<BlockedXRead>(keys, std::move(after), limits);
  // No reply now: the connection holds the client until TryServe or ReplyTimeout answers.
  ctx.server.blocking.Block(ctx.client, keys, block_ms, std::move(blocked));
}

constexpr CommandSpec kStreamReadRows[] = {
    {"xread", -4, kReadOnly | kBlocking, 0, 0, 0, XRead, "Return never seen elements in multiple "
     "streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
     "5.0.0", "stream",
     {"For each stream mentioned: O(N) with N being the number of elements being returned, it "
      "means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, "
      "XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new "
      "data.", "[COUNT count:integer] [MAXCOUNT maxcount:integer] [MAXSIZE maxsize:integer] [BLOCK "
      "milliseconds:integer] STREAMS (streams=key... id...)"}, {}, &kXReadKeys},
};

}  // namespace

std::span<const CommandSpec> StreamReadRows() { return kStreamReadRows; }

}  // namespace server
