#include "src/replica_link.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "resp/strict_int.h"
#include "resp/writer.h"
#include "src/aof_writer.h"
#include "src/ascii.h"
#include "src/dispatch.h"
#include "src/log.h"
#include "src/transactions.h"

namespace server {

// The socket lives apart from the link: libuv frees it in its close callback, after the link
// may be gone; `owner` is cleared first so no callback reaches a dead link.
struct ReplicaLink::Socket {
  uv_tcp_t tcp;
  uv_connect_t connect;
  ReplicaLink* owner = nullptr;
  char buf[64 * 1024];
};

namespace {

struct LinkWrite {
  uv_write_t req;
  std::string data;
};

constexpr size_t kMarkLen = 40;

}  // namespace

ReplicaLink::ReplicaLink(ReplicaLinkHost& host, uint64_t client_id) : host_(host) {
  master_.id = client_id;
  master_.db_index = host.state().repl.applied_db;
  master_.is_master = true;
  master_.authenticated = true;
  master_.created_ms = master_.last_interaction_ms = WallClockMs();
  master_.addr = host.state().repl.master_host + ":" +
                 std::to_string(host.state().repl.master_port);
  host.state().repl.link = LinkState::kConnect;
}

ReplicaLink::~ReplicaLink() {
  if (socket_ != nullptr) {
    socket_->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&socket_->tcp),
             [](uv_handle_t* h) { delete static_cast<Socket*>(h->data); });
    socket_ = nullptr;
  }
  Replication& repl = host_.state().repl;
  if (repl.link == LinkState::kConnected) repl.link_down_since_ms = WallClockMs();
  repl.link = LinkState::kNone;
  repl.master_client = nullptr;
}

void ReplicaLink::Cron(int64_t now_ms) {
  Replication& repl = host_.state().repl;
  const int64_t timeout_ms = host_.state().config.repl_timeout * 1000;
  switch (repl.link) {
    case LinkState::kConnect:
      if (now_ms >= retry_at_ms_) Connect();
      return;
    case LinkState::kConnected:
      if (now_ms - repl.last_io_ms > timeout_ms) return Fail("MASTER timeout: no data nor PING received...");
      if (now_ms - last_ack_ms_ >= 1000) SendAck();
      return;
    default:
      if (now_ms - state_since_ms_ > timeout_ms) return Fail("Timeout connecting to the MASTER...");
      return;
  }
}

void ReplicaLink::Connect() {
  Replication& repl = host_.state().repl;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(repl.master_port);
  if (getaddrinfo(repl.master_host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return Fail("Unable to resolve the master's address " + repl.master_host);
  }
  Log(LogLevel::kNotice, "Connecting to MASTER " + repl.master_host + ":" + port);
  socket_ = new Socket();
  socket_->owner = this;
  uv_tcp_init(host_.loop(), &socket_->tcp);
  socket_->tcp.data = socket_;
  socket_->connect.data = socket_;
  const int rc = uv_tcp_connect(&socket_->connect, &socket_->tcp, found->ai_addr,
                                [](uv_connect_t* req, int status) {
                                  auto* s = static_cast<Socket*>(req->data);
                                  if (s->owner != nullptr) s->owner->OnConnected(status);
                                });
  freeaddrinfo(found);
  repl.link = LinkState::kConnecting;
  state_since_ms_ = WallClockMs();
  if (rc != 0) Fail(std::string("Error connecting to MASTER: ") + uv_strerror(rc));
}

void ReplicaLink::OnConnected(int status) {
  if (status < 0) return Fail(std::string("Error condition on socket for SYNC: ") + uv_strerror(status));
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync started");
  uv_tcp_nodelay(&socket_->tcp, 1);
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&socket_->tcp),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* s = static_cast<Socket*>(h->data);
        *buf = uv_buf_init(s->buf, sizeof(s->buf));
      },
      [](uv_stream_t* h, ssize_t n, const uv_buf_t* buf) {
        auto* s = static_cast<Socket*>(h->data);
        if (s->owner == nullptr || n == 0) return;
        if (n < 0) return s->owner->Fail("Connection with master lost.");
        s->owner->OnRead(std::string_view(buf->base, static_cast<size_t>(n)));
      });
  const Config& config = host_.state().config;
  steps_ = {Step::kPing};
  if (!config.masterauth.empty()) steps_.push_back(Step::kAuth);
  steps_.push_back(Step::kPort);
  if (!config.replica_announce_ip.empty()) steps_.push_back(Step::kIp);
  steps_.push_back(Step::kCapa);
  steps_.push_back(Step::kPsync);
  step_ = 0;
  in_.clear();
  host_.state().repl.link = LinkState::kHandshake;
  state_since_ms_ = WallClockMs();
  SendNextStep();
}

void ReplicaLink::Send(const std::vector<std::string>& argv) {
  if (socket_ == nullptr) return;
  auto* w = new LinkWrite();
  AppendMultibulk(w->data, argv);
  w->req.data = w;
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  const int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&socket_->tcp), &buf, 1,
                          [](uv_write_t* req, int) { delete static_cast<LinkWrite*>(req->data); });
  if (rc != 0) delete w;
}

