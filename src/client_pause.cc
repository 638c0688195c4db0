#include "src/client_pause.h"

#include <algorithm>

#include "src/ascii.h"
#include "src/command_table.h"
#include "src/dispatch.h"

namespace server {

void ClientPause::Pause(PauseMode mode, int64_t end_ms) {
  if (mode_ == PauseMode::kNone) {
    mode_ = mode;
    end_ms_ = end_ms;
    return;
  }
  if (mode == PauseMode::kAll) mode_ = PauseMode::kAll;
  end_ms_ = std::max(end_ms_, end_ms);
}

void ClientPause::Unpause() { mode_ = PauseMode::kNone; }

PauseMode ClientPause::ModeAt(int64_t now_ms) const {
  return now_ms < end_ms_ ? mode_ : PauseMode::kNone;
}

bool PauseHoldsAsWrite(std::string_view name, uint32_t flags) {
  if ((flags & (kWrite | kMayReplicate)) != 0) return true;
  // Scripts may write whatever their flags say, unless they are the read-only variants.
  if ((flags & kRunsScript) != 0 && (flags & kReadOnly) == 0) return true;
  return EqualsIgnoreCase(name, "publish") || EqualsIgnoreCase(name, "spublish") ||
         EqualsIgnoreCase(name, "pfcount");
}

bool ClientPause::PostponesRequest(const CommandTable& table, const Client& client,
                                   std::span<const std::string_view> argv, int64_t now_ms) const {
  const PauseMode mode = ModeAt(now_ms);
  if (mode == PauseMode::kNone || client.is_replica || client.is_master) return false;
  auto spec = Resolve(table, argv);
  if (!spec) return false;
  if (mode == PauseMode::kAll) return true;
  if (PauseHoldsAsWrite((*spec)->name, (*spec)->flags)) return true;
  // EXEC writes when what it runs does.
  if (!EqualsIgnoreCase(argv[0], "exec") || !client.in_multi) return false;
  for (const QueuedCommand& q : client.multi_queue) {
    std::vector<std::string_view> args(q.argv.begin(), q.argv.end());
    auto queued = Resolve(table, args);
    if (queued && PauseHoldsAsWrite((*queued)->name, (*queued)->flags)) return true;
  }
  return false;
}

void ClientPause::Hold(Client& client) {
  if (client.postponed) return;
  client.postponed = true;
  postponed_.push_back(client.id);
}

std::vector<uint64_t> ClientPause::TakeResumable(int64_t now_ms) {
  if (ActiveAt(now_ms) || postponed_.empty()) return {};
  mode_ = PauseMode::kNone;
  std::vector<uint64_t> ids;
  ids.swap(postponed_);
  return ids;
}

void ClientPause::Forget(uint64_t client_id) {
  postponed_.erase(std::remove(postponed_.begin(), postponed_.end(), client_id),
                   postponed_.end());
}

}  // namespace server
