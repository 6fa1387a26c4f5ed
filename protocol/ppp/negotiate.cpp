#include "protocol/ppp/negotiate.hpp"

#include <algorithm>
#include <utility>

#include "protocol/ppp/answer_builder.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::ppp {

namespace {

template <class Option>
revision<Option> discard() {
  return {revision_kind::discard, {}, {}};
}

/// The NCP answer to a Nak: our request again, unchanged (our address or identifier is fixed).
template <class Option>
revision<Option> keep_request(const configure_packet<control_code::configure_request, Option>& ours,
                              const configure_packet<control_code::configure_nak, Option>& nak) {
  if (nak.identifier != ours.identifier) return discard<Option>();
  return {revision_kind::retry, ours.options, {}};
}

template <class Option>
revision<Option> drop_rejected(const configure_packet<control_code::configure_request, Option>& ours,
                               const configure_packet<control_code::configure_reject, Option>& reject) {
  auto kept = without_rejected(ours, reject);
  if (!kept) return discard<Option>();
  return {revision_kind::retry, std::move(*kept), {}};
}

}  // namespace

// ---- LCP ----

namespace lcp {

auth_protocol auth_option(auth_method method) {
  switch (method) {
    case auth_method::pap: return auth_protocol::pap();
    case auth_method::chap_md5: return auth_protocol::chap(chap_algorithm::md5);
  }
  return auth_protocol::chap(chap_algorithm::md5);  // unreachable for valid enumerators
}

std::optional<auth_method> auth_method_of(const auth_protocol& requested) noexcept {
  if (requested.protocol == proto::pap && requested.data.empty()) return auth_method::pap;
  if (requested.protocol == proto::chap && requested.data.size() == 1 &&
      requested.data[0] == std::byte{static_cast<std::uint8_t>(chap_algorithm::md5)}) {
    return auth_method::chap_md5;
  }
  return std::nullopt;
}

namespace {

/// After the peer Nak'd `current` suggesting `suggested`: the suggestion if we allow it and it
/// comes later in our preference list, else the entry after `current`; nothing when the list is
/// exhausted. Never going back to an earlier entry guarantees the search ends.
std::optional<auth_method> next_auth(const auth_protocol& current, const auth_protocol& suggested,
                                     const auth_list& preferences) {
  std::size_t position = preferences.size();
  if (const auto method = auth_method_of(current)) {
    position =
        static_cast<std::size_t>(std::find(preferences.begin(), preferences.end(), *method) - preferences.begin());
  }
  if (position >= preferences.size()) return std::nullopt;
  if (const auto wanted = auth_method_of(suggested)) {
    if (std::find(preferences.begin() + static_cast<std::ptrdiff_t>(position) + 1, preferences.end(), *wanted) !=
        preferences.end()) {
      return *wanted;
    }
  }
  if (position + 1 < preferences.size()) return preferences[position + 1];
  return std::nullopt;
}

revision<option> auth_unacceptable() {
  return {revision_kind::fail, {}, {disconnect_cause::auth_protocol_unacceptable, "auth-protocol-unacceptable"}};
}

}  // namespace

reply respond(const configure_request& peer, const policy& p, bool nak_budget_exhausted) {
  answer_builder<option> answer{nak_budget_exhausted};
  bool loop_suspected = false;
  for (const option& o : peer.options) {
    if (const auto* peer_mru = std::get_if<mru>(&o)) {
      if (peer_mru->value < p.min_mru) answer.nak(o, mru{p.min_mru});
    } else if (std::holds_alternative<accm>(o)) {
      // Any map: it only matters on the LAC's async line (the LAC learns it from Set-Link-Info).
    } else if (const auto* peer_magic = std::get_if<magic_number>(&o)) {
      // RFC 1661 §6.4: zero is illegal; equal to ours suggests a looped-back link.
      const bool looped = p.magic != 0 && peer_magic->value == p.magic;
      loop_suspected = loop_suspected || looped;
      if (peer_magic->value == 0 || looped) answer.nak(o, magic_number{distinct_nonzero(p.fresh_magic, p.magic)});
    } else if (std::holds_alternative<pfc>(o)) {
      if (!p.accept_pfc) answer.reject(o);
    } else if (std::holds_alternative<acfc>(o)) {
      if (!p.accept_acfc) answer.reject(o);
    } else {
      // Auth-Protocol (the LNS does not authenticate itself to the peer), Quality-Protocol,
      // MRRU and Endpoint Discriminator (no LQR, no multilink), unknown options.
      answer.reject(o);
    }
  }
  return {std::move(answer).build<packet>(peer), loop_suspected};
}

configure_request our_request(const policy& p, std::uint8_t identifier) {
  configure_request request{identifier, {}};
  if (p.mru != default_mru) request.options.push_back(mru{p.mru});
  if (!p.auth.empty()) request.options.push_back(auth_option(p.auth.front()));
  if (p.magic != 0) request.options.push_back(magic_number{p.magic});
  return request;
}

revision<option> handle_nak(const configure_request& ours, const configure_nak& nak, const policy& p) {
  if (nak.identifier != ours.identifier) return discard<option>();
  revision<option> next{revision_kind::retry, ours.options, {}};
  for (option& o : next.options) {
    if (auto* our_mru = std::get_if<mru>(&o)) {
      const auto* wanted = find_option<mru>(nak.options);
      if (wanted != nullptr && wanted->value >= p.min_mru && wanted->value <= p.max_mru) our_mru->value = wanted->value;
    } else if (auto* our_auth = std::get_if<auth_protocol>(&o)) {
      if (const auto* wanted = find_option<auth_protocol>(nak.options)) {
        const auto method = next_auth(*our_auth, *wanted, p.auth);
        if (!method) return auth_unacceptable();
        *our_auth = auth_option(*method);
      }
    } else if (auto* our_magic = std::get_if<magic_number>(&o)) {
      // RFC 1661 §6.4: a new Magic-Number either way; the peer's suggestion when it is usable.
      if (const auto* wanted = find_option<magic_number>(nak.options)) {
        const std::uint32_t current = our_magic->value;
        our_magic->value =
            wanted->value != 0 && wanted->value != current ? wanted->value : distinct_nonzero(p.fresh_magic, current);
      }
    }
  }
  return next;
}

revision<option> handle_reject(const configure_request& ours, const configure_reject& reject, const policy& p) {
  auto kept = without_rejected(ours, reject);
  if (!kept) return discard<option>();
  if (!p.auth.empty() && find_option<auth_protocol>(reject.options) != nullptr) return auth_unacceptable();
  return {revision_kind::retry, std::move(*kept), {}};
}

}  // namespace lcp

