#include "src/open_files.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "src/config.h"
#include "src/log.h"

namespace server {

namespace {

// Sets the soft limit to `n`, and the hard one too when it is lower (only a privileged
// process may). Returns 0 or the errno.
int TrySoftLimit(rlim_t n, const rlimit& original) {
  rlimit l = original;
  l.rlim_cur = n;
  if (l.rlim_max < n) l.rlim_max = n;
  return setrlimit(RLIMIT_NOFILE, &l) == 0 ? 0 : errno;
}

// What raising the limit towards `wanted` came to.
struct Raised {
  rlim_t before = 0;  // the soft limit found
  rlim_t now = 0;     // the soft limit in force: at least `wanted` when it could be raised
  int error = 0;      // why `wanted` was refused (0: it was not)
};

Raised RaiseTowards(rlim_t wanted, const rlimit& original) {
  Raised r;
  r.before = r.now = original.rlim_cur;
  if (r.before >= wanted) return r;
  r.error = TrySoftLimit(wanted, original);
  if (r.error == 0) {
    r.now = wanted;
    return r;
  }
  // The most the system allows lies between the current limit (allowed) and `wanted` (not):
  // found by bisection, a few dozen calls however far apart they are. The last call that
  // succeeded set the limit to `r.now`.
  rlim_t refused = wanted;
  while (refused - r.now > 1) {
    const rlim_t mid = r.now + (refused - r.now) / 2;
    if (TrySoftLimit(mid, original) == 0) {
      r.now = mid;
    } else {
      refused = mid;
    }
  }
  return r;
}

void LogIncreased(rlim_t now, rlim_t before) {
  Log(LogLevel::kNotice, "Increased maximum number of open files to " + std::to_string(now) +
                             " (it was originally set to " + std::to_string(before) + ").");
}

}  // namespace

bool AdjustOpenFilesLimit(Config& config) {
  const rlim_t wanted = static_cast<rlim_t>(config.maxclients + kReservedFds);
  rlimit original{};
  if (getrlimit(RLIMIT_NOFILE, &original) != 0) {
    config.maxclients = 1024 - kReservedFds;
    Log(LogLevel::kWarning, "Unable to obtain the current NOFILE limit (" + ErrnoText(errno) +
                                "), assuming 1024 and setting the max clients configuration "
                                "accordingly.");
    return true;
  }
  const Raised r = RaiseTowards(wanted, original);
  if (r.before >= wanted) return true;
  if (r.now >= wanted) {
    LogIncreased(r.now, r.before);
    return true;
  }
  const int64_t requested = config.maxclients;
  if (r.now <= static_cast<rlim_t>(kReservedFds)) {
    Log(LogLevel::kWarning, "Your current 'ulimit -n' of " + std::to_string(r.before) +
                                " is not enough for the server to start. Please increase your "
                                "open file limit to at least " +
                                std::to_string(wanted) + ". Exiting.");
    return false;
  }
  config.maxclients = static_cast<int64_t>(r.now) - kReservedFds;
  Log(LogLevel::kWarning, "You requested maxclients of " + std::to_string(requested) +
                              " requiring at least " + std::to_string(wanted) +
                              " max file descriptors.");
  Log(LogLevel::kWarning, "Server can't set maximum open files to " + std::to_string(wanted) +
                              " because of OS error: " + ErrnoText(r.error) + ".");
  Log(LogLevel::kWarning, "Current maximum open files is " + std::to_string(r.now) +
                              ". maxclients has been reduced to " +
                              std::to_string(config.maxclients) +
                              " to compensate for low ulimit. If you need higher maxclients "
                              "increase 'ulimit -n'.");
  return true;
}

int64_t MaxClientsThatFit(int64_t maxclients) {
  rlimit original{};
  if (getrlimit(RLIMIT_NOFILE, &original) != 0) return maxclients;  // nothing known to check
  const Raised r = RaiseTowards(static_cast<rlim_t>(maxclients + kReservedFds), original);
  if (r.now >= static_cast<rlim_t>(maxclients + kReservedFds)) {
    if (r.now > r.before) LogIncreased(r.now, r.before);
    return maxclients;
  }
  return std::max<int64_t>(0, static_cast<int64_t>(r.now) - kReservedFds);
}

}  // namespace server
