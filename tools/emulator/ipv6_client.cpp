#include "tools/emulator/ipv6_client.hpp"

#include "protocol/dhcpv6/message.hpp"
#include "protocol/ip/nd.hpp"

namespace bras::emulator {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t ipv6_header_size = 40;
constexpr std::uint8_t next_header_icmpv6 = 58;
constexpr unsigned router_solicitations = 3;       // RFC 4861 §10 MAX_RTR_SOLICITATIONS
constexpr auto router_solicitation_interval = 4s;  // RTR_SOLICITATION_INTERVAL
constexpr unsigned dhcpv6_tries = 4;               // 1 + 2 + 4 + 8 s: RFC 8415 §15 with a small MRC
constexpr auto dhcpv6_first_timeout = 1s;          // SOL_TIMEOUT / REQ_TIMEOUT

/// The ICMPv6 type of a packet without extension headers, or nothing.
std::optional<std::uint8_t> icmpv6_type(wire::byte_span packet) {
  if (packet.size() <= ipv6_header_size || std::to_integer<std::uint8_t>(packet[6]) != next_header_icmpv6) {
    return std::nullopt;
  }
  return std::to_integer<std::uint8_t>(packet[ipv6_header_size]);
}

/// NoPrefixAvail for the whole message or in an IA_PD (RFC 8415 §18.3.9: the server has none for us).
bool says_no_prefix_avail(const dhcpv6::message& m) {
  auto is_npa = [](const std::optional<dhcpv6::status_code>& s) {
    return s && s->code == dhcpv6::status::no_prefix_avail;
  };
  if (is_npa(m.status)) return true;
  for (const auto& ia : m.ia_pds) {
    if (is_npa(ia.status)) return true;
  }
  return false;
}

}  // namespace

const char* to_string(ipv6_failure f) noexcept {
  switch (f) {
    case ipv6_failure::none: return "none";
    case ipv6_failure::no_ra: return "no RA";
    case ipv6_failure::no_slaac_prefix: return "RA without an autonomous /64";
    case ipv6_failure::no_dhcpv6_reply: return "no DHCPv6 reply";
    case ipv6_failure::no_prefix_avail: return "NoPrefixAvail";
  }
  return "unknown";
}

ipv6_client::ipv6_client(ipv6_client_config config) : config_{std::move(config)} {
  transaction_id_ = config_.transaction_id & 0xffffffu;
}

ip::ipv6_address ipv6_client::link_local() const noexcept {
  return ip::link_local(config_.interface_id);
}

ip::ipv6_address ipv6_client::slaac_address() const noexcept {
  return slaac_prefix_ ? ip::from_halves(slaac_prefix_->high64(), config_.interface_id) : ip::ipv6_address{};
}

ip::ipv6_address ipv6_client::delegated_address() const noexcept {
  if (!lease_) return {};
  auto a = lease_->prefix.address;
  a[15] |= std::byte{1};
  return a;
}

ipv6_client_effects ipv6_client::start(clock_type::time_point now) {
  ipv6_client_effects fx;
  if (stage_ != stage::idle) return fx;
  stage_ = stage::soliciting_router;
  started_ = now;
  tries_ = 1;
  fx.send.push_back(ip::nd::encode_router_solicitation(link_local()));
  fx.arm = router_solicitation_interval;
  return fx;
}

ipv6_client_effects ipv6_client::timeout(clock_type::time_point) {
  ipv6_client_effects fx;
  switch (stage_) {
    case stage::soliciting_router:
      if (tries_ >= router_solicitations) {
        fail(ipv6_failure::no_ra, fx);
        break;
      }
      ++tries_;
      fx.send.push_back(ip::nd::encode_router_solicitation(link_local()));
      fx.arm = router_solicitation_interval;
      break;
    case stage::soliciting:
    case stage::requesting:
      if (tries_ >= dhcpv6_tries) {
        fail(ipv6_failure::no_dhcpv6_reply, fx);
        break;
      }
      ++tries_;
      retransmit_ *= 2;
      send_dhcpv6(fx);  // the same transaction ID: a retransmission (RFC 8415 §15)
      break;
    default: break;
  }
  return fx;
}

