// XPENDING XCLAIM XAUTOCLAIM: not written yet.
#include "src/commands/streams.h"

namespace server {

std::span<const CommandSpec> StreamPendingRows() { return {}; }

}  // namespace server
