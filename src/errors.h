// Every error text the server replies with, spelled exactly as Redis spells it, including the
// code prefix (ERR, WRONGTYPE, NOAUTH...). Texts with a variable part are built by the
// functions below so the fixed part still lives here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace server::err {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kIncrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIncrFloatNanOrInf =
    "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
// ACL (Redis 7.2's wording, which names the user for a command).
inline constexpr std::string_view kNoPermKey = "NOPERM No permissions to access a key";
inline constexpr std::string_view kNoPermChannel = "NOPERM No permissions to access a channel";
std::string NoPermCommand(std::string_view user, std::string_view command);
inline constexpr std::string_view kScriptNoPermCommand =
    "ERR The user executing the script can't run this command or subcommand";
inline constexpr std::string_view kScriptNoPermKey =
    "ERR The user executing the script can't access at least one of the keys mentioned in the "
    "command arguments";
inline constexpr std::string_view kScriptNoPermChannel =
    "ERR The user executing the script can't publish to the channel mentioned in the command";
inline constexpr std::string_view kAclNoSuchUserPrefix = "ERR User '";
inline constexpr std::string_view kAclDeleteDefault = "ERR The 'default' user cannot be removed";
inline constexpr std::string_view kAclNoFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
// Replication (Redis 7.0's texts; the last one is Runnel's).
inline constexpr std::string_view kReadOnlyReplica =
    "READONLY You can't write against a read only replica.";
inline constexpr std::string_view kMasterDown =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr std::string_view kNoMasterLink =
    "NOMASTERLINK Can't SYNC while not connected with my master";
inline constexpr std::string_view kInvalidMasterPort = "ERR Invalid master port";
inline constexpr std::string_view kNotInMulti = "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kNoReplicas = "NOREPLICAS Not enough good replicas to write.";
inline constexpr std::string_view kWaitFromReplica =
    "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if "
    "a replica is configured to be writable (which is not the default) writes to replicas are "
    "just local and are not propagated.";
inline constexpr std::string_view kWaitAofFromReplica =
    "ERR WAITAOF cannot be used with replica instances. Please also note that writes to "
    "replicas are just local and are not propagated.";
inline constexpr std::string_view kWaitAofNoAof =
    "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";
inline constexpr std::string_view kNotRunnelReplica =
    "ERR this primary is Runnel: its full sync payload is an AOF snapshot that only a Runnel "
    "replica can load (a Redis replica would read it as a corrupt RDB)";
// Protected mode's refusal, written whole at accept (Redis 7.0's text, its typo included).
inline constexpr std::string_view kProtectedMode =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need to "
    "do one of the above things in order for the server to start accepting connections from "
    "the outside.\r\n";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
// EXEC itself rejected (arity, NOAUTH): this prefix, then the error without its "ERR ".
inline constexpr std::string_view kExecAbortBecause =
    "EXECABORT Transaction discarded because of: ";
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
// Bitmaps and BITFIELD (observed on redis-server 7.0.15).
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitPosBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitOpNot = "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
inline constexpr std::string_view kBitfieldOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldRoGetOnly = "ERR BITFIELD_RO only supports the GET subcommand";
// LCS (observed on redis-server 7.0.15).
inline constexpr std::string_view kLcsNotStrings =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooBig =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kTimeoutNotInteger =
    "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
// CLIENT PAUSE / UNBLOCK.
inline constexpr std::string_view kPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";
inline constexpr std::string_view kUnblockReason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
inline constexpr std::string_view kUnblockedByClient =
    "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
// Writes are refused while the AOF cannot be written (everysec/no; with always the server
// exits instead); the OS's error text follows.
inline constexpr std::string_view kMisconfAofPrefix = "MISCONF Errors writing to the AOF file: ";
inline constexpr std::string_view kInvalidCommandSpecified = "ERR Invalid command specified";
inline constexpr std::string_view kInvalidArgumentCount =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kNoKeyArguments = "ERR The command has no key arguments";
inline constexpr std::string_view kInvalidArguments = "ERR Invalid arguments specified for command";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
inline constexpr std::string_view kClientNameInvalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kProtocolVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
    "protocol version at the same time";
inline constexpr std::string_view kClusterDisabled =
    "ERR This instance has cluster support disabled";