// ---- IPCP ----

namespace ipcp {

namespace {

/// A DNS or NBNS option: Reject when we offer no server, Nak with ours when it differs.
template <class Server>
void answer_server(answer_builder<option>& answer, const option& received, std::uint32_t ours) {
  if (ours == 0) {
    answer.reject(received);
  } else if (std::get<Server>(received).value != ours) {
    answer.nak(received, Server{ours});
  }
}

}  // namespace

reply respond(const configure_request& peer, const policy& p, bool nak_budget_exhausted) {
  if (p.peer_address == 0) return {configure_reject{peer.identifier, {}}, true};
  answer_builder<option> answer{nak_budget_exhausted};
  bool asked_address = false;
  for (const option& o : peer.options) {
    if (const auto* address = std::get_if<ip_address>(&o)) {
      asked_address = true;
      if (address->value != p.peer_address) answer.nak(o, ip_address{p.peer_address});
    } else if (std::holds_alternative<primary_dns>(o)) {
      answer_server<primary_dns>(answer, o, p.primary_dns);
    } else if (std::holds_alternative<secondary_dns>(o)) {
      answer_server<secondary_dns>(answer, o, p.secondary_dns);
    } else if (std::holds_alternative<primary_nbns>(o)) {
      answer_server<primary_nbns>(answer, o, p.primary_nbns);
    } else if (std::holds_alternative<secondary_nbns>(o)) {
      answer_server<secondary_nbns>(answer, o, p.secondary_nbns);
    } else {
      // IP-Addresses (deprecated), IP-Compression-Protocol (no VJ), unknown options.
      answer.reject(o);
    }
  }
  // A peer that asks for no address would come up without one: tell it ours for it.
  if (!asked_address) answer.hint(ip_address{p.peer_address});
  return {std::move(answer).build<packet>(peer), false};
}

configure_request our_request(const policy& p, std::uint8_t identifier) {
  configure_request request{identifier, {}};
  if (p.local_address != 0) request.options.push_back(ip_address{p.local_address});
  return request;
}

revision<option> handle_nak(const configure_request& ours, const configure_nak& nak) {
  return keep_request(ours, nak);
}

revision<option> handle_reject(const configure_request& ours, const configure_reject& reject) {
  return drop_rejected(ours, reject);
}

}  // namespace ipcp

// ---- IPv6CP ----

namespace ipv6cp {

reply respond(const configure_request& peer, const policy& p, bool nak_budget_exhausted) {
  answer_builder<option> answer{nak_budget_exhausted};
  for (const option& o : peer.options) {
    if (const auto* id = std::get_if<interface_identifier>(&o)) {
      if (id->value == 0 || id->value == p.local_id || (p.in_use && p.in_use(id->value))) {
        answer.nak(o, interface_identifier{distinct_nonzero(p.peer_id_suggestion, p.local_id)});
      }
    } else {
      // IPv6-Compression-Protocol (no header compression), unknown options.
      answer.reject(o);
    }
  }
  return {std::move(answer).build<packet>(peer)};
}

configure_request our_request(const policy& p, std::uint8_t identifier) {
  configure_request request{identifier, {}};
  if (p.local_id != 0) request.options.push_back(interface_identifier{p.local_id});
  return request;
}

revision<option> handle_nak(const configure_request& ours, const configure_nak& nak) {
  return keep_request(ours, nak);
}

revision<option> handle_reject(const configure_request& ours, const configure_reject& reject) {
  return drop_rejected(ours, reject);
}

}  // namespace ipv6cp

// ---- PAP and CHAP ----

namespace pap {

std::optional<credentials> credentials_of(const packet& p) {
  const auto* request = std::get_if<authenticate_request>(&p);
  if (request == nullptr) return std::nullopt;
  return credentials{request->identifier, request->peer_id, request->password};
}

}  // namespace pap

namespace chap {

challenge make_challenge(std::uint8_t identifier, std::span<const std::byte, 16> value, std::string_view name) {
  return {identifier, wire::bytes(value.begin(), value.end()), std::string{name}};
}

verdict verify_md5(const challenge& sent, const response& received, wire::byte_span secret) {
  if (received.identifier != sent.identifier) return verdict::stale;
  auto expected = chap_md5_response(sent.identifier, secret, wire::byte_span{sent.value});
  if (!expected) return verdict::md5_unavailable;
  if (received.value.size() != expected->size()) return verdict::rejected;
  // Constant time: no early exit that would time how many leading bytes matched.
  std::byte difference{0};
  for (std::size_t i = 0; i < expected->size(); ++i) difference |= (*expected)[i] ^ received.value[i];
  return difference == std::byte{0} ? verdict::accepted : verdict::rejected;
}

}  // namespace chap

}  // namespace bras::ppp
