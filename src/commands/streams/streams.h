// The stream command family is split by concern; each file exports its rows and
// StreamCommands() (streams.cc) joins them into the command table.
#pragma once

#include <span>

#include "src/command_table.h"

namespace server {

std::span<const CommandSpec> StreamRangeRows();   // XLEN XRANGE XREVRANGE
std::span<const CommandSpec> StreamWriteRows();   // XADD XDEL XTRIM XSETID
std::span<const CommandSpec> StreamInfoRows();    // XINFO
std::span<const CommandSpec> StreamReadRows();    // XREAD
std::span<const CommandSpec> StreamGroupRows();   // XGROUP
std::span<const CommandSpec> StreamReadGroupRows();  // XREADGROUP
std::span<const CommandSpec> StreamAckRows();     // XACK XACKDEL XNACK
std::span<const CommandSpec> StreamPendingRows(); // XPENDING XCLAIM XAUTOCLAIM
std::span<const CommandSpec> StreamRedriveRows(); // XREDRIVE (Runnel's)

}  // namespace server
