// The client engine's option policy, the inverse of the LNS's in
// negotiate.cpp: what it Acks, Naks and Rejects in the LNS's requests, and how
// it revises its own request after a Nak.
#include "protocol/ppp/client_impl.hpp"

namespace bras::ppp {

lcp::packet client_engine::impl::respond_lcp(const lcp::configure_request& peer) const {
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

std::vector<lcp::option> client_engine::impl::revise_lcp(std::vector<lcp::option> ours, const lcp::configure_nak& nak) {
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

ipcp::packet client_engine::impl::respond_ipcp(const ipcp::configure_request& peer) const {
  answer_builder<ipcp::option> answer{c.fsm_[index_of(layer::ipcp)].nak_budget_exhausted()};
  for (const ipcp::option& o : peer.options) {
    const auto* address = std::get_if<ipcp::ip_address>(&o);
    if (address == nullptr || address->value == 0) answer.reject(o);
  }
  return std::move(answer).build<ipcp::packet>(peer);
}

ipv6cp::packet client_engine::impl::respond_ipv6cp(const ipv6cp::configure_request& peer) const {
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

}  // namespace bras::ppp
