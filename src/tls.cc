#include "src/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include "src/ascii.h"
#include "src/config.h"

namespace server {

namespace {

constexpr size_t kKeptOutboxCapacity = 64 * 1024;

// OpenSSL's oldest queued error as "error:80000002:system library::No such file or
// directory" (Redis logs it so), and the queue emptied.
std::string TakeSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

// The private key's passphrase comes from tls-key-file-pass only: without a callback OpenSSL
// would prompt on the terminal, stalling the server.
int KeyPassword(char* buf, int size, int, void* userdata) {
  const auto* pass = static_cast<const std::string*>(userdata);
  if (pass == nullptr || size <= 0) return 0;
  const int n = static_cast<int>(std::min<size_t>(pass->size(), static_cast<size_t>(size)));
  std::memcpy(buf, pass->data(), static_cast<size_t>(n));
  return n;
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// tls-dh-params-file: DH parameters for the DHE ciphers; without one OpenSSL picks them.
std::string LoadDhParams(SSL_CTX* ctx, const std::string& path) {
  if (path.empty()) {
    SSL_CTX_set_dh_auto(ctx, 1);
    return "";
  }
  std::unique_ptr<BIO, BioFree> file(BIO_new_file(path.c_str(), "r"));
  if (!file) {
    const int saved = errno;
    ERR_clear_error();
    return "Failed to load " + path + ": " + std::strerror(saved);
  }
  std::unique_ptr<EVP_PKEY, PkeyFree> params(PEM_read_bio_Parameters(file.get(), nullptr));
  if (!params) {
    ERR_clear_error();
    return path + ": failed to read DH params.";
  }
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, params.get()) != 1) {
    return "Failed to load DH params file: " + path + ": " + TakeSslError();
  }
  params.release();  // the context owns it now
  return "";
}

// The settings checked before any file is read, in the order Redis checks them.
std::string CheckRequiredSettings(const Config& config) {
  if (config.tls_cert_file.empty()) return "No tls-cert-file configured!";
  if (config.tls_key_file.empty()) return "No tls-key-file configured!";
  if (config.tls_auth_clients != "no" && config.tls_ca_cert_file.empty() &&
      config.tls_ca_cert_dir.empty()) {
    return "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
           "tls-replication or tls-auth-clients are enabled!";
  }
  return "";
}

// Turns off every version tls-protocols leaves out (the list need not be a range).
void RestrictProtocols(SSL_CTX* ctx, uint32_t allowed) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  uint64_t off = 0;
  if (!(allowed & kTlsV1)) off |= SSL_OP_NO_TLSv1;
  if (!(allowed & kTlsV1_1)) off |= SSL_OP_NO_TLSv1_1;
  if (!(allowed & kTlsV1_2)) off |= SSL_OP_NO_TLSv1_2;
  if (!(allowed & kTlsV1_3)) off |= SSL_OP_NO_TLSv1_3;
  SSL_CTX_set_options(ctx, off);
}

void ConfigureSessions(SSL_CTX* ctx, const Config& config) {
  // Resumed sessions must belong to this server's contexts; OpenSSL refuses to resume a session
  // of a context that verifies peers without an id context.
  static constexpr unsigned char kSessionContext[] = "runnel";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);
  if (config.tls_session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, config.tls_session_cache_size);
    SSL_CTX_set_timeout(ctx, config.tls_session_cache_timeout);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
  }
}

