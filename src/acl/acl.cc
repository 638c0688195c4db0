#include "src/acl/acl.h"

#include <algorithm>

#include "src/ascii.h"
#include "src/command_table.h"
#include "src/glob.h"

namespace server::acl {

namespace {

// A key argument's access from its key-spec flags: RO reads, OW / RM only write, RW both.
uint8_t AccessOf(std::string_view flags, bool write_default) {
  if (flags.empty()) return write_default ? kKeyReadWrite : kKeyRead;
  const std::vector<std::string_view> words = SplitWordViews(flags);
  auto has = [&](std::string_view w) { return std::find(words.begin(), words.end(), w) != words.end(); };
  if (has("RW")) return kKeyReadWrite;
  if (has("RO")) return kKeyRead;
  if (has("OW") || has("RM")) return kKeyWrite;
  return write_default ? kKeyReadWrite : kKeyRead;
}

// A row whose fixed keys play different parts lists one flag set per key, '|' between them
// ("OW update|RO access": the destination, then every source); the last covers the rest.
std::string_view FixedKeyFlags(std::string_view flags, size_t i) {
  while (i > 0) {
    const size_t bar = flags.find('|');
    if (bar == std::string_view::npos) return flags;
    flags.remove_prefix(bar + 1);
    i--;
  }
  return flags.substr(0, flags.find('|'));
}

size_t FixedKeyCount(const CommandSpec& spec, size_t argc) {
  if (spec.first_key <= 0) return 0;
  const int64_t last =
      spec.last_key < 0 ? static_cast<int64_t>(argc) + spec.last_key : spec.last_key;
  size_t n = 0;
  for (int64_t i = spec.first_key; i <= last && i < static_cast<int64_t>(argc);
       i += spec.key_step > 0 ? spec.key_step : 1) {
    n++;
  }
  return n;
}

bool KeyAllowed(const Selector& s, std::string_view key, uint8_t access) {
  if (s.allkeys) return true;
  uint8_t granted = 0;
  for (const KeyPattern& k : s.keys) {
    if (GlobMatch(k.pattern, key)) granted |= k.access;
    if ((granted & access) == access) return true;
  }
  return false;
}

bool ChannelAllowed(const Selector& s, std::string_view channel, bool literal) {
  if (s.allchannels) return true;
  for (const std::string& c : s.channels) {
    if (literal ? c == channel : GlobMatch(c, channel)) return true;
  }
  return false;
}

// Where a command names channels: PUBLISH / SPUBLISH's one, the subscribe commands' all;
// PSUBSCRIBE's patterns must be allowed as written.
struct ChannelArgs {
  size_t first = 0;
  size_t last = 0;  // one past
  bool literal = false;
};
ChannelArgs ChannelsOf(const CommandSpec& spec, size_t argc) {
  const std::string_view n = spec.name;
  if (n == "publish" || n == "spublish") return {1, std::min<size_t>(2, argc), false};
  if (n == "subscribe" || n == "ssubscribe") return {1, argc, false};
  if (n == "psubscribe") return {1, argc, true};
  return {};
}

}  // namespace

Registry::Registry(const CommandTable& table) : index_(table) {
  auto d = std::make_unique<User>(NewUser("default", index_, true));
  const std::string_view rules[] = {"on", "nopass", "~*", "&*", "+@all"};
  (void)ApplyRules(*d, rules, index_, true);
  default_ = d.get();
  users_.emplace("default", std::move(d));
}

User* Registry::Find(std::string_view name) {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

const User* Registry::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

Result<void> Registry::SetUser(std::string_view name, std::span<const std::string_view> rules) {
  if (User* u = Find(name)) return ApplyRules(*u, rules, index_, allchannels_default_);
  User fresh = NewUser(name, index_, allchannels_default_);
  auto r = ApplyRules(fresh, rules, index_, allchannels_default_);
  if (!r) return r;
  users_.emplace(std::string(name), std::make_unique<User>(std::move(fresh)));
  return {};
}

bool Registry::Delete(std::string_view name) {
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  return true;
}

std::vector<const User*> Registry::Users() const {
  std::vector<const User*> out;
  for (const auto& [name, u] : users_) out.push_back(u.get());
  return out;
}

void Registry::SetRequirePass(std::string_view pass) {
  User& d = Default();
  if (pass.empty()) {
    const std::string_view rules[] = {"nopass"};
    (void)ApplyRules(d, rules, index_, allchannels_default_);
  } else {
    const std::string rule = ">" + std::string(pass);
    const std::string_view rules[] = {"resetpass", rule};
    (void)ApplyRules(d, rules, index_, allchannels_default_);
  }
}

bool Registry::SelectorAllows(const Selector& s, int id, const CommandSpec& spec,
                              std::span<const std::string_view> argv, Verdict& why) const {
  if (!s.AllowsCall(id, argv)) {
    why = {Denial::kCommand, 0};
    return false;
  }
  const std::vector<size_t> keys = KeyPositions(spec, argv);
  if (!keys.empty() && !s.allkeys) {
    const size_t fixed = spec.movable != nullptr && (spec.movable->sort || spec.first_key <= 0)
                             ? 0
                             : FixedKeyCount(spec, argv.size());
    const bool write = (spec.flags & kWrite) != 0;
    for (size_t i = 0; i < keys.size(); i++) {
      const std::string_view flags = i < fixed || spec.movable == nullptr
                                         ? FixedKeyFlags(spec.doc.key_flags, i)
                                         : spec.movable->key_flags;
      const bool movable_default_write = i >= fixed && spec.movable != nullptr
                                             ? spec.movable->sort_store && write
                                             : write;
      if (!KeyAllowed(s, argv[keys[i]], AccessOf(flags, movable_default_write))) {
        why = {Denial::kKey, keys[i]};
        return false;
      }
    }
  }
  const ChannelArgs ch = ChannelsOf(spec, argv.size());
  for (size_t i = ch.first; i < ch.last; i++) {
    if (!ChannelAllowed(s, argv[i], ch.literal)) {
      why = {Denial::kChannel, i};
      return false;
    }
  }
  return true;
}

Verdict Registry::Check(const User& user, const CommandSpec& spec,
                        std::span<const std::string_view> argv) const {
  if (user.unrestricted) return {};
  const int id = index_.IdOf(&spec);
  // Redis reports the most telling failure over the selectors: a channel over a key over the
  // command itself.
  Verdict worst{Denial::kCommand, 0};
  Verdict why;
  if (SelectorAllows(user.root, id, spec, argv, why)) return {};
  worst = why;
  for (const Selector& s : user.selectors) {
    if (SelectorAllows(s, id, spec, argv, why)) return {};
    if (static_cast<int>(why.denial) > static_cast<int>(worst.denial)) worst = why;
  }
  return worst;
}

bool Registry::MayListen(const User& user, std::string_view channel, bool literal) const {
  if (user.unrestricted || ChannelAllowed(user.root, channel, literal)) return true;
  return std::any_of(user.selectors.begin(), user.selectors.end(),
                     [&](const Selector& s) { return ChannelAllowed(s, channel, literal); });
}

bool Registry::Authenticate(const User& user, std::string_view password) const {
  if (!user.enabled) return false;
  if (user.nopass) return true;
  const std::string hash = Sha256Hex(password);
  return std::find(user.passwords.begin(), user.passwords.end(), hash) != user.passwords.end();
}

void Registry::Log(std::string reason, std::string context, std::string object,
                   std::string username, std::string client_info, int64_t now_ms,
                   size_t max_len) {
  if (reason == "auth") {
    denials_.auth++;
  } else if (reason == "key") {
    denials_.key++;
  } else if (reason == "channel") {
    denials_.channel++;
  } else {
    denials_.command++;
  }
  constexpr int64_t kGroupMs = 60000;
  for (auto it = log_.begin(); it != log_.end(); ++it) {
    if (it->reason == reason && it->context == context && it->object == object &&
        it->username == username && now_ms - it->updated_ms < kGroupMs) {
      LogEntry e = std::move(*it);
      log_.erase(it);
      e.count++;
      e.updated_ms = now_ms;
      e.client_info = std::move(client_info);
      log_.push_front(std::move(e));
      return;
    }
  }
  LogEntry e;
  e.id = next_log_id_++;
  e.reason = std::move(reason);
  e.context = std::move(context);
  e.object = std::move(object);
  e.username = std::move(username);
  e.created_ms = e.updated_ms = now_ms;
  e.client_info = std::move(client_info);
  log_.push_front(std::move(e));
  while (log_.size() > max_len) log_.pop_back();
}

std::string Registry::Line(const User& user) const {
  return "user " + user.name + " " + Describe(user);
}

std::string Registry::SaveText() const {
  std::string out;
  for (const auto& [name, u] : users_) out += Line(*u) + "\n";
  return out;
}

Result<std::vector<std::string>> GroupSelectorArgs(std::span<const std::string_view> args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); i++) {
    std::string_view a = args[i];
    if (!a.starts_with('(') || a.ends_with(')')) {
      out.emplace_back(a);
      continue;
    }
    std::string joined(a);
    size_t j = i + 1;
    for (; j < args.size(); j++) {
      joined += " ";
      joined += args[j];
      if (args[j].ends_with(')')) break;
    }
    if (j >= args.size()) {
      return Failure("ERR Unmatched parenthesis in acl selector starting at '" + std::string(a) +
                     "'.");
    }
    out.push_back(std::move(joined));
    i = j;
  }
  return out;
}