void ReplicaLink::SendNextStep() {
  const ServerState& st = host_.state();
  const Config& config = st.config;
  switch (steps_[step_]) {
    case Step::kPing:
      return Send({"PING"});
    case Step::kAuth:
      if (!config.masteruser.empty()) return Send({"AUTH", config.masteruser, config.masterauth});
      return Send({"AUTH", config.masterauth});
    case Step::kPort: {
      const int64_t port = config.replica_announce_port > 0 ? config.replica_announce_port
                                                            : static_cast<int64_t>(st.tcp_port);
      return Send({"REPLCONF", "listening-port", std::to_string(port)});
    }
    case Step::kIp:
      return Send({"REPLCONF", "ip-address", config.replica_announce_ip});
    case Step::kCapa:
      return Send({"REPLCONF", "capa", "eof", "capa", "psync2", "capa", "runnel"});
    case Step::kPsync: {
      // Our own history (a former primary's, or the last primary's we followed): the primary
      // continues from it when it knows it.
      // A fresh node's own random id is unknown to any primary: that is a full sync.
      const Replication& repl = st.repl;
      return Send({"PSYNC", repl.replid, std::to_string(repl.offset + 1)});
    }
  }
}

bool ReplicaLink::HandleStepReply(std::string_view line) {
  const Step step = steps_[step_];
  const bool error = !line.empty() && line[0] == '-';
  switch (step) {
    case Step::kPing:
      // An error asking for AUTH still shows a live primary, as Redis takes it.
      if (error && !line.starts_with("-NOAUTH") && !line.starts_with("-NOPERM") &&
          !line.starts_with("-ERR operation not permitted")) {
        Fail("Error reply to PING from master: '" + std::string(line) + "'");
        return false;
      }
      break;
    case Step::kAuth:
      if (error) {
        Fail("Unable to AUTH to MASTER: " + std::string(line));
        return false;
      }
      break;
    case Step::kPort:
    case Step::kIp:
    case Step::kCapa:
      if (error) {
        Log(LogLevel::kNotice, "(Non critical) Master does not understand REPLCONF: " +
                                   std::string(line));
      }
      break;
    case Step::kPsync: {
      Replication& repl = host_.state().repl;
      if (line.starts_with("+FULLRESYNC ")) {
        const std::string_view rest = line.substr(12);
        const size_t space = rest.find(' ');
        int64_t offset = 0;
        if (space == std::string_view::npos || space != kMarkLen ||
            !resp::ParseStrictInt64(rest.substr(space + 1), offset) || offset < 0) {
          Fail("Bad +FULLRESYNC from master: '" + std::string(line) + "'");
          return false;
        }
        sync_replid_ = std::string(rest.substr(0, space));
        sync_offset_ = static_cast<uint64_t>(offset);
        Log(LogLevel::kNotice, "Full resync from master: " + sync_replid_ + ":" +
                                   std::to_string(offset));
        repl.link = LinkState::kTransfer;
        state_since_ms_ = WallClockMs();
        header_read_ = false;
        eof_mark_.clear();
        bulk_left_ = -1;
        payload_.clear();
        return true;
      }
      if (line.starts_with("+CONTINUE")) {
        std::string_view id = line.size() > 10 ? line.substr(10) : std::string_view();
        if (id.size() == kMarkLen && id != repl.replid) {
          // The primary's history continues ours under a new id (it was promoted).
          repl.ShiftReplid(std::string(id));
          Log(LogLevel::kNotice, "Master replication ID changed to " + repl.replid);
        }
        Log(LogLevel::kNotice, "Successful partial resynchronization with master.");
        repl.master_client = &master_;
        repl.read_offset = repl.offset;
        repl.link = LinkState::kConnected;
        repl.last_io_ms = WallClockMs();
        if (!repl.backlog.active()) {
          repl.backlog.Reset(static_cast<size_t>(host_.state().config.repl_backlog_size),
                             repl.offset);
        }
        parser_.Reset();
        return true;
      }
      Fail("Unexpected reply to PSYNC from master: " + std::string(line));
      return false;
    }
  }
  step_++;
  SendNextStep();
  return true;
}

void ReplicaLink::OnRead(std::string_view data) {
  Replication& repl = host_.state().repl;
  repl.last_io_ms = master_.last_interaction_ms = WallClockMs();
  in_.append(data);
  while (socket_ != nullptr) {
    if (repl.link == LinkState::kHandshake) {
      const size_t nl = in_.find("\r\n");
      if (nl == std::string::npos) return;
      const std::string line = in_.substr(0, nl);
      in_.erase(0, nl + 2);
      if (!HandleStepReply(line)) return;
      continue;
    }
    if (repl.link == LinkState::kTransfer) {
      HandleTransfer();
      if (repl.link == LinkState::kTransfer) return;
      continue;
    }
    if (repl.link == LinkState::kConnected) ApplyStream();
    return;
  }
}

