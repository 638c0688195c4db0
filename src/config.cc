#include "src/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "resp/parser.h"
#include "resp/strict_int.h"

namespace server {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

ConfigOption IntOption(std::string_view name, int64_t Config::*field, int64_t min, int64_t max,
                       bool runtime = true) {
  return ConfigOption{
      name, {}, runtime,
      [field](const Config& c) { return std::to_string(c.*field); },
      [field, min, max](Config& c, std::string_view v) -> std::string {
        int64_t n;
        if (!resp::ParseStrictInt64(v, n)) return "argument couldn't be parsed into an integer";
        if (n < min || n > max) {
          return "argument must be between " + std::to_string(min) + " and " +
                 std::to_string(max) + " inclusive";
        }
        c.*field = n;
        return "";
      }};
}

ConfigOption MemoryOption(std::string_view name, int64_t Config::*field, bool runtime = true) {
  return ConfigOption{
      name, {}, runtime,
      [field](const Config& c) { return std::to_string(c.*field); },
      [field](Config& c, std::string_view v) -> std::string {
        int64_t n;
        if (!ParseMemory(v, n)) return "argument must be a memory value";
        c.*field = n;
        return "";
      }};
}

ConfigOption BoolOption(std::string_view name, bool Config::*field, bool runtime = true) {
  return ConfigOption{
      name, {}, runtime,
      [field](const Config& c) { return std::string(c.*field ? "yes" : "no"); },
      [field](Config& c, std::string_view v) -> std::string {
        std::string l = Lower(v);
        if (l == "yes") {
          c.*field = true;
        } else if (l == "no") {
          c.*field = false;
        } else {
          return "argument must be 'yes' or 'no'";
        }
        return "";
      }};
}

ConfigOption StringOption(std::string_view name, std::string Config::*field, bool runtime = true,
                          std::vector<std::string_view> allowed = {}) {
  return ConfigOption{
      name, {}, runtime,
      [field](const Config& c) { return c.*field; },
      [field, allowed](Config& c, std::string_view v) -> std::string {
        if (!allowed.empty()) {
          std::string l = Lower(v);
          if (std::find(allowed.begin(), allowed.end(), l) == allowed.end()) {
            return "argument(s) must be one of the following: " + [&] {
              std::string s;
              for (auto a : allowed) s += (s.empty() ? "" : ", ") + std::string(a);
              return s;
            }();
          }
          c.*field = l;
          return "";
        }
        c.*field = std::string(v);
        return "";
      }};
}

std::vector<ConfigOption> BuildOptions() {
  std::vector<ConfigOption> o;
  o.push_back(StringOption("bind", &Config::bind, false));
  o.push_back(IntOption("port", &Config::port, 0, 65535, false));
  o.push_back(StringOption("dir", &Config::dir, false));
  o.push_back(StringOption("requirepass", &Config::requirepass));
  o.push_back(IntOption("maxclients", &Config::maxclients, 1, 1000000));
  o.push_back(IntOption("databases", &Config::databases, 1, 1024, false));
  o.push_back(IntOption("hz", &Config::hz, 1, 500));
  o.push_back(IntOption("timeout", &Config::timeout, 0, INT32_MAX));
  o.push_back(IntOption("tcp-backlog", &Config::tcp_backlog, 0, 65535, false));
  o.push_back(IntOption("tcp-keepalive", &Config::tcp_keepalive, 0, INT32_MAX));
  o.push_back(BoolOption("appendonly", &Config::appendonly, false));
  o.push_back(StringOption("appendfsync", &Config::appendfsync, true, {"always", "everysec", "no"}));
  o.push_back(StringOption("appendfilename", &Config::appendfilename, false));
  o.push_back(MemoryOption("maxmemory", &Config::maxmemory));
  o.push_back(StringOption("maxmemory-policy", &Config::maxmemory_policy, true,
                           {"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
                            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}));
  o.push_back(MemoryOption("proto-max-bulk-len", &Config::proto_max_bulk_len));
  o.push_back(MemoryOption("client-query-buffer-limit", &Config::client_query_buffer_limit));
  o.push_back(MemoryOption("client-output-soft-limit", &Config::client_output_soft_limit));
  o.push_back(MemoryOption("client-output-hard-limit", &Config::client_output_hard_limit));
  o.push_back(StringOption("loglevel", &Config::loglevel, true,
                           {"debug", "verbose", "notice", "warning", "nothing"}));
  o.push_back(StringOption("logfile", &Config::logfile, false));
  o.push_back(StringOption("pidfile", &Config::pidfile, false));
  o.push_back(BoolOption("daemonize", &Config::daemonize, false));
  o.push_back(StringOption("save", &Config::save));
  return o;
}

}  // namespace

