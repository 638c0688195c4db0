// A replica's link to its primary: connects, does Redis's handshake (PING, AUTH, REPLCONF
// listening-port, REPLCONF capa eof capa psync2 capa runnel, PSYNC replid offset), takes a full
// sync's snapshot ($EOF:<mark> ... <mark>) whole before anything is replaced, then applies the
// primary's stream as a pseudo-client that gets no replies, answering REPLCONF GETACK and
// acknowledging its offset every second. Any failure closes the socket and retries a second
// later; a transfer cut short leaves the dataset as it was.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.h"
#include "src/client.h"
#include "src/server_state.h"

namespace server {

class ReplicaLinkHost {
 public:
  virtual uv_loop_t* loop() = 0;
  virtual ServerState& state() = 0;
  // The full sync's snapshot arrived whole: replace the dataset (and the AOF) with it. False
  // when it could not be loaded (the link then starts over).
  virtual bool LoadSyncPayload(std::string_view payload) = 0;
  // Bytes of the primary's stream just applied: into the backlog (advancing the offset) and on
  // to this node's own replicas.
  virtual void FeedStream(std::string_view bytes) = 0;
  virtual void ServeReadyKeys() = 0;

 protected:
  ~ReplicaLinkHost() = default;
};

class ReplicaLink {
 public:
  ReplicaLink(ReplicaLinkHost& host, uint64_t client_id);
  ~ReplicaLink();
  ReplicaLink(const ReplicaLink&) = delete;
  ReplicaLink& operator=(const ReplicaLink&) = delete;

  // Connects now when idle, retries a second after a failure, ACKs every second and drops a
  // link silent for repl-timeout.
  void Cron(int64_t now_ms);

 private:
  struct Socket;
  enum class Step { kPing, kAuth, kPort, kIp, kCapa, kPsync };

  void Connect();
  void OnConnected(int status);
  void OnRead(std::string_view data);
  void Fail(const std::string& why);
  void Send(const std::vector<std::string>& argv);
  void SendNextStep();
  // Handshake: one reply line per step. False when the link failed.
  bool HandleStepReply(std::string_view line);
  void HandleTransfer();
  void ApplyStream();
  void SendAck();

  ReplicaLinkHost& host_;
  Socket* socket_ = nullptr;  // freed by libuv's close callback
  Client master_;             // the pseudo-client the stream runs as
  std::vector<Step> steps_;
  size_t step_ = 0;
  std::string in_;            // bytes read and not yet used
  // Full sync: the id and offset +FULLRESYNC named, the EOF mark (or the length) and the
  // snapshot so far.
  std::string sync_replid_;
  uint64_t sync_offset_ = 0;
  std::string eof_mark_;
  int64_t bulk_left_ = -1;
  bool header_read_ = false;
  std::string payload_;
  resp::Parser parser_;
  int64_t retry_at_ms_ = 0;
  int64_t state_since_ms_ = 0;  // when the current state began (handshake/transfer timeout)
  int64_t last_ack_ms_ = 0;
};

}  // namespace server
