// Internal to client.cpp and its companion .cpp files: the engine's state and
// the helpers it is built from. Not part of the public API.
#pragma once

#include "protocol/ppp/client.hpp"

#include <algorithm>
#include <utility>
#include "protocol/ppp/answer_builder.hpp"
#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/negotiate.hpp"

namespace bras::ppp {

namespace client_detail {

/// The smallest MRU we accept from the LNS (and from its Nak of ours).
constexpr std::uint16_t min_mru = 576;

enum class layer : std::uint8_t { lcp = 0, ipcp = 1, ipv6cp = 2 };

constexpr std::size_t index_of(layer l) noexcept {
  return static_cast<std::size_t>(l);
}
constexpr std::size_t index_of(timer t) noexcept {
  return static_cast<std::size_t>(t);
}
constexpr std::size_t index_of(network n) noexcept {
  return static_cast<std::size_t>(n);
}

constexpr std::uint16_t protocol_of(layer l) noexcept {
  switch (l) {
    case layer::lcp: return proto::lcp;
    case layer::ipcp: return proto::ipcp;
    case layer::ipv6cp: return proto::ipv6cp;
  }
  return proto::lcp;
}

constexpr timer timer_of(layer l) noexcept {
  switch (l) {
    case layer::lcp: return timer::lcp;
    case layer::ipcp: return timer::ipcp;
    case layer::ipv6cp: return timer::ipv6cp;
  }
  return timer::lcp;
}

constexpr bool negotiating(ppp_state s) noexcept {
  return s == ppp_state::req_sent || s == ppp_state::ack_rcvd || s == ppp_state::ack_sent;
}

/// Open or on its way there.
constexpr bool alive(ppp_state s) noexcept {
  return negotiating(s) || s == ppp_state::opened;
}

/// The automaton accepts received packets only once the lower layer is up (states 2-9).
constexpr bool receiving(ppp_state s) noexcept {
  return s != ppp_state::initial && s != ppp_state::starting;
}

/// Codes 1-7 (Configure-*, Terminate-*, Code-Reject) are required: rejecting one is catastrophic (RFC 1661 §5.6).
inline bool catastrophic(const code_reject& reject) noexcept {
  if (reject.rejected_packet.empty()) return true;
  const auto code = std::to_integer<std::uint8_t>(reject.rejected_packet.front());
  return code >= 1 && code <= 7;
}

/// A Magic-Number or Interface-Identifier to suggest instead of `ours` (we get no randomness).
template <class T>
inline T other_than(T ours) noexcept {
  return distinct_nonzero(static_cast<T>(~ours), ours);
}

/// RCR+ when we Ack the request, RCR- when we Nak or Reject it.
template <class Option, class Packet>
inline ppp_event event_of(const Packet& answer) noexcept {
  return std::holds_alternative<configure_packet<control_code::configure_ack, Option>>(answer) ? ppp_event::rcr_plus
                                                                                               : ppp_event::rcr_minus;
}

/// Our options without the rejected ones; nothing when the Reject does not answer our request
/// (identifier differs, or its options are not ours unmodified and in order, RFC 1661 §5.4).
template <class Option>
std::optional<std::vector<Option>> without_rejected(
    const std::optional<configure_packet<control_code::configure_request, Option>>& ours,
    const configure_packet<control_code::configure_reject, Option>& reject) {
  if (!ours || reject.identifier != ours->identifier) return std::nullopt;
  std::vector<Option> kept;
  std::size_t next_rejected = 0;
  for (const Option& o : ours->options) {
    if (next_rejected < reject.options.size() && reject.options[next_rejected] == o) {
      ++next_rejected;
    } else {
      kept.push_back(o);
    }
  }
  if (next_rejected != reject.options.size()) return std::nullopt;
  return kept;
}

/// A Configure-Ack answers our latest request only with its identifier and exactly its options (RFC 1661 §5.2).
template <class Option>
bool acks(const std::optional<configure_packet<control_code::configure_request, Option>>& ours,
          const configure_packet<control_code::configure_ack, Option>& ack) {
  return ours && ack.identifier == ours->identifier && ack.options == ours->options;
}

template <class Packet, class Encode>
inline wire::bytes encode_with(Encode encode, const Packet& p) {
  wire::bytes out;
  wire::writer w{out};
  if (!encode(w, p)) out.clear();
  return out;
}

inline wire::bytes encode_lcp(const lcp::packet& p) {
  return encode_with(&lcp::encode, p);
}
inline wire::bytes encode_ipcp(const ipcp::packet& p) {
  return encode_with(&ipcp::encode, p);
}
inline wire::bytes encode_ipv6cp(const ipv6cp::packet& p) {
  return encode_with(&ipv6cp::encode, p);
}

/// A packet of the format every control protocol shares: code, identifier, length, data.
inline wire::bytes control_packet(control_code code, std::uint8_t identifier, wire::byte_span data) {
  wire::bytes out;
  wire::writer w{out};
  w.u8(static_cast<std::uint8_t>(code));
  w.u8(identifier);
  w.u16(static_cast<std::uint16_t>(4 + data.size()));
  w.put(data);
  return out;
}

/// The received packet from its code to the end of its length field (padding dropped).
inline wire::byte_span packet_bytes(wire::byte_span payload) {
  auto header = decode_control_header(payload);
  if (!header) return payload;
  return payload.first(4 + header->data.size());
}

/// The start of `data` that fits in `mru` after `overhead` bytes of headers.
inline wire::byte_span truncated(wire::byte_span data, std::size_t overhead, std::uint16_t mru) {
  const std::size_t limit = mru > overhead ? mru - overhead : 0;
  return data.first(std::min(data.size(), limit));
}

}  // namespace client_detail

using namespace client_detail;

struct client_engine::impl {
  client_engine& c;
  effects& out;

