// /metrics: filled in by the exposition writer (next commit); for now an empty exposition.
#include "src/http/routes.h"

namespace server::http {

Response MetricsRoute(ServerState&, const Request&) {
  Response r = Response::Text(200, "");
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

}  // namespace server::http
