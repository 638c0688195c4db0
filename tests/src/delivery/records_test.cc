// server::Record (src/delivery/records.h): a record built an argument at a time, numbers and
// IDs written as digits in place, is the same RESP as its arguments recorded whole.
#include <catch2/catch.hpp>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "src/delivery/records.h"
#include "src/propagation.h"

namespace {

// Everything `p` holds, as the AOF would get it.
std::string Bytes(const server::Propagation& p) {
  std::string out;
  p.ForEachRun([&](int, bool, std::string_view resp) { out += resp; });
  return out;
}

}  // namespace

TEST_CASE("A record built argument by argument is the RESP of its arguments added whole",
          "[records]") {
  // Lengths at the edges of the one- and two-digit headers, an empty argument, and one that
  // outgrows the record's first buffer.
  const std::string nine(9, 'a'), ten(10, 'b'), ninety_nine(99, 'c'), hundred(100, 'd');
  const std::string big(5000, 'v');
  server::Record r{"XCLAIM", "", nine};
  r.Arg(ten).Arg(ninety_nine).Arg(hundred).Arg(big);
  r.Int(INT64_MIN).Int(-1).Int(0).Uint(UINT64_MAX).Uint(7);
  r.Id({1700000000000, 7}).Id({}).Id({UINT64_MAX, UINT64_MAX});
  const std::vector<std::string> whole = {"XCLAIM", "", nine, ten, ninety_nine, hundred, big,
                                          "-9223372036854775808", "-1", "0",
                                          "18446744073709551615", "7", "1700000000000-7", "0-0",
                                          "18446744073709551615-18446744073709551615"};
  CHECK(r.argc() == whole.size());

  server::Propagation built, added;
  built.BeginCommand(0);
  built.AddEncoded(r.argc(), r.body());
  built.EndCommand({}, true);
  added.BeginCommand(0);
  added.Add(whole);
  added.EndCommand({}, true);
  CHECK(Bytes(built) == Bytes(added));
  CHECK(built.changes() == 1);
  auto records = built.Take();
  REQUIRE(records.size() == 1);
  CHECK(records[0].argv == whole);

  // Outside any command, in the db given.
  server::Propagation outside;
  outside.AddEncodedOutside(3, r.argc(), r.body());
  auto out = outside.Take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].db == 3);
  CHECK(out[0].argv == whole);
}

TEST_CASE("A record of no arguments is an empty multibulk", "[records]") {
  server::Record empty;
  server::Propagation p;
  p.AddEncodedOutside(0, empty.argc(), empty.body());
  CHECK(Bytes(p) == "*0\r\n");
}
