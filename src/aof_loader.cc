// Replaying the AOF: one pass over the mapped file with the incremental RESP parser, each
// command resolved and run through Execute (the path Dispatch uses) by a private client.
#include "src/aof_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <span>

#include "resp/parser.h"
#include "resp/writer.h"
#include "src/ascii.h"
#include "src/transactions.h"
#include "src/dispatch.h"
#include "src/log.h"

namespace server {

namespace {

// Redis's id for its AOF client: no connection ever gets it.
constexpr uint64_t kAofClientId = std::numeric_limits<uint64_t>::max();
// Replayed commands still record what they propagate; dropping it every so often keeps a big
// file from holding a second copy of itself in memory.
constexpr size_t kDiscardPropagationEvery = 1024;
static_assert((kDiscardPropagationEvery & (kDiscardPropagationEvery - 1)) == 0);

std::string Printable(std::string_view bytes, size_t max = 32) {
  std::string out;
  for (char c : bytes.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(c);
    } else {
      char hex[8];
      snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

// A read-only view of a whole file. mmap, so the parser's argument views stay valid for the
// whole replay (queued MULTI commands point into it) and nothing is copied.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() {
    if (map_ != nullptr) munmap(map_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  bool Open(const std::string& path, std::string& error) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = "Can't open " + path + ": " + strerror(errno);
      return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      error = "Can't stat " + path + ": " + strerror(errno);
      close(fd);
      return false;
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* m = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        error = "Can't map " + path + ": " + strerror(errno);
        close(fd);
        size_ = 0;
        return false;
      }
      map_ = m;
      madvise(map_, size_, MADV_SEQUENTIAL);
    }
    close(fd);
    return true;
  }
  std::string_view data() const {
    return map_ == nullptr ? std::string_view() : std::string_view(static_cast<char*>(map_), size_);
  }

 private:
  void* map_ = nullptr;
  size_t size_ = 0;
};

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool FsyncPath(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

uint64_t KeyCount(const ServerState& state) {
  uint64_t keys = 0;
  for (const auto& db : state.dbs) keys += db->size();
  return keys;
}

// Replays one file. `last` is the file whose tail may be torn (a torn earlier file of a
// multi-part AOF is corruption); `cut` is whether that tail may be cut off the file itself.
// Returns false (logged) when start-up must stop; otherwise `kept` is how many of the file's
// bytes count as loaded.
bool LoadOneFile(ServerState& state, const std::string& path, bool last, bool cut,
                 uint64_t& commands, MappedFile& file, size_t& kept) {
  std::string error;
  if (!file.Open(path, error)) {
    Log(LogLevel::kWarning, error);
    return false;
  }
  AofReplayResult r = ReplayAof(state, file.data());
  commands += r.commands;
  kept = r.valid_bytes;
  if (r.failed > 0) {
    Log(LogLevel::kWarning,
        "The append only file " + path + " has " + std::to_string(r.failed) +
            " command(s) that replied an error, ignored as Redis does (the first at offset " +
            std::to_string(r.first_failed_offset) + ": " + r.first_failed_error + ")");
  }
  switch (r.ending) {
    case AofReplayResult::Ending::kClean:
      return true;
    case AofReplayResult::Ending::kCorrupt:
      Log(LogLevel::kWarning, "Bad file format reading the append only file " + path +
                                  " at offset " + std::to_string(r.error_offset) + ": " +
                                  r.error +
                                  ". Make a backup of the file, then try 'redis-check-aof "
                                  "--fix <filename>'.");
      return false;
    case AofReplayResult::Ending::kTorn:
      break;
  }
  const std::string where = "at offset " + std::to_string(r.error_offset) + " (" +
                            std::to_string(file.data().size() - r.error_offset) +
                            " bytes after the last complete command)";
  if (!last) {
    Log(LogLevel::kWarning, "Unexpected end of file " + where + " in " + path +
                                ", which is not the last file of the AOF: refusing to load it.");
    return false;
  }
  if (!state.config.aof_load_truncated) {
    Log(LogLevel::kWarning,
        "Unexpected end of file reading the append only file " + path + " " + where +
            ". Make a backup of the file, then run 'redis-check-aof --fix <filename>', or set "
            "aof-load-truncated yes to load it anyway.");
    return false;
  }
  Log(LogLevel::kWarning, "!!! Warning: short read while loading the AOF file " + path + " " +
                              where + " !!!");
  if (cut) {
    Log(LogLevel::kWarning,
        "!!! Truncating the AOF at offset " + std::to_string(r.valid_bytes) + " !!!");
    if (truncate(path.c_str(), static_cast<off_t>(r.valid_bytes)) != 0 ||
        !FsyncPath(path, O_WRONLY)) {
      Log(LogLevel::kWarning, "Error truncating the AOF file " + path + ": " + strerror(errno));
      return false;
    }
  }
  Log(LogLevel::kWarning, "AOF " + path + " loaded anyway because aof-load-truncated is enabled");
  return true;
}

// Writes `parts` into `path` atomically: temp file, fsync, rename, directory fsync.
bool WriteFileAtomically(const std::string& dir, const std::string& path,
                         const std::vector<std::string_view>& parts) {
  const std::string tmp = path + ".loading.tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = true;
  for (std::string_view part : parts) {
    while (ok && !part.empty()) {
      ssize_t n = write(fd, part.data(), part.size());
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) part.remove_prefix(static_cast<size_t>(n));
    }
  }
  ok = ok && fsync(fd) == 0;
  close(fd);
  ok = ok && rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    unlink(tmp.c_str());
    return false;
  }
  FsyncPath(dir, O_RDONLY | O_DIRECTORY);
  return true;
}

