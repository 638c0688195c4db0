#include "src/connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>
#include <utility>

#include <unistd.h>

#include "src/client_info.h"
#include "src/dispatch.h"
#include "src/errors.h"
#include "src/log.h"
#include "src/tls.h"

namespace server {

namespace {

constexpr size_t kReadChunk = 16 * 1024;
// One uv_write takes at most this much, so a slow reader frees blocks as it goes instead of
// holding a whole multi-megabyte flush until its last byte is read.
constexpr size_t kMaxWriteSlice = 1024 * 1024;
constexpr size_t kMaxWriteBlocks = 256;  // views per write (libuv copies more than 4 to the heap)

// Ciphertext of TLS connections is read here and handed to OpenSSL (which copies it) before
// the read callback returns: the loop is single-threaded and libuv calls the allocation and
// read callbacks back to back, so one buffer serves every TLS connection.
char tls_read_buffer[64 * 1024];

std::string PeerName(uv_tcp_t* tcp, bool local) {
  sockaddr_storage ss;
  int len = sizeof(ss);
  int rc = local ? uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&ss), &len)
                 : uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return "?:0";
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof(ip));
    port = ntohs(a->sin_port);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    uv_ip6_name(a, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace

bool Connection::PeerIsLoopback() {
  sockaddr_storage ss;
  int len = sizeof(ss);
  if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  }
  const auto* a6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  if (IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr)) return true;
  // ::ffff:127.x.x.x, an IPv4 peer on a dual-stack socket.
  return IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr) && a6->sin6_addr.s6_addr[12] == 127;
}

Connection::Connection(ConnectionHost& host, uint64_t id) : host_(host), writer_(out_) {
  uv_tcp_init(host.loop(), &tcp_);
  tcp_.data = this;
  client_.id = id;
  client_.created_ms = WallClockMs();
  client_.last_interaction_ms = client_.created_ms;
}

Connection::~Connection() = default;

bool Connection::UseTls(const TlsContext& context) {
  tls_ = TlsStream::Accept(context);
  return tls_ != nullptr;
}

void Connection::Start() {
  uv_tcp_nodelay(&tcp_, 1);
  if (host_.state().config.tcp_keepalive > 0) {
    uv_tcp_keepalive(&tcp_, 1, static_cast<unsigned>(host_.state().config.tcp_keepalive));
  }
  client_.addr = PeerName(&tcp_, false);
  client_.laddr = PeerName(&tcp_, true);
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), &fd) == 0) client_.fd = fd;
  UpdateReading();
}

bool Connection::OutputOverSoftLimit() const {
  int64_t soft = host_.state().config.client_output_soft_limit;
  return soft > 0 && PendingOutput() > static_cast<size_t>(soft);
}

bool Connection::CanRunRequests() const {
  return !closing_ && !client_.close_after_reply && !client_.blocked && !client_.postponed &&
         !OutputOverSoftLimit();
}

bool Connection::BlockedFromReading() const {
  // A client parked by a blocking command keeps reading, to notice a disconnect; its requests
  // wait in the buffer (bounded by the query buffer limit).
  return peer_closed_ || closing_ || client_.close_after_reply || OutputOverSoftLimit();
}

void Connection::ServeWhileBusy() {
  if (closing_ || client_.fd < 0 || BlockedFromReading()) return;
  char* room;
  size_t room_len;
  {
    uv_buf_t buf;
    OnAlloc(reinterpret_cast<uv_handle_t*>(&tcp_), kReadChunk, &buf);
    room = buf.base;
    room_len = buf.len;
  }
  const ssize_t n = ::read(client_.fd, room, room_len);
  if (n == 0) {
    peer_closed_ = true;
  } else if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) Close();
    return;
  } else if (tls_) {
    const TlsRead got = DecryptTls(room, static_cast<size_t>(n));
    if (closing_) return;
    if (got.plaintext > 0) Received(got.plaintext, WallClockMs());
    if (got.failed) return FailTls();
    if (got.peer_closed) peer_closed_ = true;
  } else {
    Received(static_cast<size_t>(n), WallClockMs());
  }
  // Replies queued before the script (not yet past the check point where the AOF is written)
  // must go first: this client waits for the script like any other then.
  if (!out_.empty() || writing_) return;
  ProcessInput();
  Flush();
}

