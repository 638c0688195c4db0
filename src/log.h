// Server log lines in Redis's format ("pid:M 22 Nov 2026 13:35:00.123 * message"), to stdout
// or to the configured logfile. Levels as Redis: debug, verbose, notice, warning.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

namespace server {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

void SetLogLevel(std::string_view level);
void SetLogFile(std::string_view path);  // empty = stdout
void Log(LogLevel level, std::string_view message);

// The text of an errno value, for log lines and error details.
inline std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace server
