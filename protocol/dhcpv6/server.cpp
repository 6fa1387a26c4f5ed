// The per-session DHCPv6 server (RFC 8415 §16 validation, §18.3 answers).
//
// Choices the RFC leaves open, made here:
// - Information-Request may carry our Server Identifier (§16.12); another server's is not_for_us,
//   and one carrying an IA is invalid.
// - Renew from a client that holds no binding: NoBinding in its IA_PD (§18.3.4). Rebind from a
//   client with no binding (§18.3.5): if it names the session's prefix and that prefix is free, the
//   server binds it again (the session's prefix is the only one that can be appropriate); prefixes
//   it names that are not ours get lifetimes 0; an IA_PD naming nothing usable gets NoBinding.
// - An IA_TA cannot be echoed (the decoded message keeps none of its content): a message whose
//   only IA is an IA_TA gets a message-level NoAddrsAvail, as §18.3.1 allows for an Advertise.
// - DNS servers go into every Advertise and Reply when configured, asked for or not.
#include "protocol/dhcpv6/server.hpp"

#include <algorithm>

namespace bras::dhcpv6 {

namespace {

/// RFC 8415 §7.6 IRT_DEFAULT: how often a stateless client asks again for DNS servers.
constexpr std::uint32_t information_refresh_seconds = 86400;

outcome dropped(drop_reason reason, std::string_view detail) {
  return outcome{drop{reason, detail}, route_change::none};
}

status_code make_status(status code, std::string_view text) {
  return status_code{code, std::string{text}};
}

/// The frame every answer shares: type, the client's transaction id, our DUID, its DUID, DNS.
message answer_frame(const server_config& config, const message& request, msg_type type) {
  message m;
  m.type = type;
  m.transaction_id = request.transaction_id;
  m.client_id = request.client_id;
  m.server_id = config.server_duid;
  m.dns_servers = config.dns_servers;
  return m;
}

outcome answered(message&& reply, route_change route) {
  return outcome{answer{encode(reply), reply.type}, route};
}

/// True when the session's prefix is bound to this client.
bool held_by(const binding& b, const message& request) {
  return b.bound && b.client_duid && request.client_id && *b.client_duid == *request.client_id;
}

/// True when the session's prefix can be given to this client: it has one and nobody else holds it.
bool available_to(const binding& b, const message& request) {
  return b.delegated && (!b.bound || held_by(b, request));
}

ia_pd granted_ia(const server_config& config, const binding& b, std::uint32_t iaid) {
  ia_pd ia;
  ia.iaid = iaid;
  ia.t1 = config.t1;
  ia.t2 = config.t2;
  ia.prefixes.push_back(ia_prefix{config.preferred_lifetime, config.valid_lifetime, *b.delegated, std::nullopt});
  return ia;
}

ia_pd failed_ia(std::uint32_t iaid, status code, std::string_view text) {
  ia_pd ia;
  ia.iaid = iaid;
  ia.status = make_status(code, text);
  return ia;
}

/// IA_NAs are never granted (SLAAC gives addresses): each comes back with `code`.
void refuse_ia_nas(message& reply, const message& request, status code, std::string_view text) {
  for (const auto& na : request.ia_nas) {
    ia_na ia;
    ia.iaid = na.iaid;
    ia.status = make_status(code, text);
    reply.ia_nas.push_back(std::move(ia));
  }
  if (request.has_ia_ta && request.ia_nas.empty() && request.ia_pds.empty())
    reply.status = make_status(status::no_addrs_avail, "no temporary addresses");
}

/// Solicit/Request: the first IA_PD gets the session's prefix when it is available to this
/// client (one prefix per session), every other one NoPrefixAvail. Returns whether one was granted.
bool offer_ia_pds(const server_config& config, const binding& b, const message& request, message& reply) {
  bool granted = false;
  for (const auto& pd : request.ia_pds) {
    if (!granted && available_to(b, request)) {
      reply.ia_pds.push_back(granted_ia(config, b, pd.iaid));
      granted = true;
    } else {
      reply.ia_pds.push_back(failed_ia(pd.iaid, status::no_prefix_avail, "no prefix available"));
    }
  }
  refuse_ia_nas(reply, request, status::no_addrs_avail, "no addresses available");
  return granted;
}

/// Marks the prefix bound to the requesting client; the route is added only on the first bind.
route_change bind_to(binding& b, const message& request) {
  const bool was_bound = b.bound;
  b.bound = true;
  b.client_duid = request.client_id;
  return was_bound ? route_change::none : route_change::bind;
}

route_change unbind(binding& b) {
  b.bound = false;
  b.client_duid.reset();
  return route_change::unbind;
}

outcome on_solicit(const server_config& config, binding& b, const message& request) {
  const bool commit = request.rapid_commit && config.rapid_commit;
  message reply = answer_frame(config, request, commit ? msg_type::reply : msg_type::advertise);
  const bool granted = offer_ia_pds(config, b, request, reply);
  if (!commit) {
    reply.preference = config.preference;
    return answered(std::move(reply), route_change::none);
  }
  reply.rapid_commit = true;
  const auto route = granted ? bind_to(b, request) : route_change::none;
  return answered(std::move(reply), route);
}

outcome on_request(const server_config& config, binding& b, const message& request) {
  message reply = answer_frame(config, request, msg_type::reply);
  const bool granted = offer_ia_pds(config, b, request, reply);
  const auto route = granted ? bind_to(b, request) : route_change::none;
  return answered(std::move(reply), route);
}

/// Renew/Rebind of one IA_PD: our prefix with fresh lifetimes plus lifetimes 0 for every other
/// prefix the client names.
ia_pd extended_ia(const server_config& config, const binding& b, const ia_pd& pd) {
  ia_pd ia = granted_ia(config, b, pd.iaid);
  for (const auto& named : pd.prefixes)
    if (named.prefix != *b.delegated) ia.prefixes.push_back(ia_prefix{0, 0, named.prefix, std::nullopt});
  return ia;
}

/// Renew (§18.3.4) and Rebind (§18.3.5).
outcome on_extend(const server_config& config, binding& b, const message& request) {
  const bool rebind = request.type == msg_type::rebind;
  message reply = answer_frame(config, request, msg_type::reply);
  auto route = route_change::none;
  bool extended = false;
  for (const auto& pd : request.ia_pds) {
    const bool names_ours = b.delegated && std::any_of(pd.prefixes.begin(), pd.prefixes.end(),
                                                       [&](const auto& p) { return p.prefix == *b.delegated; });
    if (!extended && held_by(b, request)) {
      reply.ia_pds.push_back(extended_ia(config, b, pd));
      extended = true;
    } else if (rebind && !extended && names_ours && available_to(b, request)) {
      reply.ia_pds.push_back(extended_ia(config, b, pd));
      route = bind_to(b, request);
      extended = true;
    } else if (rebind && !pd.prefixes.empty()) {
      ia_pd ia;
      ia.iaid = pd.iaid;
      for (const auto& named : pd.prefixes) ia.prefixes.push_back(ia_prefix{0, 0, named.prefix, std::nullopt});
      reply.ia_pds.push_back(std::move(ia));
    } else {
      reply.ia_pds.push_back(failed_ia(pd.iaid, status::no_binding, "no binding"));
    }
  }
  refuse_ia_nas(reply, request, status::no_binding, "no binding");
  return answered(std::move(reply), route);
}

/// Release (§18.3.7) and Decline (§18.3.8): the binding goes; IA_PDs we hold nothing for get NoBinding.
outcome on_release(const server_config& config, binding& b, const message& request) {
  message reply = answer_frame(config, request, msg_type::reply);
  reply.status = make_status(status::success, "");
  auto route = route_change::none;
  // An IA_NA-only message leaves the delegated prefix alone.
  const bool held = held_by(b, request) && !request.ia_pds.empty();
  for (const auto& pd : request.ia_pds)
    if (!held) reply.ia_pds.push_back(failed_ia(pd.iaid, status::no_binding, "no binding"));
  if (held) route = unbind(b);
  return answered(std::move(reply), route);
}

/// Confirm (§18.3.3): are the client's addresses still on this link (the session's /64)?
outcome on_confirm(const server_config& config, const binding& b, const message& request) {
  bool any = false;
  bool all_on_link = true;
  for (const auto& na : request.ia_nas) {
    for (const auto& a : na.addresses) {
      any = true;
      all_on_link = all_on_link && b.link && b.link->contains(a.address);
    }
  }
  if (!any) return dropped(drop_reason::invalid, "confirm-without-address");
  message reply = answer_frame(config, request, msg_type::reply);
  reply.status =
      all_on_link ? make_status(status::success, "") : make_status(status::not_on_link, "addresses not on this link");
  return answered(std::move(reply), route_change::none);
}

outcome on_information_request(const server_config& config, const message& request) {
  message reply = answer_frame(config, request, msg_type::reply);
  reply.information_refresh_time = information_refresh_seconds;
  return answered(std::move(reply), route_change::none);
}

}  // namespace

outcome handle(const server_config& config, binding& b, const message& request) {
  switch (request.type) {
    case msg_type::solicit:
    case msg_type::rebind:
    case msg_type::confirm:
      if (request.server_id) return dropped(drop_reason::invalid, "server-id-not-allowed");
      if (!request.client_id) return dropped(drop_reason::invalid, "no-client-id");
      break;
    case msg_type::request:
    case msg_type::renew:
    case msg_type::release:
    case msg_type::decline:
      if (!request.server_id) return dropped(drop_reason::invalid, "no-server-id");
      if (*request.server_id != config.server_duid) return dropped(drop_reason::not_for_us, "other-server-id");
      if (!request.client_id) return dropped(drop_reason::invalid, "no-client-id");
      break;
    case msg_type::information_request:
      if (request.server_id && *request.server_id != config.server_duid)
        return dropped(drop_reason::not_for_us, "other-server-id");
      if (!request.ia_nas.empty() || !request.ia_pds.empty() || request.has_ia_ta)
        return dropped(drop_reason::invalid, "ia-in-information-request");
      break;
    case msg_type::advertise:
    case msg_type::reply:
    case msg_type::reconfigure: return dropped(drop_reason::invalid, "server-message");
    case msg_type::relay_forw:
    case msg_type::relay_repl: return dropped(drop_reason::invalid, "relay-message");
  }
  switch (request.type) {
    case msg_type::solicit: return on_solicit(config, b, request);
    case msg_type::request: return on_request(config, b, request);
    case msg_type::renew:
    case msg_type::rebind: return on_extend(config, b, request);
    case msg_type::release:
    case msg_type::decline: return on_release(config, b, request);
    case msg_type::confirm: return on_confirm(config, b, request);
    case msg_type::information_request: return on_information_request(config, request);
    default: break;  // every other type was dropped above
  }
  return dropped(drop_reason::invalid, "unexpected-type");
}

}  // namespace bras::dhcpv6