void Connection::Received(size_t n, int64_t now_ms) {
  rlen_ += n;
  host_.state().stats.net_input_bytes += n;
  client_.last_interaction_ms = now_ms;
}

void Connection::OutputDrained() {
  // Requests left in the buffer when output hit the soft limit get no read event to wake
  // them up: run them now that there is room again.
  if (rstart_ < rlen_ && CanRunRequests()) {
    ProcessInput();
  } else if (peer_closed_) {
    Close();
  } else {
    UpdateReading();
  }
}

void Connection::UpdateReading() {
  bool want = !BlockedFromReading();
  if (want && !reading_) {
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), OnAlloc, OnRead);
    reading_ = true;
  } else if (!want && reading_) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
  }
  client_.reading = reading_;
}

uv_buf_t Connection::ReadRoom(size_t pending) {
  std::string& rb = rbuf_;
  const size_t used = rlen_ + pending;
  if (rb.size() - used < kReadChunk) {
    // The room doubles with what has arrived, never with what a header announces: sized from
    // a `$4294967296` header it would cost 4 GB (zero-filled) for a client that sends 8 bytes.
    // A huge argument's last step stops at its end, so the buffer holds it exactly (doubling
    // past a 200 MB argument would take 256 MB); during that last copy the old and new buffers
    // together stay below the buffer plus the stored value, the peak a SET of it reaches anyway.
    size_t want = std::max(rb.size() * 2, used + kReadChunk);
    const size_t bulk_end = parser_.BulkEnd() > 0 ? rstart_ + parser_.BulkEnd() : 0;
    if (bulk_end > used + kReadChunk) want = std::min(want, bulk_end);
    // A fresh string reserved to `want`: growing in place would round up to twice the capacity.
    std::string grown;
    grown.reserve(want);
    grown.append(rb, 0, used);
    grown.resize(want);
    rb.swap(grown);
  }
  return uv_buf_init(rb.data() + used, static_cast<unsigned>(rb.size() - used));
}

void Connection::OnAlloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(h->data);
  *buf = self->tls_ ? uv_buf_init(tls_read_buffer, sizeof(tls_read_buffer)) : self->ReadRoom(0);
}

void Connection::OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(s->data);
  if (self->tls_ && nread > 0) return self->ReadTls(buf->base, static_cast<size_t>(nread));
  self->HandleRead(nread);
}

void Connection::HandleRead(ssize_t nread) {
  if (nread == UV_EOF && !closing_ && client_.blocked) {
    Close();  // as Redis: a blocked client that hangs up is gone, not answered later
    return;
  }
  if (nread == UV_EOF && !closing_) {
    // A half-close (`nc -N`, shutdown(SHUT_WR)) still expects the replies to what it sent,
    // including requests held back by backpressure; ProcessInput closes once they are out.
    peer_closed_ = true;
    UpdateReading();
    ProcessInput();
    return;
  }
  if (nread < 0) {
    Close();  // reset or error: the client is gone; unsent replies go nowhere
    return;
  }
  if (nread == 0) return;
  ServerState& state = host_.state();
  state.batch_time_ms = WallClockMs();
  state.batch_time_uses = 0;
  Received(static_cast<size_t>(nread), state.batch_time_ms);
  ProcessInput();
  state.batch_time_ms = -1;
}

