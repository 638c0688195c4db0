// /metrics: the server and its queues in the Prometheus text format (src/http/exposition.h).
// One walk of every db feeds the per-stream and per-group families; the server-wide ones come
// from ServerState's counters. Reads only: a scrape changes nothing, so it needs no AOF record.
#pragma once

#include <cstdint>
#include <string>

#include "src/http/exposition.h"
#include "src/server_state.h"

namespace server::http {

// The whole exposition at `now_ms` (wall clock: pending ages are measured from it).
std::string RenderMetrics(ServerState& state, int64_t now_ms);

// The per-command and per-error counters (runnel_commands_total{command}, runnel_errors_total
// {error}): where ServerState's commandstats and errorstats plug in.
void AddCommandMetrics(Exposition& out, const ServerState& state);

}  // namespace server::http