// OBJECT IDLETIME / FREQ under the other kind of maxmemory policy.
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";

// Strings and generic key commands.
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kExpireNxAndOthers =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtAndLt =
    "ERR GT and LT options at the same time are not compatible";
// An argument Redis reads as a C int (COPY ... DB n) that does not fit one.
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

// Hashes.
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kIncrNanOrInfinity = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
inline constexpr std::string_view kCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
// Field expiry (Redis 7.4) and HGETDEL/HGETEX/HSETEX (Redis 8.0).
inline constexpr std::string_view kFieldsMissing =
    "ERR Mandatory argument FIELDS is missing or not at the right position";
inline constexpr std::string_view kFieldsKeywordMissing =
    "ERR Mandatory keyword FIELDS is missing or not at the right position";
inline constexpr std::string_view kNumFieldsNotPositive =
    "ERR Parameter `numFields` should be greater than 0";
inline constexpr std::string_view kNumFieldsMismatch =
    "ERR The `numfields` parameter must match the number of arguments";
inline constexpr std::string_view kNumFieldsTooMany =
    "ERR Parameter `numFields` is more than number of arguments";
inline constexpr std::string_view kFieldExpireNegative = "ERR invalid expire time, must be >= 0";
inline constexpr std::string_view kHGetExOneExpiry =
    "ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified";
inline constexpr std::string_view kHSetExOneExpiry =
    "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified";
inline constexpr std::string_view kHSetExOneCondition =
    "ERR Only one of FNX or FXX arguments can be specified";

// Scripting.
inline constexpr std::string_view kNumKeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kNumKeysTooMany =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kNoScriptSha = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kScriptFlushMode =
    "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kScriptWriteFlagRo =
    "ERR Can not execute a script with write flag using *_ro command.";
inline constexpr std::string_view kInvalidScriptShebang = "ERR Invalid script shebang";
inline std::string UnexpectedShebangEngine(std::string_view token) {
  return "ERR Unexpected engine in script shebang: " + std::string(token);
}
inline std::string UnexpectedShebangFlag(std::string_view flag) {
  return "ERR Unexpected flag in script shebang: " + std::string(flag);
}
inline std::string UnknownShebangOption(std::string_view option) {
  return "ERR Unknown lua shebang option: " + std::string(option);
}

// XSCHEDULE / XUNSCHEDULE (Runnel's).
inline constexpr std::string_view kScheduleNeedsTime = "ERR XSCHEDULE needs DELAY ms or AT unix-ms";
inline constexpr std::string_view kScheduleTimeInvalid =
    "ERR the delay or due time must be a non-negative integer of milliseconds";
inline constexpr std::string_view kScheduleHandleInvalid =
    "ERR a schedule handle must be a positive integer";
inline constexpr std::string_view kScheduleHandleTaken = "ERR the schedule handle is taken";

// XRETENTION (Runnel's).
inline constexpr std::string_view kRetentionMaxAge =
    "ERR max-age-ms must be a non-negative integer or DEFAULT";

// Functions (FUNCTION, FCALL).
inline constexpr std::string_view kMissingLibraryMetadata = "ERR Missing library metadata";
inline constexpr std::string_view kInvalidLibraryMetadata = "ERR Invalid library metadata";
inline constexpr std::string_view kLibraryNameMissing = "ERR Library name was not given";
inline constexpr std::string_view kLibraryNameTwice =
    "ERR Invalid metadata value, name argument was given multiple times";
inline constexpr std::string_view kLibraryNameInvalid =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
    "least one character long";
inline std::string LibraryEngineNotFound(std::string_view engine) {
  return "ERR Engine '" + std::string(engine) + "' not found";
}
inline std::string InvalidLibraryMetadataValue(std::string_view option) {
  return "ERR Invalid metadata value given: " + std::string(option);
}
inline std::string LibraryExists(std::string_view name, bool quoted) {
  // FUNCTION LOAD quotes the name, FUNCTION RESTORE does not (as Redis words them).
  return quoted ? "ERR Library '" + std::string(name) + "' already exists"
                : "ERR Library " + std::string(name) + " already exists";
}
inline std::string FunctionExists(std::string_view name) {
  return "ERR Function " + std::string(name) + " already exists";
}
inline constexpr std::string_view kNoFunctionsRegistered = "ERR No functions registered";
inline constexpr std::string_view kLibraryNotFound = "ERR Library not found";
inline constexpr std::string_view kFunctionNotFound = "ERR Function not found";
inline constexpr std::string_view kFcallNumKeysNotInteger = "ERR Bad number of keys provided";
inline constexpr std::string_view kFunctionFlushMode =
    "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
