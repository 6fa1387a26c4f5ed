// The PPP host's part of the session snapshot and its statistics clear
// (ppp_host.hpp), apart from the protocol handling.
#include "actors/ppp_host.hpp"

#include <memory>

namespace bras::actors {

session_snapshot ppp_host::raw_counters() const {
  session_snapshot s;
  s.control_rx_packets = control_rx_packets_;
  s.control_rx_bytes = control_rx_bytes_;
  s.control_tx_packets = control_tx_packets_;
  s.control_tx_bytes = control_tx_bytes_;
  if (data_) {
    s.data_rx_packets = data_->rx_packets.load();
    s.data_rx_bytes = data_->rx_bytes.load();
    s.data_tx_packets = data_->tx_packets.load();
    s.data_tx_bytes = data_->tx_bytes.load();
    s.data_rx_v6_packets = data_->rx_v6_packets.load();
    s.data_rx_v6_bytes = data_->rx_v6_bytes.load();
    s.data_tx_v6_packets = data_->tx_v6_packets.load();
    s.data_tx_v6_bytes = data_->tx_v6_bytes.load();
    s.rx_errors = data_->rx_errors.load();
    s.tx_errors = data_->tx_errors.load();
    s.spoofed = data_->spoofed.load();
    s.mss_clamped = data_->mss_clamped.load();
    s.fragmented = data_->fragmented.load();
    s.icmp_sent = data_->icmp_sent.load();
  }
  if (ppp_) {
    const auto& c = ppp_->counters();
    s.echo_requests_sent = c.echo_requests_sent;
    s.echo_requests_received = c.echo_requests_received;
    s.echo_replies_sent = c.echo_replies_sent;
    s.echo_replies_received = c.echo_replies_received;
    s.echo_timeouts = c.echo_timeouts;
  }
  return s;
}

void ppp_host::clear_statistics() {
  baseline_ = std::make_unique<session_snapshot>(raw_counters());
  stats_since_ = std::chrono::system_clock::now();
}

void ppp_host::fill(session_snapshot& s) const {
  const auto c = raw_counters();
  static const session_snapshot never_cleared{};
  const auto& b = baseline_ ? *baseline_ : never_cleared;
  s.control_rx_packets = c.control_rx_packets - b.control_rx_packets;
  s.control_rx_bytes = c.control_rx_bytes - b.control_rx_bytes;
  s.control_tx_packets = c.control_tx_packets - b.control_tx_packets;
  s.control_tx_bytes = c.control_tx_bytes - b.control_tx_bytes;
  s.data_rx_packets = c.data_rx_packets - b.data_rx_packets;
  s.data_rx_bytes = c.data_rx_bytes - b.data_rx_bytes;
  s.data_tx_packets = c.data_tx_packets - b.data_tx_packets;
  s.data_tx_bytes = c.data_tx_bytes - b.data_tx_bytes;
  s.data_rx_v6_packets = c.data_rx_v6_packets - b.data_rx_v6_packets;
  s.data_rx_v6_bytes = c.data_rx_v6_bytes - b.data_rx_v6_bytes;
  s.data_tx_v6_packets = c.data_tx_v6_packets - b.data_tx_v6_packets;
  s.data_tx_v6_bytes = c.data_tx_v6_bytes - b.data_tx_v6_bytes;
  s.rx_errors = c.rx_errors - b.rx_errors;
  s.tx_errors = c.tx_errors - b.tx_errors;
  s.spoofed = c.spoofed - b.spoofed;
  s.mss_clamped = c.mss_clamped - b.mss_clamped;
  s.fragmented = c.fragmented - b.fragmented;
  s.icmp_sent = c.icmp_sent - b.icmp_sent;
  s.echo_requests_sent = c.echo_requests_sent - b.echo_requests_sent;
  s.echo_requests_received = c.echo_requests_received - b.echo_requests_received;
  s.echo_replies_sent = c.echo_replies_sent - b.echo_replies_sent;
  s.echo_replies_received = c.echo_replies_received - b.echo_replies_received;
  s.echo_timeouts = c.echo_timeouts - b.echo_timeouts;
  s.user = aaa_.user();
  s.acct_session_id = acct_.session_id();
  s.nas_port_id = aaa_.line().nas_port_id;
  // Interim-Updates happen only with an accounting actor.
  if (env().accounting != nullptr && *env().accounting) s.interim_interval = acct_.interim_interval();
  s.address = data_ ? data_->ipv4.load() : 0;
  s.ipv6_interface_id = data_ ? data_->ipv6_iid.load() : 0;
  if (ipv6_) {
    ipv6_->fill(s);
  } else if (ppp_ && env().ipv6 != nullptr) {
    // IPv6CP not up (yet): the prefixes AAA granted.
    if (const auto& p = aaa_.framed_ipv6_prefix()) s.ipv6_prefix = ip::to_string(*p);
    if (const auto& p = aaa_.delegated_ipv6_prefix()) s.delegated_prefix = ip::to_string(*p);
  }
  if (ppp_) {
    s.ppp_phase = std::string{ppp::to_string(ppp_->phase())};
    s.lcp_state = std::string{ppp::to_string(ppp_->lcp_state())};
    s.ipcp_state = std::string{ppp::to_string(ppp_->ipcp_state())};
    s.ipv6cp_state = std::string{ppp::to_string(ppp_->ipv6cp_state())};
    s.mru = ppp_->mru();
    s.peer_mru = ppp_->peer_mru();
    s.auth_protocol = ppp_->auth_protocol();
    s.proxied_lcp = ppp_->proxied_lcp();
  }
  s.created = created_wall_;
  s.up_since = up_wall_.get();
  s.statistics_since = stats_since_;
  if (data_ && up_since_) {
    const std::chrono::steady_clock::time_point last{std::chrono::steady_clock::duration{data_->last_rx_ns.load()}};
    s.idle = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - last);
  }
}

}  // namespace bras::actors
