// Bitmap commands over string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP. The bit
// arithmetic is src/types/bits.h; here are Redis 7.0's argument rules, ranges and replies.
// A bit offset is limited by proto-max-bulk-len (the string may grow to that many bytes).
#include <algorithm>
#include <string>
#include <vector>

#include "src/commands/keys/util.h"
#include "src/commands/strings/handlers.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/types/bits.h"

namespace server::strings {

namespace {

// A bit offset argument: a non-negative integer whose byte fits in proto-max-bulk-len.
Result<uint64_t> BitOffsetArg(const CommandContext& ctx, size_t index) {
  auto v = Int64Arg(ctx, index, err::kBitOffset);
  if (!v) return std::move(v).failure();
  if (*v < 0 || (*v >> 3) >= ctx.server.config.proto_max_bulk_len) {
    return Failure(err::kBitOffset);
  }
  return static_cast<uint64_t>(*v);
}

// BITCOUNT / BITPOS's [start end [BYTE|BIT]] turned into an inclusive bit range of `s`, with
// Redis's clamping: negative indexes count from the end, then both are clamped into the
// string. `empty` when nothing is left.
struct BitRange {
  uint64_t first = 0;
  uint64_t last = 0;
  bool empty = true;
};

BitRange Clamp(int64_t start, int64_t end, bool in_bits, size_t bytes) {
  const auto total = static_cast<int64_t>(in_bits ? bytes * 8 : bytes);
  if (start < 0) start += total;
  if (end < 0) end += total;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  end = std::min<int64_t>(end, total - 1);
  if (total == 0 || start > end) return {};
  const auto scale = static_cast<uint64_t>(in_bits ? 1 : 8);
  return {static_cast<uint64_t>(start) * scale,
          static_cast<uint64_t>(end) * scale + (in_bits ? 0 : 7), false};
}

// Parses the optional BYTE|BIT unit at argv[index] (absent: bytes).
Result<bool> UnitIsBit(const CommandContext& ctx, size_t index) {
  if (index >= ctx.argc()) return false;
  if (index + 1 < ctx.argc()) return Failure(err::kSyntax);
  if (EqualsIgnoreCase(ctx.arg(index), "BIT")) return true;
  if (EqualsIgnoreCase(ctx.arg(index), "BYTE")) return false;
  return Failure(err::kSyntax);
}

}  // namespace

void SetBit(CommandContext& ctx) {
  auto offset = BitOffsetArg(ctx, 2);
  if (!offset) return ctx.reply.Error(offset.error());
  const std::string_view bit = ctx.arg(3);
  if (bit != "0" && bit != "1") return ctx.reply.Error(err::kBitValue);
  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Value* v = db.Find(key, ctx.now_ms);
  if (auto t = CheckType(v, ValueType::kString); !t) return ctx.reply.Error(t.error());
  const size_t need = static_cast<size_t>(*offset >> 3) + 1;
  if (v == nullptr) v = &db.Set(key, Value::String(std::string()));
  std::string& s = v->str();
  const bool old = types::GetBit(s, *offset);
  const bool on = bit == "1";
  // Redis announces a change only: a bit that flipped, or a string created or grown.
  const bool changed = s.size() < need || old != on;
  if (s.size() < need) s.resize(need, '\0');
  types::SetBit(s, *offset, on);
  db.Touch(key);
  if (changed) Notify(ctx, kNotifyString, "setbit", key);
  ctx.reply.Integer(old ? 1 : 0);
}

void GetBit(CommandContext& ctx) {
  auto offset = BitOffsetArg(ctx, 2);
  if (!offset) return ctx.reply.Error(offset.error());
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  ctx.reply.Integer(*v != nullptr && types::GetBit((*v)->str(), *offset) ? 1 : 0);
}

// BITCOUNT key [start end [BYTE|BIT]]. As 7.0: the key is looked up before the range is
// parsed, so a missing key answers 0 and a wrong type WRONGTYPE whatever follows.
void BitCount(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  if (*v == nullptr) return ctx.reply.Integer(0);
  const std::string& s = (*v)->str();
  if (ctx.argc() == 2) {
    return ctx.reply.Integer(
        s.empty() ? 0 : static_cast<int64_t>(types::CountBits(s, 0, s.size() * 8 - 1)));
  }
  if (ctx.argc() == 3) return ctx.reply.Error(err::kSyntax);
  auto start = Int64Arg(ctx, 2);
  if (!start) return ctx.reply.Error(start.error());
  auto end = Int64Arg(ctx, 3);
  if (!end) return ctx.reply.Error(end.error());
  auto in_bits = UnitIsBit(ctx, 4);
  if (!in_bits) return ctx.reply.Error(in_bits.error());
  // Both from the end and in the wrong order: nothing, before clamping could make them meet
  // (BITCOUNT only; BITPOS clamps them).
  if (*start < 0 && *end < 0 && *start > *end) return ctx.reply.Integer(0);
  const BitRange r = Clamp(*start, *end, *in_bits, s.size());
  ctx.reply.Integer(r.empty ? 0 : static_cast<int64_t>(types::CountBits(s, r.first, r.last)));
}

// BITPOS key bit [start [end [BYTE|BIT]]].
void BitPos(CommandContext& ctx) {
  auto bit_value = Int64Arg(ctx, 2);
  if (!bit_value) return ctx.reply.Error(bit_value.error());
  if (*bit_value != 0 && *bit_value != 1) return ctx.reply.Error(err::kBitPosBit);
  const bool bit = *bit_value == 1;
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  // A missing key is an empty string padded with zeros: the first 0 is at bit 0.
  if (*v == nullptr) return ctx.reply.Integer(bit ? -1 : 0);
  const std::string& s = (*v)->str();
  int64_t start = 0;
  int64_t end = -1;
  const bool end_given = ctx.argc() >= 5;
  if (ctx.argc() >= 4) {
    auto a = Int64Arg(ctx, 3);
    if (!a) return ctx.reply.Error(a.error());
    start = *a;
  }
  if (end_given) {
    auto b = Int64Arg(ctx, 4);
    if (!b) return ctx.reply.Error(b.error());
    end = *b;
  }
  auto in_bits = UnitIsBit(ctx, 5);
  if (!in_bits) return ctx.reply.Error(in_bits.error());
  const BitRange r = Clamp(start, end, *in_bits, s.size());
  if (r.empty) return ctx.reply.Integer(-1);
  const int64_t found = types::FindBit(s, bit, r.first, r.last);
  // Looking for a 0 in a range of ones with no end given: the string counts as padded with
  // zeros, so the answer is the first bit after the range.
  if (found < 0 && !bit && !end_given) return ctx.reply.Integer(static_cast<int64_t>(r.last + 1));
  ctx.reply.Integer(found);
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: missing sources are empty strings (zeros), the
// result is as long as the longest source; an empty result deletes destkey.
void BitOp(CommandContext& ctx) {
  enum class Op { kAnd, kOr, kXor, kNot };
  const std::string_view name = ctx.arg(1);
  Op op;
  if (EqualsIgnoreCase(name, "AND")) {
    op = Op::kAnd;
  } else if (EqualsIgnoreCase(name, "OR")) {
    op = Op::kOr;
  } else if (EqualsIgnoreCase(name, "XOR")) {
    op = Op::kXor;
  } else if (EqualsIgnoreCase(name, "NOT")) {
    op = Op::kNot;
  } else {
    return ctx.reply.Error(err::kSyntax);
  }
  if (op == Op::kNot && ctx.argc() != 4) return ctx.reply.Error(err::kBitOpNot);
  Db& db = ctx.db();
  std::vector<std::string_view> sources;
  size_t longest = 0;
  for (size_t i = 3; i < ctx.argc(); i++) {
    // A read lookup, as Redis's: a missing source counts a miss and raises keymiss.
    auto v = LookupRead(ctx, ctx.arg(i), ValueType::kString);
    if (!v) return ctx.reply.Error(v.error());
    sources.push_back(*v == nullptr ? std::string_view() : std::string_view((*v)->str()));
    longest = std::max(longest, sources.back().size());
  }
  std::string out(longest, '\0');
  for (size_t j = 0; j < longest; j++) {
    auto byte = [&](size_t k) -> uint8_t {
      return j < sources[k].size() ? static_cast<uint8_t>(sources[k][j]) : 0;
    };
    uint8_t acc = byte(0);
    for (size_t k = 1; k < sources.size(); k++) {
      if (op == Op::kAnd) acc &= byte(k);
      if (op == Op::kOr) acc |= byte(k);
      if (op == Op::kXor) acc ^= byte(k);
    }
    out[j] = static_cast<char>(op == Op::kNot ? static_cast<uint8_t>(~acc) : acc);
  }
  const std::string_view dest = ctx.arg(2);
  if (longest == 0) {
    if (db.Delete(dest, ctx.now_ms)) Notify(ctx, kNotifyGeneric, "del", dest);
  } else {
    db.Set(dest, Value::String(std::move(out)));
    Notify(ctx, kNotifyString, "set", dest);
  }
  ctx.reply.Integer(static_cast<int64_t>(longest));
}

}  // namespace server::strings
