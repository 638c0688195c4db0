// resp::Writer: the exact bytes of every reply type in RESP2 and RESP3 (compared with what
// redis-server 7.0 sends for the same kind of reply).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "resp/writer.h"

namespace {

std::string Write(int protocol, const std::function<void(resp::Writer&)>& fn) {
  std::string out;
  resp::Writer w(out, protocol);
  fn(w);
  return out;
}

std::string Resp2(const std::function<void(resp::Writer&)>& fn) { return Write(2, fn); }
std::string Resp3(const std::function<void(resp::Writer&)>& fn) { return Write(3, fn); }

}  // namespace

TEST_CASE("Simple strings, OK, integers and bulks are the same in RESP2 and RESP3",
          "[resp][writer]") {
  for (int proto : {2, 3}) {
    CHECK(Write(proto, [](auto& w) { w.Simple("PONG"); }) == "+PONG\r\n");
    CHECK(Write(proto, [](auto& w) { w.Ok(); }) == "+OK\r\n");
    CHECK(Write(proto, [](auto& w) { w.Integer(0); }) == ":0\r\n");
    CHECK(Write(proto, [](auto& w) { w.Integer(-42); }) == ":-42\r\n");
    CHECK(Write(proto, [](auto& w) { w.Integer(INT64_MAX); }) == ":9223372036854775807\r\n");
    CHECK(Write(proto, [](auto& w) { w.Integer(INT64_MIN); }) == ":-9223372036854775808\r\n");
    CHECK(Write(proto, [](auto& w) { w.Bulk("hello"); }) == "$5\r\nhello\r\n");
    CHECK(Write(proto, [](auto& w) { w.Bulk(""); }) == "$0\r\n\r\n");
    CHECK(Write(proto, [](auto& w) { w.Bulk(std::string("a\r\n\0b", 5)); }) ==
          std::string("$5\r\na\r\n\0b\r\n", 11));
    CHECK(Write(proto, [](auto& w) { w.Array(3); }) == "*3\r\n");
    CHECK(Write(proto, [](auto& w) { w.Raw("+x\r\n"); }) == "+x\r\n");
  }
}

TEST_CASE("Errors keep their code and have CR and LF turned into spaces", "[resp][writer]") {
  CHECK(Resp2([](auto& w) { w.Error("ERR syntax error"); }) == "-ERR syntax error\r\n");
  CHECK(Resp3([](auto& w) { w.Error("WRONGTYPE bad"); }) == "-WRONGTYPE bad\r\n");
  CHECK(Resp2([](auto& w) { w.Error("ERR unknown command 'a\nb\r\n'"); }) ==
        "-ERR unknown command 'a b  '\r\n");
}

TEST_CASE("Nulls are $-1 and *-1 in RESP2 and _ in RESP3", "[resp][writer]") {
  CHECK(Resp2([](auto& w) { w.Null(); }) == "$-1\r\n");
  CHECK(Resp2([](auto& w) { w.NullArray(); }) == "*-1\r\n");
  CHECK(Resp3([](auto& w) { w.Null(); }) == "_\r\n");
  CHECK(Resp3([](auto& w) { w.NullArray(); }) == "_\r\n");
}

TEST_CASE("Maps, sets and pushes are flat arrays in RESP2 and typed in RESP3",
          "[resp][writer]") {
  CHECK(Resp2([](auto& w) { w.Map(2); }) == "*4\r\n");
  CHECK(Resp3([](auto& w) { w.Map(2); }) == "%2\r\n");
  CHECK(Resp2([](auto& w) { w.Set(3); }) == "*3\r\n");
  CHECK(Resp3([](auto& w) { w.Set(3); }) == "~3\r\n");
  CHECK(Resp2([](auto& w) { w.Push(3); }) == "*3\r\n");
  CHECK(Resp3([](auto& w) { w.Push(3); }) == ">3\r\n");
  CHECK(Resp3([](auto& w) { w.Map(0); }) == "%0\r\n");
}

TEST_CASE("Booleans are integers in RESP2 and #t/#f in RESP3", "[resp][writer]") {
  CHECK(Resp2([](auto& w) { w.Bool(true); }) == ":1\r\n");
  CHECK(Resp2([](auto& w) { w.Bool(false); }) == ":0\r\n");
  CHECK(Resp3([](auto& w) { w.Bool(true); }) == "#t\r\n");
  CHECK(Resp3([](auto& w) { w.Bool(false); }) == "#f\r\n");
}

TEST_CASE("A verbatim string whose format is shorter than three bytes keeps its length right",
          "[resp][writer]") {
  // Found by tests/fuzz/lua_convert_fuzz.cc: a script returning
  // {verbatim_string={format='t', string='abc'}} made "=7\r\nt:abc\r\n", five bytes for
  // seven, which desynchronised the connection.
  using namespace std::string_literals;
  CHECK(Resp3([](auto& w) { w.Verbatim("abc", "t"); }) == "=7\r\nt\0\0:abc\r\n"s);
  CHECK(Resp3([](auto& w) { w.Verbatim("", ""); }) == "=4\r\n\0\0\0:\r\n"s);
  CHECK(Resp3([](auto& w) { w.Verbatim("x", "markdown"); }) == "=5\r\nmar:x\r\n");
}

TEST_CASE("Verbatim strings and big numbers are bulks in RESP2", "[resp][writer]") {
  CHECK(Resp2([](auto& w) { w.Verbatim("a\r\nb"); }) == "$4\r\na\r\nb\r\n");
  CHECK(Resp3([](auto& w) { w.Verbatim("a\r\nb"); }) == "=8\r\ntxt:a\r\nb\r\n");
  CHECK(Resp3([](auto& w) { w.Verbatim("# x", "mkd"); }) == "=7\r\nmkd:# x\r\n");
  CHECK(Resp2([](auto& w) { w.BigNumber("12345678901234567890"); }) ==
        "$20\r\n12345678901234567890\r\n");
  CHECK(Resp3([](auto& w) { w.BigNumber("-12345678901234567890"); }) ==
        "(-12345678901234567890\r\n");
}

