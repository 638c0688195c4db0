// COMMAND and its subcommands, generated from the CommandTable: every row carries its docs.
#include "src/commands/registry.h"
#include "src/commands/util.h"
#include "src/ascii.h"
#include "src/commands/server/command_docs.h"

#include <algorithm>
#include <initializer_list>
#include <cctype>

#include "src/commands/server/admin.h"
#include "src/errors.h"

namespace server {

namespace {


void WriteDocArg(resp::Writer& w, const DocArg& a) {
  size_t fields = 2 + (a.key_spec_index >= 0) + !a.token.empty() +
                  (a.optional || a.multiple || a.multiple_token) + !a.args.empty();
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
  if (a.optional || a.multiple || a.multiple_token) {
    w.Bulk("flags");
    w.Set(static_cast<size_t>(a.optional) + a.multiple + a.multiple_token);
    if (a.optional) w.Simple("optional");
    if (a.multiple) w.Simple("multiple");
    if (a.multiple_token) w.Simple("multiple_token");
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
  std::vector<DocArg> args;
  if (!spec.doc.syntax.empty()) ParseDocSyntax(spec.doc.syntax, args);
  std::string_view complexity = spec.doc.complexity;
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

// The key flags of the row's fixed keys (or of its only key spec).
std::vector<std::string_view> RowKeyFlags(const CommandSpec& spec) {
  if (!spec.doc.key_flags.empty()) return SplitWordViews(spec.doc.key_flags);
  if (spec.flags & kWrite) return {"RW", "update"};
  return {"RO", "access"};
}

// A row whose fixed keys play different parts (LMOVE: source, destination; BITOP: destination,
// sources) lists one flag set per key spec, separated by '|': spec i covers the i-th fixed key,
// the last one every key from there to the row's last key.
std::vector<std::vector<std::string_view>> RowKeySpecs(const CommandSpec& spec) {
  std::vector<std::vector<std::string_view>> specs;
  std::string_view rest = spec.doc.key_flags;
  if (rest.find('|') == std::string_view::npos) return {RowKeyFlags(spec)};
  while (true) {
    const size_t bar = rest.find('|');
    specs.push_back(SplitWordViews(rest.substr(0, bar)));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return specs;
}

// Which of RowKeySpecs covers the fixed key at argv[pos].
size_t FixedKeySpecIndex(const CommandSpec& spec, size_t pos, size_t spec_count) {
  const size_t step = spec.key_step > 0 ? static_cast<size_t>(spec.key_step) : 1;
  const size_t i = (pos - static_cast<size_t>(spec.first_key)) / step;
  return std::min(i, spec_count - 1);
}

// The key flags of a row's movable keys when it also has fixed ones (ZUNIONSTORE's sources).
std::vector<std::string_view> MovableKeyFlags(const MovableKeys& m) {
  if (!m.key_flags.empty()) return SplitWordViews(m.key_flags);
  return {"RO", "access"};
}

void WriteSpecFlags(resp::Writer& w, const std::vector<std::string_view>& flags) {
  w.Bulk("flags");
  w.Set(flags.size());
  for (auto f : flags) w.Simple(f);
}

void WriteIndexSearch(resp::Writer& w, int index) {
  w.Bulk("begin_search");
  w.Map(2);
  w.Bulk("type");
  w.Bulk("index");
  w.Bulk("spec");
  w.Map(1);
  w.Bulk("index");
  w.Integer(index);
}

void WriteRangeFind(resp::Writer& w, int lastkey, int keystep, int limit) {
  w.Bulk("find_keys");
  w.Map(2);
  w.Bulk("type");
  w.Bulk("range");
  w.Bulk("spec");
  w.Map(3);
  w.Bulk("lastkey");
  w.Integer(lastkey);
  w.Bulk("keystep");
  w.Integer(keystep);
  w.Bulk("limit");
  w.Integer(limit);
}

void WriteMovableSpec(resp::Writer& w, const MovableKeys& m,
                      const std::vector<std::string_view>& flags) {
  w.Map(3);
  WriteSpecFlags(w, flags);
  if (m.keynum) {
    WriteIndexSearch(w, m.index);
    w.Bulk("find_keys");
    w.Map(2);
    w.Bulk("type");
    w.Bulk("keynum");
    w.Bulk("spec");
    w.Map(3);
    w.Bulk("keynumidx");
    w.Integer(m.keynumidx);
    w.Bulk("firstkey");
    w.Integer(m.firstkey);
    w.Bulk("keystep");
    w.Integer(m.keystep);
    return;
  }
  w.Bulk("begin_search");
  w.Map(2);
  w.Bulk("type");
  w.Bulk("keyword");
  w.Bulk("spec");
  w.Map(2);
  w.Bulk("keyword");
  w.Bulk(m.keyword);
  w.Bulk("startfrom");
  w.Integer(m.startfrom);
  WriteRangeFind(w, m.lastkey, m.keystep, m.limit);
}

// A key spec Redis cannot describe: where the keys are is "unknown", with a note saying why.
void WriteUnknownKeySpec(resp::Writer& w, std::string_view notes,
                         const std::vector<std::string_view>& flags) {
  w.Map(4);
  w.Bulk("notes");
  w.Bulk(notes);
  WriteSpecFlags(w, flags);
  for (std::string_view part : {"begin_search", "find_keys"}) {
    w.Bulk(part);
    w.Map(2);
    w.Bulk("type");
    w.Bulk("unknown");
    w.Bulk("spec");
    w.Map(0);
  }
}

// SORT and SORT_RO, as Redis 7.0 describes them: the sorted key, the keys BY/GET patterns
// derive from the data, and (SORT) the STORE destination.
void WriteSortKeySpecs(resp::Writer& w, const MovableKeys& m) {
  w.Set(m.sort_store ? 3 : 2);
  w.Map(3);
  WriteSpecFlags(w, {"RO", "access"});
  WriteIndexSearch(w, 1);
  WriteRangeFind(w, 0, 1, 0);
  WriteUnknownKeySpec(w,
                      "For the optional BY/GET keyword. It is marked 'unknown' because the key "
                      "names derive from the content of the key we sort",
                      {"RO", "access"});
  if (!m.sort_store) return;
  WriteUnknownKeySpec(w,
                      "For the optional STORE keyword. It is marked 'unknown' because the "
                      "keyword can appear anywhere in the argument array",
                      {"OW", "update"});
}

void WriteKeySpecs(resp::Writer& w, const CommandSpec& spec) {
  // Redis 7 sends key specs as a set in RESP3 (as it does tips).
  const MovableKeys* m = spec.movable;
  if (m != nullptr && m->sort) return WriteSortKeySpecs(w, *m);
  const bool fixed = spec.first_key > 0;
  if (!fixed && m == nullptr) return w.Set(0);
  const auto specs = fixed ? RowKeySpecs(spec) : std::vector<std::vector<std::string_view>>{};
  w.Set(specs.size() + (m != nullptr ? 1 : 0));
  for (size_t i = 0; i < specs.size(); i++) {
    const int begin = spec.first_key + static_cast<int>(i) * spec.key_step;
    const bool last = i + 1 == specs.size();
    w.Map(3);
    WriteSpecFlags(w, specs[i]);
    WriteIndexSearch(w, begin);
    WriteRangeFind(w, !last ? 0 : spec.last_key < 0 ? spec.last_key : spec.last_key - begin,
                   spec.key_step, 0);
  }
  if (m != nullptr) WriteMovableSpec(w, *m, fixed ? MovableKeyFlags(*m) : RowKeyFlags(spec));
}

void WriteInfo(resp::Writer& w, const CommandSpec* container, const CommandSpec& spec) {
  std::string full = FullName(container, spec);
  bool is_container = !spec.subcommands.empty() && spec.handler == nullptr;
  w.Array(10);
  w.Bulk(full);
  w.Integer(spec.arity);
  auto flags = CommandFlagNames(spec, is_container);
  w.Set(flags.size());
  for (auto f : flags) w.Simple(f);
  w.Integer(spec.first_key);
  w.Integer(spec.last_key);
  w.Integer(spec.key_step);
  auto cats = AclCategoriesOf(spec, is_container);
  w.Set(cats.size());
  for (auto c : cats) w.Simple(c);
  auto tips = !is_container ? SplitWordViews(spec.doc.tips) : std::vector<std::string_view>{};
  w.Set(tips.size());
  for (auto t : tips) w.Bulk(t);
  WriteKeySpecs(w, spec);
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
        auto cats = AclCategoriesOf(spec, is_container);
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

// Resolves the command inside COMMAND GETKEYS (never null): the command, or its subcommand,
// called with a valid number of arguments and taking keys.
Result<const CommandSpec*> GetKeysTarget(const CommandTable& table,
                                         std::span<const std::string_view> argv) {
  const CommandSpec* spec = table.Find(argv[0]);
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) {
    spec = CommandTable::FindSubcommand(*spec, argv[1]);
  }
  if (spec == nullptr) return Failure(err::kInvalidCommandSpecified);
  bool arity_ok = spec->arity >= 0 ? argv.size() == static_cast<size_t>(spec->arity)
                                   : argv.size() >= static_cast<size_t>(-spec->arity);
  if (!arity_ok) return Failure(err::kInvalidArgumentCount);
  if (spec->first_key <= 0 && spec->movable == nullptr) return Failure(err::kNoKeyArguments);
  return spec;
}

void CommandGetKeys(CommandContext& ctx, bool with_flags) {
  auto argv = ctx.argv.subspan(2);
  auto target = GetKeysTarget(*ctx.server.commands, argv);
  if (!target) return ctx.reply.Error(target.error());
  const CommandSpec* spec = *target;
  auto keys = KeyPositions(*spec, argv);
  if (keys.empty()) return ctx.reply.Error(err::kInvalidArguments);
  std::vector<std::string_view> flags = RowKeyFlags(*spec);
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
  // A row with fixed and movable keys: the keys after the fixed ones have the movable flags.
  const size_t fixed_count =
      spec->movable != nullptr && spec->first_key > 0
          ? static_cast<size_t>(std::count_if(keys.begin(), keys.end(), [&](size_t k) {
              return k <= static_cast<size_t>(spec->last_key);
            }))
          : keys.size();
  std::vector<std::string_view> moved_flags =
      spec->movable != nullptr ? MovableKeyFlags(*spec->movable) : flags;
  // SORT: the sorted key (the one fixed key) is read, the STORE destination overwritten.
  if (spec->movable != nullptr && spec->movable->sort) {
    flags = {"RO", "access"};
    moved_flags = {"OW", "update"};
  }
  const auto fixed_specs = RowKeySpecs(*spec);
  ctx.reply.Array(keys.size());
  for (size_t i = 0; i < keys.size(); i++) {
    if (!with_flags) {
      ctx.reply.Bulk(argv[keys[i]]);
      continue;
    }
    const auto& key_flags =
        i >= fixed_count ? moved_flags
        : fixed_specs.size() > 1
            ? fixed_specs[FixedKeySpecIndex(*spec, keys[i], fixed_specs.size())]
            : flags;
    ctx.reply.Array(2);
    ctx.reply.Bulk(argv[keys[i]]);
    ctx.reply.Set(key_flags.size());
    for (auto f : key_flags) ctx.reply.Simple(f);
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
     "server", {"O(1)", "", "", "", "@connection"}},
    {"info", -2, kIntrospect, 0, 0, 0, CommandInfo,
     "Returns information about one, multiple or all commands.", "2.8.13", "server",
     {"O(N) where N is the number of commands to look up", "[command-name...]",
      "nondeterministic_output_order", "", "@connection"}},
    {"docs", -2, kIntrospect, 0, 0, 0, CommandDocs,
     "Returns documentary information about one, multiple or all commands.", "7.0.0", "server",
     {"O(N) where N is the number of commands to look up", "[command-name...]",
      "nondeterministic_output_order", "", "@connection"}},
    {"list", -2, kIntrospect, 0, 0, 0, CommandList, "Returns a list of command names.", "7.0.0",
     "server",
     {"O(N) where N is the total number of Redis commands",
      "[filterby=FILTERBY (MODULE module-name|ACLCAT category|PATTERN pattern:pattern)]", "", "",
      "@connection"}},
    {"getkeys", -4, kIntrospect, 0, 0, 0, CommandGetKeysOnly,
     "Extracts the key names from an arbitrary command.", "2.8.13", "server",
     {"O(N) where N is the number of arguments to the command", "command [arg...]", "", "",
      "@connection"}},
    {"getkeysandflags", -4, kIntrospect, 0, 0, 0, CommandGetKeysAndFlags,
     "Extracts the key names and access flags for an arbitrary command.", "7.0.0", "server",
     {"O(N) where N is the number of arguments to the command", "command [arg...]", "", "",
      "@connection"}},
    {"help", 2, kIntrospect, 0, 0, 0, CommandHelp,
     "Returns helpful text about the different subcommands.", "5.0.0", "server",
     {"O(1)", "", "", "", "@connection"}},
};

constexpr CommandSpec kCommandRows[] = {
    {"command", -1, kIntrospect, 0, 0, 0, Command,
     "Returns detailed information about all commands.", "2.8.13", "server",
     {"O(N) where N is the total number of Redis commands", "", "nondeterministic_output_order", "",
      "@connection"}, kCommandSubcommands},
};

}  // namespace

std::vector<std::string_view> CommandFlagNames(const CommandSpec& spec, bool is_container) {
  std::vector<std::string_view> out;
  if (is_container) return out;  // Redis reports a pure container with no flags
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kWrite, "write"},         {kReadOnly, "readonly"},     {kDenyOom, "denyoom"},
      {kAdmin, "admin"},         {kPubSub, "pubsub"},         {kNoScript, "noscript"},
      {kBlocking, "blocking"},   {kLoading, "loading"},       {kStale, "stale"},
      {kSkipMonitor, "skip_monitor"}, {kSkipSlowlog, "skip_slowlog"},
      {kFast, "fast"},           {kNoAuth, "no_auth"},
      {kMayReplicate, "may_replicate"}, {kNoMandatoryKeys, "no_mandatory_keys"},
      {kNoAsyncLoading, "no_async_loading"}, {kNoMulti, "no_multi"},
      {kAllowBusy, "allow_busy"},
  };
  for (auto [bit, name] : kNames) {
    if (spec.flags & bit) out.push_back(name);
  }
  if (spec.movable != nullptr) out.push_back("movablekeys");
  return out;
}

std::vector<std::pair<std::string, std::string_view>> AllDocSyntaxes(const CommandTable& table) {
  std::vector<std::pair<std::string, std::string_view>> out;
  for (const CommandSpec* spec : table.all()) {
    out.emplace_back(spec->name, spec->doc.syntax);
    for (const CommandSpec& sub : spec->subcommands) {
      out.emplace_back(FullName(spec, sub), sub.doc.syntax);
    }
  }
  return out;
}

std::span<const CommandSpec> CommandRows() { return kCommandRows; }

}  // namespace server
