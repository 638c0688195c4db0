// CLIENT PAUSE: which requests wait while paused, and until when (pure: times are passed in);
// the connection asks before each request, the server resumes held clients in order at the end.
// Invariant: each held client is listed once, exactly while its Client::postponed is set.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "src/client.h"

namespace server {

class CommandTable;

enum class PauseMode { kNone, kWrite, kAll };

class ClientPause {
 public:
  // CLIENT PAUSE: the stricter mode and the later end win over a pause already running (a
  // WRITE pause never weakens an ALL one, a shorter timeout never shortens it).
  void Pause(PauseMode mode, int64_t end_ms);
  // CLIENT UNPAUSE: ends the pause now; the server resumes the held clients.
  void Unpause();
  // The pause in force at now_ms (kNone once its end has passed).
  PauseMode ModeAt(int64_t now_ms) const;
  bool ActiveAt(int64_t now_ms) const { return ModeAt(now_ms) != PauseMode::kNone; }
  // When the pause ends (wall-clock ms); -1 when there is none.
  int64_t end_ms() const { return mode_ == PauseMode::kNone ? -1 : end_ms_; }

  // Whether `client`'s request `argv` must wait for the pause to end. Replicas and our
  // primary's link are never held; unknown commands are not either (they get their error).
  bool PostponesRequest(const CommandTable& table, const Client& client,
                        std::span<const std::string_view> argv, int64_t now_ms) const;

  // The held clients, oldest first.
  void Hold(Client& client);
  // Takes the held clients' ids (clearing their postponed flags is the caller's job, as it
  // resumes them) once the pause is over; empty while it lasts.
  std::vector<uint64_t> TakeResumable(int64_t now_ms);
  // A held client went away.
  void Forget(uint64_t client_id);
  size_t held() const { return postponed_.size(); }

 private:
  PauseMode mode_ = PauseMode::kNone;
  int64_t end_ms_ = 0;
  std::vector<uint64_t> postponed_;
};

// Whether a command may write, for CLIENT PAUSE WRITE: write commands, and those Redis marks
// may-replicate (scripts other than the _RO ones, PUBLISH, SPUBLISH, PFCOUNT).
bool PauseHoldsAsWrite(std::string_view name, uint32_t flags);

}  // namespace server