void ReplicaLink::HandleTransfer() {
  if (!header_read_) {
    // A primary may send newlines while it prepares the snapshot: keep-alives.
    size_t skip = 0;
    while (skip < in_.size() && in_[skip] == '\n') skip++;
    in_.erase(0, skip);
    const size_t nl = in_.find("\r\n");
    if (nl == std::string::npos) return;
    const std::string header = in_.substr(0, nl);
    in_.erase(0, nl + 2);
    if (header.starts_with("$EOF:") && header.size() == 5 + kMarkLen) {
      eof_mark_ = header.substr(5);
    } else if (header.starts_with("$") && resp::ParseStrictInt64(header.substr(1), bulk_left_) &&
               bulk_left_ >= 0) {
    } else {
      return Fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + header +
                  "'), are you sure the host and port are right?");
    }
    header_read_ = true;
  }
  bool done = false;
  if (!eof_mark_.empty()) {
    const size_t before = payload_.size();
    payload_.append(in_);
    in_.clear();
    // The mark ends the payload (it may straddle two reads); what follows is the stream.
    const size_t at = payload_.find(eof_mark_, before > kMarkLen ? before - kMarkLen : 0);
    if (at != std::string::npos) {
      in_ = payload_.substr(at + kMarkLen);
      payload_.resize(at);
      done = true;
    }
  } else {
    const size_t take = std::min(in_.size(), static_cast<size_t>(bulk_left_));
    payload_.append(in_, 0, take);
    in_.erase(0, take);
    bulk_left_ -= static_cast<int64_t>(take);
    done = bulk_left_ == 0;
  }
  if (!done) return;
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Loading the snapshot (" +
                             std::to_string(payload_.size()) + " bytes)");
  Replication& repl = host_.state().repl;
  if (!host_.LoadSyncPayload(payload_)) {
    return Fail("Failed loading the snapshot from master");
  }
  std::string().swap(payload_);
  repl.replid = sync_replid_;
  repl.replid2 = std::string(40, '0');
  repl.second_offset = -1;
  repl.offset = sync_offset_;
  repl.read_offset = sync_offset_;
  // The AOF is now the snapshot, fsynced: that far of the new history is durable.
  repl.fsynced_offset = sync_offset_;
  repl.aof_marks.clear();
  repl.backlog.Reset(static_cast<size_t>(host_.state().config.repl_backlog_size), sync_offset_);
  repl.link = LinkState::kConnected;
  repl.master_client = &master_;
  repl.link_down_since_ms = -1;
  master_.db_index = 0;
  repl.applied_db = 0;
  DiscardTransaction(master_);
  parser_.Reset();
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Finished with success");
}

void ReplicaLink::ApplyStream() {
  ServerState& st = host_.state();
  Replication& repl = st.repl;
  std::string discard;
  size_t pos = 0;
  while (pos < in_.size() && socket_ != nullptr) {
    const std::string_view pending(in_.data() + pos, in_.size() - pos);
    const auto status = parser_.Parse(pending);
    if (status == resp::Parser::Status::kIncomplete) break;
    if (status == resp::Parser::Status::kError) {
      return Fail("Protocol error in the master's stream: " + parser_.error());
    }
    const size_t used = parser_.consumed();
    const auto& args = parser_.args();
    repl.read_offset += used;
    if (args.size() >= 2 && EqualsIgnoreCase(args[0], "replconf") &&
        EqualsIgnoreCase(args[1], "getack")) {
      SendAck();
    } else if (!args.empty()) {
      discard.clear();
      resp::Writer sink(discard, 2);
      Dispatch(st, master_, args, sink);
    }
    repl.applied_db = master_.db_index;
    host_.FeedStream(pending.substr(0, used));
    pos += used;
    parser_.Reset();
  }
  in_.erase(0, pos);
  if (st.blocking.HasReadyKeys()) host_.ServeReadyKeys();
}

void ReplicaLink::SendAck() {
  last_ack_ms_ = WallClockMs();
  const Replication& repl = host_.state().repl;
  Send({"REPLCONF", "ACK", std::to_string(repl.offset), "FACK",
        std::to_string(host_.state().aof ? repl.fsynced_offset : 0)});
}

void ReplicaLink::Fail(const std::string& why) {
  Log(LogLevel::kWarning, why);
  Replication& repl = host_.state().repl;
  repl.master_client = nullptr;
  if (repl.link == LinkState::kConnected) repl.link_down_since_ms = WallClockMs();
  if (socket_ != nullptr) {
    socket_->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&socket_->tcp),
             [](uv_handle_t* h) { delete static_cast<Socket*>(h->data); });
    socket_ = nullptr;
  }
  std::string().swap(payload_);
  in_.clear();
  parser_.Reset();
  DiscardTransaction(master_);
  repl.link = LinkState::kConnect;
  retry_at_ms_ = WallClockMs() + 1000;
}

}  // namespace server