Connection::TlsRead Connection::DecryptTls(const char* data, size_t n) {
  tls_->Feed(data, n);
  TlsRead got;
  for (;;) {
    const uv_buf_t room = ReadRoom(got.plaintext);
    size_t n_plain = 0;
    const TlsStream::ReadEnd end = tls_->Read(room.base, room.len, n_plain);
    got.plaintext += n_plain;
    if (end == TlsStream::ReadEnd::kData) continue;
    got.peer_closed = end == TlsStream::ReadEnd::kPeerClosed;
    got.failed = end == TlsStream::ReadEnd::kFailed;
    break;
  }
  SendCiphertext();  // the handshake's next flight, session tickets, an alert
  return got;
}

void Connection::ReadTls(const char* data, size_t n) {
  const TlsRead got = DecryptTls(data, n);
  if (closing_) return;
  if (got.plaintext > 0) HandleRead(static_cast<ssize_t>(got.plaintext));
  if (closing_) return;
  if (got.failed) return FailTls();
  if (got.peer_closed) return HandleRead(UV_EOF);
  // Output queued for this client before its handshake finished goes out now.
  if (!out_.empty() && tls_->handshake_done()) RequestFlush();
}

void Connection::FailTls() {
  // Verbose, not a warning: a port scanner or a plain-text client must not flood the log.
  Log(LogLevel::kVerbose, "Error accepting a client connection: " + tls_->error() + " (addr=" +
                              client_.addr + " laddr=" + client_.laddr + ")");
  Close();
}

void Connection::ProcessInput() {
  ServerState& state = host_.state();
  if (!client_.blocked) client_.drop_blocked_reply = false;  // its wait is over
  // Stopping at the soft limit (not just no longer reading) is what bounds memory: one read
  // can hold thousands of pipelined requests, each with a large reply.
  while (rstart_ < rlen_ && CanRunRequests()) {
    std::string_view pending(rbuf_.data() + rstart_, rlen_ - rstart_);
    resp::ParserLimits limits;
    limits.max_bulk_len = state.config.proto_max_bulk_len;
    limits.unauthenticated = state.NeedsAuth(client_);
    parser_.set_limits(limits);
    auto status = parser_.Parse(pending);
    if (status == resp::Parser::Status::kIncomplete) break;
    if (status == resp::Parser::Status::kError) {
      writer_.Error(err::ProtocolError(parser_.error()));
      Log(LogLevel::kVerbose, "Protocol error (" + parser_.error() + ") from client: id=" +
                                  std::to_string(client_.id) + " addr=" + client_.addr);
      client_.close_after_reply = true;
      rstart_ = rlen_;
      break;
    }
    const auto& args = parser_.args();
    // The pause's own check first: no call per request while no pause was asked for.
    if (!args.empty() && state.pause.end_ms() >= 0 && HeldByPause(args)) {
      parser_.Reset();  // parsed again, from the buffer, when the pause ends
      break;
    }
    if (!args.empty()) {
      NoteInputFigures();  // CLIENT INFO sees its own request in the buffer, as in Redis
      // A multibulk request's bytes are its record's, should it be recorded as sent.
      if (pending[0] == '*') state.propagation.NoteRequest(args, pending.substr(0, parser_.consumed()));
      RunRequest(args);
      state.propagation.ForgetRequest();
      // Clients blocked on keys this command wrote are served before the next command runs.
      if (state.blocking.HasReadyKeys()) host_.ServeReadyKeys();
    }
    rstart_ += parser_.consumed();
    parser_.Reset();
  }
  if (rstart_ == rlen_) {
    rstart_ = rlen_ = 0;
    // Give memory back after a burst of large requests.
    if (rbuf_.size() > 1024 * 1024) std::string().swap(rbuf_);
  } else if (rstart_ > 0 && (rstart_ > rbuf_.size() / 2 || rbuf_.size() - rlen_ < kReadChunk)) {
    // The parser's state is relative to the request start, so moving the bytes is safe.
    std::memmove(rbuf_.data(), rbuf_.data() + rstart_, rlen_ - rstart_);
    rlen_ -= rstart_;
    rstart_ = 0;
  }
  int64_t qlimit = state.config.client_query_buffer_limit;
  if (qlimit > 0 && QueryBufferSize() > static_cast<size_t>(qlimit)) {
    Log(LogLevel::kWarning, "Closing client that reached max query buffer length: id=" +
                                std::to_string(client_.id) + " addr=" + client_.addr);
    state.stats.client_query_limit_disconnections++;
    Close();
    return;
  }
  AccountMemory();
  if (OutputLimitReached()) return CloseForOutputLimit();
  if (peer_closed_ && out_.empty() && !client_.close_after_reply && !client_.postponed) {
    Close();  // nothing left to answer: what remains is at most an incomplete request
    return;
  }
  if (!out_.empty() || client_.close_after_reply) RequestFlush();
  UpdateReading();
}

