// The queue dashboard's routes (page, assets, JSON API). Being built (issue 20): until then it
// serves nothing, and the listener answers 404.
#include "src/http/routes.h"

namespace server::http {

std::optional<Response> DashboardRoute(ServerState&, const Request&) { return std::nullopt; }

}  // namespace server::http