// Redis 7's layout: replays base then incr files, refuses an RDB base, and copies what loaded
// into our single file so the writer can go on appending there.
bool LoadRedisMultiPart(ServerState& state, const std::string& dir, const std::string& own_path,
                        const std::string& manifest_path, uint64_t& commands) {
  const std::string aof_dir = dir + "/" + std::string(kRedisAofDirName);
  MappedFile manifest_file;
  std::string error;
  if (!manifest_file.Open(manifest_path, error)) {
    Log(LogLevel::kWarning, error);
    return false;
  }
  std::vector<AofManifestEntry> entries;
  if (!ParseAofManifest(manifest_file.data(), entries, error)) {
    Log(LogLevel::kWarning, "Invalid AOF manifest " + manifest_path + ": " + error);
    return false;
  }
  // Base first, then the incremental files in the manifest's order; history files are
  // leftovers of a rewrite and hold nothing the others lack.
  std::vector<const AofManifestEntry*> order;
  for (const auto& e : entries) {
    if (e.type == 'b') order.push_back(&e);
  }
  for (const auto& e : entries) {
    if (e.type == 'i') order.push_back(&e);
  }
  Log(LogLevel::kNotice, "Loading Redis's multi-part AOF from " + manifest_path + " (" +
                             std::to_string(order.size()) + " files)");
  std::vector<std::unique_ptr<MappedFile>> files;
  std::vector<std::string_view> parts;
  static const std::string kSelect0 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
  for (size_t i = 0; i < order.size(); i++) {
    const std::string path = aof_dir + "/" + order[i]->name;
    files.push_back(std::make_unique<MappedFile>());
    MappedFile& file = *files.back();
    if (!file.Open(path, error)) {
      Log(LogLevel::kWarning, error);
      return false;
    }
    if (file.data().starts_with("REDIS")) {
      Log(LogLevel::kWarning,
          "The AOF base file " + path +
              " starts with an RDB preamble (written by Redis with aof-use-rdb-preamble yes), "
              "which Runnel cannot read. Have Redis rewrite it with 'CONFIG SET "
              "aof-use-rdb-preamble no' then 'BGREWRITEAOF', and try again.");
      return false;
    }
    size_t kept = 0;
    if (!LoadOneFile(state, path, i + 1 == order.size(), false, commands, file, kept)) {
      return false;
    }
    // Each file replays from db 0, as Redis loads them; concatenated, that needs saying.
    if (i > 0) parts.push_back(kSelect0);
    parts.push_back(file.data().substr(0, kept));
  }
  if (!WriteFileAtomically(dir, own_path, parts)) {
    Log(LogLevel::kWarning, "Can't write the append only file " + own_path + ": " +
                                strerror(errno));
    return false;
  }
  Log(LogLevel::kNotice, "Copied Redis's multi-part AOF into " + own_path +
                             ", which is the file appended to from now on (" + aof_dir +
                             " is left untouched and no longer read)");
  return true;
}

