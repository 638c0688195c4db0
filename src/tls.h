// TLS for the tls-port, over OpenSSL. TlsContext is the server's SSL_CTX, built from the tls-*
// options at start and rebuilt by CONFIG SET (a connection keeps the one it started with:
// OpenSSL reference-counts it). TlsStream is one connection's session over two memory BIOs: the
// connection feeds it the ciphertext it reads and sends the ciphertext it produces, so a
// handshake never blocks the loop, and the parser, dispatch and replies see plaintext exactly
// as on a plain connection. No sockets and no libuv here; every OpenSSL object is owned RAII.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace server {

struct Config;

// The protocol versions tls-protocols may name, as bits.
enum TlsProtocolBits : uint32_t {
  kTlsV1 = 1,
  kTlsV1_1 = 2,
  kTlsV1_2 = 4,
  kTlsV1_3 = 8,
};

// Parses tls-protocols: versions separated by spaces, in any order and case ("TLSv1.2
// TLSv1.3"); empty means TLSv1.2 and TLSv1.3, as Redis. nullopt when a word names no version.
std::optional<uint32_t> ParseTlsProtocols(std::string_view text);

// Whether the server serves TLS (a tls-port is set): only then is a context built.
bool TlsEnabled(const Config& config);
// Whether two configurations would build different contexts (a tls-* option that goes into
// the SSL_CTX differs), so that CONFIG SET rebuilds it only then.
bool TlsContextSettingsDiffer(const Config& a, const Config& b);

class TlsContext {
 public:
  // What Build hands back: a context, or the reason there is none, worded as Redis logs it
  // ("Failed to load certificate: <file>: <OpenSSL's error>").
  struct Built {
    std::shared_ptr<const TlsContext> context;
    std::string error;
  };
  // Loads the certificate, key (decrypted with tls-key-file-pass), CA, DH parameters and
  // applies protocols, ciphers, client authentication and session caching.
  static Built Build(const Config& config);

  SSL_CTX* get() const { return ctx_.get(); }

 private:
  struct Free {
    void operator()(SSL_CTX* ctx) const;
  };
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  std::unique_ptr<SSL_CTX, Free> ctx_;
};

// One accepted connection's TLS session (server side). Ciphertext in: Feed; plaintext out:
// Read. Plaintext in: Write; ciphertext out: PeekCiphertext / ConsumeCiphertext, whose bytes
// stay where they are until consumed (a write in progress may point at them) while newer
// ciphertext waits inside OpenSSL.
class TlsStream {
 public:
  // Null only when OpenSSL cannot allocate the session.
  static std::unique_ptr<TlsStream> Accept(const TlsContext& context);
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Ciphertext read from the socket.
  void Feed(const char* data, size_t n);

  enum class ReadEnd {
    kData,        // `n` plaintext bytes were decrypted
    kWantInput,   // nothing more until more ciphertext is fed (the handshake may be in progress)
    kPeerClosed,  // the peer sent close_notify
    kFailed,      // handshake or record failure: error() says why; the connection must go
  };
  // Runs the handshake as far as the input allows, then decrypts up to `cap` bytes into `dst`.
  ReadEnd Read(char* dst, size_t cap, size_t& n);

  // Encrypts `plain` (all of it: the output BIO grows as needed). False on failure, with
  // error() set. Only after the handshake.
  bool Write(std::string_view plain);

  // Ciphertext waiting to be sent, oldest first; empty when there is none. The view stays
  // valid until ConsumeCiphertext or the next PeekCiphertext after everything was consumed.
  std::string_view PeekCiphertext();
  void ConsumeCiphertext(size_t n);
  size_t PendingCiphertext() const;

  // Queues a close_notify alert (best effort: the connection is closing anyway).
  void Shutdown();

  bool handshake_done() const;
  const std::string& error() const { return error_; }

 private:
  struct Free {
    void operator()(SSL* ssl) const;
  };
  TlsStream(SSL* ssl, BIO* in, BIO* out) : ssl_(ssl), in_(in), out_(out) {}

  std::unique_ptr<SSL, Free> ssl_;  // owns both BIOs (SSL_set_bio)
  BIO* in_;                         // ciphertext from the peer
  BIO* out_;                        // ciphertext for the peer, not yet taken into outbox_
  std::string outbox_;              // ciphertext taken out of OpenSSL; [outbox_sent_, end) unsent
  size_t outbox_sent_ = 0;
  std::string error_;
};

}  // namespace server
