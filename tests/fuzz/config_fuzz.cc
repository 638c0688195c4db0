// Fuzz target: the config file parser (src/config.h, LoadConfigText), and CONFIG REWRITE's text
// (RewriteConfigText) read back. The input is a config file's text. Oracles, besides the
// sanitizers: a file that loads, rewritten with the values it set, loads again to the same
// value of every option; and a value quoted by QuoteConfigValue (the rest of the input, as
// requirepass) reads back as itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "src/config.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "config_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  server::Config loaded;
  if (server::LoadConfigText(loaded, text).empty()) {
    const std::string rewritten = server::RewriteConfigText(loaded, text);
    server::Config again;
    const std::string error = server::LoadConfigText(again, rewritten);
    if (!error.empty()) std::fprintf(stderr, "rewritten:\n%s\nerror: %s\n", rewritten.c_str(), error.c_str());
    Check(error.empty(), "the rewritten file does not load");
    for (const server::ConfigOption& option : server::ConfigOptions()) {
      if (option.get(loaded) != option.get(again)) {
        std::fprintf(stderr, "%.*s: '%s' became '%s'\nrewritten:\n%s\n",
                     static_cast<int>(option.name.size()), option.name.data(),
                     option.get(loaded).c_str(), option.get(again).c_str(), rewritten.c_str());
        Check(false, "an option changed through CONFIG REWRITE");
      }
    }
  }

  server::Config quoted;
  const std::string line = "requirepass " + server::QuoteConfigValue(text) + "\n";
  Check(server::LoadConfigText(quoted, line).empty(), "a quoted value does not load");
  Check(quoted.requirepass == text, "a quoted value reads back changed");
  return 0;
}