  /// What a received packet brings to the actions of its event.
  struct received {
    std::uint8_t identifier = 0;                          ///< answered by sta and ser
    wire::byte_span packet;                               ///< code onwards: scj copies it, sca records it (proxy LCP)
    wire::byte_span reply;                                ///< our encoded Configure-Ack/-Nak/-Reject for sca/scn
    wire::byte_span echo_data;                            ///< the Echo-Request's data for ser
    const lcp::configure_request* lcp_request = nullptr;  ///< recorded on sca
    const ipcp::configure_request* ipcp_request = nullptr;
    const ipv6cp::configure_request* ipv6cp_request = nullptr;
    std::uint16_t ncp_cause = cause::no_ncp;  ///< what an NCP's tlf means here
  };

  static received answering(std::uint8_t identifier) {
    received in;
    in.identifier = identifier;
    return in;
  }

  negotiation& fsm(layer l) { return c.fsm_[index_of(l)]; }
  std::uint8_t next_id(layer l) { return c.next_id_[index_of(l)]++; }
  bool lcp_opened() const { return c.fsm_[index_of(layer::lcp)].state() == ppp_state::opened; }

  // ---- effects ----

  void emit(effect e) {
    if (!c.finished_) out.push_back(std::move(e));
  }

  void send(std::uint16_t protocol, wire::byte_span payload) {
    if (payload.empty()) return;  // an encoder refused the packet: nothing sane to send
    wire::bytes frame;
    wire::writer w{frame};
    encode_frame(w, protocol, payload, c.tx_flags_);
    emit(send_frame{std::move(frame)});
  }

  void arm(timer t, std::chrono::milliseconds after) {
    if (c.finished_) return;
    emit(arm_timer{t, after});
    c.armed_[index_of(t)] = true;
  }

  void stop(timer t) {
    if (!c.armed_[index_of(t)]) return;
    emit(stop_timer{t});
    c.armed_[index_of(t)] = false;
  }

