#include "src/http/http_server.h"

#include <http_parser.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "src/acl/acl.h"
#include "src/ascii.h"
#include "src/client.h"
#include "src/client_info.h"
#include "src/dispatch.h"
#include "src/http/metrics.h"
#include "src/http/routes.h"
#include "src/log.h"
#include "src/tls.h"
#include "src/tracking.h"
#include "src/transactions.h"

namespace server::http {

namespace {

// Read buffers shared by every HTTP connection: the loop is single-threaded, libuv calls the
// allocation and read callbacks back to back, and a read is parsed (its request run) before
// the callback returns; whatever must wait is copied out (HttpConnection::held_).
char http_read_buffer[64 * 1024];
char http_plain_buffer[64 * 1024];  // TLS: the plaintext decrypted from http_read_buffer

constexpr int64_t kTimerPeriodMs = 200;
// What one loop iteration spends on /metrics scrapes in progress, all of them together: the
// most a scrape delays RESP clients, however many streams it walks.
constexpr int64_t kScrapeBudgetUs = 1000;
// Bytes handed to the kernel per write: a big response (a scrape of many streams) goes out a
// slice per loop iteration, never in one long copy (or, with TLS, one long encryption).
constexpr size_t kWriteSlice = 256 * 1024;
// Past this much output not yet taken by the client, its pipelined requests wait (unparsed)
// until the output has gone: a client that sends requests and never reads costs this much.
constexpr size_t kMaxPendingOutput = 1024 * 1024;

std::string PeerAddress(uv_tcp_t* tcp, bool local, bool* loopback) {
  sockaddr_storage ss;
  int len = sizeof(ss);
  const int rc = local ? uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&ss), &len)
                       : uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&ss), &len);
  if (loopback != nullptr) *loopback = false;
  if (rc != 0) return "?:0";
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof(ip));
    port = ntohs(a->sin_port);
    if (loopback != nullptr) *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    uv_ip6_name(a, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
    if (loopback != nullptr) {
      *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
                  (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127);
    }
  }
  return std::string(ip) + ":" + std::to_string(port);
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

Response ErrorResponse(int status) {
  Response r = Response::Text(status, std::to_string(status) + " " +
                                          http_status_str(static_cast<http_status>(status)) + "\n");
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"runnel\"");
  return r;
}

}  // namespace

