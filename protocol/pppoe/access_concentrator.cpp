#include "protocol/pppoe/access_concentrator.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "protocol/pppoe/access_concentrator_limits.hpp"
#include "protocol/pppoe/calling_number.hpp"
#include "protocol/pppoe/cookie.hpp"

namespace bras::pppoe {

namespace {

constexpr std::uint16_t default_max_payload = 1492;  // 1500 - the PPPoE and PPP headers (RFC 2516)
constexpr eth::mac_address broadcast_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

bool is_multicast(const eth::mac_address& mac) noexcept {
  return (mac[0] & 0x01U) != 0;
}

// The VLAN stack of a frame as the cookie and the limits see it. A single
// tag with VID 0 is 802.1p priority tagging: the frame is untagged.
cookie_subject subject_of(std::uint16_t port, const eth::header& hdr) {
  cookie_subject s;
  s.mac = hdr.src;
  s.port = port;
  if (hdr.outer_vlan && (hdr.inner_vlan || hdr.outer_vlan->vid != 0)) {
    s.tags = hdr.inner_vlan ? 2 : 1;
    s.outer_vid = hdr.outer_vlan->vid;
    s.inner_vid = hdr.inner_vlan ? hdr.inner_vlan->vid : 0;
  }
  return s;
}

std::string describe(const eth::header& hdr) {
  std::string s = "mac " + format_mac(hdr.src);
  if (hdr.outer_vlan) s += " vlan " + std::to_string(hdr.outer_vlan->vid);
  if (hdr.inner_vlan) s += "." + std::to_string(hdr.inner_vlan->vid);
  return s;
}

ac_effects drop(refusal why, std::string detail) {
  ac_effects out;
  out.emplace_back(dropped{why, std::move(detail)});
  return out;
}

// RFC 4638: granted only when the client asked for more than 1492 and we allow more.
std::optional<std::uint16_t> granted_payload(const discovery& d, std::uint16_t cap) {
  const auto* asked = find<ppp_max_payload>(d);
  if (asked == nullptr || asked->value <= default_max_payload || cap <= default_max_payload) return std::nullopt;
  return std::min(asked->value, cap);
}

// Host-Uniq and Relay-Session-Id of the request, echoed in every answer (RFC 2516 §5).
void echo_tags(const discovery& request, std::vector<tag>& tags) {
  if (const auto* h = find<host_uniq>(request)) tags.emplace_back(*h);
  if (const auto* r = find<relay_session_id>(request)) tags.emplace_back(*r);
}

}  // namespace

std::string_view to_string(refusal r) noexcept {
  switch (r) {
    case refusal::malformed: return "malformed";
    case refusal::vlan_not_configured: return "vlan-not-configured";
    case refusal::padi_rate: return "padi-rate";
    case refusal::padi_rate_per_mac: return "padi-rate-per-mac";
    case refusal::service_name: return "service-name";
    case refusal::bad_cookie: return "bad-cookie";
    case refusal::max_sessions: return "max-sessions";
    case refusal::max_sessions_per_mac: return "max-sessions-per-mac";
    case refusal::max_sessions_per_vlan: return "max-sessions-per-vlan";
    case refusal::max_starting: return "max-starting";
    case refusal::not_for_us: return "not-for-us";
    case refusal::unexpected_code: return "unexpected-code";
    case refusal::unknown_session: return "unknown-session";
  }
  return "unknown";
}

struct access_concentrator::impl {
  struct session_record {
    std::uint16_t port = 0;
    std::uint16_t session_id = 0;
    eth::header to_client;  ///< ethertype 0x8864
    cookie_subject subject;
    wire::bytes host_uniq;
    wire::bytes pads;  ///< re-sent to a duplicate PADR
    bool starting = true;
    bool closing = false;  ///< the client sent PADT: waiting for session_ended
  };

