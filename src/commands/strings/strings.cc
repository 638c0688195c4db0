// String commands (the caching surface): the family's CommandSpec table, and the get/set
// commands themselves. Counters live in numeric.cc, byte ranges in range.cc.
// Every command checks the stored type through Value::type() and replies WRONGTYPE otherwise.
// What each write leaves for the AOF is deterministic: relative expiries become PXAT/PEXPIREAT
// absolute times, and a call that changed nothing records nothing (Redis 7.0's propagation).
#include <optional>
#include <string>

#include "src/commands/registry.h"
#include "src/commands/keys/util.h"
#include "src/commands/strings/handlers.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/notify.h"

namespace server {

namespace {

// SET and GETEX share Redis's option grammar; each accepts only its own subset.
enum class OptionSet { kSet, kGetEx };

struct StringOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keep_ttl = false;
  bool persist = false;
  // Which of EX/PX/EXAT/PXAT was given (last of the same kind wins), and its argument.
  bool has_expire = false;
  bool expire_seconds = false;
  bool expire_absolute = false;
  std::string_view expire_arg;
};

// Parses options from argv[first] on. A conflicting or unknown option, or a missing time, is a
// syntax error, found before any time value is looked at (as Redis does).
Result<StringOptions> ParseOptions(const CommandContext& ctx, size_t first, OptionSet set) {
  StringOptions o;
  for (size_t i = first; i < ctx.argc(); i++) {
    std::string_view a = ctx.arg(i);
    bool has_next = i + 1 < ctx.argc();
    bool is_ex = EqualsIgnoreCase(a, "EX");
    bool is_px = EqualsIgnoreCase(a, "PX");
    bool is_exat = EqualsIgnoreCase(a, "EXAT");
    bool is_pxat = EqualsIgnoreCase(a, "PXAT");
    if (set == OptionSet::kSet && EqualsIgnoreCase(a, "NX") && !o.xx) {
      o.nx = true;
    } else if (set == OptionSet::kSet && EqualsIgnoreCase(a, "XX") && !o.nx) {
      o.xx = true;
    } else if (set == OptionSet::kSet && EqualsIgnoreCase(a, "GET")) {
      o.get = true;
    } else if (set == OptionSet::kSet && EqualsIgnoreCase(a, "KEEPTTL") && !o.has_expire) {
      o.keep_ttl = true;
    } else if (set == OptionSet::kGetEx && EqualsIgnoreCase(a, "PERSIST") && !o.has_expire) {
      o.persist = true;
    } else if ((is_ex || is_px || is_exat || is_pxat) && has_next && !o.keep_ttl &&
               !o.persist &&
               (!o.has_expire ||
                (o.expire_seconds == (is_ex || is_exat) &&
                 o.expire_absolute == (is_exat || is_pxat)))) {
      o.has_expire = true;
      o.expire_seconds = is_ex || is_exat;
      o.expire_absolute = is_exat || is_pxat;
      o.expire_arg = ctx.arg(++i);
    } else {
      return Failure(err::kSyntax);
    }
  }
  return o;
}

void Get(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  if (*v == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk((*v)->str());
}

void Set(CommandContext& ctx) {
  auto opts = ParseOptions(ctx, 3, OptionSet::kSet);
  if (!opts) return ctx.reply.Error(opts.error());
  std::optional<int64_t> expire_at;
  if (opts->has_expire) {
    auto at = ParsePositiveExpire(ctx, opts->expire_arg, opts->expire_seconds,
                                  opts->expire_absolute);
    if (!at) return ctx.reply.Error(at.error());
    expire_at = *at;
  }
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  std::optional<std::string> old;
  bool found = false;  // looked at only with NX or XX
  if (opts->get) {
    auto v = LookupRead(ctx, key, ValueType::kString);
    if (!v) return ctx.reply.Error(v.error());
    if (*v != nullptr) old = (*v)->str();
    found = *v != nullptr;
  } else if (opts->nx || opts->xx) {
    found = db.Exists(key, ctx.now_ms);
  } else {
    db.PrepareOverwrite(key, ctx.now_ms);
  }
  bool write = !((opts->nx && found) || (opts->xx && !found));
  if (write) {
    Value value = Value::String(std::string(ctx.arg(2)));
    if (opts->keep_ttl) {
      db.SetKeepTtl(key, std::move(value), ctx.now_ms);
    } else {
      db.Set(key, std::move(value));
    }
    // A time already past is stored as is: the key reads as missing from now on.
    if (expire_at) {
      db.SetExpire(key, *expire_at);
      // Redis's rewrite: the absolute time, without NX/XX/GET (the write happened).
      ctx.server.propagation.Add({"SET", key, ctx.arg(2), "PXAT", std::to_string(*expire_at)});
    }
    Notify(ctx, kNotifyString, "set", key);
    if (expire_at) Notify(ctx, kNotifyGeneric, "expire", key);
  } else {
    ctx.server.propagation.Suppress();
  }
  if (opts->get) return old ? ctx.reply.Bulk(*old) : ctx.reply.Null();
  if (!write) return ctx.reply.Null();
  ctx.reply.Ok();
}

void SetNx(CommandContext& ctx) {
  Db& db = ctx.db();
  if (db.Exists(ctx.arg(1), ctx.now_ms)) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Integer(0);
  }
  db.Set(ctx.arg(1), Value::String(std::string(ctx.arg(2))));
  Notify(ctx, kNotifyString, "set", ctx.arg(1));
  ctx.reply.Integer(1);
}

// SETEX key seconds value / PSETEX key ms value.
void SetWithTtl(CommandContext& ctx, bool seconds) {
  auto at = ParsePositiveExpire(ctx, ctx.arg(2), seconds, /*absolute=*/false);
  if (!at) return ctx.reply.Error(at.error());
  Db& db = ctx.db();
  db.Set(ctx.arg(1), Value::String(std::string(ctx.arg(3))));
  db.SetExpire(ctx.arg(1), *at);
  ctx.server.propagation.Add({"SET", ctx.arg(1), ctx.arg(3), "PXAT", std::to_string(*at)});
  Notify(ctx, kNotifyString, "set", ctx.arg(1));
  Notify(ctx, kNotifyGeneric, "expire", ctx.arg(1));
  ctx.reply.Ok();
}
void SetEx(CommandContext& ctx) { SetWithTtl(ctx, true); }
void PSetEx(CommandContext& ctx) { SetWithTtl(ctx, false); }

void GetSet(CommandContext& ctx) {
  auto v = LookupRead(ctx, ctx.arg(1), ValueType::kString);
  if (!v) return ctx.reply.Error(v.error());
  std::optional<std::string> old;
  if (*v != nullptr) old = std::move((*v)->str());
  ctx.db().Set(ctx.arg(1), Value::String(std::string(ctx.arg(2))));
  ctx.server.propagation.Add({"SET", ctx.arg(1), ctx.arg(2)});  // as Redis 7.0 rewrites it
  Notify(ctx, kNotifyString, "set", ctx.arg(1));
  old ? ctx.reply.Bulk(*old) : ctx.reply.Null();
}

void GetDel(CommandContext& ctx) {
  Value* v = LookupRead(ctx, ctx.arg(1));
  if (v == nullptr) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Null();
  }
  if (auto t = CheckType(v, ValueType::kString); !t) return ctx.reply.Error(t.error());
  std::string old = std::move(v->str());
  ctx.db().Delete(ctx.arg(1), ctx.now_ms);
  ctx.server.propagation.Add({"DEL", ctx.arg(1)});
  Notify(ctx, kNotifyGeneric, "del", ctx.arg(1));
  ctx.reply.Bulk(old);
}