std::string SerializeHead(const Response& response, size_t body_size, bool close) {
  std::string out = "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http_status_str(static_cast<http_status>(response.status));
  out += "\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(body_size);
  out += "\r\n";
  if (close) out += "Connection: close\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

std::string SerializeResponse(const Response& response, bool close, bool head_only) {
  std::string out = SerializeHead(response, response.body.size(), close);
  if (!head_only) out += response.body;
  return out;
}

std::optional<BasicCredentials> ParseBasicAuth(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || AsciiLower(value.substr(0, space)) != "basic") {
    return std::nullopt;
  }
  std::string_view encoded = value.substr(space + 1);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  auto decoded = DecodeBase64(encoded);
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return BasicCredentials{"default", *decoded};
  BasicCredentials c{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (c.user.empty()) c.user = "default";  // ":password", as AUTH <password>
  return c;
}

// One HTTP client. Owned by libuv's close callback (deleted there); the server holds a
// pointer until Close. Input is parsed as it arrives; a complete request runs at once and its
// response waits in queued_ for the check point. Requests are answered in order; past
// kMaxPendingOutput of unsent output, the rest of the input waits in held_ unparsed and the
// socket is not read.
class HttpConnection {
 public:
  HttpConnection(HttpServer& server, uint64_t client_id) : server_(server) {
    uv_tcp_init(server.loop(), &tcp_);
    tcp_.data = this;
    http_parser_init(&parser_, HTTP_REQUEST);
    parser_.data = this;
    client_.id = client_id;
    client_.created_ms = WallClockMs();
    client_.last_interaction_ms = client_.created_ms;
    client_.name = "http";
  }

  uv_tcp_t* handle() { return &tcp_; }

  bool UseTls(const TlsContext& context) {
    tls_ = TlsStream::Accept(context);
    return tls_ != nullptr;
  }

  // Starts reading. `loopback` tells protected mode whether the peer may stay.
  void Start(int64_t now_ms) {
    uv_tcp_nodelay(&tcp_, 1);
    bool loopback = false;
    client_.addr = PeerAddress(&tcp_, false, &loopback);
    client_.laddr = PeerAddress(&tcp_, true, nullptr);
    activity_ms_ = now_ms;
    request_started_ms_ = now_ms;  // the first request's clock runs from the accept
    ServerState& st = server_.state();
    // Protected mode, as on the RESP port: with no password on the default user, only
    // loopback peers.
    if (st.config.protected_mode && st.Acl().Default().nopass && !loopback) {
      return Fail(403);
    }
    StartReading();
  }

  // Answers `status` and closes (bad input, timeouts, too many connections).
  void Fail(int status) {
    if (closing_ || close_after_write_) return;
    Queue(ErrorResponse(status), true, false);
  }

  void Close() {
    if (closing_) return;
    closing_ = true;
    ServerState& st = server_.state();
    // A route may have run commands that left state behind on the pseudo-client.
    UnwatchAll(st, client_);
    st.blocking.Unblock(client_);
    st.pubsub.RemoveClient(client_.id);
    DisableTracking(st, client_);
    server_.Forget(this);
    if (tls_ != nullptr) {
      tls_->Shutdown();
      std::string_view rest = tls_->PeekCiphertext();
      if (!rest.empty() && !writing_) {
        uv_buf_t buf = uv_buf_init(const_cast<char*>(rest.data()), static_cast<unsigned>(rest.size()));
        uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
      }
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_),
             [](uv_handle_t* h) { delete static_cast<HttpConnection*>(h->data); });
  }

  // The check point: the responses made since the last one leave now.
  void Flush() {
    flush_queued_ = false;
    if (closing_) return;
    if (released_off_ == released_.size()) {
      released_.swap(queued_);  // no copy of a big response
      released_off_ = 0;
      queued_.clear();
    } else {
      released_ += queued_;
      queued_.clear();
    }
    Pump();
  }

  // /metrics: one slice of the scrape in progress; when it is over, its response is queued
  // and the requests that waited behind it run.
  void StepScrape(int64_t budget_us) {
    if (closing_ || scrape_ == nullptr) return;
    ServerState& st = server_.state();
    if (!scrape_->Step(st, budget_us)) return;
    // The body is rendered once, straight after its head in the output (megabytes for many
    // streams: no copy more than needed).
    Response head = Response::Text(200, "");
    head.content_type = "text/plain; version=0.0.4; charset=utf-8";
    const Exposition& e = scrape_->exposition();
    std::string bytes = SerializeHead(head, e.RenderedSize(), scrape_close_);
    if (!scrape_head_) e.RenderTo(bytes);
    scrape_.reset();
    server_.ScrapeDone(this);
    QueueBytes(std::move(bytes), scrape_close_);
    if (!close_after_write_ && !held_.empty() && PendingOutput() <= kMaxPendingOutput) {
      ResumeHeld();
    }
  }

  void CheckTimeouts(int64_t now_ms) {
    if (closing_ || scrape_ != nullptr) return;
    const Config& config = server_.state().config;
    if (close_after_write_ || Busy()) {
      // Output the client does not take: after the keep-alive time without progress, give up.
      if (now_ms - activity_ms_ > config.http_keepalive_timeout * 1000) Close();
      return;
    }
    if (request_started_ms_ >= 0) {
      if (now_ms - request_started_ms_ > config.http_request_timeout * 1000) Fail(408);
    } else if (now_ms - activity_ms_ > config.http_keepalive_timeout * 1000) {
      Close();
    }
  }

 private:
  static void OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
    *buf = uv_buf_init(http_read_buffer, sizeof(http_read_buffer));
  }

  static void OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<HttpConnection*>(s->data);
    if (nread == 0 || self->closing_) return;
    if (nread < 0) return self->PeerClosed();
    self->activity_ms_ = WallClockMs();
    if (self->tls_ == nullptr) return self->Feed(buf->base, static_cast<size_t>(nread));
    self->tls_->Feed(buf->base, static_cast<size_t>(nread));
    for (;;) {
      size_t n = 0;
      const TlsStream::ReadEnd end = self->tls_->Read(http_plain_buffer, sizeof(http_plain_buffer), n);
      if (end == TlsStream::ReadEnd::kData) {
        self->Feed(http_plain_buffer, n);
        if (self->closing_) return;
        continue;
      }
      if (end == TlsStream::ReadEnd::kFailed) {
        Log(LogLevel::kVerbose, "Error accepting a client connection: " + self->tls_->error() +
                                    " (addr=" + self->client_.addr + ")");
        return self->Close();
      }
      if (end == TlsStream::ReadEnd::kPeerClosed) return self->PeerClosed();
      break;
    }
    self->Pump();  // the handshake's answer, at once: it is no response
  }

  void PeerClosed() {
    // A request cut off half-way needs no answer; answers already made still go out.
    if (Busy() || !queued_.empty()) {
      close_after_write_ = true;
      StopReading();
    } else {
      Close();
    }
  }

  bool Busy() const {
    return writing_ || released_off_ < released_.size() || !held_.empty() || scrape_ != nullptr;
  }
  size_t PendingOutput() const {
    return queued_.size() + (released_.size() - released_off_) + inflight_.size() +
           (tls_ != nullptr ? tls_->PendingCiphertext() : 0);
  }

  void StartReading() {
    if (reading_ || closing_) return;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), OnAlloc, OnRead);
    reading_ = true;
  }
  void StopReading() {
    if (!reading_) return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
  }

  // Parses plaintext, running each request as it completes.
  void Feed(const char* data, size_t n) {
    size_t off = 0;
    while (off < n && !closing_ && !close_after_write_) {
      if (PendingOutput() > kMaxPendingOutput || scrape_ != nullptr) {
        held_.append(data + off, n - off);
        StopReading();
        return;
      }
      const size_t used = http_parser_execute(&parser_, &kSettings, data + off, n - off);
      off += used;
      const auto err = static_cast<http_errno>(parser_.http_errno);
      if (err == HPE_PAUSED) {  // on_message_complete: one whole request
        http_parser_pause(&parser_, 0);
        Serve();
        if (parser_.upgrade) close_after_write_ = true;  // we speak nothing but HTTP/1.1
        continue;
      }
      if (err != HPE_OK) return Fail(refused_status_ != 0 ? refused_status_ : 400);
      if (parser_.upgrade) return Fail(400);
      if (used == 0) break;
    }
  }

  // After the output drained: the input that waited.
  void ResumeHeld() {
    std::string held;
    held.swap(held_);
    Feed(held.data(), held.size());
    if (held_.empty() && !close_after_write_) StartReading();
  }

  void Queue(const Response& response, bool close, bool head_only) {
    QueueBytes(SerializeResponse(response, close, head_only), close);
  }

  void QueueBytes(std::string bytes, bool close) {
    if (queued_.empty()) {
      queued_ = std::move(bytes);
    } else {
      queued_ += bytes;
    }
    if (close) {
      close_after_write_ = true;
      StopReading();
    }
    if (!flush_queued_) {
      flush_queued_ = true;
      server_.QueueFlush(this);
    }
  }

  // Writes what passed a check point, a slice at a time (OnWrite calls it again).
  void Pump() {
    if (writing_ || closing_) return;
    if (tls_ != nullptr && tls_->PendingCiphertext() == 0 && released_off_ < released_.size()) {
      if (!tls_->Write(TakeSlice())) return Close();
    }
    if (tls_ != nullptr) {
      const std::string_view pending = tls_->PeekCiphertext();
      if (pending.empty()) return AllWritten();
      return StartWrite(pending);
    }
    if (released_off_ == released_.size()) return AllWritten();
    inflight_ = TakeSlice();  // its own buffer: released_ may grow while the write runs
    StartWrite(inflight_);
  }

  // The next slice of released_ (which is emptied once taken whole).
  std::string TakeSlice() {
    const size_t n = std::min(kWriteSlice, released_.size() - released_off_);
    std::string slice = released_.substr(released_off_, n);
    released_off_ += n;
    if (released_off_ == released_.size()) {
      released_.clear();
      released_off_ = 0;
    }
    return slice;
  }

  void StartWrite(std::string_view bytes) {
    writing_ = true;
    write_len_ = bytes.size();
    uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes.data()), static_cast<unsigned>(bytes.size()));
    write_req_.data = this;
    if (uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, OnWrite) != 0) {
      writing_ = false;
      Close();
    }
  }

  static void OnWrite(uv_write_t* req, int status) {
    auto* self = static_cast<HttpConnection*>(req->data);
    self->writing_ = false;
    if (self->closing_) return;
    if (status < 0) return self->Close();
    self->activity_ms_ = WallClockMs();
    self->server_.state().stats.net_output_bytes += self->write_len_;
    if (self->tls_ != nullptr) {
      self->tls_->ConsumeCiphertext(self->write_len_);
    } else {
      self->inflight_.clear();
    }
    self->Pump();
  }

  // Everything made so far has left.
  void AllWritten() {
    if (!queued_.empty()) return;  // the next check point sends it
    if (close_after_write_) return Close();
    if (!held_.empty()) ResumeHeld();
  }

  // Authenticates the request, routes it and queues its response.
  void Serve() {
    ServerState& st = server_.state();
    Request request;
    const std::string_view url = url_;
    const size_t cut = url.find_first_of("?#");
    request.path = url.substr(0, cut);
    if (cut != std::string_view::npos && url[cut] == '?') {
      std::string_view q = url.substr(cut + 1);
      request.query = q.substr(0, q.find('#'));
    }
    const std::string_view method = http_method_str(static_cast<http_method>(parser_.method));
    const bool head = method == "HEAD";
    request.method = head ? "GET" : method;  // HEAD: the GET response without its body
    request.body = body_;
    for (const auto& [name, value] : headers_) request.headers.emplace_back(name, value);
    const bool close = !keep_alive_;
    std::optional<Response> response = Route(st, request);
    if (response) {
      Queue(*response, close, head);
    } else {  // a /metrics scrape began: its response comes when it is done
      scrape_close_ = close;
      scrape_head_ = head;
    }
    client_.user = nullptr;
    client_.authenticated = false;
    client_.db_index = 0;
    request_started_ms_ = -1;
    // A write the route made may have readied keys RESP clients block on.
    server_.host().ServeReadyKeys();
  }

  // The response, or nullopt when a /metrics scrape began (StepScrape answers).
  std::optional<Response> Route(ServerState& st, Request& request) {
    const acl::User* user = Authenticate(st, request);
    if (user == nullptr) return ErrorResponse(401);
    client_.user = user->name == "default" ? nullptr : user;
    client_.authenticated = true;
    client_.db_index = 0;
    client_.last_interaction_ms = WallClockMs();
    request.client = &client_;
    if (request.path == "/metrics") {
      if (request.method != "GET") {
        Response r = ErrorResponse(405);
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
      }
      // Scraping reads what INFO shows: a user that may not run INFO gets nothing.
      const std::string_view argv[] = {"info"};
      const CommandSpec* info = st.commands != nullptr ? st.commands->Find("info") : nullptr;
      if (info == nullptr || !CheckAcl(st, client_, *info, argv, "toplevel")) {
        return ErrorResponse(403);
      }
      scrape_ = std::make_unique<MetricsScrape>(st, st.PreciseTimeUs() / 1000);
      server_.ScrapeStarted(this);
      return std::nullopt;
    }
    std::optional<Response> routed = DashboardRoute(st, request);
    return routed ? std::move(*routed) : ErrorResponse(404);
  }

  // The user the request runs as, or null (401): HTTP Basic credentials when sent, checked as
  // AUTH checks them (a failure goes to the ACL LOG); without them, the default user when a
  // fresh RESP connection would need no AUTH.
  const acl::User* Authenticate(ServerState& st, const Request& request) {
    acl::Registry& registry = st.Acl();
    std::optional<std::string_view> header;
    for (const auto& [name, value] : request.headers) {
      if (AsciiLower(name) == "authorization") header = value;
    }
    if (!header) {
      Client fresh;
      return st.NeedsAuth(fresh) ? nullptr : &registry.Default();
    }
    const auto credentials = ParseBasicAuth(*header);
    if (!credentials) return nullptr;
    const acl::User* user = registry.Find(credentials->user);
    if (user != nullptr && registry.Authenticate(*user, credentials->password)) return user;
    const int64_t now = WallClockMs();
    registry.Log("auth", "toplevel", "AUTH", credentials->user,
                 ClientListLine(st, client_, now, {}), now,
                 static_cast<size_t>(st.config.acllog_max_len));
    return nullptr;
  }

  // http_parser's callbacks. Each copies what it gets (the input buffer is reused) and counts
  // it against the limits; a refusal sets refused_status_ and stops the parser.
  static HttpConnection* Of(http_parser* p) { return static_cast<HttpConnection*>(p->data); }

  static int OnMessageBegin(http_parser* p) {
    HttpConnection* c = Of(p);
    c->url_.clear();
    c->body_.clear();
    c->headers_.clear();
    c->header_bytes_ = 0;
    c->in_value_ = false;
    if (c->request_started_ms_ < 0) c->request_started_ms_ = WallClockMs();
    return 0;
  }

  bool CountHeaderBytes(size_t n) {
    header_bytes_ += n;
    if (header_bytes_ <= server_.limits().max_header_bytes) return true;
    refused_status_ = 431;
    return false;
  }

  static int OnUrl(http_parser* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (!c->CountHeaderBytes(n)) return -1;
    c->url_.append(at, n);
    return 0;
  }

  static int OnHeaderField(http_parser* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (!c->CountHeaderBytes(n)) return -1;
    if (c->in_value_ || c->headers_.empty()) c->headers_.emplace_back();
    c->in_value_ = false;
    c->headers_.back().first.append(at, n);
    return 0;
  }

  static int OnHeaderValue(http_parser* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (!c->CountHeaderBytes(n)) return -1;
    c->in_value_ = true;
    c->headers_.back().second.append(at, n);
    return 0;
  }

  static int OnHeadersComplete(http_parser* p) {
    HttpConnection* c = Of(p);
    if ((p->flags & F_CONTENTLENGTH) != 0 && p->content_length > c->server_.limits().max_body_bytes) {
      c->refused_status_ = 413;
      return -1;
    }
    // A client that waits before sending its body (curl does for big ones) is told to go on.
    for (const auto& [name, value] : c->headers_) {
      if (AsciiLower(name) == "expect" && AsciiLower(value) == "100-continue") {
        c->QueueBytes("HTTP/1.1 100 Continue\r\n\r\n", false);
      }
    }
    return 0;
  }

  static int OnBody(http_parser* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (c->body_.size() + n > c->server_.limits().max_body_bytes) {  // chunked, no length
      c->refused_status_ = 413;
      return -1;
    }
    c->body_.append(at, n);
    return 0;
  }

  static int OnMessageComplete(http_parser* p) {
    HttpConnection* c = Of(p);
    c->keep_alive_ = http_should_keep_alive(p) != 0;
    http_parser_pause(p, 1);  // Feed serves it, then goes on with the rest of the input
    return 0;
  }

  static const http_parser_settings kSettings;

  HttpServer& server_;
  uv_tcp_t tcp_;
  uv_write_t write_req_;
  size_t write_len_ = 0;  // bytes the uv_write in progress carries
  http_parser parser_;
  // The request being read.
  std::string url_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> headers_;
  size_t header_bytes_ = 0;
  bool in_value_ = false;
  bool keep_alive_ = true;
  int refused_status_ = 0;         // why a callback stopped the parser (431, 413); 0 = malformed
  int64_t request_started_ms_ = -1;  // the request being read began then; -1 = between requests
  int64_t activity_ms_ = 0;          // last byte read or written
  std::string held_;      // input not parsed yet (output backlog); the socket is not read
  std::string queued_;    // responses made since the last check point (TLS: plaintext)
  std::string released_;  // past a check point, not yet handed to a write (or to TLS)
  size_t released_off_ = 0;  // its front bytes already handed on
  std::string inflight_;  // plain: what the uv_write in progress points into
  // The /metrics scrape in progress (requests behind it wait in held_), and how to answer.
  std::unique_ptr<MetricsScrape> scrape_;
  bool scrape_close_ = false;
  bool scrape_head_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_after_write_ = false;
  bool flush_queued_ = false;
  // What routes run commands as (see Request::client): never in ServerState::clients, so
  // CLIENT LIST and CLIENT KILL do not see it.
  Client client_;
  std::unique_ptr<TlsStream> tls_;
};

