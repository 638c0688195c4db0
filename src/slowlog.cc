#include "src/slowlog.h"

#include "src/ascii.h"

namespace server {

namespace {

// HELLO [protover [AUTH user pass] [SETNAME name]] and MIGRATE's options from argument 6 on
// ([COPY] [REPLACE] [AUTH pass | AUTH2 user pass] [KEYS ...]): whether `i` is a credential.
bool IsHelloSecret(std::span<const std::string_view> argv, size_t i) {
  for (size_t j = 2; j < argv.size();) {
    if (EqualsIgnoreCase(argv[j], "AUTH")) {
      if (i == j + 1 || i == j + 2) return true;
      j += 3;
    } else {
      j += EqualsIgnoreCase(argv[j], "SETNAME") ? 2 : 1;
    }
  }
  return false;
}

bool IsMigrateSecret(std::span<const std::string_view> argv, size_t i) {
  for (size_t j = 6; j < argv.size(); j++) {
    if (EqualsIgnoreCase(argv[j], "KEYS")) return false;
    if (EqualsIgnoreCase(argv[j], "AUTH")) {
      if (i == j + 1) return true;
      j += 1;
    } else if (EqualsIgnoreCase(argv[j], "AUTH2")) {
      if (i == j + 1 || i == j + 2) return true;
      j += 2;
    }
  }
  return false;
}

bool IsSensitiveConfig(std::string_view name) {
  return EqualsIgnoreCase(name, "requirepass") || EqualsIgnoreCase(name, "masterauth") ||
         EqualsIgnoreCase(name, "masteruser");
}

}  // namespace

bool IsRedactedArg(std::span<const std::string_view> argv, size_t i) {
  if (argv.empty() || i == 0 || i >= argv.size()) return false;
  const std::string_view name = argv[0];
  if (EqualsIgnoreCase(name, "AUTH")) return true;
  if (EqualsIgnoreCase(name, "HELLO")) return IsHelloSecret(argv, i);
  if (EqualsIgnoreCase(name, "MIGRATE")) return IsMigrateSecret(argv, i);
  if (argv.size() < 2) return false;
  if (EqualsIgnoreCase(name, "ACL") && EqualsIgnoreCase(argv[1], "SETUSER")) return i >= 2;
  if (EqualsIgnoreCase(name, "CONFIG") && EqualsIgnoreCase(argv[1], "SET")) {
    // Values sit at 3, 5, ...: each one follows its option's name.
    return i >= 3 && (i - 3) % 2 == 0 && IsSensitiveConfig(argv[i - 1]);
  }
  return false;
}

std::vector<std::string> SlowLogArgs(std::span<const std::string_view> argv) {
  const size_t kept = argv.size() > kSlowLogMaxArgc ? kSlowLogMaxArgc - 1 : argv.size();
  std::vector<std::string> out;
  out.reserve(kept + 1);
  for (size_t i = 0; i < kept; i++) {
    if (IsRedactedArg(argv, i)) {
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