void GetEx(CommandContext& ctx) {
  auto opts = ParseOptions(ctx, 2, OptionSet::kGetEx);
  if (!opts) return ctx.reply.Error(opts.error());
  std::string_view key = ctx.arg(1);
  Value* v = LookupRead(ctx, key);
  Propagation& propagation = ctx.server.propagation;
  // A missing key answers nil before the time argument is even parsed.
  if (v == nullptr) {
    propagation.Suppress();
    return ctx.reply.Null();
  }
  if (auto t = CheckType(v, ValueType::kString); !t) return ctx.reply.Error(t.error());
  Db& db = ctx.db();
  if (opts->has_expire) {
    auto at = ParsePositiveExpire(ctx, opts->expire_arg, opts->expire_seconds,
                                  opts->expire_absolute);
    if (!at) return ctx.reply.Error(at.error());
    if (*at <= ctx.now_ms) {
      // Unlike SET, GETEX deletes a key whose new time is already past.
      std::string value = std::move(v->str());
      db.Delete(key, ctx.now_ms);
      propagation.Add({"DEL", key});
      Notify(ctx, kNotifyGeneric, "del", key);
      return ctx.reply.Bulk(value);
    }
    db.SetExpire(key, *at);
    propagation.Add({"PEXPIREAT", key, std::to_string(*at)});
    Notify(ctx, kNotifyGeneric, "expire", key);
  } else if (opts->persist && db.Persist(key)) {
    propagation.Add({"PERSIST", key});
    Notify(ctx, kNotifyGeneric, "persist", key);
  } else {
    propagation.Suppress();  // a plain GET, or PERSIST on a key without a TTL
  }
  ctx.reply.Bulk(v->str());
}

