#include "src/commands/streams/read_options.h"

#include <utility>

#include "src/ascii.h"
#include "src/commands/util.h"
#include "src/errors.h"

namespace server {

Result<bool> ParseReadLimit(const CommandContext& ctx, size_t i, ReadLimits& limits) {
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
  auto n = Int64Arg(ctx, i + 1);
  if (!n) return std::move(n).failure();
  if (target == &limits.count) {
    *target = *n < 0 ? 0 : *n;
  } else if (*n <= 0) {
    return Failure(target == &limits.max_count ? err::kXReadMaxCountNotPositive
                                               : err::kXReadMaxSizeNotPositive);
  } else {
    *target = *n;
  }
  return true;
}

Result<void> CheckReadLimits(const ReadLimits& limits) {
  if (limits.count > 0 && limits.max_count < limits.count) {
    return Failure(err::kXReadMaxCountBelowCount);
  }
  return {};
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
