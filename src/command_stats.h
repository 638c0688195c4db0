// What INFO commandstats, latencystats and errorstats report: per command its calls, time,
// rejected and failed calls and a latency histogram; per error code ("ERR", "WRONGTYPE") the
// replies that carried it. Dispatch feeds them (ObserveCommand after each executed command,
// CountRejected for one refused before it ran) and every error reply reaches ErrorStats through
// the writer's sink. CONFIG RESETSTAT clears both. No clock here: durations are measured by
// the caller.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/types/latency_histogram.h"

namespace server {

struct Client;
struct CommandSpec;
struct ServerState;

struct CommandStat {
  std::string name;  // as INFO names it: "xadd", "config|get"
  uint64_t calls = 0;
  uint64_t duration_ns = 0;
  uint64_t rejected_calls = 0;  // refused before running (arity, ACL, OOM, READONLY...)
  uint64_t failed_calls = 0;    // ran and answered an error
  LatencyHistogram latency;     // one sample per call while latency-tracking is on
};

class CommandStats {
 public:
  // The entry of `spec`, made on first use; `invoked_as` is argv[0], which names a
  // subcommand's container. A pipeline repeats one command: the last entry is kept at hand.
  CommandStat& For(const CommandSpec& spec, std::string_view invoked_as) {
    if (&spec == last_spec_) return *last_stat_;
    return Lookup(spec, invoked_as);
  }
  // Every entry, ordered by name.
  std::vector<const CommandStat*> Sorted() const;
  const CommandStat* Find(std::string_view name) const;
  void Reset();

 private:
  // Open addressing on the spec's address: a command's entry is found with a hash and a
  // compare or two, on every command.
  struct Slot {
    const CommandSpec* spec = nullptr;
    uint32_t index = 0;
  };
  static size_t Hash(const CommandSpec* spec, size_t mask);
  CommandStat& Lookup(const CommandSpec& spec, std::string_view invoked_as);
  void Grow();
  const CommandSpec* last_spec_ = nullptr;
  CommandStat* last_stat_ = nullptr;
  std::vector<Slot> slots_ = std::vector<Slot>(256);
  std::vector<std::unique_ptr<CommandStat>> stats_;
};

// Error replies by code: the text up to its first space ("ERR", "WRONGTYPE"), or "ERR" when the
// first 32 bytes hold no space, as Redis counts them. The total counts every error reply.
class ErrorStats final : public resp::ErrorSink {
 public:
  void OnErrorReply(std::string_view text) override;
  uint64_t total() const { return total_; }
  const std::map<std::string, uint64_t, std::less<>>& by_code() const { return by_code_; }
  void Reset();

  static std::string_view CodeOf(std::string_view text);

 private:
  uint64_t total_ = 0;
  std::map<std::string, uint64_t, std::less<>> by_code_;
};

// After a command ran: its call, time and outcome.
void ObserveCommand(ServerState& state, const Client& client, const CommandSpec& spec,
                    std::span<const std::string_view> argv, int64_t duration_ns, bool failed);
// A resolved command refused before it ran (its error reply is counted by the writer's sink).
void CountRejected(ServerState& state, const CommandSpec& spec, std::string_view invoked_as);

// latency-tracking-info-percentiles: numbers in [0, 100] separated by spaces (empty: none).
// A number out of range and a word that is no number get different CONFIG SET errors.
struct PercentileParse {
  std::vector<double> values;
  bool out_of_range = false;
  bool invalid = false;
};
PercentileParse ParsePercentiles(std::string_view text);
// "50", "99.9", "12.5": the shortest spelling, as INFO labels them ("p99.9").
std::string PercentileLabel(double percentile);

}  // namespace server