  ac_config config;
  cookie_jar cookies;
  padi_limiter limiter;
  std::vector<session_ids> ids;  ///< one per port: SESSION_IDs are unique per port
  std::unordered_map<std::uint32_t, session_record> sessions;
  std::unordered_map<std::uint64_t, std::vector<std::uint16_t>> by_mac;  ///< (port, MAC) -> session IDs
  std::unordered_map<std::uint64_t, unsigned> per_vlan;                  ///< (port, tags, VIDs) -> sessions
  std::size_t starting = 0;

  impl(ac_config c, std::span<const std::byte> secret)
      : config(std::move(c)),
        cookies(secret),
        limiter(config.padi_rate, config.padi_rate_per_mac),
        ids(id_orders(config.ports.size(), secret)) {}

  // A multiplier per port from the first secret: ID orders differ between ports and runs.
  static std::vector<session_ids> id_orders(std::size_t ports, std::span<const std::byte> secret) {
    std::vector<session_ids> out;
    for (std::size_t p = 0; p < ports; ++p) {
      unsigned m = 0x9e37U + static_cast<unsigned>(p) * 0x3c6eU;
      if (!secret.empty()) {
        m ^= std::to_integer<unsigned>(secret[(2 * p) % secret.size()]) << 8;
        m ^= std::to_integer<unsigned>(secret[(2 * p + 1) % secret.size()]);
      }
      out.emplace_back(static_cast<std::uint16_t>(m));
    }
    return out;
  }

  // The session's client: its MAC in the same VLANs (the port is in the session's key).
  static bool same_client(const session_record& r, const cookie_subject& s) {
    return r.subject.mac == s.mac && r.subject.tags == s.tags && r.subject.outer_vid == s.outer_vid &&
           r.subject.inner_vid == s.inner_vid;
  }

  static std::uint32_t session_key(std::uint16_t port, std::uint16_t id) { return (std::uint32_t{port} << 16) | id; }
  static std::uint64_t mac_index(std::uint16_t port, const eth::mac_address& mac) {
    return (std::uint64_t{port} << 48) | mac_key(mac);
  }
  static std::uint64_t vlan_index(const cookie_subject& s) {
    return (std::uint64_t{s.port} << 40) | (std::uint64_t{s.tags} << 32) | (std::uint64_t{s.outer_vid} << 16) |
           s.inner_vid;
  }

  // The VLAN rule the frame falls under: nullptr for an accepted untagged
  // frame, nullopt when the port does not accept this tagging.
  std::optional<const vlan_rule*> rule_for(const port_config& port, const cookie_subject& s) const {
    if (s.tags == 0) {
      if (port.untagged) return nullptr;
      return std::nullopt;
    }
    for (const vlan_rule& r : port.vlans) {
      bool qinq_rule = r.inner_first != 0 || r.inner_last != 0;
      if (qinq_rule != (s.tags == 2)) continue;
      if (s.outer_vid < r.outer_first || s.outer_vid > r.outer_last) continue;
      if (qinq_rule && (s.inner_vid < r.inner_first || s.inner_vid > r.inner_last)) continue;
      return &r;
    }
    return std::nullopt;
  }

  const std::vector<std::string>& offered(const port_config& port, const vlan_rule* rule) const {
    if (rule != nullptr && !rule->service_names.empty()) return rule->service_names;
    if (!port.service_names.empty()) return port.service_names;
    return config.service_names;
  }

  static bool accepts(const std::vector<std::string>& offered_names, std::string_view requested) {
    return requested.empty() || offered_names.empty() ||
           std::find(offered_names.begin(), offered_names.end(), requested) != offered_names.end();
  }

  std::chrono::milliseconds pado_delay() const {
    std::chrono::milliseconds delay{0};
    for (const auto& [from, wait] : config.pado_delay) {
      if (sessions.size() >= from) delay = wait;
    }
    return delay;
  }

