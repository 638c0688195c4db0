// XREADGROUP: not written yet.
#include "src/commands/streams.h"

namespace server {

std::span<const CommandSpec> StreamReadGroupRows() { return {}; }

}  // namespace server