// Reads the decimal at `p` that ends at a CRLF: at most 18 digits and no leading zero (a form
// the writer never produces, left to the RESP parser). Moves `p` past the CRLF; false when
// the text is anything else or `end` comes first.
inline bool ReadCrlfLength(const char*& p, const char* end, uint64_t& n) {
  const char* first = p;
  n = 0;
  while (p < end && static_cast<unsigned char>(*p - '0') < 10) n = n * 10 + static_cast<uint64_t>(*p++ - '0');
  const ptrdiff_t digits = p - first;
  if (digits == 0 || digits > 18 || (digits > 1 && *first == '0')) return false;
  if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return false;
  p += 2;
  return true;
}

// The loader's own reading of one command as the AOF writer frames it: `*<n>\r\n` (n >= 1),
// then n times `$<len>\r\n<len bytes>\r\n`. On success `argv` holds views into `data` and
// `pos` is past the command. Anything else (a torn tail, a corrupt or unusual framing) is
// false with `pos` unchanged: resp::Parser then reads it, and its verdict and error text
// stand, so this only makes the common case cheap (no copy, no per-argument state machine).
bool ParseWellFormedCommand(std::string_view data, size_t& pos,
                            std::vector<std::string_view>& argv) {
  const char* const end = data.data() + data.size();
  const char* p = data.data() + pos + 1;  // past '*'
  uint64_t argc = 0;
  if (!ReadCrlfLength(p, end, argc) || argc == 0) return false;
  argv.clear();
  for (uint64_t i = 0; i < argc; i++) {
    if (p == end || *p != '$') return false;
    p++;
    uint64_t len = 0;
    if (!ReadCrlfLength(p, end, len)) return false;
    if (static_cast<uint64_t>(end - p) < len + 2) return false;
    const char* arg_end = p + len;
    if (arg_end[0] != '\r' || arg_end[1] != '\n') return false;
    argv.emplace_back(p, static_cast<size_t>(len));
    p = arg_end + 2;
  }
  pos = static_cast<size_t>(p - data.data());
  return true;
}

// Resolve() with a memory: an AOF repeats the same few commands in the same spelling, so the
// last top-level spec is reused while argv[0] is byte for byte the same name (and its arity
// fits); anything else goes through Resolve, which also words the errors.
class ReplaySpecCache {
 public:
  explicit ReplaySpecCache(const CommandTable& table)
      : table_(table),
        multi_(table.Find("multi")),
        exec_(table.Find("exec")),
        discard_(table.Find("discard")) {}

  Result<const CommandSpec*> Resolve(std::span<const std::string_view> argv) {
    if (last_ != nullptr && argv[0] == last_name_ &&
        (last_->arity >= 0 ? argv.size() == static_cast<size_t>(last_->arity)
                           : argv.size() >= static_cast<size_t>(-last_->arity))) {
      return last_;
    }
    auto resolved = server::Resolve(table_, argv);
    if (resolved && (*resolved)->subcommands.empty() &&
        EqualsIgnoreCase((*resolved)->name, argv[0])) {
      last_ = *resolved;
      last_name_ = argv[0];  // a view into the file, which outlives the replay
    }
    return resolved;
  }
  // The transaction commands the loader handles itself (null in a table without them).
  const CommandSpec* multi() const { return multi_; }
  const CommandSpec* exec() const { return exec_; }
  const CommandSpec* discard() const { return discard_; }

 private:
  const CommandTable& table_;
  const CommandSpec* multi_;
  const CommandSpec* exec_;
  const CommandSpec* discard_;
  const CommandSpec* last_ = nullptr;
  std::string_view last_name_;
};

// Runs one replayed command as Redis's loader does, handler straight away: none of what only
// a live client needs (command statistics, SLOWLOG and latency timing, MONITOR, client-side
// caching, CLIENT LIST's last command), since before the port opens there is no one to see it.
// What the handlers rely on stays: the command's time, the nesting depth, the executing client
// and the propagation frame (what a handler records is dropped). A replica loading its
// primary's snapshot does have clients, but the FLUSHALL before it marked every key they
// block on as ready, so they are served once the load is done.
void RunReplayed(ServerState& state, Client& client, const CommandSpec& spec,
                 std::span<const std::string_view> argv, resp::Writer& reply) {
  state.command_time_ms = state.NextCommandTime();
  CommandContext ctx{argv, client, state, reply, state.command_time_ms, &spec};
  client.command_depth++;
  const uint64_t outer_client = state.executing_client;
  state.executing_client = client.id;
  state.propagation.BeginCommand(client.db_index);
  const resp::Writer::Mark reply_start = reply.mark();
  spec.handler(ctx);
  state.propagation.EndCommand(argv, (spec.flags & kWrite) && !reply.IsErrorSince(reply_start));
  client.command_depth--;
  state.executing_client = outer_client;
}

}  // namespace

