// COMMAND and its subcommands, generated from the CommandTable plus the docs table below.
#include "src/commands/util.h"
#include "src/ascii.h"
#include "src/commands/server/command_docs.h"

#include <algorithm>
#include <cctype>

#include "src/commands/server/admin.h"
#include "src/errors.h"

namespace server {

namespace {

// What a CommandSpec row cannot say. Rows are keyed by full name; a subcommand without a row
// of its own inherits nothing from its container's row.
struct DocRow {
  std::string_view name;
  std::string_view complexity;
  std::string_view syntax;  // see ParseDocSyntax
  std::string_view tips = {};       // space separated
  std::string_view key_flags = {};  // space separated; default RO access / RW update
  std::string_view extra_acl = {};  // categories the flags and group do not imply
};

// Argument syntax as documented for each command (redis.io), in our compact notation.
constexpr DocRow kDocRows[] = {
    // strings
    {"get", "O(1)", "key"},
    {"set", "O(1)",
     "key value [condition=NX|XX] [GET] [expiration=EX seconds:integer|PX milliseconds:integer|"
     "EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|KEEPTTL]",
     "", "RW access update variable_flags"},
    {"setnx", "O(1)", "key value", "", "OW insert"},
    {"setex", "O(1)", "key seconds:integer value", "", "OW update"},
    {"psetex", "O(1)", "key milliseconds:integer value", "", "OW update"},
    {"getset", "O(1)", "key value", "", "RW access update"},
    {"getdel", "O(1)", "key", "", "RW access delete"},
    {"getex", "O(1)",
     "key [expiration=EX seconds:integer|PX milliseconds:integer|EXAT unix-time-seconds:unix-time"
     "|PXAT unix-time-milliseconds:unix-time|PERSIST]",
     "", "RW access update"},
    {"mget", "O(N) where N is the number of keys to retrieve.", "key...",
     "request_policy:multi_shard"},
    {"mset", "O(N) where N is the number of keys to set.", "(key_value=key value)...",
     "request_policy:multi_shard response_policy:all_succeeded", "OW update"},
    {"msetnx", "O(N) where N is the number of keys to set.", "(key_value=key value)...", "",
     "OW insert"},
    {"incr", "O(1)", "key", "", "RW access update"},
    {"decr", "O(1)", "key", "", "RW access update"},
    {"incrby", "O(1)", "key increment:integer", "", "RW access update"},
    {"decrby", "O(1)", "key decrement:integer", "", "RW access update"},
    {"incrbyfloat", "O(1)", "key increment:double", "", "RW access update"},
    {"append", "O(1)", "key value", "", "RW insert"},
    {"strlen", "O(1)", "key"},
    {"getrange", "O(N) where N is the length of the returned string.",
     "key start:integer end:integer"},
    {"setrange", "O(1)", "key offset:integer value", "", "RW update"},
    {"substr", "O(N) where N is the length of the returned string. The complexity is ultimately "
     "determined by the returned length, but because creating a substring from an existing "
     "string is very cheap, it can be considered O(1) for small strings.",
     "key start:integer end:integer"},
    // keys
    {"del", "O(N) where N is the number of keys that will be removed.", "key...",
     "request_policy:multi_shard response_policy:agg_sum", "RM delete"},
    {"unlink", "O(1) for each key removed regardless of its size.", "key...",
     "request_policy:multi_shard response_policy:agg_sum", "RM delete"},
    {"exists", "O(N) where N is the number of keys to check.", "key...",
     "request_policy:multi_shard response_policy:agg_sum", "RO"},
    {"touch", "O(N) where N is the number of keys that will be touched.", "key...",
     "request_policy:multi_shard response_policy:agg_sum", "RO"},
    {"type", "O(1)", "key", "", "RO"},
    {"expire", "O(1)", "key seconds:integer [condition=NX|XX|GT|LT]", "", "RW update"},
    {"pexpire", "O(1)", "key milliseconds:integer [condition=NX|XX|GT|LT]", "", "RW update"},
    {"expireat", "O(1)", "key unix-time-seconds:unix-time [condition=NX|XX|GT|LT]", "",
     "RW update"},
    {"pexpireat", "O(1)", "key unix-time-milliseconds:unix-time [condition=NX|XX|GT|LT]", "",
     "RW update"},
    {"ttl", "O(1)", "key", "", "RO access"},
    {"pttl", "O(1)", "key", "", "RO access"},
    {"expiretime", "O(1)", "key", "", "RO access"},
    {"pexpiretime", "O(1)", "key", "", "RO access"},
    {"persist", "O(1)", "key", "", "RW update"},
    {"keys", "O(N) with N being the number of keys in the database.", "pattern:pattern",
     "request_policy:all_shards nondeterministic_output_order", "", "@dangerous"},
    {"scan", "O(1) for every call. O(N) for a complete iteration.",
     "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]",
     "nondeterministic_output request_policy:special response_policy:special"},
    {"randomkey", "O(1)", "", "request_policy:all_shards response_policy:special "
     "nondeterministic_output"},
    {"rename", "O(1)", "key newkey:key", "", "RW access delete"},
    {"renamenx", "O(1)", "key newkey:key", "", "RW access delete"},
    // streams
    {"xadd", "O(1) when adding a new entry, O(N) when trimming where N being the number of "
     "entries evicted.",
     "key [NOMKSTREAM] [condition=KEEPREF|DELREF|ACKED] [trim=(strategy=MAXLEN|MINID) "
     "[operator==|~] threshold [LIMIT count:integer]] (id_or_auto=*|id) "
     "(field_value=field value)...",
     "nondeterministic_output", "RW update"},
    {"xtrim", "O(N), with N being the number of evicted entries. Constant times are very small "
     "however, since entries are organized in macro nodes containing multiple entries that can "
     "be released with a single deallocation.",
     "key (trim=(strategy=MAXLEN|MINID) [operator==|~] threshold [LIMIT count:integer]) "
     "[condition=KEEPREF|DELREF|ACKED]",
     "nondeterministic_output", "RW delete"},
    {"xlen", "O(1)", "key"},
    {"xdelex", "O(1) for each single item to delete in the stream, regardless of the stream size.",
     "key [condition=KEEPREF|DELREF|ACKED] IDS numids:integer id...", "", "RW delete"},
    {"move", "O(1)", "key db:integer", "", "RW access delete"},
    {"object|encoding", "O(1)", "key"},
    {"object|freq", "O(1)", "key"},
    {"object|idletime", "O(1)", "key"},
    {"object|refcount", "O(1)", "key"},
    {"object|help", "O(1)", ""},
    {"xrange", "O(N) with N being the number of elements being returned. If N is constant (e.g. "
     "always asking for the first 10 elements with COUNT), you can consider it O(1).",
     "key start end [COUNT count:integer]"},
    {"xrevrange", "O(N) with N being the number of elements returned. If N is constant (e.g. "
     "always asking for the first 10 elements with COUNT), you can consider it O(1).",
     "key end start [COUNT count:integer]"},
    {"xdel", "O(1) for each single item to delete in the stream, regardless of the stream size.",
     "key id...", "", "RW delete"},
    {"xsetid", "O(1)",
     "key last-id [ENTRIESADDED entries_added:integer] [MAXDELETEDID max_deleted_entry_id]", "",
     "RW update"},
    {"xread", "For each stream mentioned: O(N) with N being the number of elements being "
     "returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK "
     "option is used, XADD will pay O(M) time in order to serve the M clients blocked on the "
     "stream getting new data.",
     "[COUNT count:integer] [MAXCOUNT maxcount:integer] [MAXSIZE maxsize:integer] "
     "[BLOCK milliseconds:integer] STREAMS (streams=key... id...)"},
    {"xreadgroup", "For each stream mentioned: O(M) with M being the number of elements "
     "returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you "
     "can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) "
     "time in order to serve the N clients blocked on the stream getting new data.",
     "GROUP (group_consumer=group consumer) [COUNT count:integer] [MAXCOUNT maxcount:integer] "
     "[MAXSIZE maxsize:integer] [BLOCK milliseconds:integer] [CLAIM min-idle-time:integer] "
     "[NOACK] STREAMS (streams=key... id...)",
     "", "RO access"},
    {"xgroup|create", "O(1)",
     "key groupname (id=id|(new_id=$)) [MKSTREAM] [ENTRIESREAD entries_read:integer]", "",
     "RW insert"},
    {"xgroup|setid", "O(1)", "key groupname (id=id|(new_id=$)) [ENTRIESREAD entries_read:integer]",
     "", "RW update"},
    {"xgroup|destroy",
     "O(N) where N is the number of entries in the group's pending entries list (PEL).",
     "key groupname", "", "RW delete"},
    {"xgroup|createconsumer", "O(1)", "key groupname consumername", "", "RW insert"},
    {"xgroup|delconsumer", "O(1)", "key groupname consumername", "", "RW delete"},
    {"xgroup|help", "O(1)", ""},
    {"xgroup|setpolicy", "O(1)",
     "key groupname [ACK-TIMEOUT ack-timeout:integer] "
     "[backoff=BACKOFF milliseconds:integer...|"
     "BACKOFF-EXP (exponential=base-milliseconds:integer max-milliseconds:integer)] "
     "[MAX-DELIVERIES max-deliveries:integer] [DEAD-LETTER dead-letter-key]",
     "", "RW update"},
    {"xgroup|getpolicy", "O(1)", "key groupname"},
    {"xgroup|setcounters", "O(1)",
     "key groupname REDELIVERED redelivered:integer DEAD-LETTERED dead-lettered:integer", "",
     "RW update"},
    {"xack", "O(1) for each message ID processed.", "key group id...", "", "RW update"},
    {"xackdel", "O(1) for each entry ID processed.",
     "key group [condition=KEEPREF|DELREF|ACKED] IDS numids:integer id...", "", "RW delete"},
    {"xnack", "O(1) for each entry ID processed.",
     "key group (mode=SILENT|FAIL|FATAL) IDS numids:integer id... "
     "[RETRYCOUNT retrycount:integer] [FORCE] "
     "[due=DELAY milliseconds:integer|DUE-AT unix-time-milliseconds:integer]",
     "", "RW update"},
    {"xredrive", "O(N) where N is the number of entries walked in the dead-letter stream.",
     "key [GROUP group] [COUNT count:integer]", "", "RW delete"},
    {"xpending", "O(N) with N being the number of elements returned, so asking for a small fixed "
     "number of entries per call is O(1). O(M), where M is the total number of entries scanned "
     "when used with the IDLE filter. When the command returns just the summary and the list of "
     "consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating "
     "every consumer.",
     "key group [filters=[IDLE min-idle-time:integer] start end count:integer [consumer]]",
     "nondeterministic_output", "RO access"},
    {"xclaim", "O(log N) with N being the number of messages in the PEL of the consumer group.",
     "key group consumer min-idle-time id... [IDLE ms:integer] "
     "[TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] "
     "[LASTID lastid]",
     "nondeterministic_output", "RW update"},
    {"xautoclaim", "O(1) if COUNT is small.",
     "key group consumer min-idle-time start [COUNT count:integer] [JUSTID]",
     "nondeterministic_output", "RW delete"},
    {"bgrewriteaof", "O(1)", ""},
    {"xinfo|groups", "O(1)", "key"},
    {"xinfo|consumers", "O(1)", "key groupname", "nondeterministic_output"},
    {"xinfo|stream", "O(N) with N being the number of returned items for the subcommands. "
     "XINFO STREAM and XINFO GROUPS always return the same number of items.",
     "key [full_block=FULL [COUNT count:integer]]"},
    {"xinfo|help", "O(1)", ""},
    {"copy", "O(N) worst case for collections, where N is the number of nested items. O(1) for "
     "string values.", "source:key destination:key [DB destination-db:integer] [REPLACE]"},
    // connection
    {"ping", "O(1)", "[message]", "request_policy:all_shards response_policy:all_succeeded"},
    {"echo", "O(1)", "message"},
    {"auth", "O(N) where N is the number of passwords defined for the user", "[username] password"},
    {"hello", "O(1)",
     "[arguments=protover:integer [username_password=AUTH (username password)] "
     "[SETNAME clientname]]"},
    {"select", "O(1)", "index:integer"},
    {"quit", "O(1)", ""},
    {"reset", "O(1)", ""},
    // transactions
    {"multi", "O(1)", ""},
    {"exec", "Depends on commands in the transaction", ""},
    {"discard", "O(N), when N is the number of queued commands", ""},
    {"watch", "O(1) for every key.", "key...", "", "RO"},
    {"unwatch", "O(1)", ""},
    // server
    {"dbsize", "O(1)", "", "request_policy:all_shards response_policy:agg_sum", "",
     "@keyspace"},
    {"flushdb", "O(N) where N is the number of keys in the selected database",
     "[flush-type=ASYNC|SYNC]", "request_policy:all_shards response_policy:all_succeeded", "",
     "@keyspace @dangerous"},
    {"flushall", "O(N) where N is the total number of keys in all databases",
     "[flush-type=ASYNC|SYNC]", "request_policy:all_shards response_policy:all_succeeded", "",
     "@keyspace @dangerous"},
    {"info", "O(1)", "[section...]",
     "nondeterministic_output request_policy:all_shards response_policy:special", "",
     "@dangerous"},
    {"time", "O(1)", "", "nondeterministic_output"},
    {"lastsave", "O(1)", "", "nondeterministic_output", "", "@dangerous"},
    {"shutdown", "O(N) when saving, where N is the total number of keys in all databases",
     "[save-selector=NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"},
    {"command", "O(N) where N is the total number of Redis commands", "",
     "nondeterministic_output_order", "", "@connection"},
    {"command|count", "O(1)", "", "", "", "@connection"},
    {"command|info", "O(N) where N is the number of commands to look up", "[command-name...]",
     "nondeterministic_output_order", "", "@connection"},
    {"command|docs", "O(N) where N is the number of commands to look up", "[command-name...]",
     "nondeterministic_output_order", "", "@connection"},
    {"command|list", "O(N) where N is the total number of Redis commands",
     "[filterby=FILTERBY (MODULE module-name|ACLCAT category|PATTERN pattern:pattern)]", "", "",
     "@connection"},
    {"command|getkeys", "O(N) where N is the number of arguments to the command",
     "command [arg...]", "", "", "@connection"},
    {"command|getkeysandflags", "O(N) where N is the number of arguments to the command",
     "command [arg...]", "", "", "@connection"},
    {"command|help", "O(1)", "", "", "", "@connection"},
    {"config|get", "O(N) when N is the number of configuration parameters provided",
     "(parameter=parameter)..."},
    {"config|set", "O(N) when N is the number of configuration parameters provided",
     "(data=parameter value)...", "request_policy:all_nodes response_policy:all_succeeded"},
    {"config|resetstat", "O(1)", ""},
    {"config|rewrite", "O(1)", ""},
    {"config|help", "O(1)", ""},
    {"client|id", "O(1)", ""},
    {"client|getname", "O(1)", ""},
    {"client|setname", "O(1)", "connection-name"},
    {"client|setinfo", "O(1)", "(attr=LIB-NAME libname|LIB-VER libver)"},
    {"client|info", "O(1)", "", "nondeterministic_output"},
    {"client|list", "O(N) where N is the number of client connections",
     "[client-type=TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID client-id:integer...]",
     "nondeterministic_output"},
    {"client|kill", "O(N) where N is the number of client connections",
     "(filter=ip:port|(new-format=ID client-id:integer|TYPE (NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)"
     "|USER username|ADDR ip:port|LADDR ip:port|SKIPME (YES|NO))...)"},
    {"client|no-evict", "O(1)", "(enabled=ON|OFF)"},
    {"client|no-touch", "O(1)", "(enabled=ON|OFF)"},
    {"client|help", "O(1)", ""},
    // pub/sub
    {"subscribe", "O(N) where N is the number of channels to subscribe to.", "channel..."},
    {"unsubscribe", "O(N) where N is the number of channels to unsubscribe.", "[channel...]"},
    {"psubscribe", "O(N) where N is the number of patterns to subscribe to.",
     "pattern:pattern..."},
    {"punsubscribe", "O(N) where N is the number of patterns to unsubscribe.",
     "[pattern:pattern...]"},
    {"publish", "O(N+M) where N is the number of clients subscribed to the receiving channel "
     "and M is the total number of subscribed patterns (by any client).", "channel message"},
};

const DocRow* FindDocRow(std::string_view full_name) {
  for (const DocRow& row : kDocRows) {
    if (row.name == full_name) return &row;
  }
  return nullptr;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void WriteDocArg(resp::Writer& w, const DocArg& a) {
  size_t fields = 2 + (a.key_spec_index >= 0) + !a.token.empty() +
                  (a.optional || a.multiple) + !a.args.empty();
  w.Map(fields);
  w.Bulk("name");
  w.Bulk(a.name);
  w.Bulk("type");
  w.Bulk(a.type);
  if (a.key_spec_index >= 0) {
    w.Bulk("key_spec_index");
    w.Integer(a.key_spec_index);
  }
  if (!a.token.empty()) {
    w.Bulk("token");
    w.Bulk(a.token);
  }
  if (a.optional || a.multiple) {
    w.Bulk("flags");
    w.Set(static_cast<size_t>(a.optional) + a.multiple);
    if (a.optional) w.Simple("optional");
    if (a.multiple) w.Simple("multiple");
  }
  if (!a.args.empty()) {
    w.Bulk("arguments");
    w.Array(a.args.size());
    for (const DocArg& sub : a.args) WriteDocArg(w, sub);
  }
}

std::string FullName(const CommandSpec* container, const CommandSpec& spec) {
  if (container == nullptr) return std::string(spec.name);
  return std::string(container->name) + "|" + std::string(spec.name);
}

void WriteDocs(resp::Writer& w, const CommandSpec* container, const CommandSpec& spec) {
  std::string full = FullName(container, spec);
  const DocRow* row = FindDocRow(full);
  std::vector<DocArg> args;
  if (row != nullptr && !row->syntax.empty()) ParseDocSyntax(row->syntax, args);
  std::string_view complexity = row != nullptr ? row->complexity : std::string_view();
  if (complexity.empty() && !spec.subcommands.empty()) complexity = "Depends on subcommand.";
  w.Bulk(full);
  w.Map(3 + !complexity.empty() + !args.empty() + !spec.subcommands.empty());
  w.Bulk("summary");
  w.Bulk(spec.summary);
  w.Bulk("since");
  w.Bulk(spec.since);
  w.Bulk("group");
  w.Bulk(spec.group);
  if (!complexity.empty()) {
    w.Bulk("complexity");
    w.Bulk(complexity);
  }
  if (!args.empty()) {
    w.Bulk("arguments");
    w.Array(args.size());
    for (const DocArg& a : args) WriteDocArg(w, a);
  }
  if (!spec.subcommands.empty()) {
    w.Bulk("subcommands");
    w.Map(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) WriteDocs(w, &spec, sub);
  }
}

void WriteKeySpecs(resp::Writer& w, const CommandSpec& spec, const DocRow* row) {
  // Redis 7 sends key specs as a set in RESP3 (as it does tips).
  if (spec.first_key <= 0 && spec.movable == nullptr) return w.Set(0);
  std::vector<std::string_view> flags;
  if (row != nullptr && !row->key_flags.empty()) {
    flags = SplitWords(row->key_flags);
  } else if (spec.flags & kWrite) {
    flags = {"RW", "update"};
  } else {
    flags = {"RO", "access"};
  }
  w.Set(1);
  w.Map(3);
  w.Bulk("flags");
  w.Set(flags.size());
  for (auto f : flags) w.Simple(f);
  w.Bulk("begin_search");
  w.Map(2);
  w.Bulk("type");
  const MovableKeys* m = spec.movable;
  if (m != nullptr) {
    w.Bulk("keyword");
    w.Bulk("spec");
    w.Map(2);
    w.Bulk("keyword");
    w.Bulk(m->keyword);
    w.Bulk("startfrom");
    w.Integer(m->startfrom);
  } else {
    w.Bulk("index");
    w.Bulk("spec");
    w.Map(1);
    w.Bulk("index");
    w.Integer(spec.first_key);
  }
  w.Bulk("find_keys");
  w.Map(2);
  w.Bulk("type");
  w.Bulk("range");
  w.Bulk("spec");
  w.Map(3);
  w.Bulk("lastkey");
  if (m != nullptr) {
    w.Integer(m->lastkey);
  } else {
    w.Integer(spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key);
  }
  w.Bulk("keystep");
  w.Integer(m != nullptr ? m->keystep : spec.key_step);
  w.Bulk("limit");
  w.Integer(m != nullptr ? m->limit : 0);
}

void WriteInfo(resp::Writer& w, const CommandSpec* container, const CommandSpec& spec) {
  std::string full = FullName(container, spec);
  bool is_container = !spec.subcommands.empty() && spec.handler == nullptr;
  const DocRow* row = FindDocRow(full);
  w.Array(10);
  w.Bulk(full);
  w.Integer(spec.arity);
  auto flags = CommandFlagNames(spec, is_container);
  w.Set(flags.size());
  for (auto f : flags) w.Simple(f);
  w.Integer(spec.first_key);
  w.Integer(spec.last_key);
  w.Integer(spec.key_step);
  auto cats = CommandAclCategories(spec, full, is_container);
  w.Set(cats.size());
  for (auto c : cats) w.Simple(c);
  auto tips = row != nullptr && !is_container ? SplitWords(row->tips)
                                              : std::vector<std::string_view>{};
  w.Set(tips.size());
  for (auto t : tips) w.Bulk(t);
  WriteKeySpecs(w, spec, row);
  // Redis 7 quirk, kept for byte-equality in RESP3: no subcommands is an empty set, some are
  // an array.
  if (spec.subcommands.empty()) {
    w.Set(0);
  } else {
    w.Array(spec.subcommands.size());
  }
  for (const CommandSpec& sub : spec.subcommands) WriteInfo(w, &spec, sub);
}

// Looks up "name" or "container|sub".
bool FindByFullName(const CommandTable& table, std::string_view name,
                    const CommandSpec*& container, const CommandSpec*& spec) {
  size_t bar = name.find('|');
  container = nullptr;
  spec = table.Find(name.substr(0, bar));
  if (spec == nullptr || bar == std::string_view::npos) return spec != nullptr;
  container = spec;
  spec = CommandTable::FindSubcommand(*container, name.substr(bar + 1));
  return spec != nullptr;
}

void Command(CommandContext& ctx) {
  const auto& all = ctx.server.commands->all();
  ctx.reply.Array(all.size());
  for (const CommandSpec* spec : all) WriteInfo(ctx.reply, nullptr, *spec);
}

void CommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands->all().size()));
}

void CommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) return Command(ctx);
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    const CommandSpec* container;
    const CommandSpec* spec;
    if (!FindByFullName(*ctx.server.commands, AsciiLower(ctx.arg(i)), container, spec)) {
      ctx.reply.Null();  // Redis answers an unknown name with a null bulk, not a null array
      continue;
    }
    WriteInfo(ctx.reply, container, *spec);
  }
}

void CommandDocs(CommandContext& ctx) {
  std::vector<std::pair<const CommandSpec*, const CommandSpec*>> found;
  if (ctx.argc() == 2) {
    for (const CommandSpec* spec : ctx.server.commands->all()) found.emplace_back(nullptr, spec);
  } else {
    for (size_t i = 2; i < ctx.argc(); i++) {
      const CommandSpec* container;
      const CommandSpec* spec;
      if (FindByFullName(*ctx.server.commands, AsciiLower(ctx.arg(i)), container, spec)) {
        found.emplace_back(container, spec);
      }
    }
  }
  ctx.reply.Map(found.size());
  for (auto [container, spec] : found) WriteDocs(ctx.reply, container, *spec);
}

void CommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string value;
  if (ctx.argc() == 5 && EqualsIgnoreCase(ctx.arg(2), "FILTERBY")) {
    value = std::string(ctx.arg(4));
    if (EqualsIgnoreCase(ctx.arg(3), "MODULE")) filter = Filter::kModule;
    else if (EqualsIgnoreCase(ctx.arg(3), "ACLCAT")) filter = Filter::kAclCat;
    else if (EqualsIgnoreCase(ctx.arg(3), "PATTERN")) filter = Filter::kPattern;
    else return ctx.reply.Error(err::kSyntax);
  } else if (ctx.argc() != 2) {
    return ctx.reply.Error(err::kSyntax);
  }
  std::vector<std::string> names;
  auto consider = [&](const CommandSpec* container, const CommandSpec& spec) {
    std::string full = FullName(container, spec);
    bool is_container = !spec.subcommands.empty() && spec.handler == nullptr;
    switch (filter) {
      case Filter::kNone: break;
      case Filter::kModule: return;  // no modules
      case Filter::kAclCat: {
        auto cats = CommandAclCategories(spec, full, is_container);
        std::string want = "@";
        want += AsciiLower(value);
        if (std::find(cats.begin(), cats.end(), want) == cats.end()) return;
        break;
      }
      case Filter::kPattern:
        if (!GlobMatch(value, full, true)) return;
        break;
    }
    names.push_back(std::move(full));
  };
  for (const CommandSpec* spec : ctx.server.commands->all()) {
    consider(nullptr, *spec);
    for (const CommandSpec& sub : spec->subcommands) consider(spec, sub);
  }
  ctx.reply.Array(names.size());
  for (const auto& n : names) ctx.reply.Bulk(n);
}