  void finish(finished f) {
    if (c.finished_) return;
    for (network n : {network::ipv4, network::ipv6}) report_down(n);
    for (std::size_t t = 0; t < timer_count; ++t) stop(static_cast<timer>(t));
    emit(std::move(f));
    c.finished_ = true;
    c.phase_ = client_phase::dead;
  }

  void report_down(network n) {
    if (!c.network_up_[index_of(n)]) return;
    c.network_up_[index_of(n)] = false;
    emit(network_down{n});
  }

  /// Starts the termination of the link for `why` (the first reason wins): LCP Close.
  void local_close(finished why) {
    if (!c.ending_) c.ending_ = std::move(why);
    step(layer::lcp, ppp_event::close);
  }

  // ---- the automaton ----

  void step(layer l, ppp_event e) { step(l, e, received{}); }

  void step(layer l, ppp_event e, const received& in) {
    using namespace ppp_action;
    if (c.finished_) return;
    negotiation& f = fsm(l);
    const std::uint16_t actions = f.handle(e);
    if ((actions & protocol_error) != 0) {
      ++c.counters_.discarded;
      return;
    }
    if ((actions & tld) != 0) this_layer_down(l);
    if ((actions & scr) != 0) send_configure_request(l);
    if ((actions & sca) != 0) {
      record_acked(l, in);
      send(protocol_of(l), in.reply);
    }
    if ((actions & scn) != 0) send(protocol_of(l), in.reply);
    if ((actions & str) != 0) {
      send(protocol_of(l), control_packet(control_code::terminate_request, next_id(l), {}));
    }
    if ((actions & sta) != 0) send(protocol_of(l), control_packet(control_code::terminate_ack, in.identifier, {}));
    if ((actions & scj) != 0) {
      ++c.counters_.code_rejects_sent;
      send(protocol_of(l), control_packet(control_code::code_reject, next_id(l), truncated(in.packet, 4, c.peer_mru_)));
    }
    if ((actions & ser) != 0 && l == layer::lcp) {
      ++c.counters_.echo_replies_sent;
      send(proto::lcp, encode_lcp(lcp::echo_reply{in.identifier, c.magic_,
                                                  wire::to_bytes(truncated(in.echo_data, 8, c.peer_mru_))}));
    }
    if (restarts_timer(actions)) {
      arm(timer_of(l), f.config().restart_timer);
    } else if (!f.timer_running()) {
      stop(timer_of(l));
    }
    if ((actions & tlu) != 0) this_layer_up(l);
    if ((actions & tlf) != 0) this_layer_finished(l, in);
  }

  void send_configure_request(layer l) {
    switch (l) {
      case layer::lcp: {
        c.lcp_sent_ = lcp::configure_request{next_id(l), c.lcp_options_};
        wire::bytes packet = encode_lcp(*c.lcp_sent_);
        if (c.first_sent_.empty()) c.first_sent_ = packet;
        c.last_sent_ = packet;
        send(proto::lcp, packet);
        break;
      }
      case layer::ipcp:
        c.ipcp_sent_ = ipcp::configure_request{next_id(l), c.ipcp_options_};
        send(proto::ipcp, encode_ipcp(*c.ipcp_sent_));
        break;
      case layer::ipv6cp:
        c.ipv6cp_sent_ = ipv6cp::configure_request{next_id(l), c.ipv6cp_options_};
        send(proto::ipv6cp, encode_ipv6cp(*c.ipv6cp_sent_));
        break;
    }
  }

  void record_acked(layer l, const received& in) {
    if (in.lcp_request != nullptr && l == layer::lcp) {
      c.peer_lcp_options_ = in.lcp_request->options;
      c.last_received_ = wire::to_bytes(in.packet);
    } else if (in.ipcp_request != nullptr && l == layer::ipcp) {
      const auto* address = find_option<ipcp::ip_address>(in.ipcp_request->options);
      c.peer_address_ = address != nullptr ? address->value : 0;
    } else if (in.ipv6cp_request != nullptr && l == layer::ipv6cp) {
      const auto* id = find_option<ipv6cp::interface_identifier>(in.ipv6cp_request->options);
      c.peer_interface_id_ = id != nullptr ? id->value : 0;
    }
  }

