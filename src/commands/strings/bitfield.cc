// BITFIELD and BITFIELD_RO: integer fields of any width from 1 to 64 bits at any bit offset
// of a string. Every operation is parsed before any runs (a bad one fails the whole call, as
// Redis does); then the string is created or grown once to hold the highest field written, and
// the operations run in order, OVERFLOW changing the rule for those after it.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "src/commands/keys/util.h"
#include "src/commands/strings/handlers.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "resp/strict_int.h"
#include "src/types/bits.h"

namespace server::strings {

namespace {

struct FieldOp {
  enum class Kind { kGet, kSet, kIncrBy, kOverflow } kind;
  types::FieldType type{};
  uint64_t offset = 0;
  int64_t value = 0;  // SET's value, INCRBY's increment
  types::Overflow overflow = types::Overflow::kWrap;
};

// "#N" is N fields of the type's width; a plain number is a bit offset.
Result<uint64_t> FieldOffset(const CommandContext& ctx, std::string_view text,
                             types::FieldType type) {
  const bool scaled = !text.empty() && text[0] == '#';
  int64_t n;
  if (!resp::ParseStrictInt64(scaled ? text.substr(1) : text, n) || n < 0) {
    return Failure(err::kBitOffset);
  }
  uint64_t bits = static_cast<uint64_t>(n);
  if (scaled && __builtin_mul_overflow(bits, uint64_t{type.bits}, &bits)) {
    return Failure(err::kBitOffset);
  }
  if ((bits >> 3) >= static_cast<uint64_t>(ctx.server.config.proto_max_bulk_len)) {
    return Failure(err::kBitOffset);
  }
  return bits;
}

Result<std::vector<FieldOp>> ParseOps(const CommandContext& ctx, bool read_only) {
  std::vector<FieldOp> ops;
  for (size_t i = 2; i < ctx.argc();) {
    const std::string_view word = ctx.arg(i);
    const size_t left = ctx.argc() - i - 1;
    FieldOp op{};
    if (EqualsIgnoreCase(word, "GET") && left >= 2) {
      op.kind = FieldOp::Kind::kGet;
    } else if (EqualsIgnoreCase(word, "SET") && left >= 3) {
      op.kind = FieldOp::Kind::kSet;
    } else if (EqualsIgnoreCase(word, "INCRBY") && left >= 3) {
      op.kind = FieldOp::Kind::kIncrBy;
    } else if (EqualsIgnoreCase(word, "OVERFLOW") && left >= 1) {
      op.kind = FieldOp::Kind::kOverflow;
      const std::string_view mode = ctx.arg(i + 1);
      if (EqualsIgnoreCase(mode, "WRAP")) {
        op.overflow = types::Overflow::kWrap;
      } else if (EqualsIgnoreCase(mode, "SAT")) {
        op.overflow = types::Overflow::kSat;
      } else if (EqualsIgnoreCase(mode, "FAIL")) {
        op.overflow = types::Overflow::kFail;
      } else {
        return Failure(err::kBitfieldOverflow);
      }
      if (read_only) return Failure(err::kBitfieldRoGetOnly);
      ops.push_back(op);
      i += 2;
      continue;
    } else {
      return Failure(err::kSyntax);
    }
    if (read_only && op.kind != FieldOp::Kind::kGet) return Failure(err::kBitfieldRoGetOnly);
    auto type = types::ParseFieldType(ctx.arg(i + 1));
    if (!type) return Failure(err::kBitfieldType);
    op.type = *type;
    auto offset = FieldOffset(ctx, ctx.arg(i + 2), *type);
    if (!offset) return std::move(offset).failure();
    op.offset = *offset;
    if (op.kind != FieldOp::Kind::kGet) {
      auto value = Int64Arg(ctx, i + 3);
      if (!value) return std::move(value).failure();
      op.value = *value;
    }
    ops.push_back(op);
    i += op.kind == FieldOp::Kind::kGet ? 3 : 4;
  }
  return ops;
}

void RunBitfield(CommandContext& ctx, bool read_only) {
  auto ops = ParseOps(ctx, read_only);
  if (!ops) return ctx.reply.Error(ops.error());
  // The string must hold the last byte of the highest field any SET or INCRBY touches.
  size_t need = 0;
  size_t replies = 0;
  for (const FieldOp& op : *ops) {
    if (op.kind != FieldOp::Kind::kOverflow) replies++;
    if (op.kind == FieldOp::Kind::kSet || op.kind == FieldOp::Kind::kIncrBy) {
      need = std::max<size_t>(need, static_cast<size_t>((op.offset + op.type.bits - 1) >> 3) + 1);
    }
  }
  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Value* v = need > 0 ? db.Find(key, ctx.now_ms) : LookupRead(ctx, key);
  if (auto t = CheckType(v, ValueType::kString); !t) return ctx.reply.Error(t.error());
  bool grown = false;
  if (need > 0) {
    if (v == nullptr) v = &db.Set(key, Value::String(std::string()));
    if (v->str().size() < need) {
      v->str().resize(need, '\0');
      grown = true;
    }
  }
  static const std::string kEmpty;
  ctx.reply.Array(replies);
  size_t changes = 0;
  // Redis announces "setbit" when a write changed a field or the string was created or grown.
  bool notify = false;
  types::Overflow mode = types::Overflow::kWrap;
  for (const FieldOp& op : *ops) {
    const std::string& s = v == nullptr ? kEmpty : v->str();
    switch (op.kind) {
      case FieldOp::Kind::kOverflow:
        mode = op.overflow;
        break;
      case FieldOp::Kind::kGet:
        ctx.reply.Integer(types::GetField(s, op.offset, op.type));
        break;
      case FieldOp::Kind::kSet:
      case FieldOp::Kind::kIncrBy: {
        const int64_t old = types::GetField(s, op.offset, op.type);
        const std::optional<int64_t> next =
            op.kind == FieldOp::Kind::kSet ? types::FitField(op.type, op.value, mode)
                                           : types::AddField(op.type, old, op.value, mode);
        if (!next) {
          ctx.reply.Null();
          break;
        }
        types::SetField(v->str(), op.offset, op.type, *next);
        changes++;
        notify = notify || grown || *next != old;
        ctx.reply.Integer(op.kind == FieldOp::Kind::kSet ? old : *next);
        break;
      }
    }
  }
  if (notify) Notify(ctx, kNotifyString, "setbit", key);
  if (changes > 0 || grown) {
    db.Touch(key);
  } else {
    ctx.server.propagation.Suppress();  // only reads, or every write failed on overflow
  }
}

}  // namespace

void Bitfield(CommandContext& ctx) { RunBitfield(ctx, false); }
void BitfieldRo(CommandContext& ctx) { RunBitfield(ctx, true); }

}  // namespace server::strings