// Resolves the command inside COMMAND GETKEYS; on failure writes the error and returns null.
const CommandSpec* GetKeysTarget(CommandContext& ctx, std::span<const std::string_view> argv) {
  const CommandSpec* spec = ctx.server.commands->Find(argv[0]);
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) {
    spec = CommandTable::FindSubcommand(*spec, argv[1]);
  }
  if (spec == nullptr) {
    ctx.reply.Error(err::kInvalidCommandSpecified);
    return nullptr;
  }
  bool arity_ok = spec->arity >= 0 ? argv.size() == static_cast<size_t>(spec->arity)
                                   : argv.size() >= static_cast<size_t>(-spec->arity);
  if (!arity_ok) {
    ctx.reply.Error(err::kInvalidArgumentCount);
    return nullptr;
  }
  if (spec->first_key <= 0 && spec->movable == nullptr) {
    ctx.reply.Error(err::kNoKeyArguments);
    return nullptr;
  }
  return spec;
}

void CommandGetKeys(CommandContext& ctx, bool with_flags) {
  auto argv = ctx.argv.subspan(2);
  const CommandSpec* spec = GetKeysTarget(ctx, argv);
  if (spec == nullptr) return;
  auto keys = KeyPositions(*spec, argv);
  if (keys.empty()) return ctx.reply.Error(err::kInvalidArguments);
  const DocRow* row = FindDocRow(spec->name);
  std::vector<std::string_view> flags;
  if (row != nullptr && !row->key_flags.empty()) {
    flags = SplitWords(row->key_flags);
  } else {
    flags = (spec->flags & kWrite) ? std::vector<std::string_view>{"RW", "update"}
                                   : std::vector<std::string_view>{"RO", "access"};
  }
  // "variable_flags" (SET) means the access depends on the call: reading only with GET.
  if (std::find(flags.begin(), flags.end(), "variable_flags") != flags.end()) {
    bool reads = false;
    for (size_t i = 3; i < argv.size(); i++) reads = reads || EqualsIgnoreCase(argv[i], "GET");
    if (reads) {
      std::erase(flags, std::string_view("variable_flags"));
    } else {
      flags = {"OW", "update"};
    }
  }
  ctx.reply.Array(keys.size());
  for (size_t k : keys) {
    if (!with_flags) {
      ctx.reply.Bulk(argv[k]);
      continue;
    }
    ctx.reply.Array(2);
    ctx.reply.Bulk(argv[k]);
    ctx.reply.Set(flags.size());
    for (auto f : flags) ctx.reply.Simple(f);
  }
}

