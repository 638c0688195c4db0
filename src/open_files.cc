#include "src/open_files.h"

#include <sys/resource.h>

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
  const rlim_t current = original.rlim_cur;
  if (current >= wanted) return true;
  const int error = TrySoftLimit(wanted, original);
  if (error == 0) {
    Log(LogLevel::kNotice, "Increased maximum number of open files to " +
                               std::to_string(wanted) + " (it was originally set to " +
                               std::to_string(current) + ").");
    return true;
  }
  // The most the system allows lies between the current limit (allowed) and `wanted` (not):
  // found by bisection, a few dozen calls however far apart they are. The last call that
  // succeeded set the limit to `allowed`.
  rlim_t allowed = current;
  rlim_t refused = wanted;
  while (refused - allowed > 1) {
    const rlim_t mid = allowed + (refused - allowed) / 2;
    if (TrySoftLimit(mid, original) == 0) {
      allowed = mid;
    } else {
      refused = mid;
    }
  }
  const int64_t requested = config.maxclients;
  if (allowed <= static_cast<rlim_t>(kReservedFds)) {
    Log(LogLevel::kWarning, "Your current 'ulimit -n' of " + std::to_string(current) +
                                " is not enough for the server to start. Please increase your "
                                "open file limit to at least " +
                                std::to_string(wanted) + ". Exiting.");
    return false;
  }
  config.maxclients = static_cast<int64_t>(allowed) - kReservedFds;
  Log(LogLevel::kWarning, "You requested maxclients of " + std::to_string(requested) +
                              " requiring at least " + std::to_string(wanted) +
                              " max file descriptors.");
  Log(LogLevel::kWarning, "Server can't set maximum open files to " + std::to_string(wanted) +
                              " because of OS error: " + ErrnoText(error) + ".");
  Log(LogLevel::kWarning, "Current maximum open files is " + std::to_string(allowed) +
                              ". maxclients has been reduced to " +
                              std::to_string(config.maxclients) +
                              " to compensate for low ulimit. If you need higher maxclients "
                              "increase 'ulimit -n'.");
  return true;
}

}  // namespace server