bool ParseMemory(std::string_view s, int64_t& out) {
  std::string l = Lower(s);
  int64_t mul = 1;
  auto ends = [&](std::string_view suf) {
    return l.size() > suf.size() && l.compare(l.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (ends("kb")) { mul = 1024; l.resize(l.size() - 2); }
  else if (ends("mb")) { mul = 1024 * 1024; l.resize(l.size() - 2); }
  else if (ends("gb")) { mul = 1024LL * 1024 * 1024; l.resize(l.size() - 2); }
  else if (ends("k")) { mul = 1000; l.resize(l.size() - 1); }
  else if (ends("m")) { mul = 1000 * 1000; l.resize(l.size() - 1); }
  else if (ends("g")) { mul = 1000LL * 1000 * 1000; l.resize(l.size() - 1); }
  int64_t n;
  if (!resp::ParseStrictInt64(l, n) || n < 0) return false;
  if (n > INT64_MAX / mul) return false;
  out = n * mul;
  return true;
}

const std::vector<ConfigOption>& ConfigOptions() {
  static const std::vector<ConfigOption> options = BuildOptions();
  return options;
}

const ConfigOption* FindConfigOption(std::string_view name) {
  std::string l = Lower(name);
  for (const auto& o : ConfigOptions()) {
    if (o.name == l) return &o;
  }
  return nullptr;
}

namespace {

std::string ApplyDirective(Config& config, const std::vector<std::string>& words) {
  const ConfigOption* opt = FindConfigOption(words[0]);
  if (!opt) return "Bad directive or wrong number of arguments";
  std::string value;
  for (size_t i = 1; i < words.size(); i++) value += (i > 1 ? " " : "") + words[i];
  return opt->set(config, value);
}

}  // namespace

std::string LoadConfigText(Config& config, std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  std::vector<std::string> words;
  while (std::getline(in, line)) {
    lineno++;
    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    if (!resp::SplitInlineArgs(line, words)) {
      return "line " + std::to_string(lineno) + ": unbalanced quotes";
    }
    if (words.empty()) continue;
    std::string err = ApplyDirective(config, words);
    if (!err.empty()) return "line " + std::to_string(lineno) + ": '" + line + "': " + err;
  }
  return "";
}

std::string LoadConfigArgs(Config& config, int argc, char** argv) {
  int i = 1;
  if (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") {
    std::ifstream f(argv[i]);
    if (!f) return std::string("cannot open config file '") + argv[i] + "'";
    std::stringstream ss;
    ss << f.rdbuf();
    std::string err = LoadConfigText(config, ss.str());
    if (!err.empty()) return std::string(argv[i]) + ": " + err;
    config.config_file = argv[i];
    i++;
  }
  while (i < argc) {
    std::string_view a = argv[i];
    if (a.substr(0, 2) != "--" || a.size() < 3) return "unexpected argument '" + std::string(a) + "'";
    std::vector<std::string> words{std::string(a.substr(2))};
    i++;
    while (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") words.emplace_back(argv[i++]);
    std::string err = ApplyDirective(config, words);
    if (!err.empty()) return "--" + words[0] + ": " + err;
  }
  return "";
}

}  // namespace server
