// TLS against the real server: certificates made at run time with the openssl CLI, a server on
// a tls-port alone or beside the plain port, redis-cli --tls, and a small blocking OpenSSL client
// of our own for what redis-cli cannot do (client certificates from another CA, a handshake cut
// off half-way, megabytes each way, telling which certificate the server presented).
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/time.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.h"
#include "tests/support/temp_dir.h"

namespace tlstest {

using itest::Clock;
using itest::Reply;

// Runs a shell command; true when it exited 0. Its output goes to `log`.
bool Shell(const std::string& command, const std::string& log) {
  const std::string line = "(" + command + ") >>" + log + " 2>&1";
  return std::system(line.c_str()) == 0;
}

// A test CA and what it signed, plus a second CA and a client it signed, in a private directory.
// EC P-256 keys: the openssl runs take milliseconds.
class Certs {
 public:
  Certs() {
    const std::string d = dir_.path();
    const std::string log = dir_.File("openssl.log");
    dir_.Write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    const std::string newkey = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    auto ca = [&](const std::string& name, const std::string& cn) {
      return "openssl req -x509 -new" + newkey + " -keyout " + d + "/" + name + ".key -out " + d +
             "/" + name + ".crt -days 2 -subj '/CN=" + cn + "'";
    };
    auto signed_by = [&](const std::string& issuer, const std::string& name, const std::string& cn) {
      return "openssl req -new" + newkey + " -keyout " + d + "/" + name + ".key -out " + d + "/" +
             name + ".csr -subj '/CN=" + cn + "' && openssl x509 -req -in " + d + "/" + name +
             ".csr -CA " + d + "/" + issuer + ".crt -CAkey " + d + "/" + issuer +
             ".key -CAcreateserial -days 2 -extfile " + d + "/server.ext -out " + d + "/" + name +
             ".crt";
    };
    const std::string script =
        ca("ca", "Runnel Test CA") + " && " + signed_by("ca", "server", "localhost") + " && " +
        signed_by("ca", "reloaded", "reloaded.localhost") + " && " +
        signed_by("ca", "client", "client") + " && " + ca("other-ca", "Other CA") + " && " +
        signed_by("other-ca", "stranger", "stranger") + " && openssl pkey -in " + d +
        "/server.key -aes256 -passout pass:s3cret -out " + d + "/server-encrypted.key";
    INFO(testing_support::ReadFile(log));
    REQUIRE(Shell(script, log));
  }

  std::string File(const std::string& name) const { return dir_.File(name); }
  // The options a server needs to serve TLS with the CA's server certificate.
  std::vector<std::string> ServerArgs() const {
    return {"--tls-cert-file", File("server.crt"), "--tls-key-file", File("server.key"),
            "--tls-ca-cert-file", File("ca.crt")};
  }

 private:
  testing_support::TempDir dir_;
};

// runnel-server with a tls-port (and the plain port beside it when `plain_too`, else port 0:
// TLS only), launched on the TLS port so that both are bound once it listens.
class TlsServer {
 public:
  TlsServer(const Certs& certs, std::vector<std::string> extra, bool plain_too = false) {
    auto argv_for = [&](int port) {
      std::vector<std::string> args = {RUNNEL_SERVER_BIN, "--appendonly", "no", "--dir",
                                       dir_.path(), "--tls-port", std::to_string(port)};
      plain_port_ = plain_too ? itest::FreePort() : 0;
      args.insert(args.end(), {"--port", std::to_string(plain_port_)});
      const auto tls = certs.ServerArgs();
      args.insert(args.end(), tls.begin(), tls.end());
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    };
    process_ = itest::LaunchOnFreePort(argv_for, dir_.File("server.log"), tls_port_);
    INFO(Log());
    REQUIRE(process_ != nullptr);
    if (plain_too) REQUIRE(process_->WaitListening(plain_port_));
  }

  int tls_port() const { return tls_port_; }
  int plain_port() const { return plain_port_; }
  std::string Log() const { return testing_support::ReadFile(dir_.File("server.log")); }
  bool Running() { return process_->Running(); }