  void this_layer_up(layer l) {
    switch (l) {
      case layer::lcp: lcp_up(); break;
      case layer::ipcp: {
        c.network_up_[index_of(network::ipv4)] = true;
        network_up up{network::ipv4};
        up.local_address = c.address_;
        up.peer_address = c.peer_address_;
        up.primary_dns = c.primary_dns_;
        up.secondary_dns = c.secondary_dns_;
        emit(up);
        break;
      }
      case layer::ipv6cp: {
        c.network_up_[index_of(network::ipv6)] = true;
        network_up up{network::ipv6};
        up.local_interface_id = c.local_interface_id_;
        up.peer_interface_id = c.peer_interface_id_;
        emit(up);
        break;
      }
    }
  }

  void this_layer_down(layer l) {
    switch (l) {
      case layer::lcp: {
        const ppp_state now = fsm(layer::lcp).state();
        c.phase_ = negotiating(now) ? client_phase::establish : client_phase::terminate;
        c.tx_flags_ = {};
        c.authenticated_ = false;
        c.chap_response_id_.reset();
        stop(timer::echo);
        stop(timer::auth);
        // RFC 1661 §3.7: the network layers go down with LCP.
        for (layer ncp : {layer::ipcp, layer::ipv6cp}) {
          if (receiving(fsm(ncp).state())) step(ncp, ppp_event::down);
        }
        break;
      }
      case layer::ipcp: report_down(network::ipv4); break;
      case layer::ipv6cp: report_down(network::ipv6); break;
    }
  }

  void this_layer_finished(layer l, const received& in) {
    if (l == layer::lcp) {
      finish(c.ending_ ? *c.ending_ : finished{cause::lcp_fsm_timeout, direction::at_local, "lcp-negotiation-timeout"});
      return;
    }
    if (alive(fsm(layer::ipcp).state()) || alive(fsm(layer::ipv6cp).state())) return;
    std::uint16_t why = in.ncp_cause;
    if (l == layer::ipcp && c.ipcp_close_cause_ != 0) why = c.ipcp_close_cause_;
    switch (why) {
      case cause::ncp_fsm_timeout: local_close({why, direction::at_local, "ncp-negotiation-timeout"}); break;
      case cause::no_acceptable_address: local_close({why, direction::at_peer, "ipcp-address-rejected"}); break;
      default: local_close({cause::no_ncp, direction::at_peer, "no-network-layer"}); break;
    }
  }

  // ---- phases ----

  void lcp_up() {
    const auto& peer = c.peer_lcp_options_;
    c.tx_flags_ = {find_option<lcp::acfc>(peer) != nullptr, find_option<lcp::pfc>(peer) != nullptr};
    const auto* peer_mru = find_option<lcp::mru>(peer);
    c.peer_mru_ = peer_mru != nullptr ? peer_mru->value : lcp_default_mru;
    if (c.config_.echo_interval.count() > 0) {
      c.echo_unanswered_ = 0;
      arm(timer::echo, c.config_.echo_interval);
    }
    const auto* auth = find_option<lcp::auth_protocol>(peer);
    c.auth_protocol_ = auth != nullptr ? auth->protocol : 0;
    if (c.auth_protocol_ == proto::pap) {
      c.phase_ = client_phase::authenticate;
      c.pap_sent_ = 0;
      c.pap_ids_.reset();
      send_pap();
    } else if (c.auth_protocol_ == proto::chap) {
      c.phase_ = client_phase::authenticate;
      c.chap_response_id_.reset();
      // The authenticator retransmits its Challenge; give it as long as PAP would take.
      arm(timer::auth, c.config_.auth_restart * std::max<std::uint32_t>(1, c.config_.max_auth_requests));
    } else {
      enter_network();
    }
  }