std::string LoadCertificates(SSL_CTX* ctx, const Config& config) {
  if (SSL_CTX_use_certificate_chain_file(ctx, config.tls_cert_file.c_str()) != 1) {
    return "Failed to load certificate: " + config.tls_cert_file + ": " + TakeSslError();
  }
  // The passphrase is read only while the key loads: the callback's pointer must not outlive
  // this call.
  SSL_CTX_set_default_passwd_cb(ctx, KeyPassword);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&config.tls_key_file_pass));
  const bool key_ok =
      SSL_CTX_use_PrivateKey_file(ctx, config.tls_key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
      SSL_CTX_check_private_key(ctx) == 1;
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (!key_ok) return "Failed to load private key: " + config.tls_key_file + ": " + TakeSslError();
  if (!config.tls_ca_cert_file.empty() || !config.tls_ca_cert_dir.empty()) {
    const char* file = config.tls_ca_cert_file.empty() ? nullptr : config.tls_ca_cert_file.c_str();
    const char* dir = config.tls_ca_cert_dir.empty() ? nullptr : config.tls_ca_cert_dir.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, dir) != 1) {
      return "Failed to configure CA certificate(s) file/directory: " + TakeSslError();
    }
  }
  return "";
}

}  // namespace

std::optional<uint32_t> ParseTlsProtocols(std::string_view text) {
  uint32_t bits = 0;
  for (const std::string& word : SplitSpaces(text)) {
    const std::string w = AsciiLower(word);
    if (w == "tlsv1") {
      bits |= kTlsV1;
    } else if (w == "tlsv1.1") {
      bits |= kTlsV1_1;
    } else if (w == "tlsv1.2") {
      bits |= kTlsV1_2;
    } else if (w == "tlsv1.3") {
      bits |= kTlsV1_3;
    } else {
      return std::nullopt;
    }
  }
  return bits == 0 ? kTlsV1_2 | kTlsV1_3 : bits;
}

bool TlsEnabled(const Config& config) { return config.tls_port != 0; }

bool TlsContextSettingsDiffer(const Config& a, const Config& b) {
  auto key = [](const Config& c) {
    return std::tie(c.tls_cert_file, c.tls_key_file, c.tls_key_file_pass, c.tls_ca_cert_file,
                    c.tls_ca_cert_dir, c.tls_dh_params_file, c.tls_auth_clients, c.tls_protocols,
                    c.tls_ciphers, c.tls_ciphersuites, c.tls_prefer_server_ciphers,
                    c.tls_session_caching, c.tls_session_cache_size, c.tls_session_cache_timeout);
  };
  return key(a) != key(b);
}

void TlsContext::Free::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

TlsContext::Built TlsContext::Build(const Config& config) {
  ERR_clear_error();
  if (std::string missing = CheckRequiredSettings(config); !missing.empty()) {
    return {nullptr, std::move(missing)};
  }
  const std::optional<uint32_t> protocols = ParseTlsProtocols(config.tls_protocols);
  if (!protocols) {
    return {nullptr, "Invalid tls-protocols specified. Use a combination of 'TLSv1', "
                     "'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'."};
  }
  SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
  if (raw == nullptr) return {nullptr, "Failed to create SSL_CTX: " + TakeSslError()};
  std::shared_ptr<TlsContext> context(new TlsContext(raw));
  SSL_CTX* ctx = context->get();
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (config.tls_prefer_server_ciphers) SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle connection gives its record buffers back (most clients are idle most of the time).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  RestrictProtocols(ctx, *protocols);
  ConfigureSessions(ctx, config);
  const int verify = config.tls_auth_clients == "yes"
                         ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                     : config.tls_auth_clients == "optional" ? SSL_VERIFY_PEER
                                                             : SSL_VERIFY_NONE;
  SSL_CTX_set_verify(ctx, verify, nullptr);
  if (std::string error = LoadCertificates(ctx, config); !error.empty()) {
    return {nullptr, std::move(error)};
  }
  if (std::string error = LoadDhParams(ctx, config.tls_dh_params_file); !error.empty()) {
    return {nullptr, std::move(error)};
  }
  if (!config.tls_ciphers.empty() &&
      SSL_CTX_set_cipher_list(ctx, config.tls_ciphers.c_str()) != 1) {
    ERR_clear_error();
    return {nullptr, "Failed to configure ciphers: " + config.tls_ciphers};
  }
  if (!config.tls_ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx, config.tls_ciphersuites.c_str()) != 1) {
    ERR_clear_error();
    return {nullptr, "Failed to configure ciphersuites: " + config.tls_ciphersuites};
  }
  return {std::move(context), ""};
}

