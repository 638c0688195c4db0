// TLS (src/tls.h) without sockets: tls-protocols parsing, the context's refusals in Redis's
// words and order, CONFIG SET of the tls-* options, and a TlsStream handshaking with an
// OpenSSL client over memory BIOs (certificates made in-process), both ways of data included.
#include <catch2/catch.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "src/config.h"
#include "src/server_state.h"
#include "src/tls.h"
#include "tests/support/command_harness.h"
#include "tests/support/temp_dir.h"

namespace {

struct TlsTestKeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct TlsTestCertFree {
  void operator()(X509* c) const { X509_free(c); }
};
struct TlsTestCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct TlsTestSslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
using TlsTestKey = std::unique_ptr<EVP_PKEY, TlsTestKeyFree>;
using TlsTestCert = std::unique_ptr<X509, TlsTestCertFree>;

// A P-256 key and a certificate for `cn`, signed by `issuer` (self-signed when null).
struct TlsTestIdentity {
  TlsTestKey key;
  TlsTestCert cert;
};

TlsTestIdentity MakeTlsTestIdentity(const std::string& cn, const TlsTestIdentity* issuer) {
  TlsTestIdentity id;
  id.key.reset(EVP_EC_gen("P-256"));
  REQUIRE(id.key);
  id.cert.reset(X509_new());
  X509* c = id.cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), static_cast<long>(std::hash<std::string>{}(cn) & 0xffffff));
  X509_gmtime_adj(X509_getm_notBefore(c), -60);
  X509_gmtime_adj(X509_getm_notAfter(c), 3600);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer->cert.get()) : name);
  X509_set_pubkey(c, id.key.get());
  if (issuer == nullptr) {
    // OpenSSL takes a version 3 certificate for an issuer only when it says it is a CA.
    X509_EXTENSION* ca = X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints,
                                             "critical,CA:TRUE");
    REQUIRE(ca != nullptr);
    X509_add_ext(c, ca, -1);
    X509_EXTENSION_free(ca);
  }
  REQUIRE(X509_sign(c, issuer ? issuer->key.get() : id.key.get(), EVP_sha256()) > 0);
  return id;
}

void WriteTlsTestPem(const std::string& path, const TlsTestIdentity& id, bool key) {
  BIO* out = BIO_new_file(path.c_str(), "w");
  REQUIRE(out != nullptr);
  const int ok = key ? PEM_write_bio_PrivateKey(out, id.key.get(), nullptr, nullptr, 0, nullptr,
                                                nullptr)
                     : PEM_write_bio_X509(out, id.cert.get());
  BIO_free(out);
  REQUIRE(ok == 1);
}

// A CA, a server certificate it signed, and a client certificate it signed, as files.
struct TlsTestFiles {
  testing_support::TempDir dir;
  TlsTestIdentity ca = MakeTlsTestIdentity("Runnel Unit Test CA", nullptr);
  TlsTestIdentity server = MakeTlsTestIdentity("localhost", &ca);
  TlsTestIdentity client = MakeTlsTestIdentity("client", &ca);

  TlsTestFiles() {
    WriteTlsTestPem(dir.File("ca.crt"), ca, false);
    WriteTlsTestPem(dir.File("server.crt"), server, false);
    WriteTlsTestPem(dir.File("server.key"), server, true);
  }
  server::Config ServerConfig() const {
    server::Config c;
    c.tls_port = 6380;
    c.tls_cert_file = dir.File("server.crt");
    c.tls_key_file = dir.File("server.key");
    c.tls_ca_cert_file = dir.File("ca.crt");
    return c;
  }
};

