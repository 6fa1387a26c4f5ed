#include "tools/emulator/pppoe_subscriber.hpp"

#include <algorithm>

#include "protocol/ip/packet.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::emulator {

namespace {

constexpr eth::mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
/// RFC 2516 §7: an MRU over 1492 only with an RFC 4638 PPP-Max-Payload the AC echoed.
constexpr std::uint16_t pppoe_default_mru = 1492;
constexpr std::chrono::milliseconds max_discovery_interval{8000};

wire::bytes host_uniq_of(std::uint32_t id) {
  return {std::byte(id >> 24), std::byte((id >> 16) & 0xff), std::byte((id >> 8) & 0xff), std::byte(id & 0xff)};
}

}  // namespace

eth::mac_address subscriber_mac(std::uint32_t id) noexcept {
  return {0x02,
          0x00,
          static_cast<std::uint8_t>(id >> 24),
          static_cast<std::uint8_t>(id >> 16),
          static_cast<std::uint8_t>(id >> 8),
          static_cast<std::uint8_t>(id)};
}

std::optional<std::uint32_t> subscriber_id(const eth::mac_address& mac) noexcept {
  if (mac[0] != 0x02 || mac[1] != 0x00) return std::nullopt;
  return (std::uint32_t{mac[2]} << 24) | (std::uint32_t{mac[3]} << 16) | (std::uint32_t{mac[4]} << 8) | mac[5];
}

pppoe_subscriber::pppoe_subscriber(pppoe_subscriber_config config, pppoe_host& host, pppoe_counters& counters)
    : config_(std::move(config)), host_(host), counters_(counters) {}

void pppoe_subscriber::start() {
  if (state_ != state::idle) return;
  state_ = state::padi_sent;
  attempts_ = 0;
  send_padi();
}

void pppoe_subscriber::arm(std::uint8_t which, std::chrono::microseconds after) {
  host_.arm(config_.id, which, ++generation_[which], after);
}

void pppoe_subscriber::send_discovery(const eth::mac_address& to, const pppoe::discovery& d) {
  eth::header h;
  h.dst = to;
  h.src = config_.mac;
  h.outer_vlan = config_.outer_vlan;
  h.inner_vlan = config_.inner_vlan;
  h.ethertype = eth::ethertype_pppoe_discovery;
  wire::bytes out;
  wire::writer w{out};
  if (!eth::encode(h, w) || !pppoe::encode(d, w)) return;  // only an oversized tag could fail: a config error
  host_.send(config_.id, std::move(out));
}

std::vector<pppoe::tag> pppoe_subscriber::common_tags() const {
  std::vector<pppoe::tag> tags;
  tags.emplace_back(pppoe::service_name{config_.service_name});
  tags.emplace_back(pppoe::host_uniq{host_uniq_of(config_.id)});
  if (config_.max_payload != 0) tags.emplace_back(pppoe::ppp_max_payload{config_.max_payload});
  if (config_.access_line) {
    if (auto v = pppoe::to_vendor_tag(*config_.access_line)) tags.emplace_back(std::move(v.value()));
  }
  return tags;
}

void pppoe_subscriber::send_padi() {
  pppoe::discovery d;
  d.code = pppoe::packet_code::padi;
  d.tags = common_tags();
  send_discovery(broadcast, d);
  ++counters_.padi_sent;
  if (attempts_ > 0) ++counters_.discovery_retransmits;
  auto interval = config_.discovery_timeout * (1u << std::min(attempts_, 10u));
  arm(discovery_timer, std::min<std::chrono::milliseconds>(interval, max_discovery_interval));
  ++attempts_;
}

void pppoe_subscriber::send_padr() {
  pppoe::discovery d;
  d.code = pppoe::packet_code::padr;
  d.tags = common_tags();
  if (cookie_) d.tags.emplace_back(*cookie_);
  if (relay_) d.tags.emplace_back(*relay_);
  send_discovery(ac_mac_, d);
  ++counters_.padr_sent;
  if (attempts_ > 0) ++counters_.discovery_retransmits;
  auto interval = config_.discovery_timeout * (1u << std::min(attempts_, 10u));
  arm(discovery_timer, std::min<std::chrono::milliseconds>(interval, max_discovery_interval));
  ++attempts_;
}

void pppoe_subscriber::send_padt(std::string_view reason) {
  pppoe::discovery d;
  d.code = pppoe::packet_code::padt;
  d.session_id = session_id_;
  d.tags.emplace_back(pppoe::host_uniq{host_uniq_of(config_.id)});
  if (!reason.empty()) d.tags.emplace_back(pppoe::generic_error{std::string{reason}});
  send_discovery(ac_mac_, d);
  ++counters_.padt_sent;
}