AofReplayResult ReplayAof(ServerState& state, std::string_view data) {
  AofReplayResult r;
  // The file holds what the delivery policies did; replayed, they must not act again.
  const bool was_loading = state.loading;
  state.loading = true;
  Client client;
  client.id = kAofClientId;
  client.authenticated = true;
  // As inside EXEC: a blocking command answers at once instead of parking the loader.
  client.command_depth = 1;
  std::string out;
  resp::Writer reply(out);
  reply.set_error_sink(&state.error_stats);
  resp::ParserLimits limits;
  limits.max_bulk_len = std::numeric_limits<int64_t>::max();
  resp::Parser parser(limits);
  ReplaySpecCache specs(*state.commands);

  // A transaction's commands wait for its EXEC; their arguments, views into `data`, are kept
  // end to end in one vector.
  struct Queued {
    size_t offset;
    const CommandSpec* spec;
    size_t first_arg;
    size_t argc;
  };
  bool in_multi = false;
  size_t multi_offset = 0;
  std::vector<Queued> queue;
  std::vector<std::string_view> queued_args;
  std::vector<std::string_view> argv;

  auto run = [&](size_t offset, const CommandSpec& spec, std::span<const std::string_view> args) {
    out.clear();
    const resp::Writer::Mark reply_start = reply.mark();
    RunReplayed(state, client, spec, args, reply);
    r.commands++;
    if (reply.IsErrorSince(reply_start)) {
      if (r.failed++ == 0) {
        r.first_failed_offset = offset;
        size_t end = out.find('\r');
        r.first_failed_error = out.substr(1, end == std::string::npos ? end : end - 1);
      }
    }
    if ((r.commands & (kDiscardPropagationEvery - 1)) == 0) {
      state.propagation.Clear();
      SamplePeakMemory(state);
    }
  };
  auto corrupt = [&](size_t offset, std::string error) {
    r.ending = AofReplayResult::Ending::kCorrupt;
    r.error_offset = offset;
    r.error = std::move(error);
  };

  size_t pos = 0;
  while (pos < data.size()) {
    const size_t start = pos;
    if (data[pos] == '#') {
      // An annotation line (Redis's aof-timestamp-enabled writes `#TS:<unix time>`).
      size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) {
        r.ending = AofReplayResult::Ending::kTorn;
        r.error_offset = start;
        break;
      }
      pos = nl + 1;
      if (!in_multi) r.valid_bytes = pos;
      continue;
    }
    if (data[pos] != '*') {
      corrupt(start, "expected '*', got '" + Printable(data.substr(pos, 1)) + "'");
      break;
    }
    if (!ParseWellFormedCommand(data, pos, argv)) {
      // Torn, corrupt or merely unusual (an empty command, a zero-padded length): the RESP
      // parser gives the verdict and the words for it.
      parser.Reset();
      const auto status = parser.Parse(data.substr(pos));
      if (status == resp::Parser::Status::kIncomplete) {
        r.ending = AofReplayResult::Ending::kTorn;
        r.error_offset = start;
        break;
      }
      if (status == resp::Parser::Status::kError) {
        corrupt(start, parser.error());
        break;
      }
      argv.assign(parser.args().begin(), parser.args().end());
      // The parser skips the two bytes after a bulk without looking: a file must have CRLF
      // there.
      bool framed = true;
      for (std::string_view a : argv) {
        const char* after = a.data() + a.size();
        framed = framed && after[0] == '\r' && after[1] == '\n';
      }
      if (!framed) {
        corrupt(start, "an argument is not followed by CRLF");
        break;
      }
      if (argv.empty()) {
        corrupt(start, "empty command");
        break;
      }
      pos += parser.consumed();
    }
    auto resolved = specs.Resolve(argv);
    if (!resolved) {
      corrupt(start, std::string(resolved.error()));
      break;
    }
    const CommandSpec* spec = *resolved;
    if (spec == specs.multi()) {
      if (in_multi) {
        corrupt(start, "MULTI inside MULTI");
        break;
      }
      in_multi = true;
      multi_offset = start;
      queue.clear();
      queued_args.clear();
      continue;
    }
    if (spec == specs.exec() || spec == specs.discard()) {
      if (!in_multi) {
        corrupt(start, std::string(AsciiUpper(spec->name)) + " without MULTI");
        break;
      }
      if (spec == specs.exec()) {
        for (const Queued& q : queue) {
          run(q.offset, *q.spec,
              std::span<const std::string_view>(queued_args).subspan(q.first_arg, q.argc));
        }
      }
      queue.clear();
      queued_args.clear();
      in_multi = false;
      r.valid_bytes = pos;
      continue;
    }
    if (in_multi) {
      queue.push_back(Queued{start, spec, queued_args.size(), argv.size()});
      queued_args.insert(queued_args.end(), argv.begin(), argv.end());
      continue;
    }
    run(start, *spec, argv);
    r.valid_bytes = pos;
  }
  // A transaction the data ends inside was cut short by a crash: none of it happened.
  if (in_multi && r.ending != AofReplayResult::Ending::kCorrupt) {
    r.ending = AofReplayResult::Ending::kTorn;
    r.error_offset = multi_offset;
  }
  UnwatchAll(state, client);
  state.propagation.Clear();
  SamplePeakMemory(state);
  state.loading = was_loading;
  return r;
}

