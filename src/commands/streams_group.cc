// XGROUP: not written yet.
#include "src/commands/streams.h"

namespace server {

std::span<const CommandSpec> StreamGroupRows() { return {}; }

}  // namespace server