void CommandGetKeysOnly(CommandContext& ctx) { CommandGetKeys(ctx, false); }
void CommandGetKeysAndFlags(CommandContext& ctx) { CommandGetKeys(ctx, true); }

void CommandHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr uint32_t kIntrospect = kLoading | kStale;

constexpr CommandSpec kCommandSubcommands[] = {
    {"count", 2, kIntrospect, 0, 0, 0, CommandCount, "Returns a count of commands.", "2.8.13",
     "server"},
    {"info", -2, kIntrospect, 0, 0, 0, CommandInfo,
     "Returns information about one, multiple or all commands.", "2.8.13", "server"},
    {"docs", -2, kIntrospect, 0, 0, 0, CommandDocs,
     "Returns documentary information about one, multiple or all commands.", "7.0.0", "server"},
    {"list", -2, kIntrospect, 0, 0, 0, CommandList, "Returns a list of command names.", "7.0.0",
     "server"},
    {"getkeys", -4, kIntrospect, 0, 0, 0, CommandGetKeysOnly,
     "Extracts the key names from an arbitrary command.", "2.8.13", "server"},
    {"getkeysandflags", -4, kIntrospect, 0, 0, 0, CommandGetKeysAndFlags,
     "Extracts the key names and access flags for an arbitrary command.", "7.0.0", "server"},
    {"help", 2, kIntrospect, 0, 0, 0, CommandHelp, "Returns helpful text about the different "
     "subcommands.", "5.0.0", "server"},
};

