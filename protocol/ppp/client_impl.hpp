// Internal to client.cpp and its companion client_*.cpp files: the engine's state and
// the helpers it is built from. Not part of the public API.
#pragma once

#include "protocol/ppp/client.hpp"

#include <algorithm>
#include <utility>
#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/client_detail.hpp"
#include "protocol/ppp/negotiate.hpp"

namespace bras::ppp {

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

  void emit(effect e);
  void send(std::uint16_t protocol, wire::byte_span payload);
  void arm(timer t, std::chrono::milliseconds after);
  void stop(timer t);
  void finish(finished f);
  void report_down(network n);

  /// Starts the termination of the link for `why` (the first reason wins): LCP Close.
  void local_close(finished why);

  // ---- the automaton ----

  void step(layer l, ppp_event e) { step(l, e, received{}); }

  void step(layer l, ppp_event e, const received& in);
  void send_configure_request(layer l);
  void record_acked(layer l, const received& in);
  void this_layer_up(layer l);
  void this_layer_down(layer l);
  void this_layer_finished(layer l, const received& in);

  // ---- phases ----

  void lcp_up();
  void send_pap();
  void authenticated(std::string message);
  void refused(std::string_view method, std::string message);
  void enter_network();
  void open_ncp(layer l);

  // ---- received frames ----

  void receive(wire::byte_span data);

  /// RFC 1661 §5.7: only in LCP Opened; before it the frame is silently discarded.
  void protocol_reject(std::uint16_t protocol, wire::byte_span information);
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
  [[nodiscard]] lcp::packet respond_lcp(const lcp::configure_request& peer) const;

  /// Our next request after the LNS's Nak: its MRU if >= 576, a new Magic-Number (its
  /// suggestion if usable); hints for options we did not request are ignored.
  [[nodiscard]] static std::vector<lcp::option> revise_lcp(std::vector<lcp::option> ours,
                                                           const lcp::configure_nak& nak);

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
  [[nodiscard]] ipcp::packet respond_ipcp(const ipcp::configure_request& peer) const;
  void receive_ipv6cp(wire::byte_span payload);

  [[nodiscard]] std::uint64_t requested_interface_id() const noexcept {
    const auto* id = find_option<ipv6cp::interface_identifier>(c.ipv6cp_options_);
    return id != nullptr ? id->value : c.config_.interface_id;
  }

  /// Acks a nonzero Interface-Identifier other than ours; Naks 0 or ours with another one
  /// (RFC 5072 §4.1); Rejects everything else.
  [[nodiscard]] ipv6cp::packet respond_ipv6cp(const ipv6cp::configure_request& peer) const;

  // ---- timers ----

  void on_timeout(timer which);
  void restart_expired(layer l);
  void auth_expired();
  void echo_expired();
};

}  // namespace bras::ppp