ipv6_client_effects ipv6_client::receive(wire::byte_span packet, clock_type::time_point now, bool& consumed) {
  ipv6_client_effects fx;
  consumed = false;
  if (auto type = icmpv6_type(packet)) {
    if (*type != ip::nd::icmpv6_type::router_advertisement) return fx;
    consumed = true;
    on_router_advertisement(packet, now, fx);
    return fx;
  }
  auto udp = ip::nd::decode_udp(packet);
  if (!udp || udp->dst_port != dhcpv6::client_port || udp->src_port != dhcpv6::server_port) return fx;
  consumed = true;
  on_dhcpv6(udp->payload, now, fx);
  return fx;
}

void ipv6_client::on_router_advertisement(wire::byte_span packet, clock_type::time_point now, ipv6_client_effects& fx) {
  // Periodic RAs after the first one change nothing here.
  if (stage_ != stage::soliciting_router) return;
  auto ra = ip::nd::decode_router_advertisement(packet);
  if (!ra) return;
  for (const auto& p : ra->prefixes) {
    if (p.autonomous && p.prefix.length == 64) {
      slaac_prefix_ = p.prefix;
      break;
    }
  }
  ra_latency_ = std::chrono::duration_cast<std::chrono::microseconds>(now - started_);
  rdnss_ = ra->rdnss;
  if (!slaac_prefix_) {
    fail(ipv6_failure::no_slaac_prefix, fx);
    return;
  }
  if (!config_.prefix_delegation) {
    stage_ = stage::ready;
    fx.ready = true;
    return;
  }
  stage_ = stage::soliciting;
  dhcpv6_started_ = now;
  tries_ = 1;
  retransmit_ = dhcpv6_first_timeout;
  send_dhcpv6(fx);
}

void ipv6_client::on_dhcpv6(wire::byte_span payload, clock_type::time_point now, ipv6_client_effects& fx) {
  if (stage_ != stage::soliciting && stage_ != stage::requesting) return;
  if (auto m = dhcpv6::decode(payload);
      m && m->transaction_id == transaction_id_ && m->client_id == config_.duid && says_no_prefix_avail(*m)) {
    fail(ipv6_failure::no_prefix_avail, fx);
    return;
  }
  auto offer = dhcpv6::read_offer(payload, transaction_id_, config_.duid);
  if (!offer) return;  // not ours, or a failure status: the retransmission timer decides
  if (offer->bound) {
    lease_ = std::move(offer->lease);
    dhcpv6_latency_ = std::chrono::duration_cast<std::chrono::microseconds>(now - dhcpv6_started_);
    stage_ = stage::ready;
    fx.ready = true;
    fx.arm = std::nullopt;
    return;
  }
  if (stage_ != stage::soliciting) return;  // a second Advertise while requesting
  advertised_ = std::move(offer->lease);
  stage_ = stage::requesting;
  transaction_id_ = (transaction_id_ + 1) & 0xffffffu;
  tries_ = 1;
  retransmit_ = dhcpv6_first_timeout;
  send_dhcpv6(fx);
}

void ipv6_client::send_dhcpv6(ipv6_client_effects& fx) {
  const auto payload = stage_ == stage::requesting && advertised_
                           ? dhcpv6::make_request(transaction_id_, config_.duid, *advertised_)
                           : dhcpv6::make_solicit(transaction_id_, config_.duid, config_.iaid, true);
  fx.send.push_back(ip::nd::encode_udp(link_local(), ip::nd::all_dhcp_servers(), dhcpv6::client_port,
                                       dhcpv6::server_port, payload, 1));
  fx.arm = retransmit_;
}

wire::bytes ipv6_client::release() {
  if (!lease_) return {};
  transaction_id_ = (transaction_id_ + 1) & 0xffffffu;
  auto payload = dhcpv6::make_release(transaction_id_, config_.duid, *lease_);
  lease_.reset();
  return ip::nd::encode_udp(link_local(), ip::nd::all_dhcp_servers(), dhcpv6::client_port, dhcpv6::server_port, payload,
                            1);
}

void ipv6_client::fail(ipv6_failure why, ipv6_client_effects& fx) {
  stage_ = stage::failed;
  failure_ = why;
  fx.failed = true;
  fx.arm = std::nullopt;
}

}  // namespace bras::emulator
