#include "src/client_info.h"

#include <algorithm>

#include "src/ascii.h"
#include "src/pubsub.h"

namespace server {

namespace {

// The "cmd=" field: the caller is running this very subcommand; for other clients we only
// know the name they last sent.
std::string CommandField(const CurrentCommand& current, const Client& c) {
  if (&c == current.client && !current.cmd.empty()) return std::string(current.cmd);
  return c.last_command == "NULL" ? c.last_command : AsciiLower(c.last_command);
}

std::string FlagsField(const ServerState& state, const Client& c) {
  std::string flags;
  if (c.monitor) flags += 'O';
  if (c.is_replica) flags += 'S';
  if (c.is_master) flags += 'M';
  if (c.subscriptions > 0) flags += 'P';
  if (c.in_multi) flags += 'x';
  if (c.blocked || c.postponed) flags += 'b';
  if (c.tracking.on) flags += 't';
  if (c.tracking.broken_redirect) flags += 'R';
  if (c.tracking.bcast) flags += 'B';
  if (c.watch_dirty) flags += 'd';
  if (c.close_after_reply) flags += 'c';
  // CLIENT KILL of another client: closed once this turn of the loop ends (Redis's "ASAP").
  if (std::find(state.clients_to_close.begin(), state.clients_to_close.end(), c.id) !=
      state.clients_to_close.end()) {
    flags += 'A';
  }
  if (c.no_evict) flags += 'e';
  if (c.no_touch) flags += 'T';
  return flags.empty() ? "N" : flags;
}

}  // namespace

std::string ClientListLine(ServerState& state, const Client& c, int64_t now_ms,
                           const CurrentCommand& current) {
  const size_t argv_mem = &c == current.client ? current.argv_mem : 0;
  const size_t multi_mem = c.multi_mem;
  const size_t tot_mem = ClientMemory(c) + argv_mem;
  auto n = [](auto v) { return std::to_string(v); };
  std::string line;
  line.reserve(320);
  line += "id=" + n(c.id);
  line += " addr=" + c.addr;
  line += " laddr=" + c.laddr;
  line += " fd=" + n(c.fd);
  line += " name=" + c.name;
  line += " age=" + n((now_ms - c.created_ms) / 1000);
  line += " idle=" + n(std::max<int64_t>(0, now_ms - c.last_interaction_ms) / 1000);
  line += " flags=" + FlagsField(state, c);
  line += " db=" + n(c.db_index);
  const PubSub& ps = state.pubsub;
  line += " sub=" + n(ps.KindCount(PubSub::Kind::kChannel, c.id));
  line += " psub=" + n(ps.KindCount(PubSub::Kind::kPattern, c.id));
  line += " ssub=" + n(ps.KindCount(PubSub::Kind::kShard, c.id));
  line += " multi=" + (c.in_multi ? n(c.multi_queue.size()) : std::string("-1"));
  line += " watch=" + n(c.watched.size());
  line += " qbuf=" + n(c.query_buffer_size);
  line += " qbuf-free=" + n(c.query_buffer_free);
  line += " argv-mem=" + n(argv_mem);
  line += " multi-mem=" + n(multi_mem);
  line += " rbs=" + n(c.read_buffer_size);
  line += " rbp=" + n(c.read_buffer_peak);
  line += " obl=" + n(c.output_first_block);
  line += " oll=" + n(c.output_more_blocks);
  line += " omem=" + n(c.output_buffer_size);
  line += " tot-mem=" + n(tot_mem);
  line += " events=";
  if (c.reading) line += 'r';
  if (c.writing) line += 'w';
  line += " cmd=" + CommandField(current, c);
  line += " user=" + state.UserOf(c).name + " redir=" +
          (c.tracking.on ? n(c.tracking.redirect) : std::string("-1"));
  line += " resp=" + n(c.protocol);
  line += " lib-name=" + c.lib_name;
  line += " lib-ver=" + c.lib_ver;
  // Redis 8's: the I/O thread serving the client (we have one, the main one, 0).
  line += " io-thread=0";
  line += "\n";
  return line;
}


}  // namespace server