const http_parser_settings HttpConnection::kSettings = [] {
  http_parser_settings s{};
  s.on_message_begin = OnMessageBegin;
  s.on_url = OnUrl;
  s.on_header_field = OnHeaderField;
  s.on_header_value = OnHeaderValue;
  s.on_headers_complete = OnHeadersComplete;
  s.on_body = OnBody;
  s.on_message_complete = OnMessageComplete;
  return s;
}();

HttpServer::HttpServer(ConnectionHost& host, Limits limits) : host_(host), limits_(limits) {}

HttpServer::~HttpServer() = default;

int HttpServer::Listen(const std::vector<std::string>& addresses, int port, bool tls) {
  int bound_port = -1;
  for (const auto& addr : addresses) {
    const bool optional = !addr.empty() && addr[0] == '-';
    const std::string host = optional ? addr.substr(1) : addr;
    sockaddr_storage ss;
    const int parsed = host.find(':') != std::string::npos
                           ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss))
                           : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss));
    if (parsed != 0) {
      Log(LogLevel::kWarning, "Invalid http-bind address '" + host + "'");
      return -1;
    }
    auto* listener = new Listener{{}, this, tls};
    uv_tcp_init(loop(), &listener->tcp);
    listener->tcp.data = listener;
    int rc = uv_tcp_bind(&listener->tcp, reinterpret_cast<sockaddr*>(&ss), 0);
    if (rc == 0) {
      rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->tcp), 128, OnConnection);
    }
    listeners_.push_back(listener);  // Close frees it, bound or not
    if (rc != 0) {
      Log(LogLevel::kWarning, "Warning: Could not create HTTP listening socket " + host + ":" +
                                  std::to_string(port) + ": " + uv_strerror(rc));
      if (optional) continue;
      return -1;
    }
    if (bound_port < 0) {
      sockaddr_storage bound;
      int len = sizeof(bound);
      uv_tcp_getsockname(&listener->tcp, reinterpret_cast<sockaddr*>(&bound), &len);
      bound_port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
  }
  if (!timer_started_) {
    uv_idle_init(loop(), &idle_);
    idle_.data = this;
    uv_timer_init(loop(), &timer_);
    timer_.data = this;
    uv_timer_start(&timer_, OnTimer, kTimerPeriodMs, kTimerPeriodMs);
    timer_started_ = true;
  }
  return bound_port;
}

