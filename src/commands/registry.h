// The command map: every command of every family, as the row sets the family files export.
// A command's row (name, arity, flags, keys, handler, docs) lives in the file named beside its
// row set below, next to its handler. The command table is built from CommandFamilies() alone.
#pragma once

#include <span>

#include "src/command_table.h"

namespace server {

// Every row set below.
std::span<const std::span<const CommandSpec>> CommandFamilies();

// connection/
std::span<const CommandSpec> ConnectionRows();   // connection.cc: PING ECHO HELLO AUTH SELECT
                                                 //   QUIT RESET READONLY READWRITE
std::span<const CommandSpec> ClientRows();       // client.cc: CLIENT and its subcommands
// server/
std::span<const CommandSpec> ServerAdminRows();  // admin.cc: DBSIZE FLUSHDB FLUSHALL TIME
                                                 //   LASTSAVE SHUTDOWN
std::span<const CommandSpec> CommandRows();      // command_docs.cc: COMMAND and subcommands
std::span<const CommandSpec> InfoRows();         // info.cc: INFO
std::span<const CommandSpec> ConfigRows();       // config_cmd.cc: CONFIG and subcommands
std::span<const CommandSpec> MemoryRows();       // memory_cmd.cc: MEMORY and subcommands
std::span<const CommandSpec> AofAdminRows();     // aof_admin.cc: BGREWRITEAOF
std::span<const CommandSpec> MonitorRows();      // monitor_cmd.cc: MONITOR
std::span<const CommandSpec> SlowlogRows();      // slowlog.cc: SLOWLOG and subcommands
std::span<const CommandSpec> LatencyRows();      // latency.cc: LATENCY and subcommands
// keys/
std::span<const CommandSpec> KeyRows();          // keys.cc: rows of every generic key command;
                                                 //   handlers in keys.cc, expire.cc, scan.cc,
                                                 //   object.cc
// strings/
std::span<const CommandSpec> StringRows();       // strings.cc: rows of every string command;
                                                 //   handlers in strings.cc, numeric.cc, range.cc
// sets/
std::span<const CommandSpec> SetRows();          // sets.cc: rows of every set command; handlers
                                                 //   in sets.cc, random.cc, algebra.cc
// hashes/
std::span<const CommandSpec> HashRows();         // hashes.cc: rows of every hash command;
                                                 //   handlers in hashes.cc, random_scan.cc,
                                                 //   field_expiry.cc, get_set_ex.cc
// transactions/
std::span<const CommandSpec> TransactionRows();  // transactions.cc: MULTI EXEC DISCARD WATCH
                                                 //   UNWATCH
// lists/
std::span<const CommandSpec> ListPushPopRows();   // push_pop.cc: LPUSH RPUSH LPUSHX RPUSHX LPOP
                                                  //   RPOP LLEN LMOVE RPOPLPUSH LMPOP
std::span<const CommandSpec> ListAccessRows();    // access.cc: LRANGE LINDEX LSET LREM LTRIM
                                                  //   LPOS LINSERT
std::span<const CommandSpec> ListBlockingRows();  // blocking.cc: BLPOP BRPOP BLMOVE BRPOPLPUSH
                                                  //   BLMPOP
// sortedsets/
std::span<const CommandSpec> SortedSetRows();    // sortedsets.cc: rows of every sorted-set
                                                 //   command; handlers in write.cc, read.cc,
                                                 //   range.cc
// sort/
std::span<const CommandSpec> PubSubRows();       // pubsub.cc: the subscribe family, PUBLISH
                                                 // SPUBLISH, PUBSUB
// scripting/
std::span<const CommandSpec> AclRows();
// replication/
std::span<const CommandSpec> ReplicationRows();  // replication.cc: REPLICAOF SLAVEOF REPLCONF
                                                 //   PSYNC SYNC ROLE
std::span<const CommandSpec> FunctionRows();     // function.cc: FUNCTION FCALL FCALL_RO
std::span<const CommandSpec> ScriptingRows();    // eval.cc: EVAL EVALSHA EVAL_RO EVALSHA_RO
                                                 //   SCRIPT and its subcommands
std::span<const CommandSpec> SortRows();         // sort.cc: SORT SORT_RO (rules in sort_rules.h)
// streams/
std::span<const CommandSpec> StreamRangeRows();      // range.cc: XLEN XRANGE XREVRANGE
std::span<const CommandSpec> StreamWriteRows();      // write.cc: XADD XDEL XDELEX XTRIM XSETID
std::span<const CommandSpec> StreamInfoRows();       // info.cc: XINFO
std::span<const CommandSpec> StreamReadRows();       // xread.cc: XREAD
std::span<const CommandSpec> StreamGroupRows();      // group.cc: XGROUP
std::span<const CommandSpec> StreamReadGroupRows();  // xreadgroup.cc: XREADGROUP
std::span<const CommandSpec> StreamAckRows();        // ack.cc: XACK XACKDEL XNACK
std::span<const CommandSpec> StreamPendingRows();    // pending.cc: XPENDING XCLAIM XAUTOCLAIM
std::span<const CommandSpec> StreamScheduleRows();   // schedule.cc: XSCHEDULE XSCHEDULED XUNSCHEDULE
std::span<const CommandSpec> StreamRetentionRows();  // retention.cc: XRETENTION (Runnel's)
std::span<const CommandSpec> StreamIdmpRows();       // idmp.cc: XCFGSET XIDMPRECORD
std::span<const CommandSpec> StreamRedriveRows();    // redrive.cc: XREDRIVE (Runnel's)
std::span<const CommandSpec> StreamLoadBlockRows();  // load_block.cc: RUNNEL.XLOADBLOCK (Runnel's)

}  // namespace server
