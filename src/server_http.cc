// Server's part of the HTTP listener (src/http/http_server.h): opening it at start.
#include "src/http/http_server.h"
#include "src/log.h"
#include "src/server.h"
#include "src/tls.h"

namespace server {

bool Server::ListenHttp() {
  const Config& config = state_.config;
  if (config.http_port == 0) return true;
  if (config.http_tls && !TlsEnabled(config)) {
    Log(LogLevel::kWarning, "http-tls yes needs a tls-port (its certificate and rules)");
    return false;
  }
  auto addresses = SplitSpaces(config.http_bind.empty() ? config.bind : config.http_bind);
  if (addresses.empty()) addresses.push_back("127.0.0.1");
  http_ = std::make_unique<http::HttpServer>(*this);
  const int bound = http_->Listen(addresses, static_cast<int>(config.http_port), config.http_tls);
  if (bound < 0) {
    http_->Close();
    return false;
  }
  Log(LogLevel::kNotice, std::string("Ready to accept connections ") +
                             (config.http_tls ? "https" : "http") + " on port " +
                             std::to_string(bound));
  return true;
}

}  // namespace server
