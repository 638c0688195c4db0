// The server's side of writing the append-only file: open it after loading, hand it each check
// point's records before any reply leaves (the writer fsyncs per appendfsync), flush and fsync
// it at exit. With appendonly no the records are dropped.
#include <cstdlib>

#include "src/aof_writer.h"
#include "src/blocking.h"
#include "src/log.h"
#include "src/server.h"

namespace server {

namespace {

FsyncPolicy PolicyOf(const Config& config) {
  return ParseFsyncPolicy(config.appendfsync).value_or(FsyncPolicy::kEverysec);
}

// Moves every pending record into the writer's buffer.
void AppendPending(ServerState& state) {
  for (const PropagatedCommand& record : state.propagation.Take()) state.aof->Append(record);
}

}  // namespace

bool Server::OpenAof() {
  // Whatever replaying the file recorded is in the file already.
  state_.propagation.Take();
  state_.propagation.set_enabled(state_.config.appendonly);
  if (!state_.config.appendonly) return true;
  std::string error;
  state_.aof = AofWriter::Open(state_.config.dir + "/" + state_.config.appendfilename,
                               PolicyOf(state_.config), error);
  if (!state_.aof) {
    Log(LogLevel::kWarning, error);
    return false;
  }
  return true;
}

void Server::FeedAof() {
  if (!state_.aof) {
    state_.propagation.Take();
    return;
  }
  AofWriter& aof = *state_.aof;
  // CONFIG SET appendfsync only edits the config: pick it up here.
  aof.set_policy(PolicyOf(state_.config));
  AppendPending(state_);
  if (aof.Flush(SteadyMs()) == AofWriter::FlushResult::kFatal) {
    // appendfsync always promises that no reply acknowledges a write that is not on disk; the
    // replies of this check point have not left yet, so exiting keeps that promise.
    std::exit(1);
  }
}

void Server::CloseAof() {
  if (!state_.aof) {
    state_.propagation.Take();
    return;
  }
  // Records left after the last check point (the shutdown's own iteration) still go in.
  AppendPending(state_);
  Log(LogLevel::kNotice, "Calling fsync() on the AOF file.");
  state_.aof->Close();
  state_.aof.reset();
}

}  // namespace server