  void send_pap() {
    const std::uint8_t id = c.pap_id_++;
    c.pap_ids_.set(id);
    ++c.pap_sent_;
    send(proto::pap,
         encode_with(&pap::encode, pap::packet{pap::authenticate_request{id, c.config_.user, c.config_.password}}));
    arm(timer::auth, c.config_.auth_restart);
  }

  void authenticated(std::string message) {
    stop(timer::auth);
    c.authenticated_ = true;
    emit(auth_outcome{true, std::move(message)});
    enter_network();
  }

  void refused(std::string_view method, std::string message) {
    stop(timer::auth);
    std::string event{method};
    if (!message.empty()) event += ": " + message;
    emit(auth_outcome{false, std::move(message)});
    local_close({cause::auth_failed, direction::at_peer, std::move(event)});
  }

  void enter_network() {
    c.phase_ = client_phase::network;
    if (!c.config_.ipv4 && !c.config_.ipv6) {
      local_close({cause::no_ncp, direction::at_local, "no-network-layer-configured"});
      return;
    }
    if (c.config_.ipv4) open_ncp(layer::ipcp);
    if (c.config_.ipv6) open_ncp(layer::ipv6cp);
  }

  void open_ncp(layer l) {
    if (fsm(l).state() == ppp_state::initial) step(l, ppp_event::open);
    if (fsm(l).state() == ppp_state::starting) step(l, ppp_event::up);
  }

  // ---- received frames ----

  void receive(wire::byte_span data) {
    auto f = decode_frame(data);
    if (!f) {
      ++c.counters_.malformed;
      return;
    }
    switch (f->protocol) {
      case proto::lcp: receive_lcp(f->payload); break;
      case proto::pap: receive_pap(f->payload); break;
      case proto::chap: receive_chap(f->payload); break;
      case proto::ipcp:
        if (!c.config_.ipv4) return protocol_reject(f->protocol, f->payload);
        receive_ipcp(f->payload);
        break;
      case proto::ipv6cp:
        if (!c.config_.ipv6) return protocol_reject(f->protocol, f->payload);
        receive_ipv6cp(f->payload);
        break;
      case proto::ipv4:
        // Data is the caller's to deliver; the engine only refuses what it never negotiates.
        if (!c.config_.ipv4) return protocol_reject(f->protocol, f->payload);
        ++c.counters_.discarded;
        break;
      case proto::ipv6:
        if (!c.config_.ipv6) return protocol_reject(f->protocol, f->payload);
        ++c.counters_.discarded;
        break;
      default: protocol_reject(f->protocol, f->payload); break;
    }
  }

  /// RFC 1661 §5.7: only in LCP Opened; before it the frame is silently discarded.
  void protocol_reject(std::uint16_t protocol, wire::byte_span information) {
    if (!lcp_opened()) {
      ++c.counters_.discarded;
      return;
    }
    ++c.counters_.protocol_rejects_sent;
    send(proto::lcp, encode_lcp(lcp::protocol_reject{next_id(layer::lcp), protocol,
                                                     wire::to_bytes(truncated(information, 6, c.peer_mru_))}));
  }

  void receive_lcp(wire::byte_span payload);

  /// An Echo from our own Magic-Number: the link is looped back (RFC 1661 §6.4).
  bool looped(std::uint32_t magic) const noexcept { return c.magic_ != 0 && magic == c.magic_; }

  void discard() { ++c.counters_.discarded; }

  void receive_protocol_reject(const lcp::protocol_reject& rejected);

  // ---- the client's LCP policy ----

  [[nodiscard]] std::uint32_t requested_magic() const noexcept {
    const auto* magic = find_option<lcp::magic_number>(c.lcp_options_);
    return magic != nullptr ? magic->value : 0;
  }