TEST_CASE("Doubles are spelled as Redis 7.0 spells scores", "[resp][writer]") {
  // Observed with ZADD/ZSCORE on redis-server 7.0.15, in RESP2 and after HELLO 3.
  const double kInf = std::numeric_limits<double>::infinity();
  CHECK(Resp2([](auto& w) { w.Double(0.1); }) == "$19\r\n0.10000000000000001\r\n");
  CHECK(Resp3([](auto& w) { w.Double(0.1); }) == ",0.10000000000000001\r\n");
  CHECK(Resp2([](auto& w) { w.Double(3); }) == "$1\r\n3\r\n");
  CHECK(Resp3([](auto& w) { w.Double(3); }) == ",3\r\n");
  CHECK(Resp3([](auto& w) { w.Double(-2.5); }) == ",-2.5\r\n");
  CHECK(Resp2([&](auto& w) { w.Double(kInf); }) == "$3\r\ninf\r\n");
  CHECK(Resp2([&](auto& w) { w.Double(-kInf); }) == "$4\r\n-inf\r\n");
  CHECK(Resp3([&](auto& w) { w.Double(kInf); }) == ",inf\r\n");
  CHECK(Resp3([&](auto& w) { w.Double(-kInf); }) == ",-inf\r\n");
  CHECK(Resp2([](auto& w) { w.Double(1e20); }) == "$5\r\n1e+20\r\n");
  CHECK(Resp2([](auto& w) { w.Double(1.5e-7); }) == "$22\r\n1.4999999999999999e-07\r\n");
  CHECK(resp::FormatDouble(1e15) == "1000000000000000");
  CHECK(resp::FormatDouble(0) == "0");
}

TEST_CASE("Nested aggregates are written as headers followed by their elements",
          "[resp][writer]") {
  auto nested = [](resp::Writer& w) {
    w.Map(2);
    w.Bulk("server");
    w.Bulk("runnel");
    w.Bulk("modules");
    w.Array(2);
    w.Integer(1);
    w.Set(1);
    w.Null();
  };
  CHECK(Resp2(nested) == "*4\r\n$6\r\nserver\r\n$6\r\nrunnel\r\n$7\r\nmodules\r\n*2\r\n:1\r\n"
                         "*1\r\n$-1\r\n");
  CHECK(Resp3(nested) == "%2\r\n$6\r\nserver\r\n$6\r\nrunnel\r\n$7\r\nmodules\r\n*2\r\n:1\r\n"
                         "~1\r\n_\r\n");
}

TEST_CASE("Switching the protocol changes how later replies are spelled", "[resp][writer]") {
  std::string out;
  resp::Writer w(out);
  CHECK(w.protocol() == 2);
  w.Null();
  w.set_protocol(3);
  w.Null();
  CHECK(out == "$-1\r\n_\r\n");
  CHECK(&w.buffer() == &out);
}

TEST_CASE("A writer knows the reply it just wrote was an error", "[resp][writer][errors]") {
  std::string out;
  resp::Writer w(out, 2);
  w.Ok();  // an earlier reply in the same buffer
  const auto before_error = w.mark();
  w.Error("ERR syntax error");
  CHECK(w.IsErrorSince(before_error));
  CHECK(w.errors_written() == 1);
  const auto before_ok = w.mark();
  w.Ok();
  CHECK_FALSE(w.IsErrorSince(before_ok));
  CHECK(w.errors_written() == 1);
}

TEST_CASE("A writer knows it wrote an error in RESP3 too", "[resp][writer][errors]") {
  std::string out;
  resp::Writer w(out, 3);
  const auto m = w.mark();
  w.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(w.IsErrorSince(m));
  CHECK(out[m.offset] == '-');
}

TEST_CASE("An array holding errors is not an error reply, though its errors are counted",
          "[resp][writer][errors]") {
  std::string out;
  resp::Writer w(out, 2);
  const auto m = w.mark();
  w.Array(2);  // as EXEC answers a transaction whose commands failed
  w.Error("ERR value is not an integer or out of range");
  w.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK_FALSE(w.IsErrorSince(m));
  CHECK(w.errors_written() == 2);
}

TEST_CASE("Writing nothing is not an error, even right after one", "[resp][writer][errors]") {
  std::string out;
  resp::Writer w(out, 2);
  w.Error("ERR syntax error");
  const auto m = w.mark();
  CHECK_FALSE(w.IsErrorSince(m));  // a blocked command answers later
}

TEST_CASE("A writer tells an error from a reply written where an old error was, after the "
          "buffer was emptied",
          "[resp][writer][errors]") {
  std::string out;
  resp::Writer w(out, 2);
  w.Error("ERR syntax error");
  out.clear();  // the connection sent it; the next reply starts at offset 0 again
  const auto m = w.mark();
  w.Integer(1);
  CHECK_FALSE(w.IsErrorSince(m));
  const auto m2 = w.mark();
  w.Error("ERR no such key");
  CHECK(w.IsErrorSince(m2));
}

TEST_CASE("Raw bytes are not counted as an error reply", "[resp][writer][errors]") {
  std::string out;
  resp::Writer w(out, 2);
  const auto m = w.mark();
  w.Raw("-ERR spliced\r\n");
  CHECK_FALSE(w.IsErrorSince(m));
  CHECK(w.errors_written() == 0);
}