constexpr CommandSpec kCommandRows[] = {
    {"command", -1, kIntrospect, 0, 0, 0, Command,
     "Returns detailed information about all commands.", "2.8.13", "server",
     kCommandSubcommands},
};

}  // namespace

std::vector<std::string_view> CommandFlagNames(const CommandSpec& spec, bool is_container) {
  std::vector<std::string_view> out;
  if (is_container) return out;  // Redis reports a pure container with no flags
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kWrite, "write"},         {kReadOnly, "readonly"},     {kDenyOom, "denyoom"},
      {kAdmin, "admin"},         {kPubSub, "pubsub"},         {kNoScript, "noscript"},
      {kBlocking, "blocking"},   {kLoading, "loading"},       {kStale, "stale"},
      {kSkipMonitor, "skip_monitor"}, {kFast, "fast"},        {kNoAuth, "no_auth"},
      {kMayReplicate, "may_replicate"}, {kNoMandatoryKeys, "no_mandatory_keys"},
      {kNoAsyncLoading, "no_async_loading"}, {kAllowBusy, "allow_busy"},
  };
  for (auto [bit, name] : kNames) {
    if (spec.flags & bit) out.push_back(name);
  }
  if (spec.movable != nullptr) out.push_back("movablekeys");
  return out;
}

