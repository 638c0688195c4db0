#include "src/commands/registry.h"

#include <array>

namespace server {

std::span<const std::span<const CommandSpec>> CommandFamilies() {
  // The order COMMAND and COMMAND LIST walk the table in.
  static const std::array kFamilies = {
      ConnectionRows(),     ServerAdminRows(),     CommandRows(),        InfoRows(),
      ConfigRows(),         KeyRows(),             StringRows(),         TransactionRows(),
      ClientRows(),         StreamRangeRows(),     StreamWriteRows(),    StreamInfoRows(),
      StreamReadRows(),     StreamGroupRows(),     StreamReadGroupRows(), StreamAckRows(),
      StreamPendingRows(),  StreamRedriveRows(),   StreamIdmpRows(), StreamLoadBlockRows(),     StreamRetentionRows(), StreamScheduleRows(),
      AofAdminRows(),       MonitorRows(),
      ListPushPopRows(),    ListAccessRows(),      ListBlockingRows(),   HashRows(),
      SetRows(),            SortedSetRows(),       MemoryRows(),         SortRows(),
      PubSubRows(),         ScriptingRows(),       FunctionRows(),       AclRows(),
      ReplicationRows(),
      SlowlogRows(),        LatencyRows(),
  };
  return kFamilies;
}

}  // namespace server
