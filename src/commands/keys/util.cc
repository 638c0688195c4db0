#include "src/commands/keys/util.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

#include "resp/strict_int.h"
#include "src/commands/util.h"
#include "src/delivery/group_due.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/server_state.h"

namespace server {

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

}  // namespace

Result<uint64_t> ParseScanCursor(std::string_view s) {
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) {
    return Failure(err::kInvalidCursor);
  }
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(buf.c_str(), &end, 10);
  if (end != buf.c_str() + buf.size() || errno == ERANGE) return Failure(err::kInvalidCursor);
  return static_cast<uint64_t>(v);
}

Result<ScanOptions> ParseScanOptions(const CommandContext& ctx, size_t first, unsigned extras) {
  ScanOptions opts;
  for (size_t i = first; i < ctx.argc(); i++) {
    const std::string_view opt = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(opt, "COUNT") && has_value) {
      auto n = Int64Arg(ctx, ++i);
      if (!n) return Failure(n.error());
      if (*n < 1) return Failure(err::kSyntax);
      opts.count = *n;
    } else if (EqualsIgnoreCase(opt, "MATCH") && has_value) {
      opts.match = ctx.arg(++i);
    } else if ((extras & kScanType) && EqualsIgnoreCase(opt, "TYPE") && has_value) {
      opts.type = ctx.arg(++i);
    } else if ((extras & kScanNoValues) && EqualsIgnoreCase(opt, "NOVALUES")) {
      opts.no_values = true;
    } else {
      return Failure(err::kSyntax);
    }
  }
  return opts;
}

Value* LookupRead(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (v != nullptr) {
    ctx.server.stats.keyspace_hits++;
  } else {
    ctx.server.stats.keyspace_misses++;
    // Redis raises keymiss exactly where a read counts a miss.
    Notify(ctx, kNotifyKeyMiss, "keymiss", key);
  }
  return v;
}

Result<void> CheckType(const Value* v, ValueType type) {
  if (v == nullptr || v->type() == type) return {};
  return Failure(err::kWrongType);
}

Result<Value*> LookupRead(CommandContext& ctx, std::string_view key, ValueType type) {
  Value* v = LookupRead(ctx, key);
  if (auto checked = CheckType(v, type); !checked) return std::move(checked).failure();
  return v;
}

Result<int64_t> ParseExpire(const CommandContext& ctx, std::string_view arg, bool seconds,
                            bool absolute, bool positive_only) {
  int64_t t;
  if (!resp::ParseStrictInt64(arg, t)) return Failure(err::kNotInteger);
  bool valid = !positive_only || t > 0;
  if (valid && seconds) {
    valid = t <= kMax / 1000 && t >= kMin / 1000;
    if (valid) t *= 1000;
  }
  if (valid && !absolute) {
    // now_ms is positive, so only the upper end can overflow.
    valid = t <= kMax - ctx.now_ms;
    if (valid) t += ctx.now_ms;
  }
  if (!valid) return Failure(err::InvalidExpireTime(ctx.spec->name));
  return t;
}

void ArmMovedStream(CommandContext& ctx, int db, std::string_view key) {
  Value* v = ctx.server.dbs[static_cast<size_t>(db)]->Find(key, ctx.now_ms);
  if (v != nullptr && v->is_stream()) ArmStreamGroups(ctx.server, db, key, v->stream());
}

}  // namespace server