bool Connection::HeldByPause(std::span<const std::string_view> args) {
  ServerState& state = host_.state();
  // No clock read unless a pause was asked for.
  if (state.pause.end_ms() < 0 || state.commands == nullptr || state.NeedsAuth(client_)) {
    return false;
  }
  if (!state.pause.PostponesRequest(*state.commands, client_, args, WallClockMs())) return false;
  state.pause.Hold(client_);
  return true;
}

void Connection::RunRequest(std::span<const std::string_view> args) {
  ServerState& state = host_.state();
  // CLIENT REPLY OFF / SKIP: the command runs against a writer whose bytes are dropped, so
  // nothing it answers reaches the socket; CLIENT REPLY ON, which ends OFF, keeps its +OK.
  // As in Redis, what is pushed still goes out: messages (written by the publisher) and the
  // subscribe family's confirmations.
  const bool silenced = client_.reply_off || client_.reply_skip;
  if (!silenced || IsSubscribeCommand(args[0])) {
    writer_.set_protocol(client_.protocol);
    Dispatch(state, client_, args, writer_);
  } else {
    discarded_.clear();
    resp::Writer discard(discarded_, client_.protocol);
    Dispatch(state, client_, args, discard);
    // Only CLIENT REPLY ON clears both: its +OK is the one reply that goes out.
    if (!client_.reply_off && !client_.reply_skip) writer_.Raw(discarded_);
    if (discarded_.capacity() > kReadChunk) std::string().swap(discarded_);
  }
  client_.reply_skip = false;
  if (silenced && client_.blocked) client_.drop_blocked_reply = true;
  if (client_.reply_skip_next) {
    client_.reply_skip_next = false;
    client_.reply_skip = true;
  }
}

void Connection::NoteInputFigures() {
  client_.query_buffer_size = QueryBufferSize();
  client_.query_buffer_free = rbuf_.size() - rlen_;
  client_.read_buffer_size = rbuf_.size();
  client_.read_buffer_peak = std::max(client_.read_buffer_peak, rbuf_.size());
}

void Connection::AccountMemory() {
  NoteInputFigures();
  client_.output_buffer_size = PendingOutput();
  std::string_view first;
  client_.output_first_block = out_.Peek(&first, 1, out_.size()) == 1 ? first.size() : 0;
  const size_t blocks = out_.blocks();
  client_.output_more_blocks = blocks > 1 ? blocks - 1 : 0;
  client_.reading = reading_;
  client_.writing = writing_;
  ServerState& state = host_.state();
  const size_t now = closing_ ? 0 : ClientMemory(client_);
  state.clients_memory += now - accounted_memory_;  // wraps correctly when it shrinks
  accounted_memory_ = now;
  if (client_.query_buffer_size > 0 || client_.output_buffer_size > 0) {
    // The loop's cached time (CLOCK_MONOTONIC, as SteadyMs): no clock read on this path.
    state.client_peaks.Note(static_cast<int64_t>(uv_now(host_.loop()) / 1000),
                            client_.query_buffer_size, client_.output_buffer_size);
  }
}

void Connection::ReleaseReadBuffer() {
  if (rstart_ != rlen_ || rbuf_.empty()) return;
  std::string().swap(rbuf_);
  rstart_ = rlen_ = 0;
}

