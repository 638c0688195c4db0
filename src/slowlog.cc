#include "src/slowlog.h"

#include "src/monitor.h"

namespace server {

std::vector<std::string> SlowLogArgs(std::span<const std::string_view> argv) {
  const size_t kept = argv.size() > kSlowLogMaxArgc ? kSlowLogMaxArgc - 1 : argv.size();
  std::vector<std::string> out;
  out.reserve(kept + 1);
  for (size_t i = 0; i < kept; i++) {
    if (IsRedactedArgument(argv, i)) {
      out.emplace_back(kRedactedArg);
    } else if (argv[i].size() > kSlowLogMaxArgLen) {
      out.emplace_back(argv[i].substr(0, kSlowLogMaxArgLen));
      out.back() += "... (" + std::to_string(argv[i].size() - kSlowLogMaxArgLen) + " more bytes)";
    } else {
      out.emplace_back(argv[i]);
    }
  }
  if (kept < argv.size()) {
    out.push_back("... (" + std::to_string(argv.size() - kept) + " more arguments)");
  }
  return out;
}

bool SlowLog::Consider(int64_t threshold_us, size_t max_len, int64_t now_sec,
                       int64_t duration_us, std::span<const std::string_view> argv,
                       std::string_view client_addr, std::string_view client_name) {
  if (threshold_us < 0 || duration_us < threshold_us) return false;
  entries_.push_front(SlowLogEntry{next_id_++, now_sec, duration_us, SlowLogArgs(argv),
                                   std::string(client_addr), std::string(client_name)});
  while (entries_.size() > max_len) entries_.pop_back();
  return true;
}

}  // namespace server