void HttpServer::OnConnection(uv_stream_t* handle, int status) {
  const auto* listener = static_cast<const Listener*>(handle->data);
  HttpServer* self = listener->server;
  if (status < 0 || self->closed_) return;
  ServerState& st = self->state();
  auto* conn = new HttpConnection(*self, st.next_client_id++);
  if (uv_accept(handle, reinterpret_cast<uv_stream_t*>(conn->handle())) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(conn->handle()),
             [](uv_handle_t* h) { delete static_cast<HttpConnection*>(h->data); });
    return;
  }
  self->connections_.insert(conn);
  // The context of the moment, as the RESP tls-port takes it.
  if (listener->tls && (!st.tls || !conn->UseTls(*st.tls))) return conn->Close();
  const int64_t now = WallClockMs();
  conn->Start(now);
  if (static_cast<int64_t>(self->connections_.size()) > st.config.http_maxclients) {
    conn->Fail(503);
  }
}

void HttpServer::OnTimer(uv_timer_t* timer) {
  auto* self = static_cast<HttpServer*>(timer->data);
  const int64_t now = WallClockMs();
  // CheckTimeouts may close connections, which edits the set: iterate over a copy.
  std::vector<HttpConnection*> all(self->connections_.begin(), self->connections_.end());
  for (HttpConnection* c : all) c->CheckTimeouts(now);
}