bool ParseAofManifest(std::string_view text, std::vector<AofManifestEntry>& entries,
                      std::string& error) {
  entries.clear();
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line_no++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> words;
    if (!resp::SplitInlineArgs(line, words) || words.size() % 2 != 0) {
      error = "line " + std::to_string(line_no) + " is malformed";
      return false;
    }
    AofManifestEntry e;
    bool has_seq = false;
    for (size_t i = 0; i < words.size(); i += 2) {
      const std::string& key = words[i];
      const std::string& value = words[i + 1];
      if (key == "file") {
        e.name = value;
      } else if (key == "seq") {
        char* end = nullptr;
        e.seq = strtoll(value.c_str(), &end, 10);
        has_seq = end != value.c_str() && *end == '\0';
      } else if (key == "type" && value.size() == 1) {
        e.type = value[0];
      }
      // Other keys (later Redis versions add some) say nothing about what to load.
    }
    if (e.name.empty() || e.name.find('/') != std::string::npos || !has_seq ||
        (e.type != 'b' && e.type != 'i' && e.type != 'h')) {
      error = "line " + std::to_string(line_no) + " is malformed";
      return false;
    }
    entries.push_back(std::move(e));
  }
  return true;
}

bool LoadAofAtStartup(ServerState& state) {
  // As Redis: the AOF is only read when it is on.
  if (!state.config.appendonly) return true;
  const std::string& dir = state.config.dir;
  const std::string own_path = dir + "/" + state.config.appendfilename;
  const std::string manifest_path = dir + "/" + std::string(kRedisAofDirName) + "/" +
                                    state.config.appendfilename + ".manifest";
  const bool own = FileExists(own_path);
  if (!own && !FileExists(manifest_path)) return true;

  const auto started = std::chrono::steady_clock::now();
  // Loading is not client activity: INFO's counters start from zero after it.
  const Stats stats_before = state.stats;
  // Replay sees the data as the original server did: no key expires under it (the file holds
  // the DELs of real expiries), and nothing it does is recorded again.
  for (auto& db : state.dbs) db->set_expiry_suspended(true);
  state.propagation.set_enabled(false);
  uint64_t commands = 0;
  bool ok;
  if (own) {
    MappedFile file;
    size_t kept = 0;
    ok = LoadOneFile(state, own_path, true, true, commands, file, kept);
  } else {
    ok = LoadRedisMultiPart(state, dir, own_path, manifest_path, commands);
  }
  state.stats = stats_before;
  for (auto& db : state.dbs) db->set_expiry_suspended(false);
  state.propagation.set_enabled(true);
  state.propagation.Clear();
  state.propagation.ResetChanges();  // what the file holds is saved already
  if (!ok) return false;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char secs[32];
  snprintf(secs, sizeof(secs), "%.3f", seconds);
  Log(LogLevel::kNotice, "DB loaded from append only file: " + std::string(secs) + " seconds (" +
                             std::to_string(commands) + " commands, " +
                             std::to_string(KeyCount(state)) + " keys)");
  return true;
}

}  // namespace server