void MGet(CommandContext& ctx) {
  ctx.reply.Array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); i++) {
    Value* v = LookupRead(ctx, ctx.arg(i));
    // MGET never fails: a key of another type reads as nil.
    if (v == nullptr || v->type() != ValueType::kString) {
      ctx.reply.Null();
    } else {
      ctx.reply.Bulk(v->str());
    }
  }
}

// Arity -3 lets "MSET a 1 b" through; the pairs check is the command's own.
Result<void> CheckPairs(const CommandContext& ctx) {
  if (ctx.argc() % 2 == 1) return {};
  return Failure(err::WrongArity(ctx.spec->name));
}

void MSet(CommandContext& ctx) {
  if (auto pairs = CheckPairs(ctx); !pairs) return ctx.reply.Error(pairs.error());
  Db& db = ctx.db();
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    db.Set(ctx.arg(i), Value::String(std::string(ctx.arg(i + 1))));
    Notify(ctx, kNotifyString, "set", ctx.arg(i));
  }
  ctx.reply.Ok();
}

void MSetNx(CommandContext& ctx) {
  if (auto pairs = CheckPairs(ctx); !pairs) return ctx.reply.Error(pairs.error());
  Db& db = ctx.db();
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (db.Exists(ctx.arg(i), ctx.now_ms)) {
      ctx.server.propagation.Suppress();
      return ctx.reply.Integer(0);
    }
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    db.Set(ctx.arg(i), Value::String(std::string(ctx.arg(i + 1))));
    Notify(ctx, kNotifyString, "set", ctx.arg(i));
  }
  ctx.reply.Integer(1);
}

constexpr uint32_t kWriteOom = kWrite | kDenyOom;

