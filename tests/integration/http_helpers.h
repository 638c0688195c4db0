// Integration-test helpers for the HTTP listener (http-port): a runnel-server with one, and a
// raw HTTP/1.1 exchange over a socket (no client library, so malformed input can be sent).
#pragma once

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace httptest {

// runnel-server with its RESP port and an HTTP listener on another free port.
class HttpServer {
 public:
  explicit HttpServer(std::vector<std::string> extra = {})
      : http_port_(itest::FreePort()), server_(WithHttp(http_port_, std::move(extra))) {}
  int port() const { return server_.port(); }
  int http_port() const { return http_port_; }
  itest::Server& server() { return server_; }

 private:
  static std::vector<std::string> WithHttp(int http_port, std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--http-port", std::to_string(http_port)});
    return extra;
  }
  int http_port_;
  itest::Server server_;
};

// A parsed response.
struct Reply {
  int status = 0;  // 0: none (the connection closed without one)
  std::string head;  // status line and headers
  std::string body;
};

// Parses one response from the front of `raw` (Content-Length framing); `raw` keeps the rest.
inline Reply TakeReply(std::string& raw, bool head_only = false) {
  Reply r;
  const size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.head = raw.substr(0, end + 2);
  size_t length = 0;
  const size_t cl = r.head.find("Content-Length: ");
  if (cl != std::string::npos) length = std::stoul(r.head.substr(cl + 16));
  if (head_only) length = 0;
  r.body = raw.substr(end + 4, length);
  raw.erase(0, std::min(raw.size(), end + 4 + length));
  return r;
}

// Sends `request` as is on a fresh connection and reads until the server closes it.
inline Reply Exchange(int port, const std::string& request, int timeout_ms = 5000) {
  itest::RawSocket s(port);
  s.SendAll(request);
  std::string raw = s.ReadUntilClosed(timeout_ms);
  return TakeReply(raw);
}

// GET `path` (Connection: close), with extra header lines ("Name: value").
inline Reply Get(int port, const std::string& path, const std::vector<std::string>& headers = {}) {
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  return Exchange(port, request + "\r\n");
}

// "Authorization: Basic ..." for `user:password`.
inline std::string BasicAuth(const std::string& credentials) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < credentials.size(); i += 3) {
    const uint32_t v = (uint8_t(credentials[i]) << 16) | (uint8_t(credentials[i + 1]) << 8) |
                       uint8_t(credentials[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i + 1 == credentials.size()) {
    const uint32_t v = uint8_t(credentials[i]) << 16;
    out += std::string{kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == credentials.size()) {
    const uint32_t v = (uint8_t(credentials[i]) << 16) | (uint8_t(credentials[i + 1]) << 8);
    out += std::string{kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63],
                       kAlphabet[(v >> 6) & 63], '='};
  }
  return "Authorization: Basic " + out;
}

// The value of the sample `line_prefix` ("runnel_stream_length{db=\"0\",stream=\"s\"}") in a
// /metrics body, or "" when absent.
inline std::string Sample(const std::string& body, const std::string& line_prefix) {
  const std::string needle = "\n" + line_prefix + " ";
  const size_t at = body.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  return body.substr(start, body.find('\n', start) - start);
}

}  // namespace httptest
