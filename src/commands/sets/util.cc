#include "src/commands/sets/util.h"

#include <utility>

#include "src/commands/keys/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server::sets {

types::SetLimits LimitsOf(const CommandContext& ctx) {
  const Config& c = ctx.server.config;
  return types::SetLimits{.max_intset_entries = static_cast<size_t>(c.set_max_intset_entries),
                          .max_listpack_entries = static_cast<size_t>(c.set_max_listpack_entries),
                          .max_listpack_value = static_cast<size_t>(c.set_max_listpack_value)};
}

Result<const types::Set*> ReadSet(CommandContext& ctx, std::string_view key) {
  auto v = LookupRead(ctx, key, ValueType::kSet);
  if (!v) return std::move(v).failure();
  return *v == nullptr ? nullptr : &(*v)->set();
}

Result<types::Set*> WriteSet(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db().Find(key, ctx.now_ms);
  if (auto t = CheckType(v, ValueType::kSet); !t) return std::move(t).failure();
  return v == nullptr ? nullptr : &v->set();
}

void AfterRemove(CommandContext& ctx, std::string_view key, const types::Set& set,
                 std::string_view event) {
  AfterCollectionWrite(ctx, key, set.empty(), kNotifySet, event);
}

}  // namespace server::sets
