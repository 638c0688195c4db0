// SORT and SORT_RO: the rows and the handler. Parse (sort_rules.h), then plan on the data (load
// the elements, fetch what BY names, sort, take the LIMIT window), then reply or store. SORT
// without STORE changes nothing and records nothing; SORT ... STORE is deterministic given the
// dataset, so it is recorded as sent (nothing when it deleted nothing and stored nothing).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "src/commands/keys/util.h"
#include "src/commands/registry.h"
#include "src/commands/sort/sort_rules.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"
#include "src/types/hash.h"
#include "src/types/quicklist.h"
#include "src/types/set.h"
#include "src/types/zset.h"

namespace server::sort {

namespace {

// The string a pattern names for `element`: the element, a string key's value or a hash
// field's; nullopt when the key is missing or of another type, or the field is missing.
std::optional<std::string> FetchPattern(CommandContext& ctx, std::string_view pattern,
                                        std::string_view element) {
  PatternTarget t = ResolvePattern(pattern, element);
  if (t.kind == PatternTarget::Kind::kElement) return std::string(element);
  if (t.kind == PatternTarget::Kind::kNothing) return std::nullopt;
  const Value* v = LookupRead(ctx, t.key);
  if (v == nullptr) return std::nullopt;
  if (t.field) {
    if (!v->is_hash()) return std::nullopt;
    auto found = v->hash().Get(*t.field);
    if (!found) return std::nullopt;
    return std::string(*found);
  }
  if (!v->is_string()) return std::nullopt;
  return v->str();
}

// The elements of `v` in its own order: a list's, a sorted set's by score, a set's iteration
// order. With `window`, only that part of the order (reversed first when `desc`).
std::vector<SortItem> LoadElements(const Value& v, std::optional<Window> window, bool desc) {
  std::vector<SortItem> items;
  auto add = [&](std::string_view e) { items.push_back(SortItem{std::string(e), 0, std::nullopt}); };
  if (v.is_set()) {
    v.set().ForEach(add);
    return items;
  }
  const size_t n = v.is_list() ? v.list().size() : v.zset().size();
  Window w = window.value_or(Window{0, n});
  if (w.length == 0) return items;
  items.reserve(w.length);
  const size_t start = desc ? n - 1 - w.first : w.first;
  if (v.is_list()) {
    auto c = v.list().At(start);
    for (size_t i = 0; i < w.length && c.Valid(); i++) {
      add(c.Value());
      if (desc) c.Prev(); else c.Next();
    }
  } else {
    v.zset().Walk(start, w.length, desc, [&](const types::ZSet::Item& item) {
      add(item.member);
      return true;
    });
  }
  return items;
}

// The sort keys of every item: its own number, or what BY names (numbers, or strings for
// ALPHA). False when a number cannot be read (the whole command then fails).
bool ComputeKeys(CommandContext& ctx, std::vector<SortItem>& items, const SortOptions& o) {
  bool ok = true;
  for (SortItem& item : items) {
    std::optional<std::string> by_value;
    if (o.by) {
      by_value = FetchPattern(ctx, *o.by, item.element);
      if (!by_value) continue;  // missing: 0, or first under ALPHA
    }
    if (o.alpha) {
      if (o.by) item.by = std::move(by_value);
      continue;
    }
    auto score = SortScore(o.by ? *by_value : item.element);
    if (!score) {
      ok = false;
    } else {
      item.score = *score;
    }
  }
  return ok;
}

// The result rows: each element, or per element what each GET names (nullopt: missing).
using Rows = std::vector<std::optional<std::string>>;

Rows Project(CommandContext& ctx, const std::vector<SortItem>& items, Window w,
             const SortOptions& o) {
  Rows rows;
  rows.reserve(w.length * std::max<size_t>(1, o.gets.size()));
  for (size_t i = w.first; i < w.first + w.length; i++) {
    if (o.gets.empty()) {
      rows.emplace_back(items[i].element);
      continue;
    }
    for (std::string_view pattern : o.gets) rows.push_back(FetchPattern(ctx, pattern, items[i].element));
  }
  return rows;
}

void Store(CommandContext& ctx, std::string_view dst, const Rows& rows) {
  if (rows.empty()) {
    if (ctx.db().Delete(dst, ctx.now_ms)) {
      Notify(ctx, kNotifyGeneric, "del", dst);
    } else {
      ctx.server.propagation.Suppress();
    }
    return ctx.reply.Integer(0);
  }
  Value list = Value::NewList(static_cast<int>(ctx.server.config.list_max_listpack_size));
  list.list().set_compress_depth(static_cast<int>(ctx.server.config.list_compress_depth));
  for (const auto& row : rows) list.list().PushBack(row ? std::string_view(*row) : "");
  ctx.db().Set(dst, std::move(list));
  ctx.server.blocking.SignalKeyReady(ctx.client.db_index, dst);
  Notify(ctx, kNotifyList, "sortstore", dst);
  ctx.reply.Integer(static_cast<int64_t>(rows.size()));
}

void SortGeneric(CommandContext& ctx, bool read_only) {
  auto parsed = ParseSortOptions(ctx.argv, read_only);
  if (!parsed) return ctx.reply.Error(parsed.error());
  SortOptions& o = *parsed;
  if (!o.store) ctx.server.propagation.Suppress();
  const Value* v = LookupRead(ctx, ctx.arg(1));
  if (v != nullptr && !v->is_list() && !v->is_set() && !v->is_zset()) {
    return ctx.reply.Error(err::kWrongType);
  }
  // A set kept in its own order would store (or replay) in hash order: sort it instead.
  if (v != nullptr && v->is_set() && o.dont_sort && o.store) {
    o.dont_sort = false;
    o.alpha = true;
    o.by.reset();
  }
  std::vector<SortItem> items;
  Window w;
  if (v == nullptr) {
    // A missing key sorts as an empty list.
  } else if (o.dont_sort && !v->is_set()) {
    // Lists and sorted sets keep their order, reversed by DESC; LIMIT picks straight from it.
    const size_t n = v->is_list() ? v->list().size() : v->zset().size();
    w = LimitWindow(n, o.offset, o.count);
    items = LoadElements(*v, w, o.desc);
    w.first = 0;
  } else {
    items = LoadElements(*v, std::nullopt, false);
    if (!o.dont_sort) {
      if (!ComputeKeys(ctx, items, o)) return ctx.reply.Error(err::kSortScoreNotDouble);
      SortItems(items, SortOrder{.alpha = o.alpha,
                                 .by = o.by.has_value(),
                                 .desc = o.desc,
                                 .binary = o.store.has_value()});
    }
    w = LimitWindow(items.size(), o.offset, o.count);
  }
  const Rows rows = Project(ctx, items, w, o);
  if (o.store) return Store(ctx, *o.store, rows);
  ctx.reply.Array(rows.size());
  for (const auto& row : rows) {
    if (row) {
      ctx.reply.Bulk(*row);
    } else {
      ctx.reply.Null();
    }
  }
}

void Sort(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRo(CommandContext& ctx) { SortGeneric(ctx, true); }

// The key specs Redis 7.0 gives them: the sorted key, the keys BY/GET patterns name
// (unknown), and for SORT the STORE destination (unknown: the keyword may come anywhere).
constexpr MovableKeys kSortKeys = MovableKeys::Sort(/*store=*/true);
constexpr MovableKeys kSortRoKeys = MovableKeys::Sort(/*store=*/false);

constexpr CommandSpec kSortCommands[] = {
    {"sort",
     -2,
     kWrite | kDenyOom,
     1,
     1,
     1,
     Sort,
     "Sort the elements in a list, set or sorted set",
     "1.0.0",
     "generic",
     {"O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).",
      "key [BY pattern:pattern#1] [offset_count=LIMIT (offset:integer count:integer)] "
      "[GET pattern:pattern#1]... [order=ASC|DESC] [sorting=ALPHA] [STORE destination:key#2]",
      "", "", "-@keyspace @set @sortedset @list @dangerous"},
     {},
     &kSortKeys},
    {"sort_ro",
     -2,
     kReadOnly,
     1,
     1,
     1,
     SortRo,
     "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
     "7.0.0",
     "generic",
     {"O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).",
      "key [BY pattern:pattern#1] [offset_count=LIMIT (offset:integer count:integer)] "
      "[GET pattern:pattern#1]... [order=ASC|DESC] [sorting=ALPHA]",
      "", "", "-@keyspace @set @sortedset @list @dangerous"},
     {},
     &kSortRoKeys},
};

}  // namespace

}  // namespace server::sort

namespace server {

std::span<const CommandSpec> SortRows() { return sort::kSortCommands; }

}  // namespace server
