#include "src/commands/streams/read_options.h"

#include "src/ascii.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

bool ParseReadLimit(CommandContext& ctx, size_t i, ReadLimits& limits, bool& failed) {
  std::string_view opt = ctx.arg(i);
  int64_t* target;
  if (EqualsIgnoreCase(opt, "COUNT")) {
    target = &limits.count;
  } else if (EqualsIgnoreCase(opt, "MAXCOUNT")) {
    target = &limits.max_count;
  } else if (EqualsIgnoreCase(opt, "MAXSIZE")) {
    target = &limits.max_size;
  } else {
    return false;
  }
  auto n = ArgInt64(ctx, i + 1);
  if (!n) {
    failed = true;
    return true;
  }
  if (target == &limits.count) {
    *target = *n < 0 ? 0 : *n;
  } else if (*n <= 0) {
    ctx.reply.Error(target == &limits.max_count ? err::kXReadMaxCountNotPositive
                                                : err::kXReadMaxSizeNotPositive);
    failed = true;
  } else {
    *target = *n;
  }
  return true;
}

bool CheckReadLimits(CommandContext& ctx, const ReadLimits& limits) {
  if (limits.count > 0 && limits.max_count < limits.count) {
    ctx.reply.Error(err::kXReadMaxCountBelowCount);
    return false;
  }
  return true;
}

size_t EntryPayloadBytes(const streams::EntryView& entry) {
  size_t bytes = 0;
  for (std::string_view item : entry.field_values) bytes += item.size();
  return bytes;
}

bool ReadBudget::Admit(const streams::EntryView& entry) {
  if (per_stream_ > 0 && in_stream_ >= per_stream_) return false;
  if (entries_left_ <= 0) return false;
  const auto bytes = static_cast<int64_t>(EntryPayloadBytes(entry));
  if (admitted_any_ && bytes > bytes_left_) {
    bytes_left_ = 0;  // nothing after a refused entry: the reply keeps stream order
    return false;
  }
  admitted_any_ = true;
  in_stream_++;
  entries_left_--;
  bytes_left_ -= bytes;
  return true;
}

}  // namespace server
