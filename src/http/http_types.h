// What the HTTP listener (src/http/http_server.h, on the server's libuv loop) hands a route and
// what a route gives back. A route sees a parsed, size-checked, authenticated request and never
// touches a socket; the listener writes the response at the loop's check point, after the AOF
// has taken any write the route made (as RESP replies are held).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

struct Client;

namespace http {

struct Request {
  std::string_view method;  // "GET", "POST", as sent
  std::string_view path;    // "/api/streams", without the query
  std::string_view query;   // "stream=a&count=10", without the '?'; percent-encoding kept
  std::string_view body;
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // names as sent
  // The RESP-side identity the request runs as: a pseudo-client bound to the ACL user the
  // request authenticated as (HTTP Basic), or the default user when no password is required.
  // Routes that run commands go through Dispatch with it, so ACL rules apply as over RESP.
  Client* client = nullptr;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static Response Text(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace http
}  // namespace server