inline constexpr std::string_view kFunctionRestorePolicy =
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
inline constexpr std::string_view kFunctionPayloadBad =
    "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kFunctionPayloadNotFunction = "ERR given type is not a function";
inline constexpr std::string_view kFunctionPayloadTruncated = "ERR Failed loading library payload";
inline constexpr std::string_view kLibraryNameArgMissing = "ERR library name argument was not given";
inline std::string FunctionListUnknownArg(std::string_view arg) {
  return "ERR Unknown argument " + std::string(arg);
}

// CLIENT TRACKING / CACHING.
inline constexpr std::string_view kTrackingPrefixNeedsBcast =
    "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr std::string_view kTrackingBcastSwitch =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
    "re-enabling it with a different mode.";
inline constexpr std::string_view kTrackingOptBcast =
    "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr std::string_view kTrackingOptInAndOut =
    "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr std::string_view kTrackingOptSwitch =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
    "re-enabling it with a different mode.";
inline constexpr std::string_view kTrackingNoRedirectTarget =
    "ERR The client ID you want redirect to does not exist";
inline constexpr std::string_view kTrackingOneRedirect =
    "ERR A client can only redirect to a single other client";
inline constexpr std::string_view kCachingNeedsOptMode =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
    "OPTOUT mode enabled";
inline constexpr std::string_view kCachingYesNeedsOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr std::string_view kCachingNoNeedsOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "ERR wrong number of arguments for 'get' command" (name is lower-cased, "client|setname")
std::string WrongArity(std::string_view full_name);
// A RESP2 client in subscribed mode sent another command ("get", "pubsub|numsub").
std::string NotInSubscribedContext(std::string_view full_name);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view container);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpireTime(std::string_view command);
// "ERR Protocol error: invalid bulk length": resp::Parser's message, as the reply to a
// malformed request.
std::string ProtocolError(std::string_view parser_message);
// EXPIRE's unknown option, as given: "ERR Unsupported option FOO"
std::string UnsupportedOption(std::string_view option);
// "ERR Syntax error in HELLO option 'foo'"
std::string HelloSyntax(std::string_view option);
// CLIENT LIST / KILL TYPE: "ERR Unknown client type 'foo'"
std::string UnknownClientType(std::string_view type);
// CLIENT SETINFO: "ERR Unrecognized option 'foo'"
std::string UnrecognizedOption(std::string_view option);
// CLIENT SETINFO with a bad value, the attribute as given: "ERR lib-name cannot contain
// spaces, newlines or special characters."
std::string ClientInfoInvalid(std::string_view attribute);
// CLIENT TRACKING BCAST: "ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a
// single client must not overlap." (`existing`: one the client has, else one given with it).
std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other,
                                  bool existing);
// CLIENT KILL USER: "ERR No such user 'foo'"
std::string NoSuchUser(std::string_view user);
// "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
std::string ConfigSetUnknownOption(std::string_view name);
// "ERR CONFIG SET failed (possibly related to argument 'foo') - <reason>"
std::string ConfigSetFailed(std::string_view name, std::string_view reason);
// ConfigSetFailed's reason when the new tls-* settings build no TLS context (the log says why).
inline constexpr std::string_view kTlsConfigFailed =
    "Unable to update TLS configuration. Check server logs.";
// ConfigSetFailed's reason when CONFIG SET maxclients asks for more clients than the process
// may open files for: "The operating system is not able to handle the specified number of
// clients, try with <fits>"
std::string MaxClientsUnsupported(int64_t fits);
// "ERR Rewriting config file: <strerror text>"
std::string ConfigRewriteFailed(std::string_view reason);
// XINFO STREAM with options it does not take, the subcommand as given:
// "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."
std::string XInfoSyntax(std::string_view subcommand);
// The same for any container ("... for 'CHANNELS'. Try PUBSUB HELP.").
std::string SubcommandSyntax(std::string_view subcommand, std::string_view container);


