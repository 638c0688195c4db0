// One TCP client: owns its libuv handle, read buffer, parser, Client state and output buffer.
// Reads parse every complete request in the buffer (pipelining) and dispatch it; replies
// accumulate in out_ (chained blocks) and the host flushes each connection once per loop
// iteration; a big flush goes out in bounded slices, freeing blocks as the client reads. Owned by
// its host (the Server); destroyed only from libuv's close callback, after the handle is closed.
// A connection accepted on the tls-port holds a TlsStream (src/tls.h): ciphertext is decrypted
// into the same read buffer and replies are encrypted on their way out, so everything between
// the two sees plaintext; a plain connection takes none of those branches' copies.
#pragma once

#include <uv.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "resp/parser.h"
#include "resp/reply_buffer.h"
#include "resp/writer.h"
#include "src/client.h"
#include "src/server_state.h"

namespace server {

class Connection;
class TlsContext;
class TlsStream;

// What a connection needs from whoever accepted it: the loop and the shared state, a flush at
// this loop iteration's check point (where the AOF is written before any reply leaves), service
// of the keys its commands made ready, and notice that it is closing. The two talk only through
// this interface and Connection's public methods; neither touches the other's members.
class ConnectionHost {
 public:
  virtual uv_loop_t* loop() = 0;
  virtual ServerState& state() = 0;
  // Called at most once until the connection's next Flush() (Connection::RequestFlush dedups).
  virtual void QueueFlush(Connection& c) = 0;
  virtual void ServeReadyKeys() = 0;
  virtual void OnConnectionClosing(Connection& c) = 0;

 protected:
  ~ConnectionHost() = default;
};

class Connection {
 public:
  Connection(ConnectionHost& host, uint64_t id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uv_tcp_t* handle() { return &tcp_; }
  Client& client() { return client_; }

  // Makes this a TLS connection (before Start): the client's first bytes are its handshake.
  // False when OpenSSL could not make the session.
  bool UseTls(const TlsContext& context);
  void Start();   // begins reading; call once the handle is accepted
  void Close();   // idempotent; the object is deleted when libuv has closed the handle
  void Flush();   // writes pending output (once per loop iteration, from the host)
  // Asks the host for a Flush at the next check point, once however often it is asked.
  void RequestFlush();
  bool flush_queued() const { return flush_queued_; }
  // Whether the peer is on the loopback interface (127.0.0.0/8, ::1): protected mode.
  bool PeerIsLoopback();
  // Turns away a connection that was accepted but never started (maxclients): one best-effort
  // write of `reply`, then close, without telling the host, which never registered it.
  void Refuse(std::string_view reply);
  // Runs the requests buffered while the client was blocked (after it is served or times out).
  void ProcessInput();
  // While a script is busy (its hook calls the host, outside any libuv callback): reads what
  // the socket has and, when nothing of this client's is still waiting to go out, answers its
  // requests (-BUSY, or the few commands allowed then) and writes the replies at once.
  void ServeWhileBusy();
  // Where replies to this client are written (a blocked client's reply, written later).
  resp::Writer& writer() { return writer_; }
  bool closing() const { return closing_; }
  size_t PendingOutput() const { return out_.size(); }
  size_t QueryBufferSize() const { return rlen_ - rstart_; }
  // Brings the client's buffer sizes (CLIENT LIST's qbuf, omem) and its share of
  // ServerState::clients_memory up to date, and notes INFO's recent peaks.
  void AccountMemory();
  // CLIENT LIST's input figures: qbuf, qbuf-free, rbs, rbp.
  void NoteInputFigures();
  // Whether pending output broke a limit that disconnects: client-output-hard-limit, or
  // client-output-buffer-limit for the client's class (pubsub while it has subscriptions):
  // past hard, or past soft for longer than its seconds. Checked as output is queued and
  // written, and by the host's cron: a client past soft that reads nothing and asks for
  // nothing would otherwise never be looked at again.
  bool OutputLimitReached();
  void CloseForOutputLimit();
  // Gives back the read buffer when no input waits in it; the host calls it for clients idle
  // for a while, as Redis trims an idle client's query buffer, so that ten thousand idle
  // clients cost their bookkeeping and not 20 KB of empty buffer each.
  void ReleaseReadBuffer();

 private:
  static void OnAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  static void OnClosed(uv_handle_t* h);

  // `n` bytes read into the buffer at now_ms (a read callback, or ServeWhileBusy's own read).
  void Received(size_t n, int64_t now_ms);
  // What a read callback does with `nread` plaintext bytes already in the buffer (or EOF, or
  // an error code).
  void HandleRead(ssize_t nread);
  // Free space at the end of the read buffer, grown as needed, past `pending` bytes that are
  // already written there but not yet counted by Received.
  uv_buf_t ReadRoom(size_t pending);

  // TLS. DecryptTls feeds `n` ciphertext bytes to the session, decrypts what it can into the
  // read buffer (not yet Received) and sends what the session answers (handshake, alerts).
  struct TlsRead {
    size_t plaintext = 0;
    bool peer_closed = false;  // close_notify
    bool failed = false;       // the handshake or a record failed: close the connection
  };
  TlsRead DecryptTls(const char* data, size_t n);
  void ReadTls(const char* data, size_t n);  // a read callback's ciphertext
  void FailTls();
  // Encrypts released_ plaintext a slice at a time and sends it, then does what WriteReleased
  // does once everything is out.
  void WriteReleasedTls();
  // Sends the session's pending ciphertext: what the socket takes now, the rest by one
  // uv_write (OnWrite continues).
  void SendCiphertext();
  // After every released byte went out: close, flush what came meanwhile, or resume.
  void AllReleasedWritten();
  void UpdateReading();  // applies backpressure: read only while output is below the soft limit
  bool BlockedFromReading() const;
  bool OutputOverSoftLimit() const;
  bool CanRunRequests() const;
  // CLIENT PAUSE holds this request: the client is postponed and the request stays buffered.
  bool HeldByPause(std::span<const std::string_view> args);
  // Dispatches one request, honouring CLIENT REPLY OFF / SKIP.
  void RunRequest(std::span<const std::string_view> args);
  void OutputDrained();  // after a write completes: resume buffered requests, or reading
  // Writes released_ bytes: synchronously what the socket takes, the rest by one uv_write of
  // at most kMaxWriteSlice bytes (OnWrite continues with the next slice).
  void WriteReleased();

  ConnectionHost& host_;
  uv_tcp_t tcp_;
  uv_write_t write_req_;
  Client client_;
  resp::Parser parser_;
  std::string rbuf_;      // bytes [rstart_, rlen_) are unparsed input; the rest is free space
  size_t rstart_ = 0;
  size_t rlen_ = 0;
  resp::ReplyBuffer out_;  // replies not yet taken by the kernel; written from the front
  size_t accounted_memory_ = 0;  // this client's part of ServerState::clients_memory
  size_t released_ = 0;    // front bytes that passed the check point (AOF written) but not sent
  size_t inflight_ = 0;    // front bytes (within released_) owned by an in-progress uv_write
  resp::Writer writer_;
  std::string discarded_;  // replies CLIENT REPLY OFF / SKIP drop
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool peer_closed_ = false;  // read EOF: finish answering what was sent, then close
  bool flush_queued_ = false;
  int64_t soft_limit_since_ms_ = -1;  // steady time output went past the class's soft limit
  // The TLS session of a connection on the tls-port; null for plain TCP. With it, out_ holds
  // plaintext not yet encrypted and inflight_ counts ciphertext owned by the uv_write.
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace server
