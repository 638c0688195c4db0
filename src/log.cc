#include "src/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace server {

namespace {

LogLevel g_level = LogLevel::kNotice;
std::string g_file;

}  // namespace

void SetLogLevel(std::string_view level) {
  if (level == "debug") g_level = LogLevel::kDebug;
  else if (level == "verbose") g_level = LogLevel::kVerbose;
  else if (level == "warning") g_level = LogLevel::kWarning;
  else if (level == "nothing") g_level = LogLevel::kNothing;
  else g_level = LogLevel::kNotice;
}

void SetLogFile(std::string_view path) { g_file = std::string(path); }

void Log(LogLevel level, std::string_view message) {
  if (level < g_level) return;
  static constexpr char kMarks[] = ".-*#";
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char when[64];
  size_t n = strftime(when, sizeof(when), "%d %b %Y %H:%M:%S.", &local);
  snprintf(when + n, sizeof(when) - n, "%03d", static_cast<int>(tv.tv_usec / 1000));
  FILE* out = stdout;
  if (!g_file.empty()) out = fopen(g_file.c_str(), "a");
  if (out == nullptr) return;
  fprintf(out, "%d:M %s %c %.*s\n", static_cast<int>(getpid()), when,
          kMarks[static_cast<int>(level)], static_cast<int>(message.size()), message.data());
  fflush(out);
  if (out != stdout) fclose(out);
}

}  // namespace server
