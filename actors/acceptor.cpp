#include "actors/acceptor.hpp"

#include "actors/client_match.hpp"
#include "actors/messages.hpp"
#include "actors/shard.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/message.hpp"

#include <optional>
#include <string>

namespace bras::actors {

namespace {

struct acceptor_state {
  static constexpr const char* name = "acceptor";
  acceptor_config cfg;
};

/// A peer's text for the log: printable ASCII, at most 64 characters.
std::string printable(std::string s) {
  if (s.size() > 64) s.resize(64);
  for (auto& c : s) c = c >= 0x20 && c < 0x7f && c != '"' ? c : '?';
  return s;
}

/// What the acceptor reads of a tunnel-0 control message.
struct tunnel_zero {
  l2tp::message_type type{};
  std::uint16_t assigned_tunnel_id = 0;
  bool known_client = false;        ///< an SCCRQ some tunnel-group client admits (source, Host Name)
  std::optional<std::string> host;  ///< the Host Name AVP (never hidden, RFC 2661 §4.4.3)
};

/// Reads a tunnel-0 control message, deciphering with the client's secret when
/// the peer hid its AVPs; nullopt unless it is an SCCRQ or a StopCCN.
std::optional<tunnel_zero> read_tunnel_zero(const config::l2tp_settings& l2tp, const datagram& d, wire::byte_span avps,
                                            std::size_t base) {
  tunnel_zero z;
  z.host = peek_host_name(avps);
  // A missing Host Name matches only a "*" client, as in the tunnel. Looked up only when needed: for
  // the secret of hidden AVPs, or to admit an SCCRQ (not for garbage or a StopCCN).
  std::optional<client_match> match;
  auto find = [&] {
    match = match_client(l2tp, l2tp.local_gateways[d.gateway].name, d.peer.address, z.host.value_or(""));
  };
  auto m = l2tp::decode_control(avps, base);
  if (!m) {
    if (!z.host) return std::nullopt;
    find();
    if (!match || match->client->secret.empty()) return std::nullopt;
    m = l2tp::decode_control(avps, base, l2tp::decode_options{match->client->secret});
    if (!m) return std::nullopt;
  }
  if (m->type != l2tp::message_type::sccrq && m->type != l2tp::message_type::stopccn) return std::nullopt;
  if (m->type == l2tp::message_type::sccrq && !match) find();
  z.type = m->type;
  z.assigned_tunnel_id = m->assigned_tunnel_id.value_or(0);
  z.known_client = match.has_value();
  return z;
}

acceptor_actor::behavior_type acceptor_behavior(acceptor_actor::stateful_pointer<acceptor_state> self,
                                                acceptor_config config) {
  self->state.cfg = std::move(config);
  return {
      [self](datagram& d) {
        const auto& cfg = self->state.cfg;
        auto p = l2tp::decode_packet(d.data);
        std::optional<tunnel_zero> z;
        if (p && p->hdr.control) z = read_tunnel_zero(*cfg.l2tp, d, p->payload, p->payload_offset);
        if (!z || z->assigned_tunnel_id == 0) {
          cfg.stats->rx_malformed.fetch_add(1);
          if (cfg.malformed_log->allow()) {
            cfg.log->warn("l2tp-tunnel-zero-dropped peer={} reason={}", d.peer.to_string(),
                          p ? "not an SCCRQ or StopCCN with an Assigned Tunnel ID" : std::string{p.err().reason});
          }
          return;
        }
        if (z->type == l2tp::message_type::sccrq && !z->known_client) {
          // No tunnel group would take it: refused here, silently (docs/operations.md, "Tunnel set-up
          // limits"), so a scan or a flood from elsewhere costs no tunnel ID, actor or reply.
          cfg.stats->rx_unknown_client.fetch_add(1);
          if (cfg.malformed_log->allow()) {
            cfg.log->warn("tunnel-refused reason=unknown-client peer={} host-name=\"{}\"", d.peer.to_string(),
                          printable(z->host.value_or("")));
          }
          return;
        }
        tunnel_key key{d.peer, z->assigned_tunnel_id};
        const auto index = shard_of(key, cfg.shards.size());
        const auto& shard = cfg.shards[index];
        cfg.shard_backlog[index].fetch_add(1, std::memory_order_relaxed);
        self->send(shard, incoming_sccrq{key, std::move(d), z->type == l2tp::message_type::stopccn});
      },
  };
}

}  // namespace

acceptor_actor spawn_acceptor(caf::actor_system& sys, acceptor_config cfg) {
  return sys.spawn(acceptor_behavior, std::move(cfg));
}

}  // namespace bras::actors
