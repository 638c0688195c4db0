// The queue dashboard's routes: the page and its assets (embedded, src/http/dashboard_assets.h),
// GET /api/overview (src/http/dashboard_overview.h) and POST /api/redrive, which runs XREDRIVE
// through Dispatch as the request's client, so ACL rules, a replica's READONLY and the AOF apply
// exactly as over RESP.
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/ascii.h"
#include "src/dispatch.h"
#include "src/http/dashboard_assets.h"
#include "src/http/dashboard_json.h"
#include "src/http/dashboard_overview.h"
#include "src/http/routes.h"

namespace server::http {

namespace {

constexpr std::string_view kAssetPrefix = "/assets/";

std::string_view ContentTypeOf(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

const EmbeddedAsset* FindAsset(std::string_view name) {
  for (const EmbeddedAsset& a : DashboardAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Response JsonResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response JsonError(int status, std::string_view message) {
  return JsonResponse(status, JsonWriter().BeginObject().Key("error").String(message)
                                  .EndObject().Take());
}

Response MethodNotAllowed(std::string_view allow) {
  Response r = JsonError(405, "method not allowed");
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

bool IsGet(const Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

Response ServeAsset(const EmbeddedAsset& asset) {
  Response r;
  r.content_type = std::string(ContentTypeOf(asset.name));
  r.body = std::string(asset.bytes);
  // The page is small: revalidate it each load, so an upgraded server's page is seen at once;
  // its assets may be kept a few minutes.
  const bool page = asset.name.ends_with(".html");
  r.headers.emplace_back("Cache-Control", page ? "no-cache" : "public, max-age=300");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (page) {
    // Everything the page needs is its own: no inline script, no other origin, no framing.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
  }
  return r;
}

std::string_view HeaderValue(const Request& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

// The HTTP status for an error reply of Dispatch: a refused permission is 403, a missing
// authentication 401, anything else the request's fault (400) or the server's role (409).
int StatusOfError(std::string_view error) {
  if (error.starts_with("NOPERM")) return 403;
  if (error.starts_with("NOAUTH")) return 401;
  if (error.starts_with("READONLY") || error.starts_with("MASTERDOWN")) return 409;
  return 400;
}

// Runs argv as `client` through Dispatch: the RESP reply's text, "-..." for an error.
std::string RunAsClient(ServerState& state, Client& client,
                        const std::vector<std::string>& args) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  std::string out;
  resp::Writer w(out, client.protocol);
  Dispatch(state, client, argv, w);
  return out;
}

// The error text of a RESP error reply ("-ERR x\r\n" -> "ERR x"); "" for any other reply.
std::string_view ErrorText(std::string_view reply) {
  if (!reply.starts_with("-")) return {};
  reply.remove_prefix(1);
  if (reply.ends_with("\r\n")) reply.remove_suffix(2);
  return reply;
}

// POST /api/redrive {"key": dlq, "db": n, "group": g, "count": n}: XREDRIVE key [GROUP g]
// [COUNT n] in db n (SELECTed through Dispatch too, then the client's db restored). A JSON
// content type is required: a cross-site form cannot send one without a CORS preflight, which
// the dashboard never grants, so a page elsewhere cannot make a logged-in browser redrive.
Response Redrive(ServerState& state, const Request& request) {
  if (request.method != "POST") return MethodNotAllowed("POST");
  if (request.client == nullptr) return JsonError(500, "no client for the request");
  if (!HeaderValue(request, "Content-Type").starts_with("application/json")) {
    return JsonError(415, "the body must be JSON (Content-Type: application/json)");
  }
  auto body = ParseFlatJsonObject(request.body);
  if (!body) return JsonError(400, "the body must be a flat JSON object");
  auto field = [&](std::string_view name) -> const JsonScalar* {
    auto it = body->find(name);
    return it == body->end() || it->second.kind == JsonScalar::Kind::kNull ? nullptr
                                                                           : &it->second;
  };
  const JsonScalar* key = field("key");
  const JsonScalar* db = field("db");
  const JsonScalar* group = field("group");
  const JsonScalar* count = field("count");
  using Kind = JsonScalar::Kind;
  if (key == nullptr || key->kind != Kind::kString) return JsonError(400, "key: a string");
  if (db != nullptr && db->kind != Kind::kInteger) return JsonError(400, "db: an integer");
  if (group != nullptr && group->kind != Kind::kString) return JsonError(400, "group: a string");
  if (count != nullptr && count->kind != Kind::kInteger) {
    return JsonError(400, "count: an integer");
  }
  Client& client = *request.client;
  const int saved_db = client.db_index;
  if (db != nullptr && db->integer != client.db_index) {
    const std::string reply = RunAsClient(state, client, {"SELECT", db->text});
    if (std::string_view e = ErrorText(reply); !e.empty()) {
      client.db_index = saved_db;
      return JsonError(StatusOfError(e), e);
    }
  }
  std::vector<std::string> args = {"XREDRIVE", key->text};
  if (group != nullptr) args.insert(args.end(), {"GROUP", group->text});
  if (count != nullptr) args.insert(args.end(), {"COUNT", count->text});
  const std::string reply = RunAsClient(state, client, args);
  client.db_index = saved_db;
  if (std::string_view e = ErrorText(reply); !e.empty()) return JsonError(StatusOfError(e), e);
  // XREDRIVE's only other reply is an integer, ":n\r\n".
  if (!reply.starts_with(":") || !reply.ends_with("\r\n")) {
    return JsonError(500, "unexpected reply to XREDRIVE");
  }
  const std::string_view n = std::string_view(reply).substr(1, reply.size() - 3);
  return JsonResponse(200, "{\"redriven\":" + std::string(n) + "}");
}

Response OverviewRoute(ServerState& state, const Request& request) {
  if (!IsGet(request)) return MethodNotAllowed("GET, HEAD");
  if (request.client != nullptr && state.NeedsAuth(*request.client)) {
    return JsonError(401, "authentication required");
  }
  const int64_t now_ms = state.NextCommandTime();
  return JsonResponse(200, OverviewJson(BuildOverview(state, request.client, now_ms)));
}

}  // namespace

std::optional<Response> DashboardRoute(ServerState& state, const Request& request) {
  const std::string_view path = request.path;
  if (path == "/api/overview") return OverviewRoute(state, request);
  if (path == "/api/redrive") return Redrive(state, request);
  const EmbeddedAsset* asset = nullptr;
  if (path == "/" || path == "/dashboard" || path == "/dashboard/") {
    asset = FindAsset("dashboard.html");
  } else if (path.starts_with(kAssetPrefix)) {
    asset = FindAsset(path.substr(kAssetPrefix.size()));
  }
  if (asset == nullptr) return std::nullopt;
  if (!IsGet(request)) return MethodNotAllowed("GET, HEAD");
  return ServeAsset(*asset);
}

}  // namespace server::http