bool Connection::OutputLimitReached() {
  const Config& config = host_.state().config;
  const size_t pending = PendingOutput();
  if (config.client_output_hard_limit > 0 &&
      pending > static_cast<size_t>(config.client_output_hard_limit)) {
    return true;
  }
  const auto& l = config.output_limits[client_.subscriptions > 0 ? Config::kOutputPubSub
                                                                 : Config::kOutputNormal];
  if (l.hard > 0 && pending > static_cast<size_t>(l.hard)) return true;
  if (l.soft > 0 && pending > static_cast<size_t>(l.soft)) {
    const int64_t now = SteadyMs();
    if (soft_limit_since_ms_ < 0) soft_limit_since_ms_ = now;
    return now - soft_limit_since_ms_ > l.soft_seconds * 1000;
  }
  soft_limit_since_ms_ = -1;
  return false;
}

void Connection::CloseForOutputLimit() {
  Log(LogLevel::kWarning, "Client id=" + std::to_string(client_.id) + " addr=" + client_.addr +
                              " closed for overcoming of output buffer limits.");
  host_.state().stats.client_output_limit_disconnections++;
  Close();
}

void Connection::Flush() {
  flush_queued_ = false;
  // Output written by others (a subscriber's messages) is checked here, as it is queued.
  if (!closing_ && OutputLimitReached()) return CloseForOutputLimit();
  if (closing_ || writing_) return;
  if (out_.empty()) {
    if (client_.close_after_reply) Close();
    return;
  }
  host_.state().stats.net_output_bytes += out_.size() - released_;
  released_ = out_.size();
  WriteReleased();
}

void Connection::WriteReleased() {
  if (tls_) return WriteReleasedTls();
  std::string_view views[kMaxWriteBlocks];
  uv_buf_t bufs[kMaxWriteBlocks];
  auto fill = [&] {
    const size_t n = out_.Peek(views, kMaxWriteBlocks, std::min(released_, kMaxWriteSlice));
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
      bufs[i] = uv_buf_init(const_cast<char*>(views[i].data()), static_cast<unsigned>(views[i].size()));
      bytes += views[i].size();
    }
    return std::pair<unsigned, size_t>(static_cast<unsigned>(n), bytes);
  };
  // Most replies fit in the socket buffer: try a synchronous write first, then hand libuv
  // only what is left.
  auto [n, bytes] = fill();
  int written = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), bufs, n);
  if (written < 0 && written != UV_EAGAIN) {
    Close();
    return;
  }
  if (written > 0) {
    out_.Consume(static_cast<size_t>(written));
    released_ -= static_cast<size_t>(written);
    client_.last_interaction_ms = WallClockMs();  // for `timeout`, a write counts as in Redis
  }
  if (released_ == 0) return AllReleasedWritten();
  // The views handed to libuv must stay put while more replies are appended: seal the tail
  // when they reach into it (sealed blocks never change until consumed).
  if (out_.sealed_size() < released_) out_.Seal();
  std::tie(n, bytes) = fill();
  inflight_ = bytes;
  writing_ = true;
  write_req_.data = this;
  int rc = uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), bufs, n, OnWrite);
  if (rc != 0) {
    writing_ = false;
    Close();
  }
}

void Connection::AllReleasedWritten() {
  if (client_.close_after_reply) Close();
  else if (!out_.empty()) RequestFlush();  // written by a blocked client's wake-up meanwhile
  else OutputDrained();
}

