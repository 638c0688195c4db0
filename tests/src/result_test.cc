// server::Result: a value or the error text the handler replies with.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "src/errors.h"
#include "src/result.h"

namespace {

using server::Failure;
using server::Result;

Result<int64_t> Half(int64_t n) {
  if (n % 2 != 0) return Failure(server::err::kNotInteger);
  return n / 2;
}

Result<int64_t> Quarter(int64_t n) {
  auto half = Half(n);
  if (!half) return std::move(half).failure();
  return Half(*half);
}

}  // namespace

TEST_CASE("A Result holds its value when it succeeded", "[result]") {
  auto r = Half(8);
  REQUIRE(r);
  CHECK(r.ok());
  CHECK(*r == 4);
}

TEST_CASE("A Result holds Redis's exact error text when it failed", "[result]") {
  auto r = Half(3);
  REQUIRE_FALSE(r);
  CHECK(r.error() == "ERR value is not an integer or out of range");
}

TEST_CASE("A failure passed up keeps its text", "[result]") {
  CHECK(Quarter(8).value() == 2);
  auto r = Quarter(6);  // 6 / 2 = 3, odd
  REQUIRE_FALSE(r);
  CHECK(r.error() == server::err::kNotInteger);
}

TEST_CASE("A built error text is owned by the Result and survives copies", "[result]") {
  Result<std::string_view> r = Failure(server::err::InvalidExpireTime("SET"));
  Result<std::string_view> copy = r;
  r = std::string_view("replaced");
  REQUIRE_FALSE(copy);
  CHECK(copy.error() == "ERR invalid expire time in 'set' command");
  CHECK(*r == "replaced");  // a string_view value is a value, never an error
}

TEST_CASE("A Result without a value is ok by default and can carry an error", "[result]") {
  Result<void> ok;
  CHECK(ok);
  Result<void> failed = Failure(server::err::kSyntax);
  CHECK_FALSE(failed);
  CHECK(failed.error() == "ERR syntax error");
}