  // The reply's Ethernet header: to the client, from our MAC, in the client's VLANs.
  static eth::header reply_header(const port_config& port, const eth::header& hdr, std::uint16_t ethertype) {
    eth::header h = hdr;
    h.dst = hdr.src;
    h.src = port.mac;
    h.ethertype = ethertype;
    return h;
  }

  static wire::bytes frame(const eth::header& h, const discovery& d) {
    wire::bytes out;
    wire::writer w{out};
    // Everything here is ours and small: encoding cannot fail, but an empty frame is the safe result if it did.
    if (!eth::encode(h, w).ok() || !encode(d, w).ok()) out.clear();
    return out;
  }

  ac_effects receive(std::uint16_t port_number, const eth::header& hdr, wire::byte_span pppoe,
                     ac_clock::time_point now);
  ac_effects on_padi(std::uint16_t port_number, const eth::header& hdr, const discovery& padi,
                     ac_clock::time_point now);
  ac_effects on_padr(std::uint16_t port_number, const eth::header& hdr, const discovery& d);
  ac_effects on_padt(std::uint16_t port_number, const eth::header& hdr, const discovery& d);
  ac_effects refuse_padr(std::uint16_t port_number, const eth::header& hdr, const discovery& d, refusal why,
                         tag error_tag, std::string detail) const;
  ac_effects accept_padr(std::uint16_t port_number, const eth::header& hdr, const discovery& d, const cookie_subject& s,
                         std::optional<access_line> line, std::string detail);
  session_record* duplicate_of(std::uint16_t port_number, const cookie_subject& s, const wire::bytes& uniq);
  void forget(std::uint32_t key);
};

ac_effects access_concentrator::impl::receive(std::uint16_t port_number, const eth::header& hdr, wire::byte_span pppoe,
                                              ac_clock::time_point now) {
  if (port_number >= config.ports.size())
    return drop(refusal::not_for_us, "no access port " + std::to_string(port_number));
  const port_config& port = config.ports[port_number];
  if (hdr.dst != broadcast_mac && hdr.dst != port.mac)
    return drop(refusal::not_for_us, describe(hdr) + " to " + format_mac(hdr.dst));
  if (is_multicast(hdr.src) || (hdr.inner_vlan && !hdr.outer_vlan))
    return drop(refusal::malformed, describe(hdr) + ": bad source or VLAN stack");
  std::size_t base = eth::header_size(hdr);
  auto head = decode_header(pppoe, base);
  if (!head) return drop(refusal::malformed, describe(hdr) + ": " + wire::to_string(head.err()));
  auto d = decode_discovery(pppoe, base);
  if (!d) {
    bool unknown_code = !is_discovery_code(head->code);
    return drop(unknown_code ? refusal::unexpected_code : refusal::malformed,
                describe(hdr) + ": " + wire::to_string(d.err()));
  }
  if (d->code != packet_code::padi && d->code != packet_code::padr && d->code != packet_code::padt) {
    return drop(refusal::unexpected_code, describe(hdr) + ": " + std::string{to_string(d->code)} + " from a host");
  }
  // Broken frames count as malformed whatever their rate: the rate limits
  // below only decide which well-formed PADIs are worth a PADO (and an HMAC).
  if (auto c = check(*d, base); !c) return drop(refusal::malformed, describe(hdr) + ": " + wire::to_string(c.err()));
  if (d->code == packet_code::padi) return on_padi(port_number, hdr, *d, now);
  if (hdr.dst != port.mac)
    return drop(refusal::malformed, describe(hdr) + ": " + std::string{to_string(d->code)} + " not unicast to us");
  if (d->code == packet_code::padr) return on_padr(port_number, hdr, *d);
  return on_padt(port_number, hdr, *d);
}

ac_effects access_concentrator::impl::on_padi(std::uint16_t port_number, const eth::header& hdr, const discovery& padi,
                                              ac_clock::time_point now) {
  switch (limiter.admit(hdr.src, now)) {
    case padi_limiter::verdict::over_global: return drop(refusal::padi_rate, describe(hdr));
    case padi_limiter::verdict::over_per_mac: return drop(refusal::padi_rate_per_mac, describe(hdr));
    case padi_limiter::verdict::pass: break;
  }
  const port_config& port = config.ports[port_number];
  cookie_subject s = subject_of(port_number, hdr);
  auto rule = rule_for(port, s);
  if (!rule) return drop(refusal::vlan_not_configured, describe(hdr));
  const std::vector<std::string>& names = offered(port, *rule);
  const std::string& requested = find<service_name>(padi)->name;
  // RFC 2516 §5.2: an AC that cannot serve the request must not answer the PADI.
  if (!accepts(names, requested))
    return drop(refusal::service_name, describe(hdr) + ": service '" + requested + "' not offered");
  wire::bytes cookie = cookies.make(s);
  if (cookie.empty()) return drop(refusal::bad_cookie, describe(hdr) + ": no cookie (libcrypto failed)");

  discovery pado{packet_code::pado, 0, {ac_name{config.ac_name}}, false};
  if (!requested.empty() || names.empty()) {
    pado.tags.emplace_back(service_name{requested});
  } else {
    for (const std::string& n : names) pado.tags.emplace_back(service_name{n});
  }
  pado.tags.emplace_back(ac_cookie{std::move(cookie)});
  echo_tags(padi, pado.tags);
  if (auto grant = granted_payload(padi, config.max_payload)) pado.tags.emplace_back(ppp_max_payload{*grant});
  ac_effects out;
  out.emplace_back(send_discovery{port_number, packet_code::pado,
                                  frame(reply_header(port, hdr, eth::ethertype_pppoe_discovery), pado), pado_delay()});
  return out;
}

access_concentrator::impl::session_record* access_concentrator::impl::duplicate_of(std::uint16_t port_number,
                                                                                   const cookie_subject& s,
                                                                                   const wire::bytes& uniq) {
  auto it = by_mac.find(mac_index(port_number, s.mac));
  if (it == by_mac.end()) return nullptr;
  for (std::uint16_t id : it->second) {
    session_record& r = sessions.at(session_key(port_number, id));
    if (same_client(r, s) && r.host_uniq == uniq && r.starting && !r.closing) return &r;
  }
  return nullptr;
}

ac_effects access_concentrator::impl::on_padr(std::uint16_t port_number, const eth::header& hdr, const discovery& d) {
  const port_config& port = config.ports[port_number];
  cookie_subject s = subject_of(port_number, hdr);
  const auto* cookie = find<ac_cookie>(d);
  if (cookie == nullptr) return drop(refusal::bad_cookie, describe(hdr) + ": PADR without AC-Cookie");
  if (!cookies.valid(cookie->value, s))
    return drop(refusal::bad_cookie, describe(hdr) + ": AC-Cookie not ours, stale or for another client");
  auto rule = rule_for(port, s);
  if (!rule) return drop(refusal::vlan_not_configured, describe(hdr));
  const std::string& requested = find<service_name>(d)->name;
  if (!accepts(offered(port, *rule), requested)) {
    return refuse_padr(port_number, hdr, d, refusal::service_name,
                       service_name_error{"service '" + requested + "' not offered"},
                       describe(hdr) + ": service '" + requested + "' not offered");
  }
  const auto* uniq = find<host_uniq>(d);
  wire::bytes uniq_value = uniq != nullptr ? uniq->value : wire::bytes{};
  // The client retransmits a PADR whose PADS it lost: the same session, not a second one.
  if (session_record* again = duplicate_of(port_number, s, uniq_value)) {
    ac_effects out;
    out.emplace_back(send_discovery{port_number, packet_code::pads, again->pads, {}});
    return out;
  }
  auto line = access_line_of(d, eth::header_size(hdr));
  if (!line) return drop(refusal::malformed, describe(hdr) + ": TR-101 tag: " + wire::to_string(line.err()));

  auto mac_sessions = by_mac.find(mac_index(port_number, s.mac));
  std::size_t of_mac = mac_sessions == by_mac.end() ? 0 : mac_sessions->second.size();
  // Untagged access is no VLAN: only the tagged VID (pair) has a per-VLAN cap.
  unsigned vlan_cap = 0;
  if (*rule != nullptr) vlan_cap = (*rule)->max_sessions != 0 ? (*rule)->max_sessions : port.max_sessions_per_vlan;
  auto vlan_count = per_vlan.find(vlan_index(s));
  unsigned of_vlan = vlan_count == per_vlan.end() ? 0 : vlan_count->second;
  if (config.max_sessions != 0 && sessions.size() >= config.max_sessions) {
    return refuse_padr(port_number, hdr, d, refusal::max_sessions, ac_system_error{"session limit reached"},
                       describe(hdr));
  }
  if (config.max_sessions_per_mac != 0 && of_mac >= config.max_sessions_per_mac) {
    return refuse_padr(port_number, hdr, d, refusal::max_sessions_per_mac,
                       generic_error{"too many sessions from this MAC address"}, describe(hdr));
  }
  if (vlan_cap != 0 && of_vlan >= vlan_cap) {
    return refuse_padr(port_number, hdr, d, refusal::max_sessions_per_vlan,
                       generic_error{"too many sessions on this VLAN"}, describe(hdr));
  }
  if (config.max_starting != 0 && starting >= config.max_starting) {
    return refuse_padr(port_number, hdr, d, refusal::max_starting,
                       ac_system_error{"busy: too many sessions starting, try again later"}, describe(hdr));
  }
  return accept_padr(port_number, hdr, d, s, std::move(*line), describe(hdr));
}

ac_effects access_concentrator::impl::refuse_padr(std::uint16_t port_number, const eth::header& hdr, const discovery& d,
                                                  refusal why, tag error_tag, std::string detail) const {
  const port_config& port = config.ports[port_number];
  // SESSION_ID 0: no session exists (RFC 2516 §5.4).
  discovery pads{packet_code::pads, 0, {*find<service_name>(d), std::move(error_tag)}, false};
  echo_tags(d, pads.tags);
  ac_effects out;
  out.emplace_back(send_discovery{
      port_number, packet_code::pads, frame(reply_header(port, hdr, eth::ethertype_pppoe_discovery), pads), {}});
  out.emplace_back(dropped{why, std::move(detail)});
  return out;
}

ac_effects access_concentrator::impl::accept_padr(std::uint16_t port_number, const eth::header& hdr, const discovery& d,
                                                  const cookie_subject& s, std::optional<access_line> line,
                                                  std::string detail) {
  const port_config& port = config.ports[port_number];
  auto id = ids[port_number].allocate();
  if (!id) {
    return refuse_padr(port_number, hdr, d, refusal::max_sessions, ac_system_error{"no session id free on this port"},
                       std::move(detail));
  }
  auto grant = granted_payload(d, config.max_payload);
  const std::string& requested = find<service_name>(d)->name;
  discovery pads{packet_code::pads, *id, {service_name{requested}}, false};
  echo_tags(d, pads.tags);
  if (grant) pads.tags.emplace_back(ppp_max_payload{*grant});

  session_record record;
  record.port = port_number;
  record.session_id = *id;
  record.to_client = reply_header(port, hdr, eth::ethertype_pppoe_session);
  record.subject = s;
  if (const auto* uniq = find<host_uniq>(d)) record.host_uniq = uniq->value;
  record.pads = frame(reply_header(port, hdr, eth::ethertype_pppoe_discovery), pads);

  open_session opened;
  opened.port = port_number;
  opened.session_id = *id;
  opened.to_client = record.to_client;
  opened.service_name = requested;
  opened.max_payload = grant.value_or(default_max_payload);
  opened.line = std::move(line);
  opened.host_uniq = record.host_uniq;

  ac_effects out;
  out.emplace_back(send_discovery{port_number, packet_code::pads, record.pads, {}});
  out.emplace_back(std::move(opened));
  by_mac[mac_index(port_number, s.mac)].push_back(*id);
  ++per_vlan[vlan_index(s)];
  ++starting;
  sessions.emplace(session_key(port_number, *id), std::move(record));
  return out;
}

ac_effects access_concentrator::impl::on_padt(std::uint16_t port_number, const eth::header& hdr, const discovery& d) {
  auto it = sessions.find(session_key(port_number, d.session_id));
  if (it == sessions.end() || !same_client(it->second, subject_of(port_number, hdr))) {
    return drop(refusal::unknown_session, describe(hdr) + ": PADT for session " + std::to_string(d.session_id));
  }
  // A repeated PADT while the caller tears the session down changes nothing.
  if (it->second.closing) return {};
  it->second.closing = true;
  std::string reason = "PADT from the client";
  if (const auto* e = find<generic_error>(d); e != nullptr && !e->message.empty()) reason += ": " + e->message;
  ac_effects out;
  out.emplace_back(close_session{port_number, d.session_id, std::move(reason)});
  return out;
}

void access_concentrator::impl::forget(std::uint32_t key) {
  auto it = sessions.find(key);
  if (it == sessions.end()) return;
  const session_record& r = it->second;
  ids[r.port].release(r.session_id);
  if (r.starting) --starting;
  if (auto m = by_mac.find(mac_index(r.port, r.subject.mac)); m != by_mac.end()) {
    std::erase(m->second, r.session_id);
    if (m->second.empty()) by_mac.erase(m);
  }
  if (auto v = per_vlan.find(vlan_index(r.subject)); v != per_vlan.end() && --v->second == 0) per_vlan.erase(v);
  sessions.erase(it);
}

access_concentrator::access_concentrator(ac_config config, std::span<const std::byte> secret)
    : impl_(std::make_unique<impl>(std::move(config), secret)) {}
access_concentrator::~access_concentrator() = default;
access_concentrator::access_concentrator(access_concentrator&&) noexcept = default;
access_concentrator& access_concentrator::operator=(access_concentrator&&) noexcept = default;

ac_effects access_concentrator::receive(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe,
                                        ac_clock::time_point now) {
  return impl_->receive(port, hdr, pppoe, now);
}

void access_concentrator::session_up(std::uint16_t port, std::uint16_t session_id) {
  auto it = impl_->sessions.find(impl::session_key(port, session_id));
  if (it == impl_->sessions.end() || !it->second.starting) return;
  it->second.starting = false;
  --impl_->starting;
}

ac_effects access_concentrator::session_ended(std::uint16_t port, std::uint16_t session_id, std::string_view reason,
                                              bool send_padt) {
  auto it = impl_->sessions.find(impl::session_key(port, session_id));
  if (it == impl_->sessions.end()) return {};
  ac_effects out;
  if (send_padt) {
    eth::header h = it->second.to_client;
    h.ethertype = eth::ethertype_pppoe_discovery;
    discovery padt{packet_code::padt, session_id, {generic_error{std::string{reason}}}, false};
    out.emplace_back(send_discovery{port, packet_code::padt, impl::frame(h, padt), {}});
  }
  impl_->forget(it->first);
  return out;
}

void access_concentrator::rotate_secret(std::span<const std::byte> secret) {
  impl_->cookies.rotate(secret);
}

std::size_t access_concentrator::sessions() const noexcept {
  return impl_->sessions.size();
}

std::size_t access_concentrator::starting() const noexcept {
  return impl_->starting;
}

std::size_t access_concentrator::tracked_macs() const noexcept {
  return impl_->limiter.tracked();
}

}  // namespace bras::pppoe
