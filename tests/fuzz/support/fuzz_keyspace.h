// The dataset the command-running fuzz targets start from: every type in the encodings it can
// take (small and large, so conversions are one command away), keys with TTLs and field TTLs,
// and streams with consumer groups, pending entries and a delivery policy. Thresholds are
// lowered (FuzzConfig) so short inputs cross them.
#pragma once

#include <string>
#include <vector>

#include "src/config.h"
#include "tests/fuzz/support/argv_budget.h"

namespace fuzz_support {

// The time the targets' clock is pinned at (ms); small, so absolute times stay short numbers.
inline constexpr int64_t kFuzzStartMs = 1000000000;

inline server::Config FuzzConfig() {
  server::Config c;
  c.appendonly = false;
  c.proto_max_bulk_len = kFuzzMaxBulkLen;
  c.list_max_listpack_size = 4;  // entries per list node
  c.list_compress_depth = 1;
  c.zset_max_listpack_entries = 8;
  c.set_max_intset_entries = 8;
  c.set_max_listpack_entries = 8;
  c.hash_max_listpack_entries = 8;
  c.stream_node_max_entries = 4;
  return c;
}

// Keys of each type (the fuzz targets also pick them as arguments).
inline const std::vector<std::string>& FuzzKeys() {
  static const std::vector<std::string> keys = {
      "str", "int", "float", "bits", "ttl", "list", "biglist", "hash", "bighash", "fhash",
      "iset", "set", "bigset", "zset", "bigzset", "s1", "s2", "missing", "{a}b", ""};
  return keys;
}

inline std::vector<std::vector<std::string>> FuzzKeyspaceSetup() {
  std::vector<std::vector<std::string>> out = {
      {"SET", "str", "hello world"},
      {"SET", "int", "42"},
      {"SET", "float", "3.5"},
      {"SETBIT", "bits", "77", "1"},
      {"SET", "ttl", "v", "PX", "5000"},
      {"RPUSH", "list", "a", "b", "c", "1", "2"},
      {"HSET", "hash", "f1", "v1", "f2", "2", "f3", "3.5"},
      {"HSET", "fhash", "a", "1", "b", "2", "c", "3"},
      {"HPEXPIRE", "fhash", "3000", "FIELDS", "2", "a", "b"},
      {"SADD", "iset", "1", "2", "3", "-7"},
      {"SADD", "set", "a", "b", "c", "1"},
      {"ZADD", "zset", "1", "a", "2", "b", "2", "c", "-inf", "m", "3.5", "d"},
      {"XADD", "s1", "1-1", "f", "v"},
  };
  std::vector<std::string> biglist = {"RPUSH", "biglist"};
  std::vector<std::string> bighash = {"HSET", "bighash"};
  std::vector<std::string> bigset = {"SADD", "bigset"};
  std::vector<std::string> bigzset = {"ZADD", "bigzset"};
  for (int i = 0; i < 24; i++) {
    const std::string n = std::to_string(i);
    // Long enough for a compressed inner list node.
    biglist.push_back("element-" + n + std::string(60, static_cast<char>('a' + i % 26)));
    bighash.push_back("field" + n);
    bighash.push_back(i % 3 == 0 ? n : "value" + n);
    bigset.push_back("member" + n);
    bigzset.push_back(std::to_string(i % 5) + "." + n);
    bigzset.push_back("m" + n);
  }
  for (auto* v : {&biglist, &bighash, &bigset, &bigzset}) out.push_back(*v);
  for (int i = 2; i <= 12; i++) {
    out.push_back({"XADD", "s1", std::to_string(i) + "-" + std::to_string(i % 3), "f",
                   "v" + std::to_string(i), "n", std::to_string(i)});
  }
  const std::vector<std::vector<std::string>> streams = {
      {"XGROUP", "CREATE", "s1", "g1", "0"},
      {"XGROUP", "CREATE", "s1", "g2", "$"},
      {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s1", ">"},
      {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s1", ">"},
      {"XACK", "s1", "g1", "2-2"},
      {"XDEL", "s1", "5-2"},
      {"XADD", "s2", "MAXLEN", "~", "10", "*", "a", "1"},
      {"XADD", "s2", "*", "b", "2"},
      {"XGROUP", "CREATE", "s2", "work", "0"},
      {"XGROUP", "SETPOLICY", "s2", "work", "ACK-TIMEOUT", "100", "MAX-DELIVERIES", "2"},
      {"XREADGROUP", "GROUP", "work", "w1", "STREAMS", "s2", ">"},
  };
  out.insert(out.end(), streams.begin(), streams.end());
  return out;
}

}  // namespace fuzz_support