void Connection::WriteReleasedTls() {
  std::string_view views[kMaxWriteBlocks];
  for (;;) {
    // Plaintext is encrypted only as the ciphertext before it drains, so a reply of many
    // megabytes never sits in memory twice; what is encrypted leaves out_ at once (OpenSSL
    // copied it), so no block needs sealing.
    while (released_ > 0 && tls_->handshake_done() && tls_->PendingCiphertext() < kMaxWriteSlice) {
      const size_t n = out_.Peek(views, kMaxWriteBlocks, std::min(released_, kMaxWriteSlice));
      size_t bytes = 0;
      for (size_t i = 0; i < n; i++) {
        if (!tls_->Write(views[i])) return Close();
        bytes += views[i].size();
      }
      out_.Consume(bytes);
      released_ -= bytes;
    }
    SendCiphertext();
    if (closing_ || writing_) return;  // OnWrite comes back here
    // Nothing can be encrypted before the handshake; ReadTls flushes what waits once it is done.
    if (!tls_->handshake_done()) return;
    if (released_ == 0) break;
  }
  AllReleasedWritten();
}

void Connection::SendCiphertext() {
  while (!writing_ && !closing_) {
    const std::string_view cipher = tls_->PeekCiphertext();
    if (cipher.empty()) return;
    uv_buf_t buf = uv_buf_init(const_cast<char*>(cipher.data()), static_cast<unsigned>(cipher.size()));
    const int written = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
    if (written < 0 && written != UV_EAGAIN) return Close();
    const size_t sent = written > 0 ? static_cast<size_t>(written) : 0;
    if (sent > 0) client_.last_interaction_ms = WallClockMs();
    tls_->ConsumeCiphertext(sent);
    if (sent == cipher.size()) continue;
    // The rest stays put in the session's outbox until OnWrite consumes it.
    buf = uv_buf_init(const_cast<char*>(cipher.data() + sent), static_cast<unsigned>(cipher.size() - sent));
    inflight_ = cipher.size() - sent;
    writing_ = true;
    write_req_.data = this;
    if (uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, OnWrite) != 0) {
      writing_ = false;
      return Close();
    }
  }
}

void Connection::OnWrite(uv_write_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  self->writing_ = false;
  if (status < 0 || self->closing_) {
    self->Close();
    return;
  }
  self->client_.last_interaction_ms = WallClockMs();  // for `timeout`, a write counts as in Redis
  if (self->tls_) {
    self->tls_->ConsumeCiphertext(self->inflight_);
    self->inflight_ = 0;
    return self->WriteReleasedTls();
  }
  self->out_.Consume(self->inflight_);
  self->released_ -= self->inflight_;
  self->inflight_ = 0;
  if (self->released_ > 0) {
    // Bytes that already passed a check point: the next slice goes now.
    self->WriteReleased();
  } else if (!self->out_.empty() || self->client_.close_after_reply) {
    // Not Flush() here: replies that piled up meanwhile must wait for the check point, where
    // the AOF is written (and, with appendfsync always, fsynced) before any reply leaves.
    self->RequestFlush();
  } else {
    self->OutputDrained();
  }
  if (!self->closing_) self->AccountMemory();
}

void Connection::Close() {
  if (closing_) return;
  if (tls_ && !writing_ && tls_->handshake_done()) {
    // A close_notify, so the client can tell a deliberate close (QUIT, CLIENT KILL) from a
    // truncation; one try, as the socket may not take it.
    tls_->Shutdown();
    const std::string_view alert = tls_->PeekCiphertext();
    uv_buf_t buf = uv_buf_init(const_cast<char*>(alert.data()), static_cast<unsigned>(alert.size()));
    if (!alert.empty()) uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
  }
  closing_ = true;
  AccountMemory();  // gives this client's share back
  if (reading_) uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  reading_ = false;
  host_.OnConnectionClosing(*this);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), OnClosed);
}

void Connection::RequestFlush() {
  if (flush_queued_) return;
  flush_queued_ = true;
  host_.QueueFlush(*this);
}

void Connection::Refuse(std::string_view reply) {
  // A TLS client cannot read anything before its handshake: it is only closed.
  if (!reply.empty() && !tls_) {
    uv_buf_t buf = uv_buf_init(const_cast<char*>(reply.data()), static_cast<unsigned>(reply.size()));
    uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
  }
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), OnClosed);
}

void Connection::OnClosed(uv_handle_t* h) { delete static_cast<Connection*>(h->data); }

}  // namespace server