// Streams (texts observed on redis-server 7.0.15).
inline constexpr std::string_view kInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kInvalidRangeStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kInvalidRangeEnd = "ERR invalid end ID for the interval";
inline constexpr std::string_view kXAddZeroId =
    "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr std::string_view kXAddNotGreater =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr std::string_view kXAddElementsTooLarge = "ERR Elements are too large to be stored";
inline constexpr std::string_view kStreamExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr std::string_view kMaxLenAndMinId =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr std::string_view kMaxLenNegative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr std::string_view kLimitNegative = "ERR The LIMIT argument must be >= 0.";
inline constexpr std::string_view kLimitWithoutStrategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr std::string_view kLimitWithoutApprox =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr std::string_view kXTrimNoStrategy =
    "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr std::string_view kXSetIdSmallerThanMaxDeleted =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr std::string_view kXSetIdSmallerThanTop =
    "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr std::string_view kXSetIdEntriesAddedTooSmall =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";
inline constexpr std::string_view kEntriesAddedNegative = "ERR entries_added must be positive";
// XCFGSET (8.6; the Redis documentation's texts). XADD's IDMP/IDMPAUTO misuse (twice, both, with
// an explicit ID, an empty id) is kSyntax, the only XADD error the documentation names for it.
inline constexpr std::string_view kIdmpInvalidDuration = "ERR invalid duration";
inline constexpr std::string_view kIdmpInvalidMaxSize = "ERR invalid maxsize";
// XIDMPRECORD (8.8, internal): the documentation names the cases, not the texts; Runnel's.
inline constexpr std::string_view kIdmpRecordEmptyId =
    "ERR XIDMPRECORD producer id and idempotent id must not be empty";
inline constexpr std::string_view kIdmpRecordNoEntry =
    "ERR XIDMPRECORD stream ID does not refer to an existing entry";
inline constexpr std::string_view kIdmpRecordConflict =
    "ERR XIDMPRECORD producer id and idempotent id already map to another stream ID";
// RUNNEL.XLOADBLOCK (Runnel's, the AOF snapshot's compact stream form). The invalid-block
// text is followed by the rule the payload broke (streams::ImportedBlock::error).
inline constexpr std::string_view kStreamBlockInvalid = "ERR RUNNEL.XLOADBLOCK invalid block: ";
inline constexpr std::string_view kStreamBlockNotGreater =
    "ERR RUNNEL.XLOADBLOCK the block's first ID is equal or smaller than the target stream top "
    "item";
// XDELEX / XACKDEL (8.2; from the Redis documentation and its test suite).
inline constexpr std::string_view kNumIdsNotPositive = "ERR Number of IDs must be a positive integer";
inline constexpr std::string_view kNumIdsMismatch =
    "ERR The `numids` parameter must match the number of arguments";
// XPENDING, XCLAIM, XAUTOCLAIM (texts observed on redis-server 7.0.15); XNACK too.
// "NOGROUP No such key 's' or consumer group 'g'"
inline std::string NoSuchKeyOrGroup(std::string_view key, std::string_view group) {
  std::string text = "NOGROUP No such key '";
  text.append(key).append("' or consumer group '").append(group).append("'");
  return text;
}
inline constexpr std::string_view kXClaimMinIdleInvalid =
    "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr std::string_view kXClaimIdleInvalid = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr std::string_view kXClaimTimeInvalid = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr std::string_view kXClaimRetryCountInvalid =
    "ERR Invalid RETRYCOUNT option argument for XCLAIM";
// "ERR Unrecognized XCLAIM option 'FOO'" (the option as given).
inline std::string XClaimUnrecognizedOption(std::string_view opt) {
  std::string text = "ERR Unrecognized XCLAIM option '";
  text.append(opt).append("'");
  return text;
}
inline constexpr std::string_view kXAutoClaimMinIdleInvalid =
    "ERR Invalid min-idle-time argument for XAUTOCLAIM";