  /// Acks MRU >= 576, any ACCM, PFC, ACFC, a Magic-Number other than 0 and ours, and an
  /// Authentication-Protocol we accept; Naks the others with what we would accept; Rejects
  /// Quality-Protocol, MRRU, Endpoint Discriminator, unknown options and authentication we cannot do.
  [[nodiscard]] lcp::packet respond_lcp(const lcp::configure_request& peer) const {
    answer_builder<lcp::option> answer{c.fsm_[index_of(layer::lcp)].nak_budget_exhausted()};
    const client_config& cfg = c.config_;
    for (const lcp::option& o : peer.options) {
      if (const auto* mru = std::get_if<lcp::mru>(&o)) {
        if (mru->value < min_mru) answer.nak(o, lcp::mru{min_mru});
      } else if (std::holds_alternative<lcp::accm>(o) || std::holds_alternative<lcp::pfc>(o) ||
                 std::holds_alternative<lcp::acfc>(o)) {
        // Accepted as asked.
      } else if (const auto* auth = std::get_if<lcp::auth_protocol>(&o)) {
        const auto method = lcp::auth_method_of(*auth);
        const bool acceptable = (method == lcp::auth_method::pap && cfg.accept_pap) ||
                                (method == lcp::auth_method::chap_md5 && cfg.accept_chap_md5);
        if (acceptable) continue;
        if (cfg.accept_chap_md5) {
          answer.nak(o, lcp::auth_option(lcp::auth_method::chap_md5));
        } else if (cfg.accept_pap) {
          answer.nak(o, lcp::auth_option(lcp::auth_method::pap));
        } else {
          answer.reject(o);
        }
      } else if (const auto* magic = std::get_if<lcp::magic_number>(&o)) {
        const std::uint32_t ours = requested_magic();
        if (magic->value == 0 || (ours != 0 && magic->value == ours)) {
          answer.nak(o, lcp::magic_number{other_than(ours)});
        }
      } else {
        answer.reject(o);
      }
    }
    return std::move(answer).build<lcp::packet>(peer);
  }

  /// Our next request after the LNS's Nak: its MRU if >= 576, a new Magic-Number (its
  /// suggestion if usable); hints for options we did not request are ignored.
  [[nodiscard]] static std::vector<lcp::option> revise_lcp(std::vector<lcp::option> ours,
                                                           const lcp::configure_nak& nak) {
    for (lcp::option& o : ours) {
      if (auto* mru = std::get_if<lcp::mru>(&o)) {
        const auto* wanted = find_option<lcp::mru>(nak.options);
        if (wanted != nullptr && wanted->value >= min_mru) mru->value = wanted->value;
      } else if (auto* magic = std::get_if<lcp::magic_number>(&o)) {
        if (const auto* wanted = find_option<lcp::magic_number>(nak.options)) {
          magic->value = distinct_nonzero(wanted->value, magic->value);
        }
      }
    }
    return ours;
  }

  // ---- authentication ----

  [[nodiscard]] bool authenticating_with(std::uint16_t protocol) const noexcept {
    return c.auth_protocol_ == protocol && lcp_opened() &&
           (c.phase_ == client_phase::authenticate || c.phase_ == client_phase::network);
  }

  void receive_pap(wire::byte_span payload);

  void receive_chap(wire::byte_span payload);

  // ---- network control protocols ----

  /// Handles the codes IPCP and IPv6CP share after Configure-*; false if `p` is a Configure-*.
  template <class Packet>
  bool receive_ncp_common(layer l, const Packet& p, wire::byte_span raw) {
    if (const auto* terminate = std::get_if<terminate_request>(&p)) {
      step(l, ppp_event::rtr, answering(terminate->identifier));
    } else if (std::holds_alternative<terminate_ack>(p)) {
      step(l, ppp_event::rta);
    } else if (const auto* code = std::get_if<code_reject>(&p)) {
      step(l, catastrophic(*code) ? ppp_event::rxj_minus : ppp_event::rxj_plus);
    } else if (std::holds_alternative<unknown_code>(p)) {
      received in;
      in.packet = raw;
      step(l, ppp_event::ruc, in);
    } else {
      return false;
    }
    return true;
  }

