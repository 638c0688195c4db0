#include "src/acl/acl_user.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "src/ascii.h"
#include "src/command_table.h"

namespace server::acl {

namespace {

constexpr std::string_view kCategoryNames[] = {
    "keyspace",  "read",      "write",      "set",        "sortedset", "list",
    "hash",      "string",    "bitmap",     "hyperloglog", "geo",      "stream",
    "pubsub",    "admin",     "fast",       "slow",       "blocking",  "dangerous",
    "connection", "transaction", "scripting"};

void SetBit(Selector& s, int id, bool on) {
  // Allowing or denying a command outright overrides its first-argument rules.
  if (!s.first_args.empty()) {
    std::erase_if(s.first_args, [id](const auto& f) { return f.first == id; });
  }
  uint64_t& word = s.allowed[static_cast<size_t>(id) / 64];
  const uint64_t bit = uint64_t{1} << (id % 64);
  word = on ? (word | bit) : (word & ~bit);
}

void SetAll(Selector& s, bool on) {
  std::fill(s.allowed.begin(), s.allowed.end(), on ? ~0ull : 0);
  s.first_args.clear();
}

// A command and, for a container, all its subcommands.
void SetCommand(Selector& s, const CommandIndex& index, int id, bool on) {
  SetBit(s, id, on);
  for (int sub : index.Subcommands(id)) SetBit(s, sub, on);
}

// Keeps the rule list short as Redis 7.2 does: a rule for the same command or category replaces
// the earlier one ("+get ... -get" leaves "-get"); allcommands / nocommands start it over.
void AddCommandRule(Selector& s, std::string rule) {
  const std::string_view target = std::string_view(rule).substr(1);
  std::erase_if(s.command_rules, [&](const std::string& r) {
    return std::string_view(r).substr(1) == target;
  });
  s.command_rules.push_back(std::move(rule));
}

std::string ModifierError(std::string_view rule, std::string_view reason) {
  return "ERR Error in ACL SETUSER modifier '" + std::string(rule) + "': " + std::string(reason);
}

constexpr std::string_view kSyntax = "Syntax error";
constexpr std::string_view kFirstArgOfSubcommand =
    "Allowing first-arg of a subcommand is not supported";
constexpr std::string_view kUnknownCommand = "Unknown command or category name in ACL";
constexpr std::string_view kBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
    "characters";
constexpr std::string_view kNoSuchPassword =
    "The password you are trying to remove from the user does not exist";
constexpr std::string_view kKeyAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not "
    "have any effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not "
    "have any effect. Try 'resetchannels' to start with an empty list of channels";

bool ValidHash(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// ">pass" / "<pass" hash the password; "#hash" / "!hash" give the hash itself.
Result<std::string> PasswordHash(std::string_view rule) {
  if (rule[0] == '>' || rule[0] == '<') return Sha256Hex(rule.substr(1));
  if (!ValidHash(rule.substr(1))) return Failure(std::string(kBadHash));
  return std::string(rule.substr(1));
}

Selector EmptySelector(const CommandIndex& index, bool allchannels_default) {
  Selector s;
  s.allowed.assign((index.size() + 63) / 64, 0);
  s.allchannels = allchannels_default;
  return s;
}

void ResetChannels(Selector& s) {
  s.allchannels = false;
  s.channels.clear();
}

// "+cmd|arg" for a command without subcommands (a "cmd|sub" that names a subcommand never gets
// here): the command runs when its first argument is arg. Redis refuses it for a subcommand's
// argument and in the "-" form.
Result<void> ApplyFirstArgRule(Selector& s, std::string_view command, std::string_view arg,
                               bool on, const CommandIndex& index) {
  const int id = index.Find(command);
  if (id < 0) return Failure(std::string(kUnknownCommand));
  if (!index.Subcommands(id).empty()) {
    const size_t bar = arg.find('|');
    if (bar == std::string_view::npos ||
        index.Find(std::string(command) + "|" + std::string(arg.substr(0, bar))) < 0) {
      return Failure(std::string(kUnknownCommand));
    }
    return Failure(std::string(kFirstArgOfSubcommand));
  }
  if (!on || arg.find('|') != std::string_view::npos) {
    return Failure(std::string(kUnknownCommand));
  }
  if (arg.empty()) return Failure(std::string(kSyntax));
  if (s.Allows(id)) return {};  // already allowed with any argument
  auto it = std::find_if(s.first_args.begin(), s.first_args.end(),
                         [id](const auto& f) { return f.first == id; });
  if (it == s.first_args.end()) {
    s.first_args.emplace_back(id, std::vector<std::string>{});
    it = std::prev(s.first_args.end());
  }
  if (std::none_of(it->second.begin(), it->second.end(),
                   [&](const std::string& a) { return EqualsIgnoreCase(a, arg); })) {
    it->second.emplace_back(arg);
  }
  AddCommandRule(s, "+" + index.Name(id) + "|" + std::string(arg));
  return {};
}

// The rules a selector takes, inside or outside parentheses: commands, keys and channels.
// Returns the reason when the rule is not one, or is refused.
Result<void> ApplySelectorRule(Selector& s, std::string_view rule, const CommandIndex& index) {
  const std::string lower = AsciiLower(rule);
  if (lower == "allkeys" || rule == "~*") {
    s.allkeys = true;
    s.keys.clear();
    return {};
  }
  if (lower == "resetkeys") {
    s.allkeys = false;
    s.keys.clear();
    return {};
  }
  if (lower == "allchannels" || rule == "&*") {
    s.allchannels = true;
    s.channels.clear();
    return {};
  }
  if (lower == "resetchannels") {
    ResetChannels(s);
    return {};
  }
  if (lower == "allcommands" || lower == "+@all") {
    SetAll(s, true);
    s.command_rules = {"+@all"};
    return {};
  }
  if (lower == "nocommands" || lower == "-@all") {
    SetAll(s, false);
    s.command_rules = {"-@all"};
    return {};
  }
  if (!rule.empty() && (rule[0] == '~' || rule[0] == '%')) {
    KeyPattern k;
    std::string_view pattern = rule.substr(1);
    if (rule[0] == '%') {
      const size_t tilde = rule.find('~');
      if (tilde == std::string_view::npos || tilde == 1) return Failure(std::string(kSyntax));
      k.access = 0;
      for (char c : rule.substr(1, tilde - 1)) {
        if (c == 'R' || c == 'r') {
          k.access |= kKeyRead;
        } else if (c == 'W' || c == 'w') {
          k.access |= kKeyWrite;
        } else {
          return Failure(std::string(kSyntax));
        }
      }
      pattern = rule.substr(tilde + 1);
    }
    if (s.allkeys) return Failure(std::string(kKeyAfterAll));
    if (k.access == kKeyReadWrite && pattern == "*") {
      s.allkeys = true;
      s.keys.clear();
      return {};
    }
    k.pattern = std::string(pattern);
    for (KeyPattern& existing : s.keys) {
      if (existing.pattern == k.pattern) {
        existing.access |= k.access;
        return {};
      }
    }
    s.keys.push_back(std::move(k));
    return {};
  }
  if (!rule.empty() && rule[0] == '&') {
    if (s.allchannels) return Failure(std::string(kChannelAfterAll));
    std::string pattern(rule.substr(1));
    if (std::find(s.channels.begin(), s.channels.end(), pattern) == s.channels.end()) {
      s.channels.push_back(std::move(pattern));
    }
    return {};
  }
  if (rule.size() >= 2 && (rule[0] == '+' || rule[0] == '-')) {
    const bool on = rule[0] == '+';
    if (rule[1] == '@') {
      const std::vector<int>* ids = index.InCategory(lower.substr(2));
      if (ids == nullptr) return Failure(std::string(kUnknownCommand));
      for (int id : *ids) SetBit(s, id, on);
      AddCommandRule(s, lower);
      return {};
    }
    const std::string_view name = rule.substr(1);
    const size_t bar = name.find('|');
    if (bar != std::string_view::npos && index.Find(name) < 0) {
      return ApplyFirstArgRule(s, name.substr(0, bar), name.substr(bar + 1), on, index);
    }
    const int id = index.Find(name);
    if (id < 0) return Failure(std::string(kUnknownCommand));
    SetCommand(s, index, id, on);
    // "+select" or "-select" overrides every "+select|arg" given before it.
    if (index.Subcommands(id).empty()) {
      const std::string prefix = index.Name(id) + "|";
      std::erase_if(s.command_rules, [&](const std::string& r) {
        return std::string_view(r).substr(1).starts_with(prefix);
      });
    }
    AddCommandRule(s, std::string(1, rule[0]) + index.Name(id));
    return {};
  }
  return Failure(std::string(kSyntax));
}

// The user-level rules; anything else is a selector rule.
Result<void> ApplyUserRule(User& u, std::string_view rule, const CommandIndex& index,
                           bool allchannels_default) {
  const std::string lower = AsciiLower(rule);
  if (lower == "on") {
    u.enabled = true;
  } else if (lower == "off") {
    u.enabled = false;
  } else if (lower == "nopass") {
    u.nopass = true;
    u.passwords.clear();
  } else if (lower == "resetpass") {
    u.nopass = false;
    u.passwords.clear();
  } else if (lower == "sanitize-payload") {
    u.sanitize = Sanitize::kSanitize;
  } else if (lower == "skip-sanitize-payload") {
    u.sanitize = Sanitize::kSkip;
  } else if (lower == "reset") {
    const std::string name = u.name;
    u = NewUser(name, index, allchannels_default);
    u.sanitize = Sanitize::kSanitize;
  } else if (lower == "clearselectors") {
    u.selectors.clear();
  } else if (!rule.empty() && (rule[0] == '>' || rule[0] == '#')) {
    auto hash = PasswordHash(rule);
    if (!hash) return hash.failure();
    if (std::find(u.passwords.begin(), u.passwords.end(), *hash) == u.passwords.end()) {
      u.passwords.push_back(std::move(*hash));
    }
    u.nopass = false;
  } else if (!rule.empty() && (rule[0] == '<' || rule[0] == '!')) {
    auto hash = PasswordHash(rule);
    if (!hash) return hash.failure();
    auto it = std::find(u.passwords.begin(), u.passwords.end(), *hash);
    if (it == u.passwords.end()) return Failure(std::string(kNoSuchPassword));
    u.passwords.erase(it);
  } else if (rule.size() >= 2 && rule.front() == '(' && rule.back() == ')') {
    Selector s = EmptySelector(index, allchannels_default);
    const std::string_view inner = rule.substr(1, rule.size() - 2);
    size_t i = 0;
    while (i < inner.size()) {
      size_t j = inner.find(' ', i);
      if (j == std::string_view::npos) j = inner.size();
      if (j > i) {
        auto r = ApplySelectorRule(s, inner.substr(i, j - i), index);
        if (!r) return r;
      }
      i = j + 1;
    }
    u.selectors.push_back(std::move(s));
  } else {
    return ApplySelectorRule(u.root, rule, index);
  }
  return {};
}

void UpdateUnrestricted(User& u) {
  u.unrestricted = u.root.AllowsAllCommands() && u.root.allkeys && u.root.allchannels;
}

}  // namespace

CommandIndex::CommandIndex(const CommandTable& table) {
  by_category_.resize(std::size(kCategoryNames));
  auto add = [&](const CommandSpec* spec, std::string name, bool is_container) {
    const int id = static_cast<int>(specs_.size());
    specs_.push_back(spec);
    names_.push_back(std::move(name));
    subs_.emplace_back();
    for (std::string_view cat : AclCategoriesOf(*spec, is_container)) {
      for (size_t c = 0; c < std::size(kCategoryNames); c++) {
        if (cat.substr(1) == kCategoryNames[c]) by_category_[c].push_back(id);
      }
    }
    return id;
  };
  for (const CommandSpec* spec : table.all()) {
    const int top = add(spec, std::string(spec->name), !spec->subcommands.empty());
    for (const CommandSpec& sub : spec->subcommands) {
      const int id = add(&sub, std::string(spec->name) + "|" + std::string(sub.name), false);
      subs_[static_cast<size_t>(top)].push_back(id);
    }
  }
}

int CommandIndex::IdOf(const CommandSpec* spec) const {
  // Specs are few hundred and this runs only for restricted users: a linear scan would do,
  // but the table rows are contiguous per family, so search by address.
  for (size_t i = 0; i < specs_.size(); i++) {
    if (specs_[i] == spec) return static_cast<int>(i);
  }
  return -1;
}

int CommandIndex::Find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); i++) {
    if (EqualsIgnoreCase(names_[i], name)) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<int>* CommandIndex::InCategory(std::string_view category) const {
  for (size_t c = 0; c < std::size(kCategoryNames); c++) {
    if (EqualsIgnoreCase(kCategoryNames[c], category)) return &by_category_[c];
  }
  return nullptr;
}

std::span<const std::string_view> CommandIndex::Categories() { return kCategoryNames; }

bool Selector::AllowsCall(int id, std::span<const std::string_view> argv) const {
  if (Allows(id)) return true;
  if (id < 0 || argv.size() < 2) return false;
  for (const auto& [command, args] : first_args) {
    if (command != id) continue;
    return std::any_of(args.begin(), args.end(),
                       [&](const std::string& a) { return EqualsIgnoreCase(a, argv[1]); });
  }
  return false;
}

bool Selector::AllowsAllCommands() const {
  return !command_rules.empty() && command_rules.size() == 1 && command_rules[0] == "+@all";
}

User NewUser(std::string_view name, const CommandIndex& index, bool allchannels_default) {
  User u;
  u.name = std::string(name);
  u.root = EmptySelector(index, allchannels_default);
  return u;
}

Result<void> ApplyRules(User& user, std::span<const std::string_view> rules,
                        const CommandIndex& index, bool allchannels_default) {
  User next = user;
  for (std::string_view rule : rules) {
    auto r = ApplyUserRule(next, rule, index, allchannels_default);
    if (!r) return Failure(ModifierError(rule, r.error()));
  }
  UpdateUnrestricted(next);
  user = std::move(next);
  return {};
}

std::string DescribeKeys(const Selector& s) {
  if (s.allkeys) return "~*";
  std::string out;
  for (const KeyPattern& k : s.keys) {
    if (!out.empty()) out += ' ';
    if (k.access == kKeyRead) {
      out += "%R~";
    } else if (k.access == kKeyWrite) {
      out += "%W~";
    } else {
      out += "~";
    }
    out += k.pattern;
  }
  return out;
}

std::string DescribeChannels(const Selector& s) {
  if (s.allchannels) return "&*";
  std::string out;
  for (const std::string& c : s.channels) {
    if (!out.empty()) out += ' ';
    out += "&" + c;
  }
  return out;
}

std::string DescribeCommands(const Selector& s) {
  std::string out;
  if (s.command_rules.empty() ||
      (s.command_rules[0] != "+@all" && s.command_rules[0] != "-@all")) {
    out = "-@all";
  }
  for (const std::string& r : s.command_rules) {
    if (!out.empty()) out += ' ';
    out += r;
  }
  return out;
}

namespace {

// A selector as ACL LIST writes it: keys, then channels (always said, "resetchannels" first
// unless every channel), then commands.
std::string DescribeSelector(const Selector& s) {
  std::string out;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += part;
  };
  add(DescribeKeys(s));
  if (!s.allchannels) add("resetchannels");
  add(DescribeChannels(s));
  add(DescribeCommands(s));
  return out;
}

}  // namespace

std::string Describe(const User& user) {
  std::string out = user.enabled ? "on" : "off";
  if (user.nopass) out += " nopass";
  if (user.sanitize == Sanitize::kSkip) out += " skip-sanitize-payload";
  if (user.sanitize == Sanitize::kSanitize) out += " sanitize-payload";
  for (const std::string& h : user.passwords) out += " #" + h;
  out += " " + DescribeSelector(user.root);
  for (const Selector& s : user.selectors) out += " (" + DescribeSelector(s) + ")";
  return out;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; i++) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace server::acl
