#include "actors/acceptor.hpp"

#include "actors/client_match.hpp"
#include "actors/messages.hpp"
#include "actors/shard.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/message.hpp"

namespace bras::actors {

namespace {

struct acceptor_state {
  static constexpr const char* name = "acceptor";
  acceptor_config cfg;
};

/// The Assigned Tunnel ID of a tunnel-0 control message, deciphering with the
/// client's secret when the peer hid it.
std::optional<std::uint16_t> assigned_tunnel_id(const config::l2tp_settings& l2tp, const datagram& d,
                                                wire::byte_span avps, std::size_t base) {
  auto m = l2tp::decode_control(avps, base);
  if (!m) {
    auto host = peek_host_name(avps);
    if (!host) return std::nullopt;
    const auto& gw = l2tp.local_gateways[d.gateway];
    auto match = match_client(l2tp, gw.name, d.peer.address, *host);
    if (!match || match->client->secret.empty()) return std::nullopt;
    m = l2tp::decode_control(avps, base, l2tp::decode_options{match->client->secret});
    if (!m) return std::nullopt;
  }
  if (m->type != l2tp::message_type::sccrq && m->type != l2tp::message_type::stopccn) return std::nullopt;
  return m->assigned_tunnel_id;
}

acceptor_actor::behavior_type acceptor_behavior(acceptor_actor::stateful_pointer<acceptor_state> self,
                                                acceptor_config config) {
  self->state.cfg = std::move(config);
  return {
      [self](datagram& d) {
        const auto& cfg = self->state.cfg;
        auto p = l2tp::decode_packet(d.data);
        std::optional<std::uint16_t> peer_tid;
        if (p && p->hdr.control) peer_tid = assigned_tunnel_id(*cfg.l2tp, d, p->payload, p->payload_offset);
        if (!peer_tid || *peer_tid == 0) {
          cfg.stats->rx_malformed.fetch_add(1);
          if (cfg.malformed_log->allow()) {
            cfg.log->warn("l2tp-tunnel-zero-dropped peer={} reason={}", d.peer.to_string(),
                          p ? "not an SCCRQ or StopCCN with an Assigned Tunnel ID" : std::string{p.err().reason});
          }
          return;
        }
        tunnel_key key{d.peer, *peer_tid};
        const auto& shard = cfg.shards[shard_of(key, cfg.shards.size())];
        self->send(shard, incoming_sccrq{key, std::move(d)});
      },
  };
}

}  // namespace

acceptor_actor spawn_acceptor(caf::actor_system& sys, acceptor_config cfg) {
  return sys.spawn(acceptor_behavior, std::move(cfg));
}

}  // namespace bras::actors
