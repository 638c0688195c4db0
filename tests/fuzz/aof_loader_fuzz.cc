// Fuzz target: the AOF loader (src/aof_loader.h). Each input is an AOF file's bytes, replayed
// into a fresh server holding nothing. Oracles, besides the sanitizers: the result's offsets
// lie within the file (all of it when clean); and the valid prefix it reports, replayed alone
// into another fresh server, loads clean with the same number of commands. Files that run
// scripts are skipped (a script may loop without end, and the loader would wait for it, as
// Redis's does), and so are requests beyond support/argv_budget.h.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.h"
#include "src/aof_loader.h"
#include "src/ascii.h"
#include "src/lazy_free.h"
#include "tests/fuzz/support/argv_budget.h"
#include "tests/fuzz/support/fuzz_keyspace.h"
#include "tests/support/command_harness.h"

namespace {

using server::AofReplayResult;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Whether every command the file holds, as far as it parses, may be run here.
bool Runnable(std::string_view file) {
  resp::Parser parser;
  size_t pos = 0;
  while (pos < file.size()) {
    if (parser.Parse(file.substr(pos)) != resp::Parser::Status::kComplete) return true;
    for (std::string_view a : parser.args()) {
      for (std::string_view name : {"eval", "fcall", "function", "script"}) {
        if (a.size() >= name.size() &&
            server::EqualsIgnoreCase(a.substr(0, name.size()), name)) {
          return false;
        }
      }
    }
    if (!fuzz_support::WithinFuzzBudget(parser.args())) return false;
    pos += parser.consumed();
    parser.Reset();
  }
  return true;
}

AofReplayResult Replay(std::string_view file) {
  testing_support::CommandHarness h;
  h.state.config = fuzz_support::FuzzConfig();
  h.state.pinned_time_ms = fuzz_support::kFuzzStartMs;
  return server::ReplayAof(h.state, file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  if (!Runnable(file)) return -1;  // not worth keeping in the corpus
  const AofReplayResult r = Replay(file);
  Check(r.valid_bytes <= file.size());
  Check(r.failed <= r.commands);
  switch (r.ending) {
    case AofReplayResult::Ending::kClean:
      Check(r.valid_bytes == file.size());
      break;
    case AofReplayResult::Ending::kTorn:
      Check(r.error_offset == r.valid_bytes);
      break;
    case AofReplayResult::Ending::kCorrupt:
      Check(r.error_offset <= file.size() && r.valid_bytes <= r.error_offset);
      Check(!r.error.empty());
      break;
  }
  const AofReplayResult prefix = Replay(file.substr(0, r.valid_bytes));
  Check(prefix.ending == AofReplayResult::Ending::kClean);
  Check(prefix.commands == r.commands);
  Check(prefix.failed == r.failed);
  // What UNLINK or FLUSHALL ASYNC handed to the lazy-free thread is freed before the leak check.
  server::LazyFreer::Instance().Drain();
  return 0;
}