void pppoe_subscriber::receive(const eth::frame& frame) {
  // Our frames carry exactly our tags; anything else was meant for another line.
  const auto& h = frame.hdr;
  if (h.outer_vlan.has_value() != config_.outer_vlan.has_value() ||
      h.inner_vlan.has_value() != config_.inner_vlan.has_value() ||
      (h.outer_vlan && h.outer_vlan->vid != config_.outer_vlan->vid) ||
      (h.inner_vlan && h.inner_vlan->vid != config_.inner_vlan->vid)) {
    ++counters_.dropped_unexpected;
    return;
  }
  if (h.ethertype == eth::ethertype_pppoe_discovery) {
    on_discovery(frame);
  } else if (h.ethertype == eth::ethertype_pppoe_session) {
    on_session(frame);
  } else {
    ++counters_.dropped_unexpected;
  }
}

void pppoe_subscriber::on_discovery(const eth::frame& frame) {
  auto decoded = pppoe::decode_discovery(frame.payload);
  if (!decoded || !pppoe::check(decoded.value())) {
    ++counters_.dropped_malformed;
    return;
  }
  const auto& d = decoded.value();
  if (d.code == pppoe::packet_code::padt) {
    if (state_ != state::session || frame.hdr.src != ac_mac_ || d.session_id != session_id_) {
      ++counters_.dropped_unexpected;
      return;
    }
    ++counters_.padt_received;
    end("padt-received");  // first: the engine's `finished` must not answer the PADT with one
    if (ppp_) perform(ppp_->lower_down());
    return;
  }
  // PADO and PADS answer our PADI/PADR: they must echo our Host-Uniq.
  const auto* uniq = pppoe::find<pppoe::host_uniq>(d);
  if (uniq == nullptr || uniq->value != host_uniq_of(config_.id)) {
    ++counters_.dropped_unexpected;
    return;
  }
  if (d.code == pppoe::packet_code::pado && state_ == state::padi_sent) {
    const auto* name = pppoe::find<pppoe::ac_name>(d);
    if (!config_.ac_name.empty() && (name == nullptr || name->name != config_.ac_name)) {
      ++counters_.dropped_unexpected;
      return;
    }
    ++counters_.pado_received;
    ac_mac_ = frame.hdr.src;
    if (const auto* c = pppoe::find<pppoe::ac_cookie>(d)) cookie_ = *c;
    if (const auto* r = pppoe::find<pppoe::relay_session_id>(d)) relay_ = *r;
    state_ = state::padr_sent;
    attempts_ = 0;
    send_padr();
    return;
  }
  if (d.code == pppoe::packet_code::pads && state_ == state::padr_sent && frame.hdr.src == ac_mac_) {
    ++counters_.pads_received;
    ++generation_[discovery_timer];
    if (const auto* e = pppoe::find<pppoe::service_name_error>(d)) {
      end("pads-service-name-error " + e->message);
      return;
    }
    // The AC refuses for its limits with SESSION_ID 0 and AC-System-Error / Generic-Error.
    if (d.session_id == 0) {
      const auto* system = pppoe::find<pppoe::ac_system_error>(d);
      const auto* generic = pppoe::find<pppoe::generic_error>(d);
      end("pads-refused " + (system != nullptr ? system->message : generic != nullptr ? generic->message : ""));
      return;
    }
    session_id_ = d.session_id;
    state_ = state::session;
    auto ppp_config = config_.ppp;
    ppp_config.mru = pppoe_default_mru;
    const auto* granted = pppoe::find<pppoe::ppp_max_payload>(d);
    if (config_.max_payload != 0 && granted != nullptr && granted->value > pppoe_default_mru) {
      ppp_config.mru = std::min(config_.max_payload, granted->value);
    }
    ppp_.emplace(ppp_config);
    host_.event(config_.id, {pppoe_event::kind::session_up, 0, {}});
    perform(ppp_->start());
    return;
  }
  ++counters_.dropped_unexpected;
}

void pppoe_subscriber::on_session(const eth::frame& frame) {
  auto s = pppoe::decode_session(frame.payload);
  if (!s) {
    ++counters_.dropped_malformed;
    return;
  }
  if (state_ != state::session || frame.hdr.src != ac_mac_ || s.value().session_id != session_id_) {
    ++counters_.dropped_unexpected;
    return;
  }
  const auto payload = s.value().payload;
  auto fr = ppp::decode_frame(payload);
  if (fr && fr.value().protocol == ppp::proto::ipv4 && address_ != 0) {
    auto reply = ip::parse_icmp_echo_reply(fr.value().payload);
    if (reply && reply->identifier == static_cast<std::uint16_t>(config_.id)) {
      ++counters_.traffic_received;
      counters_.traffic_received_bytes += fr.value().payload.size();
    }
    return;
  }
  if (fr && fr.value().protocol == ppp::proto::ipv6) return;
  perform(ppp_->receive(payload));
}

