#include "src/command_table.h"

#include <cctype>

namespace server {

CommandTable::CommandTable() {
  for (auto family : {ConnectionCommands(), ServerCommands(), KeyCommands(), StringCommands(),
                      TransactionCommands(), ClientCommands(), StreamCommands(),
                      AofAdminCommands()}) {
    for (const CommandSpec& spec : family) {
      by_name_.emplace(std::string(spec.name), &spec);
      all_.push_back(&spec);
    }
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  // Command names are short; lower-case into a stack buffer to avoid an allocation per call.
  char buf[32];
  if (name.size() > sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); i++) {
    buf[i] = AsciiLowerChar(name[i]);
  }
  auto it = by_name_.find(std::string(buf, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view sub) {
  for (const CommandSpec& s : container.subcommands) {
    if (EqualsIgnoreCase(s.name, sub)) return &s;
  }
  return nullptr;
}

namespace {

std::vector<size_t> MovableKeyPositions(const MovableKeys& m,
                                        std::span<const std::string_view> argv) {
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

}  // namespace

std::vector<size_t> KeyPositions(const CommandSpec& spec,
                                 std::span<const std::string_view> argv) {
  if (spec.movable != nullptr) return MovableKeyPositions(*spec.movable, argv);
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

}  // namespace server