std::vector<std::string_view> CommandAclCategories(const CommandSpec& spec,
                                                   std::string_view full_name,
                                                   bool is_container) {
  // Redis's category order.
  static constexpr std::string_view kOrder[] = {
      "@keyspace", "@read",   "@write",      "@set",       "@sortedset", "@list",
      "@hash",     "@string", "@bitmap",     "@hyperloglog", "@geo",     "@stream",
      "@pubsub",   "@admin",  "@fast",       "@slow",      "@blocking",  "@dangerous",
      "@connection", "@transaction", "@scripting"};
  if (is_container) return {"@slow"};
  std::vector<std::string_view> have;
  if (spec.flags & kWrite) have.push_back("@write");
  if (spec.flags & kReadOnly) have.push_back("@read");
  if (spec.flags & kAdmin) {
    have.push_back("@admin");
    have.push_back("@dangerous");
  }
  if (spec.flags & kPubSub) have.push_back("@pubsub");
  have.push_back((spec.flags & kFast) ? "@fast" : "@slow");
  if (spec.flags & kBlocking) have.push_back("@blocking");
  static constexpr std::pair<std::string_view, std::string_view> kGroups[] = {
      {"generic", "@keyspace"}, {"string", "@string"}, {"list", "@list"}, {"hash", "@hash"},
      {"set", "@set"}, {"sorted-set", "@sortedset"}, {"bitmap", "@bitmap"},
      {"hyperloglog", "@hyperloglog"}, {"geo", "@geo"}, {"stream", "@stream"},
      {"pubsub", "@pubsub"}, {"connection", "@connection"}, {"transactions", "@transaction"},
      {"scripting", "@scripting"}};
  for (auto [group, cat] : kGroups) {
    if (spec.group == group) have.push_back(cat);
  }
  if (const DocRow* row = FindDocRow(full_name)) {
    for (auto c : SplitWords(row->extra_acl)) have.push_back(c);
  }
  std::vector<std::string_view> out;
  for (auto c : kOrder) {
    if (std::find(have.begin(), have.end(), c) != have.end()) out.push_back(c);
  }
  return out;
}

std::string_view DocSyntaxFor(std::string_view full_name) {
  const DocRow* row = FindDocRow(full_name);
  return row == nullptr ? std::string_view() : row->syntax;
}

std::vector<std::pair<std::string_view, std::string_view>> AllDocSyntaxes() {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const DocRow& row : kDocRows) out.emplace_back(row.name, row.syntax);
  return out;
}

std::span<const CommandSpec> CommandIntrospectionCommands() { return kCommandRows; }

}  // namespace server
