#include "src/command_table.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstring>

#include "resp/strict_int.h"
#include "src/ascii.h"

namespace server {

namespace {

constexpr size_t kMaxNameLength = 32;

// FNV-1a over the lower-cased name, which it writes to `lower`.
uint32_t LowerAndHash(std::string_view name, char* lower) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < name.size(); i++) {
    lower[i] = AsciiLowerChar(name[i]);
    h = (h ^ static_cast<uint8_t>(lower[i])) * 16777619u;
  }
  return h;
}

}  // namespace

CommandTable::CommandTable(std::span<const std::span<const CommandSpec>> families) {
  for (std::span<const CommandSpec> family : families) {
    for (const CommandSpec& spec : family) {
      assert(spec.name.size() <= kMaxNameLength && all_.size() < kSlots / 2);
      char lower[kMaxNameLength];
      size_t slot = LowerAndHash(spec.name, lower) & (kSlots - 1);
      while (slots_[slot] != nullptr) slot = (slot + 1) & (kSlots - 1);
      slots_[slot] = &spec;
      all_.push_back(&spec);
    }
  }
}

const CommandSpec* CommandTable::FindInTable(std::string_view name) const {
  char lower[kMaxNameLength];
  if (name.size() > kMaxNameLength) return nullptr;
  for (size_t slot = LowerAndHash(name, lower) & (kSlots - 1); slots_[slot] != nullptr;
       slot = (slot + 1) & (kSlots - 1)) {
    const std::string_view candidate = slots_[slot]->name;  // stored lower-case
    if (candidate.size() == name.size() &&
        std::memcmp(candidate.data(), lower, name.size()) == 0) {
      if (name.size() <= kMemoMax) {
        std::memcpy(memo_name_, name.data(), name.size());
        memo_size_ = name.size();
        memo_spec_ = slots_[slot];
      }
      return slots_[slot];
    }
  }
  return nullptr;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view sub) {
  for (const CommandSpec& s : container.subcommands) {
    if (EqualsIgnoreCase(s.name, sub)) return &s;
  }
  return nullptr;
}

namespace {

// "numkeys key...": empty when the count is not a positive integer or names more keys than
// there are arguments (COMMAND GETKEYS then answers "Invalid arguments").
std::vector<size_t> KeyNumPositions(const MovableKeys& m, std::span<const std::string_view> argv) {
  std::vector<size_t> keys;
  const size_t count_at = static_cast<size_t>(m.index + m.keynumidx);
  int64_t n;
  if (count_at >= argv.size() || !resp::ParseStrictInt64(argv[count_at], n) || n <= 0) {
    return keys;
  }
  const size_t first = static_cast<size_t>(m.index + m.firstkey);
  const size_t step = m.keystep > 0 ? static_cast<size_t>(m.keystep) : 1;
  if (static_cast<uint64_t>(n) > argv.size() ||
      first + (static_cast<size_t>(n) - 1) * step >= argv.size()) {
    return keys;
  }
  for (int64_t k = 0; k < n; k++) keys.push_back(first + static_cast<size_t>(k) * step);
  return keys;
}

// SORT's keys: the sorted key and the STORE destination, found as SORT reads its options (an
// option's value is never taken for a keyword: "LIMIT store x" stores nothing).
std::vector<size_t> SortPositions(const MovableKeys& m, std::span<const std::string_view> argv) {
  std::vector<size_t> keys = {1};
  size_t store = 0;
  for (size_t i = 2; i < argv.size(); i++) {
    const size_t left = argv.size() - i - 1;
    if (EqualsIgnoreCase(argv[i], "LIMIT") && left >= 2) {
      i += 2;
    } else if ((EqualsIgnoreCase(argv[i], "GET") || EqualsIgnoreCase(argv[i], "BY")) &&
               left >= 1) {
      i++;
    } else if (m.sort_store && EqualsIgnoreCase(argv[i], "STORE") && left >= 1) {
      store = ++i;
    }
  }
  if (store != 0) keys.push_back(store);
  return keys;
}

std::vector<size_t> MovableKeyPositions(const MovableKeys& m,
                                        std::span<const std::string_view> argv) {
  if (m.keynum) return KeyNumPositions(m, argv);
  if (m.sort) return SortPositions(m, argv);
  std::vector<size_t> keys;
  size_t kw = static_cast<size_t>(m.startfrom);
  while (kw < argv.size() && !EqualsIgnoreCase(argv[kw], m.keyword)) kw++;
  if (kw >= argv.size()) return keys;
  const size_t first = kw + 1;
  const size_t after = argv.size() - first;
  size_t last = m.lastkey < 0 ? argv.size() + static_cast<size_t>(m.lastkey + 1)  // one past
                              : first + static_cast<size_t>(m.lastkey) + 1;
  if (m.limit > 1) last = first + after / static_cast<size_t>(m.limit);
  const size_t step = m.keystep > 0 ? static_cast<size_t>(m.keystep) : 1;
  for (size_t i = first; i < last && i < argv.size(); i += step) keys.push_back(i);
  return keys;
}

std::vector<size_t> FixedKeyPositions(const CommandSpec& spec,
                                      std::span<const std::string_view> argv) {
  const size_t argc = argv.size();
  std::vector<size_t> keys;
  if (spec.first_key <= 0) return keys;
  int64_t last = spec.last_key < 0 ? static_cast<int64_t>(argc) + spec.last_key : spec.last_key;
  for (int64_t i = spec.first_key; i <= last && i < static_cast<int64_t>(argc);
       i += spec.key_step > 0 ? spec.key_step : 1) {
    keys.push_back(static_cast<size_t>(i));
  }
  return keys;
}

}  // namespace

std::vector<size_t> KeyPositions(const CommandSpec& spec,
                                 std::span<const std::string_view> argv) {
  if (spec.movable == nullptr) return FixedKeyPositions(spec, argv);
  std::vector<size_t> moved = MovableKeyPositions(*spec.movable, argv);
  // SORT's walk finds its sorted key itself; keynum and keyword kinds add to the fixed keys.
  if (moved.empty() || spec.first_key <= 0 || spec.movable->sort) return moved;
  std::vector<size_t> keys = FixedKeyPositions(spec, argv);
  keys.insert(keys.end(), moved.begin(), moved.end());
  return keys;
}

std::vector<std::string_view> AclCategoriesOf(const CommandSpec& spec, bool is_container) {
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
  // "-@cat" takes away a category the group implies (SORT is "generic" but not @keyspace).
  for (auto c : SplitWordViews(spec.doc.extra_acl)) {
    if (c.starts_with('-')) {
      std::erase(have, c.substr(1));
    } else {
      have.push_back(c);
    }
  }
  std::vector<std::string_view> out;
  for (auto c : kOrder) {
    if (std::find(have.begin(), have.end(), c) != have.end()) out.push_back(c);
  }
  return out;
}

}  // namespace server
