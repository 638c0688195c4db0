// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of
// two strings, by the classic dynamic-programming table ((n+1) x (m+1) counters, refused when
// it would exceed proto-max-bulk-len, as Redis does). IDX lists the matching ranges from the
// end of the strings backwards, as Redis reports them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/keys/util.h"
#include "src/commands/strings/handlers.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server::strings {

namespace {

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
};

Result<LcsOptions> ParseLcsOptions(const CommandContext& ctx) {
  LcsOptions o;
  for (size_t i = 3; i < ctx.argc(); i++) {
    const std::string_view a = ctx.arg(i);
    if (EqualsIgnoreCase(a, "LEN")) {
      o.len = true;
    } else if (EqualsIgnoreCase(a, "IDX")) {
      o.idx = true;
    } else if (EqualsIgnoreCase(a, "WITHMATCHLEN")) {
      o.with_match_len = true;
    } else if (EqualsIgnoreCase(a, "MINMATCHLEN") && i + 1 < ctx.argc()) {
      auto n = Int64Arg(ctx, ++i);
      if (!n) return std::move(n).failure();
      o.min_match_len = std::max<int64_t>(*n, 0);
    } else {
      return Failure(err::kSyntax);
    }
  }
  if (o.len && o.idx) return Failure(err::kLcsLenAndIdx);
  return o;
}

// One run of consecutive matching bytes: a[a_first..a_last] == b[b_first..b_last].
struct MatchRange {
  size_t a_first, a_last, b_first, b_last;
  size_t length() const { return a_last - a_first + 1; }
};

struct LcsResult {
  std::string text;
  std::vector<MatchRange> ranges;  // from the end backwards
};

LcsResult ComputeLcs(std::string_view a, std::string_view b) {
  const size_t w = b.size() + 1;
  std::vector<uint32_t> table((a.size() + 1) * w, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * w + j]; };
  for (size_t i = 1; i <= a.size(); i++) {
    for (size_t j = 1; j <= b.size(); j++) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  LcsResult r;
  r.text.resize(at(a.size(), b.size()));
  size_t out = r.text.size();
  // Walk back from the end: a match extends the current run when it is its diagonal
  // neighbour; otherwise prefer the direction keeping the longer subsequence (b on a tie).
  size_t i = a.size(), j = b.size();
  bool open = false;
  MatchRange run{};
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      r.text[--out] = a[i - 1];
      if (open && run.a_first == i && run.b_first == j) {
        run.a_first--;
        run.b_first--;
      } else {
        if (open) r.ranges.push_back(run);
        run = {i - 1, i - 1, j - 1, j - 1};
        open = true;
      }
      i--;
      j--;
    } else {
      if (open) {
        r.ranges.push_back(run);
        open = false;
      }
      if (at(i - 1, j) > at(i, j - 1)) {
        i--;
      } else {
        j--;
      }
    }
  }
  if (open) r.ranges.push_back(run);
  return r;
}

}  // namespace

void Lcs(CommandContext& ctx) {
  std::string_view strings[2];
  for (size_t k = 0; k < 2; k++) {
    Value* v = LookupRead(ctx, ctx.arg(1 + k));
    if (v != nullptr && !v->is_string()) return ctx.reply.Error(err::kLcsNotStrings);
    strings[k] = v == nullptr ? std::string_view() : std::string_view(v->str());
  }
  auto opts = ParseLcsOptions(ctx);
  if (!opts) return ctx.reply.Error(opts.error());
  const uint64_t cells = (uint64_t{strings[0].size()} + 1) * (uint64_t{strings[1].size()} + 1);
  if (cells > static_cast<uint64_t>(ctx.server.config.proto_max_bulk_len) / sizeof(uint32_t)) {
    return ctx.reply.Error(err::kLcsTooBig);
  }
  const LcsResult r = ComputeLcs(strings[0], strings[1]);
  if (opts->len) return ctx.reply.Integer(static_cast<int64_t>(r.text.size()));
  if (!opts->idx) return ctx.reply.Bulk(r.text);
  std::vector<const MatchRange*> shown;
  for (const MatchRange& m : r.ranges) {
    if (static_cast<int64_t>(m.length()) >= opts->min_match_len) shown.push_back(&m);
  }
  ctx.reply.Map(2);
  ctx.reply.Bulk("matches");
  ctx.reply.Array(shown.size());
  for (const MatchRange* m : shown) {
    ctx.reply.Array(opts->with_match_len ? 3 : 2);
    ctx.reply.Array(2);
    ctx.reply.Integer(static_cast<int64_t>(m->a_first));
    ctx.reply.Integer(static_cast<int64_t>(m->a_last));
    ctx.reply.Array(2);
    ctx.reply.Integer(static_cast<int64_t>(m->b_first));
    ctx.reply.Integer(static_cast<int64_t>(m->b_last));
    if (opts->with_match_len) ctx.reply.Integer(static_cast<int64_t>(m->length()));
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(static_cast<int64_t>(r.text.size()));
}

}  // namespace server::strings