 private:
  testing_support::TempDir dir_;
  int tls_port_ = 0;
  int plain_port_ = 0;
  std::unique_ptr<itest::ChildProcess> process_;
};

// A blocking TLS client: connects, handshakes (trusting `ca`, presenting `cert`/`key` when
// given), then sends requests and reads replies with hiredis's reader.
class TlsClient {
 public:
  // `resume`: a session of an earlier connection to offer for resumption.
  TlsClient(int port, const std::string& ca, const std::string& cert = "",
            const std::string& key = "", int timeout_s = 5, SSL_SESSION* resume = nullptr)
      : ctx_(SSL_CTX_new(TLS_client_method())), fd_(itest::RawConnect(port)) {
    REQUIRE(ctx_);
    REQUIRE(fd_ >= 0);
    timeval tv{timeout_s, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    REQUIRE(SSL_CTX_load_verify_locations(ctx_.get(), ca.c_str(), nullptr) == 1);
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    if (!cert.empty()) {
      REQUIRE(SSL_CTX_use_certificate_chain_file(ctx_.get(), cert.c_str()) == 1);
      REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_.get(), key.c_str(), SSL_FILETYPE_PEM) == 1);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    SSL_set_fd(ssl_.get(), fd_);
    if (resume != nullptr) SSL_set_session(ssl_.get(), resume);
    ERR_clear_error();
    handshake_ok_ = SSL_connect(ssl_.get()) == 1;
    ERR_clear_error();
  }
  ~TlsClient() {
    ssl_.reset();
    close(fd_);
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Whether the client's side of the handshake finished. With TLSv1.3 the server judges the
  // client's certificate after that: a refusal shows at the first read.
  bool handshake_ok() const { return handshake_ok_; }
  SSL* ssl() { return ssl_.get(); }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const int n = SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // The next reply, or null when the connection failed or closed first.
  Reply Next() {
    for (;;) {
      if (Reply r = reader_.Next()) return r;
      char buf[65536];
      const int n = SSL_read(ssl_.get(), buf, sizeof(buf));
      if (n <= 0) {
        ERR_clear_error();
        return nullptr;
      }
      reader_.Feed(std::string_view(buf, static_cast<size_t>(n)));
    }
  }

  // One command's reply as text (itest::Redis::ReplyText), "(closed)" when none came.
  std::string Text(const std::vector<std::string>& args) {
    if (!handshake_ok_ || !Send(itest::Multibulk(args))) return "(closed)";
    Reply r = Next();
    return r ? itest::Redis::ReplyText(r.get()) : "(closed)";
  }

  // The common name of the certificate the server presented.
  std::string PeerCommonName() {
    X509* peer = SSL_get1_peer_certificate(ssl_.get());
    if (peer == nullptr) return "";
    char cn[256] = {0};
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof(cn));
    X509_free(peer);
    return cn;
  }

 private:
  struct CtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };
  struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
  int fd_;
  bool handshake_ok_ = false;
  itest::ReplyReader reader_;
};

// The client with the CA's client certificate.
std::unique_ptr<TlsClient> Authenticated(const Certs& certs, int port, int timeout_s = 5) {
  return std::make_unique<TlsClient>(port, certs.File("ca.crt"), certs.File("client.crt"),
                                     certs.File("client.key"), timeout_s);
}