void pppoe_subscriber::send_ppp(wire::byte_span ppp_frame) {
  // PPPoE carries PPP from the protocol field on (RFC 2516 §7): no 0xFF 0x03.
  if (ppp_frame.size() >= 2 && ppp_frame[0] == std::byte{0xff} && ppp_frame[1] == std::byte{0x03}) {
    ppp_frame = ppp_frame.subspan(2);
  }
  eth::header h;
  h.dst = ac_mac_;
  h.src = config_.mac;
  h.outer_vlan = config_.outer_vlan;
  h.inner_vlan = config_.inner_vlan;
  h.ethertype = eth::ethertype_pppoe_session;
  wire::bytes out;
  out.reserve(eth::header_size(h) + pppoe::header_size + ppp_frame.size());
  wire::writer w{out};
  if (!eth::encode(h, w) || !pppoe::encode_session(session_id_, ppp_frame, w)) return;
  host_.send(config_.id, std::move(out));
}

void pppoe_subscriber::perform(ppp::effects fx) {
  for (auto& e : fx) {
    if (auto* f = std::get_if<ppp::send_frame>(&e)) {
      if (state_ == state::session) send_ppp(f->frame);
    } else if (auto* t = std::get_if<ppp::arm_timer>(&e)) {
      arm(static_cast<std::uint8_t>(t->which), t->after);
    } else if (auto* st = std::get_if<ppp::stop_timer>(&e)) {
      ++generation_[static_cast<std::size_t>(st->which)];
    } else if (auto* a = std::get_if<ppp::auth_outcome>(&e)) {
      if (!a->accepted) host_.event(config_.id, {pppoe_event::kind::auth_failed, 0, a->message});
    } else if (auto* up = std::get_if<ppp::network_up>(&e)) {
      if (up->which == ppp::network::ipv4) {
        host_.event(config_.id, {pppoe_event::kind::ipv4_up, up->local_address, {}});
        if (config_.traffic_pps > 0 && address_ == 0) {
          address_ = up->local_address;
          arm(traffic_timer, std::chrono::microseconds{0});
        }
      } else {
        host_.event(config_.id, {pppoe_event::kind::ipv6_up, 0, {}});
      }
    } else if (auto* fin = std::get_if<ppp::finished>(&e)) {
      // PPP is over (we hung up, the server did, or negotiation failed): end the PPPoE session too.
      if (state_ == state::session) send_padt(fin->message);
      end(fin->message);
      return;
    }
  }
}

void pppoe_subscriber::timeout(std::uint8_t which, std::uint32_t generation) {
  if (which >= pppoe_timer_count || generation != generation_[which] || state_ == state::ended) return;
  if (which == traffic_timer) {
    send_traffic();
  } else if (which == discovery_timer) {
    if (attempts_ >= config_.discovery_attempts) {
      end(state_ == state::padi_sent ? "no-pado" : "no-pads");
    } else if (state_ == state::padi_sent) {
      send_padi();
    } else if (state_ == state::padr_sent) {
      send_padr();
    }
  } else if (ppp_ && state_ == state::session) {
    perform(ppp_->timeout(static_cast<ppp::timer>(which)));
  }
}

void pppoe_subscriber::close() {
  if (state_ == state::session && ppp_) {
    perform(ppp_->close());
  } else if (state_ != state::ended) {
    end("closed-in-discovery");
  }
}

void pppoe_subscriber::end(std::string message) {
  if (state_ == state::ended) return;
  state_ = state::ended;
  for (auto& g : generation_) ++g;
  host_.event(config_.id, {pppoe_event::kind::finished, 0, std::move(message)});
}

void pppoe_subscriber::send_traffic() {
  if (state_ != state::session || address_ == 0 || counters_.traffic_stopped) return;
  const double pps = config_.traffic_pps;
  // Bursts every 100 ms at most: timer entries stay few when many subscribers send fast.
  const double interval = pps >= 10 ? 0.1 : 1.0 / pps;
  traffic_carry_ += pps * interval;
  const auto burst = static_cast<unsigned>(traffic_carry_);
  traffic_carry_ -= burst;
  const std::uint32_t to = config_.traffic_destination != 0 ? config_.traffic_destination : ppp_->peer_address();
  for (unsigned i = 0; i < burst; ++i) {
    auto packet = ip::make_icmp_echo_request(address_, to, static_cast<std::uint16_t>(config_.id), ++echo_sequence_,
                                             config_.traffic_size);
    ++counters_.traffic_sent;
    counters_.traffic_sent_bytes += packet.size();
    send_ppp(ppp_->frame_ip(ppp::network::ipv4, packet));
  }
  arm(traffic_timer, std::chrono::microseconds{static_cast<std::int64_t>(interval * 1e6)});
}

}  // namespace bras::emulator