void HttpServer::QueueFlush(HttpConnection* c) {
  if (pending_flush_.empty()) KeepLoopBusy();
  pending_flush_.push_back(c);
}

void HttpServer::KeepLoopBusy() {
  if (timer_started_ && !closed_) uv_idle_start(&idle_, OnIdle);
}

void HttpServer::ScrapeStarted(HttpConnection* c) {
  scrapes_.push_back(c);
  KeepLoopBusy();
}

void HttpServer::ScrapeDone(HttpConnection* c) {
  scrapes_.erase(std::remove(scrapes_.begin(), scrapes_.end(), c), scrapes_.end());
}

void HttpServer::OnIdle(uv_idle_t* idle) {
  auto* self = static_cast<HttpServer*>(idle->data);
  if (self->scrapes_.empty()) {
    if (self->pending_flush_.empty()) uv_idle_stop(idle);
    return;
  }
  // The budget is shared: a second scrape at once does not double the delay.
  const int64_t each = std::max<int64_t>(100, kScrapeBudgetUs / static_cast<int64_t>(self->scrapes_.size()));
  for (HttpConnection* c : std::vector<HttpConnection*>(self->scrapes_)) c->StepScrape(each);
}

void HttpServer::FlushResponses() {
  if (pending_flush_.empty()) return;
  if (scrapes_.empty()) uv_idle_stop(&idle_);
  std::vector<HttpConnection*> batch;
  batch.swap(pending_flush_);
  for (HttpConnection* c : batch) c->Flush();
}

void HttpServer::Forget(HttpConnection* c) {
  connections_.erase(c);
  ScrapeDone(c);
  pending_flush_.erase(std::remove(pending_flush_.begin(), pending_flush_.end(), c),
                       pending_flush_.end());
}

void HttpServer::Close() {
  if (closed_) return;
  closed_ = true;
  for (Listener* l : listeners_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
  }
  listeners_.clear();
  if (timer_started_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
  }
  std::vector<HttpConnection*> all(connections_.begin(), connections_.end());
  for (HttpConnection* c : all) c->Close();
}

}  // namespace server::http
