// The stream command family: joins the rows of each stream command file.
#include "src/commands/streams/streams.h"

#include <vector>

namespace server {

std::span<const CommandSpec> StreamCommands() {
  static const std::vector<CommandSpec> rows = [] {
    std::vector<CommandSpec> all;
    for (auto part : {StreamRangeRows(), StreamWriteRows(), StreamInfoRows(), StreamReadRows(),
                      StreamGroupRows(), StreamReadGroupRows(), StreamAckRows(),
                      StreamPendingRows(), StreamRedriveRows()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return rows;
}

}  // namespace server