  /// Frames of a network protocol count only in the network phase with its automaton started (RFC 1661 §3.4).
  bool ncp_accepts(layer l) const {
    return c.phase_ == client_phase::network && receiving(c.fsm_[index_of(l)].state());
  }

  void receive_ipcp(wire::byte_span payload);

  /// Acks the LNS's own nonzero IP-Address (or a request without one); Rejects 0.0.0.0 (we
  /// assign no addresses) and every other option.
  [[nodiscard]] ipcp::packet respond_ipcp(const ipcp::configure_request& peer) const {
    answer_builder<ipcp::option> answer{c.fsm_[index_of(layer::ipcp)].nak_budget_exhausted()};
    for (const ipcp::option& o : peer.options) {
      const auto* address = std::get_if<ipcp::ip_address>(&o);
      if (address == nullptr || address->value == 0) answer.reject(o);
    }
    return std::move(answer).build<ipcp::packet>(peer);
  }

  void receive_ipv6cp(wire::byte_span payload);

  [[nodiscard]] std::uint64_t requested_interface_id() const noexcept {
    const auto* id = find_option<ipv6cp::interface_identifier>(c.ipv6cp_options_);
    return id != nullptr ? id->value : c.config_.interface_id;
  }

  /// Acks a nonzero Interface-Identifier other than ours; Naks 0 or ours with another one
  /// (RFC 5072 §4.1); Rejects everything else.
  [[nodiscard]] ipv6cp::packet respond_ipv6cp(const ipv6cp::configure_request& peer) const {
    answer_builder<ipv6cp::option> answer{c.fsm_[index_of(layer::ipv6cp)].nak_budget_exhausted()};
    const std::uint64_t ours = requested_interface_id();
    for (const ipv6cp::option& o : peer.options) {
      if (const auto* id = std::get_if<ipv6cp::interface_identifier>(&o)) {
        if (id->value == 0 || id->value == ours) answer.nak(o, ipv6cp::interface_identifier{other_than(ours)});
      } else {
        answer.reject(o);
      }
    }
    return std::move(answer).build<ipv6cp::packet>(peer);
  }

  // ---- timers ----

  void on_timeout(timer which) {
    switch (which) {
      case timer::lcp: restart_expired(layer::lcp); break;
      case timer::ipcp: restart_expired(layer::ipcp); break;
      case timer::ipv6cp: restart_expired(layer::ipv6cp); break;
      case timer::auth: auth_expired(); break;
      case timer::echo: echo_expired(); break;
    }
  }

  void restart_expired(layer l) {
    const negotiation& f = fsm(l);
    if (!f.timer_running()) return;
    received in;
    const ppp_event e = f.timeout_event();
    if (e == ppp_event::to_minus && negotiating(f.state())) in.ncp_cause = cause::ncp_fsm_timeout;
    step(l, e, in);
  }

  void auth_expired() {
    if (c.phase_ != client_phase::authenticate) return;
    if (c.auth_protocol_ == proto::pap && c.pap_sent_ < std::max<std::uint32_t>(1, c.config_.max_auth_requests)) {
      send_pap();
      return;
    }
    local_close({cause::auth_fsm_timeout, direction::at_local,
                 c.auth_protocol_ == proto::pap ? "pap-no-answer" : "chap-no-answer"});
  }

  void echo_expired() {
    if (!lcp_opened()) return;
    if (c.echo_unanswered_ >= std::max<std::uint32_t>(1, c.config_.echo_failures)) {
      ++c.counters_.echo_timeouts;
      finish({cause::echo_timeout, direction::at_local, "echo-timeout"});
      return;
    }
    ++c.echo_unanswered_;
    ++c.counters_.echo_requests_sent;
    send(proto::lcp, encode_lcp(lcp::echo_request{next_id(layer::lcp), c.magic_, {}}));
    arm(timer::echo, c.config_.echo_interval);
  }
};

}  // namespace bras::ppp
