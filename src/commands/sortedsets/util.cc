#include "src/commands/sortedsets/util.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/config.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/server_state.h"

namespace server::zsets {

std::optional<double> ParseScore(std::string_view text) {
  if (text.empty() || text.size() > 256 || std::isspace(static_cast<unsigned char>(text[0]))) {
    return std::nullopt;
  }
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::isnan(v)) return std::nullopt;
  // Out of range input ("1e999", "1e-999") is refused, as Redis refuses it.
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return std::nullopt;
  return v;
}

Result<ScoreBound> ParseScoreBound(std::string_view text) {
  ScoreBound b;
  if (!text.empty() && text[0] == '(') {
    b.exclusive = true;
    text.remove_prefix(1);
  }
  // Redis reads a bound with plain strtod: only trailing bytes and NaN are refused (an empty
  // bound reads as 0, leading space and out-of-range values are taken).
  const std::string str(text);
  char* end = nullptr;
  const double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size() || std::isnan(v)) return Failure(err::kZMinMaxNotFloat);
  b.value = v;
  return b;
}

Result<LexBound> ParseLexBound(std::string_view text) {
  LexBound b;
  if (text == "-") {
    b.kind = LexBound::Kind::kMin;
  } else if (text == "+") {
    b.kind = LexBound::Kind::kMax;
  } else if (!text.empty() && (text[0] == '[' || text[0] == '(')) {
    b.exclusive = text[0] == '(';
    b.member = std::string(text.substr(1));
  } else {
    return Failure(err::kZLexRange);
  }
  return b;
}

namespace {

RankWindow Between(size_t first, size_t end) {
  return end > first ? RankWindow{first, end - first} : RankWindow{};
}

}  // namespace

RankWindow ScoreWindow(const types::ZSet& z, const ScoreBound& min, const ScoreBound& max) {
  const size_t first = z.CountBelow(min.value, /*inclusive=*/min.exclusive);
  const size_t end = z.CountBelow(max.value, /*inclusive=*/!max.exclusive);
  return Between(first, end);
}

RankWindow LexWindow(const types::ZSet& z, const LexBound& min, const LexBound& max) {
  using Kind = LexBound::Kind;
  if (min.kind == Kind::kMax || max.kind == Kind::kMin) return {};
  const size_t first =
      min.kind == Kind::kMin ? 0 : z.CountBelowLex(min.member, /*inclusive=*/min.exclusive);
  const size_t end = max.kind == Kind::kMax
                         ? z.size()
                         : z.CountBelowLex(max.member, /*inclusive=*/!max.exclusive);
  return Between(first, end);
}

RankWindow IndexWindow(size_t size, int64_t start, int64_t stop) {
  const auto n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return {};
  if (stop >= n) stop = n - 1;
  return RankWindow{static_cast<size_t>(start), static_cast<size_t>(stop - start + 1)};
}

Result<types::ZSet*> ReadZSet(CommandContext& ctx, std::string_view key) {
  auto v = LookupRead(ctx, key, ValueType::kZSet);
  if (!v) return std::move(v).failure();
  return *v == nullptr ? nullptr : &(*v)->zset();
}

Result<types::ZSet*> WriteZSet(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (auto t = CheckType(v, ValueType::kZSet); !t) return std::move(t).failure();
  return v == nullptr ? nullptr : &v->zset();
}

types::ZSet& CreateZSet(CommandContext& ctx, std::string_view key) {
  return ctx.db().Set(key, Value::NewZSet()).zset();
}

void AfterWrite(CommandContext& ctx, std::string_view key, const types::ZSet& z,
                std::string_view event) {
  AfterCollectionWrite(ctx, key, z.empty(), kNotifyZSet, event);
}

void NotifyStored(CommandContext& ctx, std::string_view dst, bool stored, bool deleted,
                  std::string_view event) {
  if (stored) {
    Notify(ctx, kNotifyZSet, event, dst);
  } else if (deleted) {
    Notify(ctx, kNotifyGeneric, "del", dst);
  }
}

void AfterPop(ServerState& state, int db_index, std::string_view key, const types::ZSet& z,
              bool max) {
  AfterCollectionWrite(state, db_index, key, z.empty(), kNotifyZSet, max ? "zpopmax" : "zpopmin");
}

types::ZSet::Limits Limits(const CommandContext& ctx) { return ZSetLimitsFrom(ctx.server.config); }

void ReplyPairHeader(resp::Writer& w, size_t pairs, bool flat) {
  w.Array(flat || w.protocol() < 3 ? pairs * 2 : pairs);
}

void ReplyPair(resp::Writer& w, const types::ZSet::Item& item, bool flat) {
  if (!flat && w.protocol() >= 3) w.Array(2);
  w.Bulk(item.member);
  w.Double(item.score);
}

}  // namespace server::zsets
