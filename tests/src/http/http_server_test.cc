// The HTTP listener's pure parts (src/http/http_server.h): Basic credentials, response bytes.
#include "src/http/http_server.h"

#include <catch2/catch.hpp>

namespace {

using server::http::ParseBasicAuth;
using server::http::Response;
using server::http::SerializeResponse;

TEST_CASE("Basic credentials give the user and the password, split at the first colon") {
  auto c = ParseBasicAuth("Basic YWxpY2U6cHc6d2l0aDpjb2xvbnM=");  // alice:pw:with:colons
  REQUIRE(c);
  CHECK(c->user == "alice");
  CHECK(c->password == "pw:with:colons");
  auto lower = ParseBasicAuth("basic   YWxpY2U6cHc=  ");  // scheme in any case, extra spaces
  REQUIRE(lower);
  CHECK(lower->user == "alice");
  CHECK(lower->password == "pw");
}

TEST_CASE("Basic credentials without a user name are the default user's password, as AUTH pw") {
  auto no_colon = ParseBasicAuth("Basic c2VjcmV0");  // "secret"
  REQUIRE(no_colon);
  CHECK(no_colon->user == "default");
  CHECK(no_colon->password == "secret");
  auto empty_user = ParseBasicAuth("Basic OnNlY3JldA==");  // ":secret"
  REQUIRE(empty_user);
  CHECK(empty_user->user == "default");
  CHECK(empty_user->password == "secret");
}

TEST_CASE("Authorization values that are not valid Basic credentials are refused") {
  CHECK_FALSE(ParseBasicAuth("Bearer abc"));
  CHECK_FALSE(ParseBasicAuth("Basic"));
  CHECK_FALSE(ParseBasicAuth("Basic a*b"));
  CHECK_FALSE(ParseBasicAuth(""));
}

TEST_CASE("A response is written with its status, type, length and extra headers") {
  Response r = Response::Text(401, "no\n");
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"runnel\"");
  CHECK(SerializeResponse(r, false, false) ==
        "HTTP/1.1 401 Unauthorized\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 3\r\n"
        "WWW-Authenticate: Basic realm=\"runnel\"\r\n"
        "\r\nno\n");
}

TEST_CASE("A HEAD response keeps the GET response's length without its body; close is said") {
  Response r = Response::Text(200, "hello");
  CHECK(SerializeResponse(r, true, true) ==
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 5\r\n"
        "Connection: close\r\n"
        "\r\n");
}

}  // namespace