inline constexpr std::string_view kXAutoClaimCountInvalid = "ERR COUNT must be > 0";
// XNACK (8.8; from the Redis test suite, which matches some only by prefix: the parts after
// "option" and "integer" are ours, in XCLAIM's style).
inline constexpr std::string_view kXNackBadMode = "ERR mode must be SILENT, FAIL, or FATAL";
inline constexpr std::string_view kXNackExpectedIds = "ERR syntax error, expected IDS keyword";
inline constexpr std::string_view kXNackNumIdsInvalid = "ERR numids must be a positive integer";
inline constexpr std::string_view kXNackNumIdsMismatch = "ERR number of IDs doesn't match numids";
inline constexpr std::string_view kXNackRetryCountNegative =
    "ERR Invalid RETRYCOUNT value, must be >= 0";
// XGROUP SETCOUNTERS (Runnel's).
inline constexpr std::string_view kSetCountersNegative = "ERR counters must be >= 0";
// XNACK DELAY / DUE-AT (Runnel's options; in RETRYCOUNT's style).
inline constexpr std::string_view kXNackDelayNegative = "ERR Invalid DELAY value, must be >= 0";
inline constexpr std::string_view kXNackDueAtNegative = "ERR Invalid DUE-AT value, must be >= 0";
inline constexpr std::string_view kXNackDelayExclusive =
    "ERR DELAY and DUE-AT cannot be used together";
// "ERR Unrecognized XNACK option 'FOO'"
inline std::string XNackUnrecognizedOption(std::string_view opt) {
  std::string text = "ERR Unrecognized XNACK option '";
  text.append(opt).append("'");
  return text;
}
// XINFO STREAM with options it does not take; the subcommand is echoed as given:
// "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."
inline constexpr std::string_view kXInfoSyntaxPrefix =
    "ERR unknown subcommand or wrong number of arguments for '";
inline constexpr std::string_view kXInfoSyntaxSuffix = "'. Try XINFO HELP.";
// The unbalanced STREAMS list, as newer Redis words it (7.0 said "XREAD" and "an ID or '$'" for
// both commands; 7.2 named the command, 7.4 added XREAD's "+").
inline constexpr std::string_view kXReadUnbalanced =
    "ERR Unbalanced 'xread' list of streams: for each stream key an ID, '+', or '$' must be "
    "specified.";
inline constexpr std::string_view kXReadGroupUnbalanced =
    "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be "
    "specified.";
// XREAD / XREADGROUP MAXCOUNT and MAXSIZE (Redis 8.10). Debian's 7.0 lacks them and the
// Redis documentation does not quote these errors: the texts are ours, in Redis's style.
inline constexpr std::string_view kXReadMaxCountNotPositive =
    "ERR MAXCOUNT must be a positive integer";
inline constexpr std::string_view kXReadMaxSizeNotPositive = "ERR MAXSIZE must be a positive integer";
inline constexpr std::string_view kXReadMaxCountBelowCount =
    "ERR MAXCOUNT must be greater than or equal to COUNT";
inline constexpr std::string_view kXReadGreaterId =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";
// XREADGROUP (texts observed on redis-server 7.0.15, except where said).
inline constexpr std::string_view kXReadGroupMissingGroup = "ERR Missing GROUP option for XREADGROUP";
inline constexpr std::string_view kXReadGroupDollarId =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would "
    "just return an empty result set.";
// 7.4 rejects "+" (XREAD's last entry) the same way; 7.0 called it an invalid ID.
inline constexpr std::string_view kXReadGroupPlusId =
    "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would "
    "just return an empty result set.";
// XREADGROUP CLAIM (8.4; from the Redis test suite, 7.0 lacks the option).
inline constexpr std::string_view kClaimMinIdleNotInteger = "ERR min-idle-time is not an integer";
inline constexpr std::string_view kClaimMinIdleNegative =
    "ERR min-idle-time must be a positive integer";
// "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option"
inline std::string NoGroupInXReadGroup(std::string_view key, std::string_view group) {
  std::string text = "NOGROUP No such key '";
  text.append(key).append("' or consumer group '").append(group);
  text.append("' in XREADGROUP with GROUP option");
  return text;
}
// XGROUP (texts observed on redis-server 7.0.15).
inline constexpr std::string_view kXGroupKeyMissing =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
inline constexpr std::string_view kBusyGroup = "BUSYGROUP Consumer Group name already exists";
inline constexpr std::string_view kEntriesReadInvalid =
    "ERR value for ENTRIESREAD must be positive or -1";