constexpr CommandSpec kStringCommands[] = {
    {"get", 2, kReadOnly | kFast, 1, 1, 1, Get, "Get the value of a key", "1.0.0", "string",
     {"O(1)", "key"}},
    {"set", -3, kWriteOom, 1, 1, 1, Set, "Set the string value of a key", "1.0.0", "string",
     {"O(1)", "key value [condition=NX|XX] [GET] [expiration=EX seconds:integer|PX "
      "milliseconds:integer|EXAT unix-time-seconds:unix-time|PXAT "
      "unix-time-milliseconds:unix-time|KEEPTTL]", "", "RW access update variable_flags"}},
    {"setnx", 3, kWriteOom | kFast, 1, 1, 1, SetNx,
     "Set the value of a key, only if the key does not exist", "1.0.0", "string",
     {"O(1)", "key value", "", "OW insert"}},
    {"setex", 4, kWriteOom, 1, 1, 1, SetEx, "Set the value and expiration of a key", "2.0.0",
     "string", {"O(1)", "key seconds:integer value", "", "OW update"}},
    {"psetex", 4, kWriteOom, 1, 1, 1, PSetEx,
     "Set the value and expiration in milliseconds of a key", "2.6.0", "string",
     {"O(1)", "key milliseconds:integer value", "", "OW update"}},
    {"getset", 3, kWriteOom | kFast, 1, 1, 1, GetSet,
     "Set the string value of a key and return its old value", "1.0.0", "string",
     {"O(1)", "key value", "", "RW access update"}},
    {"getdel", 2, kWrite | kFast, 1, 1, 1, GetDel, "Get the value of a key and delete the key",
     "6.2.0", "string", {"O(1)", "key", "", "RW access delete"}},
    {"getex", -2, kWrite | kFast, 1, 1, 1, GetEx,
     "Get the value of a key and optionally set its expiration", "6.2.0", "string",
     {"O(1)", "key [expiration=EX seconds:integer|PX milliseconds:integer|EXAT "
      "unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST]", "",
      "RW access update"}},
    {"mget", -2, kReadOnly | kFast, 1, -1, 1, MGet, "Get the values of all the given keys", "1.0.0",
     "string",
     {"O(N) where N is the number of keys to retrieve.", "key...", "request_policy:multi_shard"}},
    {"mset", -3, kWriteOom, 1, -1, 2, MSet, "Set multiple keys to multiple values", "1.0.1",
     "string",
     {"O(N) where N is the number of keys to set.", "(key_value=key value)...",
      "request_policy:multi_shard response_policy:all_succeeded", "OW update"}},
    {"msetnx", -3, kWriteOom, 1, -1, 2, MSetNx,
     "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "string",
     {"O(N) where N is the number of keys to set.", "(key_value=key value)...", "", "OW insert"}},
    {"append", 3, kWriteOom | kFast, 1, 1, 1, strings::Append, "Append a value to a key", "2.0.0",
     "string", {"O(1)", "key value", "", "RW insert"}},
    {"strlen", 2, kReadOnly | kFast, 1, 1, 1, strings::StrLen,
     "Get the length of the value stored in a key", "2.2.0", "string", {"O(1)", "key"}},
    {"getrange", 4, kReadOnly, 1, 1, 1, strings::GetRange,
     "Get a substring of the string stored at a key", "2.4.0", "string",
     {"O(N) where N is the length of the returned string.", "key start:integer end:integer"}},
    {"substr", 4, kReadOnly, 1, 1, 1, strings::GetRange,
     "Get a substring of the string stored at a key", "1.0.0", "string",
     {"O(N) where N is the length of the returned string. The complexity is ultimately determined "
      "by the returned length, but because creating a substring from an existing string is very "
      "cheap, it can be considered O(1) for small strings.", "key start:integer end:integer"}},
    {"setrange", 4, kWriteOom, 1, 1, 1, strings::SetRange,
     "Overwrite part of a string at key starting at the specified offset", "2.2.0", "string",
     {"O(1)", "key offset:integer value", "", "RW update"}},
    {"incr", 2, kWriteOom | kFast, 1, 1, 1, strings::Incr,
     "Increment the integer value of a key by one", "1.0.0", "string",
     {"O(1)", "key", "", "RW access update"}},
    {"decr", 2, kWriteOom | kFast, 1, 1, 1, strings::Decr,
     "Decrement the integer value of a key by one", "1.0.0", "string",
     {"O(1)", "key", "", "RW access update"}},
    {"incrby", 3, kWriteOom | kFast, 1, 1, 1, strings::IncrBy,
     "Increment the integer value of a key by the given amount", "1.0.0", "string",
     {"O(1)", "key increment:integer", "", "RW access update"}},
    {"decrby", 3, kWriteOom | kFast, 1, 1, 1, strings::DecrBy,
     "Decrement the integer value of a key by the given number", "1.0.0", "string",
     {"O(1)", "key decrement:integer", "", "RW access update"}},
    {"incrbyfloat", 3, kWriteOom | kFast, 1, 1, 1, strings::IncrByFloat,
     "Increment the float value of a key by the given amount", "2.6.0", "string",
     {"O(1)", "key increment:double", "", "RW access update"}},
    {"setbit", 4, kWriteOom, 1, 1, 1, strings::SetBit,
     "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
     "2.2.0", "bitmap", {"O(1)", "key offset:integer value:integer", "", "RW access update"}},
    {"getbit", 3, kReadOnly | kFast, 1, 1, 1, strings::GetBit, "Returns a bit value by offset.",
     "2.2.0", "bitmap", {"O(1)", "key offset:integer"}},
    {"bitcount", -2, kReadOnly, 1, 1, 1, strings::BitCount,
     "Counts the number of set bits (population counting) in a string.", "2.6.0", "bitmap",
     {"O(N)", "key [range=start:integer end:integer [unit=BYTE|BIT]]"}},
    {"bitpos", -3, kReadOnly, 1, 1, 1, strings::BitPos,
     "Finds the first set (1) or clear (0) bit in a string.", "2.8.7", "bitmap",
     {"O(N)", "key bit:integer [range=start:integer [end-unit-block=end:integer "
      "[unit=BYTE|BIT]]]"}},
    {"bitop", -4, kWriteOom, 2, -1, 1, strings::BitOp,
     "Performs bitwise operations on multiple strings, and stores the result.", "2.6.0",
     "bitmap", {"O(N)", "(operation=AND|OR|XOR|NOT) destkey:key key...", "",
                 "OW update|RO access"}},
    {"bitfield", -2, kWriteOom, 1, 1, 1, strings::Bitfield,
     "Performs arbitrary bitfield integer operations on strings.", "3.2.0", "bitmap",
     {"O(1) for each subcommand specified",
      "key [operation=GET encoding offset:integer|(write=[overflow-block=OVERFLOW "
      "WRAP|SAT|FAIL] (write-operation=(set-block=SET encoding offset:integer "
      "value:integer)|(incrby-block=INCRBY encoding offset:integer increment:integer)))]...",
      "", "RW access update"}},
    {"bitfield_ro", -2, kReadOnly | kFast, 1, 1, 1, strings::BitfieldRo,
     "Performs arbitrary read-only bitfield integer operations on strings.", "6.0.0", "bitmap",
     {"O(1) for each subcommand specified", "key [GET encoding offset:integer]..."}},
    {"lcs", -3, kReadOnly, 1, 2, 1, strings::Lcs, "Finds the longest common substring.",
     "7.0.0", "string",
     {"O(N*M) where N and M are the lengths of s1 and s2, respectively",
      "key1:key key2:key [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]"}},
};

}  // namespace

std::span<const CommandSpec> StringRows() { return kStringCommands; }

}  // namespace server
