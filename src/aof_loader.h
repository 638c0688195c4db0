// Loading the append-only file at start-up: replays its RESP commands through the normal
// command path with a private client, cuts off a command torn by a crash mid-write, and reads
// Redis 7's multi-part layout (appendonlydir/ + manifest) when our single file is absent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/server_state.h"

namespace server {

// Redis 7's default `appenddirname`: where its multi-part AOF lives inside `dir`.
inline constexpr std::string_view kRedisAofDirName = "appendonlydir";

// What replaying one file's bytes did.
struct AofReplayResult {
  enum class Ending {
    kClean,    // every byte replayed
    kTorn,     // the data ends inside a command or a MULTI without EXEC: nothing of it applied
    kCorrupt,  // a command that is not valid RESP, or unknown: replay stopped before it
  };
  Ending ending = Ending::kClean;
  // The prefix that was replayed, made of whole commands (and whole transactions): all the
  // data when kClean, where to cut the file when kTorn.
  size_t valid_bytes = 0;
  // kCorrupt: where the faulty command starts; kTorn: where the torn command (or the MULTI of
  // the unfinished transaction) starts.
  size_t error_offset = 0;
  std::string error;        // kCorrupt: what is wrong with it
  uint64_t commands = 0;    // commands run (MULTI and EXEC not counted)
  // Commands that replied an error. Redis ignores those when loading, and so do we; the first
  // one is kept for the log.
  uint64_t failed = 0;
  size_t first_failed_offset = 0;
  std::string first_failed_error;
};

// Replays `data`, the content of one AOF file, into `state` as a fresh client would (db 0,
// SELECT switches it; MULTI ... EXEC runs as one unit; blocking commands never block). Replies
// are discarded, and so is what the replayed commands record in state.propagation (it is
// already in the file). Stops before the first corrupt command.
AofReplayResult ReplayAof(ServerState& state, std::string_view data);

// One line of Redis 7's manifest: `file <name> seq <n> type <b|h|i>`.
struct AofManifestEntry {
  std::string name;
  int64_t seq = 0;
  char type = 0;  // 'b' base, 'i' incremental, 'h' history (not loaded)
};

// Parses a manifest's text. Returns false (with `error` set) on a malformed line.
bool ParseAofManifest(std::string_view text, std::vector<AofManifestEntry>& entries,
                      std::string& error);

// Start-up (Server::LoadAof): with appendonly yes, replays `<dir>/<appendfilename>`; if that
// file is absent but Redis 7's `<dir>/appendonlydir/<appendfilename>.manifest` exists, replays
// the base and incr files it lists and writes their content into `<dir>/<appendfilename>`,
// the one file we append to afterwards (appendonlydir/ is left as it was). No file at all is an
// empty dataset. A torn last command is cut off with a warning when aof-load-truncated is yes.
// Returns false when start-up must stop; the reason is logged.
bool LoadAofAtStartup(ServerState& state);

}  // namespace server
