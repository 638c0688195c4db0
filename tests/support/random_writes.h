// One random mix of writes for the tests that rebuild a dataset and compare it with the
// original: the replay of what commands recorded for the AOF, and the rewrite's snapshot. It
// covers every stream and group command that records something (deliveries, claims, NACKs with
// and without DELAY, deletes and trims with reference modes, group position and consumers,
// delivery policies that redeliver and dead-letter), strings with TTLs, sets (SADD across
// every encoding, SREM, SPOP, SMOVE and the STORE forms), hashes with field TTLs in both
// encodings, lists (pushes, pops with counts, moves, removals, trims, sets and inserts), and
// sorted sets (adds, float increments, removals, pops, ZMPOP and ZRANGESTORE, through the
// skiplist threshold), and bitmaps (SETBIT, BITFIELD INCRBY with overflow, BITOP).
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace testing_support {

class RandomWrites {
 public:
  using Argv = std::vector<std::string>;

  explicit RandomWrites(uint32_t seed) : rng_(seed) {}

  // Groups g1 and g2 on streams s1 and s2, made with MKSTREAM: run these first (in each db).
  static std::vector<Argv> Setup() {
    std::vector<Argv> out;
    for (const char* k : {"s1", "s2"}) {
      for (const char* g : {"g1", "g2"}) out.push_back({"XGROUP", "CREATE", k, g, "$", "MKSTREAM"});
    }
    return out;
  }

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

  // The commands of step `step`. XADD uses step + 1 as its ms part, so the IDs named here are
  // mostly those of recent entries.
  std::vector<Argv> Step(int step) {
    const std::string k = Pick(2) ? "s1" : "s2";
    const std::string g = Pick(2) ? "g1" : "g2";
    const std::string c = std::string(1, static_cast<char>('a' + Pick(3)));
    const std::string l = "l" + Str(Pick(2));
    auto id = [&] { return Str(std::max(1, step - Pick(30))) + "-0"; };
    const std::string set = "set" + Str(Pick(3));
    const std::string set2 = "set" + Str(Pick(3));
    switch (Pick(34)) {
      case 0:
      case 1:
        return {{"XADD", k, "MAXLEN", "~", Str(5 + Pick(20)), Str(step + 1) + "-*", "f", Str(step)}};
      case 2:
        return {{"XREADGROUP", "GROUP", g, c, "COUNT", Str(1 + Pick(4)), "STREAMS", k, ">"}};
      case 3:
        return {{"XREADGROUP", "GROUP", g, c, "NOACK", "COUNT", "1", "STREAMS", k, ">"}};
      case 4:
        return {{"XREADGROUP", "GROUP", g, c, "COUNT", "3", "CLAIM", "0", "STREAMS", k, ">"}};
      case 5:
        return {{"XREADGROUP", "GROUP", g, c, "COUNT", "2", "STREAMS", k, Pick(2) ? "0" : id()}};
      case 6:
        return {{"XACK", k, g, id(), id()}};
      case 7:
        return {{"XCLAIM", k, g, c, "0", id(), id(), "JUSTID"}};
      case 8:
        return {{"XAUTOCLAIM", k, g, c, "0", "0", "COUNT", Str(1 + Pick(3))}};
      case 9:
        return {{"XNACK", k, g, Pick(2) ? "SILENT" : "FAIL", "IDS", "1", id()}};
      case 10:
        return {{"XNACK", k, g, "FAIL", "DELAY", Str(Pick(50)), "IDS", "1", id()}};
      case 11:
        return {{"XDEL", k, id()}};
      case 12:
        return {{"XTRIM", k, "MINID", "~", Str(step / 60) + "-0", Pick(2) ? "DELREF" : "KEEPREF"}};
      case 13:
        return {{"XTRIM", k, "MAXLEN", Str(Pick(12))}};
      case 14:
        return {{"XACKDEL", k, g, Pick(2) ? "ACKED" : "DELREF", "IDS", "1", id()}};
      case 15:
        return {{"SET", "str" + Str(Pick(5)), Str(step), "PX", Str(100000 + Pick(1000))},
                {"SET", "p" + Str(Pick(3)), Str(step)},
                {"INCRBYFLOAT", "f" + Str(Pick(3)), "0.25"},
                {"HSET", "h" + Str(Pick(3)), "f" + Str(Pick(40)),
                 Pick(10) == 0 ? std::string(70, 'v') : Str(step)},
                {"HINCRBYFLOAT", "h" + Str(Pick(3)), "n", "0.5"},
                {"HPEXPIRE", "h" + Str(Pick(3)), Str(100000 + Pick(1000)), "FIELDS", "2",
                 "f" + Str(Pick(40)), "n"},
                {"HDEL", "h" + Str(Pick(3)), "f" + Str(Pick(40))}};
      case 16:
        return {{"XGROUP", "SETID", k, g, Pick(2) ? "$" : id()}};
      case 17:
        return {{"XGROUP", Pick(2) ? "DELCONSUMER" : "CREATECONSUMER", k, g, c}};
      case 18:
        if (Pick(20) == 0) return {{"DEL", k}};
        return {};
      case 19:
        return {{"XGROUP", "SETPOLICY", k, g}};
      case 20:
        return {{"XGROUP", "SETPOLICY", k, g, "ACK-TIMEOUT", Str(Pick(1000)), "MAX-DELIVERIES",
                 Str(1 + Pick(5))}};
      case 22: {  // integers, short and long strings: every encoding and conversion
        Argv sadd = {"SADD", set};
        const int n = Pick(10) == 0 ? 140 : 1 + Pick(4);
        for (int i = 0; i < n; i++) {
          const int kind = Pick(8);
          sadd.push_back(kind == 0   ? std::string(70, static_cast<char>('a' + Pick(3)))
                         : kind < 3  ? "m" + Str(Pick(200))
                                     : Str(Pick(600)));
        }
        return {sadd, {"SREM", set, Str(Pick(600)), "m" + Str(Pick(200))}};
      }
      case 23:
        if (Pick(2)) return {{"SPOP", set}};
        return {{"SPOP", set, Str(Pick(6))}};
      case 24: {
        static const char* kOps[] = {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"};
        if (Pick(4) == 0) return {{"SMOVE", set, set2, Str(Pick(600))}};
        return {{kOps[Pick(3)], "set" + Str(Pick(4)), set, set2}};
      }
      case 25:
        return {{Pick(2) ? "RPUSH" : "LPUSH", l, Str(step), "v" + Str(Pick(4))}};
      case 26:
        return {{Pick(2) ? "LPOP" : "RPOP", l, Str(Pick(3))},
                {"LMOVE", l, "l" + Str(Pick(2)), Pick(2) ? "LEFT" : "RIGHT", "RIGHT"}};
      case 27:
        return {{"LREM", l, Str(Pick(3) - 1), "v" + Str(Pick(4))},
                {"LTRIM", l, Str(Pick(3)), Str(-1 - Pick(3))}};
      case 28:
        return {{"LSET", l, Str(Pick(2)), "set" + Str(step)},
                {"LINSERT", l, Pick(2) ? "BEFORE" : "AFTER", "v" + Str(Pick(4)), "ins"}};
      case 29:
        return {{"ZADD", "z" + Str(Pick(2)), Str(Pick(40)) + "." + Str(Pick(10)), "m" + Str(Pick(200))},
                {"ZINCRBY", "z" + Str(Pick(2)), "0.1", "m" + Str(Pick(200))}};
      case 30:
        return {{"ZREM", "z" + Str(Pick(2)), "m" + Str(Pick(200))},
                {"ZPOPMIN", "z" + Str(Pick(2)), Str(Pick(3))}};
      case 31: {
        if (Pick(3) == 0) {
          // Sorted-set algebra stored over a sorted set. (Not over the plain sets: their long
          // members would make a skiplist that keeps its encoding after they leave, which a
          // snapshot's ZADDs rebuild as a listpack.)
          static const char* kAggregates[] = {"SUM", "MIN", "MAX"};
          const std::string dst = "z" + Str(Pick(2));
          if (Pick(3) == 0) return {{"ZDIFFSTORE", dst, "2", "z" + Str(Pick(2)), "z2"}};
          return {{Pick(2) ? "ZUNIONSTORE" : "ZINTERSTORE", dst, "2", "z0", "z1",
                   "WEIGHTS", Str(Pick(3)) + ".5", Str(Pick(3)), "AGGREGATE",
                   kAggregates[Pick(3)]}};
        }
        return {{"ZMPOP", "2", "z0", "z1", Pick(2) ? "MIN" : "MAX", "COUNT", Str(1 + Pick(2))},
                {"ZRANGESTORE", "z" + Str(Pick(2)), "z" + Str(Pick(2)), "0", Str(Pick(300))}};
      }
      case 32:  // bitmaps: bits, integer fields with overflow, and a BITOP over them
        return {{"SETBIT", "bm" + Str(Pick(2)), Str(Pick(200)), Str(Pick(2))},
                {"BITFIELD", "bm" + Str(Pick(2)), "OVERFLOW", Pick(2) ? "SAT" : "WRAP", "INCRBY",
                 "i8", "#" + Str(Pick(8)), Str(Pick(300) - 150)},
                {"BITOP", Pick(2) ? "OR" : "XOR", "bm2", "bm0", "bm1"}};
      case 33: {  // SORT ... STORE from lists, sets and sorted sets, BY/GET through hashes
        const std::string dst = Pick(3) ? "sorted" + Str(Pick(2)) : l;
        return {{"SORT", l, "ALPHA", Pick(2) ? "DESC" : "ASC", "LIMIT", Str(Pick(3)),
                 Str(1 + Pick(6)), "STORE", dst},
                {"SORT", set, "BY", "nosort", "LIMIT", "0", Str(1 + Pick(8)), "STORE", dst},
                {"SORT", set, "BY", "h*->n", "GET", "#", "GET", "p*", "GET", "h*->f1", "STORE",
                 "sorted" + Str(Pick(2))},
                {"SORT", "z" + Str(Pick(2)), "BY", Pick(2) ? "nosort" : "str*", "DESC", "STORE",
                 dst}};
      }
      default:
        return {{"XGROUP", "SETPOLICY", k, g, "BACKOFF", Str(Pick(20)), Str(Pick(200)),
                 "MAX-DELIVERIES", Str(2 + Pick(4))}};
    }
  }

 private:
  static std::string Str(int64_t n) { return std::to_string(n); }

  std::mt19937 rng_;
};

}  // namespace testing_support
