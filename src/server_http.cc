// Server's part of the HTTP listener (src/http/http_server.h): opening it at start.
#include "src/http/http_server.h"
#include "src/log.h"
#include "src/server.h"
#include "src/tls.h"

namespace server {

bool Server::ListenHttp() {
  const Config& config = state_.config;
  if (config.http_port == 0) return true;
  // Start-up stops: the RESP listeners already bound are closed too, so that the loop's last
  // run frees every handle.
  auto fail = [this] {
    if (http_ != nullptr) http_->Close();
    for (auto& l : listeners_) {
      uv_close(reinterpret_cast<uv_handle_t*>(&l.release()->tcp),
               [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
    }
    listeners_.clear();
    return false;
  };
  if (config.http_tls && !TlsEnabled(config)) {
    Log(LogLevel::kWarning, "http-tls yes needs a tls-port (its certificate and rules)");
    return fail();
  }
  auto addresses = SplitSpaces(config.http_bind.empty() ? config.bind : config.http_bind);
  if (addresses.empty()) addresses.push_back("127.0.0.1");
  http_ = std::make_unique<http::HttpServer>(*this);
  const int bound = http_->Listen(addresses, static_cast<int>(config.http_port), config.http_tls);
  if (bound < 0) return fail();
  Log(LogLevel::kNotice, std::string("Ready to accept connections ") +
                             (config.http_tls ? "https" : "http") + " on port " +
                             std::to_string(bound));
  return true;
}

}  // namespace server
