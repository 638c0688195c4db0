// The HTTP listener's routes. The listener (src/http/http_server.cc) answers /metrics with
// MetricsRoute and offers every other request to DashboardRoute; nothing claims it: 404.
#pragma once

#include <optional>

#include "src/http/http_types.h"
#include "src/server_state.h"

namespace server::http {

// GET /metrics: the Prometheus text exposition of the server and its queues (metrics.cc).
Response MetricsRoute(ServerState& state, const Request& request);

// The queue dashboard: its page, assets and JSON API (dashboard.cc). nullopt for a path it
// does not serve.
std::optional<Response> DashboardRoute(ServerState& state, const Request& request);

}  // namespace server::http