// A client session over memory BIOs, and the shuttle between it and a TlsStream.
class TlsTestClient {
 public:
  // Trusts `ca`; presents `cert` when given.
  TlsTestClient(const TlsTestIdentity& ca, const TlsTestIdentity* cert)
      : ctx_(SSL_CTX_new(TLS_client_method())) {
    REQUIRE(ctx_);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_.get()), ca.cert.get());
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    if (cert) {
      REQUIRE(SSL_CTX_use_certificate(ctx_.get(), cert->cert.get()) == 1);
      REQUIRE(SSL_CTX_use_PrivateKey(ctx_.get(), cert->key.get()) == 1);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_.get(), in_, out_);
    SSL_set_connect_state(ssl_.get());
  }

  // Moves bytes both ways until neither side has anything to say; returns the plaintext the
  // server decrypted and whether its session failed.
  struct Exchange {
    std::string server_plain;
    bool server_failed = false;
  };
  Exchange Pump(server::TlsStream& server) {
    Exchange ex;
    for (int round = 0; round < 20; round++) {
      SSL_do_handshake(ssl_.get());
      ERR_clear_error();
      std::string to_server = Drain(out_);
      server.Feed(to_server.data(), to_server.size());
      char buf[4096];
      size_t n = 0;
      server::TlsStream::ReadEnd end;
      while ((end = server.Read(buf, sizeof(buf), n)) == server::TlsStream::ReadEnd::kData) {
        ex.server_plain.append(buf, n);
      }
      if (end == server::TlsStream::ReadEnd::kFailed) {
        ex.server_failed = true;
        break;
      }
      std::string to_client;
      for (std::string_view c; !(c = server.PeekCiphertext()).empty();) {
        to_client += c;
        server.ConsumeCiphertext(c.size());
      }
      if (to_server.empty() && to_client.empty()) break;
      BIO_write(in_, to_client.data(), static_cast<int>(to_client.size()));
    }
    return ex;
  }

  bool handshake_done() const { return SSL_is_init_finished(ssl_.get()) == 1; }
  void Send(const std::string& plain) {
    REQUIRE(SSL_write(ssl_.get(), plain.data(), static_cast<int>(plain.size())) ==
            static_cast<int>(plain.size()));
  }
  std::string Receive() {
    std::string got;
    char buf[16384];
    int n;
    while ((n = SSL_read(ssl_.get(), buf, sizeof(buf))) > 0) got.append(buf, static_cast<size_t>(n));
    ERR_clear_error();
    return got;
  }

 private:
  static std::string Drain(BIO* bio) {
    std::string out(BIO_ctrl_pending(bio), '\0');
    if (!out.empty()) BIO_read(bio, out.data(), static_cast<int>(out.size()));
    return out;
  }

  std::unique_ptr<SSL_CTX, TlsTestCtxFree> ctx_;
  std::unique_ptr<SSL, TlsTestSslFree> ssl_;
  BIO* in_;
  BIO* out_;
};

}  // namespace

TEST_CASE("tls-protocols names versions in any order and case, and empty means 1.2 and 1.3",
          "[tls]") {
  CHECK(server::ParseTlsProtocols("") == (server::kTlsV1_2 | server::kTlsV1_3));
  CHECK(server::ParseTlsProtocols("TLSv1.2") == server::kTlsV1_2);
  CHECK(server::ParseTlsProtocols("tlsv1.3 TLSv1") == (server::kTlsV1_3 | server::kTlsV1));
  CHECK(server::ParseTlsProtocols("TLSv1.1  TLSv1.2") == (server::kTlsV1_1 | server::kTlsV1_2));
  CHECK_FALSE(server::ParseTlsProtocols("TLSv1.4"));
  CHECK_FALSE(server::ParseTlsProtocols("TLSv1.2,TLSv1.3"));
  CHECK_FALSE(server::ParseTlsProtocols("SSLv3"));
}

TEST_CASE("A TLS context refuses missing settings and bad files in Redis's words and order",
          "[tls]") {
  server::Config c;
  c.tls_port = 6380;
  CHECK(server::TlsContext::Build(c).error == "No tls-cert-file configured!");
  c.tls_cert_file = "/nonexistent/server.crt";
  CHECK(server::TlsContext::Build(c).error == "No tls-key-file configured!");
  c.tls_key_file = "/nonexistent/server.key";
  CHECK(server::TlsContext::Build(c).error ==
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
        "tls-replication or tls-auth-clients are enabled!");
  c.tls_auth_clients = "no";
  c.tls_protocols = "TLSv1.2 TLSv9";
  CHECK(server::TlsContext::Build(c).error ==
        "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' "
        "and 'TLSv1.3'.");
  c.tls_protocols = "";
  const server::TlsContext::Built built = server::TlsContext::Build(c);
  CHECK_FALSE(built.context);
  CHECK(built.error ==
        "Failed to load certificate: /nonexistent/server.crt: error:80000002:system "
        "library::No such file or directory");
}

TEST_CASE("A TLS context loads a certificate and refuses a key that does not match it",
          "[tls]") {
  TlsTestFiles files;
  server::Config c = files.ServerConfig();
  CHECK(server::TlsContext::Build(c).context);
  WriteTlsTestPem(files.dir.File("client.key"), files.client, true);
  c.tls_key_file = files.dir.File("client.key");
  const std::string error = server::TlsContext::Build(c).error;
  CHECK(error.rfind("Failed to load private key: " + c.tls_key_file + ": error:", 0) == 0);
  c = files.ServerConfig();
  c.tls_ciphers = "NO-SUCH-CIPHER";
  CHECK(server::TlsContext::Build(c).error == "Failed to configure ciphers: NO-SUCH-CIPHER");
  c = files.ServerConfig();
  c.tls_ciphersuites = "NO_SUCH_SUITE";
  CHECK(server::TlsContext::Build(c).error == "Failed to configure ciphersuites: NO_SUCH_SUITE");
}

