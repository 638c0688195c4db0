// The HTTP/1.1 listener (http-port): GET /metrics and the dashboard's routes, on the server's own
// libuv loop, parsed by Debian's http_parser. Each connection answers its requests in order;
// a response leaves at the loop's check point, after the AOF took whatever the route wrote,
// as a RESP reply does. Nothing here blocks or waits: a request is read whole into memory
// (bounded: headers, body, time, connections), then run at once; bad input gets its HTTP error
// and the connection is closed, so no HTTP client can hold up the loop or the RESP clients.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "src/connection.h"
#include "src/http/http_types.h"

namespace server::http {

class HttpConnection;

// What bounds one HTTP client. The time limits come from the config at each check.
struct Limits {
  size_t max_header_bytes = 8 * 1024;  // request line and headers; past it: 431
  size_t max_body_bytes = 64 * 1024;   // past it: 413
};

class HttpServer {
 public:
  // `host` is the RESP side's host: its loop and state, and ServeReadyKeys after a route ran
  // commands (a write may wake blocked RESP clients).
  explicit HttpServer(ConnectionHost& host, Limits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds http-port on each address (a leading '-' makes one optional, as in `bind`) and starts
  // the timeout timer. Returns the port bound, or -1 (logged).
  int Listen(const std::vector<std::string>& addresses, int port, bool tls);
  // At the check point, after the AOF was fed: sends the responses made since the last one.
  void FlushResponses();
  // Shutdown: closes the listeners, the timer and every connection.
  void Close();

  // Used by the connections.
  uv_loop_t* loop() { return host_.loop(); }
  ServerState& state() { return host_.state(); }
  ConnectionHost& host() { return host_; }
  const Limits& limits() const { return limits_; }
  void QueueFlush(HttpConnection* c);
  // A /metrics scrape runs a slice per loop iteration (src/http/metrics.h) from here.
  void ScrapeStarted(HttpConnection* c);
  void ScrapeDone(HttpConnection* c);
  void Forget(HttpConnection* c);

 private:
  struct Listener {
    uv_tcp_t tcp;
    HttpServer* server;
    bool tls;
  };
  static void OnConnection(uv_stream_t* handle, int status);
  static void OnTimer(uv_timer_t* timer);
  static void OnIdle(uv_idle_t* idle);
  void KeepLoopBusy();

  ConnectionHost& host_;
  Limits limits_;
  std::vector<Listener*> listeners_;  // closed (and freed by their close callback) by Close
  uv_timer_t timer_;  // the request and keep-alive timeouts
  // Active while responses wait or scrapes run: the loop then polls without blocking, so a
  // response made outside an I/O callback (a timeout's 408) leaves at this iteration's check
  // point, and a scrape advances every iteration.
  uv_idle_t idle_;
  bool timer_started_ = false;
  bool closed_ = false;
  std::unordered_set<HttpConnection*> connections_;
  std::vector<HttpConnection*> pending_flush_;
  std::vector<HttpConnection*> scrapes_;  // connections with a scrape in progress
};

// The HTTP bits a unit test can check without a socket.
// "HTTP/1.1 <status> <reason>" and headers for `response`, with Content-Length (of the body,
// even when `head_only` leaves the body out) and "Connection: close" when `close`.
std::string SerializeResponse(const Response& response, bool close, bool head_only);
// The status line and headers alone, for a body of `body_size` bytes written after them.
std::string SerializeHead(const Response& response, size_t body_size, bool close);
// The credentials of an "Authorization: Basic ..." header value; nullopt when it is not Basic
// or not valid base64. A value without a colon is a password for the default user, as AUTH
// with one argument.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> ParseBasicAuth(std::string_view header_value);

}  // namespace server::http