// XGROUP CREATE / SETID with options they do not take, after kXInfoSyntaxPrefix and the
// subcommand as given: "ERR unknown subcommand or wrong number of arguments for 'CREATE'. ..."
inline constexpr std::string_view kXGroupSyntaxSuffix = "'. Try XGROUP HELP.";
// XGROUP SETPOLICY (Runnel's delivery policy; the texts are ours, in Redis's style).
inline constexpr std::string_view kPolicyAckTimeoutNegative = "ERR ACK-TIMEOUT must be >= 0";
inline constexpr std::string_view kPolicyBackoffNotPositive = "ERR BACKOFF values must be > 0";
inline constexpr std::string_view kPolicyBackoffExpInvalid =
    "ERR BACKOFF-EXP base must be > 0 and max must be >= base";
inline constexpr std::string_view kPolicyBackoffExclusive =
    "ERR BACKOFF and BACKOFF-EXP cannot be used together";
inline constexpr std::string_view kPolicyMaxDeliveriesInvalid = "ERR MAX-DELIVERIES must be >= 1";
inline constexpr std::string_view kPolicyDeadLetterIsSource =
    "ERR DEAD-LETTER key must not be the stream itself";
inline constexpr std::string_view kPolicyDeadLetterEmpty = "ERR DEAD-LETTER key must not be empty";
inline constexpr std::string_view kAofRewriteInProgress =
    "ERR Background append only file rewriting already in progress";
// Sets. (The other multi-key commands with a numkeys argument, e.g. ZINTERCARD, share the
// first two texts.)
// SORT: an element (or its BY value) that is not a number, without ALPHA.
inline constexpr std::string_view kSortScoreNotDouble =
    "ERR One or more scores can't be converted into double";
inline constexpr std::string_view kNumKeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kNumKeysOverArgs =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitCantBeNegative = "ERR LIMIT can't be negative";
// SPOP's count (a non-integer reads the same).
inline constexpr std::string_view kOutOfRangeMustBePositive =
    "ERR value is out of range, must be positive";
// SRANDMEMBER's count: LONG_MIN is refused, as its absolute value does not fit.
inline constexpr std::string_view kSRandMemberCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
// "NOGROUP No such consumer group 'g' for key name 's'" (XGROUP SETID, CREATECONSUMER,
// DELCONSUMER; XINFO CONSUMERS).
inline std::string NoGroupForKey(std::string_view group, std::string_view key) {
  std::string text = "NOGROUP No such consumer group '";
  text.append(group).append("' for key name '").append(key).append("'");
  return text;
}
// Lists.
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";
inline constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
// 7.2's refusal of RANK -2^63 (7.0 overflows on it).
inline constexpr std::string_view kRankOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
inline constexpr std::string_view kLposCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kLposMaxlenNegative = "ERR MAXLEN can't be negative";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
// Sorted sets.
inline constexpr std::string_view kZAddXxNx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPair =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kZScoreNaN = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kZMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kZLexRange = "ERR min or max not valid string range item";
inline constexpr std::string_view kZLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZWithScoresByLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kOutOfRangePositive =
    "ERR value is out of range, must be positive";
inline constexpr std::string_view kNumKeysPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountPositive = "ERR count should be greater than 0";
inline constexpr std::string_view kZWeightNotFloat = "ERR weight value is not a float";
// ZUNION ZINTER ZDIFF (and STORE forms) ZINTERCARD with numkeys < 1.
std::string ZInputKeyNeeded(std::string_view command);

// MONITOR.
inline constexpr std::string_view kMonitorDenyBlocking =
    "ERR MONITOR isn't allowed for DENY BLOCKING client";
// A command that reads or writes keys, sent by a MONITOR client or an attached replica.
inline constexpr std::string_view kReplicaKeyspace = "ERR Replica can't interact with the keyspace";

// SLOWLOG and LATENCY (texts observed on redis-server 7.0.15).
inline constexpr std::string_view kSlowlogCount =
    "ERR count should be greater than or equal to -1";
// LATENCY GRAPH of an event with no samples: "ERR No samples available for event 'command'"
inline std::string LatencyNoSamples(std::string_view event) {
  std::string text = "ERR No samples available for event '";
  text.append(event).append("'");
  return text;
}
}  // namespace server::err
