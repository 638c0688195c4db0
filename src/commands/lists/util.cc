#include "src/commands/lists/util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "src/ascii.h"
#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server::lists {

Result<End> ParseEnd(std::string_view arg) {
  if (EqualsIgnoreCase(arg, "LEFT")) return End::kLeft;
  if (EqualsIgnoreCase(arg, "RIGHT")) return End::kRight;
  return Failure(err::kSyntax);
}

Result<const types::List*> FindForRead(CommandContext& ctx, std::string_view key) {
  auto v = LookupRead(ctx, key, ValueType::kList);
  if (!v) return std::move(v).failure();
  return *v == nullptr ? nullptr : &(*v)->list();
}

Result<types::List*> FindForWrite(Db& db, std::string_view key, int64_t now_ms) {
  Value* v = db.Find(key, now_ms);
  if (v == nullptr) return static_cast<types::List*>(nullptr);
  if (!v->is_list()) return Failure(err::kWrongType);
  return &v->list();
}

types::List& Prepared(types::List& list, const Config& config) {
  list.set_fill(static_cast<int>(config.list_max_listpack_size));
  // Only a list still in one listpack takes it: a quicklist keeps its depth, as in Redis.
  list.set_compress_depth(static_cast<int>(config.list_compress_depth));
  return list;
}

namespace {

std::string_view PushEvent(End end) { return end == End::kLeft ? "lpush" : "rpush"; }
std::string_view PopEvent(End end) { return end == End::kLeft ? "lpop" : "rpop"; }

// After entries left `list` from `end`: the pop's event, then the key's deletion if it emptied.
void AfterPop(ServerState& state, int db, std::string_view key, const types::List& list,
              End end) {
  AfterCollectionWrite(state, db, key, list.empty(), kNotifyList, PopEvent(end));
}

}  // namespace

size_t Push(ServerState& state, int db, std::string_view key, types::List* list, End end,
            std::span<const std::string_view> values) {
  Db& d = *state.dbs[static_cast<size_t>(db)];
  const Config& config = state.config;
  if (list == nullptr) {
    list = &Prepared(
        d.Set(key, Value::NewList(static_cast<int>(config.list_max_listpack_size))).list(),
        config);
  } else {
    Prepared(*list, config);
    d.Touch(key);
  }
  for (std::string_view v : values) {
    if (end == End::kLeft) {
      list->PushFront(v);
    } else {
      list->PushBack(v);
    }
  }
  NotifyKeyspaceEvent(state, kNotifyList, PushEvent(end), key, db);
  return list->size();
}

std::vector<std::string> Pop(ServerState& state, int db, std::string_view key,
                             types::List& list, End end, size_t n) {
  Prepared(list, state.config);
  std::vector<std::string> out;
  n = std::min(n, list.size());
  out.reserve(n);
  for (size_t i = 0; i < n; i++) {
    out.push_back(end == End::kLeft ? list.PopFront() : list.PopBack());
  }
  AfterPop(state, db, key, list, end);
  return out;
}

std::string Move(ServerState& state, int db, std::string_view src_key, types::List& src,
                 std::string_view dst_key, types::List* dst, End from, End to) {
  Prepared(src, state.config);
  std::string value = from == End::kLeft ? src.PopFront() : src.PopBack();
  if (src_key == dst_key) dst = &src;
  const std::string_view one[] = {value};
  Push(state, db, dst_key, dst, to, one);
  AfterPop(state, db, src_key, src, from);
  return value;
}

}  // namespace server::lists