// Runs redis-cli with `args`; its output, stderr included.
std::string RedisCli(const std::string& args) {
  std::string out;
  FILE* p = popen(("redis-cli " + args + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

std::string TlsCliArgs(const Certs& certs, int port, bool with_cert) {
  std::string args = "-p " + std::to_string(port) + " --tls --cacert " + certs.File("ca.crt");
  if (with_cert) args += " --cert " + certs.File("client.crt") + " --key " + certs.File("client.key");
  return args;
}

}  // namespace tlstest

TEST_CASE("A TLS-only server answers redis-cli --tls", "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {});
  const std::string cli = tlstest::TlsCliArgs(certs, server.tls_port(), true);
  CHECK(tlstest::RedisCli(cli + " PING") == "PONG\n");
  CHECK(tlstest::RedisCli(cli + " SET greeting hello") == "OK\n");
  CHECK(tlstest::RedisCli(cli + " GET greeting") == "hello\n");
  // port 0 beside a tls-port: TLS only, and INFO's tcp_port is the TLS one, as Redis.
  const std::string info = tlstest::RedisCli(cli + " INFO server");
  CHECK(info.find("tcp_port:" + std::to_string(server.tls_port())) != std::string::npos);
  CHECK(tlstest::RedisCli(cli + " CONFIG GET tls-auth-clients") == "tls-auth-clients\nyes\n");
  CHECK(server.Log().find("Ready to accept connections tls on port " +
                          std::to_string(server.tls_port())) != std::string::npos);
  CHECK(server.Log().find("Ready to accept connections tcp") == std::string::npos);
  // A plain-text client on the TLS port is dropped, and the server carries on.
  itest::RawSocket plain(server.tls_port());
  plain.SendAll("PING\r\n");
  const std::string answer = plain.ReadUntilClosed(3000);
  CHECK(answer.find("PONG") == std::string::npos);
  CHECK(plain.eof());
  CHECK(tlstest::RedisCli(cli + " PING") == "PONG\n");
}

TEST_CASE("Plain and TLS ports serve the same keyspace side by side", "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {}, true);
  itest::Redis plain(server.plain_port());
  auto tls = tlstest::Authenticated(certs, server.tls_port());
  CHECK(plain.Text({"SET", "shared", "from-plain"}) == "OK");
  CHECK(tls->Text({"GET", "shared"}) == "from-plain");
  CHECK(tls->Text({"SET", "shared", "from-tls"}) == "OK");
  CHECK(plain.Text({"GET", "shared"}) == "from-tls");
  CHECK(plain.Text({"CONFIG", "GET", "tls-port"}) == "(array of 2)");
  itest::Reply clients = plain.Command({"CLIENT", "LIST"});
  REQUIRE(clients);
  const std::string list(clients->str, clients->len);
  CHECK(list.find("laddr=127.0.0.1:" + std::to_string(server.tls_port())) != std::string::npos);
  CHECK(list.find("laddr=127.0.0.1:" + std::to_string(server.plain_port())) != std::string::npos);
}

TEST_CASE("tls-auth-clients yes refuses a client without a certificate and accepts one with",
          "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {"--loglevel", "verbose"});
  tlstest::TlsClient anonymous(server.tls_port(), certs.File("ca.crt"));
  CHECK(anonymous.Text({"PING"}) == "(closed)");
  CHECK(tlstest::RedisCli(tlstest::TlsCliArgs(certs, server.tls_port(), false) + " PING")
            .find("PONG") == std::string::npos);
  CHECK(tlstest::Authenticated(certs, server.tls_port())->Text({"PING"}) == "PONG");
  CHECK(tlstest::RedisCli(tlstest::TlsCliArgs(certs, server.tls_port(), true) + " PING") ==
        "PONG\n");
  CHECK(server.Log().find("Error accepting a client connection: error:0A0000C7:SSL "
                          "routines::peer did not return a certificate") != std::string::npos);
}

TEST_CASE("tls-auth-clients optional lets a client in without a certificate and verifies one "
          "it offers",
          "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {"--tls-auth-clients", "optional"});
  tlstest::TlsClient anonymous(server.tls_port(), certs.File("ca.crt"));
  CHECK(anonymous.Text({"PING"}) == "PONG");
  CHECK(tlstest::Authenticated(certs, server.tls_port())->Text({"PING"}) == "PONG");
  tlstest::TlsClient stranger(server.tls_port(), certs.File("ca.crt"), certs.File("stranger.crt"),
                              certs.File("stranger.key"));
  CHECK(stranger.Text({"PING"}) == "(closed)");
  CHECK(tlstest::RedisCli(tlstest::TlsCliArgs(certs, server.tls_port(), false) + " PING") ==
        "PONG\n");
}

TEST_CASE("A certificate from another CA fails its handshake without hurting other clients",
          "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {"--loglevel", "verbose"}, true);
  auto good = tlstest::Authenticated(certs, server.tls_port());
  itest::Redis plain(server.plain_port());
  REQUIRE(good->Text({"SET", "before", "1"}) == "OK");
  // The client does not trust the server either way round: both CAs are wrong for it.
  tlstest::TlsClient wrong_ca(server.tls_port(), certs.File("other-ca.crt"));
  CHECK_FALSE(wrong_ca.handshake_ok());
  tlstest::TlsClient stranger(server.tls_port(), certs.File("ca.crt"), certs.File("stranger.crt"),
                              certs.File("stranger.key"));
  CHECK(stranger.Text({"PING"}) == "(closed)");
  CHECK(server.Log().find("certificate verify failed") != std::string::npos);
  CHECK(good->Text({"GET", "before"}) == "1");
  CHECK(plain.Text({"GET", "before"}) == "1");
  CHECK(server.Running());
}

TEST_CASE("A large pipelined request and a reply of megabytes pass over TLS", "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {});
  auto client = tlstest::Authenticated(certs, server.tls_port(), 20);
  REQUIRE(client->handshake_ok());
  // 30,000 SETs in one stream of about 3 MB, written before any reply is read.
  std::string pipeline;
  const int kCommands = 30000;
  for (int i = 0; i < kCommands; i++) {
    pipeline += itest::Multibulk({"SET", "key:" + std::to_string(i), std::string(64, 'a' + i % 26)});
  }
  REQUIRE(pipeline.size() > 2 * 1000 * 1000);
  REQUIRE(client->Send(pipeline));
  int ok = 0;
  for (int i = 0; i < kCommands; i++) {
    itest::Reply r = client->Next();
    if (!r) break;
    ok += itest::Redis::ReplyText(r.get()) == "OK";
  }
  CHECK(ok == kCommands);
  CHECK(client->Text({"DBSIZE"}) == std::to_string(kCommands));
  CHECK(client->Text({"GET", "key:29999"}) == std::string(64, 'a' + 29999 % 26));
  // An 8 MB value each way: a request across hundreds of records, a reply encrypted in slices.
  std::string big(8 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); i++) big[i] = static_cast<char>('A' + (i * 7919) % 53);
  CHECK(client->Text({"SET", "big", big}) == "OK");
  CHECK(client->Text({"GET", "big"}) == big);
  CHECK(client->Text({"STRLEN", "big"}) == std::to_string(big.size()));
}

TEST_CASE("A client stalling half-way through its ClientHello does not hold up other clients",
          "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {}, true);
  // A real ClientHello, made by a client session over memory BIOs, of which the server gets
  // only the first half.
  std::string hello;
  {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    SSL_do_handshake(ssl);
    hello.resize(BIO_ctrl_pending(out));
    BIO_read(out, hello.data(), static_cast<int>(hello.size()));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
  }
  REQUIRE(hello.size() > 100);
  itest::RawSocket staller(server.tls_port());
  staller.SendAll(std::string_view(hello).substr(0, hello.size() / 2));
  std::vector<std::unique_ptr<itest::RawSocket>> idle;  // connected, never a byte sent
  for (int i = 0; i < 5; i++) idle.push_back(std::make_unique<itest::RawSocket>(server.tls_port()));

  const auto start = itest::Clock::now();
  auto client = tlstest::Authenticated(certs, server.tls_port());
  for (int i = 0; i < 200; i++) REQUIRE(client->Text({"INCR", "counter"}) == std::to_string(i + 1));
  itest::Redis plain(server.plain_port());
  CHECK(plain.Text({"GET", "counter"}) == "200");
  CHECK(itest::Clock::now() - start < std::chrono::seconds(3));
  // The staller is still connected and waiting: nothing was answered or closed on it.
  CHECK(staller.ReadAtLeast(1, 100).empty());
  CHECK_FALSE(staller.eof());
  itest::Reply clients = plain.Command({"INFO", "clients"});
  REQUIRE(clients);
  CHECK(std::string(clients->str, clients->len).find("connected_clients:8") != std::string::npos);
}

TEST_CASE("CONFIG SET tls-cert-file reloads the certificate for new connections and keeps the "
          "old one on a bad file",
          "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {});
  auto before = tlstest::Authenticated(certs, server.tls_port());
  CHECK(before->PeerCommonName() == "localhost");
  CHECK(before->Text({"CONFIG", "SET", "tls-cert-file", certs.File("reloaded.crt"), "tls-key-file",
                      certs.File("reloaded.key")}) == "OK");
  auto after = tlstest::Authenticated(certs, server.tls_port());
  CHECK(after->PeerCommonName() == "reloaded.localhost");
  CHECK(before->Text({"PING"}) == "PONG");  // an open connection keeps its session
  CHECK(after->Text({"CONFIG", "GET", "tls-cert-file"}) == "(array of 2)");

  // A key that is not the certificate's: refused, and nothing changes.
  CHECK(after->Text({"CONFIG", "SET", "tls-key-file", certs.File("server.key")}) ==
        "ERR CONFIG SET failed (possibly related to argument 'tls-key-file') - Unable to update "
        "TLS configuration. Check server logs.");
  CHECK(after->Text({"CONFIG", "SET", "tls-cert-file", "/nonexistent/cert.pem"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update "
        "TLS configuration. Check server logs.");
  CHECK(server.Log().find("Failed to load certificate: /nonexistent/cert.pem: error:80000002:"
                          "system library::No such file or directory") != std::string::npos);
  CHECK(tlstest::Authenticated(certs, server.tls_port())->PeerCommonName() == "reloaded.localhost");

  // tls-protocols applies to new connections too.
  CHECK(after->Text({"CONFIG", "SET", "tls-protocols", "TLSv1.2"}) == "OK");
  auto v12 = tlstest::Authenticated(certs, server.tls_port());
  CHECK(std::string(SSL_get_version(v12->ssl())) == "TLSv1.2");
  CHECK(v12->Text({"PING"}) == "PONG");
  CHECK(std::string(SSL_get_version(after->ssl())) == "TLSv1.3");
}

TEST_CASE("An encrypted key loads with tls-key-file-pass, and start-up fails without it",
          "[tls]") {
  tlstest::Certs certs;
  {
    tlstest::TlsServer server(certs, {"--tls-key-file", certs.File("server-encrypted.key"),
                                      "--tls-key-file-pass", "s3cret"});
    CHECK(tlstest::Authenticated(certs, server.tls_port())->Text({"PING"}) == "PONG");
  }
  testing_support::TempDir dir;
  const int port = itest::FreePort();
  itest::ChildProcess child({RUNNEL_SERVER_BIN, "--port", "0", "--tls-port", std::to_string(port),
                             "--dir", dir.path(), "--appendonly", "no", "--tls-cert-file",
                             certs.File("server.crt"), "--tls-key-file",
                             certs.File("server-encrypted.key"), "--tls-ca-cert-file",
                             certs.File("ca.crt")},
                            dir.File("server.log"));
  CHECK(child.WaitExit(5000) == 1);
  const std::string log = child.Log();
  CHECK(log.find("Failed to load private key: " + certs.File("server-encrypted.key")) !=
        std::string::npos);
  CHECK(log.find("Failed to configure TLS. Check logs for more info.") != std::string::npos);
}

TEST_CASE("While a script is busy, TLS clients old and new are answered BUSY and SCRIPT KILL "
          "works over TLS",
          "[tls][scripting]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {"--busy-reply-threshold", "50"});
  auto other = tlstest::Authenticated(certs, server.tls_port());
  auto runner = tlstest::Authenticated(certs, server.tls_port());
  REQUIRE(runner->Send(itest::Multibulk({"EVAL", "while true do end", "0"})));
  const std::string busy =
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
  std::string seen;
  for (int i = 0; i < 100 && seen != busy; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    seen = other->Text({"PING"});
  }
  REQUIRE(seen == busy);
  // A connection made now handshakes while the loop is held by the script.
  auto fresh = tlstest::Authenticated(certs, server.tls_port());
  REQUIRE(fresh->handshake_ok());
  CHECK(fresh->Text({"GET", "k"}) == busy);
  CHECK(fresh->Text({"SCRIPT", "KILL"}) == "OK");
  itest::Reply killed = runner->Next();
  REQUIRE(killed);
  CHECK(itest::Redis::ReplyText(killed.get()).rfind("ERR Script killed by user", 0) == 0);
  CHECK(runner->Text({"PING"}) == "PONG");
  CHECK(fresh->Text({"PING"}) == "PONG");
}

TEST_CASE("tls-session-caching lets a client resume its session, and no turns that off",
          "[tls]") {
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {});
  // Whether a second connection resumes the session of a first one.
  auto resumes = [&] {
    tlstest::TlsClient first(server.tls_port(), certs.File("ca.crt"), certs.File("client.crt"),
                             certs.File("client.key"));
    // TLSv1.3 hands out its session tickets after the handshake: a reply reads them.
    REQUIRE(first.Text({"PING"}) == "PONG");
    SSL_SESSION* session = SSL_get1_session(first.ssl());
    REQUIRE(session != nullptr);
    tlstest::TlsClient second(server.tls_port(), certs.File("ca.crt"), certs.File("client.crt"),
                              certs.File("client.key"), 5, session);
    SSL_SESSION_free(session);
    const bool reused = second.handshake_ok() && SSL_session_reused(second.ssl()) == 1;
    CHECK(second.Text({"PING"}) == "PONG");
    return reused;
  };
  CHECK(resumes());
  auto admin = tlstest::Authenticated(certs, server.tls_port());
  REQUIRE(admin->Text({"CONFIG", "SET", "tls-session-caching", "no"}) == "OK");
  CHECK_FALSE(resumes());
  REQUIRE(admin->Text({"CONFIG", "SET", "tls-session-caching", "yes", "tls-session-cache-timeout",
                       "60"}) == "OK");
  CHECK(resumes());
  CHECK(admin->Text({"CONFIG", "GET", "tls-session-cache-timeout"}) == "(array of 2)");
}

TEST_CASE("With timeout 2, a TLS client slowly reading a long reply is kept while it is written to",
          "[tls][limits]") {
  // As over plain TCP (slow_client_test.cc): each write to the client counts as an interaction,
  // here each piece of ciphertext the socket takes.
  tlstest::Certs certs;
  tlstest::TlsServer server(certs, {"--timeout", "2"}, true);
  const size_t size = 16 * 1024 * 1024;
  {
    itest::Redis setup(server.plain_port(), 10);
    REQUIRE(setup.Text({"SET", "big", std::string(size, 'v')}) == "OK");
  }
  auto client = tlstest::Authenticated(certs, server.tls_port(), 20);
  REQUIRE(client->handshake_ok());
  int small = 64 * 1024;
  setsockopt(SSL_get_fd(client->ssl()), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  REQUIRE(client->Send(itest::Multibulk({"GET", "big"})));
  const size_t total = size + std::to_string(size).size() + 5;  // "$<len>\r\n" ... "\r\n"
  size_t got = 0;
  bool closed = false;
  const auto start = itest::Clock::now();
  // 64 KB every 20 ms, about 3 MB/s: over 5 s in all, well past the timeout.
  while (got < total && !closed && itest::Clock::now() - start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (size_t step = 0; step < 64 * 1024 && got < total;) {
      char buf[16 * 1024];
      const int n = SSL_read(client->ssl(), buf, sizeof(buf));
      if (n <= 0) {
        ERR_clear_error();
        closed = true;
        break;
      }
      step += static_cast<size_t>(n);
      got += static_cast<size_t>(n);
    }
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(itest::Clock::now() - start).count() / 1000.0;
  INFO("read " << got << " of " << total << " bytes in " << seconds << " s");
  CHECK_FALSE(closed);
  CHECK(got == total);
  CHECK(seconds > 2.5);
}