void TlsStream::Free::operator()(SSL* ssl) const { SSL_free(ssl); }

std::unique_ptr<TlsStream> TlsStream::Accept(const TlsContext& context) {
  std::unique_ptr<SSL, Free> ssl(SSL_new(context.get()));
  std::unique_ptr<BIO, BioFree> in(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (!ssl || !in || !out) {
    ERR_clear_error();
    return nullptr;
  }
  // An empty input BIO means "more to come", not end of file.
  BIO_set_mem_eof_return(in.get(), -1);
  BIO_set_mem_eof_return(out.get(), -1);
  SSL_set_bio(ssl.get(), in.get(), out.get());  // the session owns both from here
  SSL_set_accept_state(ssl.get());
  return std::unique_ptr<TlsStream>(new TlsStream(ssl.release(), in.release(), out.release()));
}

void TlsStream::Feed(const char* data, size_t n) {
  // A memory BIO takes everything (it grows); only allocation failure can refuse it, and then
  // the record is lost and the next Read fails.
  while (n > 0) {
    const int chunk = static_cast<int>(std::min<size_t>(n, 1 << 30));
    const int written = BIO_write(in_, data, chunk);
    if (written <= 0) return;
    data += written;
    n -= static_cast<size_t>(written);
  }
}

TlsStream::ReadEnd TlsStream::Read(char* dst, size_t cap, size_t& n) {
  n = 0;
  ERR_clear_error();
  const int got = SSL_read(ssl_.get(), dst, static_cast<int>(std::min<size_t>(cap, 1 << 30)));
  if (got > 0) {
    n = static_cast<size_t>(got);
    return ReadEnd::kData;
  }
  switch (SSL_get_error(ssl_.get(), got)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:  // never with a memory BIO, which always takes the output
      return ReadEnd::kWantInput;
    case SSL_ERROR_ZERO_RETURN:
      return ReadEnd::kPeerClosed;
    default:
      break;
  }
  error_ = TakeSslError();
  const long verify = SSL_get_verify_result(ssl_.get());
  if (verify != X509_V_OK) error_ += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
  return ReadEnd::kFailed;
}

bool TlsStream::Write(std::string_view plain) {
  while (!plain.empty()) {
    ERR_clear_error();
    const int chunk = static_cast<int>(std::min<size_t>(plain.size(), 1 << 30));
    const int written = SSL_write(ssl_.get(), plain.data(), chunk);
    if (written <= 0) {
      error_ = TakeSslError();
      return false;
    }
    plain.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

std::string_view TlsStream::PeekCiphertext() {
  if (outbox_sent_ == outbox_.size()) {
    // After a big reply the buffer goes back: an idle connection should not keep a slice's
    // worth of ciphertext room.
    if (outbox_.capacity() > kKeptOutboxCapacity) std::string().swap(outbox_);
    outbox_.clear();
    outbox_sent_ = 0;
    const size_t pending = BIO_ctrl_pending(out_);
    if (pending > 0) {
      outbox_.resize(pending);
      const int got = BIO_read(out_, outbox_.data(), static_cast<int>(pending));
      outbox_.resize(got > 0 ? static_cast<size_t>(got) : 0);
    }
  }
  return std::string_view(outbox_).substr(outbox_sent_);
}

void TlsStream::ConsumeCiphertext(size_t n) { outbox_sent_ = std::min(outbox_.size(), outbox_sent_ + n); }

size_t TlsStream::PendingCiphertext() const {
  return outbox_.size() - outbox_sent_ + BIO_ctrl_pending(out_);
}

void TlsStream::Shutdown() {
  ERR_clear_error();
  if (SSL_is_init_finished(ssl_.get())) SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

bool TlsStream::handshake_done() const { return SSL_is_init_finished(ssl_.get()) == 1; }

}  // namespace server