Result<void> Registry::LoadText(std::string_view text) {
  std::map<std::string, std::unique_ptr<User>, std::less<>> users;
  size_t line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    line_no++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) i++;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') j++;
      if (j > i) words.push_back(line.substr(i, j - i));
      i = j;
    }
    if (words.empty() || words[0].starts_with('#')) {
      if (end == text.size()) break;
      continue;
    }
    if (words[0] != "user" || words.size() < 2) {
      return Failure("ERR Error in ACL file line " + std::to_string(line_no) +
                     ": line should start with user keyword");
    }
    auto grouped = GroupSelectorArgs(std::span(words).subspan(2));
    if (!grouped) return grouped.failure();
    std::vector<std::string_view> rules(grouped->begin(), grouped->end());
    auto u = std::make_unique<User>(NewUser(words[1], index_, allchannels_default_));
    auto r = ApplyRules(*u, rules, index_, allchannels_default_);
    if (!r) {
      return Failure("ERR Error in ACL file line " + std::to_string(line_no) + ": " +
                     std::string(r.error().substr(r.error().starts_with("ERR ") ? 4 : 0)));
    }
    if (users.count(words[1]) != 0) {
      return Failure("ERR Error in ACL file line " + std::to_string(line_no) +
                     ": Duplicate user '" + std::string(words[1]) + "' found");
    }
    users.emplace(std::string(words[1]), std::move(u));
    if (end == text.size()) break;
  }
  if (users.count("default") == 0) {
    auto d = std::make_unique<User>(NewUser("default", index_, true));
    const std::string_view rules[] = {"on", "nopass", "~*", "&*", "+@all"};
    (void)ApplyRules(*d, rules, index_, true);
    users.emplace("default", std::move(d));
  }
  users_ = std::move(users);
  default_ = users_.at("default").get();
  return {};
}

}  // namespace server::acl