TEST_CASE("A TLS stream handshakes over memory BIOs and carries data both ways", "[tls]") {
  TlsTestFiles files;
  const auto built = server::TlsContext::Build(files.ServerConfig());
  REQUIRE(built.context);
  auto stream = server::TlsStream::Accept(*built.context);
  REQUIRE(stream);
  TlsTestClient client(files.ca, &files.client);
  auto ex = client.Pump(*stream);
  REQUIRE_FALSE(ex.server_failed);
  CHECK(client.handshake_done());
  CHECK(stream->handshake_done());

  client.Send("*1\r\n$4\r\nPING\r\n");
  ex = client.Pump(*stream);
  CHECK(ex.server_plain == "*1\r\n$4\r\nPING\r\n");
  const std::string big(300 * 1000, 'x');  // many records
  REQUIRE(stream->Write("+PONG\r\n"));
  REQUIRE(stream->Write(big));
  CHECK(stream->PendingCiphertext() > big.size());
  client.Pump(*stream);
  CHECK(stream->PendingCiphertext() == 0);
  CHECK(client.Receive() == "+PONG\r\n" + big);
}

TEST_CASE("tls-auth-clients yes fails the handshake of a client without a certificate, "
          "optional lets it in",
          "[tls]") {
  TlsTestFiles files;
  server::Config c = files.ServerConfig();
  for (const char* mode : {"yes", "optional", "no"}) {
    INFO(mode);
    c.tls_auth_clients = mode;
    const auto built = server::TlsContext::Build(c);
    REQUIRE(built.context);
    auto stream = server::TlsStream::Accept(*built.context);
    TlsTestClient anonymous(files.ca, nullptr);
    const auto ex = anonymous.Pump(*stream);
    INFO(stream->error());
    CHECK(ex.server_failed == (std::string(mode) == "yes"));
    if (ex.server_failed) CHECK(stream->error().find("peer did not return a certificate") != std::string::npos);
  }
}

TEST_CASE("A client certificate from another CA fails the handshake even when optional",
          "[tls]") {
  TlsTestFiles files;
  const TlsTestIdentity other_ca = MakeTlsTestIdentity("Other CA", nullptr);
  const TlsTestIdentity stranger = MakeTlsTestIdentity("stranger", &other_ca);
  server::Config c = files.ServerConfig();
  c.tls_auth_clients = "optional";
  const auto built = server::TlsContext::Build(c);
  REQUIRE(built.context);
  auto stream = server::TlsStream::Accept(*built.context);
  TlsTestClient client(files.ca, &stranger);
  const auto ex = client.Pump(*stream);
  INFO(stream->error());
  CHECK(ex.server_failed);
  CHECK(stream->error().find("certificate verify failed") != std::string::npos);
}

TEST_CASE("CONFIG SET checks tls-* values and keeps the old context when a new one fails",
          "[tls][config][command]") {
  testing_support::CommandHarness h;
  CHECK(h.Run({"CONFIG", "SET", "tls-auth-clients", "maybe"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) "
        "must be one of the following: no, yes, optional\r\n");
  CHECK(h.Run({"CONFIG", "SET", "tls-session-cache-size", "-1"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'tls-session-cache-size') - "
        "argument must be between 0 and 2147483647 inclusive\r\n");
  CHECK(h.Run({"CONFIG", "SET", "tls-port", "6380"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'tls-port') - can't set "
        "immutable config\r\n");
  // With TLS off nothing is loaded, as in Redis: any file name is taken.
  CHECK(h.Run({"CONFIG", "SET", "tls-cert-file", "/nonexistent"}) == "+OK\r\n");

  TlsTestFiles files;
  h.state.config = files.ServerConfig();
  h.state.tls = server::TlsContext::Build(h.state.config).context;
  const auto before = h.state.tls;
  REQUIRE(before);
  CHECK(h.Run({"CONFIG", "SET", "timeout", "5", "tls-cert-file", "/nonexistent"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to "
        "update TLS configuration. Check server logs.\r\n");
  CHECK(h.state.tls == before);
  CHECK(h.state.config.tls_cert_file == files.dir.File("server.crt"));
  CHECK(h.state.config.timeout == 0);
  CHECK(h.Run({"CONFIG", "SET", "tls-protocols", "TLSv1.3"}) == "+OK\r\n");
  CHECK(h.state.tls != before);
  CHECK(h.Run({"CONFIG", "GET", "tls-protocols"}) ==
        "*2\r\n$13\r\ntls-protocols\r\n$7\r\nTLSv1.3\r\n");
}
