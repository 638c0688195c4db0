#include "src/command_stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "src/ascii.h"
#include "src/command_table.h"
#include "src/server_state.h"

namespace server {

size_t CommandStats::Hash(const CommandSpec* spec, size_t mask) {
  // Rows are at least 8-byte aligned and a few hundred bytes apart: mix the address bits.
  auto v = reinterpret_cast<uintptr_t>(spec);
  v ^= v >> 17;
  v *= 0x9E3779B97F4A7C15ULL;
  return static_cast<size_t>(v >> 32) & mask;
}

CommandStat& CommandStats::Lookup(const CommandSpec& spec, std::string_view invoked_as) {
  last_spec_ = &spec;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Hash(&spec, mask);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.spec == &spec) return *(last_stat_ = stats_[slot.index].get());
    if (slot.spec != nullptr) continue;
    auto stat = std::make_unique<CommandStat>();
    stat->name = EqualsIgnoreCase(spec.name, invoked_as)
                     ? std::string(spec.name)
                     : AsciiLower(invoked_as) + "|" + std::string(spec.name);
    slot.spec = &spec;
    slot.index = static_cast<uint32_t>(stats_.size());
    stats_.push_back(std::move(stat));
    last_stat_ = stats_.back().get();
    if (stats_.size() * 2 > slots_.size()) Grow();
    return *last_stat_;
  }
}

void CommandStats::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.spec == nullptr) continue;
    size_t i = Hash(s.spec, mask);
    while (slots_[i].spec != nullptr) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

std::vector<const CommandStat*> CommandStats::Sorted() const {
  std::vector<const CommandStat*> out;
  out.reserve(stats_.size());
  for (const auto& s : stats_) out.push_back(s.get());
  std::sort(out.begin(), out.end(),
            [](const CommandStat* a, const CommandStat* b) { return a->name < b->name; });
  return out;
}

const CommandStat* CommandStats::Find(std::string_view name) const {
  for (const auto& s : stats_) {
    if (s->name == name) return s.get();
  }
  return nullptr;
}

void CommandStats::Reset() {
  slots_.assign(256, Slot{});
  stats_.clear();
  last_spec_ = nullptr;
  last_stat_ = nullptr;
}

std::string_view ErrorStats::CodeOf(std::string_view text) {
  const size_t space = text.substr(0, 32).find(' ');
  return space == std::string_view::npos ? std::string_view("ERR") : text.substr(0, space);
}

void ErrorStats::OnErrorReply(std::string_view text) {
  total_++;
  const std::string_view code = CodeOf(text);
  auto it = by_code_.find(code);
  if (it == by_code_.end()) it = by_code_.emplace(std::string(code), 0).first;
  it->second++;
}

void ErrorStats::Reset() {
  total_ = 0;
  by_code_.clear();
}

void ObserveCommand(ServerState& state, const Client& client, const CommandSpec& spec,
                    std::span<const std::string_view> argv, int64_t duration_ns, bool failed) {
  // SLOWLOG and LATENCY: no call unless one of them could take this command.
  const int64_t duration_us = duration_ns / 1000;
  const int64_t slower_than = state.config.slowlog_log_slower_than;
  if ((slower_than >= 0 && duration_us >= slower_than) ||
      state.config.latency_monitor_threshold > 0) {
    state.ObserveSlowCommand(client, spec.flags, argv, duration_us);
  }
  CommandStat& stat = state.command_stats.For(spec, argv[0]);
  stat.calls++;
  stat.duration_ns += static_cast<uint64_t>(std::max<int64_t>(duration_ns, 0));
  if (failed) stat.failed_calls++;
  if (state.config.latency_tracking) stat.latency.Record(duration_ns);
}

void CountRejected(ServerState& state, const CommandSpec& spec, std::string_view invoked_as) {
  state.command_stats.For(spec, invoked_as).rejected_calls++;
}

PercentileParse ParsePercentiles(std::string_view text) {
  PercentileParse out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') i++;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') i++;
    if (start == i) break;
    const std::string word(text.substr(start, i - start));
    char* end = nullptr;
    const double v = std::strtod(word.c_str(), &end);
    if (end != word.c_str() + word.size() || std::isnan(v)) {
      out.invalid = true;
      return out;
    }
    if (v < 0.0 || v > 100.0) {
      out.out_of_range = true;
      return out;
    }
    out.values.push_back(v);
  }
  return out;
}

std::string PercentileLabel(double percentile) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), percentile);
  return std::string(buf, res.ptr);
}

}  // namespace server
