// INFO commandstats, errorstats and latencystats as Dispatch feeds them (observed against
// redis-server 7.0: a script's error from redis.call counts once, an arity error is a rejected
// call of its command, EXECABORT counts for EXEC).
#include "src/command_stats.h"

#include <catch2/catch.hpp>

#include "tests/support/command_harness.h"

namespace {

using testing_support::CommandHarness;

const server::CommandStat& StatOf(const CommandHarness& h, std::string_view name) {
  const server::CommandStat* s = h.state.command_stats.Find(name);
  REQUIRE(s != nullptr);
  return *s;
}

uint64_t ErrorCount(const CommandHarness& h, const std::string& code) {
  auto it = h.state.error_stats.by_code().find(code);
  return it == h.state.error_stats.by_code().end() ? 0 : it->second;
}

std::string Info(CommandHarness& h, const std::string& section) {
  std::string reply = h.Run({"INFO", section});
  return reply;
}

}  // namespace

TEST_CASE("A command's calls, failures and rejections are counted against its row",
          "[command_stats]") {
  CommandHarness h;
  h.Run({"SET", "s", "1"});
  h.Run({"LPUSH", "s", "x"});  // WRONGTYPE: a failed call
  h.Run({"GET"});              // arity: a rejected call, not a call
  h.Run({"GET", "s"});
  CHECK(StatOf(h, "set").calls == 1);
  CHECK(StatOf(h, "lpush").calls == 1);
  CHECK(StatOf(h, "lpush").failed_calls == 1);
  CHECK(StatOf(h, "get").calls == 1);
  CHECK(StatOf(h, "get").rejected_calls == 1);
  CHECK(StatOf(h, "get").failed_calls == 0);
}

TEST_CASE("A subcommand is counted as container|subcommand", "[command_stats]") {
  CommandHarness h;
  h.Run({"CONFIG", "GET", "port"});
  h.Run({"config", "get", "hz"});
  CHECK(StatOf(h, "config|get").calls == 2);
  CHECK(h.state.command_stats.Find("config") == nullptr);
}

TEST_CASE("An error reply's code is the text before its first space, else ERR",
          "[command_stats]") {
  using server::ErrorStats;
  CHECK(ErrorStats::CodeOf("WRONGTYPE Operation against a key") == "WRONGTYPE");
  CHECK(ErrorStats::CodeOf("lower case") == "lower");
  CHECK(ErrorStats::CodeOf("NOSPACE") == "ERR");
  CHECK(ErrorStats::CodeOf(std::string(40, 'A') + " x") == "ERR");
}

TEST_CASE("Error replies are counted by code, those inside EXEC and EXECABORT too",
          "[command_stats]") {
  CommandHarness h;
  h.Run({"SET", "s", "1"});
  h.Run({"LPUSH", "s", "x"});
  h.Run({"NOSUCH"});
  h.Run({"MULTI"});
  h.Run({"SET", "a"});
  h.Run({"EXEC"});
  CHECK(ErrorCount(h, "WRONGTYPE") == 1);
  CHECK(ErrorCount(h, "ERR") == 2);
  CHECK(ErrorCount(h, "EXECABORT") == 1);
  CHECK(h.state.error_stats.total() == 4);
  CHECK(StatOf(h, "exec").failed_calls == 1);
}

TEST_CASE("An error a script passes on from redis.call or redis.pcall is counted once",
          "[command_stats]") {
  CommandHarness h;
  h.Run({"SET", "s", "1"});
  h.Run({"EVAL", "return redis.call('lpush', KEYS[1], 'x')", "1", "s"});
  h.Run({"EVAL", "return redis.pcall('lpush', KEYS[1], 'x')", "1", "s"});
  h.Run({"EVAL", "redis.pcall('lpush', KEYS[1], 'x'); return 1", "1", "s"});
  CHECK(ErrorCount(h, "WRONGTYPE") == 3);
  CHECK(StatOf(h, "lpush").failed_calls == 3);
  CHECK(StatOf(h, "eval").failed_calls == 2);
  // An error of redis.call itself (no command ran) counts once too.
  h.Run({"EVAL", "return redis.call('nosuch')", "0"});
  h.Run({"EVAL", "redis.pcall('nosuch'); return 1", "0"});
  CHECK(ErrorCount(h, "ERR") == 2);
  // A script's own error counts when the script replies with it.
  h.Run({"EVAL", "return redis.error_reply('MY boom')", "0"});
  h.Run({"EVAL", "return {err='FOO bar'}", "0"});
  CHECK(ErrorCount(h, "MY") == 1);
  CHECK(ErrorCount(h, "FOO") == 1);
  CHECK(h.state.error_stats.total() == 7);
}

TEST_CASE("INFO prints commandstats, errorstats and latencystats lines", "[command_stats]") {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"XLEN", "k"});
  const std::string cmd = Info(h, "commandstats");
  CHECK(cmd.find("cmdstat_set:calls=1,usec=") != std::string::npos);
  CHECK(cmd.find("cmdstat_xlen:calls=1,usec=") != std::string::npos);
  CHECK(cmd.find(",rejected_calls=0,failed_calls=1\r\n") != std::string::npos);
  CHECK(Info(h, "errorstats").find("errorstat_WRONGTYPE:count=1\r\n") != std::string::npos);
  const std::string lat = Info(h, "latencystats");
  CHECK(lat.find("latency_percentiles_usec_set:p50=") != std::string::npos);
  CHECK(lat.find(",p99=") != std::string::npos);
  CHECK(lat.find(",p99.9=") != std::string::npos);
  h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "12.5 100"});
  const std::string custom = Info(h, "latencystats");
  CHECK(custom.find("latency_percentiles_usec_set:p12.5=") != std::string::npos);
  CHECK(custom.find(",p100=") != std::string::npos);
}

TEST_CASE("CONFIG RESETSTAT clears command and error statistics", "[command_stats]") {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"XLEN", "k"});
  REQUIRE(h.Run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(h.state.command_stats.Find("set") == nullptr);
  CHECK(h.state.error_stats.total() == 0);
  CHECK(Info(h, "errorstats") .find("errorstat_") == std::string::npos);
  CHECK(StatOf(h, "config|resetstat").calls == 1);
}

TEST_CASE("With latency-tracking off calls are counted but no latency is recorded",
          "[command_stats]") {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "latency-tracking", "no"});
  h.Run({"SET", "k", "v"});
  CHECK(StatOf(h, "set").calls == 1);
  CHECK(StatOf(h, "set").latency.count() == 0);
  CHECK(Info(h, "latencystats").find("latency_percentiles_usec_set") == std::string::npos);
}

TEST_CASE("latency-tracking-info-percentiles takes numbers from 0 to 100", "[command_stats]") {
  using server::ParsePercentiles;
  CHECK(ParsePercentiles("50 99 99.9").values == std::vector<double>{50, 99, 99.9});
  CHECK(ParsePercentiles("").values.empty());
  CHECK(ParsePercentiles("101").out_of_range);
  CHECK(ParsePercentiles("-1").out_of_range);
  CHECK(ParsePercentiles("abc").invalid);
  CHECK(ParsePercentiles("5x").invalid);
  CHECK(server::PercentileLabel(99.9) == "99.9");
  CHECK(server::PercentileLabel(50) == "50");
}
